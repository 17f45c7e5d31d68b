"""Hourly observations in wide CSV or Parquet (one row per station and hour) into the observations table."""
from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.compass import COMPASS_POINTS, COMPASS_STEP_DEG
from core.errors import BadInputError
from core.timeutil import now_beijing
from core.vocabulary import LANGUAGES, term, translate
from data.bulk import UpsertCounts, count_rows, insert_relation, staged_parquet, stored_in_ranges, upsert_relation
from data.quality import PLAUSIBLE_MAXIMUM, quality_flag_sql
from data.stations import reflag_observations, refresh_township_days, station_aliases
from data.store import Store, bound_memory
from ingest.common import (
    ImportReport,
    ProblemLog,
    TextTable,
    find_column,
    first_items,
    header_unit,
    is_parquet,
    keep_rows,
    missing_columns_error,
    parse_numbers,
    parse_times,
    read_table_slices,
    settle_problems,
    write_rejected,
)
from ingest.stations import (
    CODE_ALIASES,
    NAME_ALIASES,
    ParsedStations,
    parse_stations,
    station_list_notes,
    station_names,
    write_station_list,
)
from stations.day_values import daily_values_current, refresh_day_values

TIME_ALIASES = ("time", "datetime", "timestamp", "timepoint", "时间", "监测时间", "日期时间", "数据时间", "采样时间")
DATE_ALIASES = ("date", "日期")
HOUR_ALIASES = ("hour", "小时", "时")
YEAR_ALIASES, MONTH_ALIASES, DAY_ALIASES = ("year", "年"), ("month", "月"), ("day", "日")
# Stored column → header spellings (after header_key: lower case, punctuation and units removed).
MEASURE_ALIASES = {
    "pm25": ("pm25", "细颗粒物"),
    "pm10": ("pm10", "可吸入颗粒物"),
    "so2": ("so2", "二氧化硫"),
    "no2": ("no2", "二氧化氮"),
    "o3": ("o3", "臭氧"),
    "co": ("co", "一氧化碳"),
    "ws": ("ws", "wspm", "windspeed", "wspd", "风速"),
    "temp": ("temp", "temperature", "气温", "温度"),
    "rh": ("rh", "humidity", "relativehumidity", "相对湿度", "湿度"),
    "aqi_published": ("aqi",),
}
WD_ALIASES = ("wd", "winddirection", "winddir", "wdir", "风向")
DEWPOINT_ALIASES = ("dewp", "dewpoint", "露点", "露点温度")
# A compass point by its code or by its name in any language the wind rose shows (北东北 …).
COMPASS_DEGREES = {name: index * COMPASS_STEP_DEG for index, code in enumerate(COMPASS_POINTS)
                   for name in {code, *(translate(f"wind_direction.{code}", lang) for lang in LANGUAGES)}}
CALM_WORDS = frozenset({"C", "CALM", "CLM", "静风", "VRB"})
# CO in mg/m³ is rarely above 20 and in µg/m³ rarely below 50, so a median on either side is clear.
CO_MEDIAN_MAX_MG = 20.0
CO_MEDIAN_MIN_UG = 50.0


@dataclass
class ParsedObservations:
    path: Path
    frame: pd.DataFrame
    log: ProblemLog
    ignored: list[str]
    derived: list[str]  # the dew-point columns rh was derived from


def wind_direction_degrees(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Degrees the wind comes from (0 = north) for numbers or compass points (N, NNE, 东北 ...);
    calm (C, 静风) gives NaN. Returns the degrees and a mask of values that were neither. Each distinct
    text is read once (a year of hours holds a few dozen), then spread to the rows."""
    codes, distinct = pd.factorize(text, use_na_sentinel=True)
    degrees, unknown = _distinct_wind_directions(pd.Series(distinct, dtype=object))
    present = codes >= 0
    spread = np.full(len(text), np.nan)
    spread[present] = degrees.to_numpy()[codes[present]]
    flagged = np.zeros(len(text), dtype=bool)
    flagged[present] = unknown.to_numpy()[codes[present]]
    return pd.Series(spread, index=text.index), pd.Series(flagged, index=text.index)


def _distinct_wind_directions(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    stripped = text.str.strip()
    numbers = pd.to_numeric(stripped, errors="coerce")
    words = stripped.str.upper()
    compass = words.map(COMPASS_DEGREES)
    degrees = numbers.fillna(compass).astype(float)
    unknown = degrees.isna() & stripped.notna() & (stripped != "") & ~words.isin(CALM_WORDS)
    return degrees, unknown


def relative_humidity(temp_c: np.ndarray, dewpoint_c: np.ndarray) -> np.ndarray:
    """Relative humidity (%) from air temperature and dew point (°C), Magnus formula with the
    Alduchov & Eskridge (1996) constants."""
    a, b = 17.625, 243.04
    return 100.0 * np.exp(a * dewpoint_c / (b + dewpoint_c) - a * temp_c / (b + temp_c))


def _co_unit(values: np.ndarray, unit: str | None, header: str, path: Path) -> str:
    """'mg' or 'ug': the given unit, else the header's, else what the values' median says."""
    unit = unit or header_unit(header)
    if unit is None:
        present = values[~np.isnan(values)]
        median = float(np.median(present)) if present.size else 0.0
        if median <= CO_MEDIAN_MAX_MG:
            unit = "mg"
        elif median >= CO_MEDIAN_MIN_UG:
            unit = "ug"
        else:
            raise BadInputError("error.co_unit_ambiguous", file=str(path), field=header, median=median)
    if unit not in ("mg", "ug"):
        raise ValueError(f"unknown CO unit {unit!r}: expected mg or ug")
    return unit


def _co_to_mg(values: np.ndarray, unit: str | None, header: str, path: Path) -> np.ndarray:
    return values / 1000.0 if _co_unit(values, unit, header, path) == "ug" else values


def file_co_unit(path: Path | str, co_unit: str | None) -> str | None:
    """The CO unit of a whole Parquet file read in slices (so every slice converts alike): the given
    one, else the header's, else the median of all its CO values. None for other files, which are
    read whole and decide for themselves."""
    path = Path(path)
    if co_unit is not None or not is_parquet(path):
        return co_unit
    column = find_column(pq.read_schema(path).names, MEASURE_ALIASES["co"])
    if column is None:
        return None
    values = pc.cast(pq.read_table(path, columns=[column])[column], pa.float64()).to_numpy(zero_copy_only=False)
    return _co_unit(values, None, column, path)


def _times(source: TextTable) -> pd.Series:
    columns = source.columns
    time_column = find_column(columns, TIME_ALIASES)
    hour_column = find_column(columns, HOUR_ALIASES)
    parts = [find_column(columns, aliases) for aliases in (YEAR_ALIASES, MONTH_ALIASES, DAY_ALIASES)]
    if time_column is None and all(parts) and hour_column:
        numbers = {name: parse_numbers(source, column) for name, column in
                   zip(("year", "month", "day", "hour"), parts + [hour_column])}
        times = pd.to_datetime(pd.DataFrame(numbers), errors="coerce")
        field_name = "/".join(parts + [hour_column])
    elif time_column is None and (date_column := find_column(columns, DATE_ALIASES)) and hour_column:
        hours = parse_numbers(source, hour_column)
        times = parse_times(source, date_column) + pd.to_timedelta(hours, unit="h")
        times[(hours < 0) | (hours > 23)] = pd.NaT
        field_name = f"{date_column}/{hour_column}"
    elif time_column is not None:
        times = parse_times(source, time_column)
        field_name = time_column
    else:
        raise missing_columns_error(source.path, term("column.time"),
                                    TIME_ALIASES + ("year+month+day+hour", "date+hour"), columns)
    missing = np.flatnonzero(times.isna().to_numpy())
    source.log.add(missing, field_name, [None] * len(missing), term("reason.expected_date_and_hour"))
    return times


def _station_codes(source: TextTable, column: str, station_codes: dict[str, str]) -> pd.Categorical:
    """The station column mapped to station codes (categories: every code ``station_codes`` holds,
    so slices and files concatenate without losing the categorical type); unknown names, and names
    two stations share, become problems. Each distinct name is looked up once, however many rows
    repeat it."""
    names = pc.utf8_trim_whitespace(pc.cast(source.table[column], pa.string())).combine_chunks()
    encoded = pc.dictionary_encode(names)
    categories = pd.Index(sorted(set(station_codes.values())))
    per_name = categories.get_indexer(encoded.dictionary.to_pandas().map(station_codes))
    per_row = np.full(len(names), -1, dtype=np.int32)
    present = encoded.indices.is_valid().to_numpy(zero_copy_only=False)
    per_row[present] = per_name[encoded.indices.to_numpy(zero_copy_only=False)[present]]
    unknown = np.flatnonzero(per_row < 0)
    written = names.take(pa.array(unknown)).to_pylist()
    ambiguous = getattr(station_codes, "ambiguous", frozenset())  # a StationNames knows which names are shared
    shared = np.array([name in ambiguous for name in written], dtype=bool)
    source.log.add(unknown[~shared], column, np.asarray(written, dtype=object)[~shared], term("reason.unknown_station"))
    source.log.add(unknown[shared], column, np.asarray(written, dtype=object)[shared], term("reason.ambiguous_station"))
    return pd.Categorical.from_codes(per_row, categories=categories)


def parse_observation_table(source: TextTable, station_codes: dict[str, str], *,
                            co_unit: str | None = None) -> ParsedObservations:
    """Validate one wide observation table (a file or a slice of one). ``station_codes`` maps every
    code and name a file may use to the station code. Concentrations come out in µg/m³, CO in
    mg/m³, wind direction in degrees from north, time as naive Beijing time; station_code and
    source are categorical."""
    columns = source.columns
    station_column = find_column(columns, CODE_ALIASES + NAME_ALIASES)
    if station_column is None:
        raise missing_columns_error(source.path, term("column.station"), CODE_ALIASES + NAME_ALIASES, columns)
    log = source.log
    frame = pd.DataFrame({"station_code": _station_codes(source, station_column, station_codes),
                          "time": _times(source)})
    used = {station_column}
    for name, aliases in MEASURE_ALIASES.items():
        column = find_column(columns, aliases)
        if column is None:
            continue
        used.add(column)
        values = parse_numbers(source, column)
        frame[name] = _co_to_mg(values, co_unit, column, source.path) if name == "co" else values
    wd_column = find_column(columns, WD_ALIASES)
    if wd_column and pa.types.is_string(source.table[wd_column].type):
        used.add(wd_column)
        degrees, bad = wind_direction_degrees(source.table[wd_column].to_pandas())
        log.add(np.flatnonzero(bad.to_numpy()), wd_column, source.table[wd_column].to_pandas()[bad],
                term("reason.expected_wind_direction"))
        frame["wd"] = degrees.to_numpy()
    elif wd_column:
        used.add(wd_column)
        frame["wd"] = parse_numbers(source, wd_column)
    derived: list[str] = []
    dewpoint_column = find_column(columns, DEWPOINT_ALIASES)
    if dewpoint_column and "rh" not in frame and "temp" in frame:
        used.add(dewpoint_column)
        frame["rh"] = relative_humidity(frame["temp"].to_numpy(), parse_numbers(source, dewpoint_column))
        derived.append(dewpoint_column)
    if "aqi_published" in frame:
        frame["aqi_published"] = frame["aqi_published"].round().astype("Int32")
    frame["source"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), categories=[source.path.name])
    time_columns = _time_columns(columns)
    ignored = [column for column in columns if column not in used and column not in time_columns]
    return ParsedObservations(source.path, frame, log, ignored, derived)


def _time_columns(columns: Sequence[str]) -> set[str]:
    return {column for aliases in (TIME_ALIASES, DATE_ALIASES, HOUR_ALIASES, YEAR_ALIASES, MONTH_ALIASES,
                                   DAY_ALIASES) if (column := find_column(columns, aliases))}


def finish_observations(frame: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Drop repeated station-hours (the last wins, noted in the report); ObservationWriter sets the
    quality flags as it stores them."""
    before = len(frame)
    frame = frame.drop_duplicates(["station_code", "time"], keep="last")
    if len(frame) < before:
        report.notes.append(term("note.repeated_station_hours", count=before - len(frame)))
    return frame


class ObservationWriter:
    """Stores checked observation batches inside the caller's write transaction, by SQL alone.

    Batches are staged in a Parquet file (a new one when the columns change); each staged file is then
    stored at once: quality flags set (data.quality.quality_flag_sql), matched on (station_code, time)
    against the stored hours of its stations and time ranges, a station-hour staged twice kept once
    (the last). When none of its hours is stored yet, township_days is rebuilt for its dates before
    the insert, from the stored hours and the staged file; otherwise after an upsert. ``finish``
    stores what is staged, rebuilds township_day_values for the dates written (all dates when the
    daily tables were not current before) and returns the counts; ``flagged`` and ``repeated`` count
    the rows with a quality flag and the station-hours staged twice."""

    KEY = ("station_code", "time")

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.aggregates_were_current = daily_values_current(con)
        self.township_days_current = self.aggregates_were_current
        self.first: dt.date | None = None
        self.last: dt.date | None = None
        self.flagged = self.repeated = 0
        self.counts = UpsertCounts(0, 0, 0)
        self.now = now_beijing()
        self._folder = tempfile.TemporaryDirectory(prefix="lantian-import-")
        self._staged: pq.ParquetWriter | None = None
        self._staged_rows = 0
        self._ranges: list[pd.DataFrame] = []

    def write(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        table = pa.Table.from_pandas(frame, preserve_index=False)
        # Codes and file names as plain text and times in the stored microseconds, so every batch of a
        # staged file has one schema and DuckDB compares times without a cast.
        table = table.cast(pa.schema([
            pa.field(field.name, pa.string()) if pa.types.is_dictionary(field.type)
            else pa.field(field.name, pa.timestamp("us")) if pa.types.is_timestamp(field.type) else field
            for field in table.schema]))
        if self._staged is not None and table.schema != self._staged.schema:
            self._store_staged()
        if self._staged is None:
            # Read back once or twice within seconds: written plain, compression would only cost time.
            self._staged = pq.ParquetWriter(Path(self._folder.name) / f"staged-{uuid.uuid4().hex}.parquet",
                                            table.schema, compression="none", use_dictionary=False)
        self._staged.write_table(table)
        self._staged_rows += table.num_rows
        self._ranges.append(frame.groupby("station_code", observed=True)["time"].agg(["min", "max"]).reset_index())

    def _store_staged(self) -> None:
        staged, self._staged = self._staged, None
        staged.close()
        ranges = pd.concat(self._ranges, ignore_index=True).sort_values(["station_code", "min"])
        self._ranges = []
        # Batches overlap only when one station's hours come back in a later batch; only then is the
        # staged file read with a pass that keeps each station-hour's last row.
        overlapping = bool((ranges.groupby("station_code", observed=True)["max"].shift()
                            >= ranges["min"]).any())
        columns = staged.schema.names
        flags = quality_flag_sql([column for column in columns if column in PLAUSIBLE_MAXIMUM])
        rows = staged_parquet(Path(staged.where), columns, self.KEY if overlapping else None).with_computed(
            {"quality_flag": flags}, {"now": self.now})
        first, last = ranges["min"].min().date(), ranges["max"].max().date()
        span = (first, last) if self.township_days_current else None
        staged_rows, self._staged_rows = self._staged_rows, 0
        if overlapping:
            self.repeated += staged_rows - count_rows(self.con, rows)
        self.flagged += count_rows(self.con, rows, "quality_flag <> 0")
        if stored_in_ranges(self.con, "observations", rows, self.KEY) == 0:
            refresh_township_days(self.con, span, adding=rows)
            counts = UpsertCounts(insert_relation(self.con, "observations", rows), 0, 0)
        else:
            counts = upsert_relation(self.con, "observations", rows, self.KEY)
            if set(PLAUSIBLE_MAXIMUM) - set(columns):
                reflag_observations(self.con, rows, self.now)
            refresh_township_days(self.con, span)
        self.township_days_current = True
        self.counts = UpsertCounts(*(a + b for a, b in zip(astuple(self.counts), astuple(counts), strict=True)))
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)

    def finish(self) -> UpsertCounts:
        try:
            if self._staged is not None:
                self._store_staged()
            if self.first is not None:
                refresh_day_values(self.con, (self.first, self.last) if self.aggregates_were_current else None)
            return self.counts
        finally:
            self._folder.cleanup()


# Files longer than this are read, checked and stored in slices of this many rows (all in the one
# transaction), so a province's year of hours imports in bounded memory: a slice in pandas plus
# DuckDB's share, IMPORT_DUCKDB_MEMORY_MB.
SLICE_ROWS = 500_000
IMPORT_DUCKDB_MEMORY_MB = 512


def import_observations(store: Store, paths: Sequence[Path | str], *, stations_file: Path | str | None = None,
                        skip_bad_rows: bool = False, co_unit: str | None = None,
                        progress: bool = False, sheet: str | None = None) -> ImportReport:
    """Import wide hourly observation files (CSV UTF-8/GBK or Parquet) into ``store``, one transaction.

    Files may name a station by any identifier a station list gave it (code, English id, Chinese
    name); ``stations_file`` (a station list such as beijing_multisite/stations.csv) is imported in
    the same transaction, its names usable at once. ``co_unit`` ('mg' or
    'ug') overrides what the header or the values say. Stored: µg/m³, CO mg/m³, Beijing time.

    Rows are checked and stored in batches of about SLICE_ROWS: a station-hour repeated within a
    batch is stored once (the last wins, noted in the report); one repeated across batches of a very
    large input is stored once too but counted as updated.
    """
    parsed_stations: ParsedStations | None = None
    with store.read() as con:
        known = station_aliases(con)
    if stations_file is not None:
        parsed_stations = parse_stations(stations_file, progress=progress)
        settle_problems([parsed_stations.log], skip_bad_rows=False)
        listed = parsed_stations.frame[["code"]].assign(alias=lambda rows: rows["code"]).rename(
            columns={"code": "station_code"})
        known = pd.concat([known, listed, parsed_stations.aliases[["alias", "station_code"]]], ignore_index=True)
    station_codes = station_names(known)
    paths = [Path(path) for path in paths]
    report = ImportReport(term("imported.observations"), files=[str(path) for path in paths])
    sources = pd.Index(dict.fromkeys(path.name for path in paths))
    logs: list[ProblemLog] = []
    pending: list[pd.DataFrame] = []
    ignored: set[str] = set()
    derived: set[str] = set()

    def store_pending(writer: ObservationWriter) -> None:
        writer.write(finish_observations(pd.concat(pending, ignore_index=True), report))
        pending.clear()

    with store.write(spatial=parsed_stations is not None) as con:
        bound_memory(con, IMPORT_DUCKDB_MEMORY_MB)
        if parsed_stations is not None:
            written = write_station_list(con, parsed_stations.frame, parsed_stations.aliases)
            counts = written.counts
            report.notes.append(term("note.stations_from_file", file=parsed_stations.path.name, new=counts.new,
                                     updated=counts.updated, unchanged=counts.unchanged))
            report.notes += station_list_notes(written)
        writer = ObservationWriter(con)
        for path in paths:
            unit = file_co_unit(path, co_unit)
            for source in read_table_slices(path, rows=SLICE_ROWS, progress=progress, sheet=sheet):
                item = parse_observation_table(source, station_codes, co_unit=unit)
                report.rejected += settle_problems([item.log], skip_bad_rows)
                if item.log:
                    # Only logs with problems are kept: each holds its slice's table for the rejected-rows file.
                    logs.append(item.log)
                kept = keep_rows(item.frame, item.log)
                if pending and list(kept.columns) != list(pending[0].columns):
                    # Concatenated, the files' columns would be padded with NULL and overwrite stored values:
                    # a file with other columns is stored on its own, touching only the columns it has.
                    store_pending(writer)
                pending.append(kept.assign(source=kept["source"].cat.set_categories(sources)))
                ignored.update(item.ignored)
                derived.update(item.derived)
                if sum(len(frame) for frame in pending) >= SLICE_ROWS:
                    store_pending(writer)
        if pending:
            store_pending(writer)
        counts = writer.finish()
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    report.flagged = writer.flagged
    if writer.repeated:
        report.notes.append(term("note.repeated_station_hours", count=writer.repeated))
    if ignored:
        report.notes.append(term("note.columns_not_stored", columns=first_items(sorted(ignored))))
    for column in sorted(derived):
        report.notes.append(term("note.rh_derived", column=column))
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report
