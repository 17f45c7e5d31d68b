"""Beyond one machine: `export parquet` writes the store as partitioned Parquet that DuckDB reads back row for row
and rewrites only changed months; the ranking on Spark local[2] from it equals rank_store's to 1e-9."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import cli
from data.handoff import MANIFEST, export_parquet, observations_glob
from data.store import Store
from stations.assessment import rank_store
from stations.ranking import Period
from tests.conftest import DEMO_YEAR
from tests.ranking_support import load_beijing

COMPARED = ["rank", "township_code", "township", "valid", "invalid_reason", "primary_pollutant", "valid_days",
            "rank_change"]
FIGURES = ["composite_index", "pm25", "pm10", "so2", "no2", "co_p95", "o3_8h_p90", "good_day_ratio",
           "composite_yoy_pct"]
OBSERVATION_ORDER = "ORDER BY station_code, time"


@pytest.fixture(scope="module")
def beijing_shared(tmp_path_factory, real_data) -> Store:
    """Beijing's 12 real stations, Tiantan counting for Dongsi's township (a township of two stations)."""
    store = Store(tmp_path_factory.mktemp("beijing_shared") / "beijing.duckdb", busy_timeout_s=10)
    store.migrate()
    load_beijing(store, real_data, shared={"1004A": "1003A"})
    return store


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_export_reads_back_in_duckdb_partitioned_and_incremental(demo_store: Store, tmp_path: Path):
    target = tmp_path / "handoff"
    code, out, _ = _cli("export", "parquet", str(target), "--db", str(demo_store.path))
    assert code == 0 and "12 month(s) written" in out
    with demo_store.read() as con:
        stored = con.execute(f"SELECT * FROM observations {OBSERVATION_ORDER}").df()
        cities = {row[0] for row in con.execute("SELECT DISTINCT city_code FROM townships").fetchall()}
    back = duckdb.sql(f"SELECT * EXCLUDE (province, city, month) FROM read_parquet('{observations_glob(target)}', "
                      f"hive_partitioning = true) {OBSERVATION_ORDER}").df()
    pd.testing.assert_frame_equal(back, stored, check_dtype=False)

    layout = sorted(str(path.relative_to(target / "observations")) for path in target.glob("observations/*/*/*"))
    city = next(iter(cities))
    assert f"province={city[:2]}0000/city={city}/month={DEMO_YEAR}-01" in layout
    assert len(layout) == 12 * (len(cities) + 1)  # the city's stations, and those of no township ('none')
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    assert sum(month["rows"] for month in manifest["months"].values()) == len(stored)
    assert {path.stem for path in target.glob("*.parquet")} == {"stations", "township_days", "sand_dust_days"}

    code, out, _ = _cli("export", "parquet", str(target), "--db", str(demo_store.path))
    assert code == 0 and "0 month(s) written" in out and "12 unchanged" in out


def test_a_changed_month_is_the_only_one_rewritten(beijing_shared: Store, tmp_path: Path):
    copy = Store(tmp_path / "copy.duckdb", busy_timeout_s=10)
    shutil.copy(beijing_shared.path, copy.path)
    target = tmp_path / "handoff"
    with copy.read() as con:
        first = export_parquet(con, target)
    with copy.write() as con:
        con.execute("UPDATE observations SET pm25 = pm25 + 1 WHERE time = '2016-03-05 10:00:00'")
    with copy.read() as con:
        second = export_parquet(con, target)
        stored = con.execute(f"SELECT * FROM observations {OBSERVATION_ORDER}").df()
    assert len(first.written) == len(first.written + first.unchanged) > 20
    assert second.written == ["2016-03"] and len(second.unchanged) == len(first.written) - 1
    back = duckdb.sql(f"SELECT * EXCLUDE (province, city, month) FROM read_parquet('{observations_glob(target)}', "
                      f"hive_partitioning = true) {OBSERVATION_ORDER}").df()
    pd.testing.assert_frame_equal(back, stored, check_dtype=False)


def _java_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -r requirements-spark.txt; scripts/test.sh does)"
    if shutil.which("java") is None:
        return "no Java runtime (Debian: openjdk-17-jre-headless; scripts/test.sh installs it)"
    return None


@pytest.fixture(scope="module")
def spark():
    reason = _java_missing()
    if reason:
        pytest.skip(reason)
    from stations.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def _assert_same_ranking(on_spark: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    assert on_spark["rank"].notna().sum() > 0
    pd.testing.assert_frame_equal(on_spark[COMPARED].reset_index(drop=True),
                                  on_duckdb[COMPARED].reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(on_spark[FIGURES].reset_index(drop=True).astype(float),
                                  on_duckdb[FIGURES].reset_index(drop=True).astype(float), rtol=1e-9, atol=0)


@pytest.mark.parametrize("period", ["2016-01", "2016"])
def test_spark_ranks_beijing_as_duckdb_does(spark, beijing_shared: Store, tmp_path_factory, period: str):
    from stations.spark import rank_on_spark

    target = tmp_path_factory.getbasetemp() / "beijing_handoff"
    with beijing_shared.read() as con:
        export_parquet(con, target)
    _assert_same_ranking(rank_on_spark(target, Period.parse(period), spark=spark),
                         rank_store(beijing_shared, Period.parse(period)))


def test_spark_ranks_the_demo_month_by_pm25_through_the_cli(spark, demo_store: Store, tmp_path: Path):
    target = tmp_path / "handoff"
    with demo_store.read() as con:
        export_parquet(con, target)
    period = f"{DEMO_YEAR}-11"
    code, out, _ = _cli("rank", "--engine", "spark", "--source", str(target), "--master", "local[2]",
                        "--period", period, "--by", "pm25", "--format", "json", "--db", str(demo_store.path))
    assert code == 0
    on_spark = pd.DataFrame(json.loads(out))
    on_duckdb = rank_store(demo_store, Period.parse(period), by="pm25")
    assert len(on_spark) == len(on_duckdb) >= 10
    assert on_spark["township_code"].tolist() == on_duckdb["township_code"].tolist()
    assert on_spark["rank"].tolist() == on_duckdb["rank"].astype(object).where(on_duckdb["rank"].notna(), None).tolist()
    pd.testing.assert_series_equal(on_spark["composite_index"].astype(float), on_duckdb["composite_index"],
                                   check_names=False, rtol=1e-9)


def test_the_spark_engine_needs_an_export_folder(tmp_path: Path, beijing_shared: Store):
    code, _, err = _cli("rank", "--engine", "spark", "--period", "2016-01", "--db", str(beijing_shared.path))
    assert code == 2 and "--source" in err
    code, _, err = _cli("rank", "--engine", "spark", "--source", str(tmp_path), "--period", "2016-01",
                        "--db", str(beijing_shared.path))
    assert code == 2 and "manifest.json" in err
