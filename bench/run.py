"""Run every benchmark at province scale and print one table: figure, this project, baseline, ratio, peak memory.

Usage: .venv/bin/python bench/run.py [--quick] [--data-dir DIR] [--markdown FILE]

The data come from bench/province.py (generated once into --data-dir, default data/local/bench/, and
reused); the observation import builds the store every later figure reads. How each figure is
measured (a fresh process per contender, wall time of the step, peak RSS as VmHWM) is in
bench/report.py; each contender and its baseline are in the per-feature scripts:
bench_import.py, bench_ranking.py, bench_hotspots.py, bench_zones.py, bench_app.py.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

import bench_app  # noqa: E402
import bench_hotspots  # noqa: E402
import bench_import  # noqa: E402
import bench_ranking  # noqa: E402
import bench_zones  # noqa: E402
import province  # noqa: E402
from report import format_table, machine_lines  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"the quick scale: {province.QUICK.stations} stations, {province.QUICK.fires:,} fire "
                             f"points, {province.QUICK.positions:,} GPS fixes, {province.QUICK.zones} zones")
    parser.add_argument("--data-dir", type=Path, default=province.DEFAULT_DATA_DIR)
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    args = parser.parse_args()
    started = time.perf_counter()
    header = machine_lines()
    data = province.ensure_data(province.QUICK if args.quick else province.FULL, args.data_dir)
    scale = data.scale
    header.append(f"data: {scale.name} scale — {scale.stations:,} stations × {scale.year} hourly, "
                  f"{scale.fires:,} fire points, {scale.positions:,} GPS fixes, {scale.zones} zones ({data.folder})")
    print("\n".join(header), flush=True)
    db = data.folder / "import.duckdb"
    figures = [*bench_import.province_figures(data, db), bench_import.beijing_figure(args.quick)]
    figures += bench_ranking.ranking_figures(data, db, "year") + bench_ranking.ranking_figures(data, db, "month")
    figures += [bench_hotspots.episode_figure(data, db), bench_hotspots.engine_figure(data, db),
                bench_hotspots.fire_figure(data)]
    figures.append(bench_zones.zones_figure(data))
    figures += bench_app.app_figures(db)
    footer = ["load average (1/5/15 min) at end: " + " / ".join(f"{value:.1f}" for value in os.getloadavg()),
              f"total wall time {time.perf_counter() - started:.0f} s; ratio > 1 means this project is better "
              "(faster, or more rows/s); peak memory = VmHWM of each contender's own process"]
    print(format_table(figures))
    print("\n".join(footer))
    if args.markdown:
        args.markdown.write_text("\n".join(header) + "\n\n" + format_table(figures, markdown=True) + "\n\n"
                                 + "\n".join(footer) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
