"""Argument checks shared by the public API.

Each check returns the value it accepted (converted where that helps) or raises
an error whose message reads "``name`` must be ``allowed``; got ``value``": a
``TypeError`` for the wrong kind of thing, a ``ValueError`` for a value out of
range. The checks only look at their argument, so a call that fails them has
changed nothing.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, Callable

import numpy as np


def shown(value: Any, limit: int = 70) -> str:
    """``repr(value)``, shortened to about ``limit`` characters for a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-10:]} ({len(text)} characters)"


def _fail(error: type[Exception], name: str, allowed: str, value: Any) -> Exception:
    return error(f"{name} must be {allowed}; got {shown(value)}")


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number: an int or float (numpy's too), but not a bool or a string."""
    return type(value) is float or isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _number(name: str, value: Any, allowed: str, low: float, high: float, open_low: bool = False) -> float:
    if not is_real(value):
        raise _fail(TypeError, name, allowed, value)
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range, such as 10**400
        raise _fail(ValueError, name, allowed, value) from None
    if not (math.isfinite(number) and (number > low if open_low else number >= low) and number <= high):
        raise _fail(ValueError, name, allowed, value)
    return number


def finite_float(name: str, value: Any) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number, else raise."""
    return _number(name, value, "a finite number", -math.inf, math.inf)


def positive_float(name: str, value: Any, high: float = math.inf) -> float:
    """Return ``value`` as a ``float`` if ``0 < value <= high`` (finite), else raise."""
    allowed = "a finite number > 0" if high == math.inf else f"a number in (0, {high:g}]"
    return _number(name, value, allowed, 0.0, high, open_low=True)


def nonnegative_float(name: str, value: Any) -> float:
    """Return ``value`` as a ``float`` if it is finite and ≥ 0, else raise."""
    return _number(name, value, "a finite number >= 0", 0.0, math.inf)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def int_in_range(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer with ``low <= value <= high``, else raise."""
    allowed = f"an integer in [{low}, {high}]"
    if not _is_int(value):
        raise _fail(TypeError, name, allowed, value)
    if not low <= value <= high:
        raise _fail(ValueError, name, allowed, value)
    return int(value)


def positive_int(name: str, value: Any, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer ≥ 1 (and ≤ ``high``, if given), else raise."""
    if high is not None:
        return int_in_range(name, value, 1, high)
    allowed = "a positive integer (1, 2, ...)"
    if not _is_int(value):
        raise _fail(TypeError, name, allowed, value)
    if value < 1:
        raise _fail(ValueError, name, allowed, value)
    return int(value)


def flag(name: str, value: Any) -> bool:
    """Return ``value`` as a ``bool`` if it is True or False, else raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise _fail(TypeError, name, "True or False", value)
    return bool(value)


def one_of(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them."""
    choices = tuple(choices)
    if not any(type(value) is type(choice) and value == choice for choice in choices):
        raise _fail(ValueError, name, "one of " + ", ".join(map(repr, choices)), value)
    return value


def instance(name: str, value: Any, kind: type | tuple[type, ...], allowed: str) -> Any:
    """Return ``value`` if it is an instance of ``kind``, else raise ``TypeError`` saying ``allowed``."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {allowed}; got {type(value).__name__} {shown(value)}")
    return value


def sequence(name: str, value: Any, allowed: str, *, empty: bool = False) -> list[Any]:
    """``value`` as a list if it is a collection of items, not one string, array or mapping; else raise.

    ``allowed`` says what it must be (such as "a sequence of format strings");
    an empty one is a ``ValueError`` unless ``empty`` is true.
    """
    if type(value) not in (list, tuple) and (isinstance(value, (str, bytes, np.ndarray, Mapping))
                                             or not isinstance(value, Iterable)):
        kind = "a single ndarray" if isinstance(value, np.ndarray) else f"{type(value).__name__} {shown(value)}"
        raise TypeError(f"{name} must be {allowed}; got {kind}")
    items = list(value)
    if not items and not empty:
        raise ValueError(f"{name} must be {allowed}, with at least one item; got an empty one")
    return items


def float_array(name: str, value: Any, shape: tuple[int, ...] | None = None, *, writeable: bool = False) -> np.ndarray:
    """``value`` itself if it is a floating-point numpy array (of ``shape``; writeable if asked), else raise.

    For arrays that are updated in place, such as parameters and their states.
    """
    if not isinstance(value, np.ndarray) or not np.issubdtype(value.dtype, np.floating):
        what = f"dtype {value.dtype}" if isinstance(value, np.ndarray) else type(value).__name__
        raise TypeError(f"{name} must be a floating-point numpy array; got {what}")
    if shape is not None and value.shape != shape:
        raise ValueError(f"{name} must have shape {shape}; got {value.shape}")
    if writeable and not value.flags.writeable:
        raise ValueError(f"{name} must be writeable, because it is updated in place; got a read-only array")
    return value


def real_array(name: str, value: Any, shape: tuple[int | str, ...], *, finite: bool = True) -> np.ndarray:
    """``value`` as a numpy array of real numbers with ``shape``, else raise naming ``name``.

    A string in ``shape``, such as ``("n", 2)``, allows any length ≥ 1 there.
    Complex numbers, strings, bools and objects are a ``TypeError``; NaN or inf
    (unless ``finite`` is false), a ragged nesting or another shape a
    ``ValueError``. The array is not copied if it need not be.
    """
    try:
        array = np.asarray(value)
    except ValueError:  # a ragged nested sequence
        raise ValueError(f"{name} must be an array of real numbers of shape {_shape(shape)}; got a ragged sequence"
                         ) from None
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {array.dtype}")
    if array.shape != shape and (array.ndim != len(shape) or any(
            n < 1 if isinstance(s, str) else n != s for s, n in zip(shape, array.shape))):
        raise ValueError(f"{name} must have shape {_shape(shape)}; got {array.shape}")
    # A finite sum of squares means every entry is finite; only if it is not, look at each one.
    if finite and not math.isfinite(np.vdot(array, array)) and not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"{name} must hold finite numbers; got {array[where]} at index {where}")
    return array


def _shape(shape: tuple[int | str, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def callable_arg(name: str, value: Any) -> Callable[..., Any]:
    """Return ``value`` if it is callable, else raise ``TypeError``."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {type(value).__name__} {shown(value)}")
    return value


def accepts(name: str, fn: Any, args: tuple[Any, ...], expected: str, hint: str = "",
            kwargs: Mapping[str, Any] | None = None) -> Callable[..., Any]:
    """Return ``fn`` if it is callable and its signature takes ``fn(*args, **kwargs)``, else raise ``TypeError``.

    The message says ``name`` must accept ``expected`` (plus ``hint``) and shows
    the signature it has. Callables without a signature (some builtins) pass.
    """
    callable_arg(name, fn)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn
    try:
        signature.bind(*args, **(kwargs or {}))
    except TypeError:
        raise TypeError(f"{name} must accept {expected}{hint}; its signature is {signature}") from None
    return fn
