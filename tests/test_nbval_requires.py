"""tests/nbval_requires.py: a notebook whose optional package is missing is skipped, or fails under CI=true."""

import json
from types import SimpleNamespace

import pytest

from tests import nbval_requires

MISSING = "d2lmini_no_such_module"


def notebook(tmp_path, requires=None, name="page.ipynb"):
    metadata = {"d2lmini": {"requires": requires}} if requires is not None else {}
    path = tmp_path / name
    path.write_text(json.dumps({"cells": [], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}))
    return path


def setup(path):
    nbval_requires.pytest_runtest_setup(SimpleNamespace(path=path))


def test_a_missing_module_is_named_with_its_install_command(tmp_path):
    path = notebook(tmp_path, {MISSING: f"pip install {MISSING}==1.0", "numpy": "pip install numpy"})
    assert nbval_requires.missing_requirements(str(path)) == (
        f"page.ipynb needs {MISSING}, which is not installed (pip install {MISSING}==1.0)",)


def test_a_notebook_whose_requirements_are_installed_or_absent_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    setup(notebook(tmp_path, {"numpy": "pip install numpy"}, "installed.ipynb"))
    setup(notebook(tmp_path, None, "plain.ipynb"))
    setup(tmp_path / "test_something.py")  # not a notebook: never looked at


def test_without_ci_the_notebook_is_skipped(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=f"needs {MISSING}"):
        setup(notebook(tmp_path, {MISSING: "pip install it"}))


def test_under_ci_a_missing_module_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        setup(notebook(tmp_path, {MISSING: "pip install it"}))


def test_the_pytorch_chapter_declares_torch():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "chapters" / "pytorch.ipynb"
    metadata = json.loads(path.read_text())["metadata"]
    assert metadata["d2lmini"]["requires"] == {"torch": "pip install torch==2.13.0"}
