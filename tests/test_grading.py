"""`course grade`: grade a filled notebook in a fresh kernel and survive every failure mode.

Uses the real exercise 02_00 (perceptron gates): its solution, its generated exercise and
edited copies of them, each written to a temporary folder. The graded file must never change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course_utils.tools import cli
from course_utils.tools.grader import grade_notebook
from course_utils.tools.notebook_io import write_notebook

REPO = Path(__file__).resolve().parent.parent
STEM = "02_00_perceptron_logic_gates"
SOLUTION = REPO / "solutions" / f"{STEM}.ipynb"
EXERCISE = REPO / "exercises" / f"{STEM}.ipynb"


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _cell_index(nb, text: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and text in c.source)


def _save(nb, tmp_path: Path, name: str = f"{STEM}.ipynb") -> Path:
    return write_notebook(nb, tmp_path / name)


def _grade(path: Path, **kw):
    before = path.read_bytes() if path.exists() else None
    mtime = path.stat().st_mtime_ns if path.exists() else None
    report = grade_notebook(path, **kw)
    if before is not None:
        assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime, "grading must never modify the file"
    return report


def _statuses(report) -> dict[int, str]:
    return {t.task: t.status for t in report.tasks}


def test_the_solution_passes_every_task(tmp_path):
    report = _grade(_save(_load(SOLUTION), tmp_path))
    assert report.problem is None
    assert len(report.tasks) >= 3 and set(_statuses(report).values()) == {"passed"}
    assert report.exit_code == 0 and "tasks passed" in report.to_text()


def test_the_untouched_exercise_is_not_attempted(tmp_path):
    shutil.copy(EXERCISE, tmp_path / EXERCISE.name)
    report = _grade(tmp_path / EXERCISE.name)
    assert set(_statuses(report).values()) == {"not_attempted"}
    assert report.exit_code == 1


def test_a_wrong_answer_is_reported_with_its_hint(tmp_path):
    nb = _load(SOLUTION)
    i = _cell_index(nb, "or_w = (2, 2)")
    nb.cells[i].source = "or_w = (1, 1)\nor_b = 5\n"  # never fires: not OR
    report = _grade(_save(nb, tmp_path))
    task2 = next(t for t in report.tasks if t.task == 2)
    assert task2.status == "wrong" and task2.hint and task2.message
    assert _statuses(report)[1] == "passed"
    assert report.exit_code == 1
    text = report.to_text()
    assert "wrong" in text and "Hint:" in text


def test_a_syntax_error_names_the_cell_and_the_error(tmp_path):
    nb = _load(SOLUTION)
    i = _cell_index(nb, "nand_w = (-2, -2)")
    nb.cells[i].source = "nand_w = (-2, -2\nnand_b = 3\n"
    report = _grade(_save(nb, tmp_path))
    task1 = next(t for t in report.tasks if t.task == 1)
    assert task1.status == "error" and task1.cell == i
    assert f"cell {i + 1}" in task1.message and "SyntaxError" in task1.message
    assert report.exit_code == 1


def test_an_endless_loop_hits_the_cell_timeout(tmp_path):
    nb = _load(EXERCISE)
    nb.cells.insert(_cell_index(nb, "checks.task2.check()"), nbformat.v4.new_code_cell("while True:\n    pass"))
    report = _grade(_save(nb, tmp_path), cell_timeout=3)
    assert report.exit_code == 1
    assert any("did not finish in time" in t.message for t in report.tasks)
    assert "Cannot grade" not in report.to_text()


def test_a_total_timeout_stops_a_slow_notebook(tmp_path):
    nb = _load(EXERCISE)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import time\nfor _ in range(100):\n    time.sleep(0.1)"))
    report = _grade(_save(nb, tmp_path), cell_timeout=60, total_timeout=4)
    assert report.exit_code == 1 and all(t.status == "error" for t in report.tasks)
    assert "did not finish in time" in report.tasks[0].message


def test_a_kernel_that_dies_is_reported(tmp_path):
    nb = _load(EXERCISE)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    report = _grade(_save(nb, tmp_path))
    assert report.exit_code == 1
    assert all(t.status == "error" and "kernel died" in t.message for t in report.tasks)


def test_a_notebook_from_another_exercise_is_refused(tmp_path):
    other = tmp_path / "02_03_house_price_raw.ipynb"
    shutil.copy(SOLUTION, other)
    report = _grade(other)
    assert report.exit_code == 2 and "exercise 02_00, not 02_03" in report.problem
    # and with the number given explicitly
    report = _grade(_save(_load(SOLUTION), tmp_path), exercise="02_05")
    assert report.exit_code == 2 and "not 02_05" in report.problem


def test_missing_file_and_invalid_json(tmp_path):
    report = _grade(tmp_path / f"{STEM}.ipynb")
    assert report.exit_code == 2 and "not found" in report.problem
    bad = tmp_path / f"{STEM}.ipynb"
    bad.write_text('{"cells": [ oops')
    report = _grade(bad)
    assert report.exit_code == 2 and "not valid notebook JSON" in report.problem and "line 1" in report.problem


def test_deleted_and_reordered_check_cells_still_grade(tmp_path):
    nb = _load(SOLUTION)
    nb.cells = [c for c in nb.cells if "checks.task" not in c.source or "hint" in c.source]
    # move the OR cell (task 2) before the NAND cell (task 1)
    i_nand, i_or = _cell_index(nb, "nand_w = (-2, -2)"), _cell_index(nb, "or_w = (2, 2)")
    or_cell = nb.cells.pop(i_or)
    nb.cells.insert(i_nand, or_cell)
    report = _grade(_save(nb, tmp_path))
    assert set(_statuses(report).values()) == {"passed"} and report.exit_code == 0


def test_cli_json_report(tmp_path, capsys):
    path = tmp_path / EXERCISE.name
    shutil.copy(EXERCISE, path)
    code = cli.main(["grade", str(path), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 == data["exit_code"]
    assert data["exercise"] == "02_00" and data["passed"] == 0 and data["total"] == len(data["tasks"]) >= 3
    assert {t["status"] for t in data["tasks"]} == {"not_attempted"}
    assert cli.main(["grade", str(tmp_path / "nope.ipynb")]) == 2
