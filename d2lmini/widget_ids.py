"""Ids for the notebook twins' root widgets: ``d2lmini-<kind>-1``, ``-2``, ... in each kernel.

A stored notebook output names its root widget's id, so ids that start again at
1 in every kernel leave a re-executed notebook unchanged. Within a kernel the
ids stay unique: one already taken by a live widget is skipped.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

_counters: defaultdict[str, itertools.count] = defaultdict(lambda: itertools.count(1))


def next_root_id(kind: str) -> str:
    """The next free id of the form ``d2lmini-<kind>-<n>`` in this kernel."""
    from ipywidgets.widgets import widget as widget_module

    taken = getattr(widget_module, "_instances", {})
    while True:
        candidate = f"d2lmini-{kind}-{next(_counters[kind])}"
        if candidate not in taken:
            return candidate
