"""A file cut off in its last line: a last value whose form begins the column's other values but is not one
of them is refused when the file ends without a newline; real files without a final newline still import."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.errors import BadInputError
from data.store import Store
from ingest.cnemc import import_cnemc
from ingest.firms import import_firms
from ingest.observations import import_observations
from ingest.stations import import_stations

BEIJING = Path("beijing_multisite")
FIRMS_BOX = Path("firms") / "MODIS_C6_1_Global_7d_20220528-20220604_box_110-117E_31-37N.csv"


def _station_list_lines(real_data: Path) -> list[str]:
    """The Beijing stations as a station list whose last column is the latitude (as most lists have it)."""
    stations = pd.read_csv(real_data / BEIJING / "stations.csv")
    return ["监测点编码,监测点名称,经度,纬度\n"] + [f"{row.station_code},{row.name_zh},{row.longitude},{row.latitude}\n"
                                               for row in stations.itertuples()]


def test_a_latitude_cut_at_the_end_of_a_file_is_refused_naming_row_and_field(store: Store, real_data: Path,
                                                                             tmp_path: Path):
    lines = _station_list_lines(real_data)
    latitude = lines[-1].rstrip("\n").rsplit(",", 1)[1]
    assert len(latitude.split(".")[1]) == 4  # 39.9821-like: the cut below leaves 39.98
    cut = tmp_path / "stations_cut.csv"
    cut.write_text("".join(lines[:-1]) + lines[-1].rstrip("\n")[:-2], encoding="utf-8")
    with pytest.raises(BadInputError) as refused:
        import_stations(store, [cut])
    assert (refused.value.row, refused.value.field) == (len(lines), "纬度")
    assert "stations_cut.csv" in str(refused.value) and "截断" in str(refused.value)
    assert store.row_counts()["stations"] == 0

    report = import_stations(store, [cut], skip_bad_rows=True)
    assert (report.new, report.rejected) == (len(lines) - 2, 1)


def test_the_same_list_ending_in_a_whole_value_without_a_newline_imports(store: Store, real_data: Path,
                                                                         tmp_path: Path):
    lines = _station_list_lines(real_data)
    whole = tmp_path / "stations.csv"
    whole.write_text("".join(lines).rstrip("\n"), encoding="utf-8")
    assert import_stations(store, [whole]).new == len(lines) - 1


def test_observations_cut_in_the_last_station_name_are_refused(store: Store, real_data: Path, tmp_path: Path):
    source = real_data / BEIJING / "PRSA_Data_Aotizhongxin_20130301-20170228.csv"
    with source.open(encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(31)]
    cut = tmp_path / "observations_cut.csv"
    cut.write_text("".join(lines[:-1]) + lines[-1].rstrip("\n")[:-3], encoding="utf-8")  # 'Aotizhongxin' → 'Aotizhong'
    with pytest.raises(BadInputError) as refused:
        import_observations(store, [cut], stations_file=real_data / BEIJING / "stations.csv")
    assert (refused.value.row, refused.value.field) == (31, "station")
    assert "looks cut off" in refused.value.render("en")
    assert store.row_counts()["observations"] == 0


def test_real_files_without_a_final_newline_still_import(store: Store, real_data: Path, tmp_path: Path):
    # CNEMC's daily files end in an empty last field and no newline: nothing there to be cut.
    cnemc = real_data / "cnemc_quotsoft" / "china_sites_20190610.csv"
    assert not cnemc.read_bytes().endswith(b"\n")
    assert import_cnemc(store, [cnemc]).rejected == 0
    # A FIRMS file without its final newline: its last day/night letter is as whole as every other.
    firms = tmp_path / FIRMS_BOX.name
    text = (real_data / FIRMS_BOX).read_text(encoding="utf-8")
    firms.write_text(text.rstrip("\n"), encoding="utf-8")
    report = import_firms(store, [firms])
    assert report.rejected == 0 and report.new == len(text.strip().splitlines()) - 1
