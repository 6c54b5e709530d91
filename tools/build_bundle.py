"""Build the reader's bundle: every chapter notebook, a d2lmini wheel, pinned requirements and a README.

    python tools/build_bundle.py [OUT]     # default: _build/html/adagrad-notebooks.zip

The zip holds one folder, ``adagrad-notebooks/``, with

- ``notebooks/*.ipynb``: every chapter notebook of ``_toc.yml``, as stored
  (with its outputs);
- ``d2lmini-<version>-py3-none-any.whl``: built from this repository now;
- ``requirements.txt``: the reader's packages only, at the exact versions of
  the repository's ``requirements.txt`` (and ``make lab``'s JupyterLab);
- ``README.md``: how to install and run it (``tools/bundle_README.md``).

The bundle is reproducible: every zip entry (of the bundle and of the wheel)
gets the same timestamp, ``SOURCE_DATE_EPOCH`` (default: the time of the last
commit), the same permissions and a sorted place, so two builds from one
commit give the same bytes. A build whose inputs (the files above, this
script and that timestamp) hash to the value recorded beside the cached copy
in ``_build/bundle/`` reuses that copy instead of building the wheel again.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "_build" / "html" / "adagrad-notebooks.zip"
CACHE = REPO / "_build" / "bundle"
FOLDER = "adagrad-notebooks"
README_TEMPLATE = REPO / "tools" / "bundle_README.md"

READER_PACKAGES = {
    "numpy": "arrays, in every chapter",
    "matplotlib": "the figures",
    "platformdirs": "d2lmini's data cache folder",
    "ipywidgets": "the explorer's sliders, d2l.widgets.explore()",
    "ipython": "IPython.display, in the sparse-features chapter",
    "scikit-learn": "the digits data of exercise 5",
    "threadpoolctl": "exercise 5 runs numpy on one thread",
}
"""What the notebooks import (d2lmini's own dependencies included), pinned from requirements.txt."""
JUPYTERLAB = "jupyterlab==4.6.6"
"""The notebook interface, at the version `make lab` installs."""
WHEEL_SOURCES = ("pyproject.toml", "README.md")
FALLBACK_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can hold


def source_date_epoch() -> int:
    """``$SOURCE_DATE_EPOCH``, else the committer time of HEAD, else 1980-01-01."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return max(int(os.environ["SOURCE_DATE_EPOCH"]), FALLBACK_EPOCH)
    try:
        out = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return max(int(out), FALLBACK_EPOCH)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return FALLBACK_EPOCH


def chapter_notebooks(repo: Path = REPO) -> list[Path]:
    """The notebooks listed in ``_toc.yml``, in reading order."""
    def files(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("root", "file") and isinstance(value, str):
                    yield value
                else:
                    yield from files(value)
        elif isinstance(node, list):
            for item in node:
                yield from files(item)

    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    return [repo / f"{entry}.ipynb" for entry in files(toc) if (repo / f"{entry}.ipynb").is_file()]


def package_sources(repo: Path = REPO) -> list[Path]:
    return sorted((repo / "d2lmini").glob("*.py"))


def pins(requirements: Path) -> dict[str, str]:
    """``{normalized name: 'name==version'}`` of a requirements file of exact pins."""
    found = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name = line.split("==", 1)[0].strip()
            found[re.sub(r"[-_.]+", "-", name).lower()] = line
    return found


def reader_requirements(repo: Path = REPO) -> str:
    """The bundle's requirements.txt: the reader's packages at the repository's versions."""
    pinned = pins(repo / "requirements.txt")
    missing = [name for name in READER_PACKAGES if name not in pinned]
    if missing:
        raise SystemExit(f"requirements.txt pins no version of {', '.join(missing)}, which the bundle needs")
    width = max(len(pinned[name]) for name in READER_PACKAGES) + 2
    lines = ["# The packages the notebooks need, at the versions their outputs were made with.",
             "# Install with the d2lmini wheel beside this file (see README.md).",
             *(f"{pinned[name]:{width}}# {why}" for name, why in READER_PACKAGES.items()),
             f"{JUPYTERLAB:{width}}# the notebook interface (jupyter lab)"]
    return "\n".join(lines) + "\n"


def inputs_digest(epoch: int, repo: Path = REPO) -> str:
    """SHA-256 over every input of the bundle, its builder and the timestamp."""
    digest = hashlib.sha256(f"epoch {epoch}\n".encode())
    files = [*chapter_notebooks(repo), *package_sources(repo), *(repo / name for name in WHEEL_SOURCES),
             repo / "requirements.txt", README_TEMPLATE, Path(__file__).resolve()]
    for path in files:
        digest.update(f"{path.relative_to(repo) if path.is_relative_to(repo) else path.name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def normalized_zip(entries: dict[str, bytes], epoch: int) -> bytes:
    """A deflated zip of ``{name: bytes}``: names sorted, one timestamp, mode 0644, no extra fields."""
    import time

    stamp = time.gmtime(epoch)[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # unix, so that the mode above is read
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def build_wheel(epoch: int, repo: Path = REPO) -> tuple[str, bytes]:
    """Build d2lmini's wheel from a clean copy of its sources; return (file name, normalized bytes).

    The copy leaves no ``build/`` or ``*.egg-info`` in the repository. The wheel's
    entries are rewritten by :func:`normalized_zip`; their contents, and so the
    hashes in its RECORD, are those setuptools wrote.
    """
    with tempfile.TemporaryDirectory(prefix="d2lmini-wheel-") as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        (src / "d2lmini").mkdir(parents=True)
        for path in [*(repo / name for name in WHEEL_SOURCES), *package_sources(repo)]:
            target = src / path.relative_to(repo)
            shutil.copyfile(path, target)
            target.chmod(0o644)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "PYTHONDONTWRITEBYTECODE": "1"}
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--no-cache-dir", "--wheel-dir", str(dist), str(src)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        (wheel,) = dist.glob("d2lmini-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            entries = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
        return wheel.name, normalized_zip(entries, epoch)


def readme(wheel_name: str, notebooks: list[Path]) -> str:
    listing = "\n".join(f"- `notebooks/{path.name}`" for path in notebooks)
    return README_TEMPLATE.read_text(encoding="utf-8").format(wheel=wheel_name, notebooks=listing)


def build_bundle(epoch: int, repo: Path = REPO) -> bytes:
    """The bundle's bytes, built from scratch."""
    notebooks = chapter_notebooks(repo)
    wheel_name, wheel = build_wheel(epoch, repo)
    entries = {f"{FOLDER}/notebooks/{path.name}": path.read_bytes() for path in notebooks}
    entries[f"{FOLDER}/{wheel_name}"] = wheel
    entries[f"{FOLDER}/requirements.txt"] = reader_requirements(repo).encode()
    entries[f"{FOLDER}/README.md"] = readme(wheel_name, notebooks).encode()
    return normalized_zip(entries, epoch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="where to write the zip")
    parser.add_argument("--no-cache", action="store_true", help="build even if the inputs are unchanged")
    args = parser.parse_args(argv)
    epoch = source_date_epoch()
    digest = inputs_digest(epoch)
    cached, stamp = CACHE / "adagrad-notebooks.zip", CACHE / "inputs.sha256"
    if args.no_cache or not (cached.is_file() and stamp.is_file() and stamp.read_text().strip() == digest):
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".part")
        tmp.write_bytes(build_bundle(epoch))
        tmp.replace(cached)
        stamp.write_text(digest + "\n")
        print(f"bundle: built {cached.relative_to(REPO)} ({cached.stat().st_size / 1e6:.2f} MB)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not args.out.is_file() or args.out.read_bytes() != cached.read_bytes():
        shutil.copyfile(cached, args.out)
    print(f"bundle: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
