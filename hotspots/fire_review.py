"""A fire point's review before it costs money: 待核查 → 确认 or 核减, appeals, proposals, linked duplicates, deductions.

Every change follows hotspots.task_service's pattern: permission, state, optimistic lock, event appended in
the same transaction, photos removed if it fails."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from core.errors import BadInputError, ConflictError
from core.logs import logger
from core.policy import (
    SYSTEM_USER,
    Role,
    User,
    may_review_fire,
    own_township_only,
    require_deduction_entry,
    require_fire_action,
)
from core.vocabulary import term
from data import deductions as ledger
from data import fire_reviews as repo
from data.sources import read_enterprises, read_fire_points
from data.store import Store
from data.townships import township_exists
from hotspots.attachments import Upload
from hotspots.changes import change, clean_text, moment, save_photos, stored_photo
from hotspots.config import HotspotConfig, configured
from hotspots.deductions import DeductionSchedule, configured_schedule
from hotspots.fires import classify_fire_points
from hotspots.task_notices import notify_appeal_decision
from notify.outbox import deliver_pending

LOG = logger("fires")
FIRE_POINT = "fire_point"       # the deduction schedule's entry a confirmed fire point is charged under
FOREST_LANDCOVER = 3            # hotspots.fires' land-cover class of forest and mountain


class FireState(str, Enum):
    """Where a fire point stands. Labels: 'fire_state.<code>'."""

    PENDING = "pending"         # 待核查: imported, nobody has decided yet (it costs nothing)
    CONFIRMED = "confirmed"     # 已确认: a person found the burn; it is charged
    STRUCK_OFF = "struck_off"   # 已核减: not a straw fire the township answers for
    APPEALED = "appealed"       # 申诉中: the township appealed a confirmation; still charged until decided
    MERGED = "merged"           # 已合并: another source's report of a fire already counted


class FireAction(str, Enum):
    """What a person (or the classification) does to a fire point; each appends one event.
    Labels: 'fire_action.<code>'; who may take it: core.policy.FIRE_ACTION_ROLES."""

    PROPOSE = "propose"
    LINK = "link"
    CONFIRM = "confirm"
    STRIKE_OFF = "strike_off"
    APPEAL = "appeal"
    ACCEPT_APPEAL = "accept_appeal"
    REJECT_APPEAL = "reject_appeal"


class StrikeReason(str, Enum):
    """Why a fire point is struck off (the fixed list; labels 'strike_reason.<code>')."""

    INDUSTRIAL_HEAT = "industrial_heat"   # a furnace, flare or kiln, not a fire in the fields
    FOREST_FIRE = "forest_fire"
    ACCIDENTAL = "accidental"
    NO_TRACE = "no_trace"                 # no burn trace within 1 km of the reported position
    DUPLICATE = "duplicate"               # another source's report of a fire already counted
    OUTSIDE_REGION = "outside_region"


# (action) -> (states it may start from, state it leads to).
TRANSITIONS: Mapping[FireAction, tuple[frozenset[FireState], FireState]] = {
    FireAction.PROPOSE: (frozenset({FireState.PENDING}), FireState.PENDING),
    FireAction.LINK: (frozenset({FireState.PENDING}), FireState.MERGED),
    FireAction.CONFIRM: (frozenset({FireState.PENDING}), FireState.CONFIRMED),
    FireAction.STRIKE_OFF: (frozenset({FireState.PENDING}), FireState.STRUCK_OFF),
    FireAction.APPEAL: (frozenset({FireState.CONFIRMED}), FireState.APPEALED),
    FireAction.ACCEPT_APPEAL: (frozenset({FireState.APPEALED}), FireState.STRUCK_OFF),
    FireAction.REJECT_APPEAL: (frozenset({FireState.APPEALED}), FireState.CONFIRMED),
}
PERSON_ACTIONS = (FireAction.CONFIRM, FireAction.STRIKE_OFF, FireAction.APPEAL, FireAction.ACCEPT_APPEAL,
                  FireAction.REJECT_APPEAL)


@dataclass(frozen=True)
class ReviewRules:
    """How reports are matched and how often a township may appeal."""

    match_distance_m: float = 1000.0
    match_hours: float = 12.0
    """A report links to an already counted report of another source within this distance and time: 1 km
    is the strike-off rule's own radius (no burn trace within 1 km of the reported position), about one
    MODIS pixel and three VIIRS pixels; 12 hours spans one day's satellite passes (Terra 10:30, Aqua and
    VIIRS 13:30) and a video alarm raised before the pass, while the next day's burning is a new fire."""
    source_priority: tuple[str, ...] = ("official", "video", "firms_viirs", "firms_modis")
    """Which report of one fire is the counted one: the official list first (the province's own
    judgement), then a 蓝天卫士 video alarm (a camera that saw it), then VIIRS (375 m) and MODIS (1 km);
    sources not listed (the demo's) come after them. Reports of one source are never merged: each
    source counts its own fires."""
    appeals_allowed: int = 1
    """Appeals a township may make against one confirmation."""


@dataclass(frozen=True)
class FireReview:
    """A fire point as its review stands; times naive Beijing, lon/lat EPSG:4326."""

    fire_point_id: str
    time: dt.datetime
    township_code: str | None
    state: FireState
    proposed_reason: str | None
    proposal: str | None
    reason: str | None
    duplicate_of: str | None
    appeals: int
    version: int
    charged_cny: float


def _text(value) -> str | None:
    """A stored text, or None for every kind of missing value pandas may hand back (None, NaN, NA)."""
    return value if isinstance(value, str) else None


def review_from_row(row: Mapping) -> FireReview:
    """The FireReview of a data.fire_reviews.read_fire_reviews row (a mapping or a Series)."""
    text = _text
    return FireReview(fire_point_id=row["id"], time=pd.Timestamp(row["time"]).to_pydatetime(),
                      township_code=text(row["township_code"]), state=FireState(row["state"]),
                      proposed_reason=text(row["proposed_reason"]), proposal=text(row["proposal"]),
                      reason=text(row["reason"]),
                      duplicate_of=text(row["duplicate_of"]), appeals=int(row["appeals"]),
                      version=int(row["version"]), charged_cny=float(row["charged_cny"]))


def next_state(current: FireState, action: FireAction) -> FireState:
    """The state ``action`` leads to from ``current``; ConflictError, with the reason, for a move that
    makes no sense."""
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        raise ConflictError("error.fire_state_forbids", state=term(f"fire_state.{current.value}"),
                            action=term(f"fire_action.{action.value}"),
                            expected=[term(f"fire_state.{state.value}") for state in FireState if state in allowed_from])
    return target


def actions_now(user: User | None, review: FireReview, rules: ReviewRules = ReviewRules()) -> list[FireAction]:
    """The person actions ``user`` may take on the point now (what a page offers), in the loop's order."""
    if user is None or (user.role is Role.TOWNSHIP and review.township_code != user.township_code):
        return []
    return [action for action in PERSON_ACTIONS if may_review_fire(user, action)
            and review.state in TRANSITIONS[action][0]
            and not (action is FireAction.APPEAL and review.appeals >= rules.appeals_allowed)]


def _reason(code: str | None, required: bool) -> str | None:
    if code is None or code == "":
        if required:
            raise BadInputError("error.strike_reason_required",
                                known=[term(f"strike_reason.{item.value}") for item in StrikeReason])
        return None
    try:
        return StrikeReason(code).value
    except ValueError:
        raise BadInputError("error.unknown_strike_reason", field="reason", reason=code,
                            known=[item.value for item in StrikeReason]) from None


def _apply(con: duckdb.DuckDBPyConnection, review: FireReview, user: User, action: FireAction, now: dt.datetime, *,
           reason: str | None = None, comment: str | None = None, proposal: str | None = None,
           duplicate_of: str | None = None, rules: ReviewRules = ReviewRules()) -> tuple[FireReview, int]:
    """The one path every review change takes inside the caller's transaction: permission, state,
    optimistic lock, the review row, its event. Returns the changed review and the event's id."""
    require_fire_action(user, action, review.township_code)
    target = next_state(review.state, action)
    if action is FireAction.APPEAL and review.appeals >= rules.appeals_allowed:
        raise ConflictError("error.appeal_already_made", allowed=rules.appeals_allowed)
    if action is FireAction.CONFIRM and review.township_code is None:
        raise BadInputError("error.fire_point_outside_region", field="township_code", fire_point=review.fire_point_id)
    decided = {FireAction.STRIKE_OFF: reason, FireAction.ACCEPT_APPEAL: reason,
               FireAction.LINK: StrikeReason.DUPLICATE.value, FireAction.CONFIRM: None, FireAction.REJECT_APPEAL: None}
    proposing = action is FireAction.PROPOSE
    changed = dataclasses.replace(
        review, state=target, proposed_reason=reason if proposing else review.proposed_reason,
        proposal=proposal if proposing else review.proposal, reason=decided.get(action, review.reason),
        duplicate_of=duplicate_of or review.duplicate_of, appeals=review.appeals + (action is FireAction.APPEAL),
        version=review.version + 1)
    fields = {"state": target.value, "proposed_reason": changed.proposed_reason, "proposal": changed.proposal,
              "reason": changed.reason, "duplicate_of": changed.duplicate_of, "appeals": changed.appeals,
              "updated_at": now}
    if not repo.write_review_if_unchanged(con, review.fire_point_id, review.version, fields):
        raise ConflictError("error.changed_by_someone_else")
    linking = action is FireAction.LINK
    event_id = repo.append_review_event(con, review.fire_point_id, actor=user.name, role=user.role.value,
                                        action=action.value, from_state=review.state.value, to_state=target.value,
                                        reason=changed.reason if linking else reason,
                                        comment=duplicate_of if linking else comment, occurred_at=now)
    return changed, event_id


def _charge(con: duckdb.DuckDBPyConnection, review: FireReview, user: User, action: FireAction, event_id: int,
            now: dt.datetime, schedule: DeductionSchedule) -> float:
    """The ledger row a decision writes: a confirmation charges the schedule's amount for the township's
    nth standing fire point of that calendar year; an accepted appeal reverses what the point was
    charged. Returns the amount written (0 when none)."""
    if action is FireAction.CONFIRM:
        entry = schedule.entry(FIRE_POINT)
        earlier = ledger.standing_charges(con, FIRE_POINT, review.township_code, review.time.year)
        amount = entry.amount(earlier)
        basis = entry.basis()
    elif action is FireAction.ACCEPT_APPEAL:
        amount, basis = -ledger.net_charge(con, review.fire_point_id), "appeal accepted"
    else:
        return 0.0
    if amount:
        ledger.append_deduction(con, problem_type=FIRE_POINT, township_code=review.township_code,
                                incurred_on=review.time.date(), amount_cny=amount, fire_point_id=review.fire_point_id,
                                event_id=event_id, basis=basis, recorded_at=now, recorded_by=user.name)
    return amount


def _act(store: Store, user: User, fire_point_id: str, action: FireAction, *, reason: str | None = None,
         comment: str | None = None, photos: Sequence[Upload] = (), expected_version: int | None = None,
         now: dt.datetime | None = None, schedule: DeductionSchedule | None = None) -> FireReview:
    """A person's review change in one transaction: the change, its photos and its ledger row."""
    now = moment(now)
    schedule = schedule or configured_schedule()
    with change(store, user) as (con, written):
        row = repo.read_fire_review(con, fire_point_id)
        if row is None:
            raise BadInputError("error.no_such_fire_point", field="fire_point_id", fire_point=fire_point_id)
        review = review_from_row(row)
        if expected_version is not None and expected_version != review.version:
            raise ConflictError("error.changed_by_someone_else")
        changed, event_id = _apply(con, review, user, action, now, reason=reason, comment=comment)
        repo.insert_review_attachments(con, fire_point_id, event_id, save_photos(store, written, photos), user.name, now)
        charged = _charge(con, changed, user, action, event_id, now, schedule)
        if action in (FireAction.ACCEPT_APPEAL, FireAction.REJECT_APPEAL):
            notify_appeal_decision(con, fire_point_id, changed.township_code, action is FireAction.ACCEPT_APPEAL, now)
    deliver_pending(store)
    LOG.info("fire point %s: %s by %s (%s) -> %s, %+.0f CNY", fire_point_id, action.value, user.name,
             user.role.value, changed.state.value, charged)
    return dataclasses.replace(changed, charged_cny=review.charged_cny + charged)


def confirm(store: Store, user: User, fire_point_id: str, *, note: str, photos: Sequence[Upload],
            expected_version: int | None = None, now: dt.datetime | None = None) -> FireReview:
    """Confirm a pending fire point as a fire the township answers for (确认), with the burn's photos and
    a note (inspector, supervisor); it is charged the schedule's amount, dated the fire's day."""
    note = clean_text(note, "note", required=True)
    if not photos:
        raise BadInputError("error.confirm_needs_photo")   # the message names what is missing
    return _act(store, user, fire_point_id, FireAction.CONFIRM, comment=note, photos=photos,
                expected_version=expected_version, now=now)


def strike_off(store: Store, user: User, fire_point_id: str, *, reason: str | None, note: str | None = None,
               photos: Sequence[Upload] = (), expected_version: int | None = None,
               now: dt.datetime | None = None) -> FireReview:
    """Strike a pending fire point off (核减) with a reason from StrikeReason (inspector, supervisor)."""
    return _act(store, user, fire_point_id, FireAction.STRIKE_OFF, reason=_reason(reason, required=True),
                comment=clean_text(note, "note"), photos=photos, expected_version=expected_version, now=now)


def appeal(store: Store, user: User, fire_point_id: str, *, evidence: str, photos: Sequence[Upload] = (),
           expected_version: int | None = None, now: dt.datetime | None = None) -> FireReview:
    """Appeal a confirmed fire point of one's own township, once, with evidence (township official);
    it stays charged until a supervisor decides."""
    return _act(store, user, fire_point_id, FireAction.APPEAL, comment=clean_text(evidence, "evidence", required=True),
                photos=photos, expected_version=expected_version, now=now)


def decide_appeal(store: Store, user: User, fire_point_id: str, *, accept: bool, reason: str | None = None,
                  comment: str | None = None, expected_version: int | None = None,
                  now: dt.datetime | None = None) -> FireReview:
    """Decide an appeal (supervisor): accepted, the point is struck off with ``reason`` and its charge
    reversed (a ledger row dated the fire's day, recorded now); rejected, with a comment, it stays
    confirmed and charged."""
    if accept:
        return _act(store, user, fire_point_id, FireAction.ACCEPT_APPEAL, reason=_reason(reason, required=True),
                    comment=clean_text(comment, "comment"), expected_version=expected_version, now=now)
    return _act(store, user, fire_point_id, FireAction.REJECT_APPEAL, comment=clean_text(comment, "comment", required=True),
                expected_version=expected_version, now=now)


def strike_off_as_proposed(store: Store, user: User, fire_point_ids: Sequence[str], *, note: str | None = None,
                           now: dt.datetime | None = None) -> list[FireReview]:
    """Strike off each of the pending points with the reason the classification proposed (an inspector
    or supervisor agreeing with 30 days of a furnace at once), all in one transaction: a point that is
    no longer pending or has no proposal refuses the whole batch."""
    now = moment(now)
    note = clean_text(note, "note")
    changed = []
    with change(store, user) as (con, _):
        for fire_point_id in dict.fromkeys(fire_point_ids):
            row = repo.read_fire_review(con, fire_point_id)
            if row is None:
                raise BadInputError("error.no_such_fire_point", field="fire_point_id", fire_point=fire_point_id)
            review = review_from_row(row)
            if review.proposed_reason is None:
                raise BadInputError("error.no_proposal", field="fire_point_id", fire_point=fire_point_id)
            changed.append(_apply(con, review, user, FireAction.STRIKE_OFF, now, reason=review.proposed_reason,
                                  comment=note)[0])
    LOG.info("%d fire points struck off as proposed by %s (%s)", len(changed), user.name, user.role.value)
    return changed


# --- what the classification proposes and how reports of one fire are matched (the system's part) ---

def proposed_reasons(classified: pd.DataFrame, township_codes: pd.Series,
                     names: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    """For each classified fire point (hotspots.fires.classify_fire_points' columns), the strike-off the
    classification proposes (a StrikeReason code or None) and its evidence (JSON text or None):
    outside every township; industrial heat (inside a plant's buffered footprint, or a place seen on
    many days over several months, named from ``names``: enterprise id → name); a fire on forest or
    mountain land."""
    outside = township_codes.isna().to_numpy()
    industrial = (classified["fire_class"] == "industrial").to_numpy()
    forest = (classified["landcover"] == FOREST_LANDCOVER).to_numpy()
    reasons = np.select([outside, industrial, forest],
                        [StrikeReason.OUTSIDE_REGION.value, StrikeReason.INDUSTRIAL_HEAT.value,
                         StrikeReason.FOREST_FIRE.value], "")
    evidence = [json.dumps({"enterprise_id": enterprise if isinstance(enterprise, str) else None,
                            "enterprise_name": names.get(enterprise),
                            "persistent": bool(persistent), "place_days": int(days), "landcover": int(cover),
                            "credibility": round(float(credible), 2)}, ensure_ascii=False, sort_keys=True)
                if reason else None
                for reason, enterprise, persistent, days, cover, credible in zip(
                    reasons, classified["enterprise_id"], classified["persistent"], classified["place_days"],
                    classified["landcover"], classified["credibility"])]
    return (pd.Series([reason or None for reason in reasons], index=classified.index, dtype=object),
            pd.Series(evidence, index=classified.index, dtype=object))


def match_reports(points: pd.DataFrame, decided: set[str], rules: ReviewRules = ReviewRules()) -> pd.Series:
    """The counted report each fire point is another source's report of (its id), or missing (NaN) when it is
    counted itself. ``points``: id, source, time (naive Beijing), lon, lat (EPSG:4326).

    Sources are taken in rules.source_priority order (unlisted ones after, by name). A report links to
    the nearest report already counted, of another source, within match_distance_m (in the points' UTM
    zone) and match_hours; otherwise it is counted. Reports in ``decided`` (a person has reviewed them)
    are always counted: a person's decision is never merged away.
    """
    result = pd.Series(None, index=points.index, dtype=object)
    if points.empty:
        return result
    located = gpd.GeoSeries.from_xy(points["lon"], points["lat"], crs="EPSG:4326")
    projected = located.to_crs(located.estimate_utm_crs())
    xy = np.column_stack([projected.x.to_numpy(), projected.y.to_numpy()])
    hours = ((points["time"] - points["time"].min()) / pd.Timedelta(hours=1)).to_numpy()
    rank = {source: index for index, source in enumerate(rules.source_priority)}
    levels = sorted(points["source"].unique(), key=lambda source: (rank.get(source, len(rank)), source))
    counted = np.zeros(len(points), dtype=bool)
    sources = points["source"].to_numpy()
    ids = points["id"].to_numpy()
    for source in levels:
        members = np.flatnonzero(sources == source)
        if counted.any():
            others = np.flatnonzero(counted & (sources != source))
            tree = cKDTree(xy[others])
            for member, near in zip(members, tree.query_ball_point(xy[members], rules.match_distance_m)):
                if ids[member] in decided:
                    continue
                close = [others[index] for index in near if abs(hours[others[index]] - hours[member]) <= rules.match_hours]
                if close:
                    nearest = min(close, key=lambda other: (np.hypot(*(xy[other] - xy[member])), ids[other]))
                    result.iloc[member] = ids[nearest]
        counted[members] = result.iloc[members].isna().to_numpy()
    return result


def propose(store: Store, start: dt.date, end: dt.date, config: HotspotConfig | None = None,
            rules: ReviewRules = ReviewRules(), now: dt.datetime | None = None) -> dict[str, int]:
    """Classify the fire points dated start…end (Beijing, inclusive) and, for every point nobody has
    reviewed yet, write what the classification proposes (PROPOSE, with its evidence; a withdrawn
    proposal too) and link reports of a fire already counted from another source (LINK), as the
    system user, in one transaction. Points people have reviewed are left as they are. Re-running
    changes nothing that has not changed. Returns counts: proposed (by reason), linked, points."""
    config = config or configured()
    now = moment(now)
    begin = dt.datetime.combine(start, dt.time())
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    with store.read() as con:
        points = read_fire_points(con, begin, finish)
        history = read_fire_points(con, begin - dt.timedelta(days=config.fire_lookback_days), begin)
        enterprises = read_enterprises(con)
        reviews = repo.read_fire_reviews(con, begin, finish).set_index("id")
        decided = repo.read_reviewed_by_people(con, list(points["id"]), Role.SYSTEM.value)
    counts = {"points": len(points), "linked": 0}
    if points.empty:
        return counts
    classified = classify_fire_points(points, history, enterprises, store.landcover_path, config)
    townships = reviews["township_code"].reindex(classified["id"]).set_axis(classified.index)
    reasons, evidence = proposed_reasons(classified, townships, dict(zip(enterprises["id"], enterprises["name"])))
    duplicates = match_reports(points, decided, rules)
    with change(store) as (con, _):
        for index, point_id in points["id"].items():
            if point_id in decided:
                continue
            review = review_from_row({**reviews.loc[point_id].to_dict(), "id": point_id})
            if review.state is not FireState.PENDING:
                continue
            duplicate_of, reason = _text(duplicates[index]), _text(reasons[index])
            if duplicate_of is not None:
                _apply(con, review, SYSTEM_USER, FireAction.LINK, now, duplicate_of=duplicate_of)
                counts["linked"] += 1
            elif reason != review.proposed_reason:
                _apply(con, review, SYSTEM_USER, FireAction.PROPOSE, now, reason=reason, proposal=_text(evidence[index]))
                key = f"proposed_{reason or 'withdrawn'}"
                counts[key] = counts.get(key, 0) + 1
    LOG.info("fire points %s..%s classified: %s", start, end, counts)
    return counts


# --- reads and the other problems of the schedule ---

def list_fire_points(store: Store, user: User | None, start: dt.date, end: dt.date, *, township: str | None = None,
                     state: str | None = None) -> pd.DataFrame:
    """The fire points dated start…end (Beijing, inclusive) with their review (data.fire_reviews.
    read_fire_reviews' columns), of ``township`` (code or name) and ``state`` when given. A township
    official sees their own township's points, whatever ``township`` asks."""
    township = own_township_only(user) or township
    with store.read() as con:
        return repo.read_fire_reviews(con, dt.datetime.combine(start, dt.time()),
                                      dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
                                      township=township, state=state)


def get_review(store: Store, fire_point_id: str) -> FireReview:
    """The fire point's review as it stands (any signed-in role may look)."""
    with store.read() as con:
        row = repo.read_fire_review(con, fire_point_id)
    if row is None:
        raise BadInputError("error.no_such_fire_point", field="fire_point_id", fire_point=fire_point_id)
    return review_from_row(row)


def review_history(store: Store, fire_point_id: str) -> pd.DataFrame:
    """The point's review events, oldest first (data.fire_reviews.read_review_history's columns)."""
    with store.read() as con:
        return repo.read_review_history(con, fire_point_id)


def review_attachments(store: Store, fire_point_id: str) -> pd.DataFrame:
    """The point's photos (data.fire_reviews.read_review_attachments' columns)."""
    with store.read() as con:
        return repo.read_review_attachments(con, fire_point_id)


def attachment_path(store: Store, fire_point_id: str, name: str) -> Path:
    """Where the photo ``name`` of the point is on disk; BadInputError for any other name."""
    return stored_photo(store, set(review_attachments(store, fire_point_id)["name"]), name, fire_point_id)


def township_deductions(store: Store, start: dt.date, end: dt.date, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Per township: fire points of start…end by review state and the period's deductions as they
    stood at ``as_of`` (data.deductions.township_deductions)."""
    with store.read() as con:
        return ledger.township_deductions(con, start, end, as_of)


def record_problem(store: Store, user: User, problem_type: str, township_code: str, day: dt.date, *, note: str,
                   now: dt.datetime | None = None, schedule: DeductionSchedule | None = None) -> float:
    """Charge a township for one confirmed problem of the schedule other than a fire point (an
    open-burning case, a coal boiler, a dusty site ...) found on ``day`` (supervisor); returns the
    amount. Fire points are charged through their review."""
    require_deduction_entry(user)
    schedule = schedule or configured_schedule()
    if problem_type == FIRE_POINT:
        raise BadInputError("error.fire_points_through_review", field="problem_type")
    entry = schedule.entry(problem_type)
    note = clean_text(note, "note", required=True)
    now = moment(now)
    with change(store, user) as (con, _):
        if not township_exists(con, township_code):
            raise BadInputError("error.no_township_in_store", field="township", township=township_code)
        amount = entry.amount(ledger.standing_charges(con, problem_type, township_code, day.year))
        ledger.append_deduction(con, problem_type=problem_type, township_code=township_code, incurred_on=day,
                                amount_cny=amount, basis=entry.basis(), note=note, recorded_at=now,
                                recorded_by=user.name)
    LOG.info("deduction: %s in %s on %s, %.0f CNY, by %s", problem_type, township_code, day, amount, user.name)
    return amount


def read_ledger(store: Store, start: dt.date, end: dt.date, township: str | None = None) -> pd.DataFrame:
    """The deduction ledger rows dated start…end (data.deductions.read_deductions' columns)."""
    with store.read() as con:
        return ledger.read_deductions(con, start, end, township)
