"""`course grade`: grade notebooks in fresh kernels, judged outside them, and survive every failure.

Uses the real exercise 02_00 (perceptron gates): its solution, its generated exercise and
edited copies of them, written to a temporary folder and graded in ONE grading session (one
judge, kernels started ahead), so the suite stays fast. Graded files must never change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course_utils.checks import ex02_00
from course_utils.tools import cli
from course_utils.tools.grader import GradingSession, Submission, grade_notebook
from course_utils.tools.notebook_io import write_notebook

REPO = Path(__file__).resolve().parent.parent
STEM = "02_00_perceptron_logic_gates"
SOLUTION = REPO / "solutions" / f"{STEM}.ipynb"
EXERCISE = REPO / "exercises" / f"{STEM}.ipynb"
GRADABLE = [t.number for t in ex02_00.exercise.tasks]   # every task is judged outside the kernel

pytestmark = [pytest.mark.xdist_group("grading"), pytest.mark.usefixtures("grades_the_real_course")]


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _cell_index(nb, text: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and text in c.source)


def _variants(tmp: Path) -> dict[str, Path]:
    """The notebooks graded by the module's session, by name."""
    made = {}

    def save(name, nb, file=f"{STEM}.ipynb"):
        made[name] = write_notebook(nb, tmp / name / file)

    save("solution", _load(SOLUTION))
    save("exercise", _load(EXERCISE))
    nb = _load(SOLUTION)
    nb.cells[_cell_index(nb, "or_w = (2, 2)")].source = "or_w = (1, 1)\nor_b = 5\n"   # never fires: not OR
    save("wrong", nb)
    nb = _load(SOLUTION)
    nb.cells[_cell_index(nb, "nand_w = (-2, -2)")].source = "nand_w = (-2, -2\nnand_b = 3\n"
    save("syntax", nb)
    nb = _load(SOLUTION)   # an endless loop in task 2's answer: only task 2 pays for it
    i = _cell_index(nb, "or_w = (2, 2)")
    nb.cells[i].source = "while True:\n    pass\n" + nb.cells[i].source
    save("loop", nb)
    nb = _load(SOLUTION)   # the loop ignores the interrupt: the kernel is killed, later tasks are not reached
    nb.cells.insert(_cell_index(nb, "checks.task2.check()"), nbformat.v4.new_code_cell(
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"))
    save("stubborn", nb)
    nb = _load(EXERCISE)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    save("dies", nb)
    nb = _load(SOLUTION)   # check cells deleted, OR cell moved before the NAND cell
    nb.cells = [c for c in nb.cells if "checks.task" not in c.source or "hint" in c.source]
    i_nand, i_or = _cell_index(nb, "nand_w = (-2, -2)"), _cell_index(nb, "or_w = (2, 2)")
    nb.cells.insert(i_nand, nb.cells.pop(i_or))
    save("reordered", nb)
    nb = _load(SOLUTION)   # asks for the solution of task 2 (recorded), and from the source too
    nb.cells.insert(_cell_index(nb, "checks.task2.check()"), nbformat.v4.new_code_cell("checks.task2.solution()"))
    save("peeked", nb)
    shutil.copy(SOLUTION, tmp / "02_03_house_price_raw.ipynb")
    made["other_exercise"] = tmp / "02_03_house_price_raw.ipynb"
    (tmp / "broken.ipynb").write_text('{"cells": [ oops')
    made["broken"] = tmp / "broken.ipynb"
    return made


@pytest.fixture(scope="module")
def graded(tmp_path_factory, grades_the_real_course):
    tmp = tmp_path_factory.mktemp("grading")
    paths = _variants(tmp)
    before = {name: (p.read_bytes(), p.stat().st_mtime_ns) for name, p in paths.items()}
    with GradingSession(workers=1, cell_timeout=8, total_timeout=600) as session:
        reports = session.grade([Submission(name, path, "02_00" if name == "broken" else None)
                                 for name, path in paths.items()])
    for name, p in paths.items():
        assert (p.read_bytes(), p.stat().st_mtime_ns) == before[name], f"grading modified {name}"
    return {r.submission: r for r in reports}


def _statuses(report) -> dict[int, str]:
    return {t.task: t.status for t in report.tasks}


def test_the_solution_passes_every_gradable_task(graded):
    report = graded["solution"]
    assert report.problem is None and not report.tampering
    assert len(report.tasks) >= 3
    assert all(_statuses(report)[n] == "passed" for n in GRADABLE)
    assert "tasks passed" in report.to_text()


def test_the_untouched_exercise_is_not_attempted(graded):
    report = graded["exercise"]
    assert all(_statuses(report)[n] == "not_attempted" for n in GRADABLE)
    assert report.exit_code == 1


def test_a_wrong_answer_is_reported_with_its_hint_and_code(graded):
    report = graded["wrong"]
    task2 = next(t for t in report.tasks if t.task == 2)
    assert task2.status == "wrong" and task2.hint and task2.message
    assert "or_w = (1, 1)" in task2.code                       # the student's code, for the feedback page
    assert _statuses(report)[1] == "passed" and not report.tasks[0].code
    text = report.to_text()
    assert "wrong" in text and "Hint:" in text


def test_a_syntax_error_names_the_cell_one_based(graded):
    nb = _load(graded["syntax"].notebook)
    i = _cell_index(nb, "nand_w = (-2, -2")
    task1 = next(t for t in graded["syntax"].tasks if t.task == 1)
    assert task1.status == "error" and task1.cell == i + 1
    assert f"cell {i + 1} raised" in task1.message and "SyntaxError" in task1.message


def test_an_endless_loop_costs_only_the_task_it_blocks(graded):
    report = graded["loop"]
    assert report.tasks, report.problem
    nb = _load(report.notebook)
    loop = _cell_index(nb, "while True")
    task2 = next(t for t in report.tasks if t.task == 2)
    assert task2.status == "error" and task2.cell == loop + 1 and "did not finish within 8 s" in task2.message
    # the task answered above keeps its result, and the cells after the interrupted one still ran;
    # task 3 builds XOR from task 2's OR weights, which the interrupted cell never defined
    task3 = next(t for t in report.tasks if t.task == 3)
    assert task3.status == "wrong" and "or_w" in task3.message and "NameError" in task3.message
    assert all(_statuses(report)[n] == "passed" for n in GRADABLE if n not in (2, 3))


def test_a_loop_that_ignores_the_interrupt_stops_the_run_after_it(graded):
    report = graded["stubborn"]
    statuses = _statuses(report)
    assert statuses[1] == "passed"                              # answered above the stuck cell
    assert statuses[2] == "error"
    later = [t for t in report.tasks if t.task > 2]
    assert later and all(t.status == "error" and "not reached" in t.message for t in later)


def test_a_kernel_that_dies_is_reported(graded):
    report = graded["dies"]
    assert report.exit_code == 1
    assert all(t.status == "error" and "kernel died" in t.message for t in report.tasks)


def test_deleted_and_reordered_check_cells_still_grade(graded):
    statuses = _statuses(graded["reordered"])
    assert all(statuses[n] == "passed" for n in GRADABLE)


def test_a_shown_solution_is_recorded(graded):
    report = graded["peeked"]
    assert report.solutions_shown == [2]
    assert "(solution shown)" in report.to_text()
    assert graded["solution"].solutions_shown == []


def test_a_notebook_from_another_exercise_is_refused(graded):
    report = graded["other_exercise"]
    assert report.exit_code == 2 and "exercise 02_00, not 02_03" in report.problem


def test_invalid_json_is_a_problem_not_a_crash(graded):
    report = graded["broken"]
    assert report.exit_code == 2 and "not valid notebook JSON" in report.problem and "line 1" in report.problem


def test_a_total_timeout_stops_a_slow_notebook(tmp_path):
    nb = _load(EXERCISE)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import time\nfor _ in range(100):\n    time.sleep(0.1)"))
    path = write_notebook(nb, tmp_path / f"{STEM}.ipynb")
    report = grade_notebook(path, cell_timeout=60, total_timeout=4)
    assert report.exit_code == 1 and all(t.status == "error" for t in report.tasks)
    assert "time limit of 4 s" in report.tasks[-1].message


def test_cli_json_report_and_bad_arguments(tmp_path, capsys):
    path = tmp_path / EXERCISE.name
    shutil.copy(EXERCISE, path)
    code = cli.main(["grade", str(path), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 == data["exit_code"]
    assert data["exercise"] == "02_00" and data["passed"] == 0 and data["total"] == len(data["tasks"]) >= 3
    assert all(t["status"] == "not_attempted" for t in data["tasks"] if t["task"] in GRADABLE)
    assert cli.main(["grade", str(tmp_path / "nope.ipynb")]) == 2
    with pytest.raises(SystemExit) as stopped:                    # argparse's usage error, no traceback
        cli.main(["grade", str(path), "--timeout", "0"])
    assert stopped.value.code == 2
    assert "--timeout: must be a number of seconds above 0, e.g. 60, not '0'" in capsys.readouterr().err
