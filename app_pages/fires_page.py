"""The fire-point review page (火点核查): every fire point of a period with its state, the chosen point's
evidence and history, the actions the role may take (confirm with a photo, strike off with a reason,
appeal, decide), and what the period costs each township."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.actions import run_action, signed_in_page, uploads
from app_pages.ranking_page import month_choices
from app_pages.session import current_language, escape_markdown, t
from app_pages.store_access import deductions, fire_reviews, latest_hour, open_store, region_frames, store_busy_guard
from core.policy import DEDUCTION_ENTRY_ROLES, User, may_review_fire, own_township_only
from core.vocabulary import label
from data.store import Store
from hotspots import fire_review
from hotspots.deductions import configured_schedule
from hotspots.fire_review import FIRE_POINT, FireAction, FireReview, FireState, StrikeReason
from stations.ranking import Period

FLASH_KEY = "fire_flash"
LISTED = ["time", "township_name", "source", "state", "proposed_reason", "reason", "charged_cny", "appeals"]
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
LEDGER = ["incurred_on", "township_name", "problem_type", "amount_cny", "basis", "note", "recorded_at", "recorded_by"]


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The list's codes in the reader's language."""
    lang = current_language()
    return frame.assign(
        time=frame["time"].dt.strftime("%Y-%m-%d %H:%M"),
        source=frame["source"].map(lambda code: label("fire_source", code, lang)),
        state=frame["state"].map(lambda code: label("fire_state", code, lang)),
        proposed_reason=frame["proposed_reason"].map(lambda code: label("strike_reason", code, lang)),
        reason=frame["reason"].map(lambda code: label("strike_reason", code, lang)))


def _act(done: str, action: Callable[[], object]) -> None:
    run_action(FLASH_KEY, done, action)


def _summary(points: pd.DataFrame, owed: pd.DataFrame) -> None:
    states = points["state"].value_counts()
    proposed = int(((points["state"] == FireState.PENDING.value) & points["proposed_reason"].notna()).sum())
    st.markdown(t("fires_summary", count=len(points), pending=int(states.get(FireState.PENDING.value, 0)),
                  proposed=proposed, confirmed=int(states.get(FireState.CONFIRMED.value, 0)
                                                   + states.get(FireState.APPEALED.value, 0)),
                  struck_off=int(states.get(FireState.STRUCK_OFF.value, 0)),
                  merged=int(states.get(FireState.MERGED.value, 0)),
                  amount=f"{float(owed['deduction_cny'].sum()):,.0f}"))
    st.caption(t("fires_rule_note", amount=f"{configured_schedule().entry(FIRE_POINT).first_cny:,.0f}"))


def _evidence(row: pd.Series) -> list[str]:
    """What the chosen point's record and the classification say, one Markdown line each (texts from
    registers and imports escaped)."""
    lang = current_language()
    frp = "—" if pd.isna(row["frp"]) else f"{row['frp']:.1f}"
    lines = [t("fire_state_line", state=label("fire_state", row["state"], lang),
               source=label("fire_source", row["source"], lang), time=f"{row['time']:%Y-%m-%d %H:%M}"),
             t("fire_position", lon=f"{row['lon']:.5f}", lat=f"{row['lat']:.5f}", frp=frp,
               confidence=escape_markdown(label("fire_confidence", row["confidence"], lang)))]
    if isinstance(row["proposed_reason"], str):
        lines.append(t("fire_proposal", reason=label("strike_reason", row["proposed_reason"], lang)))
        evidence = json.loads(row["proposal"]) if isinstance(row["proposal"], str) else {}
        if evidence.get("enterprise_id"):
            lines.append(t("fire_proposal_enterprise",
                           enterprise=escape_markdown(evidence.get("enterprise_name") or evidence["enterprise_id"])))
        if evidence.get("persistent"):
            lines.append(t("fire_proposal_persistent", days=evidence.get("place_days", "—")))
        if evidence.get("landcover"):
            lines.append(t("fire_proposal_landcover", landcover=label("landcover", str(evidence["landcover"]), lang)))
    if isinstance(row["duplicate_of"], str):
        lines.append(t("fire_merged", other=escape_markdown(row["duplicate_of"])))
    if isinstance(row["reason"], str):
        lines.append(t("fire_decided", reason=label("strike_reason", row["reason"], lang)))
    if row["charged_cny"]:
        lines.append(t("fire_charged", amount=f"{row['charged_cny']:,.0f}"))
    return lines


def _history(store: Store, point_id: str) -> None:
    with store_busy_guard():
        history = fire_review.review_history(store, point_id)
        photos = fire_review.review_attachments(store, point_id)
    if history.empty:
        st.caption(t("fire_no_history"))
    else:
        lang = current_language()
        shown = history.assign(
            action=history["action"].map(lambda code: label("fire_action", code, lang)),
            to_state=history["to_state"].map(lambda code: label("fire_state", code, lang)),
            reason=history["reason"].map(lambda code: label("strike_reason", code, lang)))
        columns = {"occurred_at": "col_occurred_at", "actor": "col_actor", "action": "col_action",
                   "to_state": "col_to_state", "reason": "fire_col_reason", "comment": "col_comment"}
        st.dataframe(shown[list(columns)], key="fire_history", hide_index=True, width="stretch",
                     column_config={column: t(key) for column, key in columns.items()})
    if not photos.empty:
        st.markdown(f"**{t('task_photos', count=len(photos))}**")
        for column, photo in zip(st.columns(min(len(photos), 3)) * len(photos), photos.itertuples()):
            column.image(str(fire_review.attachment_path(store, point_id, photo.name)),
                         caption=escape_markdown(f"{photo.uploaded_by} · {photo.uploaded_at:%Y-%m-%d %H:%M}"))


def _reason_choice(key: str, proposed: str | None) -> str | None:
    """The fixed list of strike-off reasons, the proposed one chosen; none chosen when nothing was
    proposed, so a hasty click cannot strike a point off for a reason nobody gave."""
    codes = [reason.value for reason in StrikeReason]
    return st.selectbox(t("strike_reason"), codes, index=codes.index(proposed) if proposed in codes else None, key=key,
                        placeholder=t("choose_reason"),
                        format_func=lambda code: label("strike_reason", code, current_language()))


def _actions(store: Store, user: User, review: FireReview) -> None:
    """One small form per action the role may take on the point now."""
    allowed = fire_review.actions_now(user, review)
    if not allowed:
        st.caption(t("no_fire_actions"))
        return
    lock = {"expected_version": review.version}
    point = review.fire_point_id
    name = {action: label("fire_action", action.value, current_language()) for action in FireAction}
    def confirm_form() -> None:
        with st.form("fire_confirm"):
            note = st.text_area(t("confirm_note"), key="confirm_note")
            photos = st.file_uploader(t("confirm_photos"), accept_multiple_files=True, key="confirm_photos",
                                      type=PHOTO_TYPES)
            if st.form_submit_button(name[FireAction.CONFIRM], type="primary"):
                _act(name[FireAction.CONFIRM], lambda: fire_review.confirm(
                    store, user, point, note=note, photos=uploads(photos), **lock))

    def strike_off_form() -> None:
        with st.form("fire_strike_off"):
            reason = _reason_choice("strike_reason", review.proposed_reason)
            note = st.text_input(t("strike_note"), key="strike_note")
            photos = st.file_uploader(t("photos"), accept_multiple_files=True, key="strike_photos", type=PHOTO_TYPES)
            if st.form_submit_button(name[FireAction.STRIKE_OFF], type="primary" if review.proposed_reason else "secondary"):
                _act(name[FireAction.STRIKE_OFF], lambda: fire_review.strike_off(
                    store, user, point, reason=reason, note=note, photos=uploads(photos), **lock))

    # What the classification proposes comes first: agreeing with it is the likelier step.
    forms = {FireAction.CONFIRM: confirm_form, FireAction.STRIKE_OFF: strike_off_form}
    order = [FireAction.STRIKE_OFF, FireAction.CONFIRM] if review.proposed_reason else [FireAction.CONFIRM,
                                                                                         FireAction.STRIKE_OFF]
    for action in order:
        if action in allowed:
            forms[action]()
    if FireAction.APPEAL in allowed:
        with st.form("fire_appeal"):
            evidence = st.text_area(t("appeal_evidence"), key="appeal_evidence")
            photos = st.file_uploader(t("photos"), accept_multiple_files=True, key="appeal_photos", type=PHOTO_TYPES)
            if st.form_submit_button(name[FireAction.APPEAL]):
                _act(name[FireAction.APPEAL], lambda: fire_review.appeal(
                    store, user, point, evidence=evidence, photos=uploads(photos), **lock))
    if FireAction.ACCEPT_APPEAL in allowed:
        with st.form("fire_decide"):
            reason = _reason_choice("decide_reason", None)
            comment = st.text_input(t("decision_comment"), key="decision_comment")
            accept_column, reject_column = st.columns(2)
            if accept_column.form_submit_button(name[FireAction.ACCEPT_APPEAL]):
                _act(name[FireAction.ACCEPT_APPEAL], lambda: fire_review.decide_appeal(
                    store, user, point, accept=True, reason=reason, comment=comment, **lock))
            if reject_column.form_submit_button(name[FireAction.REJECT_APPEAL]):
                _act(name[FireAction.REJECT_APPEAL], lambda: fire_review.decide_appeal(
                    store, user, point, accept=False, comment=comment, **lock))


def _batch(store: Store, user: User, points: pd.DataFrame) -> None:
    """Strike off, as proposed, the listed pending points the classification proposes to strike off."""
    proposed = points[(points["state"] == FireState.PENDING.value) & points["proposed_reason"].notna()]
    if proposed.empty or not may_review_fire(user, FireAction.STRIKE_OFF):
        return
    with st.expander(t("batch_title", count=len(proposed))), st.form("fire_batch"):
        lang = current_language()
        reasons = proposed["proposed_reason"].map(lambda code: label("strike_reason", code, lang)).value_counts()
        st.caption(t("batch_caption", reasons="、".join(f"{reason} {count}" for reason, count in reasons.items())))
        note = st.text_input(t("strike_note"), key="batch_note")
        if st.form_submit_button(t("batch_button", count=len(proposed))):
            _act(t("batch_button", count=len(proposed)), lambda: fire_review.strike_off_as_proposed(
                store, user, list(proposed["id"]), note=note))


def _record_problem(store: Store, user: User, township_names: dict[str, str], period: Period) -> None:
    """A supervisor charges a township for another problem of the schedule (open burning, a boiler, ...)."""
    if user.role not in DEDUCTION_ENTRY_ROLES:
        return
    schedule = configured_schedule()
    lang = current_language()
    problems = [code for code in schedule.entries if code != FIRE_POINT]
    with st.expander(t("record_problem_title")), st.form("record_problem"):
        problem_column, township_column, day_column = st.columns(3)
        problem = problem_column.selectbox(
            t("problem_type"), problems, key="problem_type",
            format_func=lambda code: f"{label('problem_type', code, lang)} · {schedule.entry(code).first_cny:,.0f}")
        township = township_column.selectbox(t("filter_township"), list(township_names), key="problem_township",
                                             format_func=township_names.get)
        day = day_column.date_input(t("problem_day"), value=min(period.end, dt.date.today()), key="problem_day")
        note = st.text_input(t("problem_note"), key="problem_note")
        if st.form_submit_button(t("record_problem_button")):
            _act(t("record_problem_button"), lambda: fire_review.record_problem(
                store, user, problem, township, day, note=note))


def _ledger(ledger: pd.DataFrame) -> None:
    if ledger.empty:
        return
    lang = current_language()
    st.subheader(t("ledger_title"))
    shown = ledger.assign(problem_type=ledger["problem_type"].map(lambda code: label("problem_type", code, lang)),
                          incurred_on=pd.to_datetime(ledger["incurred_on"]).dt.strftime("%Y-%m-%d"),
                          recorded_at=ledger["recorded_at"].dt.strftime("%Y-%m-%d %H:%M"),
                          note=ledger["note"].fillna(""))
    st.dataframe(shown[LEDGER], key="deduction_ledger", hide_index=True, width="stretch",
                 column_config={**{column: t(f"ledger_col_{column}") for column in LEDGER},
                                "amount_cny": st.column_config.NumberColumn(t("ledger_col_amount_cny"), format="%,.0f")})


def first_to_act_on(user: User, points: pd.DataFrame) -> str:
    """The point the page opens on: the first the user can act on now, an appeal before a point nobody
    has proposed anything for, and that before one the classification proposes to strike off."""
    def urgency(row: pd.Series) -> int:
        review = fire_review.review_from_row(row)
        if not fire_review.actions_now(user, review):
            return 3
        return 0 if review.state is FireState.APPEALED else 2 if review.proposed_reason else 1

    order = points.apply(urgency, axis=1)
    return points["id"].iloc[int(np.argmin(order.to_numpy()))]


def render() -> None:
    """Draw the page."""
    user = signed_in_page("fires_title", "sign_in_for_fires", FLASH_KEY)
    if user is None:
        return
    with store_busy_guard():
        store = open_store()
        townships = region_frames(store)[0]
        latest = latest_hour(store)
    names = dict(zip(townships["code"], townships["name"]))
    choices = month_choices(pd.Timestamp(latest or dt.datetime.now()))
    period_column, township_column, state_column = st.columns(3)
    chosen = period_column.selectbox(t("ranking_period"), choices, index=len(choices) - 1, key="fires_period")
    own = own_township_only(user)
    codes = [own] if own else [""] + list(names)
    township = township_column.selectbox(t("filter_township"), codes, key="fires_township", disabled=bool(own),
                                         format_func=lambda code: names.get(code, code) if code else t("all"))
    state = state_column.selectbox(t("filter_state"), [""] + [item.value for item in FireState], key="fires_state",
                                   format_func=lambda code: label("fire_state", code, current_language())
                                   if code else t("all"))
    period = Period.parse(chosen)
    with store_busy_guard():
        points = fire_reviews(store, user, period.start, period.end, township or None, state or None)
        owed, ledger = deductions(store, period.start, period.end, township or None)
    if township:
        owed = owed[owed["township_code"] == township]
    _summary(points, owed)
    if points.empty:
        st.info(t("no_fire_points"))
        _record_problem(store, user, names, period)
        _ledger(ledger)
        return
    st.dataframe(_labels(points)[LISTED], key="fire_table", hide_index=True, width="stretch",
                 column_config={**{column: t(f"fire_col_{column}") for column in LISTED},
                                "charged_cny": st.column_config.NumberColumn(t("fire_col_charged_cny"), format="%,.0f")})
    _batch(store, user, points)
    lang = current_language()
    titles = {row.id: f"{row.time:%m-%d %H:%M} · {row.township_name or '—'} · {label('fire_source', row.source, lang)}"
              for row in points.itertuples()}
    ids = list(titles)
    point_id = st.selectbox(t("choose_fire_point"), ids, index=ids.index(first_to_act_on(user, points)),
                            key="chosen_fire_point", format_func=titles.get)
    row = points.set_index("id").loc[point_id].copy()
    row["id"] = point_id
    st.markdown("  \n".join(_evidence(row)))
    _history(store, point_id)
    with store_busy_guard():
        review = fire_review.get_review(store, point_id)
    _actions(store, user, review)
    _record_problem(store, user, names, period)
    _ledger(ledger)


if __name__ == "__main__":
    render()
