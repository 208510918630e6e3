"""`course run`: executed copies, runs.json, exit status naming the notebook and the cell.

The site it builds is tested in tests/test_site.py. A miniature course (tests/tiny_course.py,
no TensorFlow) keeps this quick; the real course runs under nbval in the same test suite.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from course_utils.tools import course_runner as report
from course_utils.errors import SiteError
from course_utils.tools.notebook_io import write_notebook

from helpers import make_notebook
from tiny_course import make_tiny_course


@pytest.fixture()
def tiny_course(tmp_path, monkeypatch):
    root = make_tiny_course(tmp_path / "course")
    monkeypatch.setenv("COURSE_ROOT", str(root))
    return root


def test_run_writes_executed_copies_and_runs_json(tiny_course):
    build = tiny_course / "build"
    runs, site = report.run_course(root=tiny_course, build=build, workers=2, site=False)
    assert site is None and not (build / "site").exists()
    by_label = {r.label: r for r in runs}
    assert list(by_label) == ["notebooks/02_00_tiny.ipynb", "solutions/02_00_tiny.ipynb",
                              "solutions/02_01_broken.ipynb", "notebooks/ko/02_00_tiny.ipynb"]
    lesson = by_label["notebooks/02_00_tiny.ipynb"]
    assert lesson.status == "ok" and lesson.failed_cell is None
    assert lesson.figures[0]["value"] == 42 and lesson.figures[0]["text"] == "the answer = 42"
    assert [c["status"] for c in by_label["solutions/02_00_tiny.ipynb"].checks] == ["passed", "not_attempted"]
    broken = by_label["solutions/02_01_broken.ipynb"]
    assert broken.status == "failed" and broken.failed_cell == 3
    assert broken.failure.startswith("cell 3: ") and "broken on purpose" in broken.failure
    for r in runs:
        assert r.executed_path(build).is_file()
    assert by_label["notebooks/ko/02_00_tiny.ipynb"].executed_path(build) == \
        build / "executed" / "notebooks" / "ko" / "02_00_tiny.ipynb"
    # runs.json brings the same rows back (what `course site` builds from)
    again = report.load_runs(build)
    assert [(r.label, r.status, r.failed_cell, r.failure) for r in again] == \
        [(r.label, r.status, r.failed_cell, r.failure) for r in runs]
    assert again[0].figures == lesson.figures
    # the kernel ran with the text progress bar: its final state is in the executed copy
    nb = json.loads(lesson.executed_path(build).read_text(encoding="utf-8"))
    streams = "".join(o.get("text", "") for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream")
    assert "tiny net: 100%" in streams
    # the committed notebooks are never written
    assert not nbformat.read(tiny_course / "notebooks" / "02_00_tiny.ipynb", 4).cells[2].outputs


def test_run_exit_status_names_the_failing_notebook_and_cell(tiny_course, capsys):
    assert report.main(workers=2, site=False) == 1
    out = capsys.readouterr().out
    assert "FAILED solutions/02_01_broken.ipynb at cell 3: ValueError: broken on purpose" in out
    assert report.main(workers=1, names=["02_00"], site=False) == 0


def test_course_site_needs_a_run_first(tiny_course, capsys):
    with pytest.raises(SiteError, match="run `course run`"):
        report.load_runs(tiny_course / "build")
    assert report.site_main() == 1
    assert "SITE NOT BUILT" in capsys.readouterr().out
    (tiny_course / "build" / "executed").mkdir(parents=True)
    (tiny_course / "build" / "executed" / "runs.json").write_text("[{\"kind\": 1, \"bogus\": 2}]")
    with pytest.raises(SiteError, match="damaged"):
        report.load_runs(tiny_course / "build")


def test_a_timed_out_cell_has_one_number_in_the_run_report(tmp_path):
    nb = make_notebook(("markdown", "# 02_00 slow"), ("markdown", "text"), "import time\ntime.sleep(60)", id_prefix="c")
    path = write_notebook(nb, tmp_path / "notebooks" / "02_00_slow.ipynb")
    run = report.run_one("notebooks", path, tmp_path / "build", cell_timeout=2)
    # the third cell (index 2): the runner's prefix and the executor's message agree
    assert run.status == "failed"
    assert run.failure.startswith("cell 3: CellTimeoutError: cell 3 (id c02) did not finish"), run.failure
