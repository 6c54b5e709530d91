"""d2lmini against a d2l-style PyTorch CPU implementation, run side by side.

    .venv/bin/python benchmarks/compare_torch.py [--repeats 9]

Both sides train the same airfoil data (batch size 10, lr 0.1) and run
interleaved in one process, A B A B ..., so a change in machine speed hits both
alike. Each row prints the median over the repeats for each side and the median
of the per-pair ratios (peer / d2lmini, so larger means d2lmini is faster).
Plots go to matplotlib's Agg backend. Torch is optional: without it the script
prints d2lmini's figures alone.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import d2lmini as d2l  # noqa: E402
from d2lmini.data import airfoil_path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

# --- d2lmini side: the code of chapters/from-scratch.ipynb (shared with the tests) and chapters/concise.ipynb ---
from book_trainers import adagrad, init_adagrad_states  # noqa: E402


def quietly(fn, *args, **kwargs):
    """Call fn with stdout captured; return (result, seconds of wall time)."""
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
    plt.close("all")
    return result, elapsed


def ours(task: str) -> tuple[float, float]:
    """Run one task with d2lmini; return (seconds per epoch of training, wall seconds of the call)."""
    data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
    if task == "scratch":
        (times, _), wall = quietly(d2l.train_ch11, adagrad, init_adagrad_states(feature_dim), {"lr": 0.1},
                                   data_iter, feature_dim, num_epochs=2)
        return times[-1] / 2, wall
    (times, _), wall = quietly(d2l.train_concise_ch11, d2l.optim.Adagrad, {"lr": 0.1}, data_iter, num_epochs=4)
    return times[-1] / 4, wall


def peer(task: str) -> tuple[float, float]:
    """Run one task with the PyTorch peer; same return values as :func:`ours`."""
    import peer_torch as pt
    import torch

    data_iter, feature_dim = pt.get_data_ch11(airfoil_path(), batch_size=10)
    if task == "scratch":
        (times, _), wall = quietly(pt.train_ch11, pt.adagrad, pt.init_adagrad_states(feature_dim), {"lr": 0.1},
                                   data_iter, feature_dim, num_epochs=2)
        return times[-1] / 2, wall
    (times, _), wall = quietly(pt.train_concise_ch11, torch.optim.Adagrad, {"lr": 0.1}, data_iter, num_epochs=4)
    return times[-1] / 4, wall


def training_rows(repeats: int) -> list[dict]:
    """Time both sides, interleaved; one dict per table row (seconds, per-pair ratios peer/ours)."""
    try:
        import torch

        torch.manual_seed(0)
        have_torch = True
    except ImportError:
        have_torch = False
        print("torch is not installed: d2lmini's figures only", file=sys.stderr)

    runs: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for task in ("scratch", "concise"):
        ours(task), have_torch and peer(task)  # warm-up: imports, caches, the first figure
        runs[task] = {"ours": [], "peer": []}
        for _ in range(repeats):
            runs[task]["ours"].append(ours(task))
            if have_torch:
                runs[task]["peer"].append(peer(task))

    def row(what: str, task: str, index: int, goal: float | None) -> dict:
        a = [r[index] for r in runs[task]["ours"]]
        b = [r[index] for r in runs[task]["peer"]] or None
        ratio = statistics.median(y / x for x, y in zip(a, b)) if b else None
        return {"what": what, "ours": statistics.median(a), "peer": statistics.median(b) if b else None,
                "ratio": ratio, "goal": goal}

    return [
        row("from-scratch Adagrad, seconds per epoch", "scratch", 0, 20),
        row("whole `train_ch11` call, 2 epochs, live plot on Agg", "scratch", 1, 4),
        row("concise Adagrad, seconds per epoch", "concise", 0, None),
        row("whole `train_concise_ch11` call, 4 epochs, live plot on Agg", "concise", 1, 5),
    ]


def format_row(r: dict) -> str:
    """A Markdown table row: medians in ms, the median ratio, the goal and whether it is met."""
    peer_ms = f"{r['peer'] * 1e3:.1f} ms" if r["peer"] is not None else "–"
    ratio = f"{r['ratio']:.0f}×" if r["ratio"] is not None else "–"
    goal = f"≥ {r['goal']}×" if r["goal"] else "–"
    met = "–" if r["goal"] is None or r["ratio"] is None else ("yes" if r["ratio"] >= r["goal"] else "NO")
    return f"| {r['what']} | {r['ours'] * 1e3:.2f} ms | {peer_ms} | {ratio} | {goal} | {met} |"


HEADER = "| what | d2lmini | PyTorch (d2l style) | ratio | goal | met |\n|---|---|---|---|---|---|"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="interleaved runs per side (default 9)")
    args = parser.parse_args(argv)
    rows = training_rows(args.repeats)
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, {args.repeats} interleaved repeats")
    print(HEADER)
    for r in rows:
        print(format_row(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
