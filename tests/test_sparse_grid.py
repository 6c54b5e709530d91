"""d2lmini.sparse_grid: every grid point is the chapter's experiment; the table is cached by a content hash.

Runs of the experiment cost a fraction of a second each, so the tests that
precompute use a grid of two points (the module's grid, narrowed with
monkeypatch); the full table is checked against d2lmini in the browser tests.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from d2lmini import sparse
from d2lmini import sparse_grid as grid


def test_the_grid_holds_the_chapters_settings():
    for values in (grid.EXPONENTS, grid.BACKGROUNDS, grid.NOISES):
        assert 5 <= len(values) <= 9 and list(values) == sorted(set(values))
    assert 1.2 in grid.EXPONENTS
    assert {0.0, 0.01} <= set(grid.BACKGROUNDS)
    assert {0.1, 0.5, 1.0} <= set(grid.NOISES)
    assert dict(grid.DEFAULTS) == {"exponent": 1.2, "background": 0.0, "noise": 0.1}
    assert grid.GRID_SIZE == len(grid.points()) == 150 and grid.SEED == 0


def test_every_exponent_has_rare_features():
    for alpha in grid.EXPONENTS:
        data = sparse.make_sparse_data(seed=grid.SEED, alpha=alpha)
        assert sparse.bucket_masks(data.frequency)["rare"].sum() >= 5, alpha


@pytest.mark.parametrize("point", [(1.2, 0.0, 0.1), (1.2, 0.01, 0.5)])
def test_a_grid_point_is_the_chapters_experiment(point):
    exponent, background, noise = point
    mine = grid.run_point(*point)
    chapter = sparse.run_experiment(seed=0, alpha=exponent, background=background, noise=noise)
    assert mine.bucket_means() == chapter.bucket_means() and mine.eta0 == chapter.eta0
    for m in sparse.METHODS:
        assert (mine.errors[m] == chapter.errors[m]).all()


def test_point_data_keeps_the_bucket_means_and_rounds_only_what_is_drawn():
    result = grid.run_point(1.2, 0.01, 0.1)
    data = json.loads(json.dumps(grid.point_data(result), allow_nan=False))
    assert data["buckets"] == result.bucket_means()
    assert data["eta0"] == result.eta0
    for m in sparse.METHODS:
        q = np.array(data["log_errors"][m])
        assert q.dtype.kind == "i"  # whole numbers: hundredths of a decade
        assert np.allclose(10 ** (q / grid.LOG_SCALE), result.errors[m], rtol=10 ** (0.5 / grid.LOG_SCALE) - 1, atol=0)
        for x, y in data["bins"][m]:
            assert len(f"{y:e}".split("e")[0].rstrip("0").replace(".", "")) <= grid.BIN_DIGITS
    # clocks collapse onto the shared schedule when absent means small
    assert data["buckets"]["clock"] == data["buckets"]["global"]


def test_the_bins_are_the_lines_plot_errors_draws():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    result = grid.run_point(1.2, 0.0, 0.1)
    fig, ax = plt.subplots()
    sparse.plot_errors(result, ax=ax)
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    plt.close(fig)
    bins = grid.binned_means(result)
    assert len(lines) == len(sparse.METHODS)
    for line, m in zip(lines, sparse.METHODS):
        assert np.allclose(line.get_xdata(), [x for x, _ in bins[m]], rtol=1e-12)
        assert np.allclose(line.get_ydata(), [y for _, y in bins[m]], rtol=1e-12)


@pytest.mark.parametrize("args, pattern", [
    ((1.3, 0.0, 0.1), r"exponent must be one of the precomputed values 1, 1.2, 1.4, 1.6, 1.8; got 1.3"),
    ((1.2, 0.02, 0.1), r"background must be one of the precomputed values 0, 0.001, 0.003, 0.01, 0.03, 0.1"),
    ((1.2, 0.0, "0.1"), r"noise must be one of the precomputed values"),
    ((1.2, True, 0.1), r"background must be one of"),
])
def test_a_setting_off_the_grid_is_refused_naming_the_knob_and_its_values(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        grid.run_point(*args)


def test_settings_from_attributes_take_grid_values_only():
    assert grid.settings_from_attributes({}) == (1.2, 0.0, 0.1)
    assert grid.settings_from_attributes({"data-background": "0.01", "data-noise": "1"}) == (1.2, 0.01, 1.0)
    assert grid.settings_from_attributes({"data-background": "0.02", "data-exponent": "x"}) == (1.2, 0.0, 0.1)


@pytest.fixture
def small_grid(monkeypatch):
    """The module's grid narrowed to two points, both of the real grid."""
    monkeypatch.setattr(grid, "EXPONENTS", (1.2,))
    monkeypatch.setattr(grid, "BACKGROUNDS", (0.0, 0.01))
    monkeypatch.setattr(grid, "NOISES", (0.1,))


def test_precompute_writes_the_table_once_and_reads_it_back(small_grid, tmp_path, monkeypatch):
    table = grid.precompute(tmp_path, workers=1)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"sparse-grid-{grid.content_hash()[:20]}.json"]  # no temporary file left behind
    assert table["hash"] == grid.content_hash()
    assert table["counts"] == [sparse.make_sparse_data(seed=0, alpha=1.2).counts.tolist()]
    assert table["points"][0][1][0] == json.loads(json.dumps(grid.point_data(grid.run_point(1.2, 0.01, 0.1))))

    def no_compute(workers):
        raise AssertionError("the cached table should have been read")

    monkeypatch.setattr(grid, "_compute", no_compute)
    assert grid.precompute(tmp_path) == json.loads(json.dumps(table))


def test_a_change_of_grid_or_code_computes_afresh_and_replaces_the_old_table(small_grid, tmp_path, monkeypatch):
    grid.precompute(tmp_path, workers=1)
    first = grid.content_hash()
    monkeypatch.setattr(grid, "NOISES", (0.5,))
    assert grid.content_hash() != first
    table = grid.precompute(tmp_path, workers=1)
    assert [p.name for p in tmp_path.iterdir()] == [f"sparse-grid-{grid.content_hash()[:20]}.json"]
    assert table["points"][0][0][0]["buckets"] == grid.run_point(1.2, 0.0, 0.5).bucket_means()
    # the code: another source file, another hash
    extra = tmp_path / "extra.py"
    extra.write_text("x = 1\n")
    sources = grid._sources()
    monkeypatch.setattr(grid, "_sources", lambda: [*sources, extra])
    second = grid.content_hash()
    extra.write_text("x = 2\n")
    assert grid.content_hash() != second


def test_an_unreadable_cached_table_is_computed_again(small_grid, tmp_path):
    path = tmp_path / f"sparse-grid-{grid.content_hash()[:20]}.json"
    path.write_text("{not json")
    table = grid.precompute(tmp_path, workers=1)
    assert json.loads(path.read_text()) == json.loads(json.dumps(table))


def test_two_worker_processes_compute_the_same_table(small_grid):
    assert grid.precompute(None, workers=2) == grid.precompute(None, workers=1)


def test_web_constants_are_plain_json_from_d2lmini(small_grid, tmp_path):
    C = json.loads(json.dumps(grid.web_constants(tmp_path), allow_nan=False))
    assert C["METHODS"] == list(sparse.METHODS) and C["N"] == 4000 and C["SEED"] == 0
    assert C["RARE_MAX_FREQUENCY"] == sparse.RARE_MAX_FREQUENCY
    assert C["COMMON_MIN_FREQUENCY"] == sparse.COMMON_MIN_FREQUENCY
    assert C["EXPONENTS"] == [1.2] and C["BACKGROUNDS"] == [0.0, 0.01]
    assert len(C["POINTS"]) == 1 and len(C["POINTS"][0]) == 2 and len(C["POINTS"][0][0]) == 1
