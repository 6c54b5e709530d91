"""The book's from-scratch Adagrad (chapters/from-scratch.ipynb) and seeded linear data.

Shared by the tests and by benchmarks/compare_torch.py, so that every one of them
trains with the same code a reader runs.
"""

import numpy as np

from d2lmini.data import DataIter

EPS = 1e-6


def init_adagrad_states(feature_dim):
    """Zero accumulators of squared gradients, one shaped like w and one like b."""
    return np.zeros((feature_dim, 1)), np.zeros(1)


def adagrad(params, grads, states, hyperparams):
    """One Adagrad step for every parameter, in place: s += g², then p -= lr · g / sqrt(s + EPS)."""
    lr = hyperparams["lr"]
    for p, g, s in zip(params, grads, states):
        s += g * g
        p -= lr * g / np.sqrt(s + EPS)


def sgd(params, grads, states, hyperparams):
    """Minibatch SGD, in place: p -= lr · g."""
    for p, g in zip(params, grads):
        p -= hyperparams["lr"] * g


def linear_data(n=400, d=5, batch_size=10, noise=0.5, seed=1):
    """Seeded examples y = x·w* + b* + noise, served by the iterator that get_data_ch11 returns."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.3 + noise * rng.normal(size=n)
    return DataIter(X, y, batch_size)
