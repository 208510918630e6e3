"""`course grade FOLDER ZIP --out DIR`: a class graded in parallel, a gradebook, feedback pages,
re-runs that skip unchanged submissions, and rows for what cannot be graded."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_utils.checks import ex02_00
from course_utils.errors import GradingError
from course_utils.tools import cli
from course_utils.tools.gradebook import feedback_name
from course_utils.tools.grader import find_submissions
from course_utils.tools.notebook_io import write_notebook

REPO = Path(__file__).resolve().parent.parent
STEM = "02_00_perceptron_logic_gates"
SOLUTION = REPO / "solutions" / f"{STEM}.ipynb"
EXERCISE = REPO / "exercises" / f"{STEM}.ipynb"
GRADABLE = [t.number for t in ex02_00.exercise.tasks]

pytestmark = [pytest.mark.xdist_group("grading"), pytest.mark.usefixtures("grades_the_real_course")]


def _wrong() -> nbformat.NotebookNode:
    nb = nbformat.read(SOLUTION, as_version=4)
    i = next(i for i, c in enumerate(nb.cells) if "or_w = (2, 2)" in c.source)
    nb.cells[i].source = "or_w = (1, 1)\nor_b = 5\n"
    return nb


def _class(tmp: Path) -> tuple[Path, Path]:
    folder = tmp / "class"
    write_notebook(nbformat.read(SOLUTION, as_version=4), folder / "alice" / f"{STEM}.ipynb")
    write_notebook(_wrong(), folder / "bob" / f"{STEM}.ipynb")
    (folder / "carol").mkdir()
    (folder / "carol" / f"{STEM}.ipynb").write_text("{ not json")
    write_notebook(nbformat.read(SOLUTION, as_version=4), folder / "dan" / "02_05_data_division.ipynb")
    (folder / "alice" / ".ipynb_checkpoints").mkdir()
    (folder / "alice" / ".ipynb_checkpoints" / f"{STEM}-checkpoint.ipynb").write_text("{}")
    archive = tmp / "late.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(EXERCISE, f"erin/{STEM}.ipynb")
        z.writestr("__MACOSX/erin/._x.ipynb", "junk")
        z.writestr("../escape.ipynb", "{}")
    return folder, archive


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


def test_a_class_gives_a_gradebook_feedback_pages_and_reruns_skip(tmp_path, capsys):
    folder, archive = _class(tmp_path)
    out = tmp_path / "grades"
    code = cli.main(["grade", str(folder), str(archive), "--out", str(out), "--workers", "2", "--timeout", "60"])
    captured = capsys.readouterr()
    assert code == 2                                   # one notebook could not be graded
    rows = _rows(out)
    assert set(rows) == {f"alice/{STEM}.ipynb", f"bob/{STEM}.ipynb", f"carol/{STEM}.ipynb",
                         "dan/02_05_data_division.ipynb", f"late.zip/erin/{STEM}.ipynb"}
    alice, bob, carol = rows[f"alice/{STEM}.ipynb"], rows[f"bob/{STEM}.ipynb"], rows[f"carol/{STEM}.ipynb"]
    assert alice["status"] == "graded" and alice["exercise"] == "02_00"
    assert all(alice[f"task{n}"] == "passed" for n in GRADABLE)
    assert int(alice["score"]) == len(GRADABLE) and int(alice["max_score"]) == len(ex02_00.exercise.tasks)
    assert float(alice["seconds"]) > 0 and alice["solution_shown"] == ""
    assert bob["task2"] == "wrong" and bob["task1"] == "passed"
    assert carol["status"] == "ungradable" and "not valid notebook JSON" in carol["problem"]
    assert rows["dan/02_05_data_division.ipynb"]["status"] == "ungradable"
    assert "exercise 02_00, not 02_05" in rows["dan/02_05_data_division.ipynb"]["problem"]
    erin = rows[f"late.zip/erin/{STEM}.ipynb"]
    assert all(erin[f"task{n}"] == "not_attempted" for n in GRADABLE)
    # progress: a bar and one line per submission
    assert captured.err.count(f"{STEM}.ipynb: ") >= 4 and "5/5" in captured.err
    # feedback pages: status, message, hint, and the code of the tasks that did not pass
    page = (out / "feedback" / feedback_name(f"bob/{STEM}.ipynb")).read_text(encoding="utf-8")
    task2 = ex02_00.exercise.tasks[1]
    assert "❌ wrong" in page and "Hint" in page and "or_w = (1, 1)" in page
    assert task2.first_hint.split()[0] in page
    good = (out / "feedback" / feedback_name(f"alice/{STEM}.ipynb")).read_text(encoding="utf-8")
    assert "nand_w = (-2, -2)" not in good               # code is shown only for tasks that did not pass
    assert "<a href=\"feedback/" in (out / "index.html").read_text(encoding="utf-8")
    assert not list(out.rglob("*.tmp-*"))                # written atomically

    # a re-run grades only what changed
    write_notebook(nbformat.read(SOLUTION, as_version=4), folder / "bob" / f"{STEM}.ipynb")
    cli.main(["grade", str(folder), str(archive), "--out", str(out), "--workers", "2"])
    err = capsys.readouterr().err
    assert err.count("(unchanged, not run again)") == 4
    rows = _rows(out)
    assert all(rows[f"bob/{STEM}.ipynb"][f"task{n}"] == "passed" for n in GRADABLE)


def test_find_submissions_refuses_what_is_not_there(tmp_path):
    with pytest.raises(GradingError, match="no notebooks"):
        find_submissions([tmp_path], tmp_path / "scratch")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(GradingError, match="not a valid zip"):
        find_submissions([bad], tmp_path / "scratch")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("../../evil.ipynb", "{}")
    (tmp_path / "evil.zip").write_bytes(buffer.getvalue())
    with pytest.raises(GradingError, match="no notebooks"):
        find_submissions([tmp_path / "evil.zip"], tmp_path / "scratch")
