"""A live line plot with d2l's ``Animator.add(x, y)`` API, drawn once and updated in place.

The figure and its lines are created once; each ``add`` appends to the lines'
data. In a Jupyter kernel the figure is shown through one IPython display
handle that is updated in place, at most once per ``min_interval`` seconds; the
latest state is always shown in the end (by :meth:`Animator.flush`, or
automatically when the cell finishes). Outside a kernel nothing is printed: the
figure is redrawn on its own canvas, under the same throttle.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any, Sequence

import numpy as np

from . import _checks

_DEFAULT_FMTS = ("-", "m--", "g-.", "r:")


def _kernel_shell() -> Any:
    """The running IPython kernel's shell, or None; never imports IPython itself."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def _check_formats(ax: Any, fmts: list[str], fig: Any) -> None:
    """Raise ``ValueError`` (and close ``fig``) unless matplotlib understands every format string.

    Each one draws an empty line that is removed again; the colour cycle is
    then reset, so the axes are as they were.
    """
    import matplotlib.pyplot as plt

    for fmt in fmts:
        try:
            ax.plot([], [], fmt)[0].remove()
        except ValueError as err:
            plt.close(fig)
            raise ValueError(f"fmts must hold matplotlib format strings such as 'm--'; {fmt!r} is not one: {err}"
                             ) from None
    ax.set_prop_cycle(None)


def _limits(name: str, value: Any) -> tuple[float, float] | None:
    return None if value is None else tuple(float(v) for v in _checks.real_array(name, value, (2,)))


def _as_list(value: Any) -> list[Any]:
    return list(value) if np.ndim(value) > 0 else [value]


class Animator:
    """Plot data that arrives point by point.

    ``add(x, y)`` appends one point to each of ``len(y)`` lines (``x`` may be
    one value shared by all). Limits given as ``xlim``/``ylim`` stay fixed;
    otherwise the axes follow the data. The lists of points are kept in ``X``
    and ``Y``, one list per line, as in d2l.

    Every argument is checked before the figure is made: ``fmts`` and
    ``legend`` are sequences (one string is not: write ``fmts=('r--',)``),
    each format is one matplotlib understands, the limits and ``figsize`` are
    pairs of finite numbers, and ``nrows`` and ``ncols`` lie in [1, 10].
    """

    def __init__(
        self,
        xlabel: str | None = None,
        ylabel: str | None = None,
        legend: Sequence[str] | None = None,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        xscale: str = "linear",
        yscale: str = "linear",
        fmts: Sequence[str] = _DEFAULT_FMTS,
        nrows: int = 1,
        ncols: int = 1,
        figsize: tuple[float, float] = (3.5, 2.5),
        min_interval: float = 0.1,
    ) -> None:
        import matplotlib.pyplot as plt
        from matplotlib.scale import get_scale_names

        legend = None if legend is None else _checks.sequence("legend", legend, "a sequence of labels", empty=True)
        fmts = _checks.sequence("fmts", fmts, "a sequence of matplotlib format strings such as ('-', 'm--')")
        for fmt in fmts:
            _checks.instance("each of fmts", fmt, str, "a format string such as 'm--'")
        _checks.one_of("xscale", xscale, get_scale_names())
        _checks.one_of("yscale", yscale, get_scale_names())
        xlim, ylim = _limits("xlim", xlim), _limits("ylim", ylim)
        figsize = tuple(_checks.positive_float("figsize", v)
                        for v in _checks.real_array("figsize", figsize, (2,)).tolist())
        nrows, ncols = _checks.positive_int("nrows", nrows, 10), _checks.positive_int("ncols", ncols, 10)
        self.min_interval = _checks.nonnegative_float("min_interval", min_interval)
        self._shell = _kernel_shell()
        self.fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
        if self._shell is not None:
            # Shown through our display handle only; without this, the inline
            # backend would show the figure a second time when the cell ends.
            plt.close(self.fig)
        self.axes = list(axes.ravel())
        ax = self.axes[0]
        _check_formats(ax, fmts, self.fig)
        ax.set_xlabel(xlabel or "")
        ax.set_ylabel(ylabel or "")
        ax.set_xscale(xscale)
        ax.set_yscale(yscale)
        if xlim is not None:
            ax.set_xlim(xlim)
        if ylim is not None:
            ax.set_ylim(ylim)
        ax.grid(True)
        self.legend = legend or None
        self.fmts = fmts
        self._autoscale = (xlim is None, ylim is None)
        self.X: list[list[Any]] = []
        self.Y: list[list[Any]] = []
        self.lines: list[Any] = []
        self._handle: Any = None
        self._last_show = -math.inf
        self._pending = False
        self._hooked = False

    def add(self, x: Any, y: Any) -> None:
        """Append the point ``(x[i], y[i])`` to line ``i`` for every ``i``; ``None`` skips a line."""
        y = _as_list(y)
        x = _as_list(x) if np.ndim(x) > 0 else [x] * len(y)
        if not self.lines:
            if not y:
                raise ValueError("y must hold at least one value")
            self._create_lines(len(y))
        if len(y) != len(self.lines) or len(x) != len(y):
            raise ValueError(
                f"y (and x, if a sequence) must hold one value per line ({len(self.lines)}); "
                f"got {len(y)} y and {len(x)} x values"
            )
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
                self.lines[i].set_data(self.X[i], self.Y[i])
        if any(self._autoscale):
            ax = self.axes[0]
            ax.relim()
            ax.autoscale_view(scalex=self._autoscale[0], scaley=self._autoscale[1])
        self._pending = True
        if time.perf_counter() - self._last_show >= self.min_interval:
            self.flush()
        elif self._shell is not None and not self._hooked:
            self._shell.events.register("post_execute", self._flush_at_cell_end)
            self._hooked = True

    def flush(self) -> None:
        """Show the latest state now if it has not been shown yet."""
        if not self._pending:
            return
        self._pending = False
        if self._shell is not None:
            self._show_in_kernel()
        else:
            # Render on the figure's own canvas (Agg in scripts and tests), so a
            # live plot costs the same drawing work with or without a kernel.
            self.fig.canvas.draw_idle()
            self.fig.canvas.flush_events()
        self._last_show = time.perf_counter()

    def close(self) -> None:
        """Close the figure, so pyplot forgets it, and drop any display still pending (for a failed run)."""
        import matplotlib.pyplot as plt

        if self._hooked:
            self._shell.events.unregister("post_execute", self._flush_at_cell_end)
            self._hooked = False
        self._pending = False
        plt.close(self.fig)

    def _create_lines(self, count: int) -> None:
        ax = self.axes[0]
        for i in range(count):
            (line,) = ax.plot([], [], self.fmts[i % len(self.fmts)])
            self.lines.append(line)
        self.X = [[] for _ in range(count)]
        self.Y = [[] for _ in range(count)]
        if self.legend:
            ax.legend(self.lines, self.legend)

    def _show_in_kernel(self) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)

    def _flush_at_cell_end(self, *args: Any) -> None:
        self._shell.events.unregister("post_execute", self._flush_at_cell_end)
        self._hooked = False
        self.flush()
