"""The explorer's numbers (d2lmini.explorer) and the notebook explorer (d2lmini.widgets)."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import d2lmini as d2l
from d2lmini import explorer as ex
from d2lmini.train2d import DIVERGENCE_BOUND, START

SETTINGS = [(0.4, 0, 20), (2.0, 0, 20), (0.4, 45, 20), (0.01, 180, 1), (0.123, 117, 100), (1.0, 30, 50), (10.0, 90, 100)]


def printed_run(trainer, steps, theta, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", d2l.DivergenceWarning)
        points = d2l.train_2d(trainer, steps, f_grad=d2l.RotatedQuadratic(theta).grad)
    return np.array(points), capsys.readouterr().out.strip()


# -- the numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("eta, theta, steps", SETTINGS)
def test_explorer_runs_are_train_2d_runs(eta, theta, steps, capsys):
    data = ex.explore_data(eta, theta, steps)
    for states, make in ((data.adagrad, d2l.make_adagrad_2d), (data.gd, d2l.make_gd_2d)):
        points, line = printed_run(make(eta), steps, theta, capsys)
        assert np.array_equal(states[:, :2], points)  # bit for bit
        assert ex.final_line(states) == line


@pytest.mark.parametrize("eta, theta, steps", SETTINGS)
def test_effective_rates_are_the_rates_that_moved_each_coordinate(eta, theta, steps):
    data = ex.explore_data(eta, theta, steps)
    assert data.rates.shape == (steps, 2)
    f = d2l.RotatedQuadratic(theta)
    for t in range(1, steps + 1):
        x1, x2 = data.adagrad[t - 1, :2]
        g = f.grad(x1, x2)
        for i in range(2):
            # make_adagrad_2d: x_t = x_{t-1} - eta / sqrt(s_t + eps) * g_t, with the same rounding
            assert data.adagrad[t, i] == data.adagrad[t - 1, i] - data.rates[t - 1, i] * g[i]
            assert data.rates[t - 1, i] == eta / math.sqrt(data.adagrad[t, 2 + i] + 1e-6)


@pytest.mark.parametrize("eta, theta, steps", [(1.0, 0, 50), (2.0, 45, 20), (10.0, 120, 100), (0.6, 10, 100)])
def test_divergence_step_is_the_one_trajectory_2d_warns_about(eta, theta, steps):
    with pytest.warns(d2l.DivergenceWarning, match=r"diverged at step (\d+)") as record:
        d2l.trajectory_2d(d2l.make_gd_2d(eta), steps, d2l.RotatedQuadratic(theta).grad)
    warned = int(re.search(r"step (\d+)", str(record[0].message)).group(1))
    data = ex.explore_data(eta, theta, steps)  # silent: the explorer reports it itself
    assert data.gd_diverged_at == warned
    assert data.adagrad_diverged_at is None


def test_a_converging_run_has_no_divergence_step():
    data = ex.explore_data(0.4, 0, 100)
    assert data.gd_diverged_at is None and data.adagrad_diverged_at is None


def test_the_ranges_are_the_issues():
    assert ex.ETA_RANGE == (0.01, 10.0)
    assert ex.THETA_RANGE == (0.0, 180.0)
    assert ex.STEPS_RANGE == (1, 100)
    assert ex.DEFAULTS["steps"] == 20


@pytest.mark.parametrize("theta", [0, 30, 90, 151])
def test_ellipses_are_level_sets_and_the_start_lies_on_one(theta):
    f = d2l.RotatedQuadratic(theta)
    levels = ex.contour_levels(theta)
    assert levels[3] == pytest.approx(f(*START[:2]))
    for level in levels:
        x1, x2 = ex.ellipse(theta, level).T
        assert f(x1, x2) == pytest.approx(np.full_like(x1, level), rel=1e-12)


def test_view_box_has_the_aspect_and_holds_start_origin_and_near_points():
    data = ex.explore_data(0.4, 30, 50)
    x_lo, x_hi, y_lo, y_hi = box = ex.view_box(data.gd, data.adagrad, aspect=1.5)
    assert (x_hi - x_lo) / (y_hi - y_lo) == pytest.approx(1.5)
    for x, y in [START[:2], (0.0, 0.0), *data.gd[:, :2], *data.adagrad[:, :2]]:
        assert x_lo <= x <= x_hi and y_lo <= y <= y_hi, (box, x, y)


def test_view_box_ignores_points_of_a_diverged_run():
    data = ex.explore_data(10.0, 0, 100)
    box = ex.view_box(data.gd, data.adagrad)
    assert max(map(abs, box)) < 2 * ex.VIEW_LIMIT


def test_clip_polyline_keeps_inner_paths_and_cuts_at_the_box():
    box = (-1.0, 1.0, -1.0, 1.0)
    inner = np.array([[-0.5, -0.5], [0.0, 0.5], [0.5, 0.0]])
    assert np.array_equal(ex.clip_polyline(inner, box), inner)
    crossing = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 0.5], [0.0, 0.5]])
    clipped = ex.clip_polyline(crossing, box)
    # out through x = 1, a NaN break while outside, back in through x = 1
    assert clipped[:2].tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert np.isnan(clipped[2]).all()
    assert clipped[3:].tolist() == [[1.0, 0.5], [0.0, 0.5]]


def test_clip_polyline_stops_at_the_first_diverged_point():
    data = ex.explore_data(10.0, 30, 100)
    box = ex.view_box(data.adagrad)
    clipped = ex.clip_polyline(data.gd, box)
    finite = clipped[np.isfinite(clipped).all(axis=1)]
    x_lo, x_hi, y_lo, y_hi = box
    assert ((finite[:, 0] >= x_lo) & (finite[:, 0] <= x_hi) & (finite[:, 1] >= y_lo) & (finite[:, 1] <= y_hi)).all()
    # nothing is drawn from the segments after the first point beyond the divergence bound
    beyond = ex.clip_polyline(data.gd[: data.gd_diverged_at + 1], box)
    assert np.array_equal(clipped, beyond, equal_nan=True)
    assert abs(data.gd[data.gd_diverged_at, :2]).max() > DIVERGENCE_BOUND


# -- the notebook explorer -----------------------------------------------------------

ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture
def explorer():
    return d2l.widgets.explore()


def test_explore_works_without_a_kernel(explorer):
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Adagrad: epoch 20, x1: -2.382563, x2: -0.158591" in explorer.text.value


def test_controls_have_the_specified_ranges(explorer):
    c = explorer.controls
    assert isinstance(c["eta"], ipywidgets.FloatLogSlider)
    assert (c["eta"].base ** c["eta"].min, c["eta"].base ** c["eta"].max) == pytest.approx(ex.ETA_RANGE)
    assert (c["theta"].min, c["theta"].max) == ex.THETA_RANGE
    assert (c["steps"].min, c["steps"].max, c["steps"].value) == (1, 100, 20)
    assert {value for _, value in c["show"].options} == {"both", "gd", "adagrad"}
    for control in c.values():
        assert control.description


def _line_xy(line):
    return np.column_stack(line.get_data())


@pytest.mark.parametrize("control, value", [("eta", 1.3), ("theta", 60.0), ("steps", 45)])
def test_changing_a_control_redraws_the_same_artists_with_the_new_data(explorer, control, value):
    figure, artists = explorer.figure, dict(explorer.artists)
    before = {name: _line_xy(artists[name]) for name in ("gd", "adagrad", "rate_x1", "rate_x2")}
    png = explorer.image.value
    explorer.controls[control].value = value

    assert explorer.figure is figure and explorer.artists == artists  # updated, not rebuilt
    c = explorer.controls
    data = ex.explore_data(c["eta"].value, c["theta"].value, c["steps"].value)
    assert np.array_equal(explorer.data.adagrad, data.adagrad) and np.array_equal(explorer.data.gd, data.gd)
    assert np.array_equal(_line_xy(artists["rate_x1"]), np.column_stack([np.arange(1, data.steps + 1), data.rates[:, 0]]))
    for name in ("gd", "adagrad"):
        assert not np.array_equal(_line_xy(artists[name]), before[name], equal_nan=True), name
    assert not np.array_equal(_line_xy(artists["rate_x1"]), before["rate_x1"])
    assert explorer.image.value != png
    assert ex.final_line(data.adagrad) in explorer.text.value


def test_contours_turn_with_theta(explorer):
    contour = explorer.artists["contours"][0]
    before = _line_xy(contour).copy()
    explorer.controls["theta"].value = 90.0
    assert np.allclose(_line_xy(contour), ex.ellipse(90.0, ex.contour_levels(90.0)[0]))
    assert not np.allclose(_line_xy(contour), before)


def test_show_choice_hides_and_shows_runs(explorer):
    a = explorer.artists
    explorer.controls["show"].value = "gd"
    assert a["gd"].get_visible() and not a["adagrad"].get_visible() and not a["rate_x1"].get_visible()
    assert "GD:" in explorer.text.value and "Adagrad:" not in explorer.text.value
    explorer.controls["show"].value = "adagrad"
    assert a["adagrad"].get_visible() and not a["gd"].get_visible() and not a["rate_gd"].get_visible()
    assert "GD:" not in explorer.text.value and "Adagrad:" in explorer.text.value


def test_a_diverging_run_is_reported_and_drawn_inside_the_view(explorer):
    explorer.controls["eta"].value = 10.0
    explorer.controls["steps"].value = 100
    assert "diverged</b> at step" in explorer.text.value
    traj = explorer.artists["trajectory_axes"]
    x_lo, x_hi = traj.get_xlim()
    xy = _line_xy(explorer.artists["gd"])
    xy = xy[np.isfinite(xy).all(axis=1)]
    assert (xy[:, 0] >= x_lo - 1e-9).all() and (xy[:, 0] <= x_hi + 1e-9).all()


def test_display_is_deterministic_for_the_stored_notebook(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == "Explorer(eta=0.4, theta=0, steps=20, show='both')"
    model_id = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert re.fullmatch(r"d2lmini-explorer-\d+", model_id)
    assert d2l.widgets.explore()._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]["model_id"] != model_id


def _png_pixels(explorer) -> np.ndarray:
    """The explorer's rendered PNG as an array of RGB ints (row 0 at the top)."""
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB")).astype(int)


def _count_color(pixels: np.ndarray, hex_color: str) -> int:
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb).sum(axis=2) < 60).sum())


def test_one_step_draws_each_rate_as_a_visible_marker():
    # A one-point line draws nothing in matplotlib: the rates need markers.
    explorer = d2l.widgets.explore(steps=1, show="adagrad")
    a = explorer.artists
    rates = a["rate_axes"]
    (x_lo, x_hi), (y_lo, y_hi) = rates.get_xlim(), rates.get_ylim()
    image = _png_pixels(explorer)
    for name, column in (("rate_x1", 0), ("rate_x2", 1)):
        line = a[name]
        assert line.get_visible() and line.get_marker() == "o" and line.get_markersize() >= 4, name
        (t,), (rate,) = line.get_data()
        assert t == 1 and rate == explorer.data.rates[0, column]
        assert x_lo < t < x_hi and y_lo < rate < y_hi, name
        # ... and the rendered image has the marker's colour around the point
        # (Adagrad's colour appears nowhere else in the rate panel here).
        px, py = rates.transData.transform((t, rate))
        row, col = int(round(image.shape[0] - py)), int(round(px))
        around = image[row - 6:row + 7, col - 6:col + 7]
        assert _count_color(around, d2l.widgets.ADAGRAD_COLOR) >= 12, name

    # With two steps or more the rates are lines again, on the same artists.
    artists = dict(a)
    explorer.controls["steps"].value = 2
    assert explorer.artists == artists
    assert a["rate_x1"].get_marker() == "None" and a["rate_x2"].get_marker() == "None"


def _step_ticks(rates) -> list[float]:
    x_lo, x_hi = rates.get_xlim()
    return [t for t in rates.xaxis.get_majorticklocs() if x_lo <= t <= x_hi]


@pytest.mark.parametrize("steps, expected", [(1, ["1"]), (2, ["1", "2"]), (3, ["1", "2", "3"]),
                                             (100, ["20", "40", "60", "80", "100"])])
def test_step_axis_labels_whole_steps(steps, expected):
    explorer = d2l.widgets.explore(steps=steps)
    rates = explorer.artists["rate_axes"]
    ticks = _step_ticks(rates)
    assert ticks and all(t == round(t) for t in ticks), ticks
    # the labels drawn in the PNG (the figure was just rendered)
    x_lo, x_hi = rates.get_xlim()
    drawn = [label.get_text() for label in rates.get_xticklabels() if x_lo <= label.get_position()[0] <= x_hi]
    assert drawn == expected


def test_step_axis_ticks_are_whole_for_every_step_count(explorer):
    rates = explorer.artists["rate_axes"]
    for steps in range(ex.STEPS_RANGE[0], ex.STEPS_RANGE[1] + 1):
        rates.set_xlim(0.5, steps + 0.5)  # as update() sets it
        ticks = _step_ticks(rates)
        assert ticks and all(t == round(t) for t in ticks), (steps, ticks)
