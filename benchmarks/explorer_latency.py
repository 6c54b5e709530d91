"""How fast do the two explorers follow a control? Prints a small table.

    .venv/bin/python benchmarks/explorer_latency.py [--book _build/html] [--events 600] [--changes 80]

Web explorer (goal: p95 <= 4 ms). In headless Chromium, on the built
algorithm page with steps = 100, each sample sets η or θ to a new value,
dispatches an ``input`` event, and asks for the bounding box of the redrawn
GD and Adagrad paths, which forces style and layout; ``performance.now()`` is
read before the dispatch and after the bounding box. Painting happens at the
next frame and is not included (it waits for the display, not for the code).
Chromium coarsens ``performance.now()`` to 0.1 ms on a page that is not
cross-origin isolated, which is fine against a 4 ms goal.

Notebook explorer (goal: median <= 60 ms). ``d2lmini.widgets.explore()``
without a kernel, steps = 100; each sample assigns a new η or θ to the slider
widget, which recomputes both runs, updates the matplotlib artists, renders
the figure with Agg, encodes the PNG and sets the Image and HTML widgets.
The time to send the PNG to a browser over the kernel's socket is not
included.

Both sequences of values come from a seeded generator, so reruns time the
same work. Results are also written to benchmarks/results/explorer_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("D2LMINI_CHROMIUM", "/usr/bin/chromium")
PAGE = "chapters/algorithm.html"

WEB_LOOP = """([etas, thetas]) => {
    const root = document.querySelector('[data-explorer="adagrad"]');
    const set = (name, value) => {
        const input = root.querySelector(`input[name="${name}"]`);
        input.value = String(value);
        input.dispatchEvent(new Event("input", {bubbles: true}));
    };
    set("steps", 100);
    const paths = [root.querySelector('[data-role="path-gd"]'), root.querySelector('[data-role="path-adagrad"]')];
    const times = [];
    for (let i = 0; i < etas.length; i++) {
        const t0 = performance.now();
        if (i % 2 === 0) set("eta", etas[i]); else set("theta", thetas[i]);
        for (const p of paths) p.getBBox();
        times.push(performance.now() - t0);
    }
    return times;
}"""


def summary(times_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(times_ms),
        "median_ms": statistics.median(times_ms),
        "p95_ms": float(np.percentile(times_ms, 95)),
        "max_ms": max(times_ms),
    }


def web_latency(book: Path, events: int, seed: int) -> dict:
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(seed)
    etas = [float(f"{v:.4g}") for v in 10 ** rng.uniform(-2, 1, events)]
    thetas = [int(v) for v in rng.integers(0, 181, events)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto((book / PAGE).as_uri())
            page.locator('[data-explorer="adagrad"] svg').first.wait_for()
            page.evaluate(WEB_LOOP, [etas[:50], thetas[:50]])  # warm up the JIT
            times = page.evaluate(WEB_LOOP, [etas, thetas])
            version = browser.version
        finally:
            browser.close()
    return summary(times) | {"browser": f"Chromium {version}"}


def notebook_latency(changes: int, seed: int) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    from d2lmini.widgets import explore

    rng = np.random.default_rng(seed)
    explorer = explore(steps=100)
    times = []
    for i in range(changes + 5):
        name, value = ("eta", float(10 ** rng.uniform(-2, 1))) if i % 2 == 0 else ("theta", float(rng.integers(0, 181)))
        start = time.perf_counter()
        explorer.controls[name].value = value
        elapsed = (time.perf_counter() - start) * 1000
        if i >= 5:  # the first few include matplotlib's font and glyph caches warming up
            times.append(elapsed)
    return summary(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=REPO / "_build" / "html", help="built book (default _build/html)")
    parser.add_argument("--events", type=int, default=600, help="input events for the web explorer")
    parser.add_argument("--changes", type=int, default=80, help="control changes for the notebook explorer")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rows = []
    if not os.access(CHROMIUM, os.X_OK):
        print(f"web explorer: skipped, no chromium at {CHROMIUM}")
    elif not (args.book / PAGE).is_file():
        print(f"web explorer: skipped, no built page at {args.book / PAGE} (run `make book`)")
    else:
        web = web_latency(args.book.resolve(), args.events, args.seed)
        rows.append(("web (Chromium)", "input event -> paths redrawn, 100 steps", web, "p95 <= 4 ms", web["p95_ms"] <= 4))
    nb = notebook_latency(args.changes, args.seed)
    rows.append(("notebook (Python)", "slider change -> PNG + text, 100 steps", nb, "median <= 60 ms", nb["median_ms"] <= 60))

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    header = ("explorer", "what is timed", "n", "median ms", "p95 ms", "max ms", "goal", "met")
    table = [header] + [
        (name, what, str(r["n"]), f"{r['median_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['max_ms']:.2f}", goal, "yes" if ok else "NO")
        for name, what, r, goal, ok in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for k, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")

    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "explorer_latency.json").write_text(json.dumps(
        {name: r | {"goal": goal, "met": ok} for name, _, r, goal, ok in rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
