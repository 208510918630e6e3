"""Tests for course_utils.tools.executor.execute_notebook with tiny notebooks (no TensorFlow)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.errors import NotebookError, ToolOptionError
from course_utils.tools.executor import CellError, ExecutionResult, execute_notebook
from course_utils.tools.notebook_io import write_notebook
from helpers import make_notebook


def notebook(*sources: str) -> nbformat.NotebookNode:
    """A markdown title cell, then one code cell per source; ids c00, c01, ..."""
    return make_notebook(("markdown", "# tiny"), *sources, id_prefix="c")


def stdout_of(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


def test_clean_run_returns_executed_copy(tmp_path):
    nb = notebook("x = 20 + 1", "print(x * 2)", "x")
    result = execute_notebook(nb, cwd=tmp_path)
    assert isinstance(result, ExecutionResult)
    assert result.ok and result.errors == [] and not result.timed_out and not result.kernel_died
    assert result.seconds > 0
    assert stdout_of(result.nb.cells[2]) == "42\n"
    assert result.nb.cells[3].outputs[0]["data"]["text/plain"] == "21"
    assert all(cell.get("outputs", []) == [] for cell in nb.cells)  # input untouched


def test_kernel_is_this_interpreter(tmp_path):
    result = execute_notebook(notebook("import sys; print(sys.executable)"), cwd=tmp_path)
    assert result.ok
    assert Path(stdout_of(result.nb.cells[1]).strip()).resolve() == Path(sys.executable).resolve()


def test_cwd_is_the_kernels_working_folder(tmp_path):
    (tmp_path / "data.txt").write_text("hello from data", encoding="utf-8")
    result = execute_notebook(
        notebook("import os; print(os.getcwd())", "print(open('data.txt').read())"),
        cwd=tmp_path,
    )
    assert result.ok
    assert Path(stdout_of(result.nb.cells[1]).strip()).resolve() == tmp_path.resolve()
    assert stdout_of(result.nb.cells[2]) == "hello from data\n"


def test_runs_a_notebook_file(tmp_path):
    path = write_notebook(notebook("print('from file')"), tmp_path / "nb.ipynb")
    result = execute_notebook(path, cwd=tmp_path)
    assert result.ok and stdout_of(result.nb.cells[1]) == "from file\n"
    assert result.nb.cells[1].id == "c01"  # the ids in the file are kept


def test_every_failing_cell_is_recorded_and_run_goes_on(tmp_path):
    nb = notebook(
        "raise ValueError('boom')",
        "print('still running')",
        "def f():\n    return 1 / 0\nf()",
        "raise NotImplementedError('Task: replace this line with your code')",
        "print('end')",
    )
    result = execute_notebook(nb, cwd=tmp_path)
    assert not result.ok and not result.timed_out and not result.kernel_died
    assert result.errors == [
        CellError(1, "c01", "ValueError", "boom", "ValueError: boom"),
        CellError(3, "c03", "ZeroDivisionError", "division by zero", "ZeroDivisionError: division by zero"),
        CellError(
            4,
            "c04",
            "NotImplementedError",
            "Task: replace this line with your code",
            "NotImplementedError: Task: replace this line with your code",
        ),
    ]
    assert all("\x1b" not in error.last_line for error in result.errors)
    # the stored traceback itself is coloured: last_line really had ANSI codes removed
    assert any("\x1b[" in line for line in result.nb.cells[1].outputs[0]["traceback"])
    assert stdout_of(result.nb.cells[2]) == "still running\n"
    assert stdout_of(result.nb.cells[5]) == "end\n"


def test_allow_errors_false_stops_at_first_error(tmp_path):
    nb = notebook("print('a')", "raise KeyError('k')", "print('never')")
    result = execute_notebook(nb, cwd=tmp_path, allow_errors=False)
    assert [(e.index, e.ename) for e in result.errors] == [(2, "KeyError")]
    assert stdout_of(result.nb.cells[1]) == "a\n"
    assert result.nb.cells[3].outputs == []


def test_cell_timeout_marks_the_cell_and_stops(tmp_path):
    nb = notebook("print('fast')", "import time\ntime.sleep(60)", "print('never')")
    result = execute_notebook(nb, cwd=tmp_path, cell_timeout=2)
    assert result.timed_out and not result.kernel_died
    assert [(e.index, e.cell_id, e.ename) for e in result.errors] == [(2, "c02", "CellTimeoutError")]
    # index 2 is the third cell: messages count cells from 1, as a person does
    assert result.errors[0].evalue == "cell 3 (id c02) did not finish within the cell limit of 2 s"
    assert result.errors[0].last_line.startswith("CellTimeoutError: ")
    assert stdout_of(result.nb.cells[1]) == "fast\n"
    assert result.nb.cells[3].outputs == []


def test_total_timeout_bounds_the_whole_run(tmp_path):
    # each cell alone is far below cell_timeout; together they exceed total_timeout
    nb = notebook("import time\ntime.sleep(0.5)", "time.sleep(60)", "print('never')")
    result = execute_notebook(nb, cwd=tmp_path, cell_timeout=120, total_timeout=5)
    assert result.timed_out
    assert [(e.index, e.ename) for e in result.errors] == [(2, "CellTimeoutError")]
    assert result.errors[0].evalue == "cell 3 (id c02) did not finish within the notebook's total limit of 5 s"
    assert result.nb.cells[3].outputs == []


def test_dead_kernel_is_reported_without_hanging(tmp_path):
    nb = notebook("print('before')", "import os\nos._exit(1)", "print('never')")
    result = execute_notebook(nb, cwd=tmp_path, cell_timeout=120)
    assert result.kernel_died and not result.timed_out
    assert [(e.index, e.ename) for e in result.errors] == [(2, "DeadKernelError")]
    assert "while running cell 3 (id c02)" in result.errors[0].evalue
    assert stdout_of(result.nb.cells[1]) == "before\n"
    assert result.nb.cells[3].outputs == []


def test_env_is_merged_onto_os_environ(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_TEST_INHERITED", "from-parent")
    monkeypatch.setenv("COURSE_STRICT", "1")
    nb = notebook(
        "import os\nprint(os.environ['COURSE_TEST_INHERITED'], os.environ['COURSE_TEST_EXTRA'], os.environ['COURSE_STRICT'])"
    )
    result = execute_notebook(nb, cwd=tmp_path, env={"COURSE_TEST_EXTRA": "given", "COURSE_STRICT": "0"})
    assert result.ok
    assert stdout_of(result.nb.cells[1]) == "from-parent given 0\n"
    assert os.environ["COURSE_STRICT"] == "1"  # the caller's environment is untouched


def test_bad_arguments_give_clear_errors(tmp_path):
    with pytest.raises(NotebookError, match="does not exist"):
        execute_notebook(notebook("1"), cwd=tmp_path / "missing")
    with pytest.raises(NotebookError, match="Notebook not found"):
        execute_notebook(tmp_path / "missing.ipynb", cwd=tmp_path)
    with pytest.raises(ToolOptionError, match="cell_timeout must be a positive number of seconds"):
        execute_notebook(notebook("1"), cwd=tmp_path, cell_timeout=0)
    with pytest.raises(ToolOptionError, match="total_timeout"):
        execute_notebook(notebook("1"), cwd=tmp_path, total_timeout=-1)
