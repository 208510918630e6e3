"""The course's exercises in other graders: nbgrader 0.9 (its own commands, on a temporary
course) and Gradescope (the exported autograder run in an emulated /autograder layout)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_utils.checks import ex02_00
from course_utils.tools import cli
from course_utils.tools.generator import nbgrader_metadata
from course_utils.tools.notebook_io import clean_notebook, write_notebook

REPO = Path(__file__).resolve().parent.parent
STEM = "02_00_perceptron_logic_gates"
SOLUTION = REPO / "solutions" / f"{STEM}.ipynb"
EXERCISE = REPO / "exercises" / f"{STEM}.ipynb"
TASKS = len(ex02_00.exercise.tasks)
GRADABLE = [t.number for t in ex02_00.exercise.tasks
            if not any(getattr(p, "__name__", "") == "live" for p in t.probes.values())]


def _wrong() -> nbformat.NotebookNode:
    nb = nbformat.read(SOLUTION, as_version=4)
    i = next(i for i, c in enumerate(nb.cells) if "or_w = (2, 2)" in c.source)
    nb.cells[i].source = "### BEGIN SOLUTION\nor_w = (1, 1)\nor_b = 5\n### END SOLUTION"
    return nb


def test_solutions_and_exercises_carry_nbgrader_metadata_and_clean_keeps_it():
    for path in (SOLUTION, EXERCISE):
        nb = nbformat.read(path, as_version=4)
        graded = [c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert sum(m["points"] for m in graded) == TASKS and all(m["locked"] for m in graded)
        assert answers and all(not c.metadata["nbgrader"]["grade"] for c in answers)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids))
        assert clean_notebook(nb).cells == nb.cells                 # `course clean` keeps it
    again = nbgrader_metadata(nbformat.read(SOLUTION, as_version=4))
    assert [c.metadata for c in again.cells] == [c.metadata for c in nbformat.read(SOLUTION, as_version=4).cells]


@pytest.mark.slow
@pytest.mark.notebook
def test_nbgrader_generates_and_autogrades_an_exercise(tmp_path):
    pytest.importorskip("nbgrader")
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    shutil.copy(SOLUTION, course / "source" / "ps1" / SOLUTION.name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'course'\n"
        "c.ExecutePreprocessor.timeout = 600\n")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "COURSE_STRICT": "1",
           "COURSE_PROGRESS": "none", "MPLBACKEND": "Agg"}
    nbgrader = [sys.executable, "-m", "nbgrader"]

    def run(*args):
        done = subprocess.run([*nbgrader, *args], cwd=course, env=env, capture_output=True, text=True, timeout=1500)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    run("generate_assignment", "ps1", "--force")
    released = nbformat.read(course / "release" / "ps1" / SOLUTION.name, as_version=4)
    assert "### BEGIN SOLUTION" not in "".join(c.source for c in released.cells)
    for student, nb in (("right", nbformat.read(SOLUTION, as_version=4)), ("wrong", _wrong()),
                        ("blank", released)):
        write_notebook(nb, course / "submitted" / student / "ps1" / SOLUTION.name, clean=False)
    run("autograde", "ps1", "--create", "--force")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission("ps1", s).score for s in ("right", "wrong", "blank")}
        maximum = gradebook.find_submission("ps1", "right").max_score
    assert maximum == TASKS
    assert scores["right"] == TASKS and 0 < scores["wrong"] < TASKS and scores["blank"] == 0


@pytest.mark.notebook
@pytest.mark.xdist_group("grading")
@pytest.mark.usefixtures("grades_the_real_course")
def test_the_gradescope_autograder_runs_in_an_emulated_harness(tmp_path):
    archive = tmp_path / "autograder.zip"
    assert cli.main(["export-autograder", "02_00", "--format", "gradescope", "-o", str(archive)]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder", "config.json"} <= set(names)     # at the zip's top level
        assert "course/course_utils/checks/ex02_00.py" in names and "course/pyproject.toml" in names
        assert not any("__pycache__" in n for n in names)
        assert z.getinfo("run_autograder").external_attr >> 16 & 0o111
        z.extractall(root / "source")
    # Gradescope copies run_autograder to /autograder and puts the student's files in /autograder/submission
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    write_notebook(_wrong(), root / "submission" / SOLUTION.name)
    env = {**os.environ, "COURSE_AUTOGRADER_ROOT": str(root), "COURSE_AUTOGRADER_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    tests = {t["number"]: t for t in results["tests"]}
    assert len(tests) == TASKS and all(t["max_score"] == 1 for t in tests.values())
    assert tests["2"]["score"] == 0 and tests["2"]["status"] == "failed" and "Hint:" in tests["2"]["output"]
    # task 3's XOR is built from task 2's OR weights: with the wrong OR it is wrong too
    assert tests["3"]["score"] == 0 and "xor_gate" in tests["3"]["output"]
    assert all(tests[str(n)]["score"] == 1 for n in GRADABLE if n not in (2, 3))
    assert results["score"] == sum(t["score"] for t in tests.values())
    assert cli.main(["export-autograder", "02_42", "-o", str(tmp_path / "x.zip")]) == 2
