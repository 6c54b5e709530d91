"""The notebook bundle, as a reader downloads it from the built site (tools/build_bundle.py).

The first tests read the zip and the built pages. The last one
(``-m bundle_venv``, run by ``make bundle-test``) does what the bundle's README
tells a reader to do: it unpacks the zip into a temporary folder, creates a
fresh virtual environment, installs the bundle's requirements and wheel from
the package registry (pip's cache is reused), and runs every notebook of the
bundle under nbval (strict, with this repository's sanitizers and figure
check), reading the airfoil data from ``../shared/data``. Locally the tests
skip without a built site; under CI=true that is a failure.
"""

from __future__ import annotations

import ast
import base64
import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import build_bundle  # noqa: E402

SITE = Path(os.environ.get("D2LMINI_BOOK_HTML", REPO / "_build" / "html")).resolve()
ZIP = SITE / "adagrad-notebooks.zip"
FOLDER = build_bundle.FOLDER
IN_CI = os.environ.get("CI", "").lower() == "true"
BOOK_STACK = ("jupyter-book", "sphinx", "myst-nb", "myst-parser", "nbval", "pytest", "playwright", "ruff",
              "sphinx-book-theme", "sphinx-exercise", "sphinxcontrib-bibtex", "axe-playwright-python")
"""What builds and tests the book; a reader needs none of it."""
IMPORT_NAMES = {"sklearn": "scikit-learn", "IPython": "ipython"}
"""Distribution names of the notebooks' imports where they differ from the module name."""


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so the bundle tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def bundle() -> zipfile.ZipFile:
    if not ZIP.is_file():
        unavailable(f"no bundle at {ZIP} (run `make book`)")
    with zipfile.ZipFile(ZIP) as archive:
        yield archive


def member(bundle: zipfile.ZipFile, name: str) -> bytes:
    return bundle.read(f"{FOLDER}/{name}")


def wheel_name(bundle: zipfile.ZipFile) -> str:
    (name,) = [n.rsplit("/", 1)[-1] for n in bundle.namelist() if n.endswith(".whl")]
    return name


def toc_notebooks() -> list[Path]:
    from test_notebooks import toc_files

    entries = toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))
    return [REPO / f"{e}.ipynb" for e in entries if (REPO / f"{e}.ipynb").is_file()]


def test_the_bundle_holds_every_chapter_notebook_with_its_outputs(bundle):
    names = sorted(n for n in bundle.namelist() if n.endswith(".ipynb"))
    assert names == sorted(f"{FOLDER}/notebooks/{p.name}" for p in toc_notebooks())
    for path in toc_notebooks():
        stored = member(bundle, f"notebooks/{path.name}")
        assert stored == path.read_bytes(), f"{path.name} in the bundle is not the committed notebook"
        nb = nbformat.reads(stored.decode(), as_version=4)
        assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), path.name


def test_the_bundle_holds_only_what_its_readme_lists(bundle):
    names = {n.split("/", 1)[1] for n in bundle.namelist()}
    notebooks = {f"notebooks/{p.name}" for p in toc_notebooks()}
    assert names == {"README.md", "requirements.txt", wheel_name(bundle)} | notebooks
    readme = member(bundle, "README.md").decode()
    for name in sorted(names):
        assert f"`{name}`" in readme, f"README.md does not list {name}"


def test_the_wheel_is_d2lmini_built_from_this_repository(bundle):
    wheel = zipfile.ZipFile(io.BytesIO(member(bundle, wheel_name(bundle))))
    sources = {f"d2lmini/{p.name}": p.read_bytes() for p in sorted((REPO / "d2lmini").glob("*.py"))}
    packaged = {n: wheel.read(n) for n in wheel.namelist() if n.startswith("d2lmini/")}
    assert packaged == sources
    project = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["project"]
    assert wheel_name(bundle) == f"d2lmini-{project['version']}-py3-none-any.whl"
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    text = wheel.read(metadata).decode()
    requires = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Requires-Dist: ")]
    assert [r for r in requires if "extra ==" not in r] == project["dependencies"]
    # RECORD lists every file with the hash of its bytes
    (record,) = [n for n in wheel.namelist() if n.endswith(".dist-info/RECORD")]
    for name, digest, _size in csv.reader(io.StringIO(wheel.read(record).decode())):
        if digest:
            algorithm, value = digest.split("=", 1)
            actual = base64.urlsafe_b64encode(hashlib.new(algorithm, wheel.read(name)).digest()).rstrip(b"=")
            assert actual.decode() == value, name


def third_party_imports() -> set[str]:
    """Distribution names of every package the chapter notebooks import, d2lmini and the standard library aside."""
    found = set()
    for path in toc_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top != "d2lmini":
                        found.add(IMPORT_NAMES.get(top, top))
    return found


def test_the_requirements_are_the_readers_pins_at_the_repository_versions(bundle):
    lines = [line.split("#", 1)[0].strip() for line in member(bundle, "requirements.txt").decode().splitlines()]
    pinned = dict(line.split("==", 1) for line in lines if line)
    repository = build_bundle.pins(REPO / "requirements.txt")  # {normalized name: "Name==version"}
    lab = re.search(r"jupyterlab==[\w.]+", (REPO / "Makefile").read_text()).group(0)
    for name, version in pinned.items():
        expected = lab if name == "jupyterlab" else repository.get(re.sub(r"[-_.]+", "-", name).lower())
        assert f"{name}=={version}" == expected, f"{name}=={version}: the repository pins {expected}"
    assert {"numpy", "matplotlib", "ipywidgets", "jupyterlab"} <= set(pinned)
    assert not set(pinned) & set(BOOK_STACK)
    # everything the notebooks import is pinned, except the optional torch (see the README)
    assert third_party_imports() - {"torch"} <= set(pinned), third_party_imports() - set(pinned)
    # ... and d2lmini's own dependencies
    project = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["project"]
    assert {re.split(r"[<>=!~ ]", d)[0] for d in project["dependencies"]} <= set(pinned)


def test_the_readme_gives_the_three_commands_the_data_and_torch(bundle):
    readme = member(bundle, "README.md").decode()
    commands = re.findall(r"```sh\n(.*?)```", readme, re.S)[0].strip().splitlines()
    assert commands == ["python3 -m venv .venv",
                        f".venv/bin/pip install -r requirements.txt {wheel_name(bundle)}",
                        ".venv/bin/jupyter lab notebooks"]
    assert "D2LMINI_DATA_DIR" in readme and "SHA-256" in readme and "~/.cache/d2lmini" in readme
    assert "pip install torch==2.13.0" in readme


def test_two_builds_from_one_commit_give_the_same_bytes(bundle, tmp_path):
    """A fresh build (wheel included) equals the built site's zip: same entries, timestamps, modes, bytes."""
    epoch = build_bundle.source_date_epoch()
    fresh = build_bundle.build_bundle(epoch)
    # Digests, not the bytes: a failing comparison of two large byte strings makes pytest's diff take minutes.
    assert hashlib.sha256(fresh).hexdigest() == hashlib.sha256(ZIP.read_bytes()).hexdigest(), (
        "a fresh build differs from the built site's zip (run `make book` after changing a notebook or d2lmini)"
    )
    stamp = __import__("time").gmtime(epoch - epoch % 2)[:6]  # a zip stores even seconds
    for info in bundle.infolist():
        assert info.date_time == stamp and info.external_attr >> 16 == 0o100644
    assert bundle.namelist() == sorted(bundle.namelist())


def test_the_landing_page_and_every_chapter_link_the_bundle():
    if not (SITE / "index.html").is_file():
        unavailable(f"no built book at {SITE} (run `make book`)")
    index = BeautifulSoup((SITE / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in index.select("article a[href]")}
    assert {"adagrad-notebooks.zip", "adagrad-interactively.pdf"} <= links
    pages = sorted((SITE / "chapters").glob("*.html"))
    assert len(pages) >= len(toc_notebooks())
    for page in pages:
        lines = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("p.run-it-yourself")
        assert len(lines) == 1, f"{page.name} has {len(lines)} 'Run it yourself' lines"
        (link,) = lines[0].select("a[href]")
        assert (page.parent / link["href"]).resolve() == ZIP
        if (REPO / "chapters" / f"{page.stem}.ipynb").is_file():
            assert f"notebooks/{page.stem}.ipynb" in lines[0].get_text()


def test_no_page_has_a_launch_button():
    """No Binder, Colab or live-code button until the book has a public repository."""
    if not (SITE / "index.html").is_file():
        unavailable(f"no built book at {SITE} (run `make book`)")
    launchers = re.compile(r"mybinder|binder\.|colab\.research|thebe-launch|launch-buttons|jupyterhub", re.I)
    found = [f"{page.relative_to(SITE)}: {m.group(0)}" for page in sorted(SITE.rglob("*.html"))
             for m in launchers.finditer(page.read_text(encoding="utf-8"))]
    assert not found, found


# --- a reader's install ---------------------------------------------------------------------------


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(str(c) for c in command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


@pytest.mark.bundle_venv
def test_the_bundle_installs_in_a_fresh_venv_and_its_notebooks_pass_nbval(bundle, tmp_path):
    shared_data = (REPO.parent / "shared" / "data").resolve()
    if not (shared_data / "airfoil_self_noise.dat").is_file():
        unavailable(f"the airfoil data is not in {shared_data}")
    bundle.extractall(tmp_path)
    folder = tmp_path / FOLDER
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", str(venv)])
    # What the README says: its requirements and its wheel, nothing from this repository.
    run([str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt", wheel_name(bundle)], cwd=folder)
    # The optional page too, when the environment that runs this test has torch (CI does).
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        run([str(python), "-m", "pip", "install", "--quiet", f"torch=={torch.__version__}"], cwd=folder)
    # The test tools, at the repository's versions, and its nbval plugins, copied beside the bundle.
    pinned = build_bundle.pins(REPO / "requirements.txt")
    run([str(python), "-m", "pip", "install", "--quiet", pinned["nbval"], pinned["pytest"]], cwd=folder)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for name in ("nbval_figures.py", "nbval_requires.py"):
        shutil.copyfile(REPO / "tests" / name, plugins / name)
    shutil.copyfile(REPO / "tests" / "nbval_sanitize.cfg", tmp_path / "nbval_sanitize.cfg")
    # d2lmini must come from the wheel: the test runs outside the repository with nothing of it on the path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PYTHONPATH=str(plugins), D2LMINI_DATA_DIR=str(shared_data))
    where = run([str(python), "-c", "import d2lmini; print(d2lmini.__file__)"], cwd=tmp_path, env=env,
                capture_output=True, text=True).stdout
    assert where.startswith(str(venv)), where
    run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "nbval_figures", "-p", "nbval_requires",
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(tmp_path / "nbval_sanitize.cfg"),
         "notebooks"], cwd=folder, env=env)
