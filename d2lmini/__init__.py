"""d2lmini: the few helpers the Adagrad book needs, with d2l's call shapes.

Importing this package has no side effects: it changes no matplotlib settings
and imports neither IPython nor ipywidgets.
"""

from . import explorer, optim, sparse, widgets
from .animator import Animator
from .data import get_data_ch11
from .models import evaluate_loss, linreg, squared_loss
from .objectives import RotatedQuadratic
from .plot2d import show_trace_2d
from .glue import glue
from .steps2d import make_adagrad_2d, make_gd_2d, make_rmsprop_2d
from .style import COLORS, book_style, use_book_style
from .timer import Timer
from .train import train_ch11, train_concise_ch11
from .train2d import DivergenceWarning, train_2d, trajectory_2d

__all__ = [
    "Animator",
    "COLORS",
    "DivergenceWarning",
    "RotatedQuadratic",
    "Timer",
    "book_style",
    "evaluate_loss",
    "explorer",
    "get_data_ch11",
    "glue",
    "linreg",
    "make_adagrad_2d",
    "make_gd_2d",
    "make_rmsprop_2d",
    "optim",
    "sparse",
    "show_trace_2d",
    "squared_loss",
    "train_2d",
    "train_ch11",
    "train_concise_ch11",
    "trajectory_2d",
    "use_book_style",
    "widgets",
]
