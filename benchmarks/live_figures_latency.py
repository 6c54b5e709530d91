"""How fast do the preconditioning and sparse-features figures redraw, side by side with a peer? Prints a table.

    .venv/bin/python benchmarks/live_figures_latency.py [--book _build/html] [--events 600] [--repeats 3]

In headless Chromium, on the built pages (``make book`` first). Each sample
changes one control to a value from a seeded generator (so reruns time the
same work) and is timed with ``performance.now()`` from before setting the
input's value and dispatching an ``input`` event until the bounding boxes of
the redrawn panels and of the figure have been read, which forces style and
layout. Painting happens at the next frame and is not included (it waits for
the display, not for the code). The URL hash is written after the redraw, at
most four times a second, as for the explorer (see explorer_latency.py).

- Preconditioning figure (goal: p95 <= 4 ms): θ (whole degrees) and κ (a
  notch, or any value in [1, 100] typed into the box) in turn; each change
  recomputes H, its Jacobi scaling, discs and eigenvalues, and (when κ
  changes) the 181-point curve of κ after scaling.
- Sparse-features figure (goal: p95 <= 16 ms, one frame): the Zipf
  exponent, the background and the noise in turn, each to another grid
  value; each change redraws about 300 dots, three binned lines and the
  table from the precomputed run.

The peer (``benchmarks/live_figures_peer.js``) draws the same panels from the
same numbers by rebuilding their markup (``innerHTML``) on every change, as
many small page figures do. It takes our figure's place on a second page of
the same browser, and the two run in alternating blocks of 50 changes (ours,
peer, ours, ...), so both see the same load. ``--repeats`` loads the pages
afresh that many times; the table pools the samples and lists each repeat's
p95 of ours. Results are also written to
benchmarks/results/live_figures_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("D2LMINI_CHROMIUM", "/usr/bin/chromium")
PEER_JS = Path(__file__).resolve().parent / "live_figures_peer.js"

# One block of changes on our figure: set, dispatch, force style and layout.
OURS = """([figure, changes]) => {
    const root = document.querySelector(`[data-explorer="${figure}"]`);
    const set = (name, value) => {
        const input = root.querySelector(`input[name="${name}"]`);
        input.value = String(value);
        input.dispatchEvent(new Event("input", {bubbles: true}));
    };
    const redrawn = Array.from(root.querySelectorAll("svg path[data-role], svg [data-role] > *"));
    const times = [];
    for (const [name, value] of changes) {
        const t0 = performance.now();
        set(name, value);
        for (const e of redrawn) e.getBBox();
        root.getBoundingClientRect();
        times.push(performance.now() - t0);
    }
    return times;
}"""

# The same block on the peer, which takes our figure's place on its own page.
PEER = """([figure, changes]) => {
    const root = document.querySelector(`[data-explorer="${figure}"]`);
    let box = document.getElementById("figure-peer");
    if (!box) {
        box = document.createElement("div");
        box.id = "figure-peer";
        box.className = "live-figure lf-" + (figure === "sparse" ? "sparse" : "precond");
        root.replaceWith(box);
        const C = window.LiveFigureData[figure];
        window.peerState = figure === "sparse" ? {exponent: 1.2, background: 0, noise: 0.1} : {theta: 30, kappa: 20};
        window.peer = figure === "sparse" ? window.SparsePeer(box, C) : window.PreconditioningPeer(box, C);
    }
    const times = [];
    for (const [name, value] of changes) {
        const t0 = performance.now();
        window.peerState[name] = value;
        window.peer(window.peerState);
        for (const e of box.querySelectorAll("path, rect, ellipse")) e.getBBox();
        box.getBoundingClientRect();
        times.push(performance.now() - t0);
    }
    return times;
}"""

FIGURES = {
    "preconditioning": ("chapters/preconditioning.html", "p95 <= 4 ms", 4.0),
    "sparse": ("chapters/sparse-features.html", "p95 <= 16 ms", 16.0),
}


def summary(times_ms: list[float]) -> dict[str, float]:
    return {"n": len(times_ms), "median_ms": statistics.median(times_ms),
            "p95_ms": float(np.percentile(times_ms, 95)), "max_ms": max(times_ms)}


def changes(figure: str, count: int, seed: int) -> list[tuple[str, float]]:
    """``count`` seeded changes of the figure's controls, in turn; each changes the setting."""
    rng = np.random.default_rng(seed)
    out: list[tuple[str, float]] = []
    if figure == "preconditioning":
        from d2lmini import precondition as pc

        for i in range(count):
            if i % 2 == 0:
                out.append(("theta", float(rng.integers(0, 181))))
            elif i % 4 == 1:
                out.append(("kappa", float(rng.choice(pc.KAPPA_NOTCHES))))
            else:
                out.append(("kappa", float(f"{rng.uniform(1, 100):.3g}")))
        return out
    from d2lmini import sparse_grid as grid

    state = dict(grid.DEFAULTS)
    for i in range(count):
        name = grid.KNOBS[i % 3]
        values = [v for v in {"exponent": grid.EXPONENTS, "background": grid.BACKGROUNDS, "noise": grid.NOISES}[name]
                  if v != state[name]]
        state[name] = float(rng.choice(values))
        out.append((name, state[name]))
    return out


def measure(book: Path, events: int, repeats: int, seed: int, block: int = 50) -> dict[str, dict]:
    """Ours and the peer's input-to-redraw times per figure: two pages of one browser, alternating blocks."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        try:
            version = browser.version
            for figure, (page_path, _, _) in FIGURES.items():
                work = changes(figure, events, seed)
                times: dict[str, list[float]] = {"ours": [], "peer": []}
                p95s = []
                for _ in range(repeats):
                    pages = {}
                    for side in ("ours", "peer"):
                        page = browser.new_page(viewport={"width": 1280, "height": 900})
                        page.goto((book / page_path).as_uri())
                        page.locator(f'[data-explorer="{figure}"] svg').first.wait_for()
                        if side == "peer":
                            page.add_script_tag(path=str(PEER_JS))
                        pages[side] = page
                    loops = {"ours": OURS, "peer": PEER}
                    for side, page in pages.items():
                        page.evaluate(loops[side], [figure, work[:60]])  # warm up the JIT
                    run: dict[str, list[float]] = {"ours": [], "peer": []}
                    for first in range(0, len(work), block):
                        for side, page in pages.items():
                            run[side] += page.evaluate(loops[side], [figure, work[first:first + block]])
                    for side, page in pages.items():
                        times[side] += run[side]
                        page.close()
                    p95s.append(float(np.percentile(run["ours"], 95)))
                results[figure] = summary(times["ours"]) | {"peer": summary(times["peer"]), "p95_per_repeat_ms": p95s,
                                                            "browser": f"Chromium {version}"}
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=REPO / "_build" / "html", help="built book (default _build/html)")
    parser.add_argument("--events", type=int, default=600, help="input events per figure and repeat")
    parser.add_argument("--repeats", type=int, default=3, help="fresh page loads per figure")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        print(f"skipped: no chromium at {CHROMIUM}")
        return 1
    missing = [p for p, _, _ in FIGURES.values() if not (args.book / p).is_file()]
    if missing:
        print(f"skipped: no built pages {missing} under {args.book} (run `make book`)")
        return 1
    load = os.getloadavg()[0]
    results = measure(args.book.resolve(), args.events, args.repeats, args.seed)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python "
          f"{platform.python_version()}, {next(iter(results.values()))['browser']}, load average {load:.2f} at start")
    print("input event -> panels redrawn; peer interleaved with ours (ratio: peer median / ours)")
    header = ("figure", "n", "median ms", "p95 ms", "max ms", "p95 per repeat", "peer median", "peer p95", "ratio",
              "goal", "met")
    table = [header]
    for figure, r in results.items():
        _, goal, limit = FIGURES[figure]
        p = r["peer"]
        r["goal"], r["met"] = goal, r["p95_ms"] <= limit
        table.append((figure, str(r["n"]), f"{r['median_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['max_ms']:.2f}",
                      " ".join(f"{v:.2f}" for v in r["p95_per_repeat_ms"]), f"{p['median_ms']:.2f}",
                      f"{p['p95_ms']:.2f}", f"{p['median_ms'] / r['median_ms']:.1f}x", goal, "yes" if r["met"] else "NO"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for k, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "live_figures_latency.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
