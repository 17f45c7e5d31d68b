"""NASA FIRMS active-fire CSV files (MODIS and VIIRS column sets) into the fire_points table."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.timeutil import BEIJING_OFFSET
from core.vocabulary import term
from data.bulk import upsert
from data.sources import place_fire_points
from data.store import Store
from ingest.common import (
    ImportReport,
    ProblemLog,
    TextTable,
    find_column,
    keep_rows,
    missing_columns_error,
    parse_numbers,
    read_text_table,
    settle_problems,
    write_rejected,
)

REQUIRED = ("latitude", "longitude", "acq_date", "acq_time")


def fire_point_id(source: str, satellite: str | None, time: pd.Timestamp, lat: float, lon: float) -> str:
    """Deterministic id of a detection, so re-imported and overlapping files update, not duplicate."""
    key = f"{source}|{satellite or ''}|{time:%Y-%m-%dT%H:%M}|{lat:.5f}|{lon:.5f}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def parse_firms_file(path: Path | str, *, progress: bool = False, sheet: str | None = None
                     ) -> tuple[pd.DataFrame, ProblemLog]:
    """One FIRMS file as fire-point rows: time in Beijing time (acq_date + acq_time are UTC),
    lon/lat WGS84, brightness K (MODIS brightness, VIIRS bright_ti4), FRP MW, confidence as given."""
    return parse_firms_table(read_text_table(path, progress=progress, sheet=sheet))


def parse_firms_table(source: TextTable) -> tuple[pd.DataFrame, ProblemLog]:
    """parse_firms_file of a table already read: the rows without problems, and the log."""
    columns = source.columns
    found = {name: find_column(columns, (name.replace("_", ""),)) for name in REQUIRED}
    for name, column in found.items():
        if column is None:
            raise missing_columns_error(source.path, name, REQUIRED, columns)
    log = source.log
    viirs = find_column(columns, ("brightti4",)) is not None
    instrument = find_column(columns, ("instrument",))
    kind = "firms_viirs" if viirs else "firms_modis"
    lat, lon = parse_numbers(source, found["latitude"]), parse_numbers(source, found["longitude"])
    bad_lat = np.isnan(lat) | (np.abs(lat) > 90)
    bad_lon = np.isnan(lon) | (np.abs(lon) > 180)
    log.add(np.flatnonzero(bad_lat), found["latitude"], lat[bad_lat], term("reason.expected_latitude_range"))
    log.add(np.flatnonzero(bad_lon), found["longitude"], lon[bad_lon], term("reason.expected_longitude_range"))
    dates = source.table[found["acq_date"]].to_pandas().str.strip()
    clock = source.table[found["acq_time"]].to_pandas().str.strip().str.zfill(4)
    utc = pd.to_datetime(dates + " " + clock, format="%Y-%m-%d %H%M", errors="coerce")
    bad_time = utc.isna().to_numpy()
    log.add(np.flatnonzero(bad_time), f"{found['acq_date']}/{found['acq_time']}",
            (dates + " " + clock)[bad_time], term("reason.expected_acq_time"))
    frame = pd.DataFrame({"time": utc + BEIJING_OFFSET, "lon": lon, "lat": lat})
    frame["source"] = (source.table[instrument].to_pandas().str.strip().str.lower()
                       .map({"modis": "firms_modis", "viirs": "firms_viirs"}).fillna(kind)
                       if instrument else kind)
    satellite = find_column(columns, ("satellite",))
    frame["satellite"] = source.table[satellite].to_pandas().str.strip().astype(object) if satellite else None
    confidence = find_column(columns, ("confidence",))
    frame["confidence"] = source.table[confidence].to_pandas().str.strip().astype(object) if confidence else None
    frp = find_column(columns, ("frp",))
    frame["frp"] = parse_numbers(source, frp) if frp else np.nan
    brightness = find_column(columns, ("brightti4", "brightness"))
    frame["brightness"] = parse_numbers(source, brightness) if brightness else np.nan
    daynight = find_column(columns, ("daynight",))
    if daynight:
        values = source.table[daynight].to_pandas().str.strip().str.upper()
        bad = ~values.isin(["D", "N"]) & values.notna()
        log.add(np.flatnonzero(bad.to_numpy()), daynight, values[bad], term("reason.expected_daynight"))
        frame["daynight"] = values.where(values.isin(["D", "N"]), None).astype(object)
    else:
        frame["daynight"] = None
    frame = keep_rows(frame, log).reset_index(drop=True)
    frame.insert(0, "id", [fire_point_id(*key) for key in zip(frame["source"], frame["satellite"], frame["time"],
                                                                frame["lat"], frame["lon"])])
    frame["township_code"] = None
    return frame, log


def store_fire_points(store: Store, report: ImportReport, parsed: Sequence[tuple[pd.DataFrame, ProblemLog]], *,
                      skip_bad_rows: bool) -> ImportReport:
    """Store parsed fire-point frames (without their problem rows) in one transaction: refused on the
    first problem unless ``skip_bad_rows``; a point in several files is stored once (noted); files of one
    shape are upserted together, each with exactly the columns it has (a FIRMS file has no report
    number, an official list no FRP)."""
    logs = [log for _, log in parsed]
    report.rejected = settle_problems(logs, skip_bad_rows)
    shapes: dict[tuple[str, ...], list[pd.DataFrame]] = {}
    for frame, _ in parsed:
        shapes.setdefault(tuple(frame.columns), []).append(frame)
    seen: set[str] = set()
    repeated = 0
    with store.write(spatial=True) as con:
        for frames in shapes.values():
            frame = pd.concat(frames, ignore_index=True)
            before = len(frame)
            frame = frame.drop_duplicates("id", keep="last")
            frame = frame[~frame["id"].isin(seen)]
            seen.update(frame["id"])
            repeated += before - len(frame)
            counts = upsert(con, "fire_points", frame, ("id",), geometry="point", fill_township=True)
            report.new, report.updated = report.new + counts.new, report.updated + counts.updated
            report.unchanged += counts.unchanged
        place_fire_points(con)
    if repeated:
        report.notes.append(term("note.repeated_detections", count=repeated))
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report


def import_firms(store: Store, paths: Sequence[Path | str], *, skip_bad_rows: bool = False,
                 progress: bool = False, sheet: str | None = None) -> ImportReport:
    """Import FIRMS fire CSVs into ``store`` in one transaction. A detection already stored (same
    source, satellite, minute and position) is updated, never duplicated; each point gets the
    township whose polygon contains it, when townships are loaded."""
    parsed = [parse_firms_file(path, progress=progress, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.fire_points"), files=[str(path) for path in paths])
    return store_fire_points(store, report, parsed, skip_bad_rows=skip_bad_rows)
