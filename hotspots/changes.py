"""The one way a person's change is written: one transaction, its photos saved and removed again if it
fails, typed texts cleaned, and the clock it is stamped with (tasks and fire-point reviews share it)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from core.errors import BadInputError, ConflictError
from core.policy import User
from core.settings import get_settings
from core.timeutil import now_beijing
from data.store import Store
from hotspots.attachments import SavedAttachment, Upload, discard, save_attachments


def clean_text(value: str | None, field: str, required: bool = False) -> str | None:
    """``value`` stripped, None when empty; BadInputError naming ``field`` when it is required."""
    cleaned = value.strip() if value is not None else ""
    if required and not cleaned:
        raise BadInputError("error.text_required", field=field)
    return cleaned or None


def moment(now: datetime | None) -> datetime:
    """The given time, or the Beijing clock to the second (what people read in lists and exports)."""
    return now if now is not None else now_beijing().replace(microsecond=0)


@contextmanager
def change(store: Store, acting: User | None = None, spatial: bool = False,
           ) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[SavedAttachment]]]:
    """A write transaction plus the list of attachment files it writes, removed again if it fails.
    DuckDB's write-write conflict between two sessions is reported as ConflictError. With ``acting``, a user
    the store marks disabled, or whose role or township changed, is refused inside the transaction
    (Store.acting_as), so an open page of a user disabled a moment ago cannot write."""
    written: list[SavedAttachment] = []
    try:
        with (store.acting_as(acting) if acting is not None else store).write(spatial=spatial) as con:
            yield con, written
    except BaseException as error:
        discard(written)
        if isinstance(error, duckdb.TransactionException) and "conflict" in str(error).lower():
            raise ConflictError("error.changed_by_someone_else") from error
        raise


def save_photos(store: Store, written: list[SavedAttachment], photos: Sequence[Upload]) -> list[dict]:
    """Check and save ``photos`` under Store.attachments_dir (formats and size from the settings),
    noting each file in ``written`` so a failed change removes it; returns them as mappings (name,
    original_name, media_type, size_bytes, sha256) for the attachment table."""
    if not photos:
        return []
    settings = get_settings()
    saved = save_attachments(store.attachments_dir, photos, settings.attachment_formats, settings.attachment_max_bytes)
    written.extend(saved)
    return [dataclasses.asdict(item) for item in saved]


def stored_photo(store: Store, known: set[str], name: str, owner: str) -> Path:
    """Where the attachment ``name`` of ``owner`` (a task or a fire point) is on disk, if it is among the
    ``known`` names stored for it; BadInputError for any other name, so no path is ever built from input."""
    if name not in known:
        raise BadInputError("error.no_such_attachment", field="name", task=owner, name=name)
    return store.attachments_dir / name
