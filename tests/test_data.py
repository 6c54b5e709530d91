"""get_data_ch11 and its download: a local HTTP server on 127.0.0.1 stands in for d2l's data hub.

Bad inputs and failed downloads through get_data_ch11 (what is raised, and that the cache
is left clean) are in test_bad_inputs.py; this file checks what happens when everything
is right, and the limits and housekeeping of fetch itself.
"""

import hashlib
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest

import d2lmini as d2l
from airfoil_hub import NAME, PAYLOAD, PAYLOAD_SHA, PROXY_VARS, Server, closed_port_url, listing
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


def test_nothing_is_written_until_the_download_is_verified_then_it_is_renamed_into_place(server, tmp_path,
                                                                                          monkeypatch):
    seen_mid_download, replaced = [], []
    url = server.serve(f"/{NAME}", PAYLOAD, hook=lambda: seen_mid_download.append(listing(tmp_path)))
    real_replace = os.replace

    def replace(src, dst):
        replaced.append((Path(src).name, Path(src).read_bytes() == PAYLOAD, Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    data.fetch(url, tmp_path, PAYLOAD_SHA)
    assert seen_mid_download == [[]]  # half the bytes have arrived: no file yet, not even a partial one
    [(temporary, complete, target)] = replaced  # then a temporary file in the same directory is renamed
    assert temporary.startswith(f".{NAME}.") and temporary.endswith(".part") and complete and target == tmp_path / NAME
    assert listing(tmp_path) == [NAME]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_downloaded_file_gets_the_permissions_the_umask_allows(server, tmp_path, umask, mode):
    """A shared D2LMINI_DATA_DIR works for every user whose umask lets others read new files."""
    url = server.serve(f"/{NAME}", PAYLOAD)
    old = os.umask(umask)
    try:
        path = data.fetch(url, tmp_path, PAYLOAD_SHA)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_an_upper_case_hash_is_the_same_hash(server, tmp_path):
    url = server.serve(f"/{NAME}", PAYLOAD)
    assert data.fetch(url, tmp_path, PAYLOAD_SHA.upper()).read_bytes() == PAYLOAD  # downloaded and verified
    assert data.fetch(url, tmp_path, PAYLOAD_SHA.upper()) == tmp_path / NAME  # the cached copy counts as good
    assert server.requests == [f"/{NAME}"]


@pytest.mark.parametrize("sha256", ["abc", PAYLOAD_SHA + "0", PAYLOAD_SHA[:-1] + "g", None])
def test_a_malformed_hash_is_rejected_before_anything_happens(server, tmp_path, sha256):
    url = server.serve(f"/{NAME}", PAYLOAD)
    with pytest.raises(ValueError, match="sha256.*64 hexadecimal"):
        data.fetch(url, tmp_path, sha256)
    assert server.requests == [] and listing(tmp_path) == []


def test_a_drip_fed_download_stops_at_its_deadline(server, tmp_path):
    """One byte every 20 ms would take 20 minutes; each read is quick, so only the overall deadline stops it."""
    url = server.serve_drip(f"/{NAME}", PAYLOAD, interval=0.02)
    start = time.monotonic()
    with pytest.raises(data.DownloadError, match=r"deadline of 0\.5 s"):
        data.fetch(url, tmp_path, PAYLOAD_SHA, timeout=5.0, deadline=0.5)
    assert time.monotonic() - start < 3.0
    assert listing(tmp_path) == []


def test_an_endless_body_stops_at_the_size_cap(server, tmp_path):
    url = server.serve_endless(f"/{NAME}")
    with pytest.raises(data.DownloadError, match="more than the limit of 100000 bytes"):
        data.fetch(url, tmp_path, PAYLOAD_SHA, max_bytes=100_000)
    assert listing(tmp_path) == []


def age(path, seconds):
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def test_old_partial_files_of_killed_downloads_are_removed_and_nothing_else(server, tmp_path):
    url = server.serve(f"/{NAME}", PAYLOAD)
    orphan = tmp_path / f".{NAME}.0123456789abcdef.part"
    recent = tmp_path / f".{NAME}.fedcba9876543210.part"  # another process may be writing it right now
    other = tmp_path / ".other.dat.0123456789abcdef.part"  # another file's partial download
    odd = tmp_path / f".{NAME}.not-our-name.part"
    folder = tmp_path / f".{NAME}.aaaaaaaaaaaaaaaa.part"  # a directory, not a file
    link = tmp_path / f".{NAME}.bbbbbbbbbbbbbbbb.part"  # a link: never followed, never removed
    target = tmp_path / "precious.txt"
    for path in (orphan, recent, other, odd, target):
        path.write_bytes(b"x")
    folder.mkdir()
    link.symlink_to(target)
    for path in (orphan, other, odd, folder, link):
        age(path, data.ORPHAN_AGE + 60)
    data.fetch(url, tmp_path, PAYLOAD_SHA)
    assert listing(tmp_path) == sorted(p.name for p in (recent, other, odd, folder, link, target, tmp_path / NAME))
    assert target.read_bytes() == b"x"


def test_an_orphan_is_removed_even_when_the_cached_file_is_good(tmp_path):
    (tmp_path / NAME).write_bytes(PAYLOAD)
    orphan = tmp_path / f".{NAME}.0123456789abcdef.part"
    orphan.write_bytes(PAYLOAD[:10])
    age(orphan, data.ORPHAN_AGE + 1)
    data.fetch(closed_port_url(), tmp_path, PAYLOAD_SHA)
    assert listing(tmp_path) == [NAME]


def test_the_bytes_that_were_hashed_are_the_bytes_that_are_parsed(synthetic_hub, tmp_path, monkeypatch):
    """Someone rewrites the cached file right after its hash was checked: the data still come from the checked bytes."""
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    path = tmp_path / NAME
    path.write_bytes(PAYLOAD)
    real_sha256 = hashlib.sha256

    class RewrittenOnceHashed:
        """A SHA-256 whose hexdigest() call is followed by a rewrite of the cached file."""

        def __init__(self, body=b""):
            self.digest = real_sha256(body)

        def update(self, chunk):
            self.digest.update(chunk)

        def hexdigest(self):
            value = self.digest.hexdigest()
            path.write_bytes(PAYLOAD.replace(b"\t", b"\t9", 30))  # still 1503 rows of 6 numbers, but other ones
            return value

    monkeypatch.setattr(data.hashlib, "sha256", RewrittenOnceHashed)
    data_iter, _ = d2l.get_data_ch11(n=1503, batch_size=1)
    raw = np.array([[float(v) for v in line.split(b"\t")] for line in PAYLOAD.splitlines()])
    X, y = _expected(raw, 1503)
    assert np.array_equal(data_iter.features, X) and np.array_equal(data_iter.labels, y)


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

    # Even as root (for whom chmod does not stop writes) any download or write attempt fails the test.
    monkeypatch.setattr("urllib.request.OpenerDirector.open", forbidden)
    monkeypatch.setattr(data, "_save", forbidden)
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
