"""RMSProp's 2-D step rule, checked against a step computed by hand."""

import math

import pytest

import d2lmini as d2l


def test_a_first_rmsprop_step_by_hand():
    # At (-5, -2) the gradient of 0.1 x1² + 2 x2² is (-1, -8). With s_0 = 0 and
    # γ = 0.9: s_1 = 0.1 g², so the step is η g / √(0.1 g² + ε) ≈ η sign(g) / √0.1.
    x1, x2, s1, s2 = d2l.make_rmsprop_2d(0.4)(-5.0, -2.0, 0.0, 0.0, d2l.RotatedQuadratic(0).grad)
    assert s1 == pytest.approx(0.1) and s2 == pytest.approx(6.4)
    assert x1 == pytest.approx(-5.0 + 0.4 / math.sqrt(0.1 + 1e-6))
    assert x2 == pytest.approx(-2.0 + 0.4 * 8 / math.sqrt(6.4 + 1e-6))


def test_rmsprop_forgets_where_adagrad_accumulates():
    grad = d2l.RotatedQuadratic(0).grad
    ada = d2l.trajectory_2d(d2l.make_adagrad_2d(0.4), 50, grad)
    rms = d2l.trajectory_2d(d2l.make_rmsprop_2d(0.4, gamma=0.5), 50, grad)
    assert (ada[1:, 2] >= ada[:-1, 2]).all()        # a sum never falls
    assert (rms[1:, 2] < rms[:-1, 2]).any()         # a leaky average does


@pytest.mark.parametrize("gamma", [1.0, -0.1, 1.5, float("nan")])
def test_gamma_outside_zero_to_one_is_refused(gamma):
    with pytest.raises(ValueError, match="gamma"):
        d2l.make_rmsprop_2d(0.4, gamma=gamma)


def test_gamma_zero_keeps_only_the_last_squared_gradient():
    step = d2l.make_rmsprop_2d(1.0, gamma=0.0)
    _, _, s1, s2 = step(0.0, 0.0, 123.0, 456.0, lambda a, b: (3.0, -2.0))
    assert (s1, s2) == (9.0, 4.0)
