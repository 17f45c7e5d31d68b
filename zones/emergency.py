"""Zone rules that switch on with the alert level (重污染天气应急): the clauses, and the level in force at
each record's time and township.

Defaults follow Jiyuan's plan ("橙色及以上预警期间…禁止国四及以下柴油货车"): from orange on, China IV
and older diesel trucks may not enter the low-emission zone at any hour and passes do not exempt them;
non-road machinery of China III and older may not work in the 禁高区 at any hour. A zone's rules JSON may
replace them under ``"emergency"``: a list of {"clause", "from_level", "overrides"}.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import BadInputError
from data.alerts import ALERT_LEVELS, LEVEL_RANK
from zones.rules import parse_rules


@dataclass(frozen=True)
class EmergencyClause:
    """A clause of a zone rule in force from alert level ``from_level`` up: the rule's fields it replaces.
    Its words are in core.vocabulary under 'clause.<key>'."""

    key: str
    from_level: str
    overrides: dict = field(default_factory=dict)

    def applies_at(self, level: str | None) -> bool:
        return level is not None and LEVEL_RANK.get(level, 0) >= LEVEL_RANK[self.from_level]


DEFAULT_CLAUSES: dict[str, tuple[EmergencyClause, ...]] = {
    "low_emission": (EmergencyClause("lez_china4_orange", "orange",
                                     {"max_banned_standard": 4, "permits_void": True, "hours": "00:00-24:00"}),),
    "nonroad_ban": (EmergencyClause("nonroad_china3_orange", "orange",
                                    {"max_banned_standard": 3, "work_hours": "00:00-24:00"}),),
}


def zone_clauses(kind: str, rules_json: str | None) -> tuple[EmergencyClause, ...]:
    """The emergency clauses of a zone of ``kind``: its rules JSON's "emergency" list, else the defaults."""
    rules = json.loads(rules_json) if rules_json else {}
    given = rules.get("emergency") if isinstance(rules, dict) else None
    if given is None:
        return DEFAULT_CLAUSES.get(kind, ())
    clauses = []
    for item in given:
        if not isinstance(item, dict) or item.get("from_level") not in LEVEL_RANK or not item.get("clause"):
            raise BadInputError("error.emergency_clause_malformed", field="rules.emergency", found=item)
        clauses.append(EmergencyClause(str(item["clause"]), item["from_level"], dict(item.get("overrides") or {})))
    return tuple(clauses)


def rule_at_level(kind: str, rules_json: str | None, level: str | None):
    """The zone's rule as it stands at alert ``level`` (None: no alert) and the clause that tightened it
    (None when no clause applies); the strictest clause (highest from_level) wins."""
    rule = parse_rules(kind, rules_json)
    applying = [clause for clause in zone_clauses(kind, rules_json) if clause.applies_at(level)]
    if not applying:
        return rule, None
    clause = max(applying, key=lambda item: LEVEL_RANK[item.from_level])
    names = {item.name for item in dataclasses.fields(rule)}
    return dataclasses.replace(rule, **{k: v for k, v in clause.overrides.items() if k in names}), clause


def levels_in_force(times: pd.Series, township_codes: pd.Series, periods: pd.DataFrame) -> pd.DataFrame:
    """For each record (naive Beijing ``times`` and ``township_codes``, aligned), the highest alert level
    in force there and then and the alert it comes from: columns level, alert_id (None outside every
    alert). ``periods`` as data.alerts.read_level_periods: alert_id, level, area_codes (a list; empty =
    every township), from_time (inclusive), to_time (exclusive)."""
    count = len(times)
    ranks = np.zeros(count, dtype=int)
    alert_ids = np.full(count, None, dtype=object)
    stamps = pd.to_datetime(pd.Series(np.asarray(times))).to_numpy()
    codes = pd.Series(np.asarray(township_codes, dtype=object))
    for period in periods.itertuples():
        covered = (stamps >= np.datetime64(pd.Timestamp(period.from_time))) & (
            stamps < np.datetime64(pd.Timestamp(period.to_time)))
        if len(period.area_codes):
            covered &= codes.isin(list(period.area_codes)).to_numpy()
        rank = LEVEL_RANK[period.level]
        higher = covered & (rank > ranks)
        ranks[higher] = rank
        alert_ids[higher] = period.alert_id
    levels = np.array([None, *ALERT_LEVELS], dtype=object)[ranks]
    return pd.DataFrame({"level": levels, "alert_id": alert_ids}, index=times.index)
