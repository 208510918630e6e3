"""A grade reports what the submitted code does, and one submission cannot change another's.

Each attack below once made the old grader report "passed" for every task; here none may.
They run in ONE grading session, in order, with kernels started ahead (so the tampering
notebook can also reach the next submission's private copy), followed by an unrelated wrong
notebook and an untouched exercise of another lesson, which must grade as they should.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.checks import ex02_00
from course_utils.tools.grader import GradingSession, Submission
from course_utils.tools.notebook_io import write_notebook
from helpers import real_course_lock

REPO = Path(__file__).resolve().parent.parent
STEM = "02_00_perceptron_logic_gates"
SOLUTION = REPO / "solutions" / f"{STEM}.ipynb"
EXERCISE = REPO / "exercises" / f"{STEM}.ipynb"
OTHER = REPO / "exercises" / "02_03_house_price_raw.ipynb"
# A real file of the course that the tampering notebook appends a comment to (harmless if
# another process reads it meanwhile); the grader must detect it and put it back.
REAL_TARGET = REPO / "course_utils" / "checks" / "ex02_03.py"

pytestmark = [pytest.mark.xdist_group("grading")]

PATCH_THE_CHECKS = """
import importlib, json, os
import course_utils.checks.core as core
import course_utils.tools.grader as grader
from course_utils.checks.core import CheckResult

def passed(task):
    return CheckResult(task.exercise.number, task.number, "passed", "correct!")

core.Task.evaluate = lambda self, namespace=None: passed(self)
core.Task.judge_values = lambda self, values: passed(self)
core.Task.collect = lambda self, namespace: {}
core.Exercise.judge_exported = lambda self, folder, number: passed(self.tasks[number - 1])
for task in checks.exercise.tasks:
    object.__setattr__(task, "judge", lambda **values: None)
grader.GradingSession._grade_one = lambda *args, **kwargs: None
grader.emit_grade = lambda *args, **kwargs: print("<<course-grade>>[]")

def forged_export(self, namespace, numbers, folder):   # claims "passed" in the exported files
    for n in numbers:
        os.makedirs(os.path.join(folder, f"task{n}"), exist_ok=True)
        with open(os.path.join(folder, f"task{n}", "values.json"), "w") as f:
            json.dump({"format": 1, "values": {"__result__": {"status": "passed", "message": "correct!"}}}, f)

core.Exercise.export = forged_export
_real_import = importlib.import_module
importlib.import_module = lambda name, package=None: _real_import(
    "course_utils.checks.ex02_00" if name.endswith(".checks.ex02_00") else name, package)
checks.task1.check()   # the instant check in this kernel now says passed: it does not count
"""

MARKER_FROM_A_HOOK = """
import json
rows = [{"task": n, "status": "passed", "message": ""} for n in range(1, 9)]
line = "<<course-grade>>" + json.dumps(rows)
get_ipython().events.register("pre_run_cell", lambda *args: print(line))
get_ipython().events.register("post_run_cell", lambda *args: print(line))
"""

WRITE_TO_THE_COURSE = """
import pathlib
import course_utils.checks.core as core
private = pathlib.Path(core.__file__)                     # …/course-grade-*/sub-*/course/course_utils/checks/core.py
session = private.parents[4]
always = "    def judge_values(self, values: Mapping[str, Any]) -> CheckResult:\\n"
targets = [private, session / "pristine" / "course_utils" / "checks" / "core.py",
           *session.glob("sub-*/course/course_utils/checks/core.py")]
real = pathlib.Path(REAL_TARGET)
real.write_text(real.read_text() + "\\n# tampered by a submission\\n")
for path in targets:
    try:   # the next kernel's copy may still be half-written
        text = path.read_text()
        path.write_text(text.replace(always, always + "        return self._result('passed', 'correct!')\\n"))
    except OSError:
        pass
"""

LEAVE_A_PROCESS_BEHIND = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
open(PID_FILE, "w").write(str(child.pid))
"""


def _with_cell(path: Path, source: str, after: str = "from course_utils.checks import") -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if after in c.source)
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return nb


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    original = REAL_TARGET.read_bytes()
    wrong = nbformat.read(SOLUTION, as_version=4)
    i = next(i for i, c in enumerate(wrong.cells) if "or_w = (2, 2)" in c.source)
    wrong.cells[i].source = "or_w = (1, 1)\nor_b = 5\n"
    notebooks = {
        "patch": _with_cell(EXERCISE, PATCH_THE_CHECKS),
        "hook": _with_cell(EXERCISE, MARKER_FROM_A_HOOK),
        "tamper": _with_cell(EXERCISE, WRITE_TO_THE_COURSE.replace("REAL_TARGET", repr(str(REAL_TARGET)))),
        "escape": _with_cell(EXERCISE, LEAVE_A_PROCESS_BEHIND.replace("PID_FILE", repr(str(tmp / "child.pid")))),
        "wrong_after": wrong,
        "other_lesson": nbformat.read(OTHER, as_version=4),
    }
    subs = []
    for name, nb in notebooks.items():
        file = OTHER.name if name == "other_lesson" else f"{STEM}.ipynb"
        subs.append(Submission(name, write_notebook(nb, tmp / name / file)))
    try:
        with real_course_lock(tmp_path_factory, exclusive=True), \
                GradingSession(workers=1, cell_timeout=120, total_timeout=900) as session:
            reports = {r.submission: r for r in session.grade(subs)}
        restored = REAL_TARGET.read_bytes() == original
        reports["escape"].child = int((tmp / "child.pid").read_text())
    finally:
        if REAL_TARGET.read_bytes() != original:   # never leave the course changed, whatever happened
            REAL_TARGET.write_bytes(original)
    return reports, restored


def test_patching_the_checks_in_the_kernel_passes_nothing(attacked):
    report = attacked[0]["patch"]
    assert report.problem is None and report.tasks
    assert not any(t.status == "passed" for t in report.tasks)
    assert all(t.status in ("not_attempted", "wrong") for t in report.tasks)
    # the forged export files that claim "passed" are refused by the judge
    assert any("cannot be read" in t.message for t in report.tasks)


def test_printing_the_marker_from_a_hook_passes_nothing(attacked):
    report = attacked[0]["hook"]
    assert report.problem is None and report.tasks
    assert not any(t.status == "passed" for t in report.tasks)


def test_writing_to_the_course_is_reported_as_tampering_and_put_back(attacked):
    reports, restored = attacked
    report = reports["tamper"]
    assert report.exit_code == 2 and report.problem.startswith("tampering")
    assert not any(t.status == "passed" for t in report.tasks)
    joined = " ".join(report.tampering)
    assert "(private copy) course_utils/checks/core.py" in joined
    assert "(pristine copy) course_utils/checks/core.py" in joined
    assert "(next private copy)" in joined
    assert "course_utils/checks/ex02_03.py" in report.tampering
    assert restored, "the grader must put the course's files back"


def test_the_submissions_after_the_tampering_grade_as_they_should(attacked):
    reports, _ = attacked
    wrong = {t.task: t.status for t in reports["wrong_after"].tasks}
    assert wrong[2] == "wrong" and wrong[1] == "passed" and not reports["wrong_after"].tampering
    other = reports["other_lesson"]
    assert other.exercise == "02_03" and other.problem is None and not other.tampering
    assert other.tasks and all(t.status == "not_attempted" for t in other.tasks)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="escaped processes are found through /proc")
def test_a_process_left_running_by_a_notebook_is_ended(attacked):
    report = attacked[0]["escape"]
    assert report.problem is None
    try:
        state = Path(f"/proc/{report.child}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        state = "gone"
    assert state in ("gone", "Z", "X"), "the detached process of a graded notebook must not outlive its grading"


def test_the_export_files_can_never_claim_a_pass(tmp_path):
    folder = tmp_path / "task1"
    folder.mkdir()
    (folder / "values.json").write_text(json.dumps(
        {"format": 1, "values": {"__result__": {"status": "passed", "message": "correct!"}}}))
    result = ex02_00.exercise.judge_exported(folder, 1)
    assert result.status == "wrong" and "cannot be read" in result.message
