"""WGS84 ⇄ GCJ-02 ("Mars coordinates" of Chinese web maps such as Gaode/AMap), vectorised with numpy.

The forward formula is the widely published one (Krasovsky 1940 ellipsoid, a = 6378245 m,
e² = 0.00669342162296594323), as implemented in e.g. googollee/eviltransform and
wandergis/coordtransform; pyproj does not know GCJ-02. The inverse has no closed form, so it is
solved by fixed-point iteration of the forward formula, which converges to well under 1 mm in
China within a few steps. Points outside China's rough bounding box are returned unchanged,
as the published formula does.
"""
from __future__ import annotations

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323
_INVERSE_STEPS = 6


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offsets(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS84, in degrees (lon, lat), at WGS84 position (lon, lat)."""
    x, y = lon - 105.0, lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 (lon, lat) in degrees for WGS84 (EPSG:4326) positions; arrays or scalars."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _offsets(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 (EPSG:4326) (lon, lat) in degrees for GCJ-02 positions; arrays or scalars."""
    gcj_lon, gcj_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wgs_lon, wgs_lat = gcj_lon.copy(), gcj_lat.copy()
    for _ in range(_INVERSE_STEPS):
        d_lon, d_lat = _offsets(wgs_lon, wgs_lat)
        wgs_lon, wgs_lat = gcj_lon - d_lon, gcj_lat - d_lat
    return wgs_lon, wgs_lat


def gcj02_to_wgs84_xy(coords: np.ndarray) -> np.ndarray:
    """The same as gcj02_to_wgs84 for an (n, 2) array of lon/lat, the shape shapely.transform uses."""
    wgs_lon, wgs_lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return np.column_stack([wgs_lon, wgs_lat])


# Baidu's BD-09 is a further shift of GCJ-02 (Baidu's published formula, as in wandergis/coordtransform).
_BD_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 (lon, lat) in degrees, the coordinates Baidu Maps takes (``coord_type=bd09ll``), for GCJ-02 positions."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    radius = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return radius * np.cos(theta) + 0.0065, radius * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 (lon, lat) in degrees for BD-09 positions (the published inverse, good to about 1 m)."""
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    radius = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return radius * np.cos(theta), radius * np.sin(theta)


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 (lon, lat) for WGS84 (EPSG:4326) positions: WGS84 → GCJ-02 → BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
