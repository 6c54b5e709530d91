"""The book's figure style: explicit, complete, deterministic SVG."""

import io
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

import d2lmini as d2l
from d2lmini import style


def test_importing_d2lmini_changes_no_matplotlib_setting():
    code = ("import matplotlib; before = dict(matplotlib.rcParams); import d2lmini; "
            "assert dict(matplotlib.rcParams) == before")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_book_style_sets_every_setting_and_restores_them():
    before = dict(matplotlib.rcParams)
    with d2l.book_style():
        for key, value in style.RC.items():
            assert matplotlib.rcParams[key] == value, key
        cycle = [entry["color"] for entry in matplotlib.rcParams["axes.prop_cycle"]]
        assert cycle[0] == d2l.COLORS["adagrad"] and d2l.COLORS["gd"] in cycle
    assert dict(matplotlib.rcParams) == before


def test_text_is_at_least_nine_points():
    sizes = [value for key, value in style.RC.items() if key.endswith(("size", "labelsize"))
             and key not in ("figure.figsize", "lines.markersize")]
    assert sizes and min(sizes) >= 9


def test_every_method_has_a_colour_and_the_colours_differ():
    methods = ("gd", "adagrad", "rmsprop", "clock", "torch")
    colours = [d2l.COLORS[m] for m in methods]
    assert len(set(colours)) == len(colours)
    assert d2l.COLORS["sgd"] == d2l.COLORS["global"] == d2l.COLORS["gd"]
    for m in ("gd", "adagrad", "rmsprop", "clock", "global"):
        assert m in style.LINESTYLES
    with pytest.raises(TypeError):
        d2l.COLORS["adagrad"] = "#000000"  # read-only: the web explorers read it at build time


def _svg() -> bytes:
    with d2l.book_style():
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0, 1, 4], label="a line")
        ax.legend()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    return buffer.getvalue()


def test_the_svg_of_a_figure_is_the_same_bytes_every_time():
    first, second = _svg(), _svg()
    assert first == second
    assert b"<dc:date>" not in first


def test_use_book_style_outside_a_kernel_only_sets_rcparams():
    saved = dict(matplotlib.rcParams)
    try:
        d2l.use_book_style()
        assert matplotlib.rcParams["svg.hashsalt"] == "d2lmini"
        assert matplotlib.rcParams["font.size"] == style.RC["font.size"]
    finally:
        matplotlib.rcParams.update(saved)
