"""Findings 6 and 7 of issue 20, the files a city hands over: Big5 is not read as GB18030, impossible times,
infinite numbers, control characters and megabyte names are refused with file, row and field, nothing is
stored from a refused file, and one future-stamped hour never becomes everyone's default date."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.errors import BadInputError
from data.stations import latest_observation_time
from data.store import Store
from ingest.observations import import_observations
from ingest.stations import import_stations

STATIONS = "code,name,lon,lat\nJY01,濟源市監測站,112.60,35.07\nJY02,沁園街道站,112.58,35.09\n"
OBSERVATIONS_HEAD = "站点编码,监测时间,PM2.5,PM10\n"


@pytest.fixture
def stations_store(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "stations.csv"
    path.write_text(STATIONS, encoding="utf-8")
    import_stations(store, [path], kind="township")
    return store


def _names(store: Store) -> list[str]:
    with store.read() as con:
        return [row[0] for row in con.execute("SELECT name FROM stations ORDER BY code").fetchall()]


def test_a_big5_register_is_read_as_big5_not_garbled_as_gb18030(store: Store, tmp_path: Path):
    path = tmp_path / "stations_big5.csv"
    path.write_bytes(STATIONS.encode("big5"))
    import_stations(store, [path], kind="township")
    assert _names(store) == ["濟源市監測站", "沁園街道站"]


def test_a_register_whose_encoding_cannot_be_told_is_refused(store: Store, tmp_path: Path):
    path = tmp_path / "stations.csv"
    path.write_bytes("code,name,lon,lat\nA1,王大明,112.6,35.07\n".encode("gb18030"))  # reads as Big5 as well
    with pytest.raises(BadInputError, match="UTF-8"):
        import_stations(store, [path], kind="township")
    assert _names(store) == []


@pytest.mark.parametrize("time", ["0001-01-01 00:00", "1900-01-01 00:00", "9999-12-31 23:00", "2099-01-01 00:00"])
def test_an_impossible_time_is_refused_with_row_and_field(stations_store: Store, tmp_path: Path, time: str):
    path = tmp_path / "observations.csv"
    path.write_text(OBSERVATIONS_HEAD + "JY01,2025-06-01 08:00,35.1,60\n" f"JY02,{time},40,70\n", encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_observations(stations_store, [path])
    assert (refused.value.row, refused.value.field) == (3, "监测时间") and "1980-01-01" in str(refused.value)
    with stations_store.read() as con:
        assert latest_observation_time(con) is None  # nothing stored


@pytest.mark.parametrize("value", ["inf", "-inf", "1e999"])
def test_an_infinite_number_is_refused(stations_store: Store, tmp_path: Path, value: str):
    path = tmp_path / "observations.csv"
    path.write_text(OBSERVATIONS_HEAD + f"JY01,2025-06-01 08:00,{value},60\n", encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_observations(stations_store, [path])
    assert (refused.value.row, refused.value.field) == (2, "PM2.5")


@pytest.mark.parametrize("name", ["克井\x00镇站", "克井\x1b[31m镇站", "长" * 200_000])
def test_control_characters_and_huge_names_are_refused(store: Store, tmp_path: Path, name: str):
    path = tmp_path / "stations.csv"
    path.write_text(f"code,name,lon,lat\nA1,{name},112.6,35.07\n", encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_stations(store, [path], kind="township")
    assert (refused.value.row, refused.value.field) == (2, "name")
    assert _names(store) == []


def test_an_hour_stamped_ahead_of_the_clock_is_not_the_default_date(stations_store: Store, tmp_path: Path):
    ahead = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(hours=5)
    path = tmp_path / "observations.csv"
    path.write_text(OBSERVATIONS_HEAD + "JY01,2025-06-01 08:00,35.1,60\n"
                    f"JY02,{ahead:%Y-%m-%d %H}:00,40,70\n", encoding="utf-8")
    assert import_observations(stations_store, [path]).flagged == 1
    with stations_store.read() as con:
        assert latest_observation_time(con) == dt.datetime(2025, 6, 1, 8)
