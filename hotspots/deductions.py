"""The deduction schedule: what a township is charged per confirmed problem, by problem type, each amount
with its source; one frozen object like hotspots.config."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from core.errors import BadInputError

# Qinyang's per-case list (seeds/003, Qinyang 2024 action plan, §(二) policy incentives, the list Jiaozuo
# applies to problems found by national, provincial and city inspections), in CNY per case.
QINYANG = "沁阳市大气污染防治行动方案（2024，征求意见稿）· 焦作市财力扣缴"
# Henan's satellite fire-point rule (DESIGN.md: 500,000 CNY per fire point deducted from county finances,
# 2016; the straw-burning notice the Jiyuan 2016 plan cites is 豫政办〔2015〕77号).
HENAN_FIRE_RULE = "河南省秸秆禁烧卫星火点扣减财力（2016，每个火点 50 万元）"


@dataclass(frozen=True)
class ScheduleEntry:
    """The amount of one problem type: ``first_cny`` for a township's first case in a calendar year and
    ``then_cny`` for each further case (None: the same as the first), with where it comes from."""

    first_cny: float
    then_cny: float | None = None
    source: str = ""

    def amount(self, earlier_cases: int) -> float:
        """CNY for a case when the township already stands charged for ``earlier_cases`` this year."""
        return float(self.first_cny if earlier_cases == 0 or self.then_cny is None else self.then_cny)

    def basis(self) -> str:
        """The entry as recorded beside each charge, so a later schedule change leaves it readable."""
        then = f", then {self.then_cny:,.0f}" if self.then_cny is not None else ""
        return f"{self.first_cny:,.0f} CNY{then} · {self.source}"


def _entries(mapping: Mapping[str, ScheduleEntry]) -> Mapping[str, ScheduleEntry]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class DeductionSchedule:
    """Every amount a confirmed problem costs its township (CNY per case). Override any entry through
    ``Settings.deduction_schedule`` (JSON, e.g. Xuchang's fire-point rule, 100,000 for the first and
    10,000 for each further point: ``LANTIAN_DEDUCTION_SCHEDULE='{"fire_point": {"first_cny": 100000,
    "then_cny": 10000, "source": "许昌"}}'``)."""

    entries: Mapping[str, ScheduleEntry] = field(default_factory=lambda: _entries({
        # A satellite fire point confirmed as straw burning: Henan's provincial rule.
        "fire_point": ScheduleEntry(500_000.0, source=HENAN_FIRE_RULE),
        # 露天焚烧生活垃圾、枯枝落叶和杂草: 5 万元 a case.
        "open_burning": ScheduleEntry(50_000.0, source=QINYANG),
        # 10 吨及以下燃煤锅炉: 10 万元 a case.
        "coal_boiler": ScheduleEntry(100_000.0, source=QINYANG),
        # 施工工地未落实“六个百分之百”: 10 万元 a case (each missing measure at one site counts).
        "site_dust": ScheduleEntry(100_000.0, source=QINYANG),
        # 应停产限产未落实: 10 万元 a case.
        "production_limit": ScheduleEntry(100_000.0, source=QINYANG),
        # 无资质建筑垃圾运输车辆（黑渣土车）: 10 万元 a case.
        "muck_truck": ScheduleEntry(100_000.0, source=QINYANG),
        # 禁燃禁放范围内销售、燃放烟花爆竹: 5 万元 a case.
        "fireworks": ScheduleEntry(50_000.0, source=QINYANG),
        # 工业企业堆场未采取防扬尘措施: 1 万元 a case.
        "stockpile_dust": ScheduleEntry(10_000.0, source=QINYANG),
        # 高污染燃料禁燃区内露天烧烤、使用高污染燃料: 1 万元 a case.
        "fuel_ban": ScheduleEntry(10_000.0, source=QINYANG),
        # 禁燃区内销售散煤 (the same clause as fuel_ban): 1 万元 a case.
        "scattered_coal": ScheduleEntry(10_000.0, source=QINYANG),
        # 城市建成区餐饮门店未完成清洁能源改造或油烟净化器未正常运行: 1 万元 a case.
        "catering": ScheduleEntry(10_000.0, source=QINYANG),
        # 其他未列入上述问题的大气环境问题: 1 万元 a case.
        "other": ScheduleEntry(10_000.0, source=QINYANG),
    }))

    def __post_init__(self) -> None:
        for problem, entry in self.entries.items():
            if entry.first_cny < 0 or (entry.then_cny is not None and entry.then_cny < 0):
                raise BadInputError("error.deduction_amount_negative", field="deduction_schedule", problem=problem)

    def entry(self, problem_type: str) -> ScheduleEntry:
        """The entry of ``problem_type``; BadInputError naming the known types otherwise."""
        if problem_type not in self.entries:
            raise BadInputError("error.unknown_problem_type", field="problem_type", problem=problem_type,
                                known=list(self.entries))
        return self.entries[problem_type]

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> DeductionSchedule:
        """A copy with the given entries' fields replaced (new problem types need a first_cny)."""
        entries = dict(self.entries)
        for problem, values in overrides.items():
            unknown = set(values) - {"first_cny", "then_cny", "source"}
            if unknown or (problem not in entries and "first_cny" not in values):
                raise BadInputError("error.deduction_override_invalid", field="deduction_schedule", problem=problem)
            entries[problem] = replace(entries.get(problem, ScheduleEntry(0.0)), **values)
        return replace(self, entries=_entries(entries))


def configured_schedule() -> DeductionSchedule:
    """The defaults with the overrides from ``Settings.deduction_schedule`` applied."""
    from core.settings import get_settings

    return DeductionSchedule().with_overrides(get_settings().deduction_schedule)
