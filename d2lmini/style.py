"""The book's figure style: one colour per method, readable text, crisp SVG.

Every figure of the book is drawn in this style. A notebook applies it once,
explicitly, in its first cell::

    import d2lmini as d2l
    d2l.use_book_style()

Importing :mod:`d2lmini` changes no setting; :func:`use_book_style` changes
matplotlib's ``rcParams`` to :data:`RC` and, inside a Jupyter kernel, makes
the inline backend send figures as SVG (vector graphics: sharp on any screen
and in print) with no creation date, so a re-run stores identical bytes. For a
temporary style, use ``with d2l.book_style(): ...``.

The colours are the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness, and each method keeps its colour on every
page and in the web explorers, which read :data:`COLORS` at build time.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from types import MappingProxyType
from typing import Any

COLORS: MappingProxyType[str, str] = MappingProxyType({
    "gd": "#D55E00",        # gradient descent, minibatch SGD: vermilion
    "sgd": "#D55E00",
    "global": "#D55E00",    # the shared schedule η0/√(t + c), SGD's decay
    "adagrad": "#0072B2",   # blue
    "rmsprop": "#009E73",   # bluish green
    "clock": "#CC79A7",     # per-feature count clocks: reddish purple
    "torch": "#E69F00",     # PyTorch's run beside d2lmini's: orange
    "reference": "#666666",  # bounds, floors, slopes and other guides
    "contour": "#B8B8B8",   # level sets of an objective
})
"""One colour per method (and for guides and contours), the same on every page."""

LINESTYLES: MappingProxyType[str, str] = MappingProxyType({
    "gd": "--", "sgd": "--", "global": "--",
    "adagrad": "-", "rmsprop": "-.", "clock": ":", "torch": ":",
})
"""A line style per method, so that figures also read in black and white."""

RC: MappingProxyType[str, Any] = MappingProxyType({
    "figure.figsize": [5.5, 3.4],
    "figure.facecolor": "white",     # readable on the theme's dark background too
    "savefig.facecolor": "white",
    "font.size": 10.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "lines.markersize": 4.0,
    "svg.fonttype": "path",          # text as outlines: no font needed to view it
    "svg.hashsalt": "d2lmini",       # fixed element ids: identical bytes every run
})
"""matplotlib settings of the book (text at least 9 pt at the figures' natural size).

:func:`use_book_style` and :func:`book_style` add the colour cycle: the
colours of :data:`COLORS`, Adagrad's first.
"""

_CYCLE = ("adagrad", "gd", "rmsprop", "clock", "torch", "reference")


def _rc() -> dict[str, Any]:
    from cycler import cycler

    rc = dict(RC)
    rc["axes.prop_cycle"] = cycler(color=[COLORS[name] for name in _CYCLE])
    return rc


def book_style() -> AbstractContextManager[None]:
    """A context manager that draws in the book's style and restores the settings afterwards."""
    import matplotlib

    return matplotlib.rc_context(_rc())


def use_book_style() -> None:
    """Draw every following figure in the book's style; in a Jupyter kernel, as SVG.

    Sets matplotlib's ``rcParams`` to :data:`RC` (with the colours of
    :data:`COLORS` as the colour cycle). Inside a kernel, the inline backend
    then sends SVG without a creation date, so that re-running a notebook
    stores the same bytes.
    """
    import matplotlib

    matplotlib.rcParams.update(_rc())
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if getattr(shell, "kernel", None) is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", metadata={"Date": None})
