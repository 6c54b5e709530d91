"""Linear regression and the squared loss, with d2l's names and call shapes."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


def linreg(X: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The linear model :math:`\\hat{\\mathbf{y}} = \\mathbf{X}\\mathbf{w} + b`, shape ``(n, 1)`` for ``w`` of shape ``(d, 1)``."""
    return X @ w + b


def squared_loss(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-example squared loss :math:`\\tfrac{1}{2}(\\hat{y} - y)^2`, in the shape of ``y_hat``."""
    y = np.asarray(y)
    if y.size != np.size(y_hat):
        raise ValueError(f"y must hold one label per prediction ({np.size(y_hat)}); got shape {y.shape}")
    return (y_hat - y.reshape(np.shape(y_hat))) ** 2 / 2


def evaluate_loss(net: Callable[[np.ndarray], np.ndarray], data_iter: Any,
                  loss: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> float:
    """Mean of ``loss(net(X), y)`` over every example of ``data_iter``.

    When ``data_iter`` exposes the whole data set as ``features`` and ``labels``
    (as :class:`d2lmini.data.DataIter` does), the loss is computed on those
    arrays in one call and no minibatch order is drawn. Any other iterable of
    ``(X, y)`` minibatches is iterated once.
    """
    features, labels = getattr(data_iter, "features", None), getattr(data_iter, "labels", None)
    if features is not None and labels is not None:
        return float(np.mean(loss(net(features), labels)))
    total, count = 0.0, 0
    for X, y in _batches(data_iter):
        values = loss(net(X), y)
        total += float(np.sum(values))
        count += np.size(values)
    if count == 0:
        raise ValueError("data_iter must yield at least one example; it yielded none")
    return total / count


def _batches(data_iter: Any) -> Iterable[Any]:
    try:
        return iter(data_iter)
    except TypeError:
        raise TypeError(f"data_iter must be iterable over (X, y) minibatches; got {type(data_iter).__name__}") from None
