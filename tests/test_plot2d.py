"""show_trace_2d: the view holds the whole trace, the axes are labelled, and a diverged run still draws quietly."""

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

import d2lmini as d2l
from d2lmini.divergence import DIVERGENCE_BOUND

D2L_BOX = (-5.5, 1.0, -3.0, 1.0)  # d2l's fixed view: x1 in [-5.5, 1], x2 in [-3, 1]


def trace_line(ax):
    """The orange path drawn by show_trace_2d (the only Line2D; the contours are not lines)."""
    [line] = ax.get_lines()
    return np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)


def draw_strictly(f, points, **kwargs):
    """show_trace_2d and a full render, with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = d2l.show_trace_2d(f, points, **kwargs)
        ax.figure.canvas.draw()
    return ax


def assert_view_holds(ax, points):
    x_lo, x_hi = ax.get_xlim()
    y_lo, y_hi = ax.get_ylim()
    assert all(math.isfinite(v) for v in (x_lo, x_hi, y_lo, y_hi))
    points = np.asarray(points, dtype=float)
    assert np.all((x_lo <= points[:, 0]) & (points[:, 0] <= x_hi))
    assert np.all((y_lo <= points[:, 1]) & (points[:, 1] <= y_hi))


# --- the view ---------------------------------------------------------------------------------


def test_a_path_inside_d2ls_box_gets_exactly_d2ls_box(capsys):
    points = d2l.train_2d(d2l.make_adagrad_2d(0.4), f_grad=d2l.RotatedQuadratic(0).grad)
    ax = d2l.show_trace_2d(d2l.RotatedQuadratic(0), points)
    assert (*ax.get_xlim(), *ax.get_ylim()) == D2L_BOX


def test_the_view_holds_a_turned_path_that_leaves_d2ls_box(capsys):
    bowl = d2l.RotatedQuadratic(45)
    points = d2l.train_2d(d2l.make_adagrad_2d(2.0), f_grad=bowl.grad)  # the exercises' θ = 45° figure
    lowest = min(x2 for _, x2 in points)
    assert lowest < D2L_BOX[2] - 0.5  # about -4: d2l's fixed box would cut it off
    ax = draw_strictly(bowl, points)
    assert_view_holds(ax, points)
    assert ax.get_ylim()[0] < lowest  # padded, so the lowest marker is not on the frame
    assert np.array_equal(trace_line(ax), np.array(points))


# --- labels and the returned Axes --------------------------------------------------------------


def test_labels_the_axes_and_returns_the_axes_of_a_new_figure(capsys):
    figures = set(plt.get_fignums())
    points = [(-5.0, -2.0), (-1.0, 0.5)]
    ax = d2l.show_trace_2d(d2l.RotatedQuadratic(0), points)
    assert isinstance(ax, Axes)
    [new] = set(plt.get_fignums()) - figures
    assert ax.figure is plt.figure(new) and ax.figure.axes == [ax]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    assert trace_line(ax).tolist() == [list(p) for p in points]
    assert ax.collections  # the contours


def test_draws_on_the_given_axes_and_returns_them(capsys):
    fig, (left, right) = plt.subplots(1, 2)
    figures = plt.get_fignums()
    points = [(-5.0, -2.0), (-1.0, 0.5)]
    returned = d2l.show_trace_2d(d2l.RotatedQuadratic(30), points, ax=right)
    assert returned is right
    assert plt.get_fignums() == figures  # no new figure
    assert not left.get_lines() and not left.collections  # nothing on the other Axes
    assert trace_line(right).tolist() == [list(p) for p in points]
    assert (right.get_xlabel(), right.get_ylabel()) == ("x1", "x2")


# --- divergence all the way to overflow --------------------------------------------------------


@pytest.mark.parametrize("steps", [645, 700])
def test_gd_diverging_to_overflow_draws_without_warnings(steps, capsys):
    """η = 1 on θ = 0: x2 is multiplied by -3 each step, passes 1e308 at step 645 and is inf, then NaN, by 700."""
    f = d2l.RotatedQuadratic(0)
    with pytest.warns(d2l.DivergenceWarning):
        points = d2l.train_2d(d2l.make_gd_2d(1.0), steps=steps, f_grad=f.grad)
    x2 = np.array(points)[:, 1]
    assert abs(x2[645]) > 1e308 or not np.isfinite(x2[645])  # the run really reaches overflow
    ax = draw_strictly(f, points)
    assert isinstance(ax, Axes)
    drawable = [p for p in points if max(abs(p[0]), abs(p[1])) <= DIVERGENCE_BOUND]
    assert_view_holds(ax, drawable)
    assert max(map(abs, (*ax.get_xlim(), *ax.get_ylim()))) < 2 * DIVERGENCE_BOUND


def test_a_readers_times_ten_trainer_draws_without_warnings_and_keeps_the_points_that_have_not_diverged(capsys):
    """x ← 10 x from (-5, -2): the points (-5·10^k, -2·10^k), infinite from k = 309 on."""
    with pytest.warns(d2l.DivergenceWarning):
        points = d2l.train_2d(lambda x1, x2, s1, s2: (10 * x1, 10 * x2, s1, s2), steps=400)
    assert points[-1] == (-math.inf, -math.inf)
    ax = draw_strictly(d2l.RotatedQuadratic(0), points)
    assert isinstance(ax, Axes)
    drawn = trace_line(ax)
    kept = np.isfinite(drawn).all(axis=1)
    # |x1| = 5·10^k <= 1e6 for k <= 5, and so is |x2| = 2·10^k: rows 0..5 are drawn, the rest are gaps.
    assert np.flatnonzero(kept).tolist() == list(range(6))
    expected = np.array([(-5 * 10.0 ** k, -2 * 10.0 ** k) for k in range(6)])
    assert np.allclose(drawn[kept], expected, rtol=1e-12, atol=0)
    assert_view_holds(ax, drawn[kept])
    assert max(map(abs, (*ax.get_xlim(), *ax.get_ylim()))) < 2 * DIVERGENCE_BOUND


def test_points_at_the_bound_are_drawn_and_points_beyond_it_are_not(capsys):
    points = [(-5.0, -2.0), (DIVERGENCE_BOUND, -DIVERGENCE_BOUND), (-5.0, 2.0 * DIVERGENCE_BOUND), (math.nan, 0.0),
              (0.0, 0.0)]
    ax = draw_strictly(lambda x1, x2: x1 ** 4 + x2 ** 4, points)
    drawn = trace_line(ax)
    assert np.isnan(drawn[[2, 3]]).all()
    assert drawn[[0, 1, 4]].tolist() == [list(points[i]) for i in (0, 1, 4)]
    assert_view_holds(ax, [points[i] for i in (0, 1, 4)])


def test_integer_points_are_drawn_as_numbers(capsys):
    ax = draw_strictly(d2l.RotatedQuadratic(0), [(-5, -2), (0, 0)])
    assert trace_line(ax).tolist() == [[-5.0, -2.0], [0.0, 0.0]]


# --- bad arguments: nothing is drawn ------------------------------------------------------------


def test_an_f_that_fails_on_arrays_leaves_the_given_axes_untouched():
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="f must accept numpy arrays"):
        d2l.show_trace_2d(lambda x1, x2: math.hypot(x1, x2), [(0.0, 0.0)], ax=ax)
    assert not ax.get_lines() and not ax.collections and plt.get_fignums() == [fig.number]
