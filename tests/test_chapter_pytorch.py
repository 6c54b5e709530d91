"""The facts that chapters/pytorch.ipynb states, checked on its own code.

The page's functions are taken from its code cells (definitions and imports
only, as in test_chapter_scratch.py) and run on the real airfoil data against
d2lmini. torch is optional for readers: without it these tests skip, except
under CI=true, where CI installs torch and a missing one is a failure.
"""

import inspect
import os
import re

import nbformat
import numpy as np
import pytest
from test_chapter_scratch import REPO, airfoil, page_definitions, quietly  # noqa: F401 (airfoil is a fixture)

import d2lmini as d2l

NOTEBOOK = REPO / "chapters" / "pytorch.ipynb"
TOLERANCE = 1e-14
"""Largest loss difference allowed between PyTorch and d2lmini in float64 (rounding; seen: below 1e-16)."""

if os.environ.get("CI", "").lower() == "true":
    import torch  # CI installs torch==2.13.0+cpu: a missing torch fails here
else:
    torch = pytest.importorskip("torch", reason="torch is optional; pip install torch==2.13.0 to run these tests")


@pytest.fixture(scope="module")
def page(airfoil):  # noqa: F811
    namespace = page_definitions(NOTEBOOK)
    namespace["data_iter"], namespace["feature_dim"] = airfoil, airfoil.features.shape[1]
    namespace["X"] = torch.tensor(airfoil.features)
    namespace["y"] = torch.tensor(airfoil.labels).reshape(-1, 1)
    return namespace


def scratch_runs(page, airfoil):  # noqa: F811
    """The page's from-scratch PyTorch run and d2lmini's, two epochs at lr 0.1."""
    w, b = page["init_params"]()
    states = page["init_adagrad_states"](page["feature_dim"])
    ours = page["train"](lambda X: X @ w + b, lambda: page["adagrad"]([w, b], states, {"lr": 0.1}), 2)
    dim = airfoil.features.shape[1]
    numpy_states = (np.zeros((dim, 1)), np.zeros(1))
    _, theirs = quietly(d2l.train_ch11, page["adagrad_numpy"], numpy_states, {"lr": 0.1}, airfoil, dim, plot=False)
    return ours, theirs


def test_the_start_is_the_one_d2lmini_trains_from(page, airfoil):  # noqa: F811
    seen = []

    def record_first(params, grads, states, hyperparams):
        if not seen:
            seen.extend(p.copy() for p in params)

    dim = airfoil.features.shape[1]
    quietly(d2l.train_ch11, record_first, None, {"lr": 0.1}, airfoil, dim, num_epochs=1, plot=False)
    w, b = page["init_params"]()
    assert w.dtype == torch.float64 and w.requires_grad and b.requires_grad
    np.testing.assert_array_equal(w.detach().numpy(), seen[0])
    np.testing.assert_array_equal(b.detach().numpy(), seen[1])
    assert np.abs(seen[0]).max() > 0  # a real random start, not zeros


def test_the_minibatches_come_in_d2lmini_order(page, airfoil):  # noqa: F811
    for epoch in range(4):
        ours = list(page["minibatches"](epoch))
        theirs = list(airfoil.batches(epoch))
        assert len(ours) == len(theirs) == 150
        for (X, y), (X_ref, y_ref) in zip(ours, theirs):
            np.testing.assert_array_equal(X.numpy(), X_ref)
            np.testing.assert_array_equal(y.numpy().ravel(), y_ref)
    first = [X.numpy() for X, _ in page["minibatches"](0)][0]
    second = [X.numpy() for X, _ in page["minibatches"](1)][0]
    assert not np.array_equal(first, second)  # a new order each epoch


def test_the_from_scratch_losses_agree_with_d2lmini(page, airfoil):  # noqa: F811
    ours, theirs = scratch_runs(page, airfoil)
    assert len(ours) == len(theirs) == 15
    assert np.max(np.abs(np.subtract(ours, theirs))) <= TOLERANCE
    assert ours[0] - ours[-1] > 0.02  # it trained


def test_torch_optim_adagrad_losses_agree_with_d2lmini(page, airfoil):  # noqa: F811
    nn = torch.nn
    net = nn.Linear(page["feature_dim"], 1, dtype=torch.float64)
    with torch.no_grad():
        net.weight.copy_(page["init_params"]()[0].T)
        net.bias.zero_()
    optimizer = torch.optim.Adagrad(net.parameters(), lr=0.1)

    def step():
        optimizer.step()
        optimizer.zero_grad()

    ours = page["train"](net, step, 4)
    _, theirs = quietly(d2l.train_concise_ch11, d2l.optim.Adagrad, {"lr": 0.1}, airfoil, plot=False)
    assert len(ours) == len(theirs) == 30
    assert np.max(np.abs(np.subtract(ours, theirs))) <= TOLERANCE


def test_the_stored_agreement_is_at_rounding_level():
    glued = {}
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                glued[name] = float(output["data"]["application/papermill.record/text/plain"])
    assert 0 <= glued["largest_gap"] <= TOLERANCE
    assert glued["largest_gap"] == max(glued["scratch_gap"], glued["concise_gap"])


# --- the conventions table ------------------------------------------------------------------------


def table():
    """The page's conventions table: {library: {column header: cell}}."""
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type == "markdown" and "| default $\\epsilon$ |" in cell.source:
            lines = cell.source.splitlines()
            start = next(i for i, line in enumerate(lines) if line.startswith("| library |"))
            rows = []
            for line in lines[start:]:
                if not line.startswith("|"):
                    break  # the end of the first table
                rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            header, rows = rows[0], rows[2:]
            return {row[0].split()[0]: dict(zip(header[1:], row[1:])) for row in rows}
    raise AssertionError("the page has no conventions table")


def number(cell):
    """The number a table cell states: `1e-10`, 0.01, 0.1, ..."""
    match = re.search(r"\d[\d.]*(?:e-?\d+)?", cell.replace("`", ""))
    return float(match.group(0))


def test_the_table_states_the_torch_and_d2lmini_defaults():
    rows = table()
    assert list(rows) == ["PyTorch", "Optax", "Keras", "d2lmini"]
    torch_defaults = torch.optim.Adagrad([torch.zeros(1, requires_grad=True)]).defaults
    ours = {k: v.default for k, v in inspect.signature(d2l.optim.Adagrad).parameters.items() if k != "params"}
    for library, defaults in (("PyTorch", torch_defaults), ("d2lmini", ours)):
        row = rows[library]
        assert number(row["default $\\epsilon$"]) == defaults["eps"]
        assert number(row["$s$ starts at"]) == defaults["initial_accumulator_value"]
        assert number(row["default rate"]) == defaults["lr"]
        assert row["rate decay"] == "`lr_decay`" and defaults["lr_decay"] == 0
        assert row["$\\epsilon$ sits"] == "outside"
    for library in ("Optax", "Keras"):  # as read from their sources (cited on the page)
        row = rows[library]
        assert row["$\\epsilon$ sits"] == "inside"
        assert number(row["default $\\epsilon$"]) == 1e-7
        assert number(row["$s$ starts at"]) == 0.1


def test_the_table_names_the_torch_version_that_runs():
    assert table()["PyTorch"]["read at"].split()[0] == torch.__version__.split("+")[0] == "2.13.0"
    pinned = (REPO / "pyproject.toml").read_text()
    assert 'torch = ["torch==2.13.0"]' in pinned


def gradient_stream(steps=300, seed=3):
    """Seeded gradients of three coordinates, with exact zeros and very different sizes."""
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        g = rng.normal(size=3) * np.array([1e-4, 1.0, 30.0])
        g[rng.random(3) < 0.2] = 0.0
        yield g


def eps_inside(lr, s0, eps):
    """The Optax and Keras step, transcribed from their sources: s += g²; w -= lr · g / sqrt(s + eps).

    Optax multiplies by 0 where s = 0; with s0 = 0.1 that never happens.
    """
    w, s = np.ones(3), np.full(3, s0)
    for g in gradient_stream():
        s += g * g
        w -= lr * g / np.sqrt(s + eps)
    return w


@pytest.mark.parametrize("lr, s0, eps", [(0.001, 0.1, 1e-7), (0.1, 0.1, 1e-7), (0.1, 0.0, 1e-6)],
                         ids=["keras defaults", "optax at lr 0.1", "from scratch"])
def test_the_d2lmini_settings_take_the_eps_inside_steps(lr, s0, eps):
    w = np.ones(3)
    optimizer = d2l.optim.Adagrad([w], lr=lr, initial_accumulator_value=s0 + eps, eps=0.0)
    for g in gradient_stream():
        optimizer.step([g])
    expected = eps_inside(lr, s0, eps)
    np.testing.assert_allclose(w, expected, rtol=1e-13, atol=0)
    assert np.abs(w - 1).min() > 1e-6  # every coordinate moved


def test_the_defaults_alone_would_not_take_those_steps():
    # guards the test above: d2lmini's own defaults (eps outside, s0 = 0) differ from the Keras step
    w = np.ones(3)
    optimizer = d2l.optim.Adagrad([w], lr=0.001)
    for g in gradient_stream():
        optimizer.step([g])
    assert np.abs(w - eps_inside(0.001, 0.1, 1e-7)).max() > 1e-4
