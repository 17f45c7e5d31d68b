"""Township and zone polygons from GeoJSON, GeoPackage or Shapefile, in any CRS or GCJ-02, into the store."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from core.errors import BadInputError
from core.gcj02 import gcj02_to_wgs84_xy
from core.vocabulary import Term, term
from data.bulk import upsert
from data.store import Store
from ingest.common import (
    ImportReport,
    ProblemLog,
    find_column,
    header_key,
    keep_rows,
    missing_columns_error,
    settle_problems,
    write_rejected,
)
from ingest.coordinates import CHINA_LAT, CHINA_LON, is_gcj02, parse_crs

TOWNSHIP_CODE_ALIASES = ("code", "townshipcode", "adcode", "乡镇代码", "乡镇编码", "行政区划代码", "代码", "编码",
                         "xzqdm", "xzqhdm")
TOWNSHIP_NAME_ALIASES = ("name", "townshipname", "township", "乡镇名称", "乡镇", "名称", "xzqmc")
ZONE_ID_ALIASES = ("id", "zoneid", "code", "编号", "代码")
ZONE_NAME_ALIASES = ("name", "zonename", "名称", "区域名称")
KIND_ALIASES = ("kind", "type", "类型", "类别")
ZONE_KINDS = {"low_emission": "low_emission", "低排放区": "low_emission", "货运车辆低排放区": "low_emission",
              "nonroad_ban": "nonroad_ban", "禁高区": "nonroad_ban",
              "禁止使用高排放非道路移动机械区域": "nonroad_ban",
              "coal_ban": "coal_ban", "禁煤区": "coal_ban",
              "fuel_ban": "fuel_ban", "禁燃区": "fuel_ban", "高污染燃料禁燃区": "fuel_ban"}
TOWNSHIP_KINDS = {"street": "street", "街道": "street", "town": "town", "镇": "town",
                  "township": "township", "乡": "township"}
POLYGONAL = frozenset({"Polygon", "MultiPolygon"})


def read_polygons(path: Path | str, *, crs: str | None = None) -> tuple[gpd.GeoDataFrame, ProblemLog, list[Term]]:
    """Features of a vector file as polygons in EPSG:4326, with their problems and repair notes.

    ``crs`` overrides the file's CRS ('gcj02' for lon/lat taken from Gaode/Tencent maps, or any
    pyproj CRS); a file without a CRS whose coordinates look like degrees is read as WGS84.
    Invalid polygons are repaired with make_valid (one note each); features that are not
    polygons, are empty, or lie outside China are problems tied to their feature index (0-based).
    """
    path = Path(path)
    try:
        frame = gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as error:
        raise BadInputError("error.unreadable_vector", file=str(path), detail=str(error)) from error
    if frame.empty:
        raise BadInputError("error.no_features", file=str(path))
    frame = frame.reset_index(drop=True)
    log = ProblemLog(path, np.arange(len(frame)), unit="feature",
                     original_rows=lambda positions: pd.DataFrame(frame.drop(columns="geometry").iloc[positions]))
    frame = _to_wgs84(frame, crs, path)
    geometry = frame.geometry.array
    types = np.array([None if geom is None else geom.geom_type for geom in geometry], dtype=object)
    empty = np.array([geom is None or geom.is_empty for geom in geometry])
    log.add(np.flatnonzero(empty), "geometry", [None] * int(empty.sum()), term("reason.no_geometry"))
    wrong = ~empty & ~np.isin(types, list(POLYGONAL))
    log.add(np.flatnonzero(wrong), "geometry", types[wrong], term("reason.expected_polygon"))
    notes: list[Term] = []
    repaired = list(geometry)
    name_column = find_column(frame.columns, TOWNSHIP_NAME_ALIASES + ZONE_NAME_ALIASES)
    for position in np.flatnonzero(~empty & ~wrong & ~shapely.is_valid(np.asarray(geometry))):
        reason = shapely.is_valid_reason(geometry[position])
        fixed = _polygonal_part(shapely.make_valid(geometry[position]))
        label = term("note.feature_name", name=frame[name_column].iloc[position]) if name_column else ""
        if fixed is None:
            log.add([position], "geometry", [reason], term("reason.unrepairable_polygon"))
        else:
            repaired[position] = fixed
            notes.append(term("note.polygon_repaired", file=path.name, feature=position, name=label, reason=reason))
    frame = frame.set_geometry(gpd.GeoSeries(repaired, index=frame.index, crs="EPSG:4326"))
    bounds = frame.geometry.bounds
    outside = (~empty & ~wrong & ((bounds["minx"] < CHINA_LON[0]) | (bounds["maxx"] > CHINA_LON[1])
                                  | (bounds["miny"] < CHINA_LAT[0]) | (bounds["maxy"] > CHINA_LAT[1]))).to_numpy()
    log.add(np.flatnonzero(outside), "geometry", [None] * int(outside.sum()),
            term("reason.polygon_outside_china"))
    return frame, log, notes


def _polygonal_part(geometry) -> shapely.Geometry | None:
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in POLYGONAL and not part.is_empty]
    polygons = [polygon for part in parts for polygon in shapely.get_parts(part)]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _to_wgs84(frame: gpd.GeoDataFrame, crs: str | None, path: Path) -> gpd.GeoDataFrame:
    if is_gcj02(crs):
        frame = frame.set_crs("EPSG:4326", allow_override=True)
        return frame.set_geometry(shapely.transform(frame.geometry.array, gcj02_to_wgs84_xy))
    if crs is not None:
        return frame.set_crs(parse_crs(crs, file=str(path)), allow_override=True).to_crs("EPSG:4326")
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BadInputError("error.crs_not_degrees", file=str(path))
        return frame.set_crs("EPSG:4326")
    return frame.to_crs("EPSG:4326")


def _text_column(frame: gpd.GeoDataFrame, column: str) -> pd.Series:
    def as_text(value) -> str | None:
        # pyogrio reads a date field as datetime64, where a blank is NaT
        if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value).strip()
        return text or None
    return frame[column].map(as_text).astype(object)


def _required_text(frame: gpd.GeoDataFrame, log: ProblemLog, aliases: Sequence[str], what: Term,
                   path: Path) -> pd.Series:
    column = find_column([c for c in frame.columns if c != "geometry"], aliases)
    if column is None:
        raise missing_columns_error(path, what, aliases, [c for c in frame.columns if c != "geometry"])
    values = _text_column(frame, column)
    log.add(np.flatnonzero(values.isna().to_numpy()), column, [None] * int(values.isna().sum()),
            term("reason.expected_value", what=what))
    return values


def township_kind_from_name(name: str | None) -> str:
    """'street' for 街道/办事处, 'township' for 乡, otherwise 'town' (镇, and the schema's default)."""
    if name and name.endswith(("街道", "办事处")):
        return "street"
    if name and name.endswith("乡"):
        return "township"
    return "town"


def _write(store: Store, table: str, key: str, parts: list[tuple[pd.DataFrame, ProblemLog]], notes: list[Term],
           what: Term, skip_bad_rows: bool, paths: list[Path]) -> ImportReport:
    logs = [log for _, log in parts]
    report = ImportReport(what, files=[str(path) for path in paths], notes=notes)
    report.rejected = settle_problems(logs, skip_bad_rows)
    frame = pd.concat([keep_rows(frame, log) for frame, log in parts], ignore_index=True)
    repeated = frame[key].duplicated(keep="last")
    if repeated.any():
        report.notes.append(term("note.repeated_features", count=int(repeated.sum()), key=key))
    frame = frame[~repeated]
    with store.write(spatial=True) as con:
        counts = upsert(con, table, frame, (key,), geometry="wkb")
    report.new, report.updated, report.unchanged = counts.new, counts.updated, counts.unchanged
    report.rejected_files = write_rejected(logs, store.files_dir)
    return report


def import_townships(store: Store, paths: Sequence[Path | str], *, crs: str | None = None,
                     skip_bad_rows: bool = False) -> ImportReport:
    """Import township polygons (code + name; DataV adcode/name work) into ``store``, EPSG:4326.
    kind comes from a kind column or the name's ending (街道 street, 乡 township, else town)."""
    parts, notes = [], []
    for path in map(Path, paths):
        frame, log, repaired = read_polygons(path, crs=crs)
        notes += repaired
        codes = _required_text(frame, log, TOWNSHIP_CODE_ALIASES, term("column.township_code"), path)
        names = _required_text(frame, log, TOWNSHIP_NAME_ALIASES, term("column.township_name"), path)
        kind_column = find_column(frame.columns, KIND_ALIASES)
        given = _text_column(frame, kind_column).map(lambda v: TOWNSHIP_KINDS.get((v or "").lower())) \
            if kind_column else pd.Series(None, index=frame.index, dtype=object)
        rows = pd.DataFrame({"code": codes, "name": names,
                             "kind": given.fillna(names.map(township_kind_from_name)),
                             "illustrative": False, "source": path.name,
                             "geom": shapely.to_wkb(frame.geometry.array)})
        for optional in ("name_en", "terrain"):
            column = find_column(frame.columns, (header_key(optional),))
            if column:
                rows[optional] = _text_column(frame, column)
        parts.append((rows, log))
    return _write(store, "townships", "code", parts, notes, term("imported.townships"), skip_bad_rows,
                  list(map(Path, paths)))


def zone_kind(value: str | None) -> str | None:
    """'low_emission', 'nonroad_ban', 'coal_ban' or 'fuel_ban' for an English or Chinese kind."""
    return None if value is None else ZONE_KINDS.get(str(value).strip().lower())


def import_zones(store: Store, paths: Sequence[Path | str], *, kind: str | None = None, crs: str | None = None,
                 skip_bad_rows: bool = False) -> ImportReport:
    """Import zone polygons into ``store``, EPSG:4326. ``kind`` (low_emission, nonroad_ban,
    coal_ban, fuel_ban) applies to features without a kind column; an id column is the key, else
    the id is derived from kind and name so that re-imports update the same zone."""
    if kind is not None and zone_kind(kind) is None:
        raise ValueError(f"unknown zone kind {kind!r}: expected low_emission, nonroad_ban, coal_ban or fuel_ban")
    parts, notes = [], []
    for path in map(Path, paths):
        frame, log, repaired = read_polygons(path, crs=crs)
        notes += repaired
        names = _required_text(frame, log, ZONE_NAME_ALIASES, term("column.zone_name"), path)
        kind_column = find_column(frame.columns, KIND_ALIASES)
        if kind_column is None and kind is None:
            raise BadInputError("error.no_zone_kind", file=str(path))
        if kind_column:
            given = _text_column(frame, kind_column)
            kinds = given.map(zone_kind).fillna(zone_kind(kind)) if kind else given.map(zone_kind)
            unknown = kinds.isna()
            log.add(np.flatnonzero(unknown.to_numpy()), kind_column, given[unknown], term("reason.unknown_zone_kind"))
        else:
            kinds = pd.Series(zone_kind(kind), index=frame.index, dtype=object)
        id_column = find_column([c for c in frame.columns if c != "geometry"], ZONE_ID_ALIASES)
        derived = pd.Series([("zone-" + hashlib.sha1(f"{k}|{n}".encode()).hexdigest()[:12]) if n else None
                             for k, n in zip(kinds, names)], index=frame.index, dtype=object)
        ids = _text_column(frame, id_column).fillna(derived) if id_column else derived
        rows = pd.DataFrame({"id": ids, "name": names, "kind": kinds, "source": path.name,
                             "geom": shapely.to_wkb(frame.geometry.array)})
        for optional in ("valid_from", "valid_to"):
            column = find_column(frame.columns, (header_key(optional),))
            if column:
                dates = pd.to_datetime(_text_column(frame, column), errors="coerce")
                bad = dates.isna() & _text_column(frame, column).notna()
                log.add(np.flatnonzero(bad.to_numpy()), column, frame[column][bad], term("reason.expected_date"))
                rows[optional] = dates.dt.date
        parts.append((rows, log))
    return _write(store, "zones", "id", parts, notes, term("imported.zones"), skip_bad_rows, list(map(Path, paths)))
