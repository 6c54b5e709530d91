"""The book's prose is its own: no run of 10 words shared with the reference page.

The checker and the reference page live in ``../shared`` (next to the
repository in this project's CI and workspace, not in the repository: the
reference text may not be redistributed). Where they are absent, as on a
reader's machine, the test skips, saying so; under ``CI=true`` it fails.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKER = REPO.parent / "shared" / "tools" / "prose-overlap"
PROSE = ["chapters", "index.md", "README.md", "d2lmini", "tests"]


def test_no_run_of_ten_words_is_shared_with_the_reference():
    if not CHECKER.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHECKER} is missing (CI=true, so the prose check must run)", pytrace=False)
        pytest.skip(f"no prose checker at {CHECKER}")
    result = subprocess.run([sys.executable, str(CHECKER), *PROSE], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 shared run(s)" in result.stdout, result.stdout


TEST_TALK = re.compile(r"unit tests?|test suite|tests/|nbval|\btest_\w+|pytest|\bCI\b", re.I)


def _reader_prose():
    """(where, text) of every piece of reader-facing prose: Markdown pages and Markdown cells."""
    import nbformat

    for path in [REPO / "index.md", *sorted((REPO / "chapters").glob("*.md"))]:
        yield str(path.relative_to(REPO)), path.read_text()
    for path in sorted((REPO / "chapters").glob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "markdown":
                yield f"{path.relative_to(REPO)} cell {i}", cell.source


def test_the_prose_never_talks_about_the_test_suite():
    talk = [f"{where}: {m.group(0)!r}" for where, text in _reader_prose() for m in TEST_TALK.finditer(text)]
    assert not talk, "prose that talks about the test suite:\n" + "\n".join(talk)
