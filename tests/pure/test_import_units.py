"""Pure pieces of importing: quality flags, GCJ-02 conversion, wind direction, humidity, header keys."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from core.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from data.quality import QualityFlag, describe_flags, quality_flags
from ingest.common import header_key, header_unit
from ingest.observations import relative_humidity, wind_direction_degrees


def test_gcj02_matches_the_published_reference_point_and_inverts():
    # Reference pair quoted by the coordtransform/eviltransform implementations (Tiananmen area).
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    back_lon, back_lat = gcj02_to_wgs84(lon, lat)
    assert (float(back_lon), float(back_lat)) == pytest.approx((116.404, 39.915), abs=1e-8)
    outside = wgs84_to_gcj02(np.array([2.35]), np.array([48.85]))  # Paris: no offset outside China
    assert outside[0][0] == 2.35 and outside[1][0] == 48.85


def test_quality_flags_mark_each_implausibility_and_leave_good_rows_at_zero():
    frame = pd.DataFrame({
        "time": pd.to_datetime(["2024-01-01 08:00", "2024-01-01 09:00", "2030-01-01 00:00",
                                "2024-01-01 10:00", "2024-01-01 11:00"]),
        "pm25": [40.0, -1.0, 30.0, 95.0, 3000.0],
        "pm10": [80.0, 50.0, 60.0, 50.0, 3500.0],
        "co": [0.8, 0.9, np.nan, 1.0, 1.1]})
    flags = quality_flags(frame, now=datetime(2025, 1, 1))
    assert flags.tolist() == [0, QualityFlag.NEGATIVE, QualityFlag.FUTURE_TIME, QualityFlag.PM25_ABOVE_PM10,
                              QualityFlag.OUT_OF_RANGE]
    assert describe_flags(int(QualityFlag.NEGATIVE | QualityFlag.FUTURE_TIME)) == ["NEGATIVE", "FUTURE_TIME"]


def test_pm25_slightly_above_pm10_is_measurement_noise_not_a_flag():
    frame = pd.DataFrame({"time": pd.to_datetime(["2024-01-01"] * 2), "pm25": [52.0, 8.0], "pm10": [50.0, 4.0]})
    assert quality_flags(frame, now=datetime(2025, 1, 1)).tolist() == [0, 0]


def test_wind_direction_accepts_degrees_compass_points_and_calm():
    degrees, unknown = wind_direction_degrees(pd.Series(["NNE", "w", "东北", "C", "135", None, "sideways"]))
    assert degrees.iloc[:5].tolist()[:3] == [22.5, 270.0, 45.0]
    assert np.isnan(degrees.iloc[3]) and degrees.iloc[4] == 135.0
    assert unknown.tolist() == [False, False, False, False, False, False, True]


def test_relative_humidity_from_dew_point():
    assert relative_humidity(np.array([20.0]), np.array([20.0]))[0] == pytest.approx(100.0)
    # 20 °C air with a 10 °C dew point is about 52 % (WMO psychrometric tables)
    assert relative_humidity(np.array([20.0]), np.array([10.0]))[0] == pytest.approx(52.5, abs=1.0)


def test_header_spellings_reduce_to_one_key_and_units_are_read():
    assert {header_key(name) for name in ("PM2.5", "pm2_5", "PM25", "PM2.5(μg/m³)", "ＰＭ２．５")} == {"pm25"}
    assert header_unit("CO(μg/m³)") == "ug" and header_unit("CO (µg/m3)") == "ug"
    assert header_unit("CO(mg/m3)") == "mg" and header_unit("CO") is None
