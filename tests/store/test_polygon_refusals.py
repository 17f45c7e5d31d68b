"""Polygons GEOS cannot build or measure — a ring that does not close, a NaN or infinite coordinate — are
refused with file, feature (or row) and field instead of failing the import; the other shapes still import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import BadInputError
from data.store import Store
from ingest.polygons import import_townships, import_zones

# Qinyang and its neighbours (Jiaozuo, 4108xx): a handful of real county boundaries.
REGION_PREFIX = 4108


def _region_features(real_data: Path) -> list[dict]:
    counties = json.loads((real_data / "boundaries" / "henan_410000_counties.geojson").read_text(encoding="utf-8"))
    return [feature for feature in counties["features"] if feature["properties"]["adcode"] // 100 == REGION_PREFIX]


def _first_ring(feature: dict) -> list[list[float]]:
    geometry = feature["geometry"]
    return geometry["coordinates"][0][0] if geometry["type"] == "MultiPolygon" else geometry["coordinates"][0]


def _write(path: Path, features: list[dict]) -> Path:
    # json writes NaN as the bare word NaN, which GDAL reads as a NaN coordinate, as a broken export would hold.
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def test_an_unclosed_ring_and_a_nan_coordinate_are_refused_by_feature(store: Store, real_data: Path,
                                                                      tmp_path: Path):
    features = _region_features(real_data)
    assert len(features) >= 4
    _first_ring(features[1]).pop()  # the ring no longer ends where it starts
    _first_ring(features[2])[3][1] = float("nan")
    broken = _write(tmp_path / "counties.geojson", features)

    with pytest.raises(BadInputError) as refused:
        import_townships(store, [broken])
    assert (refused.value.row, refused.value.field) == (1, "geometry")
    assert "counties.geojson" in str(refused.value) and "rings must close" in refused.value.render("en")
    assert store.row_counts()["townships"] == 0

    report = import_townships(store, [broken], skip_bad_rows=True)
    assert (report.new, report.rejected) == (len(features) - 2, 2)
    rejected = (tmp_path / "counties.rejected.csv").read_text(encoding="utf-8-sig")
    assert "NaN or infinite" in rejected or "NaN 或无穷大" in rejected


def test_wkt_polygons_with_an_open_ring_or_an_infinite_coordinate_name_their_row(store: Store, tmp_path: Path):
    zones = tmp_path / "zones.csv"
    zones.write_text("id,name,kind,wkt\n"
                     "Z1,低排放区,low_emission,\"POLYGON((112.5 35.0, 112.6 35.0, 112.6 35.1, 112.5 35.0))\"\n"
                     "Z2,禁燃区,coal_ban,\"POLYGON((112.5 35.0, 112.6 35.0, 112.6 35.1, 112.5 35.1))\"\n"
                     "Z3,禁燃区二,coal_ban,\"POLYGON((112.5 35.0, 112.6 inf, 112.6 35.1, 112.5 35.0))\"\n",
                     encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_zones(store, [zones])
    assert (refused.value.row, refused.value.field) == (3, "wkt")
    assert "环须首尾闭合" in str(refused.value)
    report = import_zones(store, [zones], skip_bad_rows=True)
    assert (report.new, report.rejected) == (1, 2)
