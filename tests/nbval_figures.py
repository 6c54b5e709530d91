"""A pytest plugin: under nbval, the stored figures must be the ones a fresh run shows.

nbval (strict) compares every stored text output of a notebook with a fresh
run, but it skips images unless failures are shown with nbdime, and it ignores
``update_display_data``, the message by which a live plot (``d2lmini.Animator``)
replaces its figure in place. This plugin adds the missing half. While nbval
runs a cell, it records the kernel's messages; afterwards it rebuilds the
figures a notebook frontend would end up showing (each display, then its
updates, matched by display id) and requires them to equal the stored ones:
SVG text (the book's format, see ``d2lmini.style``) and PNG bytes alike. The
figures are deterministic (pinned matplotlib; SVG with fixed element ids and
no date; no dates in PNG), so a difference means the code changed and
``make notebooks`` was not re-run.

It is loaded by the top-level ``conftest.py``; it does nothing without ``--nbval``.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

FIGURE_MIMES = ("image/svg+xml", "image/png")
SHOWN = ("display_data", "execute_result")


def _figure(data: dict[str, Any]) -> bytes | None:
    """The figure in one output's data as bytes (SVG as UTF-8 text, PNG decoded), or None."""
    for mime in FIGURE_MIMES:
        value = data.get(mime)
        if value is not None:
            text = "".join(value) if isinstance(value, list) else value
            return text.encode() if mime == "image/svg+xml" else base64.b64decode(text)
    return None


def stored_figures(outputs: list[Any]) -> list[bytes]:
    """The bytes of every figure among a cell's stored outputs, in order."""
    return [fig for output in outputs if (fig := _figure(output.get("data", {}))) is not None]


def shown_figures(messages: list[dict[str, Any]], msg_id: str) -> list[bytes]:
    """The figures a frontend shows at the end of the execution ``msg_id``.

    Each ``display_data`` or ``execute_result`` adds an output; an
    ``update_display_data`` replaces the data of every earlier output with
    its display id, as Jupyter frontends (and nbclient) do.
    """
    shown: list[tuple[str | None, dict[str, Any]]] = []
    for message in messages:
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        display_id = content.get("transient", {}).get("display_id")
        if kind in SHOWN:
            shown.append((display_id, content.get("data", {})))
        elif kind == "update_display_data":
            shown = [(d, content.get("data", {}) if d == display_id else data) for d, data in shown]
        elif kind == "clear_output":
            shown = []
    return [fig for _, data in shown if (fig := _figure(data)) is not None]


def stale_figures(stored: list[bytes], fresh: list[bytes]) -> str | None:
    """How the stored figures differ from the fresh ones, or None if they are equal."""
    if len(stored) != len(fresh):
        return f"{len(stored)} stored figures, {len(fresh)} in a fresh run"
    changed = [
        f"figure {k} ({len(a)} stored vs {len(b)} fresh bytes)"
        for k, (a, b) in enumerate(zip(stored, fresh))
        if a != b
    ]
    return "; ".join(changed) or None


def _is_nbval_cell(item: pytest.Item) -> bool:
    return (
        item.config.getoption("nbval", default=False)
        and hasattr(item, "cell")
        and hasattr(item.parent, "get_kernel_message")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not _is_nbval_cell(item):
        return (yield)
    notebook = item.parent
    # nbval compares SVG as text but ignores update_display_data, so it would
    # compare a live plot's final stored figure with its first frame. The
    # figures are compared here instead, updates included.
    if "image/svg+xml" not in notebook.skip_compare:
        notebook.skip_compare = (*notebook.skip_compare, "image/svg+xml")
    messages: list[dict[str, Any]] = []
    receive = notebook.get_kernel_message

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        message = receive(*args, **kwargs)
        messages.append(message)
        return message

    notebook.get_kernel_message = recording
    try:
        result = yield
    finally:
        del notebook.get_kernel_message  # the method of nbval's class is back
    # nbval stops reading at the cell's final "idle" status, so the last message is this cell's.
    msg_id = messages[-1]["parent_header"].get("msg_id") if messages else None
    problem = stale_figures(stored_figures(item.cell.get("outputs", [])), shown_figures(messages, msg_id))
    if problem:
        raise AssertionError(f"{item.name}: the stored figures are stale: {problem}. Re-run `make notebooks`.")
    return result
