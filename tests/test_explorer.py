"""The explorer's numbers (d2lmini.explorer) and the notebook explorer (d2lmini.widgets)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import warnings
from decimal import Decimal

import numpy as np
import pytest

import d2lmini as d2l
from d2lmini import explorer as ex
from d2lmini.train2d import DIVERGENCE_BOUND, START

SETTINGS = [(0.4, 0, 20), (2.0, 0, 20), (0.4, 45, 20), (0.01, 180, 1), (0.123, 117, 100), (1.0, 30, 50), (10.0, 90, 100)]
MAKERS = {"gd": lambda eta: d2l.make_gd_2d(eta), "adagrad": lambda eta: d2l.make_adagrad_2d(eta),
          "rmsprop": lambda eta: d2l.make_rmsprop_2d(eta)}


def printed_run(trainer, steps, theta, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", d2l.DivergenceWarning)
        points = d2l.train_2d(trainer, steps, f_grad=d2l.RotatedQuadratic(theta).grad)
    return np.array(points), capsys.readouterr().out.strip()


# -- the runs ----------------------------------------------------------------------------


@pytest.mark.parametrize("eta, theta, steps", SETTINGS)
def test_without_noise_from_the_default_start_the_runs_are_train_2d_runs(eta, theta, steps, capsys):
    data = ex.explore_data(eta, theta, steps)
    for method, make in MAKERS.items():
        points, line = printed_run(make(eta), steps, theta, capsys)
        assert np.array_equal(data.runs[method][:, :2], points), method  # bit for bit
        assert ex.final_line(data.runs[method]) == line


def plain_loop(method, eta, theta, steps, noise, start, gamma):
    """The issue's update rules written out: g_t = grad f(x_{t-1}) + sigma z_t, z = default_rng(0) rows."""
    z = np.random.default_rng(0).standard_normal((100, 2))
    c, s = math.cos(math.radians(theta)), math.sin(math.radians(theta))
    x, acc = list(map(float, start)), [0.0, 0.0]
    points = [tuple(x)]
    for t in range(1, steps + 1):
        u, v = c * x[0] + s * x[1], -s * x[0] + c * x[1]
        du, dv = 2 * 0.1 * u, 2 * 2.0 * v
        g = [du * c - dv * s, du * s + dv * c]
        if noise:
            g = [g[i] + noise * float(z[t - 1, i]) for i in range(2)]
        for i in range(2):
            if method == "gd":
                x[i] = x[i] - eta * g[i]
                continue
            if method == "adagrad":
                acc[i] += g[i] * g[i]
            else:
                acc[i] = gamma * acc[i] + (1.0 - gamma) * (g[i] * g[i])
            x[i] -= eta / math.sqrt(acc[i] + 1e-6) * g[i]
        points.append(tuple(x))
    return np.array(points)


NOISY = [
    (0.4, 0, 20, 0.5, (-5.0, -2.0), 0.9),
    (0.4, 45, 40, 0.5, (-4.0, 3.0), 0.8),
    (2.0, 45, 30, 2.0, (2.5, -1.5), 0.0),
    (0.1, 117, 100, 1.0, (7.9, -8.0), 0.99),
    (1.0, 0, 60, 0.01, (0.0, 0.0), 0.5),
]


@pytest.mark.parametrize("eta, theta, steps, noise, start, gamma", NOISY)
def test_explore_data_with_noise_equals_a_plain_loop(eta, theta, steps, noise, start, gamma):
    data = ex.explore_data(eta, theta, steps, noise=noise, start=start, gamma=gamma)
    for method in ex.METHODS:
        expected = plain_loop(method, eta, theta, steps, noise, start, gamma)
        assert np.array_equal(data.runs[method][:, :2], expected), method  # same operations, same bits


def test_every_method_sees_the_same_noise_at_each_step():
    """Common random numbers: the noise each method's step received is row t - 1 of the table."""
    theta, noise = 30.0, 0.7
    data = ex.explore_data(1.0, theta, 50, noise=noise, start=(-3.0, 2.0))
    f, z = d2l.RotatedQuadratic(theta), ex.noise_table()
    gd = data.gd
    for t in range(1, 51):
        g = np.array(f.grad(*gd[t - 1, :2]))
        seen = (gd[t - 1, :2] - gd[t, :2]) / 1.0   # GD moves by eta * g_t
        assert seen == pytest.approx(g + noise * z[t - 1], rel=1e-9, abs=1e-12)
    # and the adaptive methods accumulate the same noisy gradient: s_1 is g_1^2 (Adagrad), (1 - gamma) g_1^2 (RMSProp)
    g1 = np.array(f.grad(-3.0, 2.0)) + noise * z[0]
    assert data.adagrad[1, 2:] == pytest.approx(g1 ** 2)
    assert data.rmsprop[1, 2:] == pytest.approx(0.1 * g1 ** 2)


def test_the_noise_table_is_seeded_and_read_only():
    table = ex.noise_table()
    assert np.array_equal(table, np.random.default_rng(0).standard_normal((100, 2)))
    with pytest.raises(ValueError):
        table[0, 0] = 1.0


@pytest.mark.parametrize("method", ex.ADAPTIVE_METHODS)
@pytest.mark.parametrize("eta, theta, steps, noise, start, gamma", NOISY[:3])
def test_effective_rates_are_the_rates_that_moved_each_coordinate(method, eta, theta, steps, noise, start, gamma):
    data = ex.explore_data(eta, theta, steps, noise=noise, start=start, gamma=gamma)
    states, rates = data.runs[method], data.rates[method]
    assert rates.shape == (steps, 2)
    f, z = d2l.RotatedQuadratic(theta), ex.noise_table()
    for t in range(1, steps + 1):
        g = np.array(f.grad(*states[t - 1, :2])) + noise * z[t - 1]
        for i in range(2):
            assert states[t, i] == pytest.approx(states[t - 1, i] - rates[t - 1, i] * g[i], rel=1e-12, abs=1e-12)
            assert rates[t - 1, i] == eta / math.sqrt(states[t, 2 + i] + 1e-6)


# -- divergence ---------------------------------------------------------------------------


@pytest.mark.parametrize("eta, expected", [(0.4, False), (0.45, False), (0.5, False), (0.6, True), (2.0, True)])
def test_gd_on_the_books_bowl_is_diverging_exactly_beyond_eta_one_half(eta, expected):
    data = ex.explore_data(eta, 0, 20)
    assert data.diverging["gd"] is expected
    assert ("diverging" in ex.status_line(data, "gd")) is expected
    assert not data.diverging["adagrad"] and not data.diverging["rmsprop"]


@pytest.mark.parametrize("eta, theta, steps", [(1.0, 0, 50), (2.0, 45, 20), (10.0, 120, 100), (0.6, 10, 100)])
def test_divergence_step_is_the_one_trajectory_2d_warns_about(eta, theta, steps):
    with pytest.warns(d2l.DivergenceWarning, match=r"diverged at step (\d+)") as record:
        d2l.trajectory_2d(d2l.make_gd_2d(eta), steps, d2l.RotatedQuadratic(theta).grad)
    warned = int(re.search(r"step (\d+)", str(record[0].message)).group(1))
    data = ex.explore_data(eta, theta, steps)  # silent: the explorer reports it itself
    assert data.diverged_at["gd"] == warned and data.diverging["gd"]
    assert data.diverged_at["adagrad"] is None


def _states(distances):
    """States on the x1 axis at the given distances from the minimum."""
    d = np.asarray(distances, dtype=float)
    return np.column_stack([d, np.zeros_like(d), np.zeros_like(d), np.zeros_like(d)])


@pytest.mark.parametrize("distances, expected", [
    ([1, 6, 7, 8, 9, 10, 11], False),          # growing, but not to twice where it was 5 steps before
    ([1, 1, 1.5, 2.5, 4, 6.5, 10.5], True),    # growing at each of the last 5 steps, to > 2x
    ([1, 0.5, 1.5, 2.5, 4, 3.9, 10.5], False),  # one step back within the window
    ([5, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2], False),  # growing fast, but still nearer than the start
    ([1, 2.5], True),                           # one step: more than twice the start
    ([1, 1.5], False),
    ([1, 2e6], True),                           # past the divergence bound
])
def test_is_diverging_follows_its_rule(distances, expected):
    assert ex.is_diverging(_states(distances)) is expected


# -- settings and their checks --------------------------------------------------------------


def test_eta_notches_have_two_significant_digits_and_hold_the_books_values():
    notches = ex.ETA_NOTCHES
    assert notches[0] == ex.ETA_RANGE[0] and notches[-1] == ex.ETA_RANGE[1]
    assert all(a < b for a, b in zip(notches, notches[1:]))
    assert all(len(Decimal(repr(v)).normalize().as_tuple().digits) <= 2 for v in notches)
    assert {0.4, 0.5, 2.0} <= set(notches)
    assert len(notches) == 31  # 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 in each of three decades, and 10


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(noise=-0.1), ValueError, r"^noise must be .*\[0\.0, 2\.0\]"),
    (dict(noise=2.5), ValueError, r"^noise must be .*\[0\.0, 2\.0\]"),
    (dict(noise=math.nan), ValueError, r"^noise must be a finite number"),
    (dict(noise="0.5"), TypeError, r"^noise must be a finite number"),
    (dict(noise=True), TypeError, r"^noise must be a finite number"),
    (dict(gamma=1.0), ValueError, r"^gamma must be .*\[0\.0, 0\.99\]"),
    (dict(gamma=-0.1), ValueError, r"^gamma must be .*\[0\.0, 0\.99\]"),
    (dict(gamma=math.inf), ValueError, r"^gamma must be a finite number"),
    (dict(gamma="0.9"), TypeError, r"^gamma must be a finite number"),
    (dict(start=(9.0, 0.0)), ValueError, r"^start\[0\] must be .*\[-8\.0, 8\.0\]"),
    (dict(start=(0.0, -8.5)), ValueError, r"^start\[1\] must be .*\[-8\.0, 8\.0\]"),
    (dict(start=(0.0, math.nan)), ValueError, r"^start\[1\] must be a finite number"),
    (dict(start=(1.0,)), ValueError, r"^start must be a pair of numbers"),
    (dict(start=(1.0, 2.0, 3.0)), ValueError, r"^start must be a pair of numbers"),
    (dict(start="-4,3"), TypeError, r"^start must be a pair of numbers"),
    (dict(start=None), TypeError, r"^start must be a pair of numbers"),
    (dict(start=("-4", 3)), TypeError, r"^start\[0\] must be a finite number"),
])
def test_bad_noise_gamma_and_start_get_an_error_naming_them(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ex.explore_data(0.4, 0, 20, **kwargs)


def test_the_hash_holds_every_setting_as_the_issue_writes_it():
    s = ex.check_settings(2, 45, 30, noise=0.5, start=(-4, 3), gamma=0.8, show=("rmsprop", "gd", "adagrad"))
    assert s.to_hash() == "eta=2&theta=45&steps=30&noise=0.5&start=-4,3&gamma=0.8&show=gd,adagrad,rmsprop"


def test_data_attributes_set_the_start_and_bad_ones_are_ignored():
    s = ex.settings_from_attributes({"data-explorer": "adagrad", "data-theta": "45"})
    assert (s.eta, s.theta, s.steps, s.start, s.show) == (0.4, 45.0, 20, (-5.0, -2.0), ("gd", "adagrad"))
    s = ex.settings_from_attributes({"data-eta": "50", "data-steps": "2.5", "data-start": "1,2",
                                     "data-show": "rmsprop,sgd", "data-noise": "0.5"})
    assert (s.eta, s.steps, s.start, s.show, s.noise) == (0.4, 20, (1.0, 2.0), ("gd", "adagrad"), 0.5)


def test_web_constants_are_d2lminis_and_plain_json():
    constants = json.loads(json.dumps(ex.web_constants(), allow_nan=False))
    for name in ("ETA_RANGE", "ETA_NOTCHES", "THETA_RANGE", "STEPS_RANGE", "NOISE_RANGE", "GAMMA_RANGE",
                 "VIEW_HALF_WIDTHS", "RATE_RANGE", "METHODS"):
        assert constants[name] == list(getattr(ex, name)), name
    assert constants["EPS"] == ex.EPS == 1e-6
    assert (constants["A"], constants["B"]) == (0.1, 2.0)
    assert constants["NOISE_TABLE"] == ex.noise_table().tolist()
    assert constants["COLORS"]["rmsprop"] == d2l.COLORS["rmsprop"]
    for k in (0, 45, 90, 117, 180):
        f = d2l.RotatedQuadratic(k)
        assert constants["COS_SIN"][k] == [f.cos, f.sin]


# -- geometry -------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [(-5.0, -2.0), (0.1, 0.0), (0.0, 0.0), (-8.0, 8.0), (3.3, -0.4), (7.9, 1.0)])
def test_view_is_centred_on_the_minimum_and_holds_the_start_with_a_margin(start):
    x_lo, x_hi, y_lo, y_hi = ex.view_box(start)
    assert (x_lo, y_lo) == (-x_hi, -y_hi) and (x_hi - x_lo) / (y_hi - y_lo) == pytest.approx(ex.VIEW_ASPECT)
    assert abs(start[0]) * ex.VIEW_MARGIN <= x_hi and abs(start[1]) * ex.VIEW_MARGIN <= y_hi
    assert x_hi in ex.VIEW_HALF_WIDTHS
    smaller = [h for h in ex.VIEW_HALF_WIDTHS if h < x_hi]
    if smaller:  # the smallest that fits
        assert abs(start[0]) * ex.VIEW_MARGIN > smaller[-1] or abs(start[1]) * ex.VIEW_MARGIN > smaller[-1] / ex.VIEW_ASPECT


@pytest.mark.parametrize("theta", [0, 30, 90, 151])
def test_ellipses_are_level_sets_and_the_start_lies_on_one(theta):
    f = d2l.RotatedQuadratic(theta)
    levels = ex.contour_levels(theta, (-4.0, 3.0))
    assert levels[ex.CONTOUR_START_INDEX] == pytest.approx(f(-4.0, 3.0))
    for level in levels:
        x1, x2 = ex.ellipse(theta, level).T
        assert f(x1, x2) == pytest.approx(np.full_like(x1, level), rel=1e-12)
    assert (ex.contour_levels(theta, (0.0, 0.0)) > 0).all()  # a start at the minimum still has contours


def test_clip_path_keeps_inner_paths_cuts_at_the_box_and_marks_exits():
    box = (-1.0, 1.0, -1.0, 1.0)
    inner = np.array([[-0.5, -0.5], [0.0, 0.5], [0.5, 0.0]])
    line, exits = ex.clip_path(inner, box)
    assert np.array_equal(line, inner) and exits == []
    crossing = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 0.5], [0.0, 0.5], [0.0, -3.0]])
    line, exits = ex.clip_path(crossing, box)
    # out through x = 1 (right), a NaN break while outside, back in through x = 1, out through y = -1 (bottom)
    assert line[:2].tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert np.isnan(line[2]).all()
    assert line[3:].tolist() == [[1.0, 0.5], [0.0, 0.5], [0.0, -1.0]]
    assert exits == [(1.0, 0.0, 1), (0.0, -1.0, 2)]


def test_a_path_that_has_left_is_drawn_again_only_where_it_comes_back():
    box = (-1.0, 1.0, -1.0, 1.0)
    zigzag = np.array([[0.0, 0.0], [0.0, 2.0], [0.0, -3.0], [0.5, 4.0], [0.5, 0.5]])
    line, exits = ex.clip_path(zigzag, box)
    finite = line[np.isfinite(line).all(axis=1)]
    assert finite.tolist() == [[0.0, 0.0], [0.0, 1.0], [0.5, 1.0], [0.5, 0.5]]  # no segment from outside to outside
    assert exits == [(0.0, 1.0, 3)]


def test_clip_path_stops_at_the_first_diverged_point():
    data = ex.explore_data(10.0, 30, 100)
    box = ex.view_box(START[:2])
    line, exits = ex.clip_path(data.gd, box)
    finite = line[np.isfinite(line).all(axis=1)]
    x_lo, x_hi, y_lo, y_hi = box
    assert ((finite[:, 0] >= x_lo) & (finite[:, 0] <= x_hi) & (finite[:, 1] >= y_lo) & (finite[:, 1] <= y_hi)).all()
    beyond = ex.clip_path(data.gd[: data.diverged_at["gd"] + 1], box)[0]
    assert np.array_equal(line, beyond, equal_nan=True)
    assert abs(data.gd[data.diverged_at["gd"], :2]).max() > DIVERGENCE_BOUND
    assert len(exits) >= 1


# -- the notebook explorer -------------------------------------------------------------------

ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture
def explorer():
    return d2l.widgets.explore()


def test_explore_works_without_a_kernel(explorer):
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "epoch 20, x1: -2.382563, x2: -0.158591" in explorer.text.value


def test_controls_have_the_web_explorers_names_and_ranges(explorer):
    c = explorer.controls
    assert set(c) == {"eta", "eta_slider", "theta", "steps", "noise", "gamma", "start_x1", "start_x2",
                      "show-gd", "show-adagrad", "show-rmsprop"}
    assert [value for _, value in c["eta_slider"].options] == list(ex.ETA_NOTCHES)
    assert (c["eta"].min, c["eta"].max) == ex.ETA_RANGE
    assert (c["theta"].min, c["theta"].max) == ex.THETA_RANGE
    assert (c["steps"].min, c["steps"].max, c["steps"].value) == (1, 100, 20)
    assert (c["noise"].min, c["noise"].max, c["noise"].value) == (0.0, 2.0, 0.0)
    assert (c["gamma"].min, c["gamma"].max, c["gamma"].value) == (0.0, 0.99, 0.9)
    assert (c["start_x1"].value, c["start_x2"].value) == (-5.0, -2.0)
    assert [c[f"show-{m}"].value for m in ex.METHODS] == [True, True, False]
    for control in c.values():
        assert control.description


def _line_xy(line):
    return np.column_stack(line.get_data())


@pytest.mark.parametrize("control, value", [("eta", 1.2), ("theta", 60.0), ("steps", 45), ("noise", 0.5),
                                            ("start_x1", 3.0)])
def test_changing_a_control_redraws_the_same_artists_with_the_new_data(explorer, control, value):
    figure, artists = explorer.figure, dict(explorer.figure.artists)
    before = {name: _line_xy(artists[name]).copy() for name in ("gd", "adagrad", "rate_adagrad_x1")}
    png = explorer.image.value
    explorer.controls[control].value = value

    assert explorer.figure is figure and explorer.figure.artists == artists  # updated, not rebuilt
    s = explorer.settings()
    data = ex.explore_data(s.eta, s.theta, s.steps, noise=s.noise, start=s.start, gamma=s.gamma)
    for method in ex.METHODS:
        assert np.array_equal(explorer.data.runs[method], data.runs[method])
    assert np.array_equal(_line_xy(artists["rate_adagrad_x1"]),
                          np.column_stack([np.arange(1, s.steps + 1), data.rates["adagrad"][:, 0]]))
    for name in ("gd", "adagrad"):
        assert not np.array_equal(_line_xy(artists[name]), before[name], equal_nan=True), name
    assert explorer.image.value != png
    assert ex.final_line(data.adagrad) in explorer.text.value


def test_gamma_changes_rmsprop_only(explorer):
    explorer.controls["show-rmsprop"].value = True
    before = {m: explorer.data.runs[m].copy() for m in ex.METHODS}
    explorer.controls["gamma"].value = 0.5
    assert np.array_equal(explorer.data.gd, before["gd"]) and np.array_equal(explorer.data.adagrad, before["adagrad"])
    assert not np.array_equal(explorer.data.rmsprop, before["rmsprop"])
    assert ex.final_line(ex.explore_data(0.4, 0, 20, gamma=0.5).rmsprop) in explorer.text.value


def test_the_trajectory_view_holds_still_for_a_fixed_theta_and_start(explorer):
    traj, rates = explorer.figure.artists["trajectory_axes"], explorer.figure.artists["rate_axes"]
    view = (traj.get_xlim(), traj.get_ylim())
    assert view == (ex.view_box()[:2], ex.view_box()[2:])
    for control, value in (("eta", 6.0), ("steps", 100), ("noise", 2.0), ("show-gd", False), ("eta", 0.01)):
        explorer.controls[control].value = value
        assert (traj.get_xlim(), traj.get_ylim()) == view, control
        assert rates.get_ylim() == pytest.approx(ex.RATE_RANGE), control
    explorer.controls["start_x1"].value = 0.5
    explorer.controls["start_x2"].value = 0.2
    assert (traj.get_xlim(), traj.get_ylim()) == (ex.view_box((0.5, 0.2))[:2], ex.view_box((0.5, 0.2))[2:]) != view


def test_a_typed_eta_between_notches_is_used_and_the_slider_shows_the_nearest_notch(explorer):
    explorer.controls["eta"].value = 0.45
    assert explorer.data.eta == 0.45 and explorer.controls["eta_slider"].value == 0.5
    assert ex.final_line(ex.explore_data(0.45, 0, 20).adagrad) in explorer.text.value
    explorer.controls["eta_slider"].value = 2.0
    assert explorer.controls["eta"].value == 2.0 and explorer.data.eta == 2.0


def test_show_boxes_hide_and_show_runs(explorer):
    a = explorer.figure.artists
    explorer.controls["show-adagrad"].value = False
    assert a["gd"].get_visible() and not a["adagrad"].get_visible() and not a["rate_adagrad_x1"].get_visible()
    assert "GD" in explorer.text.value and "Adagrad" not in explorer.text.value
    explorer.controls["show-rmsprop"].value = True
    assert a["rmsprop"].get_visible() and a["rate_rmsprop_x2"].get_visible() and "RMSProp" in explorer.text.value


def test_reset_returns_to_the_starting_values():
    explorer = d2l.widgets.explore(theta=45)
    start = explorer.settings()
    for control, value in (("eta", 2.0), ("theta", 10.0), ("noise", 1.0), ("start_x2", 4.0), ("show-rmsprop", True)):
        explorer.controls[control].value = value
    explorer.reset()
    assert explorer.settings() == start and explorer.data.settings.theta == 45.0


def test_a_diverging_run_is_reported_and_drawn_inside_the_view(explorer):
    explorer.controls["eta"].value = 0.6
    assert "diverging" in explorer.text.value
    explorer.controls["eta"].value = 10.0
    explorer.controls["steps"].value = 100
    traj = explorer.figure.artists["trajectory_axes"]
    (x_lo, x_hi), (y_lo, y_hi) = traj.get_xlim(), traj.get_ylim()
    xy = _line_xy(explorer.figure.artists["gd"])
    xy = xy[np.isfinite(xy).all(axis=1)]
    assert (xy[:, 0] >= x_lo - 1e-9).all() and (xy[:, 0] <= x_hi + 1e-9).all()
    assert (xy[:, 1] >= y_lo - 1e-9).all() and (xy[:, 1] <= y_hi + 1e-9).all()
    exits = [p for artist in explorer.figure.artists["gd_exits"] for p in zip(*artist.get_data())]
    assert exits  # a triangle where the path leaves


def test_url_hash_opens_the_web_explorer_in_the_same_state():
    explorer = d2l.widgets.explore(eta=2.0, theta=45, steps=30, noise=0.5, start=(-4, 3), gamma=0.8)
    assert explorer.url_hash == "#eta=2&theta=45&steps=30&noise=0.5&start=-4,3&gamma=0.8&show=gd,adagrad"


_DISPLAY = ("import json, d2lmini as d2l; b = d2l.widgets.explore(theta=45)._repr_mimebundle_(); "
            "print(json.dumps(b, sort_keys=True))")


def test_display_is_deterministic_for_the_stored_notebook():
    """Two fresh kernels (here: interpreters) store the same output for the explorer's cell, ids included."""
    kernels = [subprocess.Popen([sys.executable, "-c", _DISPLAY], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    runs = [kernel.communicate(timeout=120)[0] for kernel in kernels]
    assert [kernel.returncode for kernel in kernels] == [0, 0]
    assert runs[0] == runs[1]
    bundle = json.loads(runs[0])
    assert bundle["text/plain"] == ("Explorer(eta=0.4, theta=45, steps=20, noise=0, start=(-5, -2), gamma=0.9,\n"
                                    "         show=('gd', 'adagrad'))")
    assert max(map(len, bundle["text/plain"].splitlines())) <= 79
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == "d2lmini-explorer-1"


def test_ids_stay_unique_within_a_kernel(explorer):
    ids = {e._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]["model_id"]
           for e in (explorer, d2l.widgets.explore())}
    assert len(ids) == 2


def test_the_no_javascript_picture_is_drawn_the_same_each_time():
    settings = ex.settings_from_attributes({"data-theta": "45"})
    (svg1, alt1), (svg2, alt2) = d2l.widgets.fallback_svg(settings), d2l.widgets.fallback_svg(settings)
    assert svg1 == svg2 and svg1.startswith(b"<?xml") and b"<svg" in svg1
    assert alt1 == alt2 and "45 degrees" in alt1 and "Adagrad ends at (-3.181, -3.063)" in alt1


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
    explorer = d2l.widgets.explore(steps=1, show=("adagrad",))
    a = explorer.figure.artists
    rates = a["rate_axes"]
    (x_lo, x_hi), (y_lo, y_hi) = rates.get_xlim(), rates.get_ylim()
    image = _png_pixels(explorer)
    for name, column in (("rate_adagrad_x1", 0), ("rate_adagrad_x2", 1)):
        line = a[name]
        assert line.get_visible() and line.get_marker() == "o" and line.get_markersize() >= 4, name
        (t,), (rate,) = line.get_data()
        assert t == 1 and rate == explorer.data.rates["adagrad"][0, column]
        assert x_lo < t < x_hi and y_lo < rate < y_hi, name
        # ... and the rendered image has the marker's colour around the point
        px, py = rates.transData.transform((t, rate))
        row, col = int(round(image.shape[0] - py)), int(round(px))
        around = image[row - 6:row + 7, col - 6:col + 7]
        assert _count_color(around, d2l.COLORS["adagrad"]) >= 12, name

    # With two steps or more the rates are lines again, on the same artists.
    artists = dict(a)
    explorer.controls["steps"].value = 2
    assert explorer.figure.artists == artists
    assert a["rate_adagrad_x1"].get_marker() == "None" and a["rate_adagrad_x2"].get_marker() == "None"


def _step_ticks(rates) -> list[float]:
    x_lo, x_hi = rates.get_xlim()
    return [t for t in rates.xaxis.get_majorticklocs() if x_lo <= t <= x_hi]


@pytest.mark.parametrize("steps, expected", [(1, ["1"]), (2, ["1", "2"]), (3, ["1", "2", "3"]),
                                             (100, ["20", "40", "60", "80", "100"])])
def test_step_axis_labels_whole_steps(steps, expected):
    explorer = d2l.widgets.explore(steps=steps)
    rates = explorer.figure.artists["rate_axes"]
    ticks = _step_ticks(rates)
    assert ticks and all(t == round(t) for t in ticks), ticks
    # the labels drawn in the PNG (the figure was just rendered)
    x_lo, x_hi = rates.get_xlim()
    drawn = [label.get_text() for label in rates.get_xticklabels() if x_lo <= label.get_position()[0] <= x_hi]
    assert drawn == expected


def test_step_axis_ticks_are_whole_for_every_step_count(explorer):
    rates = explorer.figure.artists["rate_axes"]
    for steps in range(ex.STEPS_RANGE[0], ex.STEPS_RANGE[1] + 1):
        rates.set_xlim(0.5, steps + 0.5)  # as draw() sets it
        ticks = _step_ticks(rates)
        assert ticks and all(t == round(t) for t in ticks), (steps, ticks)
