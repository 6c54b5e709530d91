"""Time to fully drawn and bytes fetched cold, page by page, for two builds of the book.

    .venv/bin/python benchmarks/page_load.py --before OTHER/_build/html [--after _build/html]
        [--loads 7] [--pages chapters/algorithm.html ...] [--cpu-slowdown 1]

``--before`` is a second build (for example of main before a change: ``git
worktree add ../base main && make -C ../base book``); ``--after`` defaults to
this checkout's ``_build/html``. Each build is served by its own local HTTP
server (127.0.0.1) and loaded in headless Chromium (``/usr/bin/chromium`` or
``$D2LMINI_CHROMIUM``) at 1280×900, both in one run: for every page and every
round, the two builds load one after the other, in alternating order (before
first in even rounds, after first in odd ones), so a machine that gets busier
or quieter during the run weighs on both alike.

Each load is cold: a new browser context, so nothing is cached. It counts as
**fully drawn** when the load event has fired, MathJax (if the page has it)
has finished typesetting, the fonts the laid-out page uses are loaded
(``document.fonts.ready``), every live figure (``[data-explorer]``) has drawn,
and the next animation frame has started; the time is ``performance.now()``
then, measured from the start of navigation. **Bytes** are every response's
encoded size, headers included, as Chromium's network log reports it, until
the network has been idle for 500 ms after that.

Per page the table prints the median over the loads of each build and the
median of the per-round ratios before/after (how many times sooner "after"
is drawn). Goals from the issue: at least 2.5× sooner, at most 1.5 MB. Raw
figures go to benchmarks/results/page_load.json. These are wall-clock times:
run on a quiet machine.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import statistics
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("D2LMINI_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
GOAL_SOONER = 2.5
GOAL_BYTES = 1.5e6

# Installed in every page before its own scripts run (an init script), so that the
# measurement needs no call from the benchmark until the page has loaded.
FULLY_DRAWN = """window.__fullyDrawn = new Promise(resolve => window.addEventListener("load", async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    document.body.getBoundingClientRect();  // lay out, so that every font in use is requested
    await document.fonts.ready;
    const drawn = e => e.getAttribute("data-ready") === "true" || e.querySelector("svg") !== null;
    const deadline = performance.now() + 30000;
    while (!Array.from(document.querySelectorAll("[data-explorer]")).every(drawn)) {
        if (performance.now() > deadline) { resolve(NaN); return; }  // a live figure never drew
        await new Promise(resolve => requestAnimationFrame(resolve));
    }
    await new Promise(resolve => requestAnimationFrame(resolve));
    resolve(performance.now());
}, {once: true}));"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def book_pages(book: Path) -> list[str]:
    """Every page of a build (not the theme's fragments in _static/ or the sources)."""
    return sorted(
        p.relative_to(book).as_posix()
        for p in book.rglob("*.html")
        if p.relative_to(book).parts[0] not in {"_static", "_sources"}
    )


def load_once(browser, url: str, cpu_slowdown: float) -> dict:
    """One cold load of ``url``: time to fully drawn (ms), bytes and requests fetched."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.add_init_script(FULLY_DRAWN)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        sizes: dict[str, float] = {}
        hosts: set[str] = set()
        cdp.on("Network.requestWillBeSent", lambda e: hosts.add(urlsplit(e["request"]["url"]).netloc))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        cdp.send("Network.enable")
        if cpu_slowdown != 1:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
        page.goto(url, wait_until="load")
        drawn_ms = page.evaluate("window.__fullyDrawn")
        page.wait_for_load_state("networkidle")
        own = urlsplit(url).netloc
        return {
            "drawn_ms": drawn_ms,
            "bytes": sum(sizes.values()),
            "requests": len(sizes),
            "off_site_hosts": sorted(h for h in hosts if h and h != own),
        }
    finally:
        context.close()


def measure(before: Path, after: Path, pages: list[str], loads: int, cpu_slowdown: float) -> dict:
    from playwright.sync_api import sync_playwright

    runs: dict[str, dict[str, list[dict]]] = {page: {"before": [], "after": []} for page in pages}
    with serve(before) as url_before, serve(after) as url_after, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            base = {"before": url_before, "after": url_after}
            for page in pages:  # one untimed load of each, so both servers' files are in the OS cache
                for side in base:
                    load_once(browser, base[side] + page, cpu_slowdown)
            for round_ in range(loads):
                order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
                for page in pages:
                    for side in order:
                        runs[page][side].append(load_once(browser, base[side] + page, cpu_slowdown))
        finally:
            browser.close()
    return runs


def summarize(runs: dict) -> list[dict]:
    rows = []
    for page, sides in runs.items():
        b, a = sides["before"], sides["after"]
        ratios = [x["drawn_ms"] / y["drawn_ms"] for x, y in zip(b, a)]
        rows.append({
            "page": page,
            "before_ms": statistics.median(r["drawn_ms"] for r in b),
            "after_ms": statistics.median(r["drawn_ms"] for r in a),
            "sooner": statistics.median(ratios),
            "before_bytes": statistics.median(r["bytes"] for r in b),
            "after_bytes": statistics.median(r["bytes"] for r in a),
            "after_off_site": sorted({h for r in a for h in r["off_site_hosts"]}),
        })
    return rows


def table(rows: list[dict], loads: int) -> str:
    lines = [
        f"| page | fully drawn, before | fully drawn, after | sooner (median of {loads} pairs) | "
        "cold bytes, before | cold bytes, after | goals (≥ 2.5× sooner, ≤ 1.5 MB, nothing off-site) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = r["sooner"] >= GOAL_SOONER and r["after_bytes"] <= GOAL_BYTES and not r["after_off_site"]
        lines.append(
            f"| {r['page']} | {r['before_ms']:.0f} ms | {r['after_ms']:.0f} ms | {r['sooner']:.1f}× | "
            f"{r['before_bytes'] / 1e6:.2f} MB | {r['after_bytes'] / 1e6:.2f} MB | {'met' if met else 'NOT met'} |"
        )
    return "\n".join(lines)


def machine() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = "Chromium unknown"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, {out}, load average {load:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other build's html folder")
    parser.add_argument("--after", type=Path, default=REPO / "_build" / "html", help="default: _build/html")
    parser.add_argument("--loads", type=int, default=7, help="cold loads per page and build (default 7)")
    parser.add_argument("--pages", nargs="*", help="pages relative to the build root (default: every page of --after)")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0, help="Chromium CPU throttling factor (4 ≈ a phone)")
    args = parser.parse_args(argv)
    for build in (args.before, args.after):
        if not (build / "index.html").is_file():
            parser.error(f"no built book at {build} (run `make book` there)")
    pages = args.pages or book_pages(args.after)
    missing = [p for p in pages if not (args.before / p).is_file() or not (args.after / p).is_file()]
    if missing:
        parser.error(f"pages missing from a build: {missing}")

    print(machine())
    print(f"before: {args.before.resolve()}\nafter:  {args.after.resolve()}\n")
    runs = measure(args.before.resolve(), args.after.resolve(), pages, args.loads, args.cpu_slowdown)
    rows = summarize(runs)
    print(table(rows, args.loads))
    out = REPO / "benchmarks" / "results" / "page_load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), "before": str(args.before), "after": str(args.after),
                               "cpu_slowdown": args.cpu_slowdown, "rows": rows, "runs": runs}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
