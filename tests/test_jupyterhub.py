"""JupyterHub with nbgitpuller (issue 12): a pulled course works with `course start` (no git
command), and nbgitpuller's merge of an instructor's update never touches students' copies,
because they live in work/, which is git-ignored and holds nothing tracked (the folder rule).

nbgitpuller itself does the pulls, from a local repository (offline).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgitpuller.pull import GitPuller

REPO = Path(__file__).resolve().parents[1]
LESSON = "02_00_perceptron_logic_gates.ipynb"
MINE = '{"cells": [{"cell_type": "code", "source": "nand_w = [-2, -2]  # my answer"}], "mine": true}'


def git(*args: str, cwd: Path) -> str:
    cmd = ["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.edu", *args]
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def pull(upstream: Path, dest: Path) -> None:
    for _ in GitPuller(str(upstream), str(dest), branch="main").pull():
        pass


def course(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_ROOT", "COURSE_WORK_DIR")}
    return subprocess.run([sys.executable, "-m", "course_utils.tools.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def upstream(tmp_path) -> Path:
    """The instructor's repository: every tracked file of this checkout, one commit on main."""
    up = tmp_path / "upstream"
    up.mkdir()
    git("init", "-q", "-b", "main", cwd=up)
    for name in git("ls-files", "-z", cwd=REPO).split("\0"):
        if name and (REPO / name).is_file():
            (up / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, up / name)
    git("add", "-A", cwd=up)
    git("commit", "-q", "-m", "course", cwd=up)
    return up


def instructor_updates_the_exercise(up: Path) -> str:
    path = up / "exercises" / LESSON
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "erratum", "metadata": {}, "source": "Erratum: see task 2."})
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    git("commit", "-q", "-am", "erratum", cwd=up)
    return path.read_text(encoding="utf-8")


def test_nothing_tracked_lives_in_work_and_work_is_ignored():
    assert git("ls-files", "work", cwd=REPO) == ""
    assert subprocess.run(["git", "check-ignore", "-q", "work/x.ipynb"], cwd=REPO).returncode == 0


def test_a_pulled_course_starts_exercises_and_updates_never_touch_the_copies(upstream, tmp_path):
    home = tmp_path / "home"
    dest = home / "nn-basics-course"
    pull(upstream, dest)
    started = course("start", "02_00", cwd=dest / "notebooks")
    assert started.returncode == 0 and "Started exercise 02_00" in started.stdout, started.stderr
    assert started.stderr == ""                          # the course around the folder: nothing to say
    copy = dest / "work" / LESSON
    assert copy.read_bytes() == (dest / "exercises" / LESSON).read_bytes()
    copy.write_text(MINE, encoding="utf-8")              # the student works

    updated = instructor_updates_the_exercise(upstream)
    pull(upstream, dest)                                 # the student clicks the link again
    assert (dest / "exercises" / LESSON).read_text(encoding="utf-8") == updated
    assert copy.read_text(encoding="utf-8") == MINE
    assert sorted(p.name for p in (dest / "work").iterdir()) == [LESSON]
    assert "work" not in git("status", "--porcelain", "--untracked-files=all", cwd=dest)
    again = course("start", "02_00", cwd=dest)
    assert "already exists" in again.stdout and copy.read_text(encoding="utf-8") == MINE


def test_the_folder_rule_is_what_protects_the_copies(upstream, tmp_path):
    """Counter-example: were a file tracked in work/, nbgitpuller would move the student's copy."""
    dest = tmp_path / "home" / "nn-basics-course"
    pull(upstream, dest)
    assert course("start", "02_00", cwd=dest).returncode == 0
    (dest / "work" / LESSON).write_text(MINE, encoding="utf-8")
    (upstream / "work").mkdir()
    (upstream / "work" / LESSON).write_text('{"cells": []}', encoding="utf-8")
    git("add", "-f", f"work/{LESSON}", cwd=upstream)
    git("commit", "-q", "-m", "a file in work/ (breaks the rule)", cwd=upstream)
    pull(upstream, dest)
    assert (dest / "work" / LESSON).read_text(encoding="utf-8") != MINE
