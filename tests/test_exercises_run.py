"""Run the exercises: every blank raises NotImplementedError, every other cell runs, every
check says "not_attempted", and the exercise with its solutions put back is the solution.

(The solution notebooks themselves are executed clean, with COURSE_STRICT=1, by nbval.)
nbval's ``raises-exception`` tag passes even when nothing is raised, hence this nbclient test.
"""

from __future__ import annotations

from pathlib import Path

import nbformat.v4 as v4
import pytest

from course_utils.checks.core import MIMETYPE
from course_utils.tools.executor import execute_notebook
from course_utils.tools.generator import exercise_run_problems, generate_all, restore_solutions
from course_utils.tools.notebook_io import clean_notebook, read_notebook, write_notebook

ROOT = Path(__file__).resolve().parents[1]
LENIENT = {"COURSE_STRICT": "0"}


def payloads(cell) -> list[dict]:
    return [
        out["data"][MIMETYPE]
        for out in cell.get("outputs", [])
        if out.get("output_type") == "display_data" and MIMETYPE in out.get("data", {})
    ]


# --------------------------------------------------------------------------- a tiny synthetic course

SETUP = '''\
from course_utils.checks.core import Exercise, WrongAnswer
from course_utils.checks.export import calls
from course_utils.checks.inputs import as_array

exercise = Exercise("02_99")

@exercise.task("double", names=("double",), hints=("Multiply by 2.",))
def task1(double):
    if as_array(double, shape=(), name="double") != 2 * base:
        raise WrongAnswer("`double` should be twice `base`")

@exercise.task("square function", names=("square",), hints=("x * x",), probes={"square": calls(lambda: [(3,), (-2,)])})
def task2(square):
    if not (square(3) == 9 and square(-2) == 4):
        raise WrongAnswer("`square(x)` should return x times x")

@exercise.task("pair", names=("pair",), hints=("A list of two numbers.",))
def task3(pair):
    if list(as_array(pair, shape=(2,), name="pair")) != [base, double]:
        raise WrongAnswer("`pair` should hold `base` then `double`")

base = 21'''


def synthetic_solution(*extra_cells) -> object:
    cells = [
        v4.new_markdown_cell("# 02_99 · Synthetic (합성)\nWhat you will learn: nothing."),
        v4.new_code_cell(SETUP),
        v4.new_markdown_cell("**Task 1**: define `double`, twice `base`. Stuck? `task1.hint()`"),
        v4.new_code_cell("### BEGIN SOLUTION\ndouble = 2 * base\n### END SOLUTION"),
        v4.new_code_cell("task1.check()"),
        v4.new_code_cell("def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"),
        v4.new_code_cell("task2.check()"),
        v4.new_code_cell("print('setup only, no blank:', base)\n### BEGIN SOLUTION\npair = [base, double]\n### END SOLUTION"),
        v4.new_code_cell("task3.check()"),
        v4.new_markdown_cell("Why is `square` a function?\n\n### BEGIN SOLUTION\nSo it can be reused.\n### END SOLUTION"),
        v4.new_code_cell("print('the end', base)"),
        *extra_cells,
    ]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:02d}"
    return v4.new_notebook(cells=cells, metadata={"course": {"lesson": "02_99", "kind": "solution"}})


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    write_notebook(synthetic_solution(), root / "solutions" / "02_99_synthetic.ipynb")
    assert generate_all(root) == ["exercises/02_99_synthetic.ipynb"]
    exercise_path = root / "exercises" / "02_99_synthetic.ipynb"
    result = execute_notebook(exercise_path, cwd=exercise_path.parent, env=LENIENT, cell_timeout=60)
    return root, result


def test_synthetic_blanks_raise_and_other_cells_run(synthetic):
    _, result = synthetic
    errors = {e.index: e.ename for e in result.errors}
    # (a) top-level blanks raise NotImplementedError; the blank inside `def square` only defines it
    assert errors == {3: "NotImplementedError", 7: "NotImplementedError"}
    # (b) everything else ran: the check cells, the function cell, the last cell
    assert not result.timed_out and not result.kernel_died
    last = result.nb.cells[10].outputs
    assert last[0]["text"] == "the end 21\n"


def test_synthetic_checks_say_not_attempted(synthetic):
    _, result = synthetic
    shown = {index: payloads(cell) for index, cell in enumerate(result.nb.cells) if cell.cell_type == "code"}
    # (c) every check cell shows exactly one payload, "not_attempted" for its blanked task
    assert [(p["task"], p["status"]) for i in (4, 6, 8) for p in shown[i]] == [
        (1, "not_attempted"),
        (2, "not_attempted"),  # `square` exists but still raises NotImplementedError
        (3, "not_attempted"),
    ]
    assert all(not shown[i] for i in shown if i not in (4, 6, 8))
    assert exercise_run_problems(result) == []


def test_synthetic_solution_runs_clean_and_passes(synthetic):
    root, _ = synthetic
    solution = root / "solutions" / "02_99_synthetic.ipynb"
    result = execute_notebook(solution, cwd=solution.parent, env={"COURSE_STRICT": "1"}, cell_timeout=60)
    assert result.ok, result.errors
    statuses = [p["status"] for cell in result.nb.cells for p in payloads(cell)]
    assert statuses == ["passed", "passed", "passed"]


def test_synthetic_restore_equals_solution(synthetic):
    root, _ = synthetic
    exercise = read_notebook(root / "exercises" / "02_99_synthetic.ipynb")
    solution = read_notebook(root / "solutions" / "02_99_synthetic.ipynb")
    assert restore_solutions(exercise, solution).cells == clean_notebook(solution).cells


@pytest.mark.parametrize(
    "extra, complaint",
    [
        # a later ordinary cell uses a name from a solution block: it fails in the exercise
        (v4.new_code_cell("print(double + 1)"), "only blanks may fail"),
        # a check on a name defined outside the blanks already passes in the exercise
        (v4.new_code_cell("@exercise.task('base', names=('base',), hints=('h',))\ndef task4(base):\n    pass\ntask4.check()"), "says 'passed'"),
        # a blank whose NotImplementedError is swallowed: the exercise would run silently
        (
            v4.new_code_cell("try:\n    ### BEGIN SOLUTION\n    extra = 1\n    ### END SOLUTION\nexcept Exception:\n    extra = None"),
            "has a blank but ran without error",
        ),
        # a check cell that shows nothing
        (v4.new_code_cell("x = 1  # checks.task9.check() is mentioned but never called"), "shows no check result"),
    ],
)
def test_badly_built_exercise_is_reported(tmp_path, extra, complaint):
    write_notebook(synthetic_solution(extra), tmp_path / "solutions" / "02_99_bad.ipynb")
    generate_all(tmp_path)
    path = tmp_path / "exercises" / "02_99_bad.ipynb"
    problems = exercise_run_problems(execute_notebook(path, cwd=path.parent, env=LENIENT, cell_timeout=60))
    # cell 12 as a person counts (the 12th cell), with the id it has in the file
    assert len(problems) == 1 and complaint in problems[0] and "cell 12 (id cell-11)" in problems[0]


# --------------------------------------------------------------------------- the real course


# The English exercises and the Korean edition's (exercises/ko, made from solutions/ko).
EXERCISES = (sorted((ROOT / "exercises").glob("*.ipynb")) or [None]) + sorted((ROOT / "exercises" / "ko").glob("*.ipynb"))


def _label(path):
    return "none" if path is None else path.relative_to(ROOT / "exercises").with_suffix("").as_posix()


@pytest.mark.parametrize("exercise", EXERCISES, ids=_label)
def test_exercise_runs_with_blanks_raising(exercise):
    assert exercise is not None, "exercises/ holds no notebook: run `course generate`"
    result = execute_notebook(exercise, cwd=exercise.parent, env=LENIENT, cell_timeout=120, total_timeout=600)
    problems = exercise_run_problems(result)
    assert problems == [], f"{exercise.name}:\n" + "\n".join(problems)
    blanks = [i for i, c in enumerate(result.nb.cells) if c.cell_type == "code" and "raise NotImplementedError" in c.source]
    assert blanks, f"{exercise.name} has no blank"
    tasks = {p["task"] for cell in result.nb.cells for p in payloads(cell)}
    assert len(tasks) >= 3, f"{exercise.name} shows checks for tasks {sorted(tasks)}; each exercise has at least 3"


@pytest.mark.parametrize("exercise", EXERCISES, ids=_label)
def test_exercise_with_solutions_put_back_is_the_solution(exercise):
    assert exercise is not None, "exercises/ holds no notebook: run `course generate`"
    solution = ROOT / "solutions" / exercise.relative_to(ROOT / "exercises")
    assert solution.is_file(), f"{exercise.name} has no solution in solutions/"
    restored = restore_solutions(read_notebook(exercise), read_notebook(solution))
    assert restored.cells == clean_notebook(read_notebook(solution)).cells
