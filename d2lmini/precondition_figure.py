"""The preconditioning figure in a notebook: θ and κ controls driving :mod:`d2lmini.precondition`.

>>> figure = explore_preconditioning(theta=45, kappa=20)   # doctest: +SKIP
>>> figure.controls["theta"].value = 0                      # doctest: +SKIP

:func:`explore_preconditioning` has the web figure's controls under the same
names: ``theta`` (degrees), ``kappa`` (a box that takes any value in
[1, 100]) and ``kappa_slider`` (notches on a logarithmic scale), and a Reset
button. It draws the level sets before and after Jacobi scaling, the
Gershgorin discs of H and of D^(-1/2) H D^(-1/2) beside their eigenvalues,
and κ after scaling against θ, and prints both condition numbers. Every
number comes from :func:`d2lmini.precondition.analyse`.

:class:`PreconditioningFigure` is the picture alone (matplotlib, no
widgets); the web book shows it as SVG where JavaScript is off
(:func:`fallback_svg`). ipywidgets and matplotlib are imported inside the
functions, so importing this module costs nothing.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from . import precondition as pc
from .figure_bytes import canvas_png, figure_svg
from .style import COLORS
from .twin import TwinDisplay, nearest_notch, next_root_id

BEFORE, AFTER = COLORS["reference"], COLORS["adagrad"]
"""The colours of H (before scaling) and of the scaled matrix, as on the page's static figures."""

def _ellipse(angle_degrees: float, major: float, ratio: float, n: int = 181) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n)
    a = math.radians(angle_degrees)
    x, y = major * np.cos(t), major * ratio * np.sin(t)
    return np.stack([x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)], axis=1)


class PreconditioningFigure:
    """The web figure's panels as one matplotlib figure whose artists :meth:`draw` updates in place.

    Left: the level sets before (dashed grey) and after Jacobi scaling (blue),
    each family scaled so that its widest ellipse has the same size. Right,
    from the top: the Gershgorin discs of H by row (as intervals of the real
    line) with its eigenvalues (triangles), the same for the scaled matrix,
    and κ after scaling against θ with κ(H) dashed and the current θ marked.
    """

    def __init__(self, dpi: int = 90) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from .style import book_style

        with book_style():
            self.figure = Figure(figsize=(8.4, 3.9), dpi=dpi)
            FigureCanvasAgg(self.figure)
            self._build()
        self.state: pc.Scaling | None = None

    def _build(self) -> None:
        from matplotlib.ticker import FixedLocator, NullLocator

        fig = self.figure
        levels = fig.add_axes((0.015, 0.04, 0.34, 0.34 * 8.4 / 3.9))
        before = fig.add_axes((0.47, 0.73, 0.51, 0.115))
        after = fig.add_axes((0.47, 0.465, 0.51, 0.115))
        curve = fig.add_axes((0.47, 0.12, 0.51, 0.22))
        levels.set(xlim=(-1.06, 1.06), ylim=(-1.06, 1.06), xticks=[], yticks=[], aspect="equal")
        for side in ("left", "bottom"):
            levels.spines[side].set_visible(False)
        levels.axhline(0, color=COLORS["contour"], lw=0.8, zorder=0)
        levels.axvline(0, color=COLORS["contour"], lw=0.8, zorder=0)
        self.levels = {
            # dashed "before" on top, so that it stays visible where the two coincide (θ = 45°)
            "before": [levels.plot([], [], "--", color=BEFORE, lw=1.4, zorder=3)[0] for _ in pc.LEVELS],
            "after": [levels.plot([], [], "-", color=AFTER, lw=1.4, zorder=2)[0] for _ in pc.LEVELS],
        }
        levels.legend([self.levels["before"][0], self.levels["after"][0]],
                      ["before: $x^\\top H x = r^2$", "after: $y^\\top \\tilde{H} y = r^2$, $y = D^{1/2} x$"],
                      loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2, fontsize=9)
        self.title = fig.text(0.015, 0.955, "", fontsize=10, va="top")
        self.discs = {}
        for key, ax, color, title in (
            ("before", before, BEFORE, "Gershgorin discs of H by row, eigenvalues ▼"),
            ("after", after, AFTER, "the same for $D^{-1/2} H D^{-1/2}$: both centred at 1"),
        ):
            ax.set_ylim(0, 1)
            ax.set_yticks([0.7, 0.3], ["row 1", "row 2"])
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            ax.set_title(title, fontsize=9, loc="left", pad=11)
            ax.axvline(0, color=COLORS["contour"], lw=1.2, zorder=0)
            bars = [ax.barh(y, 0, left=0, height=0.3, color=color, alpha=0.35, edgecolor=color, lw=1.2)[0]
                    for y in (0.7, 0.3)]
            centres = ax.plot([], [], "|", color="black", ms=10, mew=1.4)[0]
            eig_lines = [ax.axvline(0, color="black", lw=0.8, ls=(0, (2, 2))) for _ in range(2)]
            eig_marks = ax.plot([], [], "v", color="black", ms=6, clip_on=False)[0]
            self.discs[key] = (ax, bars, centres, eig_lines, eig_marks)
        after.set_xlim(*pc.SCALED_VIEW)
        curve.set_yscale("log")
        curve.set_ylim(*pc.KAPPA_RANGE)
        curve.set_xlim(*pc.THETA_RANGE)
        curve.xaxis.set_major_locator(FixedLocator([0, 45, 90, 135, 180]))
        curve.yaxis.set_major_locator(FixedLocator([1, 10, 100]))
        curve.yaxis.set_major_formatter(lambda v, _: f"{v:g}")
        curve.yaxis.set_minor_locator(NullLocator())
        curve.set_xlabel("rotation θ (degrees)", labelpad=1)
        curve.set_ylabel("κ")
        self.curve_before = curve.plot([], [], "--", color=BEFORE, lw=1.4, label="κ(H)")[0]
        self.curve_after = curve.plot([], [], "-", color=AFTER, lw=1.6, label="after Jacobi scaling")[0]
        self.curve_mark = curve.plot([], [], "o", color=AFTER, mec="white", ms=7, label="this θ", zorder=5,
                                     clip_on=False)[0]
        curve.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, borderaxespad=0.2, fontsize=9)
        self.curve = curve
        self._curve_kappa: float | None = None

    def draw(self, state: pc.Scaling) -> None:
        """Update the artists to ``state`` (nothing is rendered here)."""
        families = {
            "before": (state.theta, 1 / math.sqrt(state.kappa_before)),
            "after": (45.0 if state.rho < 0 else -45.0 if state.rho > 0 else 0.0, 1 / math.sqrt(state.kappa_jacobi)),
        }
        largest = pc.LEVELS[-1]
        for key, (angle, ratio) in families.items():
            for line, level in zip(self.levels[key], pc.LEVELS):
                line.set_data(*_ellipse(angle, level / largest, ratio).T)
        self.title.set_text(f"θ = {state.theta:g}°:  κ(H) = {state.kappa_before:.2f},  after Jacobi scaling "
                            f"{state.kappa_jacobi:.2f}  (ρ = {pc.rho_label(state.rho)})")
        views = {"before": pc.disc_view(state.kappa), "after": pc.SCALED_VIEW}
        parts = {
            "before": (state.centers_before, state.radii_before, state.eigenvalues_before),
            "after": (state.centers_after, state.radii_after, state.eigenvalues_after),
        }
        for key, (ax, bars, centres, eig_lines, eig_marks) in self.discs.items():
            ax.set_xlim(*views[key])
            c, r, eig = parts[key]
            for bar, centre, radius in zip(bars, c, r):
                bar.set_x(centre - radius)
                bar.set_width(2 * radius)
            centres.set_data(list(c), [0.7, 0.3])
            for line, value in zip(eig_lines, eig):
                line.set_xdata([value, value])
            eig_marks.set_data(list(eig), [1.12, 1.12])
        if self._curve_kappa != state.kappa:
            thetas, kappas = pc.kappa_jacobi_curve(state.kappa)
            self.curve_after.set_data(thetas, kappas)
            self.curve_before.set_data(list(pc.THETA_RANGE), [state.kappa_before] * 2)
            self._curve_kappa = state.kappa
        self.curve_mark.set_data([state.theta], [state.kappa_jacobi])
        self.state = state

    def png(self) -> bytes:
        """Render with Agg and encode as a lightly compressed PNG."""
        self.figure.canvas.draw()
        return canvas_png(self.figure.canvas)

    def svg(self) -> bytes:
        """The figure as SVG, with no date in it, so the same state gives the same bytes."""
        return figure_svg(self.figure)


def describe(state: pc.Scaling) -> str:
    """A sentence saying what the picture shows, for screen readers and as alternative text."""
    return (f"The bowl turned by {state.theta:g} degrees with condition number {state.kappa_before:.2f}: "
            f"its level sets, and after Jacobi scaling, with condition number {state.kappa_jacobi:.2f}; "
            f"the Gershgorin discs of H are centred at {state.centers_before[0]:.3f} and "
            f"{state.centers_before[1]:.3f}, those of the scaled matrix at 1 with radius {state.radii_after[0]:.3f}.")


def fallback_svg(attributes: Mapping[str, str]) -> tuple[bytes, str]:
    """The picture of a figure ``<div>``'s starting state as SVG, and its alternative text (the web book without JavaScript)."""
    state = pc.analyse(*pc.settings_from_attributes(attributes))
    figure = PreconditioningFigure()
    figure.draw(state)
    return figure.svg(), describe(state)


def _numbers_html(state: pc.Scaling) -> str:
    return (f"<p style='font-size:1.05em'>κ(H) = <b>{state.kappa_before:.2f}</b> &nbsp; after Jacobi scaling "
            f"<b style='color:{AFTER}'>{state.kappa_jacobi:.2f}</b> &nbsp; ρ = {pc.rho_label(state.rho)}</p>")


class PreconditioningExplorer(TwinDisplay):
    """The live notebook figure: ``controls`` (the input widgets by name) and ``widget`` (the root box).

    Names as in the web figure: ``theta``, ``kappa`` (the box), ``kappa_slider``
    (the notches); ``reset_button``. ``state`` is the current
    :class:`~d2lmini.precondition.Scaling`. Display the object to show it.
    """

    def __init__(self, theta: float, kappa: float, dpi: int = 90) -> None:
        import ipywidgets as widgets

        self.defaults = (theta, kappa)
        style = {"description_width": "5em"}
        self.controls: dict[str, Any] = {
            "theta": widgets.FloatSlider(value=theta, min=pc.THETA_RANGE[0], max=pc.THETA_RANGE[1],
                                         step=pc.THETA_STEP, readout_format=".1f", description="θ (°)", style=style,
                                         layout=widgets.Layout(width="22em")),
            "kappa_slider": widgets.SelectionSlider(options=[(f"{v:g}", v) for v in pc.KAPPA_NOTCHES],
                                                    value=nearest_notch(pc.KAPPA_NOTCHES, kappa), description="κ",
                                                    style=style, layout=widgets.Layout(width="20em")),
            "kappa": widgets.BoundedFloatText(value=kappa, min=pc.KAPPA_RANGE[0], max=pc.KAPPA_RANGE[1], step=0.1,
                                              description="κ =", style={"description_width": "2em"},
                                              layout=widgets.Layout(width="9em")),
        }
        self.reset_button = widgets.Button(description="Reset", tooltip="back to the starting values")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="756px", max_width="100%"))
        self.text = widgets.HTML()
        c = self.controls
        self.widget = widgets.VBox(
            [widgets.HBox([c["theta"], c["kappa_slider"], c["kappa"], self.reset_button],
                          layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
             self.text, self.image],
            model_id=next_root_id("preconditioning"),
        )
        self.figure = PreconditioningFigure(dpi=dpi)
        self.state: pc.Scaling | None = None
        self._quiet = False
        self.update()
        c["kappa_slider"].observe(self._slider_moved, names="value")
        c["theta"].observe(self.update, names="value")
        c["kappa"].observe(self.update, names="value")
        self.reset_button.on_click(lambda _: self.reset())

    def setting(self) -> tuple[float, float]:
        """The controls' current (θ, κ), θ snapped to the web slider's steps (:data:`~d2lmini.precondition.THETA_STEP`)."""
        step = pc.THETA_STEP
        return pc.check_setting(round(self.controls["theta"].value / step) * step, self.controls["kappa"].value)

    @property
    def url_hash(self) -> str:
        """The web figure's URL hash for the current setting."""
        theta, kappa = self.setting()
        return f"#theta={theta:g}&kappa={kappa:g}"

    def _slider_moved(self, change: Any) -> None:
        if not self._quiet:
            self.controls["kappa"].value = change["new"]

    def reset(self) -> None:
        """Set the controls back to the starting values, with one redraw."""
        self._quiet = True
        try:
            self.controls["theta"].value, self.controls["kappa"].value = self.defaults
        finally:
            self._quiet = False
        self.update()

    def update(self, change: Any = None) -> None:
        """Recompute from the controls and redraw."""
        if self._quiet:
            return
        notch = nearest_notch(pc.KAPPA_NOTCHES, self.controls["kappa"].value)
        if self.controls["kappa_slider"].value != notch:
            self._quiet = True
            try:
                self.controls["kappa_slider"].value = notch
            finally:
                self._quiet = False
        state = pc.analyse(*self.setting())
        self.figure.draw(state)
        self.image.value = self.figure.png()
        self.text.value = _numbers_html(state)
        self.state = state

    def __repr__(self) -> str:
        theta, kappa = self.setting()
        return f"PreconditioningExplorer(theta={theta:g}, kappa={kappa:g})"



def explore_preconditioning(theta: float = pc.DEFAULTS["theta"],
                            kappa: float = pc.DEFAULTS["kappa"]) -> PreconditioningExplorer:
    """Build the notebook's preconditioning figure and return it; the notebook displays it.

    ``theta`` in degrees in [0, 180] (u = cos θ·x1 + sin θ·x2, as in
    :class:`~d2lmini.objectives.RotatedQuadratic`) and the condition number
    ``kappa`` in [1, 100] are the starting values, and what Reset returns to;
    κ = 20 is the book's bowl. Needs ipywidgets.
    """
    theta, kappa = pc.check_setting(theta, kappa)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        raise ImportError(
            "d2lmini.widgets.explore_preconditioning needs ipywidgets: pip install 'd2lmini[widgets]'"
        ) from None
    return PreconditioningExplorer(theta, kappa)
