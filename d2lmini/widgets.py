"""The notebook explorer: sliders for η, θ and the number of steps, driving Python.

>>> explorer = explore()                   # doctest: +SKIP
>>> explorer.controls["eta"].value = 2.0  # doctest: +SKIP

:func:`explore` shows gradient descent and Adagrad on the same rotated
quadratic :math:`f_\\theta`, with Adagrad's per-coordinate effective learning
rates :math:`\\eta/\\sqrt{s_t + \\epsilon}` and the final points in
``train_2d``'s format. Every number comes from :mod:`d2lmini.explorer`.

ipywidgets and matplotlib are imported inside the functions, so importing this
module (or :mod:`d2lmini`) costs nothing and changes no settings. The picture
is drawn off-screen with matplotlib's Agg renderer on one figure whose artists
are updated in place, and sent to an ``ipywidgets.Image`` as PNG; a change
takes a few tens of milliseconds (see ``benchmarks/explorer_latency.py``).

In the static web book, where no kernel runs, ``_static/adagrad-explorer.js``
stands in for this explorer.
"""

from __future__ import annotations

import io
import itertools
import math
from typing import Any

import numpy as np

from .explorer import (
    DEFAULTS,
    ETA_RANGE,
    STEPS_RANGE,
    THETA_RANGE,
    Exploration,
    check_settings,
    clip_polyline,
    contour_levels,
    ellipse,
    explore_data,
    final_line,
    view_box,
)

SHOW_CHOICES = ("both", "gd", "adagrad")
"""Values of the ``show`` control: both runs, gradient descent only, Adagrad only."""

GD_COLOR = "#d95f02"
ADAGRAD_COLOR = "#1b6ca8"
CONTOUR_COLOR = "#b8b8b8"

_LEGEND = (
    "<div style='font-size:0.85em'>"
    f"<span style='color:{ADAGRAD_COLOR}'>&#9679;&#8212;&#9679; Adagrad</span> &nbsp; "
    f"<span style='color:{GD_COLOR}'>&#9632;- -&#9632; GD</span> &nbsp; "
    "&#9650; start (−5, −2) &nbsp; + minimum &nbsp;|&nbsp; right, effective rates: "
    f"<span style='color:{ADAGRAD_COLOR}'>&#8212;&#8212; x1, - - - x2 (after one step: &#9679; x1, &#9675; x2)</span>, "
    f"<span style='color:{GD_COLOR}'>&#183;&#183;&#183; GD's constant η</span></div>"
)

# Root widgets get ids "d2lmini-explorer-1", "-2", ... in each kernel, so the
# stored notebook output (which names the root's id) does not change each
# time the notebook is re-executed. Ids stay unique within a kernel.
_root_ids = itertools.count(1)


def _next_root_id() -> str:
    from ipywidgets.widgets import widget as widget_module

    taken = getattr(widget_module, "_instances", {})
    while True:
        candidate = f"d2lmini-explorer-{next(_root_ids)}"
        if candidate not in taken:
            return candidate


class Explorer:
    """A live explorer: ``controls`` (a dict of the four input widgets), ``widget`` (the root box).

    ``data`` is the current :class:`~d2lmini.explorer.Exploration`;
    ``artists`` maps names to the matplotlib artists that each change updates.
    Display the object (or its ``widget``) to show it.
    """

    def __init__(self, eta: float, theta: float, steps: int, show: str, dpi: int = 90) -> None:
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.controls = {
            "eta": widgets.FloatLogSlider(
                value=eta, base=10, min=math.log10(ETA_RANGE[0]), max=math.log10(ETA_RANGE[1]),
                step=0.01, readout_format=".3g", description="η (log scale)",
                style={"description_width": "7em"}, continuous_update=True,
            ),
            "theta": widgets.FloatSlider(
                value=theta, min=THETA_RANGE[0], max=THETA_RANGE[1], step=1, readout_format=".0f",
                description="θ (degrees)", style={"description_width": "7em"}, continuous_update=True,
            ),
            "steps": widgets.IntSlider(
                value=steps, min=STEPS_RANGE[0], max=STEPS_RANGE[1], description="steps",
                style={"description_width": "7em"}, continuous_update=True,
            ),
            "show": widgets.ToggleButtons(
                options=[("GD and Adagrad", "both"), ("GD", "gd"), ("Adagrad", "adagrad")],
                value=show, description="show", style={"description_width": "7em"},
                tooltips=["both runs", "gradient descent only", "Adagrad only"],
            ),
        }
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="720px", max_width="100%"))
        self.legend = widgets.HTML(_LEGEND)
        self.text = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.controls["eta"], self.controls["theta"]]),
                widgets.HBox([self.controls["steps"], self.controls["show"]]),
                self.legend,
                self.image,
                self.text,
            ],
            model_id=_next_root_id(),
        )

        self.figure = Figure(figsize=(8.0, 3.2), dpi=dpi)
        FigureCanvasAgg(self.figure)
        self._build_axes()
        self.data: Exploration | None = None
        self.update()
        for control in self.controls.values():
            control.observe(self.update, names="value")

    # -- drawing -----------------------------------------------------------------
    def _build_axes(self) -> None:
        from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

        fig = self.figure
        traj = fig.add_axes((0.09, 0.15, 0.49, 0.8))
        rates = fig.add_axes((0.695, 0.15, 0.29, 0.8))
        traj.set_xlabel("x1")
        traj.set_ylabel("x2")
        # Few tick labels: drawing text is most of the time a redraw takes.
        traj.xaxis.set_major_locator(MaxNLocator(nbins=6))
        traj.yaxis.set_major_locator(MaxNLocator(nbins=5))
        # Whole steps only: with the default min_n_ticks=2 the locator falls
        # back to fractional ticks (0.6, 0.8, ...) when the view (0.5, 1.5)
        # holds a single integer.
        rates.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
        rates.set_yscale("log")
        rates.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        rates.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        rates.yaxis.set_minor_locator(NullLocator())
        rates.set_xlabel("step t")
        rates.set_ylabel("η / √(s_t + ε)")
        contours = [traj.plot([], [], color=CONTOUR_COLOR, lw=0.8, zorder=1)[0] for _ in range(9)]
        # Lines are clipped to the view; markers sit only on iterates inside it.
        gd, = traj.plot([], [], "--", color=GD_COLOR, lw=1.2, zorder=3)
        ada, = traj.plot([], [], "-", color=ADAGRAD_COLOR, lw=1.4, zorder=4)
        gd_marks, = traj.plot([], [], "s", color=GD_COLOR, ms=3, zorder=3)
        ada_marks, = traj.plot([], [], "o", color=ADAGRAD_COLOR, ms=3, zorder=4)
        traj.plot([-5.0], [-2.0], "k^", ms=6, zorder=5)
        traj.plot([0.0], [0.0], "k+", ms=9, mew=1.5, zorder=5)
        # A single step gives one rate per coordinate, which a line cannot
        # draw: update() then turns on these markers (a dot for x1, a ring for x2).
        r1, = rates.plot([], [], "-", color=ADAGRAD_COLOR, lw=1.5, marker="None", ms=6)
        r2, = rates.plot([], [], "--", color=ADAGRAD_COLOR, lw=1.5, marker="None", ms=6, mfc="white", mew=1.5)
        rgd, = rates.plot([], [], ":", color=GD_COLOR, lw=1.5)
        # The legends and the status line are HTML beside the image: matplotlib
        # text is the slowest part of a redraw.
        _, _, w, h = traj.get_position().bounds
        fig_w, fig_h = fig.get_size_inches()
        self._aspect = (w * fig_w) / (h * fig_h)
        self.artists = {
            "trajectory_axes": traj, "rate_axes": rates, "contours": contours,
            "gd": gd, "adagrad": ada, "gd_marks": gd_marks, "adagrad_marks": ada_marks,
            "rate_x1": r1, "rate_x2": r2, "rate_gd": rgd,
        }

    def update(self, change: Any = None) -> None:
        """Recompute both runs from the controls and redraw the existing artists."""
        c = self.controls
        data, settings = self.data, (c["eta"].value, c["theta"].value, c["steps"].value)
        if data is None or (data.eta, data.theta, data.steps) != settings:
            data = explore_data(*settings)  # a change of "show" alone reuses both runs
        show = c["show"].value
        show_gd, show_ada = show in ("both", "gd"), show in ("both", "adagrad")
        a = self.artists
        traj, rates = a["trajectory_axes"], a["rate_axes"]

        if self.data is None or self.data.theta != data.theta:
            for line, level in zip(a["contours"], contour_levels(data.theta, len(a["contours"]))):
                line.set_data(*ellipse(data.theta, level).T)
        shown = [s for s, on in ((data.gd, show_gd), (data.adagrad, show_ada)) if on]
        box = view_box(*shown, aspect=self._aspect)
        x_lo, x_hi, y_lo, y_hi = box
        for name, states, on in (("gd", data.gd, show_gd), ("adagrad", data.adagrad, show_ada)):
            a[name].set_data(*clip_polyline(states, box).T)
            x, y = states[1:, 0], states[1:, 1]
            with np.errstate(invalid="ignore"):
                inside = (x >= x_lo) & (x <= x_hi) & (y >= y_lo) & (y <= y_hi)
            a[name + "_marks"].set_data(x[inside], y[inside])
            a[name].set_visible(on)
            a[name + "_marks"].set_visible(on)
        traj.set_xlim(box[:2])
        traj.set_ylim(box[2:])

        t = np.arange(1, data.steps + 1)
        a["rate_x1"].set_data(t, data.rates[:, 0])
        a["rate_x2"].set_data(t, data.rates[:, 1])
        marker = "o" if data.steps == 1 else "None"
        if a["rate_x1"].get_marker() != marker:
            a["rate_x1"].set_marker(marker)
            a["rate_x2"].set_marker(marker)
        a["rate_gd"].set_data([0.5, data.steps + 0.5], [data.eta, data.eta])
        for name in ("rate_x1", "rate_x2"):
            a[name].set_visible(show_ada)
        a["rate_gd"].set_visible(show_gd)
        values = [data.eta] if show_gd else []
        if show_ada:
            values += [float(data.rates.min()), float(data.rates.max())]
        lo, hi = min(values), max(values)
        rates.set_xlim(0.5, data.steps + 0.5)
        rates.set_ylim(lo / 1.6, hi * 1.6)

        self.image.value = self._png()
        self.text.value = self._final_text(data, show_gd, show_ada)
        self.data = data

    def _png(self) -> bytes:
        """Render the figure with Agg and encode it as a fast, lightly compressed PNG."""
        from PIL import Image

        canvas = self.figure.canvas
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    @staticmethod
    def _final_text(data: Exploration, show_gd: bool, show_ada: bool) -> str:
        lines = [f"θ = {data.theta:g}°, η = {data.eta:.3g}, final points:"]
        for label, states, at, on in (("Adagrad", data.adagrad, data.adagrad_diverged_at, show_ada),
                                      ("GD", data.gd, data.gd_diverged_at, show_gd)):
            if on:
                note = f"  <b>diverged</b> at step {at}: its path leaves the view" if at is not None else ""
                lines.append(f"{label + ':':9}{final_line(states)}{note}")
        return "<pre style='margin:0; white-space:pre-wrap; word-break:break-all'>" + "\n".join(lines) + "</pre>"

    # -- display -----------------------------------------------------------------
    def __repr__(self) -> str:
        c = self.controls
        return (f"Explorer(eta={c['eta'].value:.3g}, theta={c['theta'].value:g}, "
                f"steps={c['steps'].value}, show={c['show'].value!r})")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def explore(eta: float = DEFAULTS["eta"], theta: float = DEFAULTS["theta"],
            steps: int = DEFAULTS["steps"], show: str = "both") -> Explorer:
    """Build the notebook explorer and return it; the notebook displays it.

    Controls: η on a logarithmic slider over [0.01, 10]; θ in degrees over
    [0, 180] (u = cos θ·x1 + sin θ·x2, as in
    :class:`~d2lmini.objectives.RotatedQuadratic`); steps over [1, 100];
    and ``show``: ``"both"``, ``"gd"`` or ``"adagrad"``. Panels: both paths on
    the contours of :math:`f_\\theta`, Adagrad's effective rates over the
    steps, and the final points in ``train_2d``'s format. Needs ipywidgets.
    """
    eta, theta, steps = check_settings(eta, theta, steps)  # sliders would clamp silently
    if show not in SHOW_CHOICES:
        raise ValueError(f"show must be one of {SHOW_CHOICES}; got {show!r}")
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        raise ImportError(
            "d2lmini.widgets.explore needs ipywidgets: pip install 'd2lmini[widgets]'"
        ) from None
    return Explorer(eta, theta, steps, show)
