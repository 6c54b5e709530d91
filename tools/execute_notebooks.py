"""Re-execute notebooks in place so their stored outputs match the code, or check that they do.

    python tools/execute_notebooks.py chapters/*.ipynb          # rewrite the stored outputs
    python tools/execute_notebooks.py --check chapters/*.ipynb  # fail if any stored output is stale

Each notebook runs in its own folder with a fresh kernel of this Python.
No execution timestamps are recorded, and a cell whose outputs differ only in
what tests/nbval_sanitize.cfg normalizes (the timing lines) keeps its stored
outputs, so re-executing an unchanged notebook changes nothing in git.

With ``--check`` the stored files are left alone: each notebook is executed
as a temporary copy, and every code cell's outputs are compared with the
stored ones, text exactly and images byte for byte (PNG), after the
sanitizers of tests/nbval_sanitize.cfg (the timing lines) have been applied
to the text. The exit status is 1 if any notebook differs; the message lists
the notebook, the cell indices and what differs.
"""

from __future__ import annotations

import argparse
import base64
import configparser
import copy
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

SANITIZE_CFG = Path(__file__).resolve().parents[1] / "tests" / "nbval_sanitize.cfg"


def merge_streams(outputs: list[Any]) -> list[Any]:
    """Join each run of adjacent stream outputs of one name (stdout, stderr) into one output.

    The kernel sends printed text in chunks whose boundaries depend on timing, so
    without this a re-run could store the same text split differently.
    """
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] = _text(previous["text"]) + _text(output["text"])
        else:
            merged.append(output)
    return merged


def run(notebook: nbformat.NotebookNode, folder: Path, timeout: int) -> nbformat.NotebookNode:
    """Execute ``notebook`` in place in ``folder``; merge split streams; drop the per-cell execution metadata."""
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        record_timing=False,
        store_widget_state=False,
    )
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    return notebook


def execute(path: Path, timeout: int) -> int:
    """Re-execute ``path`` in place; return how many code cells changed their outputs.

    A cell whose fresh outputs equal the stored ones after the sanitizers (so
    only a timing line differs) keeps its stored outputs: re-executing an
    unchanged notebook changes nothing in git, and each timing shown is the one
    measured by the run that last changed its cell.
    """
    stored = nbformat.read(path, as_version=4)
    fresh = run(copy.deepcopy(stored), path.parent, timeout)
    rules = sanitizers()
    changed = 0
    for old, new in zip(stored.cells, fresh.cells):
        if new.cell_type != "code":
            continue
        if old.get("execution_count") == new.get("execution_count") and _outputs(old, rules) == _outputs(new, rules):
            new.outputs = old.outputs
        else:
            changed += 1
    nbformat.write(fresh, path)
    return changed


def sanitizers(cfg: Path = SANITIZE_CFG) -> list[tuple[re.Pattern[str], str]]:
    """The (regex, replacement) pairs of an nbval sanitize file."""
    parser = configparser.ConfigParser()
    parser.read(cfg)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _normalized(output: dict[str, Any], rules: list[tuple[re.Pattern[str], str]]) -> dict[str, Any]:
    """A comparable form of one output: sanitized text, decoded image bytes, everything else as stored."""

    def clean(text: str) -> str:
        for regex, replace in rules:
            text = regex.sub(replace, text)
        return text

    result: dict[str, Any] = {"output_type": output.get("output_type")}
    if "name" in output:
        result["name"] = output["name"]
    if "text" in output:
        result["text"] = clean(_text(output["text"]))
    if "ename" in output:
        result["error"] = (output["ename"], output.get("evalue"))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("image/") and mime != "image/svg+xml":  # base64: compare the bytes
            result[mime] = base64.b64decode(_text(value))
        elif isinstance(value, (str, list)):
            result[mime] = clean(_text(value))
        else:
            result[mime] = value
    if "execution_count" in output:
        result["execution_count"] = output["execution_count"]
    if output.get("metadata"):
        result["metadata"] = output["metadata"]
    return result


def _outputs(cell: nbformat.NotebookNode, rules: list[tuple[re.Pattern[str], str]]) -> list[dict[str, Any]]:
    """A code cell's outputs in comparable form (streams merged, text sanitized, images decoded)."""
    return [_normalized(o, rules) for o in merge_streams(copy.deepcopy(cell.get("outputs", [])))]


def _describe(stored: list[dict[str, Any]], fresh: list[dict[str, Any]]) -> str:
    if len(stored) != len(fresh):
        kinds = lambda outs: [o["output_type"] for o in outs]  # noqa: E731
        return f"{len(stored)} stored outputs {kinds(stored)}, {len(fresh)} fresh ones {kinds(fresh)}"
    parts = []
    for k, (a, b) in enumerate(zip(stored, fresh)):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                if key.startswith("image/"):
                    parts.append(f"output {k} {key} differs ({len(a.get(key) or b'')} stored vs "
                                 f"{len(b.get(key) or b'')} fresh bytes)")
                elif isinstance(a.get(key), str) and isinstance(b.get(key), str):
                    old, new = a[key].splitlines(), b[key].splitlines()
                    line = next((j for j, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
                    first = lambda lines: lines[line][:120] if line < len(lines) else "<end>"  # noqa: E731
                    parts.append(f"output {k} {key}, line {line + 1}: stored {first(old)!r}, fresh {first(new)!r}")
                else:
                    parts.append(f"output {k} {key}: stored {str(a.get(key))[:120]!r}, fresh {str(b.get(key))[:120]!r}")
    return "; ".join(parts)


def compare(stored: nbformat.NotebookNode, fresh: nbformat.NotebookNode,
            rules: list[tuple[re.Pattern[str], str]]) -> list[str]:
    """One line per code cell whose execution count or outputs differ, naming the cell index."""
    problems = []
    for index, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
        if old.cell_type != "code":
            continue
        if old.get("execution_count") != new.get("execution_count"):
            problems.append(f"cell {index}: execution_count stored {old.get('execution_count')}, "
                            f"fresh {new.get('execution_count')}")
        a, b = _outputs(old, rules), _outputs(new, rules)
        for o in b:
            if "error" in o:
                problems.append(f"cell {index}: raised {o['error'][0]}: {o['error'][1]}")
        if a != b:
            problems.append(f"cell {index}: {_describe(a, b)}")
    return problems


def check(path: Path, timeout: int, keep: Path | None) -> list[str]:
    """Execute a temporary copy of ``path``; return its differences from the stored outputs.

    The file itself is never written. The kernel runs in the notebook's folder, as
    for the stored run, so relative paths mean the same. With ``keep`` the executed
    copy is saved there for inspection.
    """
    stored = nbformat.read(path, as_version=4)
    fresh = run(copy.deepcopy(stored), path.parent, timeout)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        nbformat.write(fresh, keep / path.name)
    return compare(stored, fresh, sanitizers())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--check", action="store_true",
                        help="execute into a temporary copy and fail if any stored output differs")
    parser.add_argument("--keep", type=Path, default=None,
                        help="with --check: save the executed copies in this folder")
    args = parser.parse_args(argv)
    stale = 0
    for path in args.notebooks:
        start = time.perf_counter()
        if not args.check:
            changed = execute(path, args.timeout)
            print(f"executed {path} ({time.perf_counter() - start:.1f} s): "
                  f"{changed} code cells changed their outputs", file=sys.stderr)
            continue
        problems = check(path, args.timeout, args.keep)
        took = time.perf_counter() - start
        if problems:
            stale += 1
            print(f"STALE {path} ({took:.1f} s): re-run `make notebooks` after checking why:", file=sys.stderr)
            for line in problems:
                print(f"  {line}", file=sys.stderr)
        else:
            print(f"ok    {path} ({took:.1f} s)", file=sys.stderr)
    if stale:
        print(f"{stale} of {len(args.notebooks)} notebooks have stale outputs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
