"""A pytest plugin: under nbval, a notebook that needs an optional package is skipped without it.

A notebook names what it needs beyond the book's own requirements in its
metadata, each with the command that installs it::

    "d2lmini": {"requires": {"torch": "pip install torch==2.13.0"}}

When one of those modules cannot be imported, every cell of that notebook is
skipped before its kernel starts, with a reason that names the module and the
command. Under ``CI=true`` the same is a failure: CI installs the optional
packages, so a missing one means a broken setup, not a reader's choice.

It is loaded by the top-level ``conftest.py`` and by the bundle test; it does
nothing to items that do not come from a notebook.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from pathlib import Path

import pytest


@functools.cache
def missing_requirements(path: str) -> tuple[str, ...]:
    """Why the notebook at ``path`` cannot run here: one sentence per missing module, or ()."""
    try:
        metadata = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return ()
    requires = metadata.get("d2lmini", {}).get("requires", {})
    return tuple(
        f"{Path(path).name} needs {module}, which is not installed ({command})"
        for module, command in sorted(requires.items())
        if not _importable(module)
    )


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or blocked install counts as missing
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    path = str(item.path)
    if not path.endswith(".ipynb"):
        return
    reasons = missing_requirements(path)
    if not reasons:
        return
    reason = "; ".join(reasons)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so every notebook must run)", pytrace=False)
    pytest.skip(reason)
