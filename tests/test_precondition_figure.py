"""The preconditioning figure's notebook twin and its no-JavaScript picture (d2lmini.precondition_figure)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import d2lmini as d2l
from d2lmini import precondition as pc
from d2lmini import precondition_figure as pf

ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def shared():
    return d2l.widgets.explore_preconditioning()


@pytest.fixture
def figure(shared):
    shared.reset()
    return shared


def test_the_twin_has_the_web_figures_controls_and_starts_at_the_defaults(figure):
    assert set(figure.controls) == {"theta", "kappa", "kappa_slider"}
    c = figure.controls
    assert (c["theta"].min, c["theta"].max, c["theta"].step) == (0, 180, pc.THETA_STEP)
    assert (c["kappa"].min, c["kappa"].max) == (1, 100)
    assert [v for _, v in c["kappa_slider"].options] == list(pc.KAPPA_NOTCHES)
    assert (figure.state.theta, figure.state.kappa) == (30.0, 20.0)
    assert figure.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "κ(H) = <b>20.00</b>" in figure.text.value and "15.47" in figure.text.value


def test_moving_a_control_shows_what_analyse_computes(figure):
    for theta, kappa in ((45, 20), (22.5, 3.7), (133, 1)):
        figure.controls["theta"].value = theta
        figure.controls["kappa"].value = kappa
        expected = pc.analyse(theta, kappa)
        s = figure.state
        assert (s.kappa_before, s.kappa_jacobi, s.centers_before, s.radii_after) == (
            expected.kappa_before, expected.kappa_jacobi, expected.centers_before, expected.radii_after)
        assert f"<b>{expected.kappa_before:.2f}</b>" in figure.text.value
        assert f">{expected.kappa_jacobi:.2f}</b>" in figure.text.value
        assert figure.url_hash == f"#theta={theta:g}&kappa={kappa:g}"


def test_the_kappa_slider_sets_the_box_and_a_typed_kappa_moves_the_slider(figure):
    figure.controls["kappa_slider"].value = 50.0
    assert figure.controls["kappa"].value == 50.0 and figure.state.kappa == 50.0
    figure.controls["kappa"].value = 33.0
    assert figure.controls["kappa_slider"].value == 30.0 and figure.state.kappa == 33.0


def test_each_change_redraws_the_picture(figure):
    first = figure.image.value
    figure.controls["theta"].value = 45
    second = figure.image.value
    figure.controls["kappa"].value = 80
    assert len({first, second, figure.image.value}) == 3


def test_reset_returns_to_the_starting_values(figure):
    figure.controls["theta"].value = 10
    figure.controls["kappa"].value = 2
    figure.reset()
    assert (figure.state.theta, figure.state.kappa) == (30.0, 20.0)
    assert figure.controls["kappa_slider"].value == 20.0
    assert figure.controls["theta"].value == 30 and figure.controls["kappa"].value == 20


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(theta=200), r"theta must be a number of degrees in \[0, 180\]"),
    (dict(kappa=0.5), r"kappa must be a condition number in \[1, 100\]"),
    (dict(kappa="20"), "kappa must be a finite number"),
])
def test_bad_starting_values_get_an_error_naming_them(kwargs, pattern):
    with pytest.raises((TypeError, ValueError), match=pattern):
        d2l.widgets.explore_preconditioning(**kwargs)


# Both twins of this issue, built in two fresh interpreters (as two kernels would).
_DISPLAY = ("import json, d2lmini as d2l; b = [d2l.widgets.explore_preconditioning(theta=45)._repr_mimebundle_(), "
            "d2l.widgets.explore_sparse(noise=0.5)._repr_mimebundle_()]; print(json.dumps(b, sort_keys=True))")


def test_display_is_deterministic_for_the_stored_notebooks():
    """Two fresh kernels store the same output for the twins' cells, ids included."""
    kernels = [subprocess.Popen([sys.executable, "-c", _DISPLAY], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    runs = [kernel.communicate(timeout=180)[0] for kernel in kernels]
    assert [kernel.returncode for kernel in kernels] == [0, 0]
    assert runs[0] == runs[1]
    precondition, sparse = json.loads(runs[0])
    assert precondition["text/plain"] == "PreconditioningExplorer(theta=45, kappa=20)"
    assert precondition["application/vnd.jupyter.widget-view+json"]["model_id"] == "d2lmini-preconditioning-1"
    assert sparse["text/plain"] == "SparseExplorer(exponent=1.2, background=0, noise=0.5)"
    assert sparse["application/vnd.jupyter.widget-view+json"]["model_id"] == "d2lmini-sparse-1"


def test_the_no_javascript_picture_is_drawn_the_same_each_time():
    (svg1, alt1), (svg2, alt2) = (pf.fallback_svg({"data-theta": "45"}) for _ in range(2))
    assert svg1 == svg2 and svg1.startswith(b"<?xml") and b"<svg" in svg1
    assert alt1 == alt2
    assert "turned by 45 degrees with condition number 20.00" in alt1 and "condition number 20.00;" in alt1
    _, alt = pf.fallback_svg({})
    assert "turned by 30 degrees" in alt and "15.47" in alt
