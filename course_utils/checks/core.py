"""Instant checks: an exercise's tasks, their judges, tiered hints and solutions (exercises).

Declaring an exercise (one module per exercise, ``checks/ex02_NN.py``)::

    from .core import Exercise, WrongAnswer

    exercise = Exercise("02_00")

    @exercise.task("NAND weights", names=("nand_w", "nand_b"), hints=(
        "NAND is 'not AND': look at the AND weights and think about what flipping signs does.",
        "With w = (-2, -2), which bias makes w·x + b positive for every input but (1, 1)?",
    ))
    def task1(nand_w, nand_b):
        ...                                  # raise WrongAnswer("what is wrong") — or return
        raise WrongAnswer("...")

Tasks are numbered in the order they register (the function must be called ``task1``,
``task2``, …, so a reordering cannot go unnoticed). The core checks once, for every task,
that each name is defined (else *not attempted*) and not ``None`` (else *wrong*); names
listed in ``optional=`` may be ``None``. A judge gets the exported values (see
:mod:`.export`; functions are recorded by a probe such as ``calls(...)``), returns ``None``
when the answer is right, and says "wrong" in one way only: ``raise WrongAnswer(message)``.
A message never contains the expected answer.

In a notebook::

    from course_utils.checks import ex02_00 as checks
    checks.task1.check()       # ✅ correct / ❌ not yet + first hint / ✏️ not attempted
    checks.task1.hint()        # 💡 a nudge;  checks.task1.hint(2) says more
    checks.task1.solution()    # 🔑 the answer, only when asked (the grader records it)

A check shows one line and emits a ``application/vnd.course.check+json`` display
``{exercise, task, title, status, message}``. With ``COURSE_STRICT=1`` (set by the test
suite) a check that does not pass raises :class:`~course_utils.errors.CheckFailed`.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import CheckFailed
from ..i18n import _
from ..errors import ExportFormatError
from .export import Probe, Recorded, StudentCodeError, load_values, save_values, to_plain

__all__ = [
    "MIMETYPE",
    "SOLUTION_MIMETYPE",
    "STATUSES",
    "CheckResult",
    "Exercise",
    "Task",
    "WrongAnswer",
    "solution_blocks",
    "task_answer_cells",
]

#: Mimetype of the machine-readable display every check emits.
MIMETYPE = "application/vnd.course.check+json"
#: Mimetype of the display ``solution()`` emits (the grader records which tasks showed it).
SOLUTION_MIMETYPE = "application/vnd.course.solution+json"
#: The three possible outcomes of a check.
STATUSES = ("passed", "wrong", "not_attempted")

_ICONS = {"passed": "✅", "wrong": "❌", "not_attempted": "✏️"}
_COLOURS = {"passed": "#1a7f37", "wrong": "#cf222e", "not_attempted": "#9a6700"}
_CHECK_CALL = re.compile(r"\btask(\d+)\s*\.\s*check\s*\(")
_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"
_EARLY = "__result__"   # the exported name of an early result (never a task's name: see _names)


class WrongAnswer(Exception):
    """Raised by a judge (or by the helpers of :mod:`.inputs`) with a student-facing message
    saying what is wrong with the answer, never what the answer is (exercises, all lessons)."""


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: ``status`` (``passed``/``wrong``/``not_attempted``), the short
    ``message``, the first-tier ``hint`` and ``text``, the line shown to the student."""

    exercise: str
    task: int
    status: str
    message: str
    hint: str = ""
    title: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def label(self) -> str:
        return _label(self.task, self.title)

    @property
    def text(self) -> str:
        """The line shown to the student, e.g. ``✅ Task 1 (NAND weights): correct!``."""
        icon = _ICONS[self.status]
        if self.status == "passed":
            return f"{icon} {self.label}: {self.message}"
        if self.status == "not_attempted":
            return f"{icon} {self.label}: " + _("not attempted yet — {message}").format(message=self.message)
        line = f"{icon} {self.label}: " + _("not yet — {message}").format(message=_sentence(self.message))
        return line + " " + _("Hint: {hint}").format(hint=self.hint) if self.hint else line

    @property
    def payload(self) -> dict[str, Any]:
        """The ``application/vnd.course.check+json`` display data."""
        return {"exercise": self.exercise, "task": self.task, "title": self.title,
                "status": self.status, "message": self.message}

    @property
    def html(self) -> str:
        colour = _COLOURS[self.status]
        return f'<div class="course-check course-check-{self.status}" style="color:{colour}">{html.escape(self.text)}</div>'


class Exercise:
    """The tasks of one exercise, in the order they were declared (exercises 02_00 … 02_09)."""

    def __init__(self, number: str) -> None:
        if not re.fullmatch(r"\d\d_\d\d", str(number)):
            raise ValueError(f"Exercise number must look like '02_00', got {number!r}.")
        self.number = str(number)
        self.tasks: list[Task] = []

    def __repr__(self) -> str:
        return f"<Exercise {self.number}: {len(self.tasks)} tasks>"

    def task(self, title: str, *, names: tuple[str, ...] | str, hints: tuple[str, ...] | str,
             probes: Mapping[str, Probe] | None = None, optional: tuple[str, ...] = ()) -> Callable:
        """Decorator registering the next task; see the module docstring."""

        def register(judge: Callable[..., None]) -> Task:
            number = len(self.tasks) + 1
            if getattr(judge, "__name__", "") != f"task{number}":
                raise TypeError(f"Exercise {self.number}: the judge of task {number} must be a function named "
                                f"task{number}, not {getattr(judge, '__name__', judge)!r} (tasks number in order).")
            task = Task(self, number, title, _names(names, self.number, number), judge,
                        (hints,) if isinstance(hints, str) else tuple(hints), dict(probes or {}), tuple(optional))
            self.tasks.append(task)
            return task

        return register

    def evaluate(self, namespace: Mapping[str, Any]) -> list[CheckResult]:
        """Every task's result on ``namespace`` (used by tests and tools)."""
        return [task.evaluate(namespace) for task in self.tasks]

    # ------------------------------------------------------------------ grading in two processes

    def export(self, namespace: Mapping[str, Any], numbers: list[int], folder: str | Path) -> None:
        """Grading, in the student's kernel: write what each task in ``numbers`` names to
        ``folder/taskN`` (see :func:`.export.save_values`); an early result (not attempted,
        ``None``, a probe that raised) is written as such. The grader judges these folders
        in another process with :meth:`judge_exported`."""
        for number in numbers:
            task = self.tasks[int(number) - 1]
            values = task.collect(namespace)
            if isinstance(values, CheckResult):
                values = {_EARLY: {"status": values.status, "message": values.message}}
            save_values(values, Path(folder) / f"task{task.number}")

    def judge_exported(self, folder: str | Path, number: int) -> CheckResult:
        """Grading, in the judge's process: the result of task ``number`` on the values
        exported to ``folder`` (a folder written by :meth:`export`). Never raises."""
        task = self.tasks[int(number) - 1]
        try:
            values = load_values(folder)
        except ExportFormatError as exc:
            return task._result("wrong", _("the values your notebook exported cannot be read ({error})").format(error=exc))
        except Exception as exc:  # noqa: BLE001 - a hostile folder must never stop the judge
            return task._result("wrong", _("the values your notebook exported cannot be read ({error})").format(
                error=_describe(exc)))
        early = values.get(_EARLY)
        if early is not None:
            status = early.get("status") if isinstance(early, dict) else None
            if status not in ("not_attempted", "wrong"):   # an export can never claim "passed"
                return task._result("wrong", _("the values your notebook exported cannot be read ({error})").format(
                    error="invalid result"))
            return task._result(status, str(early.get("message", ""))[:500])
        if any(name not in values for name in task.names):
            return task._result("not_attempted", task._define_message())
        return task.judge_values(values)


def _names(names: tuple[str, ...] | str, exercise: str, number: int) -> tuple[str, ...]:
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names or not all(isinstance(n, str) and n.isidentifier() and n != _EARLY for n in names):
        raise ValueError(f"Task {number} of exercise {exercise}: names must be variable names, got {names!r}.")
    return names


@dataclass(frozen=True, eq=False)
class Task:
    """One exercise question with an instant check, tiered hints and a solution on request."""

    exercise: Exercise = field(repr=False)
    number: int
    title: str
    names: tuple[str, ...]
    judge: Callable[..., None] = field(repr=False)
    hints: tuple[str, ...] = ()
    probes: dict[str, Probe] = field(default_factory=dict, repr=False)
    optional: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return _label(self.number, self.title)

    @property
    def first_hint(self) -> str:
        """The first-tier hint (a nudge; never the answer's code), translated."""
        return _(self.hints[0]) if self.hints else ""

    # ------------------------------------------------------------------ judging

    def collect(self, namespace: Mapping[str, Any]) -> dict[str, Any] | CheckResult:
        """The exported values of the task's names, or the result when they cannot be judged
        (a name undefined: *not attempted*; ``None``: *wrong*). Runs the task's probes, so
        this is the only step that runs the student's code."""
        missing = [n for n in self.names if n not in namespace]
        if missing:
            return self._result("not_attempted", self._define_message())
        nones = [n for n in self.names if namespace[n] is None and n not in self.optional]
        if nones:
            return self._result("wrong", _("`{name}` is None — did you forget to assign it (or to `return` it)?")
                                .format(name=nones[0]))
        values: dict[str, Any] = {}
        for name in self.names:
            probe = self.probes.get(name)
            try:
                values[name] = probe(namespace[name], namespace) if probe else to_plain(namespace[name])
                if isinstance(values[name], Recorded):
                    values[name].name = name          # messages name the student's variable
            except NotImplementedError:
                return self._result("not_attempted", self._define_message())
            except WrongAnswer as exc:
                return self._result("wrong", str(exc))
            except Exception as exc:  # noqa: BLE001 - the student's code raised inside a probe
                return self._result("wrong", _("running `{name}` raised {error}").format(
                    name=name, error=_describe(exc)))
        return values

    def judge_values(self, values: Mapping[str, Any]) -> CheckResult:
        """Judge exported values (from :meth:`collect`, or loaded back by the grader)."""
        try:
            verdict = self.judge(**{name: values[name] for name in self.names})
        except NotImplementedError:      # a recorded function whose body is still the blank
            return self._result("not_attempted", self._define_message())
        except WrongAnswer as exc:
            return self._result("wrong", str(exc) or _("that is not the expected answer"))
        except StudentCodeError as exc:
            return self._result("wrong", _("{call} raised {type}: {message}").format(
                call=exc.call, type=exc.type_name, message=exc.message) if exc.message else
                _("{call} raised {type}").format(call=exc.call, type=exc.type_name))
        except Exception as exc:  # noqa: BLE001 - a student's odd value must never show a traceback
            return self._result("wrong", _("could not check your answer: {error}").format(error=_describe(exc)))
        if verdict is not None:
            return self._result("wrong", _(
                "could not check your answer: the check returned {type} instead of None "
                "(a bug in the check: please tell the instructor)").format(type=type(verdict).__name__))
        return self._result("passed", _("correct!"))

    def evaluate(self, namespace: Mapping[str, Any]) -> CheckResult:
        """Collect and judge the names found in ``namespace``; never raises for an answer."""
        values = self.collect(namespace)
        return values if isinstance(values, CheckResult) else self.judge_values(values)

    # ------------------------------------------------------------------ what the student calls

    def check(self, namespace: Mapping[str, Any] | None = None) -> None:
        """Check the caller's variables and show the result (raise CheckFailed if COURSE_STRICT=1)."""
        if namespace is None:
            namespace = sys._getframe(1).f_globals
        result = self.evaluate(namespace)
        _display(result.text, {MIMETYPE: result.payload, "text/html": result.html})
        if not result.passed and os.environ.get("COURSE_STRICT") == "1":
            raise CheckFailed(f"{result.text}\n(exercise {self.exercise.number}: raised because COURSE_STRICT=1; "
                              "unset it to only print the check.)")

    def hint(self, level: int = 1) -> None:
        """Show hint number ``level`` (1 = a nudge; higher levels say more)."""
        if not self.hints:
            print("💡 " + _("{label}: no hint for this task, sorry.").format(label=self.label))
            return
        try:
            level = int(level)
        except (TypeError, ValueError):
            level = 1
        level = min(max(level, 1), len(self.hints))
        text = _("{label} — hint {level} of {total}: {hint}").format(
            label=self.label, level=level, total=len(self.hints), hint=_(self.hints[level - 1]))
        if level < len(self.hints):
            more = _("More: checks.task{n}.hint({next})").format(n=self.number, next=level + 1)
        else:
            more = _("That was the last hint; checks.task{n}.solution() shows the answer.").format(n=self.number)
        print(f"💡 {text}\n   {more}")

    def solution(self) -> None:
        """Show the solution code of this task (the grader records that it was shown)."""
        try:
            blocks = solution_blocks(self.exercise.number, self.number)
        except LookupError as exc:
            print("🔑 " + str(exc))
            return
        text = "🔑 " + _("{label} — a solution:").format(label=self.label) + "\n\n" + "\n\n".join(blocks)
        _display(text, {SOLUTION_MIMETYPE: {"exercise": self.exercise.number, "task": self.number}})

    # ------------------------------------------------------------------ helpers

    def _define_message(self) -> str:
        listed = ", ".join(f"`{name}`" for name in self.names)
        return _("define {names} in the cell above (replace the `raise NotImplementedError`)").format(names=listed)

    def _result(self, status: str, message: str) -> CheckResult:
        return CheckResult(self.exercise.number, self.number, status, message, self.first_hint, _(self.title))


def _label(number: int, title: str) -> str:
    return _("Task {n} ({title})").format(n=number, title=_(title)) if title else _("Task {n}").format(n=number)


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "!", "?")) else message + "."


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0].strip()[:160] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _display(text: str, data: dict[str, Any]) -> None:
    """Show ``text`` (plus ``data`` mimetypes in IPython), else print it."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        print(text)
        return
    from IPython.display import display

    display({"text/plain": text, **data}, raw=True)


# --------------------------------------------------------------------------- solutions


def task_answer_cells(cells: list[Mapping[str, Any]]) -> dict[int, list[int]]:
    """Map task number → indices of the code cells that answer it: the code cells after the
    previous check cell and before the cell calling ``taskN.check()`` (grader, ``solution()``)."""
    mapping: dict[int, list[int]] = {}
    pending: list[int] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        numbers = [int(n) for n in _CHECK_CALL.findall(source)]
        if numbers:
            for n in numbers:
                mapping.setdefault(n, []).extend(pending)
            pending = []
        else:
            pending.append(index)
    return mapping


def _solution_candidates(exercise: str) -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    roots = [Path(os.environ["COURSE_ROOT"])] if os.environ.get("COURSE_ROOT") else []
    roots += [package.parent, package / "_course"]
    return [root / "solutions" for root in roots]


def solution_blocks(exercise: str, task: int) -> list[str]:
    """The ``### BEGIN/END SOLUTION`` blocks that answer ``task`` in the solution notebook of
    ``exercise`` (the code students see with ``solution()``). Raises LookupError saying why not."""
    for folder in _solution_candidates(exercise):
        matches = sorted(folder.glob(f"{exercise}_*.ipynb")) if folder.is_dir() else []
        if matches:
            cells = json.loads(matches[0].read_text(encoding="utf-8"))["cells"]
            break
    else:
        raise LookupError(_("the solution notebook of exercise {exercise} is not installed here; it is in "
                            "the course repository's solutions/ folder.").format(exercise=exercise))
    blocks: list[str] = []
    for index in task_answer_cells(cells).get(task, []):
        source = cells[index].get("source", "")
        lines = ("".join(source) if isinstance(source, list) else source).split("\n")
        inside: list[str] | None = None
        for line in lines:
            if line.strip() == _BEGIN:
                inside = []
            elif line.strip() == _END and inside is not None:
                blocks.append(_dedent("\n".join(inside)))
                inside = None
            elif inside is not None:
                inside.append(line)
    if not blocks:
        raise LookupError(_("exercise {exercise} has no solution block for task {task}.").format(
            exercise=exercise, task=task))
    return blocks


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")
