"""d2lmini: the few helpers the Adagrad book needs, with d2l's call shapes.

Importing this package has no side effects: it changes no matplotlib settings
and imports neither IPython nor ipywidgets.
"""

from . import optim
from .objectives import RotatedQuadratic
from .plot2d import show_trace_2d
from .steps2d import make_adagrad_2d, make_gd_2d
from .train2d import DivergenceWarning, train_2d, trajectory_2d

__all__ = [
    "DivergenceWarning",
    "RotatedQuadratic",
    "make_adagrad_2d",
    "make_gd_2d",
    "optim",
    "show_trace_2d",
    "train_2d",
    "trajectory_2d",
]
