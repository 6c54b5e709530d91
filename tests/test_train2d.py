"""train_2d, the 2-D step rules and the rotated objective family."""

import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import d2lmini as d2l
from d2lmini.train2d import DIVERGENCE_BOUND, START


def reference_style_adagrad(eta):
    """A trainer written the way a reader would, without f_grad."""

    def step(x1, x2, s1, s2):
        g1, g2 = 0.2 * x1, 4 * x2
        s1, s2 = s1 + g1 * g1, s2 + g2 * g2
        return (x1 - eta / math.sqrt(s1 + 1e-6) * g1,
                x2 - eta / math.sqrt(s2 + 1e-6) * g2, s1, s2)

    return step


@pytest.mark.parametrize(
    "eta, line",
    [(0.4, "epoch 20, x1: -2.382563, x2: -0.158591"),
     (2.0, "epoch 20, x1: -0.002295, x2: -0.000000")],
)
def test_adagrad_prints_the_reference_lines(eta, line, capsys):
    d2l.train_2d(d2l.make_adagrad_2d(eta), f_grad=d2l.RotatedQuadratic(0).grad)
    d2l.train_2d(reference_style_adagrad(eta))
    assert capsys.readouterr().out.splitlines() == [line, line]


def test_train_2d_returns_steps_plus_one_points_from_the_start(capsys):
    points = d2l.train_2d(d2l.make_gd_2d(0.1), steps=7, f_grad=d2l.RotatedQuadratic(0).grad)
    assert len(points) == 8
    assert points[0] == START[:2]
    assert capsys.readouterr().out == f"epoch 7, x1: {points[-1][0]:f}, x2: {points[-1][1]:f}\n"


def test_first_adagrad_step_by_hand():
    eta, eps = 0.4, 1e-6
    x1, x2, s1, s2 = d2l.make_adagrad_2d(eta, eps)(-5.0, -2.0, 0.0, 0.0, d2l.RotatedQuadratic(0).grad)
    # gradient at (-5, -2) is (0.2 * -5, 4 * -2) = (-1, -8), so s = (1, 64)
    assert (s1, s2) == (1.0, 64.0)
    assert x1 == -5.0 + eta / math.sqrt(1.0 + eps)
    assert x2 == -2.0 + eta / math.sqrt(64.0 + eps) * 8.0
    assert x1 == pytest.approx(-4.6, abs=1e-6) and x2 == pytest.approx(-1.6, abs=1e-6)


def test_gd_step_by_hand():
    x1, x2, s1, s2 = d2l.make_gd_2d(0.1)(-5.0, -2.0, 0.0, 0.0, d2l.RotatedQuadratic(0).grad)
    assert (x1, x2, s1, s2) == (-5.0 + 0.1, -2.0 + 0.8, 0.0, 0.0)


def finite_difference_hessian(f, x, h=0.5):
    """Central second differences of f at x, from values of f alone.

    For a quadratic they are exact whatever h, up to rounding: the third derivatives vanish.
    """
    steps = h * np.eye(2)
    hessian = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            a, b = steps[i], steps[j]
            hessian[i, j] = (f(*(x + a + b)) - f(*(x + a - b)) - f(*(x - a + b)) + f(*(x - a - b))) / (4 * h * h)
    return hessian


@pytest.mark.parametrize("theta", [*np.linspace(0, 180, 13), 17.3, -30.0, 400.0])
def test_curvatures_from_f_itself_are_02_and_4_and_the_flat_direction_turns_by_theta(theta):
    f = d2l.RotatedQuadratic(theta)
    hessian = finite_difference_hessian(f, np.array([0.3, -0.7]))
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    assert eigenvalues == pytest.approx([0.2, 4.0], abs=1e-12)
    flat = (math.cos(math.radians(theta)), math.sin(math.radians(theta)))
    assert abs(eigenvectors[:, 0] @ flat) == pytest.approx(1.0, abs=1e-12)  # (cos θ, sin θ) up to sign
    assert f.hessian() == pytest.approx(hessian, abs=1e-12)


@pytest.mark.parametrize("theta", [0.0, 30.0, 45.0, 117.0])
def test_gradient_is_hessian_times_x(theta):
    f = d2l.RotatedQuadratic(theta)
    x = np.array([-5.0, -2.0])
    assert np.array(f.grad(*x)) == pytest.approx(f.hessian() @ x, abs=1e-12)
    assert f(*x) == pytest.approx(0.5 * x @ f.hessian() @ x, abs=1e-12)


def test_theta_is_in_degrees_and_zero_is_the_reference_objective():
    x1, x2 = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-2, 2, 5))
    assert np.array_equal(d2l.RotatedQuadratic(0)(x1, x2), 0.1 * x1 ** 2 + 2 * x2 ** 2)
    # 45 degrees: u = (x1 + x2)/√2, v = (x2 - x1)/√2
    assert d2l.RotatedQuadratic(45)(1.0, 1.0) == pytest.approx(0.1 * 2)
    assert d2l.RotatedQuadratic(90)(1.0, 0.0) == pytest.approx(2.0)


def test_divergence_is_reported_once_with_its_step_and_the_plot_still_draws(capsys):
    f = d2l.RotatedQuadratic(30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        points = d2l.train_2d(d2l.make_gd_2d(1.0), steps=400, f_grad=f.grad)
        ax = d2l.show_trace_2d(f, points)
    assert [type(w.message) for w in caught] == [d2l.DivergenceWarning]
    message = str(caught[0].message)
    first_far = next(i for i, p in enumerate(points) if max(map(abs, p)) > DIVERGENCE_BOUND)
    assert f"diverged at step {first_far}" in message
    assert len(points) == 401
    line = ax.get_lines()[-1]
    assert len(line.get_xdata()) == 401
    ax.figure.canvas.draw()  # renders without raising


def test_overflowing_reader_trainer_after_divergence_ends_the_path_quietly(capsys):
    def gd_with_power(x1, x2, s1, s2):  # `**` raises OverflowError on huge floats
        return x1 - 3.0 * 0.2 * x1 ** 1.0, x2 - 3.0 * 4 * x2 ** 3, s1, s2

    with pytest.warns(d2l.DivergenceWarning, match="diverged at step"):
        points = d2l.train_2d(gd_with_power, steps=50)
    assert len(points) == 51
    assert math.isnan(points[-1][1])


def _run_python(code):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_import_loads_no_pyplot_ipython_or_ipywidgets_and_prints_nothing():
    result = _run_python(
        "import sys, d2lmini\n"
        "print(sorted(m for m in ('matplotlib.pyplot', 'IPython', 'ipywidgets') if m in sys.modules))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    assert result.stderr == ""


def test_import_leaves_matplotlib_settings_alone():
    result = _run_python(
        "import matplotlib\n"
        "before = dict(matplotlib.rcParams)\n"
        "import d2lmini\n"
        "print(dict(matplotlib.rcParams) == before)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True\n"


@pytest.mark.parametrize("run", [d2l.train_2d, d2l.trajectory_2d], ids=["train_2d", "trajectory_2d"])
def test_divergence_warning_points_at_the_callers_line(run, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(d2l.make_gd_2d(1.0), 50, d2l.RotatedQuadratic(0).grad)
    assert [w.filename for w in caught] == [__file__]


def test_trajectory_2d_can_leave_the_warning_to_its_caller():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        states = d2l.trajectory_2d(d2l.make_gd_2d(1.0), 50, d2l.RotatedQuadratic(0).grad, warn=False)
    assert abs(states[-1, 1]) > DIVERGENCE_BOUND
