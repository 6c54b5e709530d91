"""d2lmini.optim: hand-checked steps and argument errors (torch parity lives in test_optim_torch.py)."""

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


@pytest.mark.parametrize("name", ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"])
@pytest.mark.parametrize("value", [-0.1, math.nan, math.inf])
def test_adagrad_hyperparameters_out_of_range_are_named(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a finite number >= 0"):
        optim.Adagrad([np.zeros(2)], **{name: value})


def test_empty_params_are_rejected():
    with pytest.raises(ValueError, match="params must be a non-empty"):
        optim.Adagrad([])


def test_grads_of_the_wrong_count_or_shape_are_rejected_and_nothing_changes():
    w, b = np.ones((3, 1)), np.zeros(1)
    opt = optim.Adagrad([w, b], lr=0.1)
    with pytest.raises(ValueError, match=r"grads must hold one array per parameter \(2\); got 1"):
        opt.step([np.ones((3, 1))])
    with pytest.raises(ValueError, match=r"grads\[1\] must have shape \(1,\)"):
        opt.step([np.ones((3, 1)), np.ones(2)])
    assert np.array_equal(w, np.ones((3, 1))) and np.array_equal(b, np.zeros(1))
    assert opt.steps == 0 and all(not s.any() for s in opt.state_sums)


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


@pytest.mark.parametrize("param", [np.zeros(2, dtype=int), [0.0, 1.0]], ids=["int array", "list"])
def test_params_must_be_float_arrays(param):
    with pytest.raises(TypeError, match=r"params\[0\] must be a floating-point numpy array"):
        optim.Adagrad([param])


def test_read_only_params_are_rejected():
    w = np.zeros(2)
    w.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[0\] must be writeable"):
        optim.SGD([w], lr=0.1)


@pytest.mark.parametrize("name", ["lr", "weight_decay"])
@pytest.mark.parametrize("value", [-1.0, math.nan])
def test_sgd_hyperparameters_out_of_range_are_named(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a finite number >= 0"):
        optim.SGD([np.zeros(2)], **{name: value})
