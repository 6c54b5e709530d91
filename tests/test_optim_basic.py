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
