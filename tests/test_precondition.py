"""d2lmini.precondition: H(θ, κ), Jacobi scaling, Gershgorin discs, eigenvalues and condition numbers.

Each fact is checked against an independent computation (numpy's eigvalsh,
matrix products, the book's RotatedQuadratic), not against the module itself.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from d2lmini import RotatedQuadratic
from d2lmini import precondition as pc

THETAS = (0.0, 1.0, 15.0, 22.5, 30.0, 45.0, 60.0, 89.0, 90.0, 117.3, 135.0, 179.0, 180.0)
KAPPAS = (1.0, 1.5, 20.0, 37.7, 100.0)


def rotation(theta):
    bowl = RotatedQuadratic(theta)
    return np.array([[bowl.cos, bowl.sin], [-bowl.sin, bowl.cos]])


@pytest.mark.parametrize("theta", THETAS)
def test_kappa_20_is_the_books_bowl(theta):
    assert np.allclose(pc.hessian(theta, 20), RotatedQuadratic(theta).hessian(), rtol=0, atol=1e-15)
    assert pc.BOOK_KAPPA == 20 and pc.SMALL_EIGENVALUE == 0.2


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("theta", THETAS)
def test_hessian_is_u_transpose_diag_u(theta, kappa):
    U = rotation(theta)
    expected = U.T @ np.diag([0.2, 0.2 * kappa]) @ U
    H = pc.hessian(theta, kappa)
    assert np.allclose(H, expected, rtol=0, atol=1e-14 * kappa)
    assert H[0, 1] == H[1, 0]
    assert np.allclose(np.linalg.eigvalsh(H), [0.2, 0.2 * kappa], rtol=1e-13)


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("theta", THETAS)
def test_analyse_agrees_with_numpy(theta, kappa):
    s = pc.analyse(theta, kappa)
    H = pc.hessian(theta, kappa)
    D = np.diag(1 / np.sqrt(np.diag(H)))
    scaled = D @ H @ D
    assert np.allclose(s.scaled, scaled, rtol=0, atol=1e-14)
    assert s.scaled[0, 0] == 1.0 and s.scaled[1, 1] == 1.0 and s.scaled[0, 1] == s.scaled[1, 0]
    eig_h, eig_s = np.linalg.eigvalsh(H), np.linalg.eigvalsh(scaled)
    assert np.allclose(s.eigenvalues_before, eig_h, rtol=1e-12)
    assert np.allclose(s.eigenvalues_after, eig_s, rtol=1e-12, atol=1e-14)
    assert s.kappa_before == pytest.approx(kappa, rel=1e-12)
    assert s.kappa_jacobi == pytest.approx(eig_s[1] / eig_s[0], rel=1e-12)
    rho = abs(H[0, 1]) / math.sqrt(H[0, 0] * H[1, 1])
    assert s.kappa_jacobi == pytest.approx((1 + rho) / (1 - rho), rel=1e-12)
    # Gershgorin: centres on the diagonal, radii the off-diagonal sums; after scaling centred at 1
    assert s.centers_before == pytest.approx(tuple(np.diag(H)), abs=0) and s.radii_before == (abs(H[0, 1]),) * 2
    assert s.centers_after == (1.0, 1.0) and s.radii_after == (abs(s.rho),) * 2
    # every eigenvalue lies in a disc (Gershgorin's theorem), up to rounding
    for centers, radii, eig in ((s.centers_before, s.radii_before, eig_h), (s.centers_after, s.radii_after, eig_s)):
        for lam in eig:
            assert any(abs(lam - c) <= r * (1 + 1e-12) + 1e-14 for c, r in zip(centers, radii)), (lam, centers, radii)


def test_jacobi_fixes_only_the_aligned_bowl():
    for kappa in KAPPAS:
        for theta in (0, 90, 180):
            assert pc.analyse(theta, kappa).kappa_jacobi == pytest.approx(1.0, abs=1e-12)
        for theta in (45, 135):
            assert pc.analyse(theta, kappa).kappa_jacobi == pytest.approx(kappa, rel=1e-12)
        inside = [pc.analyse(t, kappa).kappa_jacobi for t in (10, 30, 60, 80)]
        assert all(1 <= k <= kappa * (1 + 1e-12) for k in inside)
    # The preconditioning page's number at 30 degrees on the book's bowl, computed the page's way.
    H = RotatedQuadratic(30).hessian()
    scale = 1 / np.sqrt(np.diag(H))
    eig = np.linalg.eigvalsh(scale[:, None] * H * scale[None, :])
    assert pc.analyse(30, 20).kappa_jacobi == pytest.approx(eig[-1] / eig[0], rel=1e-12)


def test_gershgorin_and_jacobi_on_a_general_matrix():
    M = np.array([[0.5, 0.2, -0.3], [0.2, 3.0, 1.0], [-0.3, 1.0, 12.0]])
    centers, radii = pc.gershgorin(M)
    assert centers.tolist() == [0.5, 3.0, 12.0]
    assert radii == pytest.approx([0.5, 1.2, 1.3])
    J = pc.jacobi(M)
    assert np.diag(J).tolist() == [1.0, 1.0, 1.0] and (J == J.T).all()
    assert J[0, 2] == pytest.approx(-0.3 / math.sqrt(0.5 * 12.0))
    rng = np.random.default_rng(0)
    A = rng.standard_normal((5, 5))
    S = A @ A.T + np.eye(5)
    c, r = pc.gershgorin(S)
    for lam in np.linalg.eigvalsh(S):
        assert np.any(np.abs(lam - c) <= r + 1e-12)


def test_eigenvalues_2x2_closed_form():
    rng = np.random.default_rng(1)
    for _ in range(50):
        a, b, d = rng.standard_normal(3) * 10 ** rng.uniform(-3, 3)
        lo, hi = pc.eigenvalues_2x2([[a, b], [b, d]])
        assert (lo, hi) == pytest.approx(tuple(np.linalg.eigvalsh([[a, b], [b, d]])), rel=1e-10, abs=1e-12 * abs(a) + abs(d))
    with pytest.raises(ValueError, match="symmetric 2 x 2"):
        pc.eigenvalues_2x2([[1.0, 2.0], [0.0, 1.0]])


@pytest.mark.parametrize("kappa", KAPPAS)
def test_the_disc_view_holds_every_disc_and_eigenvalue_at_every_angle(kappa):
    low, high = pc.disc_view(kappa)
    assert low <= 0 < high
    lows, highs = [], []
    for theta in np.arange(0, 180.25, 0.25):
        s = pc.analyse(float(theta), kappa)
        for c, r in zip(s.centers_before, s.radii_before):
            lows.append(c - r)
            highs.append(c + r)
        lows.append(s.eigenvalues_before[0])
        highs.append(s.eigenvalues_before[1])
    assert low <= min(lows) and max(highs) <= high
    # tight: the extremes are reached (at 22.5 and 67.5 degrees), within the 4% padding, once
    # the spread is wider than the view's least width of 2 λ1
    if kappa >= 5:
        assert max(highs) >= high - 0.05 * (high - low) and min(lows) <= low + 0.05 * (high - low)
    for theta in np.arange(0, 180.25, 0.25):
        s = pc.analyse(float(theta), kappa)
        assert all(pc.SCALED_VIEW[0] < c - r and c + r < pc.SCALED_VIEW[1] for c, r in zip(s.centers_after, s.radii_after))


def test_kappa_jacobi_curve_samples_whole_degrees():
    thetas, kappas = pc.kappa_jacobi_curve(20)
    assert thetas.tolist() == list(range(181))
    assert kappas[0] == pytest.approx(1) and kappas[45] == pytest.approx(20) and kappas[30] == pc.analyse(30, 20).kappa_jacobi
    t, k = pc.kappa_jacobi_curve(5, [10, 20])
    assert t.tolist() == [10, 20] and k[1] == pc.analyse(20, 5).kappa_jacobi


@pytest.mark.parametrize("theta, kappa, name, pattern", [
    (-1, 20, "theta", r"theta must be a number of degrees in \[0, 180\]; got -1.0"),
    (180.5, 20, "theta", r"\[0, 180\]"),
    (float("nan"), 20, "theta", "theta must be a finite number"),
    ("30", 20, "theta", "theta must be a finite number"),
    (30, 0.99, "kappa", r"kappa must be a condition number in \[1, 100\]; got 0.99"),
    (30, 101, "kappa", r"\[1, 100\]"),
    (30, float("inf"), "kappa", "kappa must be a finite number"),
    (30, None, "kappa", "kappa must be a finite number"),
])
def test_bad_settings_are_refused_with_the_argument_and_its_range(theta, kappa, name, pattern):
    for call in (pc.analyse, pc.hessian, pc.check_setting):
        with pytest.raises((TypeError, ValueError), match=pattern):
            call(theta, kappa)


def test_bad_matrices_are_refused():
    with pytest.raises(ValueError, match="positive diagonal"):
        pc.jacobi([[0.0, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="square matrix"):
        pc.gershgorin([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="square matrix"):
        pc.jacobi([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(ValueError, match="eigenvalues must be positive"):
        pc.condition_number((0.0, 1.0))


def test_settings_from_attributes_ignores_what_is_not_a_number_in_range():
    assert pc.settings_from_attributes({}) == (30.0, 20.0)
    assert pc.settings_from_attributes({"data-theta": "45", "data-kappa": "100"}) == (45.0, 100.0)
    assert pc.settings_from_attributes({"data-theta": "200", "data-kappa": "x"}) == (30.0, 20.0)


def test_rho_label():
    assert pc.rho_label(-0.8785882539782275) == "\u22120.879"
    assert pc.rho_label(-2.6e-16) == "0.000" and pc.rho_label(0.0) == "0.000" and pc.rho_label(0.5) == "0.500"


def test_web_constants_are_the_modules():
    C = json.loads(json.dumps(pc.web_constants(), allow_nan=False))
    assert C["KAPPA_NOTCHES"] == list(pc.KAPPA_NOTCHES)
    assert {1.0, 2.0, 20.0, 100.0} <= set(C["KAPPA_NOTCHES"]) and C["KAPPA_NOTCHES"] == sorted(C["KAPPA_NOTCHES"])
    assert all(len(f"{v:g}".replace(".", "").strip("0")) <= 2 for v in C["KAPPA_NOTCHES"])
    assert C["DEFAULTS"] == {"theta": 30.0, "kappa": 20.0} and C["SMALL_EIGENVALUE"] == 0.2
    assert len(C["COS_SIN"]) == 181
    for k in (0, 30, 45, 90, 180):
        bowl = RotatedQuadratic(k)
        assert C["COS_SIN"][k] == [bowl.cos, bowl.sin]
    f = C["DISC_VIEW_FACTORS"]
    assert f[0] == (math.sqrt(2) - 1) / 2 and f[1] == (math.sqrt(2) + 1) / 2
