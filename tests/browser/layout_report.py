"""Nothing hidden: which blocks of a built page overflow, at a desktop and at a phone width.

    .venv/bin/python -m tests.browser.layout_report chapters/preconditioning.html [more pages]
        [--book _build/html] [--width 1280 --height 900 | --phone]

lists, for each page, every block that hides part of itself (after opening
every folded block: solutions, toggles, hidden cells):

* at a desktop width (1280×900, the default): code or output blocks that
  scroll sideways (the reader cannot see the end of their lines), display
  equations wider than their box, and figures that are neither SVG nor a PNG
  at least twice as large as it is shown (blurry on a high-density screen);
* at a phone width (``--phone``: 390×844): display equations that do not
  scroll inside their own box, show no cue that they do, or are clipped.
  Code may scroll there.

Display equations are also clipped when their box cuts off their top or
bottom, at either width. ``tests/browser/test_layout.py`` asserts that these
lists are empty for every page of the book; this command shows a chapter
author what to fix, block by block. It reads the book from ``--book`` (default
``_build/html``, build it with ``make book``) and drives /usr/bin/chromium
(or ``$D2LMINI_CHROMIUM``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
REPO = Path(__file__).resolve().parents[2]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

OPEN_FOLDS = """() => {
    document.querySelectorAll("details:not([open])").forEach(d => { d.open = true; });
    document.querySelectorAll(".toggle-hidden button.toggle-button").forEach(b => b.click());
    return document.querySelectorAll(".toggle-hidden").length;
}"""

# Every problem is [kind, where, detail]; `where` names the block for a reader of the page.
MEASURE = """(phone) => {
    const article = document.querySelector("article.bd-article") || document.body;
    const problems = [];
    const where = (el) => {
        let section = el.closest("section[id]");
        const heading = section && section.querySelector("h1, h2, h3, h4");
        const title = heading ? heading.textContent.replace(/#$/, "").trim() : "(top)";
        const cell = el.closest(".cell");
        const cells = Array.from(article.querySelectorAll(".cell"));
        return cell ? `${title} / code cell ${cells.indexOf(cell) + 1}` : title;
    };
    const firstLine = (el) => {
        const text = el.textContent.split("\\n").reduce((a, b) => (b.length > a.length ? b : a), "");
        return text.length > 90 ? text.slice(0, 87) + "..." : text;
    };
    const tex = (box) => {
        const annotation = box.parentElement.querySelector("annotation");
        const source = annotation ? annotation.textContent.trim().replace(/\\s+/g, " ") : "";
        return source.length > 90 ? source.slice(0, 87) + "..." : source;
    };
    const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);

    if (!phone) {
        const blocks = new Set(article.querySelectorAll("pre, .cell_output *, div.output *"));
        for (const el of blocks) {
            if (!el.clientWidth || !scrolls(el) || el.scrollWidth <= el.clientWidth + 1) continue;
            const kind = el.closest(".cell_output, div.output") ? "output scrolls sideways" : "code scrolls sideways";
            problems.push([kind, where(el), `${el.scrollWidth - el.clientWidth} px hidden; longest line: ${firstLine(el)}`]);
        }
        for (const img of article.querySelectorAll("img")) {
            const src = img.currentSrc || img.src;
            if (/\\.svgz?([?#]|$)/i.test(src) || src.startsWith("data:image/svg")) continue;
            if (!img.clientWidth) continue;
            if (!img.complete || !img.naturalWidth) {
                problems.push(["figure did not load", where(img), src.split("/").pop()]);
            } else if (img.naturalWidth < 2 * img.clientWidth || img.naturalHeight < 2 * img.clientHeight) {
                problems.push(["figure not crisp", where(img),
                    `${src.split("/").pop()}: ${img.naturalWidth}×${img.naturalHeight} px shown at ` +
                    `${img.clientWidth}×${img.clientHeight}; needs SVG or a PNG of at least 2× that`]);
            }
        }
    }
    for (const box of article.querySelectorAll(".katex-display > .katex > .katex-html")) {
        if (!box.clientWidth) continue;
        if (box.scrollHeight > box.clientHeight + 1) {
            problems.push(["equation clipped", where(box),
                `${box.scrollHeight - box.clientHeight} px cut off at the top or bottom: ${tex(box)}`]);
        }
        // The equation's room: its math block, less the equation number beside it.
        const block = box.closest("div.math") || box.parentElement;
        const number = block.querySelector(".eqno");
        const room = block.getBoundingClientRect();
        const right = room.right - (number ? number.getBoundingClientRect().width : 0);
        const own = box.getBoundingClientRect();
        const spills = own.left < room.left - 1 || own.right > right + 1 || own.right > window.innerWidth + 1;
        const wider = box.scrollWidth > box.clientWidth + 1;
        if (!phone) {
            if (wider || spills) problems.push(["equation wider than the column", where(box),
                `${Math.round(Math.max(box.scrollWidth - box.clientWidth, own.right - right))} px too wide: ${tex(box)}`]);
            continue;
        }
        if (spills) {
            problems.push(["equation clipped or past the column", where(box), tex(box)]);
            continue;
        }
        if (!wider) continue;
        if (!scrolls(box)) {
            problems.push(["equation does not scroll in its box", where(box), tex(box)]);
            continue;
        }
        box.scrollLeft = 0;
        box.dispatchEvent(new Event("scroll"));
        const cueAtStart = (box.getAttribute("data-scroll") || "").split(" ").includes("right")
            && getComputedStyle(box).boxShadow !== "none";
        box.scrollLeft = box.scrollWidth;
        box.dispatchEvent(new Event("scroll"));
        const reachesEnd = box.scrollLeft + box.clientWidth >= box.scrollWidth - 1;
        const cueAtEnd = (box.getAttribute("data-scroll") || "").split(" ").includes("left")
            && !(box.getAttribute("data-scroll") || "").includes("right");
        box.scrollLeft = 0;
        box.dispatchEvent(new Event("scroll"));
        if (!cueAtStart || !cueAtEnd) {
            problems.push(["equation scrolls with no visible cue", where(box), tex(box)]);
        }
        if (!reachesEnd) problems.push(["equation cannot be scrolled to its end", where(box), tex(box)]);
    }
    const page = document.scrollingElement;
    if (phone && page.scrollWidth > window.innerWidth + 1) {
        const wide = Array.from(article.querySelectorAll("*")).filter(el => {
            const r = el.getBoundingClientRect();
            return r.right > window.innerWidth + 1 && !el.closest("pre, .katex-html");
        }).slice(0, 3).map(el => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 60));
        problems.push(["page scrolls sideways", "(page)", `${page.scrollWidth - window.innerWidth} px; ${wide.join(", ")}`]);
    }
    return problems;
}"""


def measure(page, url: str, phone: bool) -> list[list[str]]:
    """Problems of ``url`` (see MEASURE) in a Playwright page whose viewport is already set."""
    prepare(page, url)
    return problems(page, phone)


def prepare(page, url: str) -> None:
    """Open ``url`` with every folded block open, its fonts and figures loaded."""
    page.goto(url, wait_until="load")
    page.evaluate("() => document.fonts.ready")
    page.evaluate(OPEN_FOLDS)
    page.wait_for_load_state("networkidle")
    # Folded figures load lazily, and only near the viewport: load them all now.
    page.evaluate("""() => Promise.race([
        new Promise(r => setTimeout(r, 20000)),
        Promise.all(Array.from(document.images).map(i => { i.loading = "eager"; return i.decode().catch(() => null); })),
    ])""")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def problems(page, phone: bool) -> list[list[str]]:
    """What the open page hides, as [kind, where, detail] lists (see MEASURE)."""
    # Blocks far from the viewport are not laid out until the reader comes near
    # them (content-visibility: auto, book.css): lay every one out, as it is
    # when read, so that each is measured as drawn.
    page.evaluate("""() => document.querySelectorAll("article *").forEach(e => {
        if (getComputedStyle(e).contentVisibility === "auto") e.style.contentVisibility = "visible";
    })""")
    return page.evaluate(MEASURE, phone)


def format_problems(page_name: str, problems: list[list[str]]) -> str:
    if not problems:
        return f"{page_name}: nothing hidden"
    lines = [f"{page_name}: {len(problems)} problem(s)"]
    lines += [f"  - {kind} [{where}]: {detail}" for kind, where, detail in problems]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", help="pages relative to the build, e.g. chapters/algorithm.html")
    parser.add_argument("--book", type=Path, default=Path(os.environ.get("D2LMINI_BOOK_HTML", REPO / "_build" / "html")))
    parser.add_argument("--phone", action="store_true", help="check at 390×844 instead of 1280×900")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    book = args.book.resolve()
    viewport = PHONE if args.phone else DESKTOP
    found = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("D2LMINI_CHROMIUM", "/usr/bin/chromium"), args=LAUNCH_ARGS
        )
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name in args.pages:
            path = book / name
            if not path.is_file():
                parser.error(f"no page {path} (build the book with `make book`)")
            problems = measure(page, path.as_uri(), args.phone)
            found += len(problems)
            print(format_problems(f"{name} at {viewport['width']}×{viewport['height']}", problems))
        browser.close()
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
