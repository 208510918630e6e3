"""Grade a filled exercise notebook in a fresh kernel (instructor and student workflow).

``course grade work/02_00_perceptron_logic_gates.ipynb`` runs the notebook top to bottom
in a fresh kernel (per-cell timeout, default 60 s, and a total timeout), **without ever
modifying the file**, then evaluates every task of the exercise in that kernel. Each task
is reported as:

- ``passed``;
- ``wrong``, with the check's message and the hint;
- ``not_attempted`` (the blank still raises ``NotImplementedError`` or the names are missing);
- ``error``, with the cell number and the error's last line.

Tasks are evaluated by name at the end of the run, so deleted or reordered check cells do
not matter. Exit status: 0 only when every task passes; 1 when some task does not pass;
2 when the notebook cannot be graded at all (missing file, invalid JSON, another
exercise's notebook). ``--json`` prints a machine-readable report.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from ..errors import CourseError, NotebookError
from ..checks.core import task_answer_cells
from .notebook_io import read_notebook

GRADE_MARKER = "<<course-grade>>"
_LESSON_PREFIX = re.compile(r"^(\d\d_\d\d)_")
# A blank left as it is means "not attempted"; a timeout or a dead kernel is reported as such.
_NOT_STUDENT_ERRORS = {"NotImplementedError", "CellTimeoutError", "DeadKernelError"}


@dataclass
class TaskReport:
    task: int
    title: str
    status: str  # passed | wrong | not_attempted | error
    message: str = ""
    hint: str = ""
    cell: int | None = None


@dataclass
class GradeReport:
    notebook: str
    exercise: str | None
    tasks: list[TaskReport] = field(default_factory=list)
    problem: str | None = None  # set when the notebook could not be graded at all
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(t.status == "passed" for t in self.tasks)

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.tasks) and self.passed == len(self.tasks)

    @property
    def exit_code(self) -> int:
        if self.problem is not None:
            return 2
        return 0 if self.ok else 1

    def to_json(self) -> str:
        data = asdict(self)
        data.update(passed=self.passed, total=len(self.tasks), ok=self.ok, exit_code=self.exit_code)
        return json.dumps(data, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = [f"Grading {self.notebook}" + (f" (exercise {self.exercise})" if self.exercise else "")]
        if self.problem:
            lines.append(f"  Cannot grade: {self.problem}")
            return "\n".join(lines)
        labels = {"passed": "passed", "wrong": "wrong", "not_attempted": "not attempted", "error": "error"}
        for t in self.tasks:
            line = f"  Task {t.task}  {t.title:<34} {labels.get(t.status, t.status)}"
            if t.status == "wrong":
                line += f" — {t.message}"
                if t.hint:
                    line += f"\n           Hint: {t.hint}"
            elif t.status in ("error", "not_attempted") and t.message:
                line += f" — {t.message}"
            lines.append(line)
        lines.append(f"{self.passed} of {len(self.tasks)} tasks passed ({self.seconds:.1f} s).")
        return "\n".join(lines)


def emit_grade(exercise: str, namespace: dict) -> None:
    """Evaluate every task of ``exercise`` on ``namespace`` and print one JSON line.

    Runs inside the graded kernel (the grader appends a cell that calls it).
    """
    module = importlib.import_module(f"course_utils.checks.ex{exercise}")
    rows = []
    for task in module.exercise.tasks:
        result = task.evaluate(namespace)
        rows.append({"task": task.number, "status": str(getattr(result.status, "value", result.status)),
                     "message": result.message})
    print(GRADE_MARKER + json.dumps(rows, ensure_ascii=False))


def _task_table(exercise: str):
    try:
        module = importlib.import_module(f"course_utils.checks.ex{exercise}")
    except ModuleNotFoundError:
        return None
    return module.exercise.tasks


def _lesson_from(nb: nbformat.NotebookNode, path: Path) -> tuple[str | None, str | None]:
    meta = nb.metadata.get("course", {}) if isinstance(nb.metadata.get("course"), dict) else {}
    m = _LESSON_PREFIX.match(path.name)
    return meta.get("lesson"), (m.group(1) if m else None)


def grade_notebook(path: str | Path, *, exercise: str | None = None, cell_timeout: float = 60,
                   total_timeout: float | None = 900) -> GradeReport:
    """Grade the notebook at ``path``; never writes to it. See the module docstring."""
    from .executor import execute_notebook  # nbclient is only needed when really grading

    path = Path(path)
    report = GradeReport(notebook=str(path), exercise=exercise)
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        report.problem = str(exc)
        return report

    meta_lesson, name_lesson = _lesson_from(nb, path)
    expected = exercise or name_lesson or meta_lesson
    report.exercise = expected
    if expected is None:
        report.problem = ("cannot tell which exercise this is (no lesson in its file name or metadata). "
                          "Pass it explicitly, e.g. `course grade FILE --exercise 02_00`.")
        return report
    if meta_lesson and meta_lesson != expected:
        report.problem = (f"this notebook is exercise {meta_lesson}, not {expected}. "
                          f"Grade it as {meta_lesson}, or open the right file (course start {expected}).")
        return report
    tasks = _task_table(expected)
    if tasks is None:
        report.problem = f"there is no exercise {expected} with checks. Run `course list` to see the exercises."
        return report

    run_nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a private copy; the file is never written
    run_nb.cells.append(nbformat.v4.new_code_cell(
        f"from course_utils.tools.grader import emit_grade\nemit_grade({expected!r}, globals())"))
    result = execute_notebook(run_nb, cwd=path.parent.resolve(), cell_timeout=cell_timeout,
                              total_timeout=total_timeout, allow_errors=True,
                              env={"COURSE_STRICT": "0", "COURSE_PROGRESS": "none", "MPLBACKEND": "Agg"})
    report.seconds = result.seconds
    grade_index = len(run_nb.cells) - 1
    final = _final_grades(result.nb.cells[grade_index])
    errors = {e.index: e for e in result.errors if e.index != grade_index}
    task_cells = task_answer_cells(nb.cells)

    for task in tasks:
        title = getattr(task, "title", f"task {task.number}")
        hint = task.first_hint
        row = TaskReport(task=task.number, title=title, status="error", hint=hint)
        answer_cells = task_cells.get(task.number, [])
        real_error = next((errors[i] for i in answer_cells if i in errors and errors[i].ename not in _NOT_STUDENT_ERRORS), None)
        graded = final.get(task.number) if final is not None else None
        if graded and graded["status"] == "passed":
            row.status, row.message = "passed", ""
        elif real_error is not None:
            row.cell = real_error.index
            row.message = f"cell {real_error.index + 1} raised {real_error.last_line}"
        elif graded is not None:
            row.status, row.message = graded["status"], graded["message"]
        else:
            row.message = _why_not_graded(result, errors, grade_index)
        report.tasks.append(row)
    return report


def _final_grades(cell) -> dict[int, dict] | None:
    for output in cell.get("outputs", []):
        text = output.get("text", "") if output.get("output_type") == "stream" else ""
        for line in text.splitlines():
            if line.startswith(GRADE_MARKER):
                return {row["task"]: row for row in json.loads(line[len(GRADE_MARKER):])}
    return None


def _why_not_graded(result, errors, grade_index: int) -> str:
    if result.kernel_died:
        where = max(errors) + 1 if errors else "?"
        return f"the kernel died (around cell {where}); the notebook could not finish. Restart and look for a crash."
    if result.timed_out:
        stuck = next((e for e in result.errors if e.ename == "CellTimeoutError"), None)
        where = f"cell {stuck.index + 1}" if stuck else "a cell"
        return f"{where} did not finish in time (an endless loop?); the tasks after it could not be checked."
    return "the checks could not run to the end of the notebook."


__all__ = ["GradeReport", "TaskReport", "emit_grade", "grade_notebook", "CourseError"]
