"""What each zone kind bans: a zone's rules JSON as typed rules, and vectorised is-violation predicates."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import time
from typing import Any

import numpy as np
import pandas as pd

from core.errors import BadInputError

# Chinese numerals and Roman numerals for emission stages (国一..国六 / China I..VI); 0 = before China I.
_STAGE_WORDS = {"0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6,
                "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}
_STAGE_TEXT = re.compile(r"^(?:china|国|stage|国标)?\s*([0-6]|[一二三四五六]|vi|v|iv|iii|ii|i)(?:阶段)?$")
_BEFORE_FIRST = re.compile(r"(国一前|国一以前|pre-?china ?i$|before china ?i$|国0|国零|^0$)")
ROMAN = ("0", "I", "II", "III", "IV", "V", "VI")


def emission_stage(text: Any) -> int | None:
    """Emission stage (0 = before China I, 1..6 = China I..VI) from 'China III', '国三', 'III', '3', 国一前;
    None when blank or unreadable."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text)).strip().lower())
    if not value:
        return None
    if _BEFORE_FIRST.search(value):
        return 0
    match = _STAGE_TEXT.match(value.replace("china ", "china"))
    return _STAGE_WORDS[match.group(1)] if match else None


def stage_label(stage: int) -> str:
    """'China III' for 3, 'before China I' for 0."""
    return "before China I" if stage == 0 else f"China {ROMAN[stage]}"


def _hours(text: str) -> tuple[time, time]:
    """'06:00-22:00' → (06:00, 22:00); '24:00' as an end means the end of the day."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match:
        raise BadInputError("error.hours_format", field="rules.hours", found=text)
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
        raise BadInputError("error.hours_out_of_range", field="rules.hours", hours=text)
    return time(start_h, start_m), (time.max if end_h == 24 else time(end_h, end_m))


def within_hours(times: pd.Series, start: time, end: time) -> np.ndarray:
    """Whether each naive Beijing timestamp's clock time lies in [start, end) (wrapping past
    midnight when end < start; the whole day for 00:00-24:00)."""
    clock = (times.dt.hour * 60 + times.dt.minute).to_numpy()
    first = start.hour * 60 + start.minute
    last = 24 * 60 if end == time.max else end.hour * 60 + end.minute
    if first <= last:
        return (clock >= first) & (clock < last)
    return (clock >= first) | (clock < last)


def _known(rules: dict, cls: type) -> dict:
    names = {item.name for item in fields(cls)}
    return {key: value for key, value in rules.items() if key in names}


@dataclass(frozen=True)
class LowEmissionRule:
    """货运车辆低排放区: diesel trucks of at least ``min_weight_t`` tonnes gross weight and emission
    standard China ``max_banned_standard`` or below may not enter during ``hours`` without a valid
    permit; with ``permits_void`` (an emergency clause, zones.emergency) a permit does not exempt them.
    Defaults: 3.5 t, China IV, the whole day, permits honoured."""

    min_weight_t: float = 3.5
    max_banned_standard: int = 4
    banned_fuels: tuple[str, ...] = ("diesel",)
    hours: str = "00:00-24:00"
    permits_void: bool = False

    def banned_trucks(self, events: pd.DataFrame) -> np.ndarray:
        """Per truck event (columns fuel, gross_weight_t, emission_standard, permit_until, time):
        whether the truck breaks this rule at that time. Trucks with an unknown weight or standard
        are not judged (the fence cannot prove them banned)."""
        start, end = _hours(self.hours)
        permitted = (events["permit_until"].notna()
                     & (pd.to_datetime(events["permit_until"]) >= events["time"].dt.normalize())).to_numpy()
        if self.permits_void:
            permitted = np.zeros(len(events), dtype=bool)
        return (events["fuel"].isin(self.banned_fuels).to_numpy()
                & (events["gross_weight_t"].to_numpy(dtype=float) >= self.min_weight_t)
                & (events["emission_standard"].to_numpy(dtype=float) <= self.max_banned_standard)
                & ~permitted & within_hours(events["time"], start, end))

    def reasons(self, events: pd.DataFrame) -> pd.Series:
        """Why each (banned) truck event breaks the rule, for the evidence."""
        return ("diesel " + events["gross_weight_t"].map("{:g} t".format) + ", "
                + events["emission_standard"].map(lambda value: stage_label(int(value)))
                + (", permits suspended during the alert" if self.permits_void else ", no valid permit"))


@dataclass(frozen=True)
class NonroadRule:
    """禁高区: non-road mobile machinery of emission stage China ``max_banned_standard`` or below
    (default II, i.e. below China III), or with smoke above Ringelmann class ``max_smoke_class``
    (default III), or with a fence colour code outside ``fence_colours_allowed`` (default green and
    blue), may not work in the zone during ``work_hours`` (default 06:00–22:00)."""

    max_banned_standard: int = 2
    max_smoke_class: int = 3
    fence_colours_allowed: tuple[str, ...] = ("green", "blue")
    work_hours: str = "06:00-22:00"

    def _parts(self, positions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        stage = positions["emission_stage"].to_numpy(dtype=float) <= self.max_banned_standard
        smoke = positions["smoke_class"].to_numpy(dtype=float) > self.max_smoke_class
        colour = (positions["colour_code"].notna()
                  & ~positions["colour_code"].isin(self.fence_colours_allowed)).to_numpy()
        return stage, smoke, colour

    def banned_machines(self, positions: pd.DataFrame) -> np.ndarray:
        """Per machine position (columns emission_stage, smoke_class, colour_code, time): whether
        the machine breaks this rule there and then. Unknown stage or smoke counts as not banned."""
        start, end = _hours(self.work_hours)
        stage, smoke, colour = self._parts(positions)
        return (stage | smoke | colour) & within_hours(positions["time"], start, end)

    def reasons(self, positions: pd.DataFrame) -> pd.Series:
        """Why each (banned) machine position breaks the rule, for the evidence."""
        stage, smoke, colour = self._parts(positions)
        labels = positions["emission_stage"].map(
            lambda value: "stage unknown" if pd.isna(value) else stage_label(int(value)))
        parts = pd.DataFrame({
            "stage": np.where(stage, labels + f" (allowed: above China {ROMAN[self.max_banned_standard]})", ""),
            "smoke": np.where(smoke, "smoke class " + positions["smoke_class"].astype("string").fillna("")
                              + f" (> {ROMAN[self.max_smoke_class]})", ""),
            "colour": np.where(colour, "colour code " + positions["colour_code"].astype("string").fillna(""), "")})
        return parts.apply(lambda row: "; ".join(part for part in row if part), axis=1)


@dataclass(frozen=True)
class CoalBanRule:
    """禁煤区: scattered coal found for sale or in use is a violation."""

    banned_findings: tuple[str, ...] = ("sale", "use")

    def banned_findings_mask(self, inspections: pd.DataFrame) -> np.ndarray:
        """Per inspection (column finding): whether what was found is banned here."""
        return inspections["finding"].isin(self.banned_findings).to_numpy()


@dataclass(frozen=True)
class FuelBanRule:
    """高污染燃料禁燃区: high-pollution fuels of ``fuel_category`` (GB 'III' by default) are banned.
    The zone is measured (built-up coverage), not enforced from mobile data."""

    fuel_category: str = "III"


RULE_TYPES = {"low_emission": LowEmissionRule, "nonroad_ban": NonroadRule, "coal_ban": CoalBanRule,
              "fuel_ban": FuelBanRule}


def parse_rules(kind: str, rules_json: str | None):
    """The typed rule of a zone of ``kind`` from its rules JSON; keys the rule does not know (notes,
    descriptions) are ignored, missing ones take the documented defaults."""
    if kind not in RULE_TYPES:
        raise BadInputError("error.unknown_zone_kind", field="kind", kind=kind)
    try:
        rules = json.loads(rules_json) if rules_json else {}
    except json.JSONDecodeError as error:
        raise BadInputError("error.zone_rules_not_json", field="rules", detail=str(error)) from error
    if not isinstance(rules, dict):
        raise BadInputError("error.zone_rules_not_object", field="rules")
    cls = RULE_TYPES[kind]
    values = _known(rules, cls)
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    rule = cls(**values)
    for name in ("hours", "work_hours"):
        if hasattr(rule, name):
            _hours(getattr(rule, name))
    return rule
