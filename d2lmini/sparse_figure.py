"""The sparse-features figure in a notebook: three controls stepping through the grid of :mod:`d2lmini.sparse_grid`.

>>> figure = explore_sparse(background=0.01)            # doctest: +SKIP
>>> figure.controls["background"].value = 0.0           # doctest: +SKIP

:func:`explore_sparse` has the web figure's controls under the same names,
``exponent`` (the Zipf exponent α), ``background`` (the value absent features
take) and ``noise`` (the label noise σ), each a slider through the grid's
values, and a Reset button. Each setting is the chapter's experiment,
:func:`d2lmini.sparse_grid.run_point` (that is, ``d2l.sparse.run_experiment``
with seed 0 and each rule's η0 tuned on validation data); a run takes a
fraction of a second and is kept for when the setting comes back. The left
panel is the chapter's own :func:`d2lmini.sparse.plot_errors`; the right one
shows each rule's mean error over the rare, medium and common features.

:class:`SparseFigure` is the picture alone (matplotlib, no widgets); the web
book shows it as SVG where JavaScript is off (:func:`fallback_svg`).
ipywidgets and matplotlib are imported inside the functions.
"""

from __future__ import annotations

from typing import Any, Mapping

from . import sparse
from . import sparse_grid as grid
from .figure_bytes import canvas_png, figure_svg
from .style import COLORS
from .twin import TwinDisplay, next_root_id


class SparseFigure:
    """Left: :func:`d2lmini.sparse.plot_errors` of one run. Right: each rule's mean error per bucket, as bars."""

    def __init__(self, dpi: int = 90) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from .style import book_style

        with book_style():
            self.figure = Figure(figsize=(8.4, 4.25), dpi=dpi, layout="constrained")
            FigureCanvasAgg(self.figure)
            spec = self.figure.add_gridspec(1, 4, width_ratios=(3.4, 0.6, 0.6, 0.6))
            self.errors = self.figure.add_subplot(spec[0, 0])
            self.buckets = [self.figure.add_subplot(spec[0, c]) for c in (1, 2, 3)]
        self.setting: tuple[float, float, float] | None = None

    def draw(self, setting: tuple[float, float, float], result: sparse.SparseResult) -> None:
        """Draw ``result``, the run at ``setting`` = (exponent, background, noise) (nothing is rendered here)."""
        from .style import book_style

        with book_style():
            self.errors.clear()
            sparse.plot_errors(result, ax=self.errors)
            self.errors.set_ylim(*grid.ERROR_VIEW)
            self.errors.set_xlim(*grid.FREQUENCY_VIEW)
            means = result.bucket_means()
            masks = sparse.bucket_masks(result.frequency)
            for ax, bucket in zip(self.buckets, ("rare", "medium", "common")):
                ax.clear()
                values = [means[m][bucket] for m in sparse.METHODS]
                top = max(values)
                ax.bar(range(3), values, color=[COLORS[m] for m in sparse.METHODS], width=0.75)
                for x, v in enumerate(values):
                    ax.text(x, v + 0.03 * top, f"{v:.4f}", ha="center", va="bottom", rotation=90, fontsize=9)
                ax.set_ylim(0, 1.9 * top)
                ax.set_xticks([])
                ax.set_yticks([])
                ax.spines["left"].set_visible(False)
                ax.set_title(f"{bucket}\n({int(masks[bucket].sum())})", fontsize=9)
            self.buckets[1].set_xlabel("mean error per bucket", labelpad=6)
            exponent, background, noise = setting
            self.errors.set_title(f"α = {exponent:g}, background {background:g}, label noise σ = {noise:g}",
                                  fontsize=10, loc="left", pad=44)
        self.setting = setting

    def png(self) -> bytes:
        """Render with Agg and encode as a lightly compressed PNG."""
        self.figure.canvas.draw()
        return canvas_png(self.figure.canvas)

    def svg(self) -> bytes:
        """The figure as SVG, with no date in it, so the same state gives the same bytes."""
        return figure_svg(self.figure)


def describe(setting: tuple[float, float, float], result: sparse.SparseResult) -> str:
    """A sentence saying what the picture shows, for screen readers and as alternative text."""
    exponent, background, noise = setting
    rare = result.bucket_means()
    parts = ", ".join(f"{grid.ROW_NAMES[m]} {rare[m]['rare']:.4f}" for m in sparse.METHODS)
    return (f"Error of each weight against its feature's frequency for Zipf exponent {exponent:g}, background "
            f"{background:g} and label noise {noise:g}; mean error of the rare features: {parts}.")


def fallback_svg(attributes: Mapping[str, str]) -> tuple[bytes, str]:
    """The picture of a figure ``<div>``'s starting state as SVG, and its alternative text (the web book without JavaScript)."""
    setting = grid.settings_from_attributes(attributes)
    result = grid.run_point(*setting)
    figure = SparseFigure()
    figure.draw(setting, result)
    return figure.svg(), describe(setting, result)


def _table_html(result: sparse.SparseResult) -> str:
    means = result.bucket_means()
    masks = sparse.bucket_masks(result.frequency)
    head = "".join(f"<th style='text-align:right;padding:0 0.6em'>{b} ({int(masks[b].sum())})</th>"
                   for b in ("rare", "medium", "common"))
    rows = []
    for m in sparse.METHODS:
        cells = "".join(f"<td style='text-align:right;padding:0 0.6em'>{means[m][b]:.4f}</td>"
                        for b in ("rare", "medium", "common"))
        rows.append(f"<tr><th style='text-align:left;color:{COLORS[m]}'>{grid.ROW_NAMES[m]}</th>"
                    f"<td style='text-align:right;padding:0 0.6em'>{result.eta0[m]:.2f}</td>{cells}</tr>")
    return ("<table style='font-size:0.9em'><tr><th style='text-align:left'>mean |w_i − w*_i|</th>"
            f"<th style='text-align:right;padding:0 0.6em'>η0</th>{head}</tr>{''.join(rows)}</table>")


class SparseExplorer(TwinDisplay):
    """The live notebook figure: ``controls`` (by name: ``exponent``, ``background``, ``noise``) and ``widget``.

    ``result`` is the current run (a :class:`~d2lmini.sparse.SparseResult`).
    Display the object to show it.
    """

    def __init__(self, setting: tuple[float, float, float], dpi: int = 90) -> None:
        import ipywidgets as widgets

        self.defaults = setting
        labels = {"exponent": "Zipf α", "background": "background", "noise": "noise σ"}
        style = {"description_width": "6.5em"}
        self.controls: dict[str, Any] = {
            name: widgets.SelectionSlider(options=[(f"{v:g}", v) for v in values], value=value,
                                          description=labels[name], style=style,
                                          layout=widgets.Layout(width="21em"))
            for name, values, value in zip(grid.KNOBS, (grid.EXPONENTS, grid.BACKGROUNDS, grid.NOISES), setting)
        }
        self.reset_button = widgets.Button(description="Reset", tooltip="back to the starting values")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="756px", max_width="100%"))
        self.text = widgets.HTML()
        note = widgets.HTML(f"<small>Each setting is one run of the chapter's experiment (seed {grid.SEED}, "
                            "each rule's η0 tuned on validation data); the sliders step through the grid of "
                            f"{grid.GRID_SIZE} settings the web book precomputes.</small>")
        self.widget = widgets.VBox(
            [widgets.HBox([*self.controls.values(), self.reset_button],
                          layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
             note, self.image, self.text],
            model_id=next_root_id("sparse"),
        )
        self.figure = SparseFigure(dpi=dpi)
        self.result: sparse.SparseResult | None = None
        self._quiet = False
        self.update()
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.reset_button.on_click(lambda _: self.reset())

    def setting(self) -> tuple[float, float, float]:
        """The controls' current (exponent, background, noise)."""
        return grid.check_point(*(self.controls[name].value for name in grid.KNOBS))

    @property
    def url_hash(self) -> str:
        """The web figure's URL hash for the current setting."""
        exponent, background, noise = self.setting()
        return f"#exponent={exponent:g}&background={background:g}&noise={noise:g}"

    def reset(self) -> None:
        """Set the controls back to the starting values, with one redraw."""
        self._quiet = True
        try:
            for name, value in zip(grid.KNOBS, self.defaults):
                self.controls[name].value = value
        finally:
            self._quiet = False
        self.update()

    def update(self, change: Any = None) -> None:
        """Fetch the run at the controls' setting (computed once per setting) and redraw."""
        if self._quiet:
            return
        setting = self.setting()
        result = grid.run_point(*setting)
        self.figure.draw(setting, result)
        self.image.value = self.figure.png()
        self.text.value = _table_html(result)
        self.result = result

    def __repr__(self) -> str:
        exponent, background, noise = self.setting()
        return f"SparseExplorer(exponent={exponent:g}, background={background:g}, noise={noise:g})"


def explore_sparse(exponent: float = grid.DEFAULTS["exponent"], background: float = grid.DEFAULTS["background"],
                   noise: float = grid.DEFAULTS["noise"]) -> SparseExplorer:
    """Build the notebook's sparse-features figure and return it; the notebook displays it.

    The starting values (and what Reset returns to) must be grid values:
    ``exponent`` in :data:`~d2lmini.sparse_grid.EXPONENTS`, ``background`` in
    :data:`~d2lmini.sparse_grid.BACKGROUNDS`, ``noise`` in
    :data:`~d2lmini.sparse_grid.NOISES`. Needs ipywidgets.
    """
    setting = grid.check_point(exponent, background, noise)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        raise ImportError("d2lmini.widgets.explore_sparse needs ipywidgets: pip install 'd2lmini[widgets]'") from None
    return SparseExplorer(setting)
