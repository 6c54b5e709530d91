"""The sparse-features figure's notebook twin and its no-JavaScript picture (d2lmini.sparse_figure)."""

from __future__ import annotations

import pytest

import d2lmini as d2l
from d2lmini import sparse
from d2lmini import sparse_figure as sf
from d2lmini import sparse_grid as grid

ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def figure():
    return d2l.widgets.explore_sparse()


def test_the_twin_has_the_web_figures_controls_and_steps_through_the_grid(figure):
    assert set(figure.controls) == {"exponent", "background", "noise"}
    for name, values in zip(grid.KNOBS, (grid.EXPONENTS, grid.BACKGROUNDS, grid.NOISES)):
        assert [v for _, v in figure.controls[name].options] == list(values)
    assert figure.setting() == (1.2, 0.0, 0.1)
    assert figure.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    chapter = sparse.run_experiment(seed=0).bucket_means()
    assert f"{chapter['global']['rare']:.4f}" in figure.text.value


def test_moving_a_control_shows_that_grid_points_run(figure):
    before = figure.image.value
    figure.controls["background"].value = 0.01
    assert figure.result is grid.run_point(1.2, 0.01, 0.1)
    means = figure.result.bucket_means()
    assert means["clock"]["rare"] == means["global"]["rare"]  # the clocks collapse
    assert f"{means['adagrad']['rare']:.4f}" in figure.text.value and figure.image.value != before
    assert figure.url_hash == "#exponent=1.2&background=0.01&noise=0.1"
    figure.reset()
    assert figure.setting() == (1.2, 0.0, 0.1) and figure.result is grid.run_point(1.2, 0.0, 0.1)


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(background=0.02), r"background must be one of the precomputed values 0, 0.001"),
    (dict(exponent=2), r"exponent must be one of the precomputed values"),
])
def test_bad_starting_values_get_an_error_naming_them(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        d2l.widgets.explore_sparse(**kwargs)


def test_the_no_javascript_picture_is_drawn_the_same_each_time():
    (svg1, alt1), (svg2, alt2) = (sf.fallback_svg({}) for _ in range(2))
    assert svg1 == svg2 and svg1.startswith(b"<?xml") and b"<svg" in svg1
    rare = sparse.run_experiment(seed=0).bucket_means()
    assert alt1 == alt2 and "background 0 and label noise 0.1" in alt1
    assert f"shared schedule {rare['global']['rare']:.4f}" in alt1
