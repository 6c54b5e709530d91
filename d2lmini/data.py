"""The airfoil self-noise data set, downloaded once, verified, and served in minibatches.

``get_data_ch11(batch_size=10, n=1500)`` has d2l's call shape. The file comes
from d2l's data hub (Brooks, Pope & Marcolini 1989, NASA RP-1218) and is kept in
a cache directory: the environment variable ``D2LMINI_DATA_DIR`` when it is set,
otherwise the user cache directory of ``d2lmini``. A file is used only after its
SHA-256 matches; a download goes to a temporary file in the same directory and
is renamed into place only once it is verified.

The download logic is :func:`fetch`, which takes the URL, the directory and the
expected hash, so it can be pointed at any server.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterator

import numpy as np

from . import _checks

AIRFOIL_URL = "https://d2l-data.s3-accelerate.amazonaws.com/airfoil_self_noise.dat"
AIRFOIL_SHA256 = "74c75fd71783f1e6b71f8a622b993dc592897a97cd689c5090a07147a1b097b3"
AIRFOIL_ROWS = 1503
"""Rows in the file; every column is standardized over all of them."""
ENV_VAR = "D2LMINI_DATA_DIR"
SHUFFLE_SEED = 0
"""Seed of the minibatch order; epoch ``e`` uses the permutation drawn from ``(seed, e)``."""

_CHUNK = 1 << 16


class DownloadError(OSError):
    """The data file could not be downloaded; the message names the URL, the path and ``D2LMINI_DATA_DIR``."""


class ChecksumError(DownloadError):
    """The downloaded bytes do not have the expected SHA-256; nothing was kept."""


class DataDirError(OSError):
    """A download is needed but the cache directory is not a writable directory."""


def data_dir() -> Path:
    """The cache directory: ``$D2LMINI_DATA_DIR`` if set and non-empty, else the user cache dir of ``d2lmini``."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("d2lmini"))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _hint(url: str, path: Path) -> str:
    return (
        f"Download {url} yourself and save it as {path}, or set the environment variable "
        f"{ENV_VAR} to a directory that holds a verified copy."
    )


def _reason(err: BaseException) -> str:
    import http.client
    import urllib.error

    if isinstance(err, urllib.error.HTTPError):
        return f"the server answered HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return f"{err.reason}"
    if isinstance(err, http.client.IncompleteRead):
        return f"the connection closed with {err.expected} bytes still to come"
    return f"{type(err).__name__}: {err}"


def _writable_dir(directory: Path, url: str, path: Path) -> None:
    """Create ``directory`` if needed and make sure a download can be written into it."""
    where = f"{ENV_VAR}={os.environ[ENV_VAR]!r}" if os.environ.get(ENV_VAR) else "the d2lmini cache directory"
    if directory.exists() and not directory.is_dir():
        raise DataDirError(
            f"{where} must name a directory, but {directory} is not one, so {url} cannot be saved as {path}. "
            f"Point {ENV_VAR} at a writable directory."
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataDirError(
            f"{where}: cannot create the directory {directory} ({err.strerror or err}), so {url} cannot be "
            f"saved as {path}. Point {ENV_VAR} at a writable directory."
        ) from err
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DataDirError(
            f"{where}: the directory {directory} is not writable, and it holds no verified {path.name}, "
            f"so {url} cannot be saved as {path}. {_hint(url, path)}"
        )


def _download_verified(url: str, path: Path, sha256: str, timeout: float) -> None:
    """Stream ``url`` into a temporary file next to ``path``; rename it to ``path`` only if the hash matches."""
    import http.client  # the network modules are imported only when a download is needed
    import tempfile
    import urllib.request

    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as err:
        raise DataDirError(
            f"cannot create a temporary file in {path.parent} ({err.strerror or err}), so {url} cannot be "
            f"saved as {path}. {_hint(url, path)}"
        ) from err
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                received = 0
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
                    received += len(chunk)
                declared = response.headers.get("Content-Length")
                if declared is not None and declared.isdigit() and int(declared) != received:
                    raise http.client.IncompleteRead(b"", int(declared) - received)
        except (OSError, http.client.HTTPException, ValueError) as err:
            raise DownloadError(
                f"could not download {url} to {path}: {_reason(err)}. {_hint(url, path)}"
            ) from err
        got = digest.hexdigest()
        if got != sha256:
            raise ChecksumError(
                f"the file downloaded from {url} has SHA-256 {got}, not the expected {sha256}; "
                f"it was discarded and {path} was not written. {_hint(url, path)}"
            )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def fetch(url: str, directory: str | os.PathLike[str], sha256: str, filename: str | None = None,
          timeout: float = 30.0) -> Path:
    """Return the path of a verified copy of ``url`` in ``directory``, downloading it if needed.

    An existing file is used only if its SHA-256 equals ``sha256``; then nothing
    is written, so ``directory`` may be read-only. Otherwise the file is
    downloaded to a temporary file in ``directory``, hashed, and renamed into
    place (``os.replace``) only if the hash matches. Raises :class:`DownloadError`
    (an ``OSError``) if the download fails, :class:`ChecksumError` if its hash
    differs, and :class:`DataDirError` (an ``OSError``) if a needed download
    cannot be written into ``directory``.
    """
    directory = Path(directory)
    path = directory / (filename or url.rstrip("/").rsplit("/", 1)[-1])
    stale = ""
    if path.is_file():
        got = sha256_of(path)
        if got == sha256:
            return path
        stale = f" (the existing {path} has SHA-256 {got}, not {sha256}, so it is not used)"
    try:
        _writable_dir(directory, url, path)
        _download_verified(url, path, sha256, timeout)
    except (DownloadError, DataDirError) as err:
        if not stale:
            raise
        raise type(err)(f"{err}{stale}") from err.__cause__
    return path


def airfoil_path() -> Path:
    """Path of the verified airfoil file in :func:`data_dir`, downloaded on first use."""
    return fetch(AIRFOIL_URL, data_dir(), AIRFOIL_SHA256)


def load_airfoil() -> np.ndarray:
    """All 1503 rows of the airfoil file, each column standardized to mean 0 and population std 1."""
    path = airfoil_path()
    data = np.loadtxt(path, delimiter="\t", dtype=np.float64)
    if data.shape != (AIRFOIL_ROWS, 6):  # cannot happen for the verified file
        raise ValueError(f"{path} must hold {AIRFOIL_ROWS} rows of 6 columns; got shape {data.shape}")
    return (data - data.mean(axis=0)) / data.std(axis=0)


class DataIter:
    """Seeded, shuffled minibatches of ``(features, labels)``; iterate it once per epoch.

    Iteration number ``e`` (0, 1, ...) visits the examples in the order of the
    permutation drawn by ``np.random.default_rng((seed, e))``, in contiguous
    minibatches of ``batch_size`` rows (the last one may be smaller). So the
    order is the same in every run and different in every epoch. The whole
    data set stays available as the read-only arrays ``features`` (n, d) and
    ``labels`` (n,), so evaluating on it uses no randomness.
    """

    def __init__(self, features: np.ndarray, labels: np.ndarray, batch_size: int, seed: int = SHUFFLE_SEED) -> None:
        features = np.array(features, dtype=np.float64)
        labels = np.array(labels, dtype=np.float64)
        if features.ndim != 2 or labels.shape != features.shape[:1] or not len(labels):
            raise ValueError(
                f"features must have shape (n, d) and labels shape (n,) with n >= 1; "
                f"got {features.shape} and {labels.shape}"
            )
        self.batch_size = _checks.int_in_range("batch_size", batch_size, 1, len(labels))
        self.seed = _checks.int_in_range("seed", seed, 0, 2**63 - 1)
        features.flags.writeable = labels.flags.writeable = False
        self.features, self.labels = features, labels
        self.epoch = 0
        """How many times the iterator has been iterated; the next iteration uses this epoch's order."""

    @property
    def num_examples(self) -> int:
        return len(self.labels)

    def __len__(self) -> int:
        """Minibatches per epoch, ⌈n / batch_size⌉."""
        return -(-self.num_examples // self.batch_size)

    def permutation(self, epoch: int) -> np.ndarray:
        """The order in which epoch ``epoch`` visits the examples."""
        epoch = _checks.int_in_range("epoch", epoch, 0, 2**63 - 1)
        return np.random.default_rng((self.seed, epoch)).permutation(self.num_examples)

    def batches(self, epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Minibatches ``(X, y)`` of epoch ``epoch``: views into one shuffled copy of the data."""
        order = self.permutation(epoch)
        features, labels = self.features[order], self.labels[order]
        features.flags.writeable = labels.flags.writeable = False
        size = self.batch_size
        return ((features[i:i + size], labels[i:i + size]) for i in range(0, self.num_examples, size))

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        epoch, self.epoch = self.epoch, self.epoch + 1
        return self.batches(epoch)

    def __repr__(self) -> str:
        return (f"DataIter(n={self.num_examples}, feature_dim={self.features.shape[1]}, "
                f"batch_size={self.batch_size}, seed={self.seed}, epoch={self.epoch})")


def get_data_ch11(batch_size: int = 10, n: int = 1500) -> tuple[DataIter, int]:
    """Airfoil data as d2l prepares it: ``(data_iter, feature_dim)``.

    Every column is standardized, :math:`(x - \\mu)/\\sigma`, with the mean and
    population standard deviation of all 1503 rows; then the first ``n`` rows
    are kept. The features are the first 5 columns and the label is the last
    (the scaled sound pressure level). ``batch_size`` must lie in [1, n] and
    ``n`` in [1, 1503].
    """
    n = _checks.int_in_range("n", n, 1, AIRFOIL_ROWS)
    batch_size = _checks.int_in_range("batch_size", batch_size, 1, n)
    data = load_airfoil()[:n]
    return DataIter(data[:, :-1], data[:, -1], batch_size), data.shape[1] - 1
