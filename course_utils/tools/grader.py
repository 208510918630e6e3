"""Grade exercise notebooks: one, a folder, or a zip of a whole class (students and instructors).

``course grade work/02_00_perceptron_logic_gates.ipynb`` grades one notebook and prints a
report; ``course grade submissions/ [more.zip …] --out grades/`` grades a class in parallel
and writes ``grades/gradebook.csv`` and ``grades/feedback/<submission>.html``. Files are
never modified.

How a submission is graded (and why a grade means something):

1. Each submission runs top to bottom in a fresh kernel on a **private copy** of the
   course, in a folder of its own (per-cell and per-notebook time limits; a cell that
   overruns is interrupted and the next cells still run).
2. Right after the cell that calls ``checks.taskN.check()``, and at the end for tasks whose
   check cell is gone, the **pristine** export code (loaded by path from a copy of the
   course taken when grading started) writes what task N names to files: JSON, ``.npy``
   without pickle, ``.keras`` models.
3. A separate judge process, started with ``python -I -S`` on the pristine copy, reads
   those files (no pickle; Keras safe mode) and judges them. Nothing the kernel prints is
   read, and patching ``course_utils`` inside the kernel changes nothing that is judged.
4. After each submission the private copy, the pristine copy and the course are compared
   with the snapshot: a submission that changed them is reported as **tampering** (never
   passed), and the files are put back. When submissions ran side by side, the ones that
   overlapped a change are graded again alone, so the change is pinned on the right one.

Each task is ``passed``, ``wrong`` (message and hint), ``not_attempted`` or ``error`` (the
cell, 1-based, and the error's last line; a time-out marks only the tasks it blocks).
Exit status: 0 when every task of every submission passed; 1 otherwise; 2 when a
submission cannot be graded at all (missing file, invalid JSON, another exercise, tampering).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..checks.core import _CHECK_CALL, task_answer_cells
from ..errors import CourseError, GradingError, NotebookError
from ..i18n import _
from .notebook_io import read_notebook

__all__ = ["GradeReport", "GradingSession", "Submission", "TaskReport", "find_submissions",
           "grade_notebook", "grade_submissions", "CourseError"]

_LESSON_PREFIX = re.compile(r"(?:^|[^0-9])(\d\d_\d\d)_")
_SOLUTION_CALL = re.compile(r"\btask(\d+)\s*\.\s*solution\s*\(")
_NOT_STUDENT_ERRORS = {"NotImplementedError"}
_MAX_ZIP_MEMBER = 64 * 2**20


@dataclass
class TaskReport:
    """One task's grade; ``cell`` is the 1-based number of the cell an error points at."""

    task: int
    title: str
    status: str  # passed | wrong | not_attempted | error
    message: str = ""
    hint: str = ""
    cell: int | None = None
    solution_shown: bool = False
    code: str = ""   # the student's answer cells, kept for tasks that did not pass (feedback pages)


@dataclass
class GradeReport:
    """The grade of one submission (``problem`` set when it could not be graded at all)."""

    notebook: str
    exercise: str | None
    tasks: list[TaskReport] = field(default_factory=list)
    problem: str | None = None
    seconds: float = 0.0
    submission: str = ""
    tampering: list[str] = field(default_factory=list)
    sha256: str = ""

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

    @property
    def solutions_shown(self) -> list[int]:
        return [t.task for t in self.tasks if t.solution_shown]

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(passed=self.passed, total=len(self.tasks), ok=self.ok, exit_code=self.exit_code)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "GradeReport":
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["tasks"] = [TaskReport(**t) for t in data.get("tasks", [])]
        return cls(**fields)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        name = self.submission or self.notebook
        lines = [_("Grading {name}").format(name=name) + (f" (exercise {self.exercise})" if self.exercise else "")]
        if self.problem:
            lines.append("  " + _("Cannot grade: {problem}").format(problem=self.problem))
            return "\n".join(lines)
        labels = {"passed": _("passed"), "wrong": _("wrong"), "not_attempted": _("not attempted"), "error": _("error")}
        for t in self.tasks:
            line = f"  Task {t.task}  {t.title:<34} {labels.get(t.status, t.status)}"
            if t.status != "passed" and t.message:
                line += f" — {t.message}"
            if t.status == "wrong" and t.hint:
                line += "\n           " + _("Hint: {hint}").format(hint=t.hint)
            if t.solution_shown:
                line += "  " + _("(solution shown)")
            lines.append(line)
        lines.append(_("{passed} of {total} tasks passed ({seconds:.1f} s).").format(
            passed=self.passed, total=len(self.tasks), seconds=self.seconds))
        return "\n".join(lines)


# --------------------------------------------------------------------------- submissions


@dataclass
class Submission:
    """One notebook to grade: ``name`` (as shown in the gradebook) and the file to read."""

    name: str
    path: Path
    exercise: str | None = None


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return (name.endswith(".ipynb") and not name.startswith("/") and ".." not in parts
            and "__MACOSX" not in parts and ".ipynb_checkpoints" not in parts)


def find_submissions(inputs: Iterable[str | Path], scratch: Path) -> list[Submission]:
    """Notebooks named by ``inputs``: files, folders (searched recursively) and zips (their
    ``.ipynb`` members are copied into ``scratch``). Raises GradingError when none is found."""
    found: list[Submission] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for nb in sorted(path.rglob("*.ipynb")):
                if ".ipynb_checkpoints" not in nb.parts:
                    found.append(Submission(nb.relative_to(path).as_posix(), nb))
        elif path.suffix.lower() == ".zip" and path.is_file():
            try:
                with zipfile.ZipFile(path) as archive:
                    for number, info in enumerate(archive.infolist()):
                        if info.is_dir() or not _safe_member(info.filename):
                            continue
                        if info.file_size > _MAX_ZIP_MEMBER:
                            raise GradingError(f"{path}: {info.filename} is larger than "
                                               f"{_MAX_ZIP_MEMBER // 2**20} MB; is it really a notebook?")
                        target = scratch / "unzipped" / f"{len(found):05d}-{number}" / Path(info.filename).name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with archive.open(info) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                        found.append(Submission(f"{path.name}/{info.filename}", target))
            except zipfile.BadZipFile:
                raise GradingError(f"{path} is not a valid zip file. Re-download it or unzip it yourself.") from None
        else:
            found.append(Submission(str(raw), path))
    names = [s.name for s in found]
    if len(set(names)) != len(names):   # the same file name from two inputs: use the full paths
        found = [Submission(str(s.path) if names.count(s.name) > 1 else s.name, s.path) for s in found]
    if not found:
        raise GradingError("no notebooks (.ipynb) found in " + ", ".join(map(str, inputs)) + ".")
    return found


def _lesson_from(nb, path: Path) -> tuple[str | None, str | None]:
    meta = nb.metadata.get("course", {}) if isinstance(nb.metadata.get("course"), dict) else {}
    match = _LESSON_PREFIX.search(path.name)
    return meta.get("lesson"), (match.group(1) if match else None)


def _exercise_tasks(number: str):
    try:
        module = importlib.import_module(f"course_utils.checks.ex{number}")
    except ModuleNotFoundError:
        return None
    return module.exercise.tasks


# --------------------------------------------------------------------------- one submission


@dataclass
class _Job:
    submission: Submission
    start: float = 0.0
    end: float = 0.0
    changed: bool = False


class GradingSession:
    """Everything graded in one go shares one snapshot of the course (see module docstring).

    Use as a context manager; :meth:`grade` grades submissions with ``workers`` in parallel.
    """

    def __init__(self, *, workers: int = 1, cell_timeout: float = 60, total_timeout: float | None = 900,
                 prestart: bool = True) -> None:
        for name, limit in (("cell timeout", cell_timeout), ("total timeout", total_timeout)):
            if limit is not None and not limit > 0:
                raise GradingError(f"The {name} must be a positive number of seconds, got {limit!r}.")
        if int(workers) < 1:
            raise GradingError(f"--workers must be 1 or more, got {workers!r}.")
        self.workers = int(workers)
        self.cell_timeout = float(cell_timeout)
        self.total_timeout = float(total_timeout) if total_timeout is not None else None
        self.prestart = prestart
        self._lock = threading.Lock()

    def __enter__(self) -> "GradingSession":
        from . import sandbox

        self.sandbox = sandbox
        self.base = Path(tempfile.mkdtemp(prefix="course-grade-"))
        self.snapshot = sandbox.CourseSnapshot()
        self.real_root = self.snapshot.root
        self.pristine = self.base / "pristine"
        self.pristine_hashes = self.snapshot.write(self.pristine)
        self.children_before = sandbox.our_children()
        sandbox.become_subreaper()
        # Everything this process needs later is imported now, before any student code runs.
        from ..checks import core  # noqa: F401
        from . import judge  # noqa: F401
        self.exercises = {}
        for number in sorted({p.split("/")[-1][2:7] for p in self.snapshot.files
                              if re.fullmatch(r"course_utils/checks/ex\d\d_\d\d\.py", p)}):
            tasks = _exercise_tasks(number)
            if tasks:
                self.exercises[number] = tasks
        return self

    def __exit__(self, *exc) -> None:
        self.sandbox.reap_escaped_processes(self.children_before)
        shutil.rmtree(self.base, ignore_errors=True)

    @property
    def settings(self) -> str:
        """What a cached grade depends on besides the file: the course and the limits."""
        return f"{self.snapshot.digest}:{self.cell_timeout:g}:{self.total_timeout}"

    # ------------------------------------------------------------------ many submissions

    def grade(self, submissions: list[Submission], on_done: Callable[[GradeReport], None] | None = None,
              exercise: str | None = None) -> list[GradeReport]:
        """Grade ``submissions`` (in order of the list in the result)."""
        for s in submissions:
            s.exercise = s.exercise or exercise
        jobs = [_Job(s) for s in submissions]
        reports: dict[int, GradeReport] = {}
        self._run_jobs(list(enumerate(jobs)), reports, self.workers, on_done)
        if self.workers > 1:
            changed = [job for job in jobs if job.changed]
            suspects = [(i, job) for i, job in enumerate(jobs)
                        if any(job.start < c.end and c.start < job.end for c in changed)]
            if suspects:   # a change while several ran: grade those again, one at a time
                for _index, job in suspects:
                    job.changed = False
                self._run_jobs(suspects, reports, 1, on_done)
        return [reports[i] for i in range(len(jobs))]

    def _run_jobs(self, jobs, reports, workers, on_done) -> None:
        pending: queue.Queue = queue.Queue()
        for item in jobs:
            pending.put(item)
        threads = [threading.Thread(target=self._worker, args=(n, pending, reports, on_done), daemon=True)
                   for n in range(min(workers, len(jobs)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def _worker(self, number: int, pending: queue.Queue, reports: dict, on_done) -> None:
        sandbox = self.sandbox
        judge = None
        upcoming = None
        try:
            while True:
                try:
                    index, job = pending.get_nowait()
                except queue.Empty:
                    break
                report, prepared = self._prepare(job.submission)
                if prepared is None:
                    reports[index] = report
                    if on_done:
                        on_done(report)
                    continue
                if judge is None:
                    judge = sandbox.Judge(self.pristine, self.base / f"judge-{number}.log")
                kernel = upcoming or sandbox.Kernel(self.snapshot, self.base)
                upcoming = sandbox.Kernel(self.snapshot, self.base) if self.prestart and not pending.empty() else None
                job.start = time.monotonic()
                try:
                    report = self._grade_one(report, prepared, kernel, judge, upcoming)
                except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
                    report.problem = _("the grader failed on this submission ({error}); please report it").format(
                        error=f"{type(exc).__name__}: {exc}")
                finally:
                    job.end = time.monotonic()
                    kernel.discard()
                if report.tampering:
                    job.changed = True
                    if upcoming is not None:   # it may have been written to as well
                        upcoming.discard()
                        upcoming = None
                reports[index] = report
                if on_done:
                    on_done(report)
        finally:
            if upcoming is not None:
                upcoming.discard()
            if judge is not None:
                judge.close()
            sandbox.reap_escaped_processes(self.children_before)

    def _prepare(self, submission: Submission):
        report = GradeReport(notebook=str(submission.path), exercise=submission.exercise,
                             submission=submission.name)
        try:
            report.sha256 = hashlib.sha256(submission.path.read_bytes()).hexdigest()
        except OSError:
            pass
        try:
            nb = read_notebook(submission.path)
        except NotebookError as exc:
            report.problem = str(exc)
            return report, None
        meta_lesson, name_lesson = _lesson_from(nb, submission.path)
        expected = submission.exercise or name_lesson or meta_lesson
        report.exercise = expected
        if expected is None:
            report.problem = _("cannot tell which exercise this is (no lesson in its file name or metadata). "
                               "Pass it explicitly, e.g. `course grade FILE --exercise 02_00`.")
            return report, None
        if meta_lesson and meta_lesson != expected:
            report.problem = _("this notebook is exercise {meta}, not {expected}. Grade it as {meta}, or open the "
                               "right file (course start {expected}).").format(meta=meta_lesson, expected=expected)
            return report, None
        tasks = self.exercises.get(expected)
        if tasks is None:
            report.problem = _("there is no exercise {number} with checks. Run `course list` to see the "
                               "exercises.").format(number=expected)
            return report, None
        return report, (nb, expected, tasks)

    def _grade_one(self, report: GradeReport, prepared, kernel, judge, upcoming) -> GradeReport:
        nb, exercise, tasks = prepared
        start = time.monotonic()
        numbers = [t.number for t in tasks]
        if not kernel.ready():
            report.problem = kernel.error
            report.seconds = time.monotonic() - start
            return report
        deadline = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        errors: dict[int, object] = {}
        export_errors: dict[int, str] = {}
        solutions: set[int] = set()
        stopped: tuple[int, str] | None = None
        exported: set[int] = set()
        check_cell: dict[int, int] = {}

        def limit() -> float:
            remaining = None if deadline is None else deadline - time.monotonic()
            return self.cell_timeout if remaining is None else min(self.cell_timeout, remaining)

        def export(which: list[int], stage: str) -> bool:
            run = kernel.export(self.pristine, exercise, which, stage, max(limit(), 5.0))
            if run.timed_out or run.died or run.ename:
                why = (_("did not finish in time (does a function you wrote loop forever?)") if run.timed_out
                       else _("stopped the kernel") if run.died else run.last_line)
                for n in which:
                    export_errors[n] = _("exporting the values of task {n} {why}").format(n=n, why=why)
            return not run.died

        for index, cell in enumerate(nb.cells):
            source = cell.get("source", "")
            solutions.update(int(n) for n in _SOLUTION_CALL.findall(source) if cell.cell_type == "code")
            if cell.cell_type != "code" or not source.strip():
                continue
            if deadline is not None and time.monotonic() >= deadline:
                stopped = (index, "total")
                break
            cell_limit = limit()
            run = kernel.run(source, cell_limit)
            solutions |= run.solutions
            if run.ename:
                errors[index] = run
            if run.died:
                stopped = (index, "timeout" if run.timed_out else "died")
                break
            if run.timed_out and cell_limit < self.cell_timeout:
                stopped = (index, "total")
                break
            here = [n for n in dict.fromkeys(int(k) for k in _CHECK_CALL.findall(source))
                    if n in numbers and n not in exported]
            if here:
                exported.update(here)
                for n in here:
                    check_cell[n] = index
                if not export(here, "check"):
                    stopped = (index, "died")
                    break
        if stopped is None:
            later = [n for n in numbers if not _has_values(kernel.exports / "check" / f"task{n}")]
            if later:
                export(later, "end")
        kernel.kill()
        self.sandbox.reap_escaped_processes(self.children_before)

        report.tampering = self._changes(kernel, upcoming)
        report.seconds = time.monotonic() - start
        if report.tampering:
            shown = ", ".join(report.tampering[:5]) + (" …" if len(report.tampering) > 5 else "")
            report.problem = _("tampering: the notebook changed files of the course while it was graded ({files}). "
                               "It was not graded.").format(files=shown)
            report.tasks = [TaskReport(t.number, t.title, "error", _("not graded: the notebook changed the course's "
                                       "files"), t.first_hint, None, t.number in solutions) for t in tasks]
            return report

        folders = {}
        for n in numbers:
            first, last = kernel.exports / "check" / f"task{n}", kernel.exports / "end" / f"task{n}"
            choice = first if _has_values(first) else last if last.is_dir() else first if first.is_dir() else None
            if choice is not None:
                folders[n] = str(choice)
        judged: dict[int, dict] = {}
        judge_problem = None
        if folders:
            try:
                judged = judge.judge(exercise, folders)
            except RuntimeError as exc:
                judge_problem = _("could not be judged: {error}").format(error=exc)
        answers = task_answer_cells(nb.cells)
        for task in tasks:
            n = task.number
            row = TaskReport(n, task.title, "error", hint=task.first_hint, solution_shown=n in solutions)
            result = judged.get(n)
            real = next((errors[i] for i in answers.get(n, []) if i in errors
                         and errors[i].ename not in _NOT_STUDENT_ERRORS), None)
            if not (result and result.get("status") == "passed"):
                row.code = "\n\n".join(f"# cell {i + 1}\n{nb.cells[i].source}" for i in answers.get(n, []))
            if result and result.get("status") == "passed":
                row.status, row.message = "passed", ""
            elif real is not None:
                index = next(i for i in answers[n] if errors.get(i) is real)
                row.cell = index + 1
                row.message = _cell_message(index, real, self.cell_timeout)
            elif n in export_errors and result is None:
                row.message = export_errors[n]
            elif result is not None:
                row.status, row.message = result.get("status", "error"), result.get("message", "")
            elif judge_problem:
                row.message = judge_problem
            elif stopped is not None:
                where, why = stopped
                row.cell = where + 1
                row.message = _not_reached(where, why, errors.get(where), self.cell_timeout, self.total_timeout)
            else:
                row.message = _("the values of this task could not be exported")
            report.tasks.append(row)
        return report

    def _changes(self, kernel, upcoming) -> list[str]:
        """Files the submission changed: its private copy, the next kernel's, the pristine copy,
        the course. Shared ones are put back."""
        changed = [f"(private copy) {p}" for p in self.snapshot.changes(kernel.course, kernel.expected)]
        if upcoming is not None:   # its copy was written when it was created: no need to wait for it
            changed += [f"(next private copy) {p}" for p in self.snapshot.changes(upcoming.course, upcoming.expected)]
        with self._lock:
            pristine = self.snapshot.changes(self.pristine, self.pristine_hashes)
            if pristine:
                self.snapshot.restore(self.pristine, pristine)
                changed += [f"(pristine copy) {p}" for p in pristine]
            real = self.snapshot.changes(self.real_root)
            if real:
                self.snapshot.restore(self.real_root, real)
                changed += [p for p in real]
        return changed


def _has_values(folder: Path) -> bool:
    """True when ``folder`` holds exported values (not an early 'not attempted' or 'None')."""
    try:
        data = json.loads((folder / "values.json").read_text(encoding="utf-8"))
        return "__result__" not in data.get("values", {})
    except (OSError, ValueError, AttributeError):
        return False


def _cell_message(index: int, run, cell_timeout: float) -> str:
    if run.ename == "CellTimeoutError":
        return _("cell {cell} did not finish within {limit:g} s (an endless loop?); it was stopped").format(
            cell=index + 1, limit=cell_timeout)
    if run.ename == "DeadKernelError":
        return _("the kernel died while running cell {cell} (os._exit, a crash, or out of memory)").format(cell=index + 1)
    return _("cell {cell} raised {error}").format(cell=index + 1, error=run.last_line)


def _not_reached(index: int, why: str, run, cell_timeout: float, total: float | None) -> str:
    if why == "total":
        return _("not reached: the notebook used up its time limit of {limit:g} s at cell {cell}").format(
            limit=total or 0, cell=index + 1)
    if why == "timeout":
        return _("not reached: cell {cell} did not finish within {limit:g} s (an endless loop?) and could not "
                 "be interrupted").format(cell=index + 1, limit=cell_timeout)
    return _("not reached: the kernel died at cell {cell}; the notebook could not finish. Restart and look for "
             "a crash.").format(cell=index + 1)


# --------------------------------------------------------------------------- entry points


def grade_notebook(path: str | Path, *, exercise: str | None = None, cell_timeout: float = 60,
                   total_timeout: float | None = 900) -> GradeReport:
    """Grade the notebook at ``path``; never writes to it. See the module docstring."""
    path = Path(path)
    with GradingSession(workers=1, cell_timeout=cell_timeout, total_timeout=total_timeout, prestart=False) as session:
        return session.grade([Submission(path.name, path, exercise)])[0]


def grade_submissions(inputs: Iterable[str | Path], out: str | Path, *, exercise: str | None = None,
                      workers: int | None = None, cell_timeout: float = 60, total_timeout: float | None = 900,
                      progress: bool = True, stream=None) -> list[GradeReport]:
    """Grade every notebook in ``inputs`` (files, folders, zips) and write the gradebook and the
    feedback pages into ``out``; unchanged submissions graded before are not run again."""
    from . import gradebook

    stream = stream or sys.stderr
    out = Path(out)
    workers = workers or os.cpu_count() or 1
    scratch = Path(tempfile.mkdtemp(prefix="course-submissions-"))
    try:
        submissions = find_submissions(inputs, scratch)
        with GradingSession(workers=workers, cell_timeout=cell_timeout, total_timeout=total_timeout) as session:
            cache = gradebook.Cache(out / ".grade-cache.json", session.settings)
            todo, reports = [], {}
            for i, s in enumerate(submissions):
                s.exercise = exercise
                cached = cache.get(s)
                if cached is not None:
                    reports[i] = cached
                else:
                    todo.append((i, s))
            bar = gradebook.Progress(len(submissions), stream, enabled=progress)
            for i in reports:
                bar.done(reports[i], cached=True)

            def finished(report: GradeReport) -> None:
                with session._lock:
                    cache.put(report, exercise)
                    bar.done(report)

            graded = session.grade([s for _index, s in todo], on_done=finished)
            for (i, _submission), report in zip(todo, graded):
                reports[i] = report
            bar.close()
        ordered = [reports[i] for i in range(len(submissions))]
        gradebook.write_outputs(ordered, out, session.exercises)
        cache.save()
        return ordered
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
