"""Notifications queued inside a change's own transaction (the inbox row and the outbox messages commit or
vanish with it) and delivered after the commit: each due message tried once per pass, a failure logged and
retried later, never raised to the person whose action queued it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from core.errors import LantianError
from core.logs import logger
from core.settings import get_settings
from core.timeutil import now_beijing
from core.vocabulary import translate
from data import notices as repo
from data.store import Store
from notify.channels import CHANNEL_ERRORS, post_webhook, send_mail

LOG = logger("notify")
# A message claimed by one delivery pass is left alone by another for this long.
CLAIM = timedelta(minutes=2)


@dataclass(frozen=True)
class Recipient:
    """Who hears of it: a sign-in's inbox and/or an e-mail address (either may be None)."""

    user_name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0


def notice_text(kind: str, params: dict[str, Any], lang: str) -> str:
    """The notice of ``kind`` (vocabulary 'notice.<kind>') filled with its stored ``params``."""
    return translate(f"notice.{kind}", lang, **params)


def _both(kind: str, params: dict[str, Any]) -> str:
    return f"{notice_text(kind, params, 'zh')}\n\n{notice_text(kind, params, 'en')}"


def queue(con: duckdb.DuckDBPyConnection, recipients: list[Recipient], kind: str, params: dict[str, Any],
          now: datetime, *, task_id: str | None = None, fire_point_id: str | None = None) -> None:
    """Inside the caller's transaction: one inbox notice per recipient with a sign-in, one mail per
    address (when SMTP is configured) and one webhook call (when a webhook is configured) carrying the
    notice in Chinese and English and its values as data."""
    settings = get_settings()
    stored = json.dumps(params, ensure_ascii=False)
    subject = translate("notice.subject", "zh", text=notice_text(kind, params, "zh"))
    for user_name in dict.fromkeys(r.user_name for r in recipients if r.user_name):
        repo.add_notification(con, user_name, kind, stored, now, task_id=task_id, fire_point_id=fire_point_id)
    if settings.smtp_host:
        for email in dict.fromkeys(r.email for r in recipients if r.email):
            repo.enqueue(con, "email", email, subject, _both(kind, params), now)
    if settings.webhook_url:
        document = {"msgtype": "text", "text": {"content": _both(kind, params)},
                    "lantian": {"kind": kind, "task_id": task_id, "fire_point_id": fire_point_id, **params,
                                "recipients": [r.user_name or r.email for r in recipients]}}
        repo.enqueue(con, "webhook", settings.webhook_url, subject, json.dumps(document, ensure_ascii=False), now)


def deliver_pending(store: Store, now: datetime | None = None) -> DeliveryReport:
    """Try every due message of the outbox once; a failure is logged and retried after the next of the
    settings' retry intervals, then given up. Store trouble is logged too: this never raises, so a task
    action that called it after its commit always succeeds."""
    settings = get_settings()
    now = now or now_beijing()
    try:
        with store.write() as con:
            due = repo.claim_due(con, now, CLAIM)
    except LantianError as error:
        LOG.warning("outbox not read: %s", error)
        return DeliveryReport()
    outcomes: list[tuple[int, str | None, timedelta | None]] = []
    counts = {"delivered": 0, "retrying": 0, "given_up": 0}
    for message in due.itertuples():
        try:
            if message.channel == "email":
                send_mail(settings, message.recipient, message.subject, message.body)
            else:
                post_webhook(settings, message.recipient, message.body)
        except CHANNEL_ERRORS as error:
            waits = settings.notify_retry_minutes
            retry = timedelta(minutes=waits[message.attempts]) if message.attempts < len(waits) else None
            problem = f"{type(error).__name__}: {error}"
            LOG.warning("%s %s to %s failed (attempt %d): %s; %s", message.channel, message.id, message.recipient,
                        message.attempts + 1, problem, f"retry in {retry}" if retry else "given up")
            outcomes.append((message.id, problem, retry))
            counts["retrying" if retry else "given_up"] += 1
            continue
        LOG.info("%s %s delivered to %s", message.channel, message.id, message.recipient)
        outcomes.append((message.id, None, None))
        counts["delivered"] += 1
    try:
        with store.write() as con:
            for message_id, problem, retry in outcomes:
                repo.record_attempt(con, message_id, now, problem, retry)
    except LantianError as error:
        LOG.warning("outbox attempts not recorded: %s", error)
    return DeliveryReport(**counts)


def outbox_log(store: Store, limit: int = 200) -> pd.DataFrame:
    """The newest mails and webhook calls with their delivery state (data.notices.read_outbox's columns)."""
    with store.read() as con:
        return repo.read_outbox(con, limit)
