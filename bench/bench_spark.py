"""Benchmark: the province's yearly ranking on Spark local[2] from the Parquet hand-off, against DuckDB on the store.

Usage: .venv/bin/python bench/bench_spark.py [--quick] [--data-dir DIR]   (needs requirements-spark.txt and Java 17)

Needs the store bench/bench_import.py builds (built here if missing). Each step runs in a fresh process
(bench/report.py); the two rankings must agree to 1e-9:
  export   — data.handoff.export_parquet of the whole store (observations partitioned by province/city/month);
  Spark    — stations.spark.rank_on_spark on local[2], session start included (a cluster keeps one running);
  baseline — stations.assessment.rank_store on the DuckDB store.
Peak memory is the Python driver's only: Spark's JVM is a child process of its own.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main, timed  # noqa: E402


def export(db: str, directory: str) -> dict:
    """The hand-off of the whole store into ``directory`` (emptied first, so every month is written)."""
    import shutil

    from data.handoff import export_parquet
    from data.store import Store

    shutil.rmtree(directory, ignore_errors=True)
    with Store(db).read() as con:
        seconds, result = timed(lambda: export_parquet(con, Path(directory)))
    return {"seconds": seconds, "rows": result.rows}


def rank_spark(directory: str, period: str, output: str) -> dict:
    """Contender: the ranking on Spark local[2], from starting the session to the ranked table."""
    from stations.ranking import Period
    from stations.spark import rank_on_spark, spark_session

    def rank():
        session = spark_session("local[2]")
        try:
            return rank_on_spark(Path(directory), Period.parse(period), version="2012", spark=session)
        finally:
            session.stop()

    seconds, ranking = timed(rank)
    ranking.to_parquet(output, index=False)
    return {"seconds": seconds, "townships": len(ranking)}


def rank_duckdb(db: str, period: str, output: str) -> dict:
    """Baseline: the ranking from the DuckDB store."""
    from data.store import Store
    from stations.assessment import rank_store
    from stations.ranking import Period

    seconds, ranking = timed(lambda: rank_store(Store(db), Period.parse(period), version="2012"))
    ranking.to_parquet(output, index=False)
    return {"seconds": seconds, "townships": len(ranking)}


def main() -> int:
    def figures(data: province.ProvinceData, quick: bool) -> list[Figure]:
        import pandas as pd

        db = province.ensure_store(data)
        directory = db.with_name("handoff")
        period = str(data.scale.year)
        written = measure("bench_spark:export", str(db), str(directory))
        outputs = [db.with_name(f"ranking-spark-{name}.parquet") for name in ("spark", "duckdb")]
        spark = measure("bench_spark:rank_spark", str(directory), period, str(outputs[0]))
        duckdb = measure("bench_spark:rank_duckdb", str(db), period, str(outputs[1]))
        on_spark, on_duckdb = (pd.read_parquet(path) for path in outputs)
        pd.testing.assert_series_equal(on_spark["rank"], on_duckdb["rank"])
        pd.testing.assert_series_equal(on_spark["composite_index"], on_duckdb["composite_index"], rtol=1e-9)
        rows = written.extra["rows"]
        return [Figure(f"export parquet, {rows:,} hourly rows", rows / written.seconds, "rows/s",
                       peak_mb=written.peak_mb, higher_is_better=True),
                Figure(f"rank {spark.extra['townships']:,} townships, {period}, Spark local[2]", spark.seconds, "s",
                       duckdb.seconds, "DuckDB store", spark.peak_mb, duckdb.peak_mb,
                       note="driver memory only; session start included")]

    return script_main(__doc__.splitlines()[0], figures,
                       quick_help=f"{province.QUICK.stations} stations instead of {province.FULL.stations}")


if __name__ == "__main__":
    sys.exit(main())
