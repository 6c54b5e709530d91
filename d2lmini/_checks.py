"""Argument checks shared by the public API.

Every check raises with a message that names the offending argument and the
allowed range, so a reader knows what to fix.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, Callable


def positive_int(name: str, value: Any) -> int:
    """Return ``value`` as an ``int`` if it is an integer ≥ 1, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer (1, 2, ...); got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (1, 2, ...); got {value!r}")
    return int(value)


def int_in_range(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` as an ``int`` if ``low <= value <= high``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer in [{low}, {high}]; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}]; got {value!r}")
    return int(value)


def _real(name: str, value: Any, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a {allowed}; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a {allowed}; got {value!r}")
    return value


def positive_float(name: str, value: Any) -> float:
    """Return ``value`` as a ``float`` if it is finite and > 0, else raise."""
    value = _real(name, value, "finite number > 0")
    if value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return value


def nonnegative_float(name: str, value: Any) -> float:
    """Return ``value`` as a ``float`` if it is finite and ≥ 0, else raise."""
    value = _real(name, value, "finite number >= 0")
    if value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return value


def finite_float(name: str, value: Any) -> float:
    """Return ``value`` as a ``float`` if it is finite, else raise."""
    return _real(name, value, "finite number")


def callable_arg(name: str, value: Any) -> Callable[..., Any]:
    """Return ``value`` if it is callable, else raise ``TypeError``."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {type(value).__name__} {value!r}")
    return value


def sequence(name: str, value: Any, allowed: str, *, empty: bool = False) -> list[Any]:
    """``value`` as a list if it is a collection of items, not one string, array or mapping; else raise.

    ``allowed`` says what it must be (such as "a sequence of format strings");
    an empty one is a ``ValueError`` unless ``empty`` is true.
    """
    import numpy as np

    if isinstance(value, (str, bytes, np.ndarray, Mapping)) or not isinstance(value, Iterable):
        kind = "a single ndarray" if isinstance(value, np.ndarray) else f"{type(value).__name__} {value!r}"
        raise TypeError(f"{name} must be {allowed}; got {kind}")
    items = list(value)
    if not items and not empty:
        raise ValueError(f"{name} must be {allowed}, with at least one item; got an empty one")
    return items
