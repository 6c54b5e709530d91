"""What the notebook twins of the live figures share.

- Root widget ids ``d2lmini-<kind>-1``, ``-2``, ... in each kernel. A stored
  notebook output names its root widget's id, so ids that start again at 1 in
  every kernel leave a re-executed notebook unchanged. Within a kernel the ids
  stay unique: one already taken by a live widget is skipped.
- The notch a logarithmic slider snaps to.
- :class:`TwinDisplay`: a twin shows as its widget, with its repr as plain text.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

_counters: defaultdict[str, itertools.count] = defaultdict(lambda: itertools.count(1))


def next_root_id(kind: str) -> str:
    """The next free id of the form ``d2lmini-<kind>-<n>`` in this kernel."""
    from ipywidgets.widgets import widget as widget_module

    taken = getattr(widget_module, "_instances", {})
    while True:
        candidate = f"d2lmini-{kind}-{next(_counters[kind])}"
        if candidate not in taken:
            return candidate


def nearest_notch(notches: Iterable[float], value: float) -> float:
    """The notch v nearest to ``value`` on a logarithmic scale: the v minimizing :math:`|\\log v - \\log x|`."""
    return min(notches, key=lambda v: abs(math.log(v) - math.log(value)))


class TwinDisplay:
    """Shown in a notebook as ``self.widget``, with ``repr(self)`` as the plain-text form."""

    widget: Any

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle
