"""What does the sparse-features figure's precomputed table cost at build time? Prints a small table.

    .venv/bin/python benchmarks/live_figures_build.py [--repeats 2] [--make]

- cold: ``d2lmini.sparse_grid.precompute`` into an empty cache folder, on two
  worker processes (as ``make book`` does; goal: <= 60 s on two cores), and,
  as the peer, on one process; wall time and CPU time (the workers' included);
- cached: the same call when the table is there (it is read, not computed);
- with --make: wall time of ``make book`` when nothing changed (goal: <= 30 s)
  and of ``make book`` after removing only the cached table
  (``_build/live-figure-cache``), which computes it again.

Run it on a quiet machine: the figures are wall-clock times; the load average
is printed with them.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def precompute_times(workers: int, repeats: int) -> tuple[list[float], list[float], list[float]]:
    """(cold wall, cold CPU, cached wall) in seconds, one entry per repeat."""
    from d2lmini import sparse_grid

    cold, cpu, cached = [], [], []
    for _ in range(repeats):
        sparse_grid.run_point.cache_clear()  # every run computed, none remembered from the last repeat
        with tempfile.TemporaryDirectory() as folder:
            c0, t0 = cpu_seconds(), time.perf_counter()
            sparse_grid.precompute(folder, workers=workers)
            cold.append(time.perf_counter() - t0)
            cpu.append(cpu_seconds() - c0)
            t0 = time.perf_counter()
            sparse_grid.precompute(folder, workers=workers)
            cached.append(time.perf_counter() - t0)
    return cold, cpu, cached


def make_book() -> float:
    start = time.perf_counter()
    subprocess.run(["make", "book"], cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--make", action="store_true", help="also time `make book`, cached and without the table")
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    rows = []
    for workers, goal in ((2, "<= 60 s"), (1, "-")):
        cold, cpu, cached = precompute_times(workers, args.repeats)
        rows.append((f"cold precompute, {workers} process{'es' if workers > 1 else ''}",
                     statistics.median(cold), f"CPU {statistics.median(cpu):.1f} s; runs: "
                     + ", ".join(f"{v:.1f}" for v in cold), goal, (statistics.median(cold) <= 60) if workers > 1 else None))
        rows.append((f"cached precompute (read), {workers} process{'es' if workers > 1 else ''}",
                     statistics.median(cached), "", "-", None))
    if args.make:
        make_book()  # bring the build up to date
        quiet = [make_book() for _ in range(args.repeats)]
        rows.append(("make book, nothing changed", statistics.median(quiet), ", ".join(f"{v:.1f}" for v in quiet),
                     "<= 30 s", statistics.median(quiet) <= 30))
        table_only = []
        for _ in range(args.repeats):
            shutil.rmtree(REPO / "_build" / "live-figure-cache", ignore_errors=True)
            table_only.append(make_book())
        rows.append(("make book, table removed (computed again)", statistics.median(table_only),
                     ", ".join(f"{v:.1f}" for v in table_only), "-", None))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    print("| what | median wall time | notes | goal | met |")
    print("|---|---|---|---|---|")
    for what, seconds, notes, goal, met in rows:
        print(f"| {what} | {seconds:.2f} s | {notes} | {goal} | {'-' if met is None else 'yes' if met else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
