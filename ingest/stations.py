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
from core.vocabulary import Term, term
from data.bulk import UpsertCounts, upsert
from data.stations import assign_named_townships
from data.store import Store
from data.townships import add_named_townships, township_lookup
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
from ingest.coordinates import LAT_ALIASES, LON_ALIASES, parse_positions
from ingest.fields import text_values
from ingest.polygons import township_key, township_kind_from_name

CODE_ALIASES = ("code", "stationcode", "sitecode", "监测点编码", "站点编码", "站点代码", "站点编号", "编码",
                "站号", "stationid", "siteid", "station", "site", "id")
NAME_ALIASES = ("name", "namezh", "stationname", "sitename", "监测点名称", "站点名称", "站名", "名称",
                "监测点", "站点")
KIND_ALIASES = ("kind", "stationkind", "stationtype", "type", "类型", "站点类型", "站点类别", "站类")
TOWNSHIP_ALIASES = ("townshipcode", "township", "乡镇代码", "乡镇编码", "乡镇", "乡镇街道", "乡镇名称", "街道")
CITY_ALIASES = ("city", "城市", "市")
# Further names a list may give a station (an English id, an old code), kept as aliases like its code and name.
OTHER_NAME_ALIASES = ("alias", "aliases", "别名", "其他名称", "其他编号", "曾用名", "英文名", "英文名称", "英文编号",
                      "englishname", "nameen")

KINDS = {"national": "national", "国控": "national", "国控站": "national", "国控点": "national",
         "provincial": "provincial", "省控": "provincial", "省控站": "provincial", "省控点": "provincial",
         "township": "township", "乡镇": "township", "乡镇站": "township", "乡镇空气站": "township",
         "micro": "micro", "微站": "micro", "小微站": "micro", "微型站": "micro"}
# The national network's codes: four digits and an A (1001A ... 3663A).
NATIONAL_CODE = re.compile(r"^\d{4}A$")


@dataclass
class ParsedStations:
    """Validated station rows of one file (``township_named``: the township each row names, as written),
    and every name by which later files may call them (alias, station_code, source)."""

    path: Path
    frame: pd.DataFrame
    log: ProblemLog
    aliases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["alias", "station_code", "source"]))


def station_kind(value: str | None) -> str | None:
    """'national', 'provincial', 'township' or 'micro' for an English or Chinese kind, else None."""
    if value is None or pd.isna(value):
        return None
    return KINDS.get(str(value).strip().lower())


def parse_stations(path: Path | str, *, kind: str | None = None, crs: str | None = None, progress: bool = False,
                   sheet: str | None = None) -> ParsedStations:
    """Read and validate one station file; positions converted to WGS84 (EPSG:4326) lon/lat.

    ``kind`` applies where the file has no kind column; without either, stations whose codes all
    follow the national pattern (1001A) are 'national'. The township a row names (a name or a code)
    is kept as written in ``township_named``, for write_station_list to resolve. Rows without any
    coordinates are kept (position unknown); rows with half a position, a position outside China or
    swapped lon/lat are problems. Every identifier column (code, name, English id...) gives aliases.
    """
    source = read_text_table(path, progress=progress, sheet=sheet)
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
    codes = text_values(source, code_column)
    blank = codes.isna()
    log.add(np.flatnonzero(blank), code_column, codes[blank], term("reason.expected_station_code"))
    repeated = codes.duplicated() & ~blank
    log.add(np.flatnonzero(repeated), code_column, codes[repeated], term("reason.repeated_station_code"))
    names = text_values(source, name_column) if name_column else codes
    unnamed = names.isna() & ~blank
    log.add(np.flatnonzero(unnamed), name_column or code_column, names[unnamed], term("reason.expected_station_name"))

    frame = pd.DataFrame({"code": codes, "name": names.fillna(codes)})
    frame["kind"] = _kinds(source, kind, codes, log)
    township_column = find_column(columns, TOWNSHIP_ALIASES)
    frame["township_named"] = (text_values(source, township_column) if township_column
                               else pd.Series(None, index=frame.index, dtype=object))
    city_column = find_column(columns, CITY_ALIASES)
    if city_column:
        frame["city"] = text_values(source, city_column)
    if lon_column:
        lon, lat = parse_positions(source, lon_column, lat_column, crs)
    else:
        lon = lat = np.full(len(frame), np.nan)
    frame["lon"], frame["lat"] = lon, lat
    frame["source"] = source.path.name
    pairs = [pd.DataFrame({"alias": text_values(source, column), "station_code": codes})
             for column in columns if column in (code_column, name_column) or header_is_alias(column)]
    aliases = pd.concat(pairs, ignore_index=True).dropna().drop_duplicates().assign(source=source.path.name)
    return ParsedStations(source.path, frame, log, aliases.reset_index(drop=True))


class StationNames(dict):
    """Every name files may call a station by → its code; ``ambiguous``: names two stations share, which
    resolve to neither (a code always resolves to its station)."""

    def __init__(self, names: dict[str, str], ambiguous: frozenset[str]):
        super().__init__(names)
        self.ambiguous = ambiguous


def station_names(pairs: pd.DataFrame) -> StationNames:
    """The resolution of (alias, station_code) pairs: each station's code names it; another alias names
    the one station it belongs to, and a name held by two stations names neither."""
    pairs = pairs.dropna().drop_duplicates(["alias", "station_code"])
    codes = set(pairs["station_code"])
    stations_per_alias = pairs.groupby("alias")["station_code"].nunique()
    shared = frozenset(stations_per_alias.index[stations_per_alias > 1]) - codes
    unique = pairs[~pairs["alias"].isin(shared | codes)]
    return StationNames({**dict(zip(unique["alias"], unique["station_code"])), **{code: code for code in codes}},
                        shared)


def header_is_alias(column: str) -> bool:
    """Whether a column may hold a name by which observation files call a station."""
    return header_key(column) in CODE_ALIASES + NAME_ALIASES + OTHER_NAME_ALIASES


def _kinds(source: TextTable, kind: str | None, codes: pd.Series, log: ProblemLog) -> pd.Series:
    kind_column = find_column(source.columns, KIND_ALIASES)
    if kind_column:
        given = text_values(source, kind_column)
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


@dataclass
class StationListWrite:
    """What writing a station list did: the stations' counts, and the townships its rows named that the
    store did not hold — placed by the station's position instead, or created by name."""

    counts: UpsertCounts
    placed_by_position: list[str]
    townships_named: list[str]


def write_station_list(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, aliases: pd.DataFrame) -> StationListWrite:
    """Upsert parsed station rows and their aliases (inside the caller's spatial write transaction).

    A named township the store holds (by name or code) is the station's; otherwise the station goes to
    the township whose boundary contains it, and when none does, the named township is created by its
    name, without a boundary (a boundary or register imported later gives it its official code). A
    national station without a named township counts for the city only and is not placed by position."""
    lookup = township_lookup(con)
    named = frame["township_named"].map(lambda value: None if pd.isna(value) else township_key(value))
    stations = frame.drop(columns="township_named").assign(township_code=named.map(lookup).astype(object))
    stations["township_code"] = stations["township_code"].where(stations["township_code"].notna(), None)
    # A national station counts for the city (stations.township_code NULL) unless its row names a township:
    # only the others are placed by position.
    national = (stations["kind"] == "national").to_numpy()
    counts = [upsert(con, "stations", stations[~national], ("code",), geometry="point", fill_township=True),
              upsert(con, "stations", stations[national], ("code",), geometry="point")]
    counts = UpsertCounts(*(sum(getattr(part, name) for part in counts) for name in ("new", "updated", "unchanged")))
    upsert(con, "station_aliases", aliases, ("alias", "station_code"))
    unknown = pd.DataFrame({"station_code": stations["code"], "township_code": named})[
        named.notna() & stations["township_code"].isna()]
    created: list[str] = []
    placed: list[str] = []
    if not unknown.empty:
        # Placed by position where a boundary contains them; the rest take the township they name, which
        # is created by that name (no foreign keys: the order of the two writes does not matter).
        given = set(assign_named_townships(con, unknown))
        named_for = unknown[unknown["station_code"].isin(given)].drop_duplicates("township_code")
        names = pd.DataFrame({"code": named_for["township_code"], "name": named_for["township_code"],
                              "kind": named_for["township_code"].map(township_kind_from_name),
                              "source": frame["source"].iloc[0]})
        add_named_townships(con, names)
        created = sorted(names["code"])
        placed = sorted(set(unknown["township_code"]) - set(created))
    return StationListWrite(counts, placed, created)


def station_list_notes(written: StationListWrite) -> list[Term]:
    """The report notes of a station list's townships that the store did not hold."""
    notes = []
    if written.placed_by_position:
        notes.append(term("note.unknown_townships", townships=first_items(written.placed_by_position)))
    if written.townships_named:
        notes.append(term("note.townships_named", townships=first_items(written.townships_named)))
    return notes


def import_stations(store: Store, paths: Sequence[Path | str], *, kind: str | None = None,
                    crs: str | None = None, skip_bad_rows: bool = False, progress: bool = False,
                    sheet: str | None = None) -> ImportReport:
    """Import station list files (CSV UTF-8/GBK, Excel or Parquet) into ``store`` in one transaction.

    Coordinates are converted from ``crs`` (default WGS84; 'gcj02' for Gaode-picked positions)
    to EPSG:4326; a station's township is the one its row names, else the one whose boundary contains
    it, else the named one created by name (write_station_list). Every identifier the list carries
    (code, English id, Chinese name) is kept, so later observation files may name stations by any.
    """
    parsed = [parse_stations(path, kind=kind, crs=crs, progress=progress, sheet=sheet) for path in paths]
    report = ImportReport(term("imported.stations"), files=[str(item.path) for item in parsed])
    report.rejected = settle_problems([item.log for item in parsed], skip_bad_rows)
    frame = pd.concat([keep_rows(item.frame, item.log) for item in parsed], ignore_index=True)
    frame = frame.drop_duplicates("code", keep="last")
    aliases = pd.concat([item.aliases for item in parsed], ignore_index=True)
    aliases = aliases[aliases["station_code"].isin(frame["code"])].drop_duplicates(["alias", "station_code"],
                                                                                   keep="last")
    with store.write(spatial=True) as con:
        written = write_station_list(con, frame, aliases)
    counts = written.counts
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    unplaced = frame.loc[frame["lon"].isna(), "code"].tolist()
    if unplaced:
        report.notes.append(term("note.stations_without_position", count=len(unplaced), codes=first_items(unplaced)))
    report.notes += station_list_notes(written)
    report.rejected_files = write_rejected([item.log for item in parsed], store.files_dir)
    return report

