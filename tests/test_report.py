"""`course run`: executed copies, HTML pages and build/index.html, checked in headless Chromium.

A miniature course (three tiny notebooks, no TensorFlow) keeps this quick; the real course
runs under nbval in the same test suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from course_utils.tools import course_runner as report
from course_utils.tools.notebook_io import write_notebook
from helpers import make_notebook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _nb(*sources: str, lesson: str = "02_00") -> nbformat.NotebookNode:
    return make_notebook(("markdown", f"# {lesson} tiny"), *sources)


@pytest.fixture()
def tiny_course(tmp_path, monkeypatch):
    for kind in ("notebooks", "solutions", "exercises", "course_utils"):
        (tmp_path / kind).mkdir()
    write_notebook(_nb("from course_utils.lesson.key_figures import report_figure",
                       "report_figure('02_00.answer', 6 * 7, expect=42, label='the answer')"),
                   tmp_path / "notebooks" / "02_00_tiny.ipynb")
    write_notebook(_nb("x = 1", "print('solution ran', x)"), tmp_path / "solutions" / "02_00_tiny.ipynb")
    write_notebook(_nb("y = 2", "raise ValueError('broken on purpose')", "print('never')", lesson="02_01"),
                   tmp_path / "solutions" / "02_01_broken.ipynb")
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    return tmp_path


def test_run_writes_executed_copies_pages_and_index(tiny_course):
    runs, index = report.run_course(root=tiny_course, build=tiny_course / "build", workers=2)
    by_label = {r.label: r for r in runs}
    assert set(by_label) == {"notebooks/02_00_tiny.ipynb", "solutions/02_00_tiny.ipynb", "solutions/02_01_broken.ipynb"}
    assert by_label["notebooks/02_00_tiny.ipynb"].status == "ok"
    assert by_label["notebooks/02_00_tiny.ipynb"].figures[0]["value"] == 42
    broken = by_label["solutions/02_01_broken.ipynb"]
    assert broken.status == "failed" and "cell 3" in broken.failure and "broken on purpose" in broken.failure
    build = tiny_course / "build"
    for r in runs:
        assert (build / "executed" / r.kind / f"{r.name}.ipynb").is_file()
        assert (build / r.html_path).is_file()
    text = index.read_text(encoding="utf-8")
    assert "the answer = 42" in text and "FAILED" in text and "3 notebooks, 1 failed" in text
    # the committed notebooks are never written
    assert not nbformat.read(tiny_course / "notebooks" / "02_00_tiny.ipynb", 4).cells[2].outputs


def test_run_exit_status_names_the_failing_notebook_and_cell(tiny_course, capsys):
    assert report.main(workers=2) == 1
    out = capsys.readouterr().out
    assert "FAILED solutions/02_01_broken.ipynb at cell 3" in out and "Report:" in out
    assert report.main(workers=1, names=["02_00"]) == 0


def _dump_dom(url: str, profile: Path) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--dump-dom", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                    reason="Chromium is not installed (CI installs it: apt-get install chromium)")
def test_index_renders_in_headless_chromium_and_links_every_page(tiny_course, tmp_path):
    assert CHROMIUM, "CI must have Chromium: .ci/run installs the Debian package"
    runs, index = report.run_course(root=tiny_course, build=tiny_course / "build", workers=2)
    dom = _dump_dom(index.resolve().as_uri(), tmp_path / "profile")
    assert "Course run report" in dom and 'id="notebooks"' in dom
    links = re.findall(r'<a href="([^"]+)"', dom)
    assert sorted(links) == sorted(r.html_path for r in runs)
    page = _dump_dom((index.parent / links[0]).resolve().as_uri(), tmp_path / "profile")
    assert "tiny" in page  # the notebook's own title rendered


def test_a_timed_out_cell_has_one_number_in_the_run_report(tmp_path):
    nb = make_notebook(("markdown", "# 02_00 slow"), ("markdown", "text"), "import time\ntime.sleep(60)", id_prefix="c")
    path = write_notebook(nb, tmp_path / "notebooks" / "02_00_slow.ipynb")
    run = report.run_one("notebooks", path, tmp_path / "build", cell_timeout=2)
    # the third cell (index 2): the runner's prefix and the executor's message agree
    assert run.status == "failed"
    assert run.failure.startswith("cell 3: CellTimeoutError: cell 3 (id c02) did not finish"), run.failure
