"""Station lists (code, name, kind, township, lon, lat; Chinese CNEMC headers too) into the stations table."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core.errors import BadInputError
from core.vocabulary import term
from data.bulk import UpsertCounts, upsert
from data.store import Store
from data.townships import township_lookup
from ingest.common import (
    ImportReport,
    ProblemLog,
    TextTable,
    find_column,
    first_items,
    header_key,
    keep_rows,
    missing_columns_error,
    read_text_table,
    settle_problems,
    write_rejected,
)
from ingest.coordinates import parse_positions

CODE_ALIASES = ("code", "stationcode", "sitecode", "监测点编码", "站点编码", "站点代码", "站点编号", "编码",
                "站号", "stationid", "siteid", "station", "site", "id")
NAME_ALIASES = ("name", "namezh", "stationname", "sitename", "监测点名称", "站点名称", "站名", "名称",
                "监测点")
KIND_ALIASES = ("kind", "stationkind", "stationtype", "type", "类型", "站点类型", "站点类别", "站类")
TOWNSHIP_ALIASES = ("townshipcode", "township", "乡镇代码", "乡镇编码", "乡镇", "乡镇街道", "乡镇名称", "街道")
CITY_ALIASES = ("city", "城市", "市")
LON_ALIASES = ("lon", "lng", "longitude", "long", "经度", "x")
LAT_ALIASES = ("lat", "latitude", "纬度", "y")

KINDS = {"national": "national", "国控": "national", "国控站": "national", "国控点": "national",
         "provincial": "provincial", "省控": "provincial", "省控站": "provincial", "省控点": "provincial",
         "township": "township", "乡镇": "township", "乡镇站": "township", "乡镇空气站": "township",
         "micro": "micro", "微站": "micro", "小微站": "micro", "微型站": "micro"}
# The national network's codes: four digits and an A (1001A ... 3663A).
NATIONAL_CODE = re.compile(r"^\d{4}A$")


@dataclass
class ParsedStations:
    """Validated station rows of one file and the names by which observations may call them."""

    path: Path
    frame: pd.DataFrame
    log: ProblemLog
    aliases: dict[str, str] = field(default_factory=dict)
    unknown_townships: list[str] = field(default_factory=list)


def station_kind(value: str | None) -> str | None:
    """'national', 'provincial', 'township' or 'micro' for an English or Chinese kind, else None."""
    if value is None or pd.isna(value):
        return None
    return KINDS.get(str(value).strip().lower())


def parse_stations(path: Path | str, *, kind: str | None = None, crs: str | None = None,
                   township_codes: dict[str, str] | None = None, progress: bool = False) -> ParsedStations:
    """Read and validate one station file; positions converted to WGS84 (EPSG:4326) lon/lat.

    ``kind`` applies where the file has no kind column; without either, stations whose codes all
    follow the national pattern (1001A) are 'national'. ``township_codes`` maps township names and
    codes to codes; a township it does not know is left empty, for the station's position to place
    it (with no townships in the store yet, the file's value is kept as the code). Rows without any coordinates are kept (position
    unknown); rows with half a position, a position outside China or swapped lon/lat are problems.
    """
    source = read_text_table(path, progress=progress)
    columns = source.columns
    code_column = find_column(columns, CODE_ALIASES)
    if code_column is None:
        raise missing_columns_error(source.path, term("column.station_code"), CODE_ALIASES, columns)
    name_column = find_column([c for c in columns if c != code_column], NAME_ALIASES)
    lon_column, lat_column = find_column(columns, LON_ALIASES), find_column(columns, LAT_ALIASES)
    if (lon_column is None) != (lat_column is None):
        raise missing_columns_error(source.path, term("column.latitude" if lat_column is None else "column.longitude"),
                                    LAT_ALIASES if lat_column is None else LON_ALIASES, columns)
    log = source.log
    codes = _text(source, code_column)
    blank = codes.isna()
    log.add(np.flatnonzero(blank), code_column, codes[blank], term("reason.expected_station_code"))
    repeated = codes.duplicated() & ~blank
    log.add(np.flatnonzero(repeated), code_column, codes[repeated], term("reason.repeated_station_code"))
    names = _text(source, name_column) if name_column else codes
    unnamed = names.isna() & ~blank
    log.add(np.flatnonzero(unnamed), name_column or code_column, names[unnamed], term("reason.expected_station_name"))

    frame = pd.DataFrame({"code": codes, "name": names.fillna(codes)})
    frame["kind"] = _kinds(source, kind, codes, log)
    township_column = find_column(columns, TOWNSHIP_ALIASES)
    townships = _text(source, township_column) if township_column else pd.Series(None, index=frame.index, dtype=object)
    known = township_codes or {}
    frame["township_code"] = townships.map(lambda value: known.get(value, None if known else value))
    unknown_townships = sorted(set(townships[townships.notna() & frame["township_code"].isna()]))
    city_column = find_column(columns, CITY_ALIASES)
    if city_column:
        frame["city"] = _text(source, city_column)
    if lon_column:
        lon, lat = parse_positions(source, lon_column, lat_column, crs)
    else:
        lon = lat = np.full(len(frame), np.nan)
    frame["lon"], frame["lat"] = lon, lat
    frame["source"] = source.path.name

    aliases: dict[str, str] = {}
    for column in columns:
        if column in (code_column, name_column) or header_is_alias(column):
            for alias, code in zip(_text(source, column), codes):
                if alias is not None and code is not None:
                    aliases.setdefault(alias, code)
    return ParsedStations(source.path, frame, log, aliases, unknown_townships)


def header_is_alias(column: str) -> bool:
    """Whether a column may hold a name by which observation files call a station."""
    return header_key(column) in CODE_ALIASES + NAME_ALIASES


def _text(source: TextTable, column: str) -> pd.Series:
    values = source.table[column].to_pandas().str.strip()
    return values.where(values != "", None).astype(object)


def _kinds(source: TextTable, kind: str | None, codes: pd.Series, log: ProblemLog) -> pd.Series:
    kind_column = find_column(source.columns, KIND_ALIASES)
    if kind_column:
        given = _text(source, kind_column)
        kinds = given.map(station_kind)
        unknown = kinds.isna() & given.notna()
        log.add(np.flatnonzero(unknown), kind_column, given[unknown], term("reason.unknown_station_kind"))
        if kind is not None:
            return kinds.fillna(kind)
        missing = kinds.isna() & given.isna()
        log.add(np.flatnonzero(missing), kind_column, given[missing], term("reason.expected_station_kind"))
        return kinds
    if kind is not None:
        return pd.Series(kind, index=codes.index)
    if codes.dropna().map(lambda code: bool(NATIONAL_CODE.match(code))).all():
        return pd.Series("national", index=codes.index)
    raise BadInputError("error.no_station_kind", file=str(source.path))


def write_stations(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> UpsertCounts:
    """Upsert parsed station rows (inside the caller's spatial write transaction)."""
    return upsert(con, "stations", frame, ("code",), geometry="point", fill_township=True)


def import_stations(store: Store, paths: Sequence[Path | str], *, kind: str | None = None,
                    crs: str | None = None, skip_bad_rows: bool = False,
                    progress: bool = False) -> ImportReport:
    """Import station list files (CSV UTF-8/GBK or Parquet) into ``store`` in one transaction.

    Coordinates are converted from ``crs`` (default WGS84; 'gcj02' for Gaode-picked positions)
    to EPSG:4326; a station without a township gets the one whose polygon contains it.
    """
    with store.read() as con:
        township_codes = township_lookup(con)
    parsed = [parse_stations(path, kind=kind, crs=crs, township_codes=township_codes, progress=progress)
              for path in paths]
    report = ImportReport(term("imported.stations"), files=[str(item.path) for item in parsed])
    report.rejected = settle_problems([item.log for item in parsed], skip_bad_rows)
    frame = pd.concat([keep_rows(item.frame, item.log) for item in parsed], ignore_index=True)
    frame = frame.drop_duplicates("code", keep="last")
    with store.write(spatial=True) as con:
        counts = write_stations(con, frame)
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    unplaced = frame.loc[frame["lon"].isna(), "code"].tolist()
    if unplaced:
        report.notes.append(term("note.stations_without_position", count=len(unplaced), codes=first_items(unplaced)))
    unknown = sorted({name for item in parsed for name in item.unknown_townships})
    if unknown:
        report.notes.append(term("note.unknown_townships", townships=first_items(unknown)))
    report.rejected_files = write_rejected([item.log for item in parsed], store.files_dir)
    return report
