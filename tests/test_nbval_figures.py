"""The nbval figure check (tests/nbval_figures.py): what a frontend shows, and stale figures fail."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from nbval_figures import shown_figures, stale_figures, stored_figures

REPO = Path(__file__).resolve().parents[1]


def png(tag: bytes) -> str:
    return base64.b64encode(b"\x89PNG" + tag).decode()


def message(kind, content, parent="run-1"):
    return {"msg_type": kind, "content": content, "parent_header": {"msg_id": parent}}


def test_updates_replace_the_display_they_name_and_other_cells_are_ignored():
    messages = [
        message("status", {"execution_state": "busy"}),
        message("display_data", {"data": {"image/png": png(b"live-0")}, "transient": {"display_id": "d1"}}),
        message("display_data", {"data": {"image/png": png(b"other")}, "transient": {}}),
        message("update_display_data", {"data": {"image/png": png(b"live-1")}, "transient": {"display_id": "d1"}}),
        message("display_data", {"data": {"image/png": png(b"stray")}}, parent="run-0"),
        message("update_display_data", {"data": {"image/png": png(b"live-2")}, "transient": {"display_id": "d1"}}),
        message("display_data", {"data": {"text/plain": "no figure"}}),
        message("status", {"execution_state": "idle"}),
    ]
    assert shown_figures(messages, "run-1") == [b"\x89PNGlive-2", b"\x89PNGother"]


def test_clear_output_drops_what_was_shown():
    messages = [
        message("display_data", {"data": {"image/png": png(b"a")}}),
        message("clear_output", {"wait": False}),
        message("display_data", {"data": {"image/png": png(b"b")}}),
    ]
    assert shown_figures(messages, "run-1") == [b"\x89PNGb"]


def test_stored_figures_read_split_base64_and_skip_text():
    encoded = png(b"abc")
    outputs = [{"output_type": "stream", "text": "x"},
               {"output_type": "display_data", "data": {"image/png": [encoded[:4], encoded[4:]], "text/plain": "f"}}]
    assert stored_figures(outputs) == [b"\x89PNGabc"]


def test_stale_figures_name_the_count_or_the_figure():
    assert stale_figures([b"a", b"b"], [b"a", b"b"]) is None
    assert stale_figures([], []) is None
    assert stale_figures([b"a"], [b"a", b"b"]) == "1 stored figures, 2 in a fresh run"
    assert stale_figures([b"a", b"bb"], [b"a", b"c"]) == "figure 1 (2 stored vs 1 fresh bytes)"


def run_nbval(path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = str(REPO / "tests")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "nbval_figures",
         "--nbval", "--nbval-current-env", "--rootdir", str(path.parent), str(path)],
        cwd=path.parent, env=env, capture_output=True, text=True, timeout=300,
    )


def test_nbval_fails_on_a_stale_figure_and_passes_a_current_one(tmp_path):
    source = ("import matplotlib.pyplot as plt\n"
              "for slope in (1, 2):\n"
              "    plt.figure(figsize=(2, 2)); plt.plot([0, 1], [0, slope]); plt.show()")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(notebook, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    current = tmp_path / "current.ipynb"
    nbformat.write(notebook, current)

    outputs = notebook.cells[0].outputs
    assert len(stored_figures(outputs)) == 2
    outputs[0].data["image/png"], outputs[1].data["image/png"] = outputs[1].data["image/png"], outputs[0].data["image/png"]
    stale = tmp_path / "stale.ipynb"
    nbformat.write(notebook, stale)

    passed = run_nbval(current)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = run_nbval(stale)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "the stored figures are stale: figure 0" in failed.stdout and "figure 1" in failed.stdout


def test_svg_figures_are_read_as_text_and_follow_their_updates():
    svg = lambda tag: f"<svg>{tag}</svg>"  # noqa: E731
    messages = [
        message("display_data", {"data": {"image/svg+xml": svg("live-0")}, "transient": {"display_id": "d1"}}),
        message("update_display_data", {"data": {"image/svg+xml": svg("live-1")}, "transient": {"display_id": "d1"}}),
    ]
    assert shown_figures(messages, "run-1") == [b"<svg>live-1</svg>"]
    stored = [{"output_type": "display_data", "data": {"image/svg+xml": ["<svg>", "live-1</svg>"]}}]
    assert stored_figures(stored) == [b"<svg>live-1</svg>"]


def test_a_live_svg_plot_passes_when_current_and_fails_when_its_final_frame_is_stale(tmp_path):
    source = ("import d2lmini as d2l\n"
              "d2l.use_book_style()\n"
              "animator = d2l.Animator(xlabel='x', ylabel='y', min_interval=0)\n"
              "for i in range(4):\n"
              "    animator.add(i, i * i)")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(notebook, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    current = tmp_path / "current.ipynb"
    nbformat.write(notebook, current)

    (figure,) = [o for o in notebook.cells[0].outputs if "image/svg+xml" in o.get("data", {})]
    final = figure.data["image/svg+xml"]
    assert final.count("<path") > 0
    figure.data["image/svg+xml"] = final.replace("<path", "<path data-stale='1'", 1)
    stale = tmp_path / "stale.ipynb"
    nbformat.write(notebook, stale)

    passed = run_nbval(current)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = run_nbval(stale)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "the stored figures are stale: figure 0" in failed.stdout
