"""The benchmark table of BENCHMARKS.md, in one command.

    .venv/bin/python benchmarks/run.py [--repeats 9] [--make]

Rows:
- training: d2lmini against a d2l-style PyTorch CPU peer, interleaved in one
  process (see compare_torch.py); medians and the median per-pair ratio;
- explorers: the web explorer's redraw time in Chromium and the notebook
  explorer's time per change (see explorer_latency.py);
- with --make: wall time of a cold `make book` (the venv ready, _build removed)
  and of `make test` (--make-repeats runs each, median).

Needs a built book for the web row (`make book`) and /usr/bin/chromium; torch
is optional. Run it on a quiet machine: the figures are wall-clock times.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import compare_torch  # noqa: E402
import explorer_latency  # noqa: E402


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown memory"


def versions() -> str:
    """The versions the figures depend on: numpy, matplotlib, torch (if present), Chromium."""
    from importlib import metadata

    parts = []
    for package in ("numpy", "matplotlib", "torch"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} absent")
    try:
        out = subprocess.run([explorer_latency.CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        parts.append(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "Chromium unknown")
    except (OSError, subprocess.SubprocessError):
        parts.append("Chromium absent")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="interleaved training runs per side")
    parser.add_argument("--events", type=int, default=600, help="input events for the web explorer")
    parser.add_argument("--changes", type=int, default=80, help="slider changes for the notebook explorer")
    parser.add_argument("--make", action="store_true", help="also time a cold `make book` and `make test`")
    parser.add_argument("--make-repeats", type=int, default=1, help="runs of each make command (median reported)")
    args = parser.parse_args(argv)

    print(f"{cpu_model()}, {platform.machine()}, {os.cpu_count()} CPUs, {memory_gib()}, {platform.platform()}, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} at start")
    print(versions())
    print()
    print(compare_torch.HEADER)
    for row in compare_torch.training_rows(args.repeats):
        print(compare_torch.format_row(row))

    print()
    print("| explorer | median | p95 | goal | met |")
    print("|---|---|---|---|---|")
    book = REPO / "_build" / "html"
    if (book / explorer_latency.PAGE).is_file() and os.access(explorer_latency.CHROMIUM, os.X_OK):
        web = explorer_latency.web_latency(book, args.events, seed=0)
        print(f"| web, input event → redrawn paths, 100 steps ({web['n']} events) | {web['median_ms']:.2f} ms | "
              f"{web['p95_ms']:.2f} ms | p95 ≤ 4 ms | {'yes' if web['p95_ms'] <= 4 else 'NO'} |")
    else:
        print("| web | – | – | p95 ≤ 4 ms | not run: needs `make book` and /usr/bin/chromium |")
    nb = explorer_latency.notebook_latency(args.changes, seed=0)
    print(f"| notebook, slider change → new PNG, 100 steps ({nb['n']} changes) | {nb['median_ms']:.1f} ms | "
          f"{nb['p95_ms']:.1f} ms | median ≤ 60 ms | {'yes' if nb['median_ms'] <= 60 else 'NO'} |")

    if args.make:
        book_runs, test_runs = [], []
        for _ in range(args.make_repeats):
            shutil.rmtree(REPO / "_build", ignore_errors=True)
            book_runs.append(timed(["make", "book"]))
            test_runs.append(timed(["make", "test"]))
        book_s, test_s = statistics.median(book_runs), statistics.median(test_runs)
        print()
        print(f"| command (venv ready; median of {args.make_repeats}) | wall time | goal | met |")
        print("|---|---|---|---|")
        print(f"| cold `make book` (no _build) | {book_s:.1f} s | ≤ 30 s | {'yes' if book_s <= 30 else 'NO'} |")
        print(f"| `make test` | {test_s:.1f} s | ≤ 120 s | {'yes' if test_s <= 120 else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
