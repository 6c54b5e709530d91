"""tools/execute_notebooks.py: re-execution in place keeps timing-only differences out of git."""

import importlib.util
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("execute_notebooks", REPO / "tools" / "execute_notebooks.py")
execute_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_notebooks)


def stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def test_in_place_run_keeps_timing_only_changes_and_rewrites_real_ones(tmp_path):
    timing = nbformat.v4.new_code_cell("print('loss: 0.500, 123.456 sec/epoch')", execution_count=1)
    timing.outputs = [stream("loss: 0.500, 9.999 sec/epoch\n")]  # differs only in the sanitized timing
    value = nbformat.v4.new_code_cell("print(6 * 7)", execution_count=2)
    value.outputs = [stream("41\n")]  # stale
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[timing, value]), path)

    assert execute_notebooks.execute(path, timeout=60) == 1

    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].outputs[0]["text"] == "loss: 0.500, 9.999 sec/epoch\n"
    assert cells[1].outputs[0]["text"] == "42\n"
    assert [c.execution_count for c in cells] == [1, 2]


def test_check_mode_names_the_stale_cell_and_leaves_the_file_alone(tmp_path):
    cell = nbformat.v4.new_code_cell("print(6 * 7)", execution_count=1)
    cell.outputs = [stream("41\n")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    before = path.read_bytes()

    problems = execute_notebooks.check(path, timeout=60, keep=None)

    assert problems == ["cell 0: output 0 text, line 1: stored '41', fresh '42'"]
    assert path.read_bytes() == before
