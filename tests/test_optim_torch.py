"""d2lmini.optim.Adagrad against torch.optim.Adagrad on one gradient stream, in float64."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is optional; install torch==2.13.0 to run the parity test")

from d2lmini import optim  # noqa: E402

STEPS = 300
TOLERANCE = 1e-12

CASES = {
    "defaults": {},
    "lr": {"lr": 0.37},
    "lr_decay": {"lr": 0.2, "lr_decay": 0.05},
    "weight_decay": {"lr": 0.1, "weight_decay": 0.3},
    "initial_accumulator_value": {"lr": 0.1, "initial_accumulator_value": 0.8},
    "eps": {"lr": 0.1, "eps": 0.5},
    "eps zero, as in the concise chapter": {"lr": 0.1, "eps": 0.0, "initial_accumulator_value": 1e-6},
    "all at once": {"lr": 0.3, "lr_decay": 0.01, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "eps": 1e-3},
}


def gradient_stream(seed=0):
    """Seeded gradients for w (5, 1) and b (1,), with exact zeros in some coordinates, as sparse features give."""
    rng = np.random.default_rng(seed)
    for _ in range(STEPS):
        g_w = rng.normal(scale=rng.choice([0.01, 1.0, 30.0]), size=(5, 1))
        g_w[rng.random((5, 1)) < 0.3] = 0.0
        yield g_w, rng.normal(size=1)


def run_both(hyperparams):
    rng = np.random.default_rng(42)
    w0, b0 = rng.normal(size=(5, 1)), rng.normal(size=1)
    w, b = w0.copy(), b0.copy()
    ours = optim.Adagrad([w, b], **hyperparams)
    tw, tb = torch.tensor(w0, dtype=torch.float64), torch.tensor(b0, dtype=torch.float64)
    theirs = torch.optim.Adagrad([tw, tb], **hyperparams)
    worst = 0.0
    for g_w, g_b in gradient_stream():
        ours.step([g_w, g_b])
        tw.grad, tb.grad = torch.tensor(g_w), torch.tensor(g_b)
        theirs.step()
        worst = max(worst, float(np.abs(w - tw.numpy()).max()), float(np.abs(b - tb.numpy()).max()))
    return worst, (w, b), (tw.numpy(), tb.numpy()), ours, theirs


@pytest.mark.parametrize("hyperparams", CASES.values(), ids=CASES.keys())
def test_adagrad_matches_torch_step_by_step(hyperparams, record_property, capsys):
    worst, ours_params, torch_params, ours, theirs = run_both(hyperparams)
    record_property("max_abs_difference", worst)
    with capsys.disabled():
        print(f"\n  torch parity {hyperparams}: max |d2lmini - torch| over {STEPS} steps = {worst:.3g}")
    assert worst <= TOLERANCE
    # the accumulated squared gradients agree too
    for s, p in zip(ours.state_sums, theirs.param_groups[0]["params"]):
        assert np.allclose(s, theirs.state[p]["sum"].numpy(), rtol=1e-13, atol=0)


def test_the_torch_defaults_are_ours():
    import inspect

    ours = {k: v.default for k, v in inspect.signature(optim.Adagrad).parameters.items() if k != "params"}
    theirs = torch.optim.Adagrad([torch.zeros(1, requires_grad=True)]).defaults
    assert ours == {k: theirs[k] for k in ours}


def test_the_parameters_really_moved():
    # guards the parity test against a stream that leaves everything in place
    worst, (w, b), *_ = run_both(CASES["all at once"])
    rng = np.random.default_rng(42)
    assert np.abs(w - rng.normal(size=(5, 1))).max() > 0.1


def test_where_we_refuse_torch_would_apply_the_step():
    """The cases d2lmini rejects before anything changes; torch either warns and updates twice, or poisons."""
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        twice = torch.optim.Adagrad([p, p], lr=0.1)
    p.grad = torch.ones(2, dtype=torch.float64)
    twice.step()
    assert p.detach().numpy() == pytest.approx(-0.1 - 0.1 / np.sqrt(2), abs=1e-9)  # one gradient, two updates
    with pytest.raises(ValueError, match="shares memory"):
        w = np.zeros(2)
        optim.Adagrad([w, w], lr=0.1)

    q = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    poisoned = torch.optim.Adagrad([q], lr=0.1, eps=0.0)
    q.grad = torch.tensor([0.0, 1.0], dtype=torch.float64)
    poisoned.step()
    assert torch.isnan(q).tolist() == [True, False]  # 0/0
    w = np.zeros(2)
    with pytest.raises(ValueError, match="0/0"):
        optim.Adagrad([w], lr=0.1, eps=0.0).step([np.array([0.0, 1.0])])
    assert w.tolist() == [0.0, 0.0]
