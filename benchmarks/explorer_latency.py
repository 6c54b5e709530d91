"""How fast do the two explorers follow a control, side by side with a peer? Prints a small table.

    .venv/bin/python benchmarks/explorer_latency.py [--book _build/html] [--events 600] [--changes 80]

Both explorers run with all three methods shown, gradient noise on (σ > 0) and
100 steps. Each sample changes one of η, θ, σ or γ (in turn) to a value from a
seeded generator, so reruns time the same work; the peer gets the same changes,
interleaved with ours (notebook: change by change; web: on two pages of one
browser, in alternating blocks of 50).

Web explorer (goal: p95 <= 4 ms). In headless Chromium, on the built algorithm
page: ``performance.now()`` before setting the input's value and dispatching
an ``input`` event, and after reading the bounding boxes of the three redrawn
paths and of the explorer (which forces style and layout of both panels and of
the final points). Painting happens at the next frame and is not included (it
waits for the display, not for the code). The peer
(``benchmarks/explorer_peer.js``) computes the same numbers with the
explorer's own code and redraws the same panels by rebuilding their markup
(``innerHTML``) on every change, as many small page explorers do. The URL hash
is written in a task of its own after the redraw (so it is not in these
times; in this loop the writes coalesce into one), and one such write
(``history.replaceState``, a round trip to the browser) is timed on its own.

Notebook explorer (goal: median <= 60 ms). ``d2lmini.widgets.explore()``
without a kernel; each sample assigns a new value to a slider widget, which
recomputes the runs, updates the artists, renders the figure with Agg (the
axes, ticks and legends come from a cached background), encodes the PNG and
sets the Image and HTML widgets. The peer redraws the same figure from
scratch for every change (a new figure, every artist, a full render and the
PNG), as a callback of ``ipywidgets.interact`` that plots anew does. The time
to send the PNG to a browser over the kernel's socket is not included.

Results are also written to benchmarks/results/explorer_latency.json.
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
PEER_JS = Path(__file__).resolve().parent / "explorer_peer.js"
NAMES = ("eta", "theta", "noise", "gamma")

# One block of changes on our explorer: set, dispatch, force style and layout.
WEB_OURS = """(changes) => {
    const root = document.querySelector('[data-explorer="adagrad"]');
    const set = (name, value) => {
        const input = root.querySelector(`input[name="${name}"]`);
        if (input.type === "checkbox") input.checked = value; else input.value = String(value);
        input.dispatchEvent(new Event("input", {bubbles: true}));
    };
    set("steps", 100); set("show-rmsprop", true);
    const paths = ["gd", "adagrad", "rmsprop"].map(m => root.querySelector(`[data-role="path-${m}"]`));
    const times = [];
    for (const [name, value] of changes) {
        const t0 = performance.now();
        set(name, value);
        for (const p of paths) p.getBBox();
        root.getBoundingClientRect();
        times.push(performance.now() - t0);
    }
    return times;
}"""

# The same block on the peer, which takes our explorer's place on its own page.
WEB_PEER = """(changes) => {
    const root = document.querySelector('[data-explorer="adagrad"]');
    let box = document.getElementById("explorer-peer");
    if (!box) {
        box = document.createElement("div");
        box.id = "explorer-peer";
        box.className = "live-figure lf-adagrad";
        root.replaceWith(box);
        window.peerState = {eta: 0.4, theta: 0, steps: 100, noise: 0.5, gamma: 0.9, start: [-5, -2],
                            show: ["gd", "adagrad", "rmsprop"]};
        window.peer = window.ExplorerPeer(box, window.LiveFigureData.adagrad);
    }
    const times = [];
    for (const [name, value] of changes) {
        const t0 = performance.now();
        window.peerState[name] = value;
        window.peer(window.peerState);
        for (const p of box.querySelectorAll("path")) p.getBBox();
        box.getBoundingClientRect();
        times.push(performance.now() - t0);
    }
    return times;
}"""

HASH_LOOP = """async (n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
        await new Promise(r => setTimeout(r, 300));
        const t0 = performance.now();
        window.LiveFigure.writeHash({eta: String(i), theta: "45"}, true);
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


def changes(count: int, seed: int) -> list[tuple[str, float]]:
    """``count`` seeded changes of η (notches), θ (whole degrees), σ in [0.1, 2] and γ, in turn."""
    from d2lmini import explorer as ex

    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        name = NAMES[i % len(NAMES)]
        if name == "eta":
            value = float(rng.choice(ex.ETA_NOTCHES))
        elif name == "theta":
            value = float(rng.integers(0, 181))
        elif name == "noise":
            value = round(float(rng.uniform(0.1, 2.0)), 2)
        else:
            value = round(float(rng.uniform(0.0, 0.99)), 2)
        out.append((name, value))
    return out


def web_latency(book: Path, events: int, seed: int, peer: bool = True, hash_samples: int = 20,
                block: int = 50) -> dict:
    """Ours (and the peer's) input-to-redraw times in Chromium; the peer under ``"peer"``.

    Ours and the peer run on two pages of one browser, in alternating blocks
    of ``block`` changes (ours, peer, ours, ...), so both see the same load.
    """
    from playwright.sync_api import sync_playwright

    work = [("noise", 0.5)] + changes(events, seed)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        try:
            pages = {}
            for side in ("ours", "peer") if peer else ("ours",):
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto((book / PAGE).as_uri())
                page.locator('[data-explorer="adagrad"] svg').first.wait_for()
                if side == "peer":
                    page.add_script_tag(path=str(PEER_JS))
                pages[side] = page
            loops = {"ours": WEB_OURS, "peer": WEB_PEER}
            for side, page in pages.items():
                page.evaluate(loops[side], work[:60])  # warm up the JIT
            times: dict[str, list[float]] = {side: [] for side in pages}
            for first in range(1, len(work), block):
                for side, page in pages.items():
                    times[side] += page.evaluate(loops[side], work[first:first + block])
            hash_times = pages["ours"].evaluate(HASH_LOOP, hash_samples) if hash_samples else []
            version = browser.version
        finally:
            browser.close()
    result = summary(times["ours"]) | {"browser": f"Chromium {version}"}
    if peer:
        result["peer"] = summary(times["peer"])
    if hash_times:
        result["hash_write"] = summary(hash_times)
    return result


def notebook_latency(changes_count: int, seed: int, peer: bool = True) -> dict:
    """Ours (and the peer's) times per slider change of the notebook explorer; the peer under ``"peer"``."""
    import matplotlib

    matplotlib.use("Agg")
    from d2lmini import explorer as ex
    from d2lmini import widgets

    work = changes(changes_count + 5, seed)
    explorer = widgets.explore(steps=100, noise=0.5, show=ex.METHODS)
    state = {"eta": 0.4, "theta": 0.0, "noise": 0.5, "gamma": 0.9}
    ours, theirs = [], []
    for i, (name, value) in enumerate(work):
        start = time.perf_counter()
        explorer.controls[name].value = value
        elapsed = (time.perf_counter() - start) * 1000
        state[name] = value
        peer_elapsed = None
        if peer:
            start = time.perf_counter()
            data = ex.explore_data(state["eta"], state["theta"], 100, noise=state["noise"], gamma=state["gamma"])
            figure = widgets.ExplorerFigure()
            figure.draw(data, ex.METHODS)
            figure.png()
            widgets._final_html(data, ex.METHODS)
            figure.figure.clear()
            peer_elapsed = (time.perf_counter() - start) * 1000
        if i >= 5:  # the first few include matplotlib's font and glyph caches warming up
            ours.append(elapsed)
            if peer_elapsed is not None:
                theirs.append(peer_elapsed)
    result = summary(ours)
    if peer:
        result["peer"] = summary(theirs)
    return result


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
        rows.append(("web (Chromium)", "input event -> panels redrawn", web, "p95 <= 4 ms", web["p95_ms"] <= 4))
    nb = notebook_latency(args.changes, args.seed)
    rows.append(("notebook (Python)", "slider change -> PNG + text", nb, "median <= 60 ms", nb["median_ms"] <= 60))

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print("all three methods, noise on, 100 steps; peer interleaved with ours (ratio: peer median / ours)")
    header = ("explorer", "what is timed", "n", "median ms", "p95 ms", "max ms", "peer median", "peer p95", "ratio",
              "goal", "met")
    table = [header]
    for name, what, r, goal, ok in rows:
        p = r.get("peer", {})
        table.append((name, what, str(r["n"]), f"{r['median_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['max_ms']:.2f}",
                      f"{p['median_ms']:.2f}" if p else "-", f"{p['p95_ms']:.2f}" if p else "-",
                      f"{p['median_ms'] / r['median_ms']:.1f}x" if p else "-", goal, "yes" if ok else "NO"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for k, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for name, _, r, _, _ in rows:
        if "hash_write" in r:
            h = r["hash_write"]
            print(f"{name}: one URL hash write (history.replaceState), in its own task after the redraw: "
                  f"median {h['median_ms']:.2f} ms, max {h['max_ms']:.2f} ms over {h['n']}")

    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "explorer_latency.json").write_text(json.dumps(
        {name: r | {"goal": goal, "met": ok} for name, _, r, goal, ok in rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
