"""Print the whole book to one PDF with headless Chromium.

    python tools/build_pdf.py [OUT]     # default: _build/html/adagrad-interactively.pdf

1. ``jupyter-book build --builder singlehtml`` (strict, like the web build)
   puts every chapter on one page, with a linked list of the chapters at the
   front (``_ext/book_pdf.py``).
2. Debian's Chromium (``$D2LMINI_CHROMIUM``, default ``/usr/bin/chromium``),
   driven by the pinned Python Playwright, opens that page from disk, waits
   for its math and images, unfolds every folded block (dropdowns, hidden
   code cells, the solutions of the exercises) and prints it on A4 with the
   print rules of ``_static/print.css``, page numbers in the footer and the
   headings as the PDF's outline. The figures are SVG, so they stay vector
   graphics in the PDF. Before printing, the page is laid out at the printed
   width, and the build fails if any code block, output, table, figure or
   equation is wider than the text column or would scroll (be clipped).

Everything comes from disk; nothing is fetched. A build whose inputs (the
book's sources, configuration, extensions, static files, d2lmini, the pinned
requirements and this script) hash to the value recorded beside the cached
PDF in ``_build/pdf/`` only copies that PDF. ``--if-chromium`` turns a
missing Chromium into a message and exit status 0, except under ``CI=true``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "_build" / "html" / "adagrad-interactively.pdf"
CACHE = REPO / "_build" / "pdf"
SINGLE = REPO / "_build" / "singlehtml"
CHROMIUM = os.environ.get("D2LMINI_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
TITLE = "Adagrad, interactively"

INPUTS = ("index.md", "_config.yml", "_toc.yml", "references.bib", "requirements.txt", "package.json",
          "package-lock.json", "chapters", "_ext", "_static", "_templates", "d2lmini", "tools/build_pdf.py")
"""Files and folders whose content shapes the PDF (missing ones are skipped)."""

NOT_BUILT = ("/searchindex.js",)
"""Files the theme asks for that a singlehtml build does not write (search has no use in print)."""

FOOTER = (
    '<div style="width:100%; font: 8pt sans-serif; color: #555; padding: 0 16mm;'
    ' display: flex; justify-content: space-between">'
    f"<span>{TITLE}</span>"
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)

UNFOLD = """async () => {
  // MathJax (if the book uses it) typesets after load; KaTeX is already in the HTML.
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  // sphinx-togglebutton opens its dropdowns and toggles for printing on this event.
  window.dispatchEvent(new Event("beforeprint"));
  // myst-nb's hidden cells and any other folded block.
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  // The bundle and this PDF sit beside the web book, not beside a printed copy.
  document.querySelectorAll("a.site-file").forEach((a) => a.removeAttribute("href"));
  document.querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });
  await Promise.all([...document.images].map((img) => img.complete ? null :
    new Promise((done) => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  await document.fonts.ready;
  return document.images.length;
}"""


PAGE_WIDTH_PX = 673
"""The width of A4 less the two 16 mm margins, in CSS pixels: what the print lays out into."""

TOO_WIDE = """() => {
  // Everything that could stick out of the text column or scroll inside its own box.
  const column = document.querySelector("article.bd-article").getBoundingClientRect();
  const wide = [];
  for (const el of document.querySelectorAll(
      "article pre, article table, article img, article svg, article figure, .katex-display, .katex-html, " +
      "mjx-container[display=true], article .cell_output")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    const scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
    if (scrolls || box.right > column.right + 1 || box.left < column.left - 1) {
      const section = el.closest("section[id]");
      wide.push(`${el.tagName.toLowerCase()}.${el.className || ""} in #${section ? section.id : "?"}: ` +
                `${Math.round(Math.max(box.width, el.scrollWidth))} px: ${el.textContent.trim().slice(0, 60)}`);
    }
  }
  return wide;
}"""


def input_files(repo: Path = REPO) -> list[Path]:
    files = []
    for name in INPUTS:
        path = repo / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in sorted(path.rglob("*"))
                      if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts]
    return files


def inputs_digest(repo: Path = REPO) -> str:
    digest = hashlib.sha256()
    for path in input_files(repo):
        digest.update(f"{path.relative_to(repo)}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_single_page(repo: Path = REPO) -> Path:
    """The strict singlehtml build; returns its index.html."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "build", str(repo), "--builder", "singlehtml", "-W", "-n", "--keep-going",
                    "--quiet"], check=True, cwd=repo)
    return SINGLE / "index.html"


def print_pdf(page_html: Path, out: Path) -> int:
    """Print ``page_html`` to ``out`` with Chromium; return the number of images on the page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.on("requestfailed", lambda req: None if req.url.endswith(NOT_BUILT)
                    else errors.append(f"{req.url}: {req.failure}"))
            page.goto(page_html.as_uri(), wait_until="load", timeout=300_000)
            images = page.evaluate(UNFOLD)
            if errors:
                raise SystemExit("the single page failed while loading:\n" + "\n".join(errors))
            # Lay the page out as it will be printed, and refuse to clip anything.
            page.emulate_media(media="print")
            page.set_viewport_size({"width": PAGE_WIDTH_PX, "height": 1000})
            wide = page.evaluate(TOO_WIDE)
            if wide:
                raise SystemExit(f"{len(wide)} elements are wider than the printed page:\n" + "\n".join(wide))
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=False,
                     margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                     display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                     outline=True, tagged=True)
        finally:
            browser.close()
    return images


def chromium_available() -> bool:
    return (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) or shutil.which(CHROMIUM) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="where to write the PDF")
    parser.add_argument("--no-cache", action="store_true", help="build even if the inputs are unchanged")
    parser.add_argument("--if-chromium", action="store_true",
                        help="without Chromium, say so and stop with status 0 (not under CI=true)")
    args = parser.parse_args(argv)
    digest = inputs_digest()
    cached, stamp = CACHE / "adagrad-interactively.pdf", CACHE / "inputs.sha256"
    if args.no_cache or not (cached.is_file() and stamp.is_file() and stamp.read_text().strip() == digest):
        if not chromium_available():
            message = f"pdf: Chromium not found at {CHROMIUM} (apt-get install chromium, or set D2LMINI_CHROMIUM)"
            if args.if_chromium and os.environ.get("CI", "").lower() != "true":
                print(f"{message}; the PDF was not built")
                return 0
            raise SystemExit(message)
        start = time.perf_counter()
        page_html = build_single_page()
        built = time.perf_counter()
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".part")
        images = print_pdf(page_html, tmp)
        tmp.replace(cached)
        stamp.write_text(digest + "\n")
        print(f"pdf: built {cached.relative_to(REPO)} ({cached.stat().st_size / 1e6:.1f} MB, {images} images): "
              f"single page {built - start:.0f} s, print {time.perf_counter() - built:.0f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not args.out.is_file() or args.out.read_bytes() != cached.read_bytes():
        shutil.copyfile(cached, args.out)
    print(f"pdf: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
