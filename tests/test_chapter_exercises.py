"""What the exercises page states, checked on the page's own code.

The solutions define small functions and arrays: the turned runs of exercise 2,
the Gershgorin helpers of exercise 4, the network of exercise 5, the RMSProp
step of exercise 6. :func:`page` runs the code cells that define them, taken
from the stored notebook (plots and glue cells are left out), and the tests
check the facts the text states about them.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import d2lmini as d2l

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "exercises.ipynb"


def top_level_names(tree: ast.Module) -> set[str]:
    """Names that a cell binds at top level (functions, classes, assignments)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


@functools.cache
def page(*names: str) -> dict:
    """The namespace after running, in order, every code cell that binds one of ``names``."""
    namespace = {"np": np, "math": math, "d2l": d2l}
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        if top_level_names(tree) & set(names):
            exec(compile(tree, f"{NOTEBOOK.name} cell {cell.get('id')}", "exec"), namespace)
    missing = [name for name in names if name not in namespace]
    assert not missing, f"no code cell of {NOTEBOOK.name} defines {missing}"
    return namespace


def markdown() -> str:
    return "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")


def condition_number(matrix: np.ndarray) -> float:
    eig = np.linalg.eigvalsh(matrix)
    return eig[-1] / eig[0]


# --- exercise 1: orthogonal maps --------------------------------------------------------------


def test_exercise1_u_is_orthogonal_and_keeps_distances():
    ns = page("U", "gains")
    U = ns["U"]
    assert np.abs(U.T @ U - np.eye(4)).max() < 1e-12
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = rng.standard_normal(4), rng.standard_normal(4)
        assert np.linalg.norm(U @ a - U @ b) == pytest.approx(np.linalg.norm(a - b), rel=1e-12)


def test_exercise1_eigenvector_directions_reach_the_bounds_and_a_random_one_lies_between():
    gains = page("U", "gains")["gains"]
    assert gains["the eigenvector of 0.2"] == pytest.approx(1 / 0.2, rel=1e-9)
    assert gains["the eigenvector of 10"] == pytest.approx(1 / 10, rel=1e-9)
    assert 1 / 10 < gains["a random direction"] < 1 / 0.2


# --- exercise 2: the rotated bowl ---------------------------------------------------------------


def ex2():
    return page("f_ref_grad", "H_ref", "gap", "START", "START_UV", "rotation", "run", "paths",
                "final", "kappa_jacobi", "thetas")


def test_exercise2_the_turned_objective_is_twice_the_45_degree_bowl():
    ns = ex2()
    assert np.allclose(ns["H_ref"], 2 * d2l.RotatedQuadratic(45).hessian(), rtol=0, atol=1e-12)
    assert np.allclose(np.linalg.eigvalsh(ns["H_ref"]), [0.4, 8.0], rtol=0, atol=1e-12)


def test_exercise2_doubling_the_objective_moves_adagrads_path_only_through_eps():
    gap = ex2()["gap"]
    assert 0 < gap < 1e-6  # eps = 1e-6 under the root is all that differs


def test_exercise2_every_run_starts_at_the_same_point_relative_to_the_valley():
    ns = ex2()
    gd = d2l.make_gd_2d(0.4)
    for theta in range(0, 91, 5):
        start = ns["run"](gd, theta, steps=1)[0, :2]  # relative to the minimum
        assert np.allclose(ns["rotation"](theta) @ start, ns["START_UV"], rtol=0, atol=1e-12)


def test_exercise2_the_45_degree_run_is_the_explorers_run_from_minus5_minus2():
    """The figure's right panel, the embedded explorer and the link show one run."""
    ns = ex2()
    text = markdown()
    div = re.search(r'<div data-explorer="adagrad"([^>]*)>', text).group(1)
    attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', div))
    link = re.search(r'href="algorithm\.html#([^"]+)"', text).group(1).replace("&amp;", "&")
    hashed = dict(pair.split("=") for pair in link.split("&"))
    assert attributes == hashed == {"eta": "2", "theta": "45", "steps": "20"}
    twin = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
            if c.cell_type == "code" and "widgets.explore(" in c.source]
    assert twin == ["d2l.widgets.explore(eta=2, theta=45)"]
    explorer_run = d2l.trajectory_2d(d2l.make_adagrad_2d(2.0), 20, f_grad=d2l.RotatedQuadratic(45).grad)
    assert np.allclose(ns["paths"]["adagrad", 45], explorer_run, rtol=0, atol=1e-12)
    assert np.allclose(ns["paths"]["adagrad", 45][0, :2], [-5.0, -2.0], rtol=0, atol=1e-12)


def test_exercise2_gradient_descent_traces_the_same_path_turned():
    ns = ex2()
    gd = d2l.make_gd_2d(0.4)
    aligned = ns["run"](gd, 0)[:, :2]
    for theta in range(0, 91, 15):
        turned = ns["run"](gd, theta)[:, :2]
        assert np.allclose(turned @ ns["rotation"](theta).T, aligned, rtol=0, atol=1e-12)
    distances = ns["final"]["GD, η = 0.4"]
    assert np.ptp(distances) < 1e-12


def test_exercise2_adagrad_at_the_shared_rate_ends_farther_than_gd_at_every_angle():
    final = ex2()["final"]
    assert np.all(final["Adagrad, η = 0.4"] > final["GD, η = 0.4"])


def test_exercise2_adagrad_at_eta_2_beats_gd_only_near_the_axes():
    ns = ex2()
    thetas, final = ns["thetas"], ns["final"]
    closer = final["Adagrad, η = 2"] < final["GD, η = 0.4"]
    lo = thetas[closer & (thetas < 45)].max()
    hi = thetas[closer & (thetas > 45)].min()
    assert np.array_equal(closer, (thetas <= lo) | (thetas >= hi))  # two runs of angles, no gaps
    assert 0 < lo < 45 < hi < 90


def test_exercise2_the_jump_is_where_the_first_x2_gradient_changes_sign():
    ns = ex2()
    ada = ns["final"]["Adagrad, η = 2"]
    jump = int(np.argmax(ada[:-1] - ada[1:]))
    assert jump == 83
    flip = math.degrees(math.atan(60 / 7))
    assert 83 < flip < 84
    adagrad = d2l.make_adagrad_2d(2.0)
    for theta, away in ((83, True), (84, False)):
        bowl = d2l.RotatedQuadratic(theta)
        start = ns["rotation"](theta).T @ ns["START_UV"]
        g2 = bowl.grad(*start)[1]
        assert (g2 > 0) == away  # the first gradient of x2 changes sign between 83 and 84 degrees
        x2_0, x2_1 = ns["run"](adagrad, theta, steps=1)[:, 1]
        assert abs(x2_1 - x2_0) == pytest.approx(2.0, rel=1e-3)  # about eta, however small g2
        assert (abs(x2_1) > abs(x2_0)) == away
    assert ada[84] < 1e-3 < ada[83]


def test_exercise2_jacobi_is_the_best_diagonal_rescaling_of_a_2x2_matrix():
    kappa_jacobi = ex2()["kappa_jacobi"]
    assert kappa_jacobi[45] == pytest.approx(20.0, rel=1e-9)
    assert kappa_jacobi[0] == pytest.approx(1.0, rel=1e-9)
    assert kappa_jacobi[90] == pytest.approx(1.0, rel=1e-9)
    rng = np.random.default_rng(0)
    for _ in range(200):
        A = rng.standard_normal((2, 2))
        H = A @ A.T + 0.1 * np.eye(2)
        jacobi = condition_number(H / np.sqrt(np.outer(np.diag(H), np.diag(H))))
        d = np.sqrt(rng.uniform(0.01, 100, size=2))
        assert condition_number(d[:, None] * H * d[None, :]) >= jacobi * (1 - 1e-9)


# --- exercise 3: Gershgorin's theorem -----------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_exercise3_each_eigenvalue_lies_in_the_disc_of_its_eigenvectors_largest_entry(seed):
    M = np.random.default_rng(seed).standard_normal((6, 6))  # the page uses seed 3
    radii = np.abs(M).sum(axis=1) - np.abs(np.diag(M))
    eigvals, eigvecs = np.linalg.eig(M)
    for lam, v in zip(eigvals, eigvecs.T):
        j = int(np.argmax(np.abs(v)))
        assert abs(lam - M[j, j]) <= radii[j] + 1e-12


# --- exercise 4: discs after Jacobi scaling -----------------------------------------------------


def ex4():
    return page("M", "M_tilde", "jacobi_scaled", "gershgorin", "r")


def test_exercise4_the_example_is_positive_definite_and_its_first_disc_reaches_past_zero():
    ns = ex4()
    M = ns["M"]
    assert M.shape == (4, 4) and np.array_equal(M, M.T)
    assert np.all(np.linalg.eigvalsh(M) > 0)
    centres, radii = ns["gershgorin"](M)
    assert centres[0] - radii[0] < 0


def test_exercise4_rescaled_discs_share_the_centre_1_and_bound_the_eigenvalues():
    ns = ex4()
    M_tilde, r = ns["M_tilde"], ns["r"]
    assert np.allclose(np.diag(M_tilde), 1.0, rtol=0, atol=1e-15)
    assert r < 1
    eig = np.linalg.eigvalsh(M_tilde)
    assert np.all((1 - r <= eig) & (eig <= 1 + r))
    assert eig.sum() == pytest.approx(len(eig), rel=1e-12)  # the trace is n
    assert condition_number(M_tilde) <= (1 + r) / (1 - r)


def test_exercise4_the_45_degree_hessian_attains_the_gershgorin_bound():
    ns = ex4()
    tilde = ns["jacobi_scaled"](d2l.RotatedQuadratic(45).hessian())
    r = ns["gershgorin"](tilde)[1].max()
    eig = np.linalg.eigvalsh(tilde)
    assert np.allclose(eig, [1 - r, 1 + r], rtol=0, atol=1e-12)
    assert condition_number(tilde) == pytest.approx((1 + r) / (1 - r), rel=1e-9)
    assert condition_number(tilde) == pytest.approx(20.0, rel=1e-9)


# --- exercise 5: the digits network ------------------------------------------------------------


def test_exercise5_the_backward_pass_matches_central_differences():
    ns = page("init_mlp", "loss_and_grads")
    rng = np.random.default_rng(0)
    X = rng.integers(0, 17, size=(50, 64)) / 16.0  # 50 images like the digits
    y = rng.integers(0, 10, size=50)
    params = ns["init_mlp"](seed=0)
    _, grads = ns["loss_and_grads"](params, X, y)
    for p, g in zip(params, grads):
        for _ in range(5):
            idx = tuple(int(rng.integers(s)) for s in p.shape)
            saved = p[idx]
            p[idx] = saved + 1e-6
            up = ns["loss_and_grads"](params, X, y)[0]
            p[idx] = saved - 1e-6
            down = ns["loss_and_grads"](params, X, y)[0]
            p[idx] = saved
            assert (up - down) / 2e-6 == pytest.approx(g[idx], abs=1e-7)


# --- exercise 6: RMSProp ------------------------------------------------------------------------


def test_exercise6_rmsprop_first_step_by_hand():
    RMSProp = page("RMSProp")["RMSProp"]
    w, g = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    opt = RMSProp([w], lr=0.1, gamma=0.9, eps=1e-8)
    opt.step([g])
    s = 0.1 * g**2
    assert np.allclose(opt.square_avgs[0], s, rtol=1e-15, atol=0)
    assert np.allclose(w, [1.0, -2.0] - 0.1 * g / (np.sqrt(s) + 1e-8), rtol=1e-15, atol=0)


def test_exercise6_the_2d_trainer_is_the_leaky_average_with_eps_inside_the_root():
    bowl = d2l.RotatedQuadratic(0)
    states = d2l.trajectory_2d(d2l.make_rmsprop_2d(0.4), 30, f_grad=bowl.grad)
    x, s = np.array([-5.0, -2.0]), np.zeros(2)
    for t in range(1, 31):
        g = np.array(bowl.grad(*x))
        s = 0.9 * s + 0.1 * g**2
        x = x - 0.4 / np.sqrt(s + 1e-6) * g
        assert np.allclose(states[t], [*x, *s], rtol=1e-12, atol=1e-15)


def test_exercise6_rmsprop_ends_hopping_within_eta_over_two():
    ns = page("long_runs", "dist")
    late = np.abs(ns["long_runs"]["RMSProp"][-50:, :2]).max(axis=0)
    assert np.all(late <= 0.2 + 1e-9)
    assert np.all(late > 0.19)  # it keeps hopping: it does not settle
    assert ns["dist"]["Adagrad"][-1] < ns["dist"]["RMSProp"][-1]
