"""The national network's daily files (china_sites_YYYYMMDD.csv: date, hour, type, one column per station)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.vocabulary import term
from data.stations import add_missing_stations
from data.store import Store
from ingest.common import (
    DUPLICATE_MARK,
    ImportReport,
    ProblemLog,
    find_column,
    first_items,
    keep_rows,
    missing_columns_error,
    parse_numbers,
    read_text_table,
    settle_problems,
    write_rejected,
)
from ingest.observations import ObservationWriter, finish_observations

# Hourly types and where they are stored. The *_24h and O3_8h types are rolling means the network
# publishes; they are recomputed from the hourly values, so they are read (validated) but not stored.
HOURLY_TYPES = {"AQI": "aqi_published", "PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2",
                "O3": "o3", "CO": "co"}
ROLLING_TYPES = frozenset({"PM2.5_24h", "PM10_24h", "SO2_24h", "NO2_24h", "O3_24h", "O3_8h", "O3_8h_24h",
                           "CO_24h"})
SOURCE = "cnemc"


def parse_cnemc_file(path: Path | str, *, progress: bool = False) -> tuple[pd.DataFrame, ProblemLog]:
    """One daily (or joined) file as long rows: station_code, time (Beijing), pm25 … co, aqi_published.
    Station-hours with no value at all are left out."""
    source = read_text_table(path, progress=progress, allow_duplicate_columns=True)
    columns = source.columns
    required = {name: find_column(columns, (name,)) for name in ("date", "hour", "type")}
    for name, column in required.items():
        if column is None:
            raise missing_columns_error(source.path, name, (name,), columns[:6])
    log = source.log
    stations = [column for column in columns if column not in required.values()]
    stations, values = _merge_repeated_stations(source, stations,
                                                [parse_numbers(source, station) for station in stations])
    dates = pd.to_datetime(source.table[required["date"]].to_pandas().str.strip(), format="%Y%m%d",
                           errors="coerce")
    bad_date = dates.isna().to_numpy()
    log.add(np.flatnonzero(bad_date), required["date"], source.table[required["date"]].to_pandas()[bad_date],
            term("reason.expected_yyyymmdd"))
    hours = parse_numbers(source, required["hour"])
    bad_hour = ~np.isin(hours, np.arange(24))
    log.add(np.flatnonzero(bad_hour & ~np.isnan(hours)), required["hour"], hours[bad_hour & ~np.isnan(hours)],
            term("reason.expected_hour"))
    log.add(np.flatnonzero(np.isnan(hours)), required["hour"], hours[np.isnan(hours)], term("reason.expected_hour"))
    types = source.table[required["type"]].to_pandas().str.strip()
    unknown = ~types.isin(list(HOURLY_TYPES) + list(ROLLING_TYPES))
    log.add(np.flatnonzero(unknown.to_numpy()), required["type"], types[unknown],
            term("reason.unknown_cnemc_type", types=list(HOURLY_TYPES)))
    times = dates + pd.to_timedelta(hours, unit="h")
    repeated = pd.DataFrame({"time": times, "type": types}).duplicated().to_numpy() & ~unknown.to_numpy()
    log.add(np.flatnonzero(repeated), required["type"], types[repeated], term("reason.repeated_date_hour_type"))

    wide = pd.DataFrame(values, columns=stations)
    wide["time"], wide["type"] = times, types.to_numpy()
    wide = keep_rows(wide, log) if log else wide
    wide = wide[wide["type"].isin(list(HOURLY_TYPES))]
    long = wide.melt(id_vars=["time", "type"], var_name="station_code", value_name="value").dropna(subset=["value"])
    frame = long.pivot(index=["station_code", "time"], columns="type", values="value")
    frame = frame.rename(columns=HOURLY_TYPES).reset_index()
    for name in HOURLY_TYPES.values():
        if name not in frame:
            frame[name] = np.nan
    frame["aqi_published"] = frame["aqi_published"].round().astype("Int32")
    frame["source"] = SOURCE
    frame.columns.name = None
    return frame, log


def _merge_repeated_stations(source, stations: list[str], values: list[np.ndarray]) -> tuple[list[str], np.ndarray]:
    """One column per station: a repeated station column (real files repeat 3207A) is dropped when
    it equals the first copy; where the copies disagree, the row is a problem."""
    first: dict[str, int] = {}
    kept_names, kept_values = [], []
    for name, column in zip(stations, values):
        code = name.split(DUPLICATE_MARK)[0]
        if code not in first:
            first[code] = len(kept_names)
            kept_names.append(code)
            kept_values.append(column)
            continue
        original = kept_values[first[code]]
        differ = ~((original == column) | (np.isnan(original) & np.isnan(column)))
        source.log.add(np.flatnonzero(differ), code, column[differ], term("reason.station_values_differ", code=code))
    matrix = np.column_stack(kept_values) if kept_values else np.empty((len(source), 0))
    return kept_names, matrix


def import_cnemc(store: Store, paths: Sequence[Path | str], *, skip_bad_rows: bool = False,
                 progress: bool = False) -> ImportReport:
    """Import national-network daily files into ``store`` in one transaction: hourly PM2.5, PM10,
    SO2, NO2, O3 (µg/m³), CO (mg/m³) and the published AQI, at Beijing time.

    Station codes the store does not know yet are created as bare national stations (name = code,
    no position) so no data is lost; the report lists them, and importing the national station list
    afterwards gives them names and positions.
    """
    parsed = [(Path(path), *parse_cnemc_file(path, progress=progress)) for path in paths]
    logs = [log for _, _, log in parsed]
    report = ImportReport(term("imported.observations"), files=[str(path) for path, _, _ in parsed])
    report.rejected = settle_problems(logs, skip_bad_rows)
    frame = finish_observations(pd.concat([frame for _, frame, _ in parsed], ignore_index=True), report)
    with store.write() as con:
        created = add_missing_stations(con, frame["station_code"].unique().tolist(), "national",
                                                  f"{SOURCE}: created by import, no position")
        writer = ObservationWriter(con)
        writer.write(frame)
        counts = writer.finish()
    report.flagged = writer.flagged
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    if created:
        report.notes.append(term("note.stations_created", count=len(created), codes=first_items(created)))
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report
