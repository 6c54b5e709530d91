"""get_data_ch11 and its download: a local HTTP server on 127.0.0.1 stands in for d2l's data hub.

Bad inputs and failed downloads (what is raised, and that the cache is left clean) are in
test_bad_inputs.py; this file checks what happens when everything is right.
"""

import os
from pathlib import Path

import numpy as np
import pytest

import d2lmini as d2l
from airfoil_hub import NAME, PAYLOAD, PAYLOAD_SHA, PROXY_VARS, Server, listing
from d2lmini import data

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def synthetic_hub(server, monkeypatch):
    """Point get_data_ch11 at the local server holding the synthetic file, and at its hash."""
    url = server.serve(f"/{NAME}", PAYLOAD)
    monkeypatch.setattr(data, "AIRFOIL_URL", url)
    monkeypatch.setattr(data, "AIRFOIL_SHA256", PAYLOAD_SHA)
    return url


@pytest.fixture
def real_data_dir(monkeypatch):
    """The directory holding the real airfoil file: $D2LMINI_DATA_DIR, else ../shared/data."""
    candidates = [Path(os.environ[data.ENV_VAR])] if os.environ.get(data.ENV_VAR) else [SHARED_DATA]
    for directory in candidates:
        if (directory / NAME).is_file():
            monkeypatch.setenv(data.ENV_VAR, str(directory))
            return directory
    pytest.skip(f"the real airfoil file is not available (set {data.ENV_VAR} or provide {SHARED_DATA})")


# --- download, verification, atomic write -------------------------------------------------------


def test_fetch_downloads_verifies_and_leaves_only_the_file(server, tmp_path):
    url = server.serve(f"/{NAME}", PAYLOAD)
    path = data.fetch(url, tmp_path, PAYLOAD_SHA)
    assert path == tmp_path / NAME
    assert path.read_bytes() == PAYLOAD
    assert listing(tmp_path) == [NAME]


def test_the_file_appears_only_after_the_download_is_verified(server, tmp_path):
    seen_mid_download = []
    hook = lambda: seen_mid_download.append((listing(tmp_path), (tmp_path / NAME).exists()))  # noqa: E731
    url = server.serve(f"/{NAME}", PAYLOAD, hook=hook)
    data.fetch(url, tmp_path, PAYLOAD_SHA)
    [(names, final_exists)] = seen_mid_download
    assert not final_exists
    assert len(names) == 1 and names[0].endswith(".part")  # the bytes go to a temporary file in the same dir
    assert listing(tmp_path) == [NAME]


def test_a_truncated_cached_file_is_not_used_but_replaced_by_a_verified_download(server, tmp_path):
    (tmp_path / NAME).write_bytes(PAYLOAD[:100])
    url = server.serve(f"/{NAME}", PAYLOAD)
    path = data.fetch(url, tmp_path, PAYLOAD_SHA)
    assert path.read_bytes() == PAYLOAD
    assert listing(tmp_path) == [NAME]


# --- the cache directory -------------------------------------------------------------------------


def test_env_var_chooses_the_cache_directory(synthetic_hub, tmp_path, monkeypatch):
    target = tmp_path / "nested" / "cache"
    monkeypatch.setenv(data.ENV_VAR, str(target))
    assert data.data_dir() == target
    data_iter, feature_dim = d2l.get_data_ch11()
    assert listing(target) == [NAME] and (target / NAME).read_bytes() == PAYLOAD
    assert feature_dim == 5 and data_iter.features.shape == (1500, 5)


@pytest.mark.parametrize("value", [None, ""])
def test_without_the_env_var_the_user_cache_directory_is_used(value, monkeypatch):
    import platformdirs

    if value is None:
        monkeypatch.delenv(data.ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(data.ENV_VAR, value)
    assert data.data_dir() == Path(platformdirs.user_cache_dir("d2lmini"))


def test_a_valid_file_in_a_read_only_directory_is_used_without_writing(tmp_path, monkeypatch):
    (tmp_path / NAME).write_bytes(PAYLOAD)
    (tmp_path / NAME).chmod(0o444)
    tmp_path.chmod(0o555)
    monkeypatch.setattr(data, "AIRFOIL_SHA256", PAYLOAD_SHA)
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))

    def forbidden(*args, **kwargs):
        raise AssertionError("a verified file must be used as it is: no download, no temporary file")

    # Even as root (for whom chmod does not stop writes) any write attempt fails the test.
    monkeypatch.setattr("urllib.request.urlopen", forbidden)
    monkeypatch.setattr("tempfile.mkstemp", forbidden)
    try:
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=5, n=20)
        assert (feature_dim, len(data_iter)) == (5, 4)
        assert listing(tmp_path) == [NAME]
    finally:
        tmp_path.chmod(0o755)


# --- preparation ---------------------------------------------------------------------------------


def _expected(raw, n):
    standardized = (raw - raw.mean(axis=0)) / raw.std(axis=0, ddof=0)
    return standardized[:n, :5], standardized[:n, 5]


def test_standardization_uses_all_rows_then_keeps_the_first_n(synthetic_hub, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    raw = np.array([[float(v) for v in line.split(b"\t")] for line in PAYLOAD.splitlines()])
    data_iter, _ = d2l.get_data_ch11(n=100)
    X, y = _expected(raw, 100)
    assert np.allclose(data_iter.features, X, rtol=0, atol=1e-12)
    assert np.allclose(data_iter.labels, y, rtol=0, atol=1e-12)


def test_standardization_matches_numpy_on_the_real_file(real_data_dir):
    raw = np.genfromtxt(real_data_dir / NAME, delimiter="\t")
    assert raw.shape == (1503, 6)
    for n in (1500, 1503, 37):
        data_iter, feature_dim = d2l.get_data_ch11(n=n)
        X, y = _expected(raw, n)
        assert feature_dim == 5
        assert np.allclose(data_iter.features, X, rtol=0, atol=1e-12)
        assert np.allclose(data_iter.labels, y, rtol=0, atol=1e-12)


# --- minibatches ---------------------------------------------------------------------------------


@pytest.fixture
def airfoil_like(synthetic_hub, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))


def epoch_batches(data_iter):
    return [(X.copy(), y.copy()) for X, y in data_iter]


def test_shuffling_is_seeded_identical_across_calls_and_new_each_epoch(airfoil_like):
    first, _ = d2l.get_data_ch11(batch_size=10)
    second, _ = d2l.get_data_ch11(batch_size=10)
    a0, a1 = epoch_batches(first), epoch_batches(first)
    b0, b1 = epoch_batches(second), epoch_batches(second)
    assert all(np.array_equal(x, u) and np.array_equal(y, v) for (x, y), (u, v) in zip(a0 + a1, b0 + b1))
    assert not np.array_equal(a0[0][0], a1[0][0])
    assert first.epoch == 2


def test_each_epoch_visits_every_example_once_in_contiguous_batches(airfoil_like):
    data_iter, _ = d2l.get_data_ch11(batch_size=7, n=100)
    batches = epoch_batches(data_iter)
    assert len(batches) == len(data_iter) == 15
    assert [len(y) for _, y in batches] == [7] * 14 + [2]
    order = data_iter.permutation(0)
    assert sorted(order.tolist()) == list(range(100))
    assert np.array_equal(np.concatenate([X for X, _ in batches]), data_iter.features[order])
    assert np.array_equal(np.concatenate([y for _, y in batches]), data_iter.labels[order])
    X, y = next(iter(data_iter))
    assert X.flags.c_contiguous and X.base is not None  # a view of the epoch's shuffled copy


def test_evaluation_uses_the_full_arrays_and_draws_no_shuffle(airfoil_like):
    data_iter, _ = d2l.get_data_ch11()
    w, b = np.full((5, 1), 0.1), np.zeros(1)
    loss = d2l.evaluate_loss(lambda X: d2l.linreg(X, w, b), data_iter, d2l.squared_loss)
    direct = np.mean((data_iter.features @ w[:, 0] - data_iter.labels) ** 2 / 2)
    assert loss == pytest.approx(direct, rel=1e-12)
    assert data_iter.epoch == 0


def test_batches_and_full_arrays_are_read_only(airfoil_like):
    data_iter, _ = d2l.get_data_ch11()
    X, y = next(iter(data_iter))
    for array in (X, y, data_iter.features, data_iter.labels):
        with pytest.raises(ValueError):
            array[0] = 0.0
