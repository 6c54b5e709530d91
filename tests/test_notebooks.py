"""Static checks of the stored notebooks and the table of contents (no kernel is started).

Every chapter notebook is stored with outputs, and the book shows those outputs,
so they must come from one clean top-to-bottom run: every code cell executed, in
order, without errors, with nothing in them that changes from run to run (memory
addresses, timestamps). Every figure needs alt text or a caption for readers who
cannot see it. `make check-notebooks` re-executes the notebooks to prove the
outputs are also up to date with the code.
"""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = REPO / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]{6,}")
TIMESTAMP_KEYS = ("execution", "ExecuteTime")  # nbclient's iopub/shell times; the ExecuteTime extension


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [(i, cell) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def texts(output):
    """Every piece of text in one output: stream text, error text, and each text-like MIME type."""
    if "text" in output:
        yield output["text"]
    if output.get("output_type") == "error":
        yield output.get("evalue", "")
        yield "\n".join(output.get("traceback", []))
    for mime, value in output.get("data", {}).items():
        if isinstance(value, str) and (not mime.startswith("image/") or mime == "image/svg+xml"):
            yield value


def has_caption_or_alt(cell):
    mystnb = cell.metadata.get("mystnb", {})
    alt = mystnb.get("image", {}).get("alt", "")
    caption = mystnb.get("figure", {}).get("caption", "")
    return bool(str(alt).strip() or str(caption).strip())


notebook_param = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def test_there_are_notebooks_to_check():
    assert NOTEBOOKS, f"no notebooks in {CHAPTERS}"


@notebook_param
def test_every_code_cell_ran_once_in_order(path):
    cells = code_cells(load(path))
    counts = [cell.get("execution_count") for _, cell in cells]
    unexecuted = [i for i, cell in cells if cell.get("execution_count") is None]
    assert not unexecuted, f"code cells {unexecuted} were never executed; run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts} are not 1..{len(counts)}: the notebook was run out of order or in part"
    )


@notebook_param
def test_no_output_is_an_error(path):
    bad = []
    for i, cell in code_cells(load(path)):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                bad.append(f"cell {i}: {output.get('ename')}: {output.get('evalue')}")
            elif any("Traceback (most recent call last)" in text for text in texts(output)):
                bad.append(f"cell {i}: a traceback in its {output.get('name') or output.get('output_type')} output")
    assert not bad, "\n".join(bad)


@notebook_param
def test_every_image_has_alt_text_or_a_caption(path):
    missing = [
        i
        for i, cell in code_cells(load(path))
        if any(mime.startswith("image/") for output in cell.get("outputs", []) for mime in output.get("data", {}))
        and not has_caption_or_alt(cell)
    ]
    assert not missing, f"cells {missing} show an image but have neither mystnb.image.alt nor mystnb.figure.caption"


@notebook_param
def test_no_output_holds_a_memory_address(path):
    found = [
        f"cell {i}: {match.group(0)!r}"
        for i, cell in code_cells(load(path))
        for output in cell.get("outputs", [])
        for text in texts(output)
        for match in ADDRESS.finditer(text)
    ]
    assert not found, "outputs change from run to run: " + ", ".join(found)


@notebook_param
def test_no_execution_timestamps_are_stored(path):
    stamped = [i for i, cell in enumerate(load(path).cells) if any(key in cell.metadata for key in TIMESTAMP_KEYS)]
    assert not stamped, f"cells {stamped} store execution timestamps; re-run with tools/execute_notebooks.py"


MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"\balt\s*=\s*(\"[^\"]*\S[^\"]*\"|'[^']*\S[^']*')", re.IGNORECASE)
IMAGE_DIRECTIVE = re.compile(r"^(```+|:::+)\{image\}.*$", re.MULTILINE)


def images_without_alt(markdown):
    """The images in a piece of MyST markdown that have no alt text (figures have captions)."""
    missing = [m.group(0) for m in MARKDOWN_IMAGE.finditer(markdown) if not m.group(1).strip()]
    missing += [tag for tag in HTML_IMAGE.findall(markdown) if not HTML_ALT.search(tag)]
    for m in IMAGE_DIRECTIVE.finditer(markdown):
        options = markdown[m.end():].split("\n\n", 1)[0]
        if not re.search(r"^:alt:\s*\S", options, re.MULTILINE):
            missing.append(m.group(0))
    return missing


def test_markdown_images_have_alt_text():
    sources = [(p, p.read_text()) for p in [REPO / "index.md", *sorted(CHAPTERS.glob("*.md"))]]
    sources += [(f"{p} cell {i}", cell.source) for p in NOTEBOOKS for i, cell in enumerate(load(p).cells)
                if cell.cell_type == "markdown"]
    missing = [f"{where}: {image}" for where, text in sources for image in images_without_alt(text)]
    assert not missing, "images without alt text:\n" + "\n".join(missing)


def test_images_without_alt_are_found():
    assert images_without_alt("![](a.png) ![a plot](b.png) <img src='c.png'> <img alt=\"d\" src='d.png'>") == [
        "![](", "<img src='c.png'>"]
    assert images_without_alt("```{image} e.png\n:width: 50%\n```\n\n```{image} f.png\n:alt: f\n```") == [
        "```{image} e.png"]


def toc_files(node):
    """Every file named in a _toc.yml structure (root and each file: entry), as written there."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("root", "file") and isinstance(value, str):
                yield value
            else:
                yield from toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from toc_files(item)


def toc():
    return list(toc_files(yaml.safe_load((REPO / "_toc.yml").read_text())))


def test_every_toc_entry_exists():
    missing = [entry for entry in toc() if not any((REPO / f"{entry}{ext}").is_file() for ext in ("", ".ipynb", ".md"))]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_chapter_notebook_is_in_the_toc():
    listed = {str(Path(entry).with_suffix("")) for entry in toc()}
    unlisted = [str(p.relative_to(REPO)) for p in NOTEBOOKS if str(p.relative_to(REPO).with_suffix("")) not in listed]
    assert not unlisted, f"notebooks missing from _toc.yml: {unlisted}"


BOX_WIDTH = 79
"""Characters that fit one line of a code or output box at the theme's width."""


@notebook_param
def test_code_lines_fit_their_box(path):
    long = [f"cell {i}, line {n}: {len(line)} characters"
            for i, cell in code_cells(load(path))
            for n, line in enumerate(cell.source.splitlines(), 1) if len(line) > BOX_WIDTH]
    assert not long, f"code lines longer than {BOX_WIDTH} characters (run `make format`, then shorten):\n" + "\n".join(long)


@notebook_param
def test_printed_lines_fit_their_box(path):
    long = [f"cell {i}: {len(line)} characters: {line[:60]!r}..."
            for i, cell in code_cells(load(path))
            for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" or "text/plain" in output.get("data", {})
            and not any(m.startswith("image/") for m in output.get("data", {}))
            for line in "".join(output.get("text") or output.get("data", {}).get("text/plain", "")).splitlines()
            if len(line) > BOX_WIDTH]
    assert not long, f"printed lines longer than {BOX_WIDTH} characters:\n" + "\n".join(long)
