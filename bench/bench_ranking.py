"""Benchmark: the yearly and a monthly township ranking of the province's stations, store path vs the previous one and plain pandas.

Usage: .venv/bin/python bench/bench_ranking.py [--quick] [--data-dir DIR]

Needs the store bench/bench_import.py builds (built here if missing). Each contender ranks in a fresh
process (bench/report.py: wall time of the step, peak RSS) and writes its ranking; both must agree:
  this project — stations.assessment.rank_store (one query over the finished township-day values the
                 importers keep, then validity and ranks on the few resulting rows); timed as the first
                 ranking of a fresh process and, as a long-lived app process ranks, once more after it;
  baseline "before" — stations.assessment.rank_store_from_aggregates, the ranking as computed until
                 migration 0210: daily aggregates (township_days) into pandas, finish_daily, rank_townships;
  baseline "pandas" — every hourly row of the period's data span read into pandas, then
                 stations.ranking.rank_from_hourly (pure pandas: per-hour township means, daily values, ranking).
The ranking's fire-point deductions alone, one read on a fresh connection (data.deductions.township_deductions,
the median of READS reads in one process):
  this project — every point placed in its township (or outside all) at import (migration 0212);
  baseline     — a copy of the store whose points outside every township are unplaced, as every store
                 was before 0212: each read loads the spatial extension and joins them to the polygons.
The same read as a process makes it, on the read connection it keeps (data.store.KeptReader), the median
of READS reads after the first:
  this project — a cursor on the kept connection;
  baseline     — the file opened and closed for every read (Store.release after each), as before it was kept.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main, timed  # noqa: E402

TARGETS = {"year": "≤ 0.3 s and ≥ 30× pandas", "month": "≤ 0.1 s"}
READS = 7


def rank_project(db: str, period: str, output: str) -> dict:
    """Contender: the ranking from the store."""
    from data.store import Store
    from stations.assessment import rank_store
    from stations.ranking import Period

    store = Store(db)
    seconds, ranking = timed(lambda: rank_store(store, Period.parse(period), version="2012"))
    # As a long-lived app process ranks: again, on the read connection the process keeps.
    again, _ranking = timed(lambda: rank_store(store, Period.parse(period), version="2012"))
    ranking.to_parquet(output, index=False)
    return {"seconds": seconds, "townships": len(ranking), "again": again}


def rank_before(db: str, period: str, output: str) -> dict:
    """Baseline "before": the ranking as rank_store computed it before the finished values were stored."""
    from data.store import Store
    from stations.assessment import rank_store_from_aggregates
    from stations.ranking import Period

    seconds, ranking = timed(lambda: rank_store_from_aggregates(Store(db), Period.parse(period), version="2012"))
    ranking.to_parquet(output, index=False)
    return {"seconds": seconds, "townships": len(ranking)}


def rank_pandas(db: str, period: str, output: str) -> dict:
    """Baseline: every hourly row of the data span into pandas, then the pure ranking."""
    from data.deductions import township_deductions
    from data.stations import read_hourly_observations, read_station_townships
    from data.store import Store
    from stations.ranking import Period, rank_from_hourly

    parsed = Period.parse(period)

    def rank():
        span = parsed.data_span()
        with Store(db).read(spatial=True) as con:
            hours = read_hourly_observations(con, dt.datetime.combine(span.start, dt.time()),
                                                        dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time()))
            station_townships = read_station_townships(con)
            deductions = township_deductions(con, parsed.start, parsed.end)
        townships = (station_townships.drop_duplicates("township_code")[["township_code", "township"]]
                     .rename(columns={"township": "name"}))
        return rank_from_hourly(hours, station_townships, parsed, "2012", townships=townships, deductions=deductions)

    seconds, ranking = timed(rank)
    ranking.to_parquet(output, index=False)
    return {"seconds": seconds, "townships": len(ranking)}


def deductions_read(db: str, year: int, kept: bool = False) -> dict:
    """The year's fire-point deductions read READS times in one process: with ``kept``, on the process's
    kept read connection, the median of the reads after the first (which opens the file); otherwise each
    on a connection opened, queried and closed, the median of all, the first (cold) one included."""
    import statistics

    from data.deductions import township_deductions
    from data.store import Store

    store = Store(db)

    def read():
        with store.read() as con:
            deductions = township_deductions(con, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if not kept:
            store.release()
        return deductions

    runs = [timed(read) for _ in range(READS)]
    deductions = runs[0][1]
    counted = runs[1:] if kept else runs
    return {"seconds": statistics.median(seconds for seconds, _ in counted), "townships": len(deductions),
            "fire_points": int(deductions["fire_points"].sum())}


def kept_read_figure(data: province.ProvinceData, db: Path) -> Figure:
    """The deductions read on the kept connection against the file opened for every read."""
    ours = measure("bench_ranking:deductions_read", str(db), data.scale.year, True)
    baseline = measure("bench_ranking:deductions_read", str(db), data.scale.year, False)
    assert ours.extra == baseline.extra, (ours.extra, baseline.extra)
    return Figure(f"fire-point deductions, {data.scale.year}, one read on the kept connection, median of "
                  f"{READS - 1} after the first", ours.seconds, "s", baseline.seconds,
                  "the file opened and closed for each read", ours.peak_mb, baseline.peak_mb, target="≤ 25 ms")


def deductions_figure(data: province.ProvinceData, db: Path) -> Figure:
    """The deductions read on the store as imported against a copy with the outside points unplaced."""
    import shutil

    import duckdb

    unplaced = db.with_name("deductions-unplaced.duckdb")
    shutil.copy(db, unplaced)
    with duckdb.connect(str(unplaced)) as con:
        outside = con.execute("UPDATE fire_points SET township_placed = false WHERE township_code IS NULL").fetchone()[0]
    ours = measure("bench_ranking:deductions_read", str(db), data.scale.year)
    baseline = measure("bench_ranking:deductions_read", str(unplaced), data.scale.year)
    unplaced.unlink()
    assert ours.extra == baseline.extra, (ours.extra, baseline.extra)
    return Figure(f"fire-point deductions, {data.scale.year}, one read, median of {READS} "
                  f"({outside:,} points outside every township)",
                  ours.seconds, "s", baseline.seconds, "points placed at each read (LOAD spatial + polygon join)",
                  ours.peak_mb, baseline.peak_mb)


def ranking_figures(data: province.ProvinceData, db: Path, which: str) -> list[Figure]:
    """The yearly ("year") or June ("month") ranking against the previous store path and against
    plain pandas; fails if any two rankings differ (relative 1e-9)."""
    import pandas as pd

    period = str(data.scale.year) if which == "year" else f"{data.scale.year}-06"
    names = ("project", "before", "pandas")
    outputs = {name: db.with_name(f"ranking-{which}-{name}.parquet") for name in names}
    runs = {name: measure(f"bench_ranking:rank_{name}", str(db), period, str(outputs[name])) for name in names}
    ours = pd.read_parquet(outputs["project"])
    for name in names[1:]:
        pd.testing.assert_frame_equal(ours, pd.read_parquet(outputs[name]), check_exact=False, rtol=1e-9)
    label = f"rank {runs['project'].extra['townships']:,} townships ({data.scale.stations:,} stations), {period}"
    return [Figure(label, runs["project"].seconds, "s", runs[name].seconds, baseline, runs["project"].peak_mb,
                   runs[name].peak_mb, target=TARGETS[which] if name == "pandas" else "")
            for name, baseline in (("before", "rank_store before 0210"), ("pandas", "pandas"))] + [
        Figure(f"{label}, ranked again in the same process (kept connection)", runs["project"].extra["again"], "s",
               runs["pandas"].seconds, "pandas, first ranking in its process", target=TARGETS[which])]


def main() -> int:
    def figures(data: province.ProvinceData, quick: bool) -> list[Figure]:
        db = province.ensure_store(data)
        return (ranking_figures(data, db, "year") + ranking_figures(data, db, "month")
                + [deductions_figure(data, db), kept_read_figure(data, db)])

    return script_main(__doc__.splitlines()[0], figures,
                       quick_help=f"{province.QUICK.stations} stations instead of {province.FULL.stations}")

if __name__ == "__main__":
    sys.exit(main())
