"""Registers with geometry, from GIS files (GeoJSON, GeoPackage, Shapefile) or from tables (CSV, Excel) with
a WKT column or lon/lat: rows as text for the fields, geometries in EPSG:4326 for the shapes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely

from core.errors import BadInputError
from core.gcj02 import gcj02_to_wgs84_xy
from core.vocabulary import Term, term
from ingest.common import ProblemLog, TextTable, find_column, is_table, read_text_table
from ingest.coordinates import CHINA_LAT, CHINA_LON, is_gcj02, parse_crs, read_positions

# A table's geometry as WKT (EPSG:4326 unless --crs says otherwise).
WKT_ALIASES = ("wkt", "geometry", "geom", "几何", "几何wkt", "边界", "边界wkt", "范围", "范围wkt", "空间范围", "图形",
               "shape")
POLYGONAL = frozenset({"Polygon", "MultiPolygon"})


@dataclass
class FeatureTable:
    """A register's rows: ``source`` holds every column as text (its log numbers rows as the file does:
    the CSV line or Excel row, or the feature index of a GIS file), ``geometry`` one shapely geometry
    per row in EPSG:4326 (None where the row has none)."""

    source: TextTable
    geometry: np.ndarray
    shaped: bool = True  # a GIS file, or a table with a WKT column: its rows are meant to carry shapes


def property_text(value) -> str | None:
    """A GIS attribute as text: whole floats without '.0' (a code read as 419001100.0), blanks None."""
    # pyogrio reads a date field as datetime64, where a blank is NaT
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_feature_table(path: Path | str, *, crs: str | None = None, sheet: str | None = None,
                       wkt_aliases: tuple[str, ...] = WKT_ALIASES, points: bool = False) -> FeatureTable:
    """Read a GIS file or a table. A table's geometry is its WKT column (``wkt_aliases``) or, with
    ``points``, the point at its lon/lat where the WKT is blank. ``crs`` overrides the file's CRS
    ('gcj02' for Gaode/Tencent lon/lat, or any pyproj CRS); without one a GIS file's own is used and
    degrees are read as WGS84. Unreadable WKT and positions are problems of the row."""
    path = Path(path)
    if is_table(path):
        return _table_features(read_text_table(path, sheet=sheet), crs, wkt_aliases, points)
    refused: dict[int, str] = {}
    try:
        try:
            frame = gpd.read_file(path)
        except shapely.errors.GEOSException:
            frame, refused = _read_unbuildable_shapes(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as error:
        raise BadInputError("error.unreadable_vector", file=str(path), detail=str(error)) from error
    if frame.empty:
        raise BadInputError("error.no_features", file=str(path))
    frame = _to_wgs84(frame.reset_index(drop=True), crs, path)
    properties = frame.drop(columns=frame.geometry.name)
    table = pa.table({str(column): pa.array([property_text(value) for value in properties[column]], type=pa.string())
                      for column in properties.columns})
    log = ProblemLog(path, np.arange(len(frame)), unit="feature",
                     original_rows=lambda positions: pd.DataFrame(properties.iloc[positions]))
    for position, reason in refused.items():
        log.add([position], "geometry", [reason], term("reason.unbuildable_geometry"))
    return FeatureTable(TextTable(path, table, log), np.asarray(frame.geometry.array, dtype=object))


def _geos_refusal(wkt: str) -> str | None:
    """Why GEOS cannot build the shape of well-formed ``wkt`` (a ring that does not close), or None when
    the text is not WKT at all."""
    try:
        shapely.from_wkt(wkt)
    except shapely.errors.GEOSException as error:
        kind, _, reason = str(error).partition(": ")
        return reason if kind == "IllegalArgumentException" else None
    return None


def _read_unbuildable_shapes(path: Path) -> tuple[gpd.GeoDataFrame, dict[int, str]]:
    """A GIS file one of whose shapes GEOS cannot build (a ring that does not close): every feature, the
    unbuildable shapes left empty, and why GEOS refused each, by feature position."""
    frame = gpd.read_file(path, on_invalid="ignore")
    _, _, shapes, _ = pyogrio.raw.read(path)
    refused: dict[int, str] = {}
    for position, shape in enumerate(shapes):
        if shape is None or frame.geometry.iloc[position] is not None:
            continue
        try:
            shapely.from_wkb(shape)
        except shapely.errors.GEOSException as error:
            refused[position] = str(error).split(": ", 1)[-1]
    return frame, refused


def _table_features(source: TextTable, crs: str | None, wkt_aliases: tuple[str, ...], points: bool) -> FeatureTable:
    geometry = np.full(len(source), None, dtype=object)
    column = find_column(source.columns, wkt_aliases)
    shaped = column is not None
    if column is not None:
        text = source.table[column].to_pandas().str.strip()
        given = text.notna() & (text != "")
        parsed = shapely.from_wkt(np.array([value if ok else None for value, ok in zip(text, given)], dtype=object),
                                  on_invalid="ignore")
        bad = given.to_numpy() & pd.isna(parsed)
        refusals = [_geos_refusal(value) for value in text[bad]]
        unbuildable = np.flatnonzero(bad)[[refusal is not None for refusal in refusals]]
        source.log.add(unbuildable, column, [refusal for refusal in refusals if refusal], term("reason.unbuildable_geometry"))
        malformed = np.setdiff1d(np.flatnonzero(bad), unbuildable)
        source.log.add(malformed, column, text.iloc[malformed], term("reason.expected_wkt"))
        geometry = np.where(bad, None, parsed).astype(object)
        geometry = _shapes_to_wgs84(geometry, crs, source.path)
    if points:
        lon, lat = read_positions(source, crs, required=False)
        positioned = ~np.isnan(lon) & ~np.isnan(lat) & pd.isna(geometry)
        geometry[positioned] = shapely.points(lon[positioned], lat[positioned])
    return FeatureTable(source, geometry, shaped)


def _shapes_to_wgs84(geometry: np.ndarray, crs: str | None, path: Path) -> np.ndarray:
    present = ~pd.isna(geometry)
    if crs is None or not present.any():
        return geometry
    if is_gcj02(crs):
        geometry[present] = shapely.transform(geometry[present], gcj02_to_wgs84_xy)
        return geometry
    converted = gpd.GeoSeries(geometry[present], crs=parse_crs(crs, file=str(path))).to_crs("EPSG:4326")
    geometry[present] = converted.to_numpy()
    return geometry


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


def check_shapes(features: FeatureTable, allowed: frozenset[str], expected: Term, *, required: bool = True,
                 name_column: str | None = None) -> list[Term]:
    """Check each row's geometry is of an ``allowed`` type (else ``expected`` is the row's problem) and in
    China; repair invalid polygons with make_valid (one note each, naming the row's ``name_column``).
    A row without a geometry is a problem when ``required``. Returns the repair notes."""
    log, geometry, path = features.source.log, features.geometry, features.source.path
    empty = np.array([geom is None or geom.is_empty for geom in geometry], dtype=bool)
    if required:
        log.add(np.flatnonzero(empty), "geometry", [None] * int(empty.sum()), term("reason.no_geometry"))
    types = np.array([None if missing else geom.geom_type for geom, missing in zip(geometry, empty)], dtype=object)
    wrong = ~empty & ~np.isin(types, list(allowed))
    log.add(np.flatnonzero(wrong), "geometry", types[wrong], expected)
    # NaN or infinite coordinates make GEOS fail on validity and repair: such a shape is the row's problem.
    unmeasured = np.array([not missing and not np.isfinite(shapely.get_coordinates(geom)).all()
                           for geom, missing in zip(geometry, empty)], dtype=bool) & ~wrong
    log.add(np.flatnonzero(unmeasured), "geometry", [geometry[position].wkt[:80] for position in np.flatnonzero(unmeasured)],
            term("reason.coordinates_not_finite"))
    wrong |= unmeasured
    names = (features.source.table[name_column].to_pylist() if name_column else [None] * len(geometry))
    notes: list[Term] = []
    for position in np.flatnonzero(~empty & ~wrong & ~shapely.is_valid(np.where(empty, None, geometry))):
        reason = shapely.is_valid_reason(geometry[position])
        fixed = _part_of_types(shapely.make_valid(geometry[position]), allowed)
        label = term("note.feature_name", name=names[position]) if names[position] else ""
        if fixed is None:
            log.add([position], "geometry", [reason], term("reason.unrepairable_polygon"))
        else:
            geometry[position] = fixed
            notes.append(term("note.polygon_repaired", file=path.name, feature=int(log.labels[position]), name=label,
                              reason=reason))
    shapes = np.where(empty | wrong, None, geometry)
    bounds = np.array([geom.bounds if geom is not None else (np.nan,) * 4 for geom in shapes], dtype=float)
    outside = ~empty & ~wrong & ((bounds[:, 0] < CHINA_LON[0]) | (bounds[:, 2] > CHINA_LON[1])
                                 | (bounds[:, 1] < CHINA_LAT[0]) | (bounds[:, 3] > CHINA_LAT[1]))
    log.add(np.flatnonzero(outside), "geometry", [None] * int(outside.sum()), term("reason.polygon_outside_china"))
    return notes


def _part_of_types(geometry, allowed: frozenset[str]) -> shapely.Geometry | None:
    """The parts of a repaired geometry that have an allowed type, as one (multi)polygon, or None."""
    if "Polygon" not in allowed:
        return geometry if geometry.geom_type in allowed else None
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in POLYGONAL and not part.is_empty]
    polygons = [polygon for part in parts for polygon in shapely.get_parts(part)]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def wkb_values(geometry: np.ndarray) -> list[bytes | None]:
    """Geometries as 2D WKB for the store (None stays None)."""
    return [None if geom is None else bytes(shapely.to_wkb(geom, output_dimension=2)) for geom in geometry]
