"""The peer: section 11.7's training code written the way d2l's PyTorch tab writes it.

Autograd computes the gradients, parameters are updated in place under
``torch.no_grad()``, batches come from a shuffling ``DataLoader`` and the live
plot is d2l's ``Animator``, which clears and re-plots its axes at every point.
Where d2l calls ``display`` in a notebook, this version renders the figure on
the Agg canvas, so both sides of the benchmark pay for drawing.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn
from torch.utils import data


class Timer:
    """d2l's Timer: a list of stopwatch intervals."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.time()

    def stop(self):
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        return np.array(self.times).cumsum().tolist()


class Animator:
    """d2l's Animator: clear the axes and draw every series again per point."""

    def __init__(self, xlabel=None, ylabel=None, xlim=None, ylim=None, figsize=(3.5, 2.5)):
        import matplotlib.pyplot as plt

        self.fig, self.axes = plt.subplots(figsize=figsize)
        self.xlabel, self.ylabel, self.xlim, self.ylim = xlabel, ylabel, xlim, ylim
        self.X, self.Y = None, None

    def add(self, x, y):
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            self.X[i].append(a)
            self.Y[i].append(b)
        self.axes.cla()
        for xs, ys in zip(self.X, self.Y):
            self.axes.plot(xs, ys, "-")
        self.axes.set_xlabel(self.xlabel)
        self.axes.set_ylabel(self.ylabel)
        self.axes.set_xlim(self.xlim)
        self.axes.set_ylim(self.ylim)
        self.axes.grid()
        self.fig.canvas.draw()  # what display(fig) costs in a notebook

    def close(self):
        import matplotlib.pyplot as plt

        plt.close(self.fig)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


def get_data_ch11(path, batch_size=10, n=1500):
    raw = np.genfromtxt(path, dtype=np.float32, delimiter="\t")
    raw = torch.from_numpy((raw - raw.mean(axis=0)) / raw.std(axis=0))
    data_iter = load_array((raw[:n, :-1], raw[:n, -1]), batch_size, is_train=True)
    return data_iter, raw.shape[1] - 1


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    total, count = 0.0, 0
    for X, y in data_iter:
        out = net(X)
        y = y.reshape(out.shape)
        l = loss(out, y)
        total += float(l.sum().detach())
        count += l.numel()
    return total / count


def init_adagrad_states(feature_dim):
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


def adagrad(params, states, hyperparams):
    eps = 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] += torch.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2, quiet=True):
    w = torch.normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = torch.zeros((1), requires_grad=True)
    net, loss = (lambda X: linreg(X, w, b)), squared_loss
    animator = Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=[0.22, 0.35])
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            n += X.shape[0]
            if n % 200 == 0:
                timer.stop()
                animator.add(n / X.shape[0] / len(data_iter), (evaluate_loss(net, data_iter, loss),))
                timer.start()
    animator.close()
    if not quiet:
        print(f"loss: {animator.Y[0][-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    return timer.cumsum(), animator.Y[0]


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4, quiet=True):
    net = nn.Sequential(nn.Linear(5, 1))

    def init_weights(module):
        if type(module) == nn.Linear:
            torch.nn.init.normal_(module.weight, std=0.01)

    net.apply(init_weights)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")
    animator = Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=[0.22, 0.35])
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)
            l.mean().backward()
            optimizer.step()
            n += X.shape[0]
            if n % 200 == 0:
                timer.stop()
                animator.add(n / X.shape[0] / len(data_iter), (evaluate_loss(net, data_iter, loss) / 2,))
                timer.start()
    animator.close()
    if not quiet:
        print(f"loss: {animator.Y[0][-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    return timer.cumsum(), animator.Y[0]
