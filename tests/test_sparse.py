"""d2lmini.sparse: the sparse-feature experiment of the chapter "Sparse features and learning rates".

The ordering tests run the chapter's full-size experiment (n = 4000, d = 100,
each rule's eta0 tuned on the validation stream) on seed 0, the chapter's, and
on seeds 1-5, the ones its "other seeds" note reports. Margins: over seeds
0-11 the smallest rare-bucket ratios measured were shared/clocks 5.64 and
shared/Adagrad 2.55 on the sparse stream, and clocks/Adagrad 1.17 on the
stream with small values (background 0.01); the count clocks beat Adagrad in
every bucket of the sparse stream on all twelve seeds. The asserted margins
(4x, 2x, 1.1x) sit below those.
"""

import math

import numpy as np
import pytest

from d2lmini import sparse

ORDERING_SEEDS = [0, 1, 2, 3, 4, 5]


@pytest.fixture(scope="module", params=ORDERING_SEEDS, ids=lambda s: f"seed{s}")
def sparse_run(request):
    return sparse.run_experiment(seed=request.param).bucket_means()


@pytest.fixture(scope="module", params=ORDERING_SEEDS, ids=lambda s: f"seed{s}")
def small_values_run(request):
    return sparse.run_experiment(seed=request.param, background=0.01).bucket_means()


def test_rare_features_lag_under_the_shared_schedule(sparse_run):
    rare = {m: sparse_run[m]["rare"] for m in sparse.METHODS}
    assert rare["global"] >= 4 * rare["clock"], rare
    assert rare["global"] >= 2 * rare["adagrad"], rare


def test_on_strictly_sparse_data_the_clocks_beat_adagrad_in_every_bucket(sparse_run):
    for bucket in sparse.BUCKETS:
        assert sparse_run["clock"][bucket] < sparse_run["adagrad"][bucket], (bucket, sparse_run)


def test_on_small_values_instead_of_zeros_adagrad_beats_the_clocks_on_rare_features(small_values_run):
    rare = {m: small_values_run[m]["rare"] for m in sparse.METHODS}
    assert rare["clock"] == rare["global"], rare  # every clock ticks at every step
    assert rare["clock"] >= 1.1 * rare["adagrad"], rare


def test_clock_equals_global_schedule_when_every_entry_is_nonzero():
    data = sparse.make_sparse_data(n=300, d=12, background=0.01, seed=5)
    assert np.all(data.X != 0)
    grid = [0.1, 0.5, 2.0]
    assert np.array_equal(sparse.train_linear(data, "clock", grid), sparse.train_linear(data, "global", grid))


def _stream(X, y):
    X, y = np.array(X, dtype=float), np.array(y, dtype=float)
    on = X == 1
    return sparse.SparseData(X=X, y=y, w_true=np.zeros(X.shape[1]), probs=on.mean(axis=0), counts=on.sum(axis=0))


def test_two_steps_by_hand():
    # step 1 sees only feature 0, step 2 only feature 1; both targets are 1 and w starts at 0,
    # so each gradient is (0 - 1) * x and each weight takes exactly one step of size rate * 1.
    data = _stream([[1, 0], [0, 1]], [1, 1])
    eta0, c, eps = 0.3, 1.0, 1e-6
    # global: t = 1 then t = 2
    assert sparse.train_linear(data, "global", eta0, c=c) == pytest.approx(
        [eta0 / math.sqrt(1 + c), eta0 / math.sqrt(2 + c)], rel=1e-15)
    # clocks: each feature is on for the first time, s(i, t) = 1
    assert sparse.train_linear(data, "clock", eta0, c=c) == pytest.approx(
        [eta0 / math.sqrt(1 + c)] * 2, rel=1e-15)
    # Adagrad: s = g² = 1, so each step is eta0 / sqrt(1 + eps)
    assert sparse.train_linear(data, "adagrad", eta0, eps=eps) == pytest.approx(
        [eta0 / math.sqrt(1 + eps)] * 2, rel=1e-15)


def _plain_loop(data, method, eta0, c=1.0, eps=1e-6):
    """The chapter's update for one rule and one base rate, one coordinate vector at a time."""
    w, s = np.zeros(data.X.shape[1]), np.zeros(data.X.shape[1])
    offset = eps if method == "adagrad" else c
    for x, y_t in zip(data.X, data.y):
        g = (x @ w - y_t) * x
        s += sparse.tally(method, x, g)
        w -= eta0 / np.sqrt(s + offset) * g
    return w


@pytest.mark.parametrize("background", [0.0, 0.01])
@pytest.mark.parametrize("method", sparse.METHODS)
def test_train_linear_is_the_plain_loop_of_the_update(method, background):
    data = sparse.make_sparse_data(n=600, d=20, background=background, seed=6)
    # equal up to rounding: the library sums the rows' dot products as one matrix product
    np.testing.assert_allclose(sparse.train_linear(data, method, 0.7), _plain_loop(data, method, 0.7),
                               rtol=1e-10, atol=1e-12)


def test_a_vector_of_rates_trains_side_by_side_like_single_runs():
    data = sparse.make_sparse_data(n=400, d=15, seed=2)
    for method in sparse.METHODS:
        together = sparse.train_linear(data, method, [0.2, 0.7])
        assert together.shape == (2, 15)
        np.testing.assert_allclose(together[1], sparse.train_linear(data, method, 0.7), rtol=1e-12, atol=1e-14)


def test_a_custom_tally_is_what_the_trainer_uses():
    # a rule that never adds anything keeps s = 0: plain SGD with the constant rate eta0 / sqrt(c)
    data = sparse.make_sparse_data(n=300, d=8, seed=1)
    w = sparse.train_linear(data, "global", 0.2, c=4.0, tally=lambda rule, x, g: 0.0)
    expected = np.zeros(8)
    for x, y_t in zip(data.X, data.y):
        expected -= 0.2 / 2.0 * (x @ expected - y_t) * x
    np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-14)


def test_the_validation_stream_is_the_same_problem_with_fresh_examples():
    kwargs = dict(n=500, d=10, seed=3)
    train = sparse.make_sparse_data(**kwargs)
    held_out = sparse.make_sparse_data(**kwargs, split="validation")
    assert np.array_equal(train.w_true, held_out.w_true) and np.array_equal(train.probs, held_out.probs)
    assert not np.array_equal(train.X, held_out.X)
    with pytest.raises(ValueError, match="^split must be one of 'train', 'validation'"):
        sparse.make_sparse_data(**kwargs, split="test")


def test_each_rule_keeps_the_rate_with_the_smallest_validation_loss():
    kwargs = dict(n=1500, d=30)
    result = sparse.run_experiment(seed=1, n_val=700, **kwargs)
    data = sparse.make_sparse_data(seed=1, **kwargs)
    held_out = sparse.make_sparse_data(700, kwargs["d"], seed=1, split="validation")
    for m in sparse.METHODS:
        W = sparse.train_linear(data, m, result.eta0_grid)
        with np.errstate(over="ignore", invalid="ignore"):
            by_hand = 0.5 * np.mean((held_out.X @ W.T - held_out.y[:, None]) ** 2, axis=0)
        by_hand[~np.isfinite(by_hand)] = np.inf
        np.testing.assert_allclose(result.val_loss[m], by_hand, rtol=1e-9)
        k = int(np.argmin(by_hand))
        assert result.eta0[m] == result.eta0_grid[k]
        np.testing.assert_allclose(result.errors[m], np.abs(W[k] - data.w_true), rtol=1e-9, atol=1e-12)
        assert result.grid_errors[m][k] == pytest.approx(result.errors[m][result.counts > 0].mean(), rel=1e-9)


def test_the_tuning_can_disagree_with_the_true_weights():
    # the choice is made on held-out loss, which a practitioner has, not on the weight error, which they lack
    result = sparse.run_experiment(seed=0)
    picks = {m: (int(np.argmin(result.val_loss[m])), int(np.argmin(result.grid_errors[m]))) for m in sparse.METHODS}
    assert any(by_loss != by_error for by_loss, by_error in picks.values()), picks


def test_same_seed_gives_identical_output_and_another_seed_does_not():
    kwargs = dict(n=2000, d=40)
    a, b = sparse.run_experiment(seed=7, **kwargs), sparse.run_experiment(seed=7, **kwargs)
    other = sparse.run_experiment(seed=8, **kwargs)
    for m in sparse.METHODS:
        assert np.array_equal(a.errors[m], b.errors[m])
        assert np.array_equal(a.val_loss[m], b.val_loss[m])
        assert a.eta0[m] == b.eta0[m]
        assert not np.array_equal(a.errors[m], other.errors[m])
    assert np.array_equal(a.frequency, b.frequency)
    assert a.table() == b.table()


def test_the_table_fits_a_79_character_box_and_names_every_rule():
    table = sparse.run_experiment(seed=0, n=500, d=20).table()
    assert max(len(line) for line in table.splitlines()) <= 79
    for m in sparse.METHODS:
        assert any(line.startswith(sparse.NAMES[m]) for line in table.splitlines())


def test_feature_frequencies_follow_the_zipf_probabilities():
    n = 20_000
    data = sparse.make_sparse_data(n=n, d=50, alpha=1.2, p_max=0.5, seed=3)
    assert np.allclose(data.probs, 0.5 * np.arange(1, 51) ** -1.2)
    # binomial counts: every empirical share within 5 standard deviations of its probability
    sd = np.sqrt(data.probs * (1 - data.probs) / n)
    assert np.all(np.abs(data.frequency - data.probs) <= 5 * sd)
    assert np.all(np.isin(data.X, [0.0, 1.0]))


def test_targets_are_the_linear_model_plus_noise_of_the_requested_size():
    data = sparse.make_sparse_data(n=20_000, d=30, noise=0.1, seed=4)
    residual = data.y - data.X @ data.w_true
    assert residual.std() == pytest.approx(0.1, rel=0.05)
    clean = sparse.make_sparse_data(n=50, d=5, noise=0.0, seed=4)
    assert np.array_equal(clean.y, clean.X @ clean.w_true)


def test_buckets_split_the_features_that_occur():
    f = np.array([0.0, 0.001, 0.0049, 0.005, 0.02, 0.05, 0.5])
    masks = sparse.bucket_masks(f)
    assert masks["rare"].tolist() == [False, True, True, False, False, False, False]
    assert masks["medium"].tolist() == [False, False, False, True, True, False, False]
    assert masks["common"].tolist() == [False, False, False, False, False, True, True]
    assert np.array_equal(masks["rare"] | masks["medium"] | masks["common"], f > 0)


def test_data_and_results_are_read_only():
    data = sparse.make_sparse_data(n=100, d=5, seed=0)
    with pytest.raises(ValueError):
        data.X[0, 0] = 3.0
    result = sparse.run_experiment(seed=0, n=500, d=10)
    for array in (result.errors["adagrad"], result.val_loss["clock"], result.grid_errors["global"]):
        with pytest.raises(ValueError):
            array[0] = 0.0


def test_methods_as_one_bare_string_is_refused_naming_methods():
    with pytest.raises(TypeError, match=r"^methods must be a sequence of names from .*; got str 'adagrad'"):
        sparse.run_experiment(seed=0, n=50, d=5, methods="adagrad")


def test_methods_may_not_repeat_a_rule():
    with pytest.raises(ValueError, match="^methods must name each rule at most once"):
        sparse.run_experiment(seed=0, n=50, d=5, methods=("clock", "clock"))


def test_validation_loss_rejects_weights_of_the_wrong_width():
    data = sparse.make_sparse_data(n=20, d=4, seed=0)
    assert sparse.validation_loss(data, np.zeros((3, 2, 4))).shape == (3, 2)
    assert sparse.validation_loss(data, np.full(4, np.inf)) == np.inf
    with pytest.raises(ValueError, match=r"^weights must have shape \(\.\.\., 4\)"):
        sparse.validation_loss(data, np.zeros(5))


def test_plot_draws_one_line_per_method_on_log_axes():
    import matplotlib.pyplot as plt

    result = sparse.run_experiment(seed=0, n=2000, d=40)
    ax = sparse.plot_errors(result)
    try:
        assert ax.get_xscale() == ax.get_yscale() == "log"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [sparse.LABELS[m] for m in sparse.METHODS]
    finally:
        plt.close(ax.figure)


def test_plot_of_a_result_in_which_no_feature_occurs_is_refused():
    import matplotlib.pyplot as plt

    result = sparse.run_experiment(seed=0, n=5, d=3, p_max=1e-9)
    assert not np.any(result.counts)
    figures = plt.get_fignums()
    with pytest.raises(ValueError, match="^result must have a feature that is on at least once"):
        sparse.plot_errors(result)
    assert plt.get_fignums() == figures  # no empty figure left behind
