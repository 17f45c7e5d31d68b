"""The alert's one write path: issue, change level or end, lift; each checks the person's right, the alert's
state and its version, then writes the alert and appends its history event in one transaction."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pandas as pd

from core.errors import BadInputError, ConflictError
from core.logs import logger
from core.policy import User, require_emergency
from data import alerts as repo
from data import townships as township_repo
from data.store import Store
from emergency.air import area_daily
from emergency.levels import LEVEL_RANK, Suggestion, TriggerRule, level_code, suggest_level
from hotspots.changes import change, clean_text, moment

LOG = logger("alerts")
TRIGGER_KINDS = ("observed", "forecast")
# How many observed days before the day asked about the suggestion looks back on.
SUGGESTION_LOOKBACK_DAYS = 6


def _new_alert_id(now: datetime) -> str:
    return f"A{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def _alert(con, alert_id: str) -> dict:
    alert = repo.read_alert(con, alert_id)
    if alert is None:
        raise BadInputError("error.no_such_alert", field="alert_id", alert=alert_id)
    return alert


def issue_alert(store: Store, user: User, level: str, starts_at: datetime, ends_at: datetime, *,
                area_codes: Sequence[str] = (), trigger_kind: str = "forecast", trigger_aqi: int | None = None,
                note: str | None = None, now: datetime | None = None) -> dict:
    """Issue (发布) an alert of ``level`` (code or as written: 橙色) for the city (no ``area_codes``) or
    those townships, in force from ``starts_at`` until ``ends_at`` (naive Beijing; the planned end,
    exclusive) unless changed or lifted. ``trigger_kind`` says whether the decision rests on observed or
    forecast AQI (``trigger_aqi``). Returns the stored alert."""
    require_emergency(user)
    level = level_code(level)
    now = moment(now)
    if ends_at <= starts_at:
        raise BadInputError("error.to_before_from", field="to")
    if trigger_kind not in TRIGGER_KINDS:
        raise BadInputError("error.unknown_trigger_kind", field="trigger", kind=trigger_kind, known=list(TRIGGER_KINDS))
    if trigger_aqi is not None and not 0 <= trigger_aqi <= 500:
        raise BadInputError("error.aqi_out_of_range", field="trigger_aqi", aqi=trigger_aqi)
    areas = list(dict.fromkeys(str(code).strip() for code in area_codes if str(code).strip()))
    with change(store, user) as (con, _):
        unknown = [code for code in areas if not township_repo.township_exists(con, code)]
        if unknown:
            raise BadInputError("error.unknown_townships", field="area", codes=unknown)
        alert = {"id": _new_alert_id(now), "level": level, "area_codes": areas, "starts_at": starts_at,
                 "ends_at": ends_at, "lifted_at": None, "issuer": user.name, "trigger_kind": trigger_kind,
                 "trigger_aqi": trigger_aqi, "trigger_note": clean_text(note, "note"), "issued_at": now,
                 "version": 1}
        repo.insert_alert(con, alert)
        repo.append_alert_event(con, alert["id"], action="issue", level=level, starts_at=starts_at, ends_at=ends_at,
                                actor=user.name, role=user.role.value, comment=alert["trigger_note"],
                                occurred_at=starts_at)
    LOG.info("alert %s issued by %s: %s %s…%s %s", alert["id"], user.name, level, starts_at, ends_at, areas or "city")
    return alert


def change_alert(store: Store, user: User, alert_id: str, *, level: str | None = None, ends_at: datetime | None = None,
                 at: datetime | None = None, comment: str | None = None, expected_version: int | None = None,
                 now: datetime | None = None) -> dict:
    """Raise or lower the alert's level (调整) from ``at`` (default now) and/or move its planned end.
    Refused once lifted, or when the change would take effect outside the alert."""
    require_emergency(user)
    now = moment(now)
    at = at or now
    with change(store, user) as (con, _):
        alert = _alert(con, alert_id)
        _still_open(alert, expected_version)
        new_level = level_code(level) if level else alert["level"]
        new_end = ends_at or alert["ends_at"]
        if new_level == alert["level"] and new_end == alert["ends_at"]:
            raise BadInputError("error.alert_change_empty", field="level")
        if not alert["starts_at"] <= at < new_end or new_end <= alert["starts_at"]:
            raise BadInputError("error.alert_change_outside", field="at", at=f"{at:%Y-%m-%d %H:%M}")
        if not repo.update_alert_if_unchanged(con, alert_id, alert["version"], level=new_level, ends_at=new_end,
                                              lifted_at=None):
            raise ConflictError("error.changed_by_someone_else")
        repo.append_alert_event(con, alert_id, action="change", level=new_level, starts_at=alert["starts_at"],
                                ends_at=new_end, actor=user.name, role=user.role.value,
                                comment=clean_text(comment, "comment"), occurred_at=at)
        changed = _alert(con, alert_id)
    LOG.info("alert %s changed by %s: %s -> %s, ends %s", alert_id, user.name, alert["level"], new_level, new_end)
    return changed


def lift_alert(store: Store, user: User, alert_id: str, *, at: datetime | None = None, comment: str | None = None,
               expected_version: int | None = None, now: datetime | None = None) -> dict:
    """Lift (解除) the alert at ``at`` (default now, naive Beijing): its rules stop applying from then on."""
    require_emergency(user)
    now = moment(now)
    at = at or now
    with change(store, user) as (con, _):
        alert = _alert(con, alert_id)
        _still_open(alert, expected_version)
        if at <= alert["starts_at"]:
            raise BadInputError("error.alert_lift_before_start", field="at", at=f"{at:%Y-%m-%d %H:%M}")
        if not repo.update_alert_if_unchanged(con, alert_id, alert["version"], level=alert["level"],
                                              ends_at=alert["ends_at"], lifted_at=at):
            raise ConflictError("error.changed_by_someone_else")
        repo.append_alert_event(con, alert_id, action="lift", level=alert["level"], starts_at=alert["starts_at"],
                                ends_at=alert["ends_at"], actor=user.name, role=user.role.value,
                                comment=clean_text(comment, "comment"), occurred_at=at)
        lifted = _alert(con, alert_id)
    LOG.info("alert %s lifted by %s at %s", alert_id, user.name, at)
    return lifted


def _still_open(alert: dict, expected_version: int | None) -> None:
    if alert["lifted_at"] is not None:
        raise ConflictError("error.alert_already_lifted", alert=alert["id"])
    if expected_version is not None and expected_version != alert["version"]:
        raise ConflictError("error.changed_by_someone_else")


def get_alert(store: Store, alert_id: str) -> dict:
    """The alert with this id (area_codes a list, times naive Beijing)."""
    with store.read() as con:
        return _alert(con, alert_id)


def list_alerts(store: Store, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Every alert (or those overlapping [start, end)), newest first, with ``in_force_until`` (the lift,
    else the planned end)."""
    with store.read() as con:
        alerts = repo.read_alerts(con, start, end)
    return alerts.assign(in_force_until=alerts["lifted_at"].fillna(alerts["ends_at"]))


def active_alerts(store: Store, at: datetime | None = None) -> pd.DataFrame:
    """The alerts in force at ``at`` (default now, naive Beijing), highest level first."""
    at = moment(at)
    alerts = list_alerts(store, at, at + timedelta(seconds=1))
    return alerts.iloc[alerts["level"].map(LEVEL_RANK).argsort()[::-1]].reset_index(drop=True)


def alert_history(store: Store, alert_id: str) -> pd.DataFrame:
    """The alert's events, oldest first (action, level, starts_at, ends_at, actor, role, comment, occurred_at)."""
    with store.read() as con:
        _alert(con, alert_id)
        return repo.read_alert_events(con, alert_id)


def alert_suggestion(store: Store, on: date, *, area_codes: Sequence[str] = (), area_code: str | None = None,
                     rule: TriggerRule = TriggerRule()) -> tuple[Suggestion | None, pd.DataFrame]:
    """The level the daily AQI calls for on ``on``: the observed daily AQI of the area (its townships'
    mean; every township when ``area_codes`` is empty) for the days up to ``on``, followed by the
    imported forecasts of ``area_code`` (the city's code by default) for the days after. Returns the
    suggestion (None when no level's trigger is met) and the days it looked at (date, aqi, forecast)."""
    first = on - timedelta(days=SUGGESTION_LOOKBACK_DAYS)
    observed = area_daily(store, first, on, area_codes)[["date", "aqi"]].assign(forecast=False)
    with store.read() as con:
        code = area_code or township_repo.read_admin_units(con).query("level == 'city'")["code"].min()
        forecasts = repo.read_forecasts(con, code if isinstance(code, str) else None, on + timedelta(days=1),
                                        on + timedelta(days=7))
    ahead = pd.DataFrame({"date": pd.to_datetime(forecasts["day"]), "aqi": forecasts["aqi_max"].astype(float),
                          "forecast": True})
    days = pd.concat([observed, ahead], ignore_index=True) if not ahead.empty else observed
    return suggest_level(days, rule), days
