"""`course start`: copy an exercise into work/ without ever losing a student's work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.tools import cli
from course_utils.errors import UnknownLessonError
from course_utils.tools.catalog import find_lesson, lessons
from course_utils.tools.workspace import start_exercise

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def course(tmp_path, monkeypatch):
    """A miniature course root with two lessons."""
    for kind in ("notebooks", "solutions", "exercises"):
        (tmp_path / kind).mkdir()
    (tmp_path / "course_utils").mkdir()
    for stem in ("02_00_gates", "02_01_xor_mlp"):
        for kind in ("solutions", "exercises"):
            (tmp_path / kind / f"{stem}.ipynb").write_text(f'{{"cells": [], "kind": "{kind}", "stem": "{stem}"}}')
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    monkeypatch.delenv("COURSE_WORK_DIR", raising=False)
    return tmp_path


def test_lessons_are_listed_in_order(course):
    assert [l.number for l in lessons()] == ["02_00", "02_01"]


@pytest.mark.parametrize("spelling", ["02_00", "2_0", "0200", "00", "02_00_gates", "02_00_gates.ipynb"])
def test_lesson_numbers_in_several_spellings(course, spelling):
    assert find_lesson(spelling).stem == "02_00_gates"


def test_unknown_number_lists_the_available_ones(course):
    with pytest.raises(UnknownLessonError) as err:
        find_lesson("02_42")
    assert "02_42" in str(err.value) and "02_00 (gates)" in str(err.value) and "02_01 (xor mlp)" in str(err.value)


def test_start_copies_the_exercise_and_prints_the_path(course):
    result = start_exercise("02_00")
    assert result.created and result.path == course / "work" / "02_00_gates.ipynb"
    assert result.path.read_text() == (course / "exercises" / "02_00_gates.ipynb").read_text()
    assert str(result.path) in result.message


def test_start_never_overwrites_an_existing_copy(course):
    first = start_exercise("02_00").path
    first.write_text("my answers")
    again = start_exercise("02_00")
    assert not again.created and again.path == first
    assert first.read_text() == "my answers"
    assert "already exists" in again.message and "--new" in again.message


def test_new_makes_fresh_numbered_copies(course):
    first = start_exercise("02_00").path
    first.write_text("my answers")
    second = start_exercise("02_00", new=True)
    third = start_exercise("02_00", new=True)
    assert second.path.name == "02_00_gates-2.ipynb" and third.path.name == "02_00_gates-3.ipynb"
    assert first.read_text() == "my answers"


def test_regenerated_exercises_do_not_touch_the_students_copy(course):
    copy = start_exercise("02_01").path
    copy.write_text("my answers")
    (course / "exercises" / "02_01_xor_mlp.ipynb").write_text('{"cells": [], "regenerated": true}')
    assert copy.read_text() == "my answers"


def test_missing_exercise_file_says_how_to_restore(course):
    (course / "exercises" / "02_01_xor_mlp.ipynb").unlink()
    with pytest.raises(Exception) as err:
        start_exercise("02_01")
    assert "git checkout" in str(err.value) and "course generate" in str(err.value)


def test_cli_start_and_unknown_number(course, capsys):
    assert cli.main(["start", "02_01"]) == 0
    assert "work" in capsys.readouterr().out
    assert cli.main(["start", "99"]) == 2
    err = capsys.readouterr().err
    assert "no lesson" in err and "02_00" in err


def test_work_folder_is_git_ignored():
    out = subprocess.run(["git", "check-ignore", "work/02_00_x.ipynb"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, "work/ must be git-ignored so course updates never touch students' copies"


def test_course_command_is_installed():
    out = subprocess.run([sys.executable, "-m", "course_utils.tools.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "start" in out.stdout and "grade" in out.stdout
