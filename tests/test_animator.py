"""Animator: one figure whose lines are updated in place; throttled, complete display in a kernel."""

import subprocess
import sys
import types

import matplotlib.pyplot as plt
import numpy as np
import pytest

import d2lmini as d2l
from d2lmini import animator as animator_module


def test_outside_a_kernel_it_prints_nothing_and_reuses_one_figure_and_its_lines(capsys):
    before = len(plt.get_fignums())
    anim = d2l.Animator(xlabel="epoch", ylabel="loss", legend=["train", "test"])
    anim.add(0, [1.0, 2.0])
    lines = list(anim.axes[0].get_lines())
    for x in range(1, 50):
        anim.add(x, [1.0 / (x + 1), 2.0 / (x + 1)])
    assert capsys.readouterr().out == ""
    assert len(plt.get_fignums()) == before + 1
    assert anim.axes[0].get_lines() == lines and len(lines) == 2
    assert np.array_equal(lines[1].get_ydata(), anim.Y[1]) and len(anim.X[0]) == 50


def test_fixed_limits_stay_and_free_ones_follow_the_data():
    fixed = d2l.Animator(xlim=(0, 2), ylim=(0.22, 0.35))
    free = d2l.Animator()
    for x, y in [(0.1, 0.5), (1.5, 0.3), (3.0, 0.1)]:
        fixed.add(x, y)
        free.add(x, y)
    assert fixed.axes[0].get_xlim() == (0, 2) and fixed.axes[0].get_ylim() == (0.22, 0.35)
    lo, hi = free.axes[0].get_xlim()
    assert lo <= 0.1 and hi >= 3.0


def test_none_skips_a_line():
    anim = d2l.Animator()
    anim.add([0, 0], [1.0, None])
    anim.add(1, [0.5, 0.7])
    assert anim.Y == [[1.0, 0.5], [0.7]]


class FakeHandle:
    def __init__(self, log):
        self.log = log

    def update(self, obj):
        self.log.append(("update", obj))


class FakeShell:
    """Just enough of an IPython kernel shell: an events registry and a kernel."""

    kernel = object()

    def __init__(self):
        self.callbacks = []
        self.events = types.SimpleNamespace(register=self._register, unregister=self._unregister)

    def _register(self, event, fn):
        assert event == "post_execute"
        self.callbacks.append(fn)

    def _unregister(self, event, fn):
        self.callbacks.remove(fn)

    def end_cell(self):
        for fn in self.callbacks[:]:
            fn()


@pytest.fixture
def fake_kernel(monkeypatch):
    log = []
    display_module = types.ModuleType("IPython.display")

    def display(obj, display_id=None):
        assert display_id is True
        log.append(("display", obj))
        return FakeHandle(log)

    display_module.display = display
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    shell = FakeShell()
    monkeypatch.setattr(animator_module, "_kernel_shell", lambda: shell)
    return shell, log


def test_in_a_kernel_one_handle_is_shown_then_updated_in_place(fake_kernel):
    shell, log = fake_kernel
    anim = d2l.Animator(min_interval=0.0)
    for x in range(5):
        anim.add(x, x * x)
    assert [kind for kind, _ in log] == ["display"] + ["update"] * 4
    assert all(obj is anim.fig for _, obj in log)
    assert anim.fig.number not in plt.get_fignums()  # the inline backend will not show it a second time


def test_in_a_kernel_redraws_are_throttled_but_the_last_state_is_always_shown(fake_kernel):
    shell, log = fake_kernel
    anim = d2l.Animator(min_interval=3600.0)
    for x in range(15):
        anim.add(x, 1.0 / (x + 1))
    assert [kind for kind, _ in log] == ["display"]  # the first point; the rest came too fast
    assert len(shell.callbacks) == 1
    shell.end_cell()  # the cell finishes: the pending state is shown once, and the hook removes itself
    assert [kind for kind, _ in log] == ["display", "update"]
    assert shell.callbacks == []
    anim.flush()  # nothing new to show
    assert len(log) == 2
    assert list(anim.axes[0].get_lines()[0].get_xdata()) == list(range(15))


def test_flush_shows_the_final_state_without_waiting_for_the_cell_end(fake_kernel):
    shell, log = fake_kernel
    anim = d2l.Animator(min_interval=3600.0)
    anim.add(0, 1.0)
    anim.add(1, 0.5)
    anim.flush()
    assert [kind for kind, _ in log] == ["display", "update"]
    shell.end_cell()
    assert len(log) == 2


def test_outside_a_kernel_the_canvas_is_redrawn_throttled(monkeypatch):
    anim = d2l.Animator(min_interval=3600.0)
    draws = []
    monkeypatch.setattr(anim.fig.canvas, "draw_idle", lambda: draws.append(1))
    for x in range(10):
        anim.add(x, x)
    assert len(draws) == 1
    anim.flush()
    assert len(draws) == 2


def test_importing_and_training_imports_neither_ipython_nor_widgets(tmp_path):
    code = (
        "import sys, numpy as np\n"
        "import d2lmini as d2l\n"
        "from d2lmini.data import DataIter\n"
        "rng = np.random.default_rng(0)\n"
        "it = DataIter(rng.normal(size=(40, 3)), rng.normal(size=40), 5)\n"
        "d2l.train_concise_ch11(d2l.optim.Adagrad, {'lr': 0.1}, it, num_epochs=1)\n"
        "print(sorted(m for m in ('IPython', 'ipywidgets', 'ipykernel') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}, cwd=tmp_path).stdout
    assert out.splitlines()[-1] == "[]"


def test_checking_the_formats_leaves_the_colour_cycle_where_it_starts():
    anim = d2l.Animator(fmts=("-", "--", ":"))
    anim.add(0, [1.0, 2.0, 3.0])
    _, ax = plt.subplots()
    expected = [ax.plot([], [], fmt)[0].get_color() for fmt in ("-", "--", ":")]
    assert [line.get_color() for line in anim.lines] == expected
    assert [line.get_linestyle() for line in anim.lines] == ["-", "--", ":"]


def test_close_drops_a_pending_display(fake_kernel):
    shell, log = fake_kernel
    anim = d2l.Animator(min_interval=3600.0)
    anim.add(0, 1.0)
    anim.add(1, 0.5)  # pending, waiting for the cell's end
    anim.close()
    assert shell.callbacks == []
    shell.end_cell()
    assert [kind for kind, _ in log] == ["display"]


def test_close_outside_a_kernel_makes_pyplot_forget_the_figure():
    anim = d2l.Animator()
    assert anim.fig.number in plt.get_fignums()
    anim.close()
    assert anim.fig.number not in plt.get_fignums()
