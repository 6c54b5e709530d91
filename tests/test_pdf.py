"""The PDF of the whole book, as a reader gets it from the built site.

``make book`` (or ``make pdf``) prints it with Chromium (tools/build_pdf.py).
Its text is read back with poppler's ``pdftotext -layout`` (Debian's
poppler-utils) and its images with ``pdfimages -list``. Locally the tests skip
when the PDF or poppler is missing; under CI=true that is a failure, because
CI installs both and builds the book first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("D2LMINI_BOOK_HTML", REPO / "_build" / "html")).resolve()
PDF = SITE / "adagrad-interactively.pdf"
IN_CI = os.environ.get("CI", "").lower() == "true"
REFERENCE_TRACE = "x1: -2.382563"
"""d2l's printed result of Adagrad on the reference objective (epoch 20), which the algorithm chapter shows."""
RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\$\$|\\[(\[]|\\begin")
PRINT_DPI = 150
"""The lowest resolution a raster image may have on the page (the figures are SVG, so vector)."""


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so the PDF tests must run)", pytrace=False)
    pytest.skip(reason)


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} not found (apt-get install poppler-utils)")
    return path


@pytest.fixture(scope="module")
def pdf() -> Path:
    if not PDF.is_file():
        unavailable(f"no PDF at {PDF} (run `make pdf` or `make book`; it needs Chromium)")
    return PDF


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    """The text of each page, laid out as printed."""
    out = subprocess.run([poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]  # pdftotext ends every page, the last one too, with a form feed


@pytest.fixture(scope="module")
def stream_text(pdf) -> str:
    """The whole text in the order it was drawn (``pdftotext -raw``), whitespace collapsed.

    The layout mode above keeps lines as printed, but it can move a word to a
    neighbouring line when inline math raises or lowers the baseline; prose is
    looked for here instead.
    """
    out = subprocess.run([poppler("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return normalized(out)


def normalized(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


@cache
def notebooks() -> list[nbformat.NotebookNode]:
    import yaml
    from test_notebooks import toc_files

    entries = list(toc_files(yaml.safe_load((REPO / "_toc.yml").read_text())))
    return [nbformat.read(REPO / f"{e}.ipynb", as_version=4) for e in entries if (REPO / f"{e}.ipynb").is_file()]


def shown_code_cells():
    """Every code cell the book shows (a reader can unfold hidden ones; remove-cell and remove-input are gone)."""
    for nb in notebooks():
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if cell.cell_type == "code" and "remove-cell" not in tags:
                yield cell, "remove-input" in tags


def code_lines() -> list[str]:
    return [normalized(line) for cell, no_input in shown_code_cells() if not no_input
            for line in cell.source.splitlines() if line.strip()]


def printed_lines() -> list[str]:
    """The lines of every printed (stream) output the book shows."""
    return [normalized(line) for cell, _ in shown_code_cells()
            if "remove-output" not in cell.metadata.get("tags", [])
            for output in cell.outputs if output.get("output_type") == "stream"
            for line in output.get("text", "").splitlines() if line.strip()]


@cache
def chapter_titles() -> list[str]:
    """The title of every chapter page in the built web book, in the order of _toc.yml."""
    import yaml
    from test_notebooks import toc_files

    titles = []
    for entry in toc_files(yaml.safe_load((REPO / "_toc.yml").read_text())):
        if entry == "index":
            continue
        page = SITE / f"{entry}.html"
        h1 = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article h1")
        titles.append(normalized(h1.get_text().replace("#", "")))
    return titles


def test_the_page_count_is_that_of_a_book_with_every_chapter(pdf, pages):
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert count == len(pages)
    titles = chapter_titles()
    # Each chapter starts a page, the front matter takes one, and no chapter should take 40 pages.
    assert len(titles) + 1 <= count <= 40 * len(titles), f"{count} pages for {len(titles)} chapters"


def test_every_chapter_title_opens_a_page_in_reading_order(pages):
    firsts = [next((normalized(line) for line in page.splitlines() if line.strip()), "") for page in pages]
    opened = []
    for title in chapter_titles():
        matches = [i for i, first in enumerate(firsts) if first == title]
        assert matches, f"no page starts with the chapter title {title!r}"
        opened.append(matches[0])
    assert opened == sorted(opened), f"chapters start on pages {[i + 1 for i in opened]}"


def test_the_table_of_contents_lists_every_chapter_up_front(pages):
    front = normalized(" ".join(pages[:2]))
    position = 0
    for title in chapter_titles():
        found = front.find(title, position)
        assert found >= 0, f"{title!r} is missing from the contents on the first two pages (or out of order)"
        position = found + len(title)


def outline_titles(pdf: Path) -> list[str]:
    """The top-level entries of the PDF's outline (bookmarks), in order.

    Chromium writes every object uncompressed, so the outline is read from the
    file's text: the /Outlines object, its /First entry and the /Next chain.
    """
    data = pdf.read_bytes().decode("latin-1")
    objects = dict(re.findall(r"(?m)^(\d+) 0 obj\s*(.*?)endobj", data, re.S))
    (root,) = [body for body in objects.values() if "/Type /Outlines" in body]

    def title(body: str) -> str:
        hexa = re.search(r"/Title\s*<([0-9A-Fa-f]+)>", body)
        if hexa:
            return bytes.fromhex(hexa.group(1)).decode("utf-16")
        literal = re.search(r"/Title\s*\(((?:\\.|[^\\)])*)\)", body).group(1)
        return re.sub(r"\\(.)", r"\1", literal)

    titles, link = [], re.search(r"/First (\d+) 0 R", root)
    while link:
        body = objects[link.group(1)]
        titles.append(normalized(title(body)))
        link = re.search(r"/Next (\d+) 0 R", body)
    return titles


def test_the_outline_has_every_chapter_at_its_top_level(pdf):
    top = outline_titles(pdf)
    chapters = chapter_titles()
    assert [t for t in top if t in chapters] == chapters, top


def test_every_page_has_its_number(pages):
    total = len(pages)
    for number, page in enumerate(pages, 1):
        last = [line for line in page.splitlines() if line.strip()][-1]
        assert normalized(last).endswith(f"{number} / {total}"), f"page {number} ends with {last.strip()!r}"


def test_the_reference_trace_line_is_printed(pages):
    assert any(REFERENCE_TRACE in page for page in pages)


def test_no_raw_tex_is_left(pages):
    code = set(code_lines()) | set(printed_lines())
    raw = [(number, line.strip()) for number, page in enumerate(pages, 1) for line in page.splitlines()
           if normalized(line) not in code and RAW_TEX.search(line)]
    assert not raw, f"TeX that was not typeset: {raw[:5]}"


def test_every_code_line_is_printed_whole(pages):
    """Each line of each shown code cell, hidden ones unfolded, is on one printed line: none is clipped or wrapped."""
    printed = [normalized(line) for page in pages for line in page.splitlines() if line.strip()]
    missing = [line for line in code_lines() if not any(line in p for p in printed)]
    assert not missing, f"{len(missing)} code lines are not printed whole, such as {missing[:3]}"


def test_every_printed_output_line_is_in_the_pdf(pages):
    printed = set(normalized(line) for page in pages for line in page.splitlines())
    missing = [line for line in printed_lines() if line not in printed and "sec/epoch" not in line]
    assert not missing, f"{len(missing)} output lines are missing or cut, such as {missing[:3]}"


def folded_blocks() -> list[tuple[str, str]]:
    """(page, first plain words) of every folded block of the web book: dropdowns, toggles, hidden cells."""
    blocks = []
    for page in sorted((SITE / "chapters").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for block in soup.select("article .dropdown, article details"):
            for hint in block.select(".admonition-title, summary"):
                hint.decompose()
            for skip in block.select(".math, .katex, mjx-container, pre, .cell_output"):
                skip.replace_with(" | ")  # math and code end a run of words
            run = []
            for word in block.get_text(" ").split():
                run = run + [word] if re.fullmatch(r"[A-Za-z][a-z’',;:.-]*", word) else []
                if len(run) == 6:
                    blocks.append((page.stem, " ".join(run)))
                    break
    return blocks


def test_the_folded_blocks_and_solutions_are_unfolded(pages, stream_text):
    text = stream_text
    blocks = folded_blocks()
    assert len(blocks) >= 10, "the chapters should have folded prose to look for"
    missing = [block for block in blocks if block[1] not in text]
    assert not missing, f"{len(missing)} folded blocks are not in the PDF, such as {missing[:3]}"
    solutions = BeautifulSoup((SITE / "chapters" / "exercises.html").read_text(encoding="utf-8"),
                              "html.parser").select(".solution")
    printed = sum(len(re.findall(r"^\s*Solution\s*$", page, re.MULTILINE)) for page in pages)
    assert printed == len(solutions) > 0


def test_the_figures_are_vector_or_at_print_resolution(pdf):
    listing = subprocess.run([poppler("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    low = [line for line in listing if min(int(line.split()[12]), int(line.split()[13])) < PRINT_DPI]
    assert not low, f"raster images below {PRINT_DPI} dpi:\n" + "\n".join(low)
