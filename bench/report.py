"""One way to measure a benchmark figure (a fresh process per contender: wall time of the step, peak RSS) and print the table.

How a figure is measured: each contender (this project, the baseline) runs in its own fresh Python
process started by `measure`; the contender function times only its measured step with
time.perf_counter and returns {"seconds": ..., plus anything it wants to hand back}. Peak memory is
the child process's VmHWM from /proc/self/status — its peak resident set over the whole process
(interpreter, imports and the step's setup included), read when the function returns. VmHWM is used
rather than getrusage's ru_maxrss, which Linux carries over from the parent through fork and exec.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Measurement:
    """What one contender's process reported: seconds of the measured step, peak RSS (MB), extras."""

    seconds: float
    peak_mb: float
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """One line of the table. ``ours``/``baseline`` are in ``unit``; with ``higher_is_better`` (a rate)
    the ratio is ours / baseline, otherwise (a time, a size) baseline / ours: above 1 means better."""

    name: str
    ours: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    peak_mb: float | None = None
    baseline_peak_mb: float | None = None
    higher_is_better: bool = False
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.ours or not self.baseline:
            return None
        return self.ours / self.baseline if self.higher_is_better else self.baseline / self.ours


def peak_resident_mb() -> float:
    """This process's peak resident set (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def timed(step: Callable[[], object]) -> tuple[float, object]:
    """(wall seconds, result) of calling ``step``."""
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def measure(function: str, *args, timeout_s: float | None = None) -> Measurement:
    """Run ``function`` ('module:name', a module in bench/ or the repository) with JSON-able ``args``
    in a fresh Python process; it returns a dict with "seconds" (of its measured step)."""
    done = subprocess.run([sys.executable, str(Path(__file__)), "--call", function, json.dumps(list(args))],
                          capture_output=True, text=True, cwd=REPO, timeout=timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"{function}{tuple(args)} failed:\n{done.stderr[-3000:]}")
    reported = json.loads(done.stdout.strip().splitlines()[-1])
    seconds, peak = reported.pop("seconds"), reported.pop("peak_mb")
    return Measurement(seconds, peak, reported)


def _call(function: str, args: list) -> None:
    sys.path[:0] = [str(REPO), str(BENCH)]
    module_name, name = function.split(":")
    result = dict(getattr(importlib.import_module(module_name), name)(*args))
    result["peak_mb"] = peak_resident_mb()
    print(json.dumps(result, default=str))


def machine_lines() -> list[str]:
    """The machine a run measured: CPU model, cores, RAM, Python and DuckDB versions, load average."""
    import duckdb

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    return [f"machine: {cpu}, {os.cpu_count()} cores, {memory_kb / 1024 ** 2:.0f} GB RAM; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}",
            "load average (1/5/15 min) at start: " + " / ".join(f"{value:.1f}" for value in os.getloadavg())]


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "s":
        # Reads take milliseconds; two decimals of a second would show them as 0.01 s.
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"
    return f"{value:,.0f} {unit}"


def _memory(figure: Figure) -> str:
    if figure.peak_mb is None:
        return "—"
    if figure.baseline_peak_mb is None:
        return f"{figure.peak_mb:,.0f} MB"
    return f"{figure.peak_mb:,.0f} MB (baseline {figure.baseline_peak_mb:,.0f} MB)"


def table_rows(figures: Sequence[Figure]) -> list[list[str]]:
    """Header plus one row per figure: figure, this project, baseline, ratio, peak memory, target."""
    rows = [["figure", "this project", "baseline", "ratio", "peak memory", "target"]]
    for figure in figures:
        ratio = figure.ratio
        baseline = _value(figure.baseline, figure.unit) + (f" ({figure.baseline_name})" if figure.baseline_name else "")
        rows.append([figure.name, _value(figure.ours, figure.unit), baseline if figure.baseline is not None else "—",
                     "—" if ratio is None else f"{ratio:.1f}×", _memory(figure), figure.target])
    return rows


def format_table(figures: Sequence[Figure], markdown: bool = False) -> str:
    """The figures as an aligned text table, or as a Markdown table."""
    rows = table_rows(figures)
    notes = [f"note on '{figure.name}': {figure.note}" for figure in figures if figure.note]
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]] + [""] + notes)
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
                     + notes)


def script_main(description: str, figures: Callable[[object, bool], Sequence[Figure]],
                quick_help: str = "the quick province scale") -> int:
    """The command line every per-feature benchmark shares: ``--quick`` and ``--data-dir``; generates (or
    reuses) the province data (a province.ProvinceData), then prints the machine and the table of
    ``figures(data, quick)``."""
    import province

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--data-dir", type=Path, default=province.DEFAULT_DATA_DIR)
    args = parser.parse_args()
    data = province.ensure_data(province.QUICK if args.quick else province.FULL, args.data_dir)
    print("\n".join(machine_lines()))
    print(format_table(figures(data, args.quick)))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--call", nargs=2, metavar=("MODULE:FUNCTION", "JSON_ARGS"), required=True,
                        help="run one contender in this process and print its measurement as JSON")
    args = parser.parse_args()
    _call(args.call[0], json.loads(args.call[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
