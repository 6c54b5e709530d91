"""d2lmini.optim: hand-checked steps (torch parity: test_optim_torch.py; bad inputs: test_bad_inputs.py)."""

import math

import numpy as np
import pytest

from d2lmini import optim


def test_adagrad_first_step_by_hand():
    w = np.array([1.0, -2.0])
    opt = optim.Adagrad([w], lr=0.1, eps=1e-10)
    opt.step([np.array([0.5, 4.0])])
    # s = g², so the step is lr * g / (|g| + eps): 0.1 in each coordinate
    assert w == pytest.approx([1.0 - 0.1 * 0.5 / (0.5 + 1e-10), -2.0 - 0.1 * 4.0 / (4.0 + 1e-10)], abs=0)


def test_sgd_step_by_hand():
    w = np.array([1.0, -2.0])
    optim.SGD([w], lr=0.5, weight_decay=0.1).step([np.array([1.0, 1.0])])
    assert w == pytest.approx([1.0 - 0.5 * (1.0 + 0.1), -2.0 - 0.5 * (1.0 - 0.2)])


def test_adagrad_eps_sits_outside_the_square_root():
    # a tiny first gradient: the step is lr * g / (|g| + eps), not lr * g / sqrt(g² + eps)
    g, eps, lr = 1e-12, 1e-10, 0.1
    w = np.zeros(1)
    optim.Adagrad([w], lr=lr, eps=eps).step([np.array([g])])
    assert w[0] == pytest.approx(-lr * g / (g + eps), rel=1e-12)
    assert abs(w[0]) > 1e4 * lr * g / math.sqrt(g * g + eps)  # the inside-the-root rule would barely move


def test_adagrad_lr_decay_weight_decay_and_initial_accumulator_by_hand():
    w = np.array([2.0])
    opt = optim.Adagrad([w], lr=1.0, lr_decay=0.5, weight_decay=0.25, initial_accumulator_value=3.0, eps=0.0)
    opt.step([np.array([1.0])])  # g = 1 + 0.25 * 2 = 1.5; s = 3 + 2.25; lr_1 = 1
    w1 = 2.0 - 1.5 / math.sqrt(5.25)
    assert w[0] == pytest.approx(w1, rel=1e-15)
    opt.step([np.array([0.0])])  # g = 0.25 * w1; s += g²; lr_2 = 1 / (1 + 0.5)
    g2 = 0.25 * w1
    assert w[0] == pytest.approx(w1 - (1 / 1.5) * g2 / math.sqrt(5.25 + g2 * g2), rel=1e-15)
    assert opt.state_sums[0][0] == pytest.approx(5.25 + g2 * g2, rel=1e-15)


def test_a_zero_gradient_leaves_a_fresh_coordinate_in_place():
    w = np.array([1.0, 1.0])
    optim.Adagrad([w], lr=0.5).step([np.array([0.0, 2.0])])
    assert w.tolist() == [1.0, 1.0 - 0.5 * 2.0 / (2.0 + 1e-10)]




@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad])
def test_views_of_one_array_that_do_not_overlap_are_separate_parameters(cls):
    """train_ch11 keeps w and b as views of one vector; only overlapping memory is refused."""
    theta = np.zeros(4)
    w, b = theta[:3], theta[3:]
    cls([w, b], lr=0.1).step([np.ones(3), np.full(1, 2.0)])
    assert (theta[:3] < 0).all() and theta[3] < theta[0]


def test_eps_zero_is_fine_while_every_coordinate_has_seen_a_gradient():
    w = np.array([1.0, 1.0])
    opt = optim.Adagrad([w], lr=0.5, eps=0.0)
    opt.step([np.array([2.0, -4.0])])
    opt.step([np.array([0.0, 0.0])])  # a zero gradient now divides 0 by a positive sum: no step
    assert w.tolist() == [0.5, 1.5]


def test_a_rejected_step_is_not_counted():
    """After a NaN gradient is refused, the next good step is step 1 of lr_decay's schedule."""
    w = np.array([1.0])
    opt = optim.Adagrad([w], lr=1.0, lr_decay=1.0)
    with pytest.raises(ValueError, match=r"grads\[0\].*finite"):
        opt.step([np.array([math.nan])])
    opt.step([np.array([3.0])])
    assert opt.steps == 1 and w[0] == pytest.approx(0.0, abs=1e-9)  # lr_1 = 1, so w moves by g/|g| = 1
