"""The book's prose is its own: no run of 10 words shared with the reference page.

The checker and the reference page live in ``../shared`` (next to the
repository in this project's CI and workspace, not in the repository: the
reference text may not be redistributed). Where they are absent, as on a
reader's machine, the test skips, saying so; under ``CI=true`` it fails.
"""

import os
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
