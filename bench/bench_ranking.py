"""Benchmark: the yearly and a monthly township ranking of the province's stations, store path vs plain pandas.

Usage: .venv/bin/python bench/bench_ranking.py [--quick] [--data-dir DIR]

Needs the store bench/bench_import.py builds (built here if missing). Each contender ranks in a fresh
process (bench/report.py: wall time of the step, peak RSS) and writes its ranking; both must agree:
  this project — stations.assessment.rank_store (daily aggregates kept by the importers, science in numpy/pandas);
  baseline     — every hourly row of the period's data span read into pandas, then
                 stations.ranking.rank_from_hourly (pure pandas: per-hour township means, daily values, ranking).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import province  # noqa: E402
from report import Figure, measure, script_main, timed  # noqa: E402

TARGETS = {"year": "< 2 s and ≥ 10× pandas", "month": ""}


def rank_project(db: str, period: str, output: str) -> dict:
    """Contender: the ranking from the store."""
    from data.store import Store
    from stations.assessment import rank_store
    from stations.ranking import Period

    seconds, ranking = timed(lambda: rank_store(Store(db), Period.parse(period), version="2012"))
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


def ranking_figure(data: province.ProvinceData, db: Path, which: str) -> Figure:
    """The yearly ("year") or June ("month") ranking; fails if the two rankings differ."""
    import pandas as pd

    period = str(data.scale.year) if which == "year" else f"{data.scale.year}-06"
    outputs = [db.with_name(f"ranking-{which}-{name}.parquet") for name in ("project", "pandas")]
    ours = measure("bench_ranking:rank_project", str(db), period, str(outputs[0]))
    baseline = measure("bench_ranking:rank_pandas", str(db), period, str(outputs[1]))
    pd.testing.assert_frame_equal(*(pd.read_parquet(path) for path in outputs), check_exact=False, rtol=1e-9)
    return Figure(f"rank {ours.extra['townships']:,} townships ({data.scale.stations:,} stations), {period}",
                  ours.seconds, "s", baseline.seconds, "pandas", ours.peak_mb, baseline.peak_mb,
                  target=TARGETS[which])


def main() -> int:
    def figures(data: province.ProvinceData, quick: bool) -> list[Figure]:
        db = province.ensure_store(data)
        return [ranking_figure(data, db, "year"), ranking_figure(data, db, "month")]

    return script_main(__doc__.splitlines()[0], figures,
                       quick_help=f"{province.QUICK.stations} stations instead of {province.FULL.stations}")

if __name__ == "__main__":
    sys.exit(main())
