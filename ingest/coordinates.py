"""Coordinate reference systems of imported positions: any pyproj CRS, or GCJ-02, to WGS84."""
from __future__ import annotations

import numpy as np
import pyproj

from core.errors import BadInputError
from core.gcj02 import gcj02_to_wgs84
from core.vocabulary import term
from ingest.common import TextTable, find_column, missing_columns_error, parse_numbers

# China's extent in degrees, generous enough for the Nansha islands and the far west.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
GCJ02_NAMES = frozenset({"gcj02", "gcj-02", "gcj", "mars"})
LON_ALIASES = ("lon", "lng", "longitude", "long", "经度", "x")
LAT_ALIASES = ("lat", "latitude", "纬度", "y")


def is_gcj02(crs: str | None) -> bool:
    """Whether a --crs value names GCJ-02, the shifted lon/lat of Gaode/Tencent web maps."""
    return crs is not None and crs.strip().lower() in GCJ02_NAMES


def parse_crs(crs: str, *, file: str | None = None) -> pyproj.CRS:
    """A pyproj CRS from what a person typed ('EPSG:4490', '4326', a WKT or PROJ string)."""
    try:
        return pyproj.CRS.from_user_input(int(crs) if crs.strip().isdigit() else crs)
    except pyproj.exceptions.CRSError as error:
        raise BadInputError("error.unknown_crs", file=file, field="crs", crs=crs) from error


def points_to_wgs84(lon: np.ndarray, lat: np.ndarray, crs: str | None, *,
                    file: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions given in ``crs`` (None = WGS84 lon/lat; 'gcj02'; any pyproj CRS, x/y order) as
    WGS84 (EPSG:4326) longitude and latitude in degrees; NaN stays NaN."""
    if crs is None:
        return lon, lat
    if is_gcj02(crs):
        return gcj02_to_wgs84(lon, lat)
    transformer = pyproj.Transformer.from_crs(parse_crs(crs, file=file), "EPSG:4326", always_xy=True)
    wgs_lon, wgs_lat = transformer.transform(lon, lat)
    return np.asarray(wgs_lon, dtype=float), np.asarray(wgs_lat, dtype=float)


def parse_positions(source: TextTable, lon_column: str, lat_column: str, crs: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (WGS84 degrees, converted from ``crs``) of a table's rows; rows with half
    a position, swapped axes or a position outside China go to the table's problem log."""
    log = source.log
    lon, lat = parse_numbers(source, lon_column), parse_numbers(source, lat_column)
    half = np.isnan(lon) != np.isnan(lat)
    log.add(np.flatnonzero(half & np.isnan(lon)), lon_column, lon[half & np.isnan(lon)],
            term("reason.missing_longitude"))
    log.add(np.flatnonzero(half & np.isnan(lat)), lat_column, lat[half & np.isnan(lat)],
            term("reason.missing_latitude"))
    lon, lat = points_to_wgs84(lon, lat, crs, file=str(source.path))
    present = ~np.isnan(lon) & ~np.isnan(lat)
    inside_lon = (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1])
    inside_lat = (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])
    swapped = present & (lat >= CHINA_LON[0]) & (lat <= CHINA_LON[1]) & (lon >= CHINA_LAT[0]) & (lon <= CHINA_LAT[1])
    outside = present & ~(inside_lon & inside_lat) & ~swapped
    log.add(np.flatnonzero(swapped), f"{lon_column}/{lat_column}",
            [f"{x}, {y}" for x, y in zip(lon[swapped], lat[swapped])],
            term("reason.swapped_lon_lat", west=CHINA_LON[0], east=CHINA_LON[1]))
    log.add(np.flatnonzero(outside), f"{lon_column}/{lat_column}",
            [f"{x}, {y}" for x, y in zip(lon[outside], lat[outside])],
            term("reason.outside_china", west=CHINA_LON[0], east=CHINA_LON[1], south=CHINA_LAT[0],
                 north=CHINA_LAT[1]))
    return lon, lat


def read_positions(source: TextTable, crs: str | None, *, required: bool) -> tuple[np.ndarray, np.ndarray]:
    """The rows' positions (WGS84 degrees, converted from ``crs``) from the table's longitude and
    latitude columns. Without both columns the file is refused when positions are ``required`` (or
    when it has only one of them), else every position is NaN; a required row without a position is a
    problem in the table's log."""
    columns = source.columns
    lon_column, lat_column = find_column(columns, LON_ALIASES), find_column(columns, LAT_ALIASES)
    if lon_column is None or lat_column is None:
        if required or (lon_column is None) != (lat_column is None):
            missing = term("column.longitude" if lon_column is None else "column.latitude")
            raise missing_columns_error(source.path, missing, LON_ALIASES if lon_column is None else LAT_ALIASES,
                                        columns)
        return np.full(len(source), np.nan), np.full(len(source), np.nan)
    lon, lat = parse_positions(source, lon_column, lat_column, crs)
    if required:
        absent = np.isnan(lon) & np.isnan(lat)
        source.log.add(np.flatnonzero(absent), f"{lon_column}/{lat_column}", [None] * int(absent.sum()),
                       term("reason.expected_position"))
    return lon, lat
