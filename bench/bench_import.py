"""Benchmark: observation import rows/s on one year of the 12 Beijing stations, against pandas.read_csv.

Run from the repository root: `.venv/bin/python bench/bench_import.py [--quick]`. Each figure runs in
a fresh child process so its peak memory (max RSS) is its own.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "real" / "beijing_multisite"
YEAR_START, YEAR_END = "2014-03-01", "2015-03-01"


def _year_files(folder: Path, stations: int) -> list[Path]:
    """One year (2014-03 to 2015-02) of each station, written as CSV in the original layout."""
    import pandas as pd

    written = []
    for source in sorted(REAL.glob("PRSA_Data_*.csv"))[:stations]:
        frame = pd.read_csv(source, keep_default_na=False, dtype=str)
        time = pd.to_datetime(frame[["year", "month", "day", "hour"]].astype(int))
        target = folder / source.name
        frame[(time >= YEAR_START) & (time < YEAR_END)].to_csv(target, index=False)
        written.append(target)
    return written


def _measure(figure: str, folder: Path) -> dict:
    files = sorted(folder.glob("PRSA_Data_*.csv"))
    if figure == "pandas":
        import pandas as pd

        started = time.perf_counter()
        rows = sum(len(pd.read_csv(path)) for path in files)
        elapsed = time.perf_counter() - started
    else:
        sys.path.insert(0, str(REPO))
        from data.importers.observations import import_observations
        from data.store import Store

        store = Store(folder / "bench.duckdb")
        store.migrate()
        if figure == "reimport":
            import_observations(store, files, stations_file=REAL / "stations.csv")
        started = time.perf_counter()
        report = import_observations(store, files, stations_file=REAL / "stations.csv")
        elapsed = time.perf_counter() - started
        rows = report.stored
        if figure == "import":
            (folder / "bench.duckdb").unlink()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": elapsed, "peak_mb": peak_mb}


def _child(figure: str, folder: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", figure, str(folder)], check=True,
                            capture_output=True, text=True, cwd=REPO).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 stations instead of 12")
    parser.add_argument("--child", nargs=2, metavar=("FIGURE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child[0], Path(args.child[1]))))
        return 0
    stations = 3 if args.quick else 12
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        _year_files(folder, stations)
        baseline = _child("pandas", folder)
        results = {"import into an empty store": _child("import", folder),
                   "re-import (all unchanged)": _child("reimport", folder)}
    print(f"Observation import, {stations} Beijing stations, {YEAR_START} to {YEAR_END} "
          f"({baseline['rows']:,} rows); baseline: pandas.read_csv of the same files (parse only)")
    print(f"{'figure':<34} {'this project':>16} {'baseline':>16} {'ratio':>7} {'peak memory':>18}")
    for figure, ours in results.items():
        ours_rate = ours["rows"] / ours["seconds"]
        base_rate = baseline["rows"] / baseline["seconds"]
        print(f"{figure:<34} {ours_rate:>11,.0f} rows/s {base_rate:>11,.0f} rows/s {ours_rate / base_rate:>7.2f} "
              f"{ours['peak_mb']:>6.0f} / {baseline['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
