"""The airfoil self-noise data set, downloaded once, verified, and served in minibatches.

``get_data_ch11(batch_size=10, n=1500)`` has d2l's call shape. The file comes
from d2l's data hub (Brooks, Pope & Marcolini 1989, NASA RP-1218) and is kept in
a cache directory: the environment variable ``D2LMINI_DATA_DIR`` when it is set,
otherwise the user cache directory of ``d2lmini``. A file is used only after its
SHA-256 matches, and the bytes that were hashed are the bytes that are parsed. A
download is capped in size (:data:`MAX_BYTES`) and in time (:data:`DEADLINE`, for
the whole transfer); once verified, it is written to a temporary file in the same
directory and renamed into place.

The download logic is :func:`fetch`, which takes the URL, the directory and the
expected hash, so it can be pointed at any server.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import time
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
MAX_BYTES = 1 << 20
"""The largest file :func:`fetch` accepts, 1 MiB (the airfoil file has 59,984 bytes)."""
DEADLINE = 120.0
"""Seconds a whole download may take, however the server paces its bytes."""
MAX_WAIT = 600.0
"""The largest ``timeout`` and ``deadline`` :func:`fetch` accepts, in seconds."""
ORPHAN_AGE = 3600.0
"""Seconds after which a temporary file counts as left by a killed process: one exists
only while verified bytes are written to it, a fraction of a second."""

_CHUNK = 1 << 16


class DownloadError(OSError):
    """The data file could not be downloaded; the message names the URL, the path and ``D2LMINI_DATA_DIR``."""


class ChecksumError(DownloadError):
    """The downloaded bytes do not have the expected SHA-256; nothing was kept."""


class DataDirError(OSError):
    """The cache directory, or the file in it, cannot be used; the message says how to fix it."""


def data_dir() -> Path:
    """The cache directory: ``$D2LMINI_DATA_DIR`` if set and non-empty, else the user cache dir of ``d2lmini``.

    A value of only whitespace is a mistake, not a directory: it raises :class:`DataDirError`.
    """
    override = os.environ.get(ENV_VAR)
    if override and not override.strip():
        raise DataDirError(f"{ENV_VAR} must name a directory, or be unset or empty for the user cache directory; "
                           f"got only whitespace, {override!r}")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("d2lmini"))


def _hint(url: str, path: Path) -> str:
    return (
        f"Download {url} yourself and save it as {path}, or set the environment variable "
        f"{ENV_VAR} to a directory that holds a verified copy."
    )


def _proxy(url: str) -> str:
    """' through the proxy P (from the environment variable V)' if urllib uses one for ``url``, else ''."""
    import urllib.parse
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return ""
    names = [k for k, v in os.environ.items() if k.lower() == f"{parts.scheme}_proxy" and v == proxy]
    shown = re.sub(r"//[^/@]*@", "//", proxy)  # without user:password@
    return f" through the proxy {shown} (set by {' and '.join(sorted(names)) or 'the system'}; check or unset it)"


class _Refusal(OSError):
    """A reason of our own to stop a download: too large or too slow."""


def _reason(err: BaseException) -> str:
    import http.client
    import urllib.error

    if isinstance(err, urllib.error.HTTPError):
        return f"the server answered HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return f"{err.reason}"
    if isinstance(err, http.client.IncompleteRead):
        return f"the connection closed with {err.expected} bytes still to come"
    if isinstance(err, _Refusal):
        return str(err)
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


def _part_name(path: Path) -> re.Pattern[str]:
    """The names of :func:`_save`'s temporary files for ``path``."""
    return re.compile(rf"\.{re.escape(path.name)}\.[0-9a-f]{{16}}\.part")


def _remove_orphans(path: Path, age: float = ORPHAN_AGE) -> None:
    """Remove the temporary files of ``path`` that a killed process left, if they are older than ``age`` seconds.

    Only regular files with :func:`_save`'s names (not symbolic links, not
    directories) are removed; one that cannot be removed is left as it is.
    """
    pattern, now = _part_name(path), time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if pattern.fullmatch(entry.name) and stat.S_ISREG(info.st_mode) and now - info.st_mtime > age:
                os.unlink(entry.path)
        except OSError:
            continue


def _receive(url: str, timeout: float, max_bytes: int, deadline: float) -> bytes:
    """The body at ``url``, at most ``max_bytes`` of it, within ``deadline`` seconds; else raise."""
    import http.client  # the network modules are imported only when a download is needed
    import urllib.request

    end = time.monotonic() + deadline
    # A new opener reads the proxy variables now; urlopen's would keep those of its first use.
    with urllib.request.build_opener().open(url, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        declared = int(declared) if declared is not None and declared.isdigit() else None
        if declared is not None and declared > max_bytes:
            raise _Refusal(f"the server announced {declared} bytes, more than the limit of {max_bytes}")
        read, chunks, received = getattr(response, "read1", response.read), [], 0
        while chunk := read(_CHUNK):  # read1 returns what has arrived, so the deadline is checked often
            chunks.append(chunk)
            received += len(chunk)
            if received > max_bytes:
                raise _Refusal(f"the server sent more than the limit of {max_bytes} bytes")
            if time.monotonic() > end:
                raise _Refusal(f"the download took longer than its deadline of {deadline:g} s "
                               f"({received} bytes had arrived)")
        if declared is not None and declared != received:
            raise http.client.IncompleteRead(b"", declared - received)
    return b"".join(chunks)


def _download_verified(url: str, path: Path, sha256: str, timeout: float, max_bytes: int, deadline: float) -> bytes:
    """The body at ``url`` if its SHA-256 is ``sha256``, else :class:`DownloadError` or :class:`ChecksumError`."""
    import http.client

    try:
        body = _receive(url, timeout, max_bytes, deadline)
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise DownloadError(f"could not download {url} to {path}{_proxy(url)}: {_reason(err)}. {_hint(url, path)}"
                            ) from err
    got = hashlib.sha256(body).hexdigest()
    if got != sha256:
        raise ChecksumError(
            f"the file downloaded from {url} has SHA-256 {got}, not the expected {sha256}; "
            f"it was discarded and {path} was not written. {_hint(url, path)}"
        )
    return body


def _save(path: Path, body: bytes, url: str) -> None:
    """Write ``body`` to a new temporary file next to ``path``, then rename it to ``path``.

    The file is created with mode 0o666 less the umask, as any new file is, so
    the other users of a shared cache can read it if the umask lets them.
    """
    tmp = path.with_name(f".{path.name}.{os.urandom(8).hex()}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.replace(tmp, path)
    except OSError as err:
        raise DataDirError(f"cannot save {path} ({err.strerror or err}). {_hint(url, path)}") from err
    finally:
        tmp.unlink(missing_ok=True)


def _read_cached(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of the cached file (at most ``max_bytes + 1``), or None if there is none.

    Raises :class:`DataDirError` if the file cannot be read, or if something
    other than a file (a directory, say) is at its path.
    """
    if not os.path.lexists(path):
        return None
    if not path.is_file():
        kind = "a directory" if path.is_dir() else "not a regular file"
        raise DataDirError(f"{path} must be the data file, but it is {kind}, so the file cannot be saved there; "
                           f"remove it, or point {ENV_VAR} at another directory")
    try:
        with open(path, "rb") as f:
            return f.read(max_bytes + 1)
    except OSError as err:
        raise DataDirError(
            f"cannot read the cached file {path} ({err.strerror or err}). Make it readable (chmod a+r), delete it "
            f"so that it is downloaded again, or point {ENV_VAR} at a directory that holds a readable copy."
        ) from err


def _fetch(url: str, directory: str | os.PathLike[str], sha256: str, filename: str | None = None,
           timeout: float = 30.0, max_bytes: int | None = None, deadline: float | None = None) -> tuple[Path, bytes]:
    """:func:`fetch`, returning the verified bytes too."""
    _checks.instance("url", url, str, "a URL such as 'https://...'")
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise ValueError(f"sha256 must be 64 hexadecimal digits (either case); got {_checks.shown(sha256)}")
    sha256 = sha256.lower()
    timeout = _checks.positive_float("timeout", timeout, MAX_WAIT)
    deadline = _checks.positive_float("deadline", DEADLINE if deadline is None else deadline, MAX_WAIT)
    max_bytes = _checks.positive_int("max_bytes", MAX_BYTES if max_bytes is None else max_bytes)
    directory = Path(directory)
    path = directory / (filename or url.rstrip("/").rsplit("/", 1)[-1])
    _remove_orphans(path)
    cached = _read_cached(path, max_bytes)
    stale = ""
    if cached is not None:
        got = hashlib.sha256(cached).hexdigest()
        if got == sha256:
            return path, cached
        stale = (f"has more than {max_bytes} bytes" if len(cached) > max_bytes
                 else f"has SHA-256 {got}, not {sha256}")
        stale = f" (the existing {path} {stale}, so it is not used)"
    try:
        _writable_dir(directory, url, path)
        body = _download_verified(url, path, sha256, timeout, max_bytes, deadline)
        _save(path, body, url)
    except (DownloadError, DataDirError) as err:
        if not stale:
            raise
        raise type(err)(f"{err}{stale}") from err.__cause__
    return path, body


def fetch(url: str, directory: str | os.PathLike[str], sha256: str, filename: str | None = None,
          timeout: float = 30.0, *, max_bytes: int | None = None, deadline: float | None = None) -> Path:
    """Return the path of a verified copy of ``url`` in ``directory``, downloading it if needed.

    An existing file is used only if its SHA-256 equals ``sha256`` (64 hex
    digits, either case); then nothing is written, so ``directory`` may be
    read-only. Otherwise the file is downloaded, hashed, written to a temporary
    file in ``directory`` (with the umask's permissions, as any new file) and
    renamed into place (``os.replace``) only if the hash matches. Each read
    waits at most ``timeout`` seconds, the whole download may take ``deadline``
    seconds (default :data:`DEADLINE`; both at most :data:`MAX_WAIT`), and a
    body longer than ``max_bytes`` (default :data:`MAX_BYTES`) is refused.
    Temporary files that killed processes left behind, older than
    :data:`ORPHAN_AGE`, are removed.

    Raises :class:`DownloadError` (an ``OSError``) if the download fails, naming
    the proxy if one is set in the environment; :class:`ChecksumError` if its
    hash differs; and :class:`DataDirError` (an ``OSError``) if the cached file
    cannot be read, if something other than a file is at its path (found
    before downloading), or if the download cannot be saved in ``directory``.
    """
    return _fetch(url, directory, sha256, filename, timeout, max_bytes, deadline)[0]


def airfoil_path() -> Path:
    """Path of the verified airfoil file in :func:`data_dir`, downloaded on first use."""
    return fetch(AIRFOIL_URL, data_dir(), AIRFOIL_SHA256)


def load_airfoil() -> np.ndarray:
    """All 1503 rows of the airfoil file, each column standardized to mean 0 and population std 1.

    The rows are parsed from the very bytes whose SHA-256 was checked.
    """
    path, body = _fetch(AIRFOIL_URL, data_dir(), AIRFOIL_SHA256)
    data = np.loadtxt(io.StringIO(body.decode("ascii")), delimiter="\t", dtype=np.float64)
    if data.shape != (AIRFOIL_ROWS, 6):  # cannot happen for the verified file
        raise ValueError(f"{path} must hold {AIRFOIL_ROWS} rows of 6 columns; got shape {data.shape}")
    return (data - data.mean(axis=0)) / data.std(axis=0)


class DataIter:
    """Seeded, shuffled minibatches of ``(features, labels)``; iterate it once per epoch.

    Iteration number ``e`` (0, 1, ...) visits the examples in the order of the
    permutation drawn by ``np.random.default_rng((seed, e))``, in contiguous
    minibatches of ``batch_size`` rows (the last one may be smaller). So the
    order is the same in every run and different in every epoch. The whole
    data set stays available as read-only copies, ``features`` (n, d) and
    ``labels`` (n,), so evaluating on it uses no randomness. Both must hold
    finite real numbers (not NaN, inf, complex numbers or strings).
    """

    def __init__(self, features: np.ndarray, labels: np.ndarray, batch_size: int, seed: int = SHUFFLE_SEED) -> None:
        features = np.array(_checks.real_array("features", features, ("n", "d")), dtype=np.float64)
        labels = np.array(_checks.real_array("labels", labels, (len(features),)), dtype=np.float64)
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
