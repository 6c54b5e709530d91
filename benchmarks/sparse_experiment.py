"""How long does one sparse-feature experiment take? Prints a small table.

    .venv/bin/python benchmarks/sparse_experiment.py [--repeats 7] [--grid-points 125]

One experiment is what the sparse-features chapter runs and what a live figure
precomputes per grid point: ``d2lmini.sparse.run_experiment`` with the
chapter's defaults (n = 4000 examples, d = 100 features, 15 base rates), that
is, drawing the training and validation streams, training the three rules at
every base rate in one pass, and keeping each rule's best rate by validation
loss. Goal: well under 0.4 s on one core, so that a grid of 125 settings
precomputes within 60 s on two cores.

The peer is the same work done one run at a time: the chapter's update as a
plain loop over the examples for each of the 45 (rule, rate) pairs, then the
same validation choice. Both run interleaved in one process, A B A B ..., after
a warm-up; the table gives medians of CPU time (``time.process_time``, so that
other jobs on a shared machine inflate the figures less than wall time would)
and the median of the per-pair ratios. The last row multiplies the median
experiment by the number of grid points and divides by two cores.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from d2lmini import sparse


def one_run_at_a_time(seed: int = 0) -> dict[str, float]:
    """The peer: every (rule, rate) pair trained by its own plain loop; returns each rule's chosen rate."""
    data = sparse.make_sparse_data(seed=seed)
    held_out = sparse.make_sparse_data(seed=seed, split="validation")
    chosen = {}
    for method in sparse.METHODS:
        offset = 1e-6 if method == "adagrad" else 1.0
        losses = []
        for eta0 in sparse.ETA0_GRID:
            w, s = np.zeros(data.X.shape[1]), np.zeros(data.X.shape[1])
            with np.errstate(over="ignore", invalid="ignore"):
                for x, y_t in zip(data.X, data.y):
                    g = (x @ w - y_t) * x
                    s += sparse.tally(method, x, g)
                    w -= eta0 / np.sqrt(s + offset) * g
            losses.append(float(sparse.validation_loss(held_out, w)))
        chosen[method] = sparse.ETA0_GRID[int(np.argmin(losses))]
    return chosen


def cpu_seconds(function) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--grid-points", type=int, default=125)
    args = parser.parse_args()

    def side_by_side():
        return sparse.run_experiment(seed=0).eta0

    def peer():
        return one_run_at_a_time(seed=0)

    assert peer() == side_by_side(), "the peer must choose the same rates"  # also the warm-up
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours.append(cpu_seconds(side_by_side))
        theirs.append(cpu_seconds(peer))
    ratio = statistics.median(t / o for o, t in zip(ours, theirs))
    median = statistics.median(ours)
    print(f"{'what':44} {'CPU time':>10}")
    print(f"{'one experiment, all rules and rates at once':44} {median:9.3f}s")
    print(f"{'the same, one plain loop per run (peer)':44} {statistics.median(theirs):9.3f}s")
    print(f"{'ratio (peer / side by side)':44} {ratio:9.1f}x")
    print(f"{f'{args.grid_points} grid points on 2 cores (estimate)':44} {median * args.grid_points / 2:9.1f}s")
    print(f"(min of {args.repeats}: {min(ours):.3f}s; goal: well under 0.4 s per experiment)")


if __name__ == "__main__":
    main()
