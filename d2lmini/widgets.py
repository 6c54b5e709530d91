"""The notebook explorer: GD, Adagrad and RMSProp on f_θ, with controls driving Python.

>>> explorer = explore()                    # doctest: +SKIP
>>> explorer.controls["eta"].value = 2.0   # doctest: +SKIP

:func:`explore` has the web explorer's controls under the same names: η (a
slider through :data:`~d2lmini.explorer.ETA_NOTCHES` and a box that takes any
value in range), θ in degrees, the number of steps, the gradient noise σ,
RMSProp's γ, the start ``(start_x1, start_x2)``, a check box per method and a
Reset button. It draws the paths on the contours of :math:`f_\\theta` (left)
and the effective rates :math:`\\eta/\\sqrt{s_t + \\epsilon}` of the adaptive
methods (right), and lists each method's final point in ``train_2d``'s format
with its status. Every number comes from :mod:`d2lmini.explorer`.

:class:`ExplorerFigure` is the picture alone (matplotlib, no widgets): the
notebook explorer renders it to PNG after each change, and the web book shows
it as SVG where JavaScript is off (:func:`fallback_svg`).

ipywidgets and matplotlib are imported inside the functions, so importing this
module (or :mod:`d2lmini`) costs nothing and changes no settings. In the static
web book, where no kernel runs, ``live-figures/adagrad.js`` stands in for this
explorer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import explorer as ex
from .explorer import DEFAULTS, METHOD_LABELS, METHODS, Exploration, Settings
from .figure_bytes import canvas_png, figure_svg
from .precondition_figure import explore_preconditioning  # noqa: F401  (the preconditioning page's figure)
from .sparse_figure import explore_sparse  # noqa: F401  (the sparse-features page's figure)
from .style import COLORS, LINESTYLES
from .twin import TwinDisplay, nearest_notch, next_root_id

_MATPLOTLIB_MARKERS = {"square": "s", "circle": "o", "diamond": "D"}
MARKERS = {name: _MATPLOTLIB_MARKERS[shape] for name, shape in ex.MARKER_SHAPES.items()}
"""The matplotlib marker of each method's iterates (:data:`~d2lmini.explorer.MARKER_SHAPES`, as on the web)."""
EXIT_MARKERS = ("<", ">", "v", "^")
"""Where a path leaves the view, a triangle points out through the edge (left, right, bottom, top)."""

class ExplorerFigure:
    """The explorer's two panels as one matplotlib figure whose artists :meth:`draw` updates in place.

    Left: the contours of :math:`f_\\theta`, each shown method's path (its
    colour from :data:`~d2lmini.style.COLORS`, line style from
    :data:`~d2lmini.style.LINESTYLES`), a triangle where a path leaves the
    view, the start and the minimum, in the view of
    :func:`~d2lmini.explorer.view_box`. Right: the effective rates on the fixed
    range :data:`~d2lmini.explorer.RATE_RANGE` (colour: method; solid x1,
    dashed x2) and GD's constant η (dotted). Each panel has its legend.
    """

    def __init__(self, dpi: int = 90) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from .style import book_style

        with book_style():
            self.figure = Figure(figsize=(8.4, 3.9), dpi=dpi)
            FigureCanvasAgg(self.figure)
            self._build()
        self.data: Exploration | None = None
        self.show: tuple[str, ...] = ()
        self._background: tuple[Any, Any] | None = None

    def _build(self) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

        fig = self.figure
        # 4:3 in inches, as the view: (0.66 * 3.9) * 4/3 / 8.4 = 0.4086 of the width
        traj = fig.add_axes((0.075, 0.13, 0.4086, 0.66))
        rates = fig.add_axes((0.615, 0.13, 0.37, 0.66))
        traj.set_aspect("equal", adjustable="box", anchor="SW")
        traj.set_xlabel("x1")
        traj.set_ylabel("x2", labelpad=2)
        traj.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        traj.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        rates.set_yscale("log")
        rates.set_ylim(*ex.RATE_RANGE)
        low, high = (round(math.log10(v)) for v in ex.RATE_RANGE)
        rates.yaxis.set_major_locator(FixedLocator([10.0 ** k for k in range(low, high + 1)]))
        rates.yaxis.set_major_formatter(_rate_label)
        rates.yaxis.set_minor_locator(NullLocator())
        # Whole steps only (min_n_ticks=1: a view (0.5, 1.5) holds a single integer).
        rates.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=True, min_n_ticks=1))
        rates.set_xlabel("step t")
        rates.set_ylabel("effective rate η/√(s_t + ε)", labelpad=2)

        contours = [traj.plot([], [], color=COLORS["contour"], lw=0.8, zorder=1)[0]
                    for _ in range(ex.CONTOUR_COUNT)]
        artists: dict[str, Any] = {"trajectory_axes": traj, "rate_axes": rates, "contours": contours}
        for z, name in enumerate(METHODS):
            color = COLORS[name]
            artists[name] = traj.plot([], [], LINESTYLES[name], color=color, lw=1.4, zorder=3 + z)[0]
            artists[name + "_marks"] = traj.plot([], [], MARKERS[name], color=color, ms=3.2, zorder=3 + z)[0]
            artists[name + "_exits"] = [traj.plot([], [], marker, color=color, ms=7, mec="white", mew=0.8,
                                                  zorder=7, clip_on=False)[0] for marker in EXIT_MARKERS]
        artists["start"] = traj.plot([], [], "o", ms=8, mfc="white", mec="black", mew=1.6, zorder=8)[0]
        artists["minimum"] = traj.plot([0.0], [0.0], "k+", ms=9, mew=1.5, zorder=8)[0]
        # A single step gives one rate per coordinate, which a line cannot
        # draw: draw() then turns on markers (a dot for x1, a ring for x2).
        for name in ex.ADAPTIVE_METHODS:
            color = COLORS[name]
            artists[f"rate_{name}_x1"] = rates.plot([], [], ex.RATE_LINESTYLES["x1"], color=color, lw=1.5,
                                                    marker="None", ms=6)[0]
            artists[f"rate_{name}_x2"] = rates.plot([], [], ex.RATE_LINESTYLES["x2"], color=color, lw=1.5,
                                                    marker="None", ms=6,
                                                    mfc="white", mew=1.5)[0]
        artists["rate_gd"] = rates.plot([], [], ex.RATE_LINESTYLES["gd"], color=COLORS["gd"], lw=1.8)[0]
        self.artists = artists
        self._dynamic = [artist for name, value in artists.items() if not name.endswith("_axes")
                         and name != "minimum" and name != "start"
                         for artist in (value if isinstance(value, list) else [value])]
        for artist in self._dynamic:
            artist.set_animated(True)

        legend = dict(loc="lower left", frameon=False, borderaxespad=0.2, handlelength=2.2,
                      columnspacing=1.0, handletextpad=0.5, fontsize=9)
        def row_major(handles: list[Any], columns: int) -> list[Any]:
            rows = [handles[i:i + columns] for i in range(0, len(handles), columns)]
            return [row[j] for j in range(columns) for row in rows if j < len(row)]  # matplotlib fills columns

        method_keys = [Line2D([], [], ls=LINESTYLES[m], marker=MARKERS[m], color=COLORS[m], ms=3.2, lw=1.4,
                              label=METHOD_LABELS[m]) for m in METHODS]
        marks = [Line2D([], [], ls="none", marker="o", ms=7, mfc="white", mec="black", mew=1.6, label="start"),
                 Line2D([], [], ls="none", marker="+", ms=8, color="black", mew=1.5, label="minimum"),
                 Line2D([], [], ls="none", marker=">", ms=7, color=COLORS["reference"], label="leaves the view")]
        traj.legend(handles=row_major(method_keys + marks, 3), ncol=3, bbox_to_anchor=(-0.02, 1.0), **legend)
        rate_keys = ([Line2D([], [], color=COLORS[m], lw=4, label=METHOD_LABELS[m]) for m in ex.ADAPTIVE_METHODS]
                     + [Line2D([], [], ls=ex.RATE_LINESTYLES["gd"], color=COLORS["gd"], lw=1.8, label="GD: η"),
                        Line2D([], [], ls=ex.RATE_LINESTYLES["x1"], color="black", lw=1.5, label="x1"),
                        Line2D([], [], ls=ex.RATE_LINESTYLES["x2"], color="black", lw=1.5, label="x2")])
        rates.legend(handles=row_major(rate_keys, 3), ncol=3, bbox_to_anchor=(-0.02, 1.0), **legend)

    def draw(self, data: Exploration, show: tuple[str, ...]) -> None:
        """Update the artists to ``data`` with the methods of ``show`` visible (nothing is rendered here)."""
        a, s = self.artists, data.settings
        traj, rates = a["trajectory_axes"], a["rate_axes"]
        old = self.data.settings if self.data is not None else None
        box = ex.view_box(s.start)
        if old is None or (old.theta, old.start) != (s.theta, s.start):
            for line, level in zip(a["contours"], ex.contour_levels(s.theta, s.start, box)):
                line.set_data(*ex.ellipse(s.theta, float(level)).T)
            traj.set_xlim(box[:2])
            traj.set_ylim(box[2:])
            a["start"].set_data([s.start[0]], [s.start[1]])
        x_lo, x_hi, y_lo, y_hi = box
        for name in METHODS:
            states, on = data.runs[name], name in show
            line, exits = ex.clip_path(states, box)
            a[name].set_data(*line.T)
            x, y = states[1:, 0], states[1:, 1]
            with np.errstate(invalid="ignore"):
                inside = (x >= x_lo) & (x <= x_hi) & (y >= y_lo) & (y <= y_hi)
            a[name + "_marks"].set_data(x[inside], y[inside])
            for edge, artist in enumerate(a[name + "_exits"]):
                points = [(px, py) for px, py, e in exits if e == edge]
                artist.set_data([p[0] for p in points], [p[1] for p in points])
                artist.set_visible(on)
            a[name].set_visible(on)
            a[name + "_marks"].set_visible(on)

        t = np.arange(1, s.steps + 1)
        marker = "o" if s.steps == 1 else "None"
        for name in ex.ADAPTIVE_METHODS:
            for i in (0, 1):
                artist = a[f"rate_{name}_x{i + 1}"]
                artist.set_data(t, data.rates[name][:, i])
                if artist.get_marker() != marker:
                    artist.set_marker(marker)
                artist.set_visible(name in show)
        a["rate_gd"].set_data([0.5, s.steps + 0.5], [s.eta, s.eta])
        a["rate_gd"].set_visible("gd" in show)
        if old is None or old.steps != s.steps:
            rates.set_xlim(0.5, s.steps + 0.5)
        self.data, self.show = data, tuple(show)

    def png(self) -> bytes:
        """Render with Agg and encode as a fast, lightly compressed PNG.

        Axes, ticks and legends change only with the start and the number of
        steps. They are rendered once into a background; each other change
        restores it and draws only the contours, paths and rates on top
        (matplotlib's blitting), since drawing text is most of a full render.
        """
        canvas = self.figure.canvas
        key = (self.data.settings.start, self.data.settings.steps) if self.data is not None else None
        if self._background is None or self._background[0] != key:
            canvas.draw()  # the dynamic artists are "animated": left out here
            self._background = (key, canvas.copy_from_bbox(self.figure.bbox))
        else:
            canvas.restore_region(self._background[1])
        for artist in self._dynamic:
            if artist.get_visible() and len(artist.get_xdata(orig=False)):
                artist.axes.draw_artist(artist)
        return canvas_png(canvas)

    def svg(self) -> bytes:
        """The figure as SVG, with no date in it, so the same state gives the same bytes."""
        return figure_svg(self.figure)


def _rate_label(value: float, _: Any = None) -> str:
    """Tick labels of the rate axis as the web explorer writes them: 0.01, 0.1, 1, ..., and 1e−3, 1e−4 below."""
    k = round(math.log10(value))
    return f"1e\u2212{-k}" if k < -2 else f"{value:g}"


def describe(data: Exploration, show: tuple[str, ...]) -> str:
    """A sentence saying what the picture shows, for screen readers and as a figure's alternative text."""
    s = data.settings
    parts = [f"{METHOD_LABELS[m]} ends at ({data.runs[m][-1, 0]:.3f}, {data.runs[m][-1, 1]:.3f})"
             + (", diverging" if data.diverging[m] else "") for m in show]
    start = ", ".join(f"{v:g}" for v in s.start)
    return (f"Paths on the contours of f rotated by {s.theta:g} degrees, from ({start}), "
            f"{s.steps} steps at learning rate {s.eta:g}, gradient noise {s.noise:g}"
            + (f", RMSProp's gamma {s.gamma:g}" if "rmsprop" in show else "") + ": "
            + ("; ".join(parts) if parts else "no method shown") + ". Right: the effective learning rates.")


def fallback_svg(settings: Settings) -> tuple[bytes, str]:
    """The explorer's picture for ``settings`` as SVG, and its alternative text (the web book without JavaScript)."""
    figure = ExplorerFigure()
    s = settings
    data = ex.explore_data(s.eta, s.theta, s.steps, noise=s.noise, start=s.start, gamma=s.gamma)
    figure.draw(data, s.show)
    return figure.svg(), describe(data, s.show)


def _final_html(data: Exploration, show: tuple[str, ...]) -> str:
    rows = []
    for name in METHODS:
        if name not in show:
            continue
        status = ex.status_line(data, name)
        if data.diverging[name]:
            status = f"<b style='color:#b42318'>{status}</b>"
        rows.append(f"<tr><td style='color:{COLORS[name]};font-weight:600;padding-right:1em'>"
                    f"{METHOD_LABELS[name]}</td><td style='padding-right:1em'>"
                    f"<code>{ex.final_line(data.runs[name])}</code></td><td>{status}</td></tr>")
    if not rows:
        return "<p>No method is shown: tick GD, Adagrad or RMSProp.</p>"
    return "<table style='font-size:0.9em'>" + "".join(rows) + "</table>"


class Explorer(TwinDisplay):
    """A live explorer: ``controls`` (the input widgets by name), ``widget`` (the root box).

    The names are the web explorer's: ``eta`` (the box) and ``eta_slider``
    (the notches), ``theta``, ``steps``, ``noise``, ``gamma``, ``start_x1``,
    ``start_x2``, ``show-gd``, ``show-adagrad``, ``show-rmsprop``; ``reset``
    is the Reset button. ``data`` is the current
    :class:`~d2lmini.explorer.Exploration`, ``figure`` the
    :class:`ExplorerFigure`. Display the object (or its ``widget``) to show it.
    """

    def __init__(self, settings: Settings, dpi: int = 90) -> None:
        import ipywidgets as widgets

        self.defaults = settings
        style = {"description_width": "4.5em"}
        wide = widgets.Layout(width="20em")
        s = settings
        self.controls: dict[str, Any] = {
            "eta_slider": widgets.SelectionSlider(
                options=[(f"{v:g}", v) for v in ex.ETA_NOTCHES], value=nearest_notch(ex.ETA_NOTCHES, s.eta),
                description="η", style=style, layout=wide, continuous_update=True),
            "eta": widgets.BoundedFloatText(
                value=s.eta, min=ex.ETA_RANGE[0], max=ex.ETA_RANGE[1], step=0.01, description="η =",
                style={"description_width": "2em"}, layout=widgets.Layout(width="9em")),
            "theta": widgets.FloatSlider(
                value=s.theta, min=ex.THETA_RANGE[0], max=ex.THETA_RANGE[1], step=1, readout_format=".0f",
                description="θ (°)", style=style, layout=wide),
            "steps": widgets.IntSlider(value=s.steps, min=ex.STEPS_RANGE[0], max=ex.STEPS_RANGE[1],
                                       description="steps", style=style, layout=wide),
            "noise": widgets.FloatSlider(value=s.noise, min=ex.NOISE_RANGE[0], max=ex.NOISE_RANGE[1],
                                         step=ex.NOISE_STEP, readout_format=".2f", description="noise σ",
                                         style=style, layout=wide),
            "gamma": widgets.FloatSlider(value=s.gamma, min=ex.GAMMA_RANGE[0], max=ex.GAMMA_RANGE[1],
                                         step=ex.GAMMA_STEP, readout_format=".2f", description="γ (RMSProp)",
                                         style={"description_width": "6.5em"}, layout=widgets.Layout(width="22em")),
            "start_x1": widgets.BoundedFloatText(value=s.start[0], min=ex.START_RANGE[0][0], max=ex.START_RANGE[0][1],
                                                 step=ex.START_STEP, description="start x1", style=style,
                                                 layout=widgets.Layout(width="11em")),
            "start_x2": widgets.BoundedFloatText(value=s.start[1], min=ex.START_RANGE[1][0], max=ex.START_RANGE[1][1],
                                                 step=ex.START_STEP, description="x2",
                                                 style={"description_width": "2em"},
                                                 layout=widgets.Layout(width="8.5em")),
        }
        for name in METHODS:
            self.controls[f"show-{name}"] = widgets.Checkbox(
                value=name in s.show, description=METHOD_LABELS[name], indent=False,
                layout=widgets.Layout(width="auto", margin="0 1em 0 0"))
        self.reset_button = widgets.Button(description="Reset", tooltip="back to the starting values")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="756px", max_width="100%"))
        self.text = widgets.HTML()
        c = self.controls
        self.widget = widgets.VBox(
            [
                widgets.HBox([c["eta_slider"], c["eta"], c["theta"]], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([c["steps"], c["noise"], c["gamma"]], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([c["start_x1"], c["start_x2"], widgets.HTML("&nbsp; show:&nbsp;"),
                              *(c[f"show-{m}"] for m in METHODS), self.reset_button],
                             layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
                self.image,
                self.text,
            ],
            model_id=next_root_id("explorer"),
        )
        self.figure = ExplorerFigure(dpi=dpi)
        self.data: Exploration | None = None
        self._quiet = False
        self.update()
        c["eta_slider"].observe(self._slider_moved, names="value")
        for name, control in c.items():
            if name != "eta_slider":
                control.observe(self.update, names="value")
        self.reset_button.on_click(lambda _: self.reset())

    # -- state ---------------------------------------------------------------------------
    def settings(self) -> Settings:
        """The controls' current values, snapped to the web explorer's steps (θ to 1°, σ and γ to 0.01)."""
        c = self.controls
        return ex.check_settings(
            eta=c["eta"].value, theta=float(round(c["theta"].value)), steps=c["steps"].value,
            noise=round(c["noise"].value, 2), start=(c["start_x1"].value, c["start_x2"].value),
            gamma=round(c["gamma"].value, 2), show=tuple(m for m in METHODS if c[f"show-{m}"].value))

    @property
    def url_hash(self) -> str:
        """The web explorer's URL hash for the current settings: open the page with it to see the same state."""
        return "#" + self.settings().to_hash()

    def _slider_moved(self, change: Any) -> None:
        if not self._quiet:
            self.controls["eta"].value = change["new"]  # update() follows from the box

    def reset(self) -> None:
        """Set every control back to the values the explorer started with, with one redraw."""
        s, c = self.defaults, self.controls
        self._quiet = True
        try:
            for name, value in (("eta", s.eta), ("theta", s.theta), ("steps", s.steps), ("noise", s.noise),
                                ("gamma", s.gamma), ("start_x1", s.start[0]), ("start_x2", s.start[1]),
                                *((f"show-{m}", m in s.show) for m in METHODS)):
                c[name].value = value
        finally:
            self._quiet = False
        self.update()

    def update(self, change: Any = None) -> None:
        """Recompute the runs from the controls if a number changed, and redraw."""
        if self._quiet:
            return
        c = self.controls
        notch = nearest_notch(ex.ETA_NOTCHES, c["eta"].value)
        if c["eta_slider"].value != notch:  # a typed η between notches: the slider shows the nearest one
            self._quiet = True
            try:
                c["eta_slider"].value = notch
            finally:
                self._quiet = False
        s = self.settings()
        data = self.data
        if data is None or (data.settings.eta, data.settings.theta, data.settings.steps, data.settings.noise,
                            data.settings.start, data.settings.gamma) != (s.eta, s.theta, s.steps, s.noise,
                                                                          s.start, s.gamma):
            data = ex.explore_data(s.eta, s.theta, s.steps, noise=s.noise, start=s.start, gamma=s.gamma)
        self.figure.draw(data, s.show)
        self.image.value = self.figure.png()
        self.text.value = _final_html(data, s.show)
        self.data = data

    # -- display -------------------------------------------------------------------------
    def __repr__(self) -> str:
        s = self.settings()
        start = ", ".join(f"{v:g}" for v in s.start)
        # two lines, so that it fits a notebook's output box (79 characters)
        return (f"Explorer(eta={s.eta:g}, theta={s.theta:g}, steps={s.steps}, noise={s.noise:g}, "
                f"start=({start}), gamma={s.gamma:g},\n         show={s.show!r})")



def explore(eta: float = DEFAULTS["eta"], theta: float = DEFAULTS["theta"], steps: int = DEFAULTS["steps"], *,
            noise: float = DEFAULTS["noise"], start: Any = DEFAULTS["start"], gamma: float = DEFAULTS["gamma"],
            show: Any = DEFAULTS["show"]) -> Explorer:
    """Build the notebook explorer and return it; the notebook displays it.

    The arguments are the starting values (and what Reset returns to), each
    in the explorers' range (:func:`~d2lmini.explorer.check_settings`): η in
    [0.01, 10]; θ in degrees in [0, 180] (u = cos θ·x1 + sin θ·x2, as in
    :class:`~d2lmini.objectives.RotatedQuadratic`); steps in [1, 100]; the
    gradient noise σ in [0, 2]; the start, each coordinate in [-8, 8];
    RMSProp's γ in [0, 0.99]; ``show``, the methods drawn, from
    ``("gd", "adagrad", "rmsprop")``. Needs ipywidgets.
    """
    settings = ex.check_settings(eta, theta, steps, noise, start, gamma, show)  # widgets would clamp silently
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        raise ImportError(
            "d2lmini.widgets.explore needs ipywidgets: pip install 'd2lmini[widgets]'"
        ) from None
    return Explorer(settings)
