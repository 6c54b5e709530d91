"""The facts the preconditioning chapter states, checked on the chapter's own code.

The chapter's functions (``kappa``, ``jacobi``, ``conjugate_gradients``,
``noisy_adagrad``, ``kappa_seen_by_adagrad``, ``ellipse``) are compiled from
its code cells, so a change on the page is tested here; the linear-algebra
identities it derives are checked with plain numpy on random matrices.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

import d2lmini as d2l

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "preconditioning.ipynb"
BOOK_BOWL = (0.2, 4.0)  # eigenvalues of 0.1 x1^2 + 2 x2^2, kappa = 20


@pytest.fixture(scope="module")
def page():
    """The functions the chapter defines, compiled from its code cells (nothing else runs)."""
    namespace = {"np": np, "d2l": d2l}
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        defs = [node for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)]
        code = compile(ast.Module(body=defs, type_ignores=[]), str(NOTEBOOK), "exec")
        exec(code, namespace)  # noqa: S102 -- the chapter's own function definitions
    wanted = ("kappa", "jacobi", "conjugate_gradients", "noisy_adagrad", "kappa_seen_by_adagrad", "ellipse")
    missing = [name for name in wanted if name not in namespace]
    assert not missing, f"the chapter no longer defines {missing}"
    return SimpleNamespace(**{name: namespace[name] for name in wanted})


def random_spd(rng, d, shift=0.5):
    A = rng.standard_normal((d, d))
    return A @ A.T + shift * np.eye(d)


def eigenbasis(Q):
    """U (rows = unit eigenvectors) and the eigenvalues, with Q = U^T diag(lam) U."""
    lam, V = np.linalg.eigh(Q)
    return V.T, lam


SEEDS_AND_SIZES = [(seed, d) for seed in range(4) for d in (2, 3, 6)]


# -- The quadratic in its eigenbasis -------------------------------------------------------------

@pytest.mark.parametrize("seed,d", SEEDS_AND_SIZES)
def test_eigh_gives_the_pages_U_as_the_transpose_of_its_columns(seed, d):
    Q = random_spd(np.random.default_rng(seed), d)
    U, lam = eigenbasis(Q)
    np.testing.assert_allclose(U.T @ np.diag(lam) @ U, Q, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(U @ U.T, np.eye(d), atol=1e-12)


@pytest.mark.parametrize("seed,d", SEEDS_AND_SIZES)
def test_the_quadratic_splits_into_one_problem_per_eigenvalue(seed, d):
    rng = np.random.default_rng(seed)
    Q, c, b = random_spd(rng, d), rng.standard_normal(d), 0.7
    U, lam = eigenbasis(Q)
    x = rng.standard_normal(d)
    x_bar, c_bar = U @ x, U @ c
    f = 0.5 * x @ Q @ x + c @ x + b
    f_bar = np.sum(0.5 * lam * x_bar**2 + c_bar * x_bar) + b
    assert f_bar == pytest.approx(f, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed,d", SEEDS_AND_SIZES)
def test_minimizer_and_minimum_from_the_eigenbasis_match_a_direct_solve(seed, d):
    rng = np.random.default_rng(seed)
    Q, c, b = random_spd(rng, d), rng.standard_normal(d), 0.7
    U, lam = eigenbasis(Q)
    c_bar = U @ c
    x_min = np.linalg.solve(Q, -c)
    np.testing.assert_allclose(U.T @ (-c_bar / lam), x_min, rtol=1e-10, atol=1e-12)
    assert 0.5 * x_min @ Q @ x_min + c @ x_min + b == pytest.approx(-0.5 * c_bar @ (c_bar / lam) + b, rel=1e-10)


@pytest.mark.parametrize("seed,d", SEEDS_AND_SIZES)
def test_the_ideal_rescaling_makes_the_bowl_round(seed, d):
    rng = np.random.default_rng(seed)
    Q = random_spd(rng, d)
    U, lam = eigenbasis(Q)
    x = rng.standard_normal(d)
    z = np.sqrt(lam) * (U @ x)
    assert z @ z == pytest.approx(x @ Q @ x, rel=1e-12)
    T = np.diag(np.sqrt(lam)) @ U  # z = T x, so the Hessian in z is T^-T Q T^-1
    T_inv = np.linalg.inv(T)
    np.testing.assert_allclose(T_inv.T @ Q @ T_inv, np.eye(d), atol=1e-9)


@pytest.mark.parametrize("seed,d", SEEDS_AND_SIZES)
def test_the_gradient_in_the_eigenbasis_is_curvature_times_distance(seed, d):
    rng = np.random.default_rng(seed)
    Q, c = random_spd(rng, d), rng.standard_normal(d)
    U, lam = eigenbasis(Q)
    x = rng.standard_normal(d)
    x0_bar = -(U @ c) / lam
    np.testing.assert_allclose(U @ (Q @ x + c), lam * (U @ x - x0_bar), rtol=1e-10, atol=1e-10)


# -- Sensitivity and the condition number --------------------------------------------------------

def test_nudging_c_on_the_books_bowl_moves_the_minimizer_by_delta_over_lambda(page):
    H, c = np.diag(BOOK_BOWL), np.array([1.0, 1.0])
    x0 = np.linalg.solve(H, -c)
    np.testing.assert_allclose(x0, [-5.0, -0.25])
    moves = [np.linalg.norm(np.linalg.solve(H, -(c + 0.01 * e)) - x0) for e in np.eye(2)]
    np.testing.assert_allclose(moves, [0.01 / 0.2, 0.01 / 4.0], rtol=1e-12)
    assert moves[0] / moves[1] == pytest.approx(page.kappa(H), rel=1e-12)
    assert page.kappa(H) == pytest.approx(20.0, rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_a_perturbation_moves_the_minimizer_between_its_bounds(seed):
    rng = np.random.default_rng(seed)
    Q = random_spd(rng, 5, shift=0.1)
    lam = np.linalg.eigvalsh(Q)
    for _ in range(20):
        delta = rng.standard_normal(5)
        move = np.linalg.norm(np.linalg.solve(Q, delta))
        size = np.linalg.norm(delta)
        assert size / lam[-1] * (1 - 1e-12) <= move <= size / lam[0] * (1 + 1e-12)
    # the bounds are attained along the eigenvectors of lambda_max and lambda_min
    U, lam = eigenbasis(Q)
    assert np.linalg.norm(np.linalg.solve(Q, U[-1])) == pytest.approx(1 / lam[-1], rel=1e-10)
    assert np.linalg.norm(np.linalg.solve(Q, U[0])) == pytest.approx(1 / lam[0], rel=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_the_minimum_value_moves_by_minus_c_bar_over_lambda(seed):
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.1, 10.0, 4)
    c_bar = rng.standard_normal(4)

    def minimum(cb):
        return -0.5 * cb @ (cb / lam) + 0.7

    h = 1e-6
    numeric = [(minimum(c_bar + h * e) - minimum(c_bar - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(numeric, -c_bar / lam, rtol=1e-6, atol=1e-8)


# -- Conjugate gradients --------------------------------------------------------------------------

def pages_cg_system(d=500):
    """The system of the chapter's conjugate-gradient cell (same seed, same construction)."""
    rng = np.random.default_rng(0)
    G = rng.standard_normal((d, d))
    scales = np.geomspace(0.1, 10, d)
    rng.shuffle(scales)
    Q = scales[:, None] * (G @ G.T / d + np.eye(d)) * scales[None, :]
    return Q, rng.standard_normal(d)


def test_conjugate_gradients_solves_using_only_products_and_jacobi_needs_far_fewer(page):
    Q, rhs = pages_cg_system()
    products = {"plain": 0, "jacobi": 0}

    def counting(name):
        def matvec(v):
            products[name] += 1
            return Q @ v
        return matvec

    x_plain, steps_plain = page.conjugate_gradients(counting("plain"), rhs)
    x_jacobi, steps_jacobi = page.conjugate_gradients(counting("jacobi"), rhs, 1 / np.diag(Q))
    assert (products["plain"], products["jacobi"]) == (steps_plain, steps_jacobi)
    exact = np.linalg.solve(Q, rhs)
    for x in (x_plain, x_jacobi):
        assert np.linalg.norm(Q @ x - rhs) <= 1e-8 * np.linalg.norm(rhs) * (1 + 1e-6)
        assert np.linalg.norm(x - exact) <= 1e-6 * np.linalg.norm(exact)
    d = len(rhs)
    # the page's reading: plain CG needs more than d products, more than a Cholesky
    # factorization's d^3/3 operations at 2 d^2 per product; Jacobi CG needs far fewer.
    assert steps_plain > d
    assert 2 * d**2 * steps_plain > d**3 / 3 > 2 * d**2 * steps_jacobi
    assert steps_jacobi < steps_plain / 10


def test_jacobi_preconditioned_cg_is_cg_on_the_scaled_matrix(page):
    rng = np.random.default_rng(3)
    Q = random_spd(rng, 8) * np.outer(*(2 * [np.geomspace(0.3, 3, 8)]))
    rhs = rng.standard_normal(8)
    root = np.sqrt(np.diag(Q))
    Q_tilde = Q / np.outer(root, root)
    for k in range(1, 8):
        x_pcg, _ = page.conjugate_gradients(lambda v: Q @ v, rhs, 1 / np.diag(Q), tol=0, max_steps=k)
        y_cg, _ = page.conjugate_gradients(lambda v: Q_tilde @ v, rhs / root, tol=0, max_steps=k)
        np.testing.assert_allclose(x_pcg, y_cg / root, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_cg_error_obeys_the_condition_number_bound(page, seed):
    rng = np.random.default_rng(seed)
    Q = random_spd(rng, 60, shift=2.0)
    rhs = rng.standard_normal(60)
    exact = np.linalg.solve(Q, rhs)
    k_ = page.kappa(Q)
    rate = (np.sqrt(k_) - 1) / (np.sqrt(k_) + 1)

    def energy(e):
        return np.sqrt(e @ Q @ e)

    for k in (1, 2, 5, 10, 20):
        x, _ = page.conjugate_gradients(lambda v: Q @ v, rhs, tol=0, max_steps=k)
        assert energy(x - exact) <= 2 * rate**k * energy(exact) * (1 + 1e-9)


# -- Jacobi scaling ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed,d", SEEDS_AND_SIZES)
def test_jacobi_gives_unit_diagonal_and_the_stated_entries(page, seed, d):
    Q = random_spd(np.random.default_rng(seed), d)
    Q_tilde = page.jacobi(Q)
    np.testing.assert_allclose(np.diag(Q_tilde), 1.0, rtol=1e-14)
    np.testing.assert_allclose(Q_tilde, Q / np.sqrt(np.outer(np.diag(Q), np.diag(Q))), rtol=1e-13)
    assert np.all(np.linalg.eigvalsh(Q_tilde) > 0)


@pytest.mark.parametrize("theta", [0, 90, 180])
def test_jacobi_is_the_ideal_rescaling_of_an_aligned_bowl(page, theta):
    H = d2l.RotatedQuadratic(theta).hessian()
    np.testing.assert_allclose(page.jacobi(H), np.eye(2), atol=1e-12)
    assert page.kappa(page.jacobi(H)) == pytest.approx(1.0, abs=1e-9)
    assert page.kappa(H) == pytest.approx(20.0, rel=1e-9)


@pytest.mark.parametrize("theta", np.arange(0, 181, 1.0))
def test_kappa_after_jacobi_has_the_closed_form(page, theta):
    H = d2l.RotatedQuadratic(theta).hessian()
    rho = H[0, 1] / np.sqrt(H[0, 0] * H[1, 1])
    assert page.kappa(H) == pytest.approx(20.0, rel=1e-9)
    assert page.kappa(page.jacobi(H)) == pytest.approx((1 + abs(rho)) / (1 - abs(rho)), rel=1e-9)
    np.testing.assert_allclose(np.linalg.eigvalsh(page.jacobi(H)), [1 - abs(rho), 1 + abs(rho)], atol=1e-12)


def test_at_45_degrees_jacobi_only_divides_by_2_1(page):
    H = d2l.RotatedQuadratic(45).hessian()
    np.testing.assert_allclose(np.diag(H), [2.1, 2.1], rtol=1e-12)
    np.testing.assert_allclose(page.jacobi(H), H / 2.1, rtol=1e-12)
    assert H[0, 1] / 2.1 == pytest.approx(-1.9 / 2.1, rel=1e-12)
    assert page.kappa(page.jacobi(H)) == pytest.approx(20.0, rel=1e-9)


@pytest.mark.parametrize("theta", [15, 30, 45, 60, 75, 105, 120, 135, 150, 165])
def test_kappa_after_jacobi_is_symmetric_and_peaks_at_45_and_135(page, theta):
    def after(t):
        return page.kappa(page.jacobi(d2l.RotatedQuadratic(t).hessian()))

    assert after(theta) == pytest.approx(after(90 - theta), rel=1e-9)
    assert after(theta) == pytest.approx(after(180 - theta), rel=1e-9)
    assert after(theta) <= after(45) * (1 + 1e-12) and after(theta) <= after(135) * (1 + 1e-12)


@pytest.mark.parametrize("theta", [15, 30, 45, 60, 75])
def test_a_turned_bowl_after_scaling_lies_along_the_diagonals(page, theta):
    _, vectors = np.linalg.eigh(page.jacobi(d2l.RotatedQuadratic(theta).hessian()))
    np.testing.assert_allclose(np.abs(vectors), np.full((2, 2), np.sqrt(0.5)), atol=1e-12)


def test_no_diagonal_scaling_beats_jacobi_on_a_grid_of_angles(page):
    ratios = np.geomspace(1e-3, 1e3, 2001)
    for theta in range(0, 181, 5):
        H = d2l.RotatedQuadratic(theta).hessian()
        best = min(page.kappa(np.diag([1, r]) @ H @ np.diag([1, r])) for r in ratios)
        assert best >= page.kappa(page.jacobi(H)) * (1 - 1e-9), theta


@pytest.mark.parametrize("seed", range(5))
def test_no_diagonal_scaling_beats_jacobi_for_random_2x2_matrices(page, seed):
    rng = np.random.default_rng(seed)
    Q = random_spd(rng, 2, shift=0.05)
    jacobi_kappa = page.kappa(page.jacobi(Q))
    rho = Q[0, 1] / np.sqrt(Q[0, 0] * Q[1, 1])
    # the AM-GM minimum of tr^2/det is 4/(1 - rho^2) = kappa + 2 + 1/kappa at Jacobi's kappa
    assert jacobi_kappa + 2 + 1 / jacobi_kappa == pytest.approx(4 / (1 - rho**2), rel=1e-9)
    for s in np.exp(rng.uniform(-5, 5, (200, 2))):
        S = np.diag(s)
        assert page.kappa(S @ Q @ S) >= jacobi_kappa * (1 - 1e-9)


def test_ellipse_points_lie_on_their_level_set(page):
    M = page.jacobi(d2l.RotatedQuadratic(30).hessian())
    points = page.ellipse(M, 2.0)
    np.testing.assert_allclose(np.einsum("in,ij,jn->n", points, M, points), 4.0, rtol=1e-12)


# -- Adagrad's scaling from noisy gradients -----------------------------------------------------------

CURVATURES = np.array([0.1, 0.3, 1.0, 3.0, 10.0])


@pytest.fixture(scope="module")
def aligned_totals(page):
    """Adagrad's totals s_T on the page's aligned quadratic (kappa = 100), for seeds 0..5."""
    H = np.diag(CURVATURES)
    return {(kind, seed): page.noisy_adagrad(H, kind, seed=seed)
            for kind in ("data", "additive", "regression") for seed in range(6)}


@pytest.fixture(scope="module")
def aligned_runs(page, aligned_totals):
    """kappa seen by Adagrad in each of those runs."""
    H = np.diag(CURVATURES)
    return {key: page.kappa_seen_by_adagrad(H, s) for key, s in aligned_totals.items()}


@pytest.mark.parametrize("seed", range(6))
def test_with_data_noise_adagrad_sees_a_nearly_round_bowl(aligned_runs, seed):
    assert 1.0 <= aligned_runs["data", seed] < 1.05


@pytest.mark.parametrize("seed", range(6))
def test_with_fixed_size_noise_adagrad_keeps_most_of_the_condition_number(aligned_runs, seed):
    assert 80 < aligned_runs["additive", seed] <= 100


@pytest.mark.parametrize("seed", range(6))
def test_with_regression_noise_adagrad_sees_about_the_root_of_kappa(aligned_runs, seed):
    assert aligned_runs["regression", seed] == pytest.approx(np.sqrt(100), rel=0.05)


@pytest.mark.parametrize("seed", range(6))
def test_with_data_noise_rms_gradients_match_the_curvatures(aligned_totals, seed):
    s = aligned_totals["data", seed]
    # 5,000 squared samples estimate an rms to about 1% (one standard error)
    np.testing.assert_allclose(np.sqrt(s / 5000) / CURVATURES, 1.0, rtol=0.04)


def test_with_fixed_size_noise_rms_gradients_are_alike(aligned_totals):
    s = aligned_totals["additive", 0]
    np.testing.assert_allclose(np.sqrt(s / 5000), 1.0, rtol=0.15)


def test_regression_noise_has_covariance_sigma_squared_h():
    rng = np.random.default_rng(0)
    H = d2l.RotatedQuadratic(30).hessian()
    noise = np.linalg.cholesky(H) @ rng.standard_normal((2, 200_000))
    np.testing.assert_allclose(np.cov(noise), H, atol=0.03)


def test_an_unknown_noise_kind_is_refused_by_name(page):
    with pytest.raises(ValueError, match="noise must be 'data', 'additive' or 'regression'; got 'Data'"):
        page.noisy_adagrad(np.eye(2), "Data")


def test_adagrads_step_is_gradient_descent_in_scaled_variables():
    rng = np.random.default_rng(1)
    H = random_spd(rng, 3)
    P = np.diag(rng.uniform(0.2, 2.0, 3))
    root_p = np.sqrt(P)
    x, eta = rng.standard_normal(3), 0.1
    y = np.linalg.solve(root_p, x)  # y = P^(-1/2) x
    y_next = y - eta * (root_p @ H @ root_p) @ y  # GD on 1/2 y^T (P^1/2 H P^1/2) y
    np.testing.assert_allclose(root_p @ y_next, x - eta * P @ (H @ x), rtol=1e-12)


@pytest.mark.parametrize("theta", [0, 45])
def test_data_noise_on_a_turned_bowl_has_the_length_of_each_row(page, theta):
    H = d2l.RotatedQuadratic(theta).hessian()
    s = page.noisy_adagrad(H, "data")
    np.testing.assert_allclose(np.sqrt(s / 5000), np.linalg.norm(H, axis=1), rtol=0.02)


def test_a_rotation_by_45_degrees_defeats_adagrads_scaling(page):
    kappa_seen = {theta: page.kappa_seen_by_adagrad(H, page.noisy_adagrad(H, "data"))
                  for theta in (0, 45) for H in [d2l.RotatedQuadratic(theta).hessian()]}
    assert kappa_seen[0] < 1.05
    assert kappa_seen[45] == pytest.approx(20.0, rel=1e-3)
