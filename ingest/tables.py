"""Registers read by layout: a table's fields and position read from any table file, then stored in one
transaction on the natural key, as every register importer does it."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from core.vocabulary import Term, term
from data.bulk import UpsertCounts, upsert
from data.store import Store
from ingest.common import ImportReport, ProblemLog, TextTable, keep_rows, settle_problems, write_rejected
from ingest.coordinates import read_positions
from ingest.fields import Field, read_fields


@dataclass(frozen=True)
class Layout:
    """A register's file: what it holds (``imported.*``), its table, natural key, fields, and whether rows
    carry a position (lon/lat in WGS84 after conversion: 'required', 'optional' or 'none')."""

    what: Term
    table: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    position: str = "none"


def parse_layout(source: TextTable, layout: Layout, *, crs: str | None = None,
                 optional: Sequence[str] = ()) -> tuple[pd.DataFrame, dict[str, str]]:
    """The layout's fields (and lon, lat when it has positions) of every row of ``source``, problems in its
    log, and the column each field was found in. Fields named in ``optional`` may be absent though
    required (the caller derives them)."""
    frame, found = read_fields(source, layout.fields, optional=optional)
    if layout.position != "none":
        frame["lon"], frame["lat"] = read_positions(source, crs, required=layout.position == "required")
    return frame, found


def store_rows(store: Store, report: ImportReport, parsed: Sequence[tuple[pd.DataFrame, ProblemLog]], table: str,
               key: Sequence[str], *, skip_bad_rows: bool, geometry: str | None = None, fill_township: bool = False,
               wkb: Sequence[str] = (),
               also: Callable[[duckdb.DuckDBPyConnection, pd.DataFrame], None] | None = None) -> ImportReport:
    """Store the parsed frames (each already without its problem rows) of one import in ``table`` in one
    transaction, upserting on ``key`` (a key repeated in the input is stored once, the last row, noted);
    ``also`` runs in the same transaction after the upsert. Refuses the whole import on the first
    problem unless ``skip_bad_rows``; fills the report's counts and rejected-rows files."""
    logs = [log for _, log in parsed]
    report.rejected = settle_problems(logs, skip_bad_rows)
    frame = pd.concat([frame for frame, _ in parsed], ignore_index=True)
    before = len(frame)
    frame = frame.drop_duplicates(list(key), keep="last")
    if len(frame) < before:
        report.notes.append(term("note.repeated_keys", count=before - len(frame), key=list(key)))
    with store.write(spatial=geometry is not None or fill_township or bool(wkb)) as con:
        counts = upsert(con, table, frame, key, geometry=geometry, fill_township=fill_township, wkb=wkb)
        if also is not None:
            also(con, frame)
    add_counts(report, counts)
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report


def add_counts(report: ImportReport, counts: UpsertCounts) -> None:
    report.new, report.updated = report.new + counts.new, report.updated + counts.updated
    report.unchanged += counts.unchanged


def without_problems(frame: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """The frame (aligned with the log's rows) without the rows that have problems, renumbered."""
    return keep_rows(frame, log).reset_index(drop=True)
