"""The sparse-features figure's grid: real runs of the chapter's experiment, precomputed and cached.

The figure moves between settings of three knobs of
:func:`d2lmini.sparse.run_experiment`: the Zipf exponent α of the feature
frequencies (:data:`EXPONENTS`), the value that absent features take, the
*background* (:data:`BACKGROUNDS`; 0 means strictly sparse), and the label
noise σ (:data:`NOISES`). Every grid point is one call of
``run_experiment(seed=0, alpha=α, background=b, noise=σ)`` with the chapter's
other settings and its tuning rule (each rule's η0 chosen on a validation
stream): the same function, arguments and seed as the chapter, so the
figure at the chapter's settings shows the chapter's numbers. The grid holds
those settings: α = 1.2, background 0 and 0.01, σ = 0.1, 0.5 and 1.

The random stream behind a run cannot be reproduced cheaply in JavaScript, so
the web figure steps through :func:`precompute`'s table, written into the
page at build time. Computing it takes a few CPU-minutes' worth of runs
(:data:`GRID_SIZE` of them), so the table is cached on disk under a name that
is a hash of everything it depends on (:func:`content_hash`: the grid, the
seed, the source of the modules that compute it, numpy's version and its CPU
settings); any change to those computes it afresh.

What the page gets per grid point (:func:`point_data`): each rule's chosen η0
and its mean error per bucket of features (full precision: the numbers the
page prints), each feature's error ``|w_i - w*_i|`` as the integer
``round(LOG_SCALE * log10(error))`` (a hundredth of a decade, a third of a
pixel of the log-log plot; whole numbers keep the page's data small) and the
mean error in the frequency bins that :func:`d2lmini.sparse.plot_errors`
draws as lines (to :data:`BIN_DIGITS` significant digits).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import inspect
import itertools
import json
import multiprocessing
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import numpy as np

from . import sparse
from .style import COLORS, LINESTYLES

EXPONENTS: tuple[float, ...] = (1.0, 1.2, 1.4, 1.6, 1.8)
"""The Zipf exponents α (feature i is on with probability 0.5·i^−α); at α ≤ 0.9 no feature would be rare."""
BACKGROUNDS: tuple[float, ...] = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1)
"""The values absent features take, as the scale of ``background * N(0, 1)``; 0 is strictly sparse."""
NOISES: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5, 1.0)
"""The label noise σ of ``y = x·w* + σ ε``."""
SEED = 0
"""The chapter's seed: one true weight vector and one training and one validation stream per setting."""
DEFAULTS = MappingProxyType({"exponent": 1.2, "background": 0.0, "noise": 0.1})
"""Where the figure starts: the chapter's first experiment."""
KNOBS: tuple[str, ...] = ("exponent", "background", "noise")
"""The figure's controls, in the order of the grid's axes."""
GRID_SIZE = len(EXPONENTS) * len(BACKGROUNDS) * len(NOISES)
"""The number of runs behind the figure."""
LOG_SCALE = 100
"""Each feature's error is stored as ``round(LOG_SCALE * log10(error))``: to a hundredth of a decade."""
BIN_DIGITS = 3
"""Significant digits of the binned means (the bucket means keep all digits)."""
WORKERS = 2
"""Processes that compute a missing table (the book's machines have two cores)."""



def _sources() -> list[Path]:
    """What the cached table depends on, besides the grid: the modules that compute it."""
    here = Path(__file__).resolve().parent
    return [here / name for name in ("sparse.py", "_checks.py", "sparse_grid.py")]


def _values(name: str) -> tuple[float, ...]:
    return {"exponent": EXPONENTS, "background": BACKGROUNDS, "noise": NOISES}[name]


def check_point(exponent: Any, background: Any, noise: Any) -> tuple[float, float, float]:
    """Return the setting as floats if each value is one of the grid's, else raise naming the knob and its values."""
    out = []
    for name, value in zip(KNOBS, (exponent, background, noise)):
        allowed = _values(name)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) or \
                float(value) not in allowed:
            raise ValueError(f"{name} must be one of the precomputed values "
                             f"{', '.join(f'{v:g}' for v in allowed)}; got {value!r}")
        out.append(float(value))
    return out[0], out[1], out[2]


def settings_from_attributes(attributes: Mapping[str, str]) -> tuple[float, float, float]:
    """The grid point a figure ``<div>`` starts from: :data:`DEFAULTS`, changed by ``data-exponent``,
    ``data-background`` and ``data-noise`` when they name grid values (others are ignored, as on the page)."""
    values = dict(DEFAULTS)
    for name in KNOBS:
        text = attributes.get(f"data-{name}")
        try:
            value = float(text) if text is not None else None
        except ValueError:
            continue
        if value is not None and value in _values(name):
            values[name] = value
    return values["exponent"], values["background"], values["noise"]


def points() -> list[tuple[float, float, float]]:
    """Every grid point (exponent, background, noise), exponent slowest and noise fastest."""
    return list(itertools.product(EXPONENTS, BACKGROUNDS, NOISES))


@lru_cache(maxsize=32)
def run_point(exponent: float, background: float, noise: float) -> sparse.SparseResult:
    """The chapter's experiment at one grid point: ``sparse.run_experiment(seed=0, alpha=..., background=..., noise=...)``."""
    exponent, background, noise = check_point(exponent, background, noise)
    return sparse.run_experiment(SEED, alpha=exponent, background=background, noise=noise)


def binned_means(result: sparse.SparseResult, bins: int = 7) -> dict[str, list[list[float]]]:
    """Each rule's mean error in ``bins`` logarithmic frequency bins, as ``[[bin centre, mean], ...]``.

    The bins of :func:`d2lmini.sparse.plot_errors`: edges ``geomspace(lo,
    1.0001 hi, bins + 1)`` over the frequencies of the features that occur,
    centres the geometric means of the edges; empty bins are left out.
    """
    f = np.asarray(result.frequency)
    seen = f > 0
    lo, hi = f[seen].min(), f[seen].max()
    edges = np.geomspace(lo, hi * 1.0001, bins + 1)
    which = np.digitize(f, edges) - 1
    out = {}
    for m, err in result.errors.items():
        line = []
        for j in range(bins):
            mask = seen & (which == j)
            if mask.any():
                line.append([float(np.sqrt(edges[j] * edges[j + 1])), float(err[mask].mean())])
        out[m] = line
    return out


def _drawn_bins(result: sparse.SparseResult) -> dict[str, list[list[float]]]:
    """:func:`binned_means` to :data:`BIN_DIGITS` significant digits, as the page draws them."""
    return {m: [[float(f"{v:.{BIN_DIGITS}g}") for v in p] for p in line] for m, line in binned_means(result).items()}


def log_errors(errors: Iterable[float]) -> list[int]:
    """``round(LOG_SCALE * log10(e))`` for each error (one of 1e-12 or less stands at 1e-12)."""
    return [int(round(LOG_SCALE * np.log10(max(float(e), 1e-12)))) for e in errors]


def point_data(result: sparse.SparseResult) -> dict[str, Any]:
    """One grid point for the page (JSON-ready); see the module's docstring."""
    return {
        "eta0": dict(result.eta0),
        "buckets": {m: {b: (v if np.isfinite(v) else None) for b, v in means.items()}  # None: an empty bucket
                    for m, means in result.bucket_means().items()},
        "log_errors": {m: log_errors(e) for m, e in result.errors.items()},
        "bins": _drawn_bins(result),
    }


def _point_job(point: tuple[float, float, float]) -> tuple[list[int], dict[str, Any]]:
    result = run_point(*point)
    return [int(c) for c in result.counts], point_data(result)


def content_hash() -> str:
    """A SHA-256 of everything the table depends on: grid, seed, digits, the computing modules' source, numpy and its CPU settings."""
    digest = hashlib.sha256()
    settings = {
        "exponents": EXPONENTS, "backgrounds": BACKGROUNDS, "noises": NOISES, "seed": SEED, "digits": [LOG_SCALE, BIN_DIGITS],
        "numpy": np.__version__,
        "cpu": [os.environ.get("NPY_DISABLE_CPU_FEATURES", ""), os.environ.get("OPENBLAS_CORETYPE", "")],
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in _sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _compute(workers: int) -> dict[str, Any]:
    grid = points()
    if workers > 1:
        # Fresh interpreters (spawn) with one BLAS thread each: no state shared with the caller (Sphinx).
        saved = os.environ.get("OPENBLAS_NUM_THREADS")
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        try:
            with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                results = list(pool.map(_point_job, grid, chunksize=4))
        finally:
            if saved is None:
                os.environ.pop("OPENBLAS_NUM_THREADS", None)
            else:
                os.environ["OPENBLAS_NUM_THREADS"] = saved
    else:
        results = [_point_job(p) for p in grid]
    counts: dict[float, list[int]] = {}
    for (exponent, _, _), (c, _) in zip(grid, results):
        if counts.setdefault(exponent, c) != c:  # the features' counts depend on α (and the seed) only
            raise RuntimeError(f"feature counts differ between settings with exponent {exponent}")
    table = [[[None] * len(NOISES) for _ in BACKGROUNDS] for _ in EXPONENTS]
    for (exponent, background, noise), (_, data) in zip(grid, results):
        table[EXPONENTS.index(exponent)][BACKGROUNDS.index(background)][NOISES.index(noise)] = data
    return {"counts": [counts[a] for a in EXPONENTS], "points": table}


def precompute(cache_dir: str | os.PathLike[str] | None = None, workers: int = WORKERS) -> dict[str, Any]:
    """The table of every grid point: ``{"hash", "counts": [per exponent], "points": [i][j][k]}``.

    With ``cache_dir``, a table stored there under this :func:`content_hash`
    is read instead of computed; a computed one is written there atomically
    (a temporary file renamed into place) and older tables are removed.
    """
    key = content_hash()
    path = None
    if cache_dir is not None:
        folder = Path(cache_dir)
        path = folder / f"sparse-grid-{key[:20]}.json"
        if path.is_file():
            try:
                table = json.loads(path.read_text(encoding="utf-8"))
                if table.get("hash") == key:
                    return table
            except (OSError, ValueError):
                pass  # unreadable: compute it again
    table = {"hash": key} | _compute(workers)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".sparse-grid-", suffix=".tmp", delete=False,
                                         encoding="utf-8") as tmp:
            json.dump(table, tmp, separators=(",", ":"), allow_nan=False)
        os.chmod(tmp.name, 0o644)  # as any other file of the build, not the temporary file's 0600
        os.replace(tmp.name, path)
        for old in path.parent.glob("sparse-grid-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    return table


LEGEND = MappingProxyType({
    "global": "shared η0/√(t + c)",
    "clock": "count clocks η0/√(s(i,t) + c)",
    "adagrad": "Adagrad η0/√(s(t,i) + ε)",
})
"""The rules' names in the web figure (plain text for the SVG legend)."""
ROW_NAMES = MappingProxyType({"global": "shared schedule", "clock": "count clocks", "adagrad": "Adagrad"})
"""The rules' names in the web figure's table."""
FREQUENCY_VIEW: tuple[float, float] = (1e-4, 1.0)
"""The x range of the error plot (share of examples): every feature that occurs in 4,000 examples lies in it."""
ERROR_VIEW: tuple[float, float] = (1e-5, 10.0)
"""The y range of the error plot; an error outside it is drawn at the edge as a triangle."""


def web_constants(cache_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Every constant the web figure uses (JSON-ready), with :func:`precompute`'s table."""
    table = precompute(cache_dir)
    n = inspect.signature(sparse.run_experiment).parameters["n"].default  # the chapter's stream length
    return {
        "EXPONENTS": list(EXPONENTS), "BACKGROUNDS": list(BACKGROUNDS), "NOISES": list(NOISES),
        "DEFAULTS": dict(DEFAULTS), "SEED": SEED, "N": n, "GRID_SIZE": GRID_SIZE,
        "METHODS": list(sparse.METHODS), "LEGEND": dict(LEGEND), "ROW_NAMES": dict(ROW_NAMES),
        "SHORT_NAMES": dict(sparse.NAMES),
        "COLORS": {m: COLORS[m] for m in sparse.METHODS} | {"reference": COLORS["reference"]},
        "LINESTYLES": {m: LINESTYLES[m] for m in sparse.METHODS},
        "BUCKETS": ["rare", "medium", "common"],
        "RARE_MAX_FREQUENCY": sparse.RARE_MAX_FREQUENCY, "COMMON_MIN_FREQUENCY": sparse.COMMON_MIN_FREQUENCY,
        "FREQUENCY_VIEW": list(FREQUENCY_VIEW), "ERROR_VIEW": list(ERROR_VIEW), "LOG_SCALE": LOG_SCALE,
        "HASH": table["hash"], "COUNTS": table["counts"], "POINTS": table["points"],
    }
