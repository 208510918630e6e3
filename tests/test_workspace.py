"""`course start`: copy an exercise into work/ without ever losing a student's work."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.errors import CourseError, UnknownLessonError
from course_utils.tools import catalog, cli, workspace
from course_utils.tools.catalog import Course, find_course, find_lesson, lessons
from course_utils.tools.workspace import start_exercise

REPO = Path(__file__).resolve().parent.parent
MY_ANSWERS = '{"cells": [{"cell_type": "code", "source": "nand_w = [-2, -2]"}], "mine": true}'


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
    first.write_text(MY_ANSWERS)
    again = start_exercise("02_00")
    assert not again.created and again.path == first
    assert first.read_text() == MY_ANSWERS
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


# --------------------------------------------------------------------------- which course (issue 9, defect 4)


def make_course(root: Path, stems=("02_00_gates", "02_01_xor_mlp")) -> Path:
    for kind in ("notebooks", "solutions", "exercises"):
        (root / kind).mkdir(parents=True)
    (root / "course_utils").mkdir()
    for stem in stems:
        for kind in ("solutions", "exercises"):
            (root / kind / f"{stem}.ipynb").write_text(f'{{"cells": [], "kind": "{kind}", "stem": "{stem}"}}')
    return root


@pytest.fixture()
def two_clones(tmp_path, monkeypatch):
    """Two checkouts with different lessons, no COURSE_ROOT, the current folder elsewhere."""
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    monkeypatch.delenv("COURSE_WORK_DIR", raising=False)
    a = make_course(tmp_path / "clone_a", ("02_00_alpha",))
    b = make_course(tmp_path / "clone_b", ("02_00_beta", "02_01_beta_two"))
    (b / "notebooks" / "deep" / "er").mkdir(parents=True)
    return a, b


def test_course_uses_the_clone_around_the_current_folder(two_clones, monkeypatch, capsys):
    a, b = two_clones
    monkeypatch.chdir(b / "notebooks" / "deep" / "er")
    assert find_course() == Course(b, "cwd")
    assert cli.main(["list"]) == 0
    out = capsys.readouterr()
    assert "02_00_beta" in out.out and "alpha" not in out.out
    assert out.err == ""                       # obvious: nothing to say
    assert cli.main(["start", "02_01"]) == 0
    assert (b / "work" / "02_01_beta_two.ipynb").is_file() and not (a / "work").exists()


def test_course_option_names_another_clone(two_clones, monkeypatch, capsys):
    a, b = two_clones
    monkeypatch.chdir(b)
    assert cli.main(["--course", str(a), "list"]) == 0
    assert "02_00_alpha" in capsys.readouterr().out
    assert cli.main(["start", "00", "--course", str(a)]) == 0
    assert (a / "work" / "02_00_alpha.ipynb").is_file() and not (b / "work").exists()
    assert find_course().root == b             # the option holds for one command only


def test_course_option_that_is_not_a_course(two_clones, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--course", str(tmp_path / "nowhere"), "list"]) == 2
    err = capsys.readouterr().err
    assert "no folder" in err and err.count("\n") == 1
    assert cli.main(["--course", str(tmp_path), "list"]) == 2
    assert "not a course folder" in capsys.readouterr().err


def test_outside_any_clone_it_says_which_course_it_uses(two_clones, tmp_path, monkeypatch, capsys):
    """Outside every checkout: the checkout the package was installed from, announced."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(catalog, "_INSTALLED_FROM", two_clones[0])
    assert cli.main(["list"]) == 0
    out = capsys.readouterr()
    assert "02_00_alpha" in out.out
    assert f"using the course in {two_clones[0]}" in out.err and "installed from" in out.err


def test_without_a_checkout_the_packaged_course_is_used_and_work_goes_here(tmp_path, monkeypatch, capsys):
    """A plain pip install: the course shipped in the package, copies in ./work."""
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    monkeypatch.delenv("COURSE_WORK_DIR", raising=False)
    packaged = tmp_path / "site" / "course_utils" / "_course"
    for kind in ("notebooks", "solutions", "exercises"):
        (packaged / kind).mkdir(parents=True)
        (packaged / kind / "02_00_shipped.ipynb").write_text('{"cells": [], "shipped": true}')
    here = tmp_path / "student"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setattr(catalog, "_INSTALLED_FROM", tmp_path / "site")
    monkeypatch.setattr(catalog, "PACKAGED_COURSE", packaged)
    assert find_course() == Course(packaged, "package")
    assert cli.main(["start", "02_00"]) == 0
    out = capsys.readouterr()
    assert (here / "work" / "02_00_shipped.ipynb").read_text() == '{"cells": [], "shipped": true}'
    assert "copy shipped with the installed package" in out.err and str(here / "work") in out.err
    with pytest.raises(CourseError, match="needs a checkout"):
        catalog.repo_root()                    # course run / generate never write into the package


def test_course_root_that_is_not_a_course(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    assert cli.main(["list"]) == 2
    assert "COURSE_ROOT" in capsys.readouterr().err


# --------------------------------------------------------------------------- system errors (issue 9, defect 5)


def _one_clean_line(err: str) -> str:
    """The one `error:` line (besides the note naming the course COURSE_ROOT points at)."""
    lines = [line for line in err.splitlines() if not line.startswith("course: using the course in ")]
    assert "Traceback" not in err and len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_work_that_is_a_file(course, capsys):
    (course / "work").write_text("not a folder")
    assert cli.main(["start", "02_00"]) == 2
    err = _one_clean_line(capsys.readouterr().err)
    assert "is a file" in err and "COURSE_WORK_DIR" in err
    assert (course / "work").read_text() == "not a folder"


def test_work_not_writable(course, monkeypatch, capsys):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(workspace.tempfile, "mkstemp", denied)
    assert cli.main(["start", "02_00"]) == 2
    err = _one_clean_line(capsys.readouterr().err)
    assert "permission denied" in err and "COURSE_WORK_DIR" in err
    assert not (course / "work" / "02_00_gates.ipynb").exists()


def test_disk_full_halfway_leaves_no_copy_and_a_later_start_works(course, monkeypatch, capsys):
    def half_then_full(src, dst, *args):
        dst.write(src.read()[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(workspace.shutil, "copyfileobj", half_then_full)
    assert cli.main(["start", "02_00"]) == 2
    err = _one_clean_line(capsys.readouterr().err)
    assert "disk is full" in err
    assert list((course / "work").iterdir()) == []          # no copy, no temporary file
    monkeypatch.undo()
    monkeypatch.setenv("COURSE_ROOT", str(course))
    result = start_exercise("02_00")
    assert result.created and "already exists" not in result.message
    assert result.path.read_text() == (course / "exercises" / "02_00_gates.ipynb").read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file-size limit")
def test_file_size_limit_in_a_real_process(course):
    """A real failing write (RLIMIT_FSIZE): one line, exit 2, nothing under the real name."""
    import resource
    import signal

    big = '{"cells": [], "pad": "' + "x" * 20_000 + '"}'
    (course / "exercises" / "02_00_gates.ipynb").write_text(big)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    cmd = [sys.executable, "-m", "course_utils.tools.cli", "start", "02_00"]
    env = {**os.environ, "COURSE_ROOT": str(course)}
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, preexec_fn=limit, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "larger than this system allows" in _one_clean_line(run.stderr)
    assert list((course / "work").iterdir()) == []
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "Started exercise 02_00" in again.stdout, again.stderr
    assert (course / "work" / "02_00_gates.ipynb").read_text() == big


def test_a_damaged_copy_is_not_called_your_copy(course):
    target = course / "work" / "02_00_gates.ipynb"
    target.parent.mkdir()
    target.write_text('{"cells": [{"cell_type": "co')       # cut short by an older version
    result = start_exercise("02_00")
    assert not result.created and "not a readable notebook" in result.message and "--new" in result.message
    assert "already exists" not in result.message
    assert target.read_text() == '{"cells": [{"cell_type": "co'


@pytest.mark.parametrize("number", ["-1", "-01", "+1", "1.5", "2e1", "x", "02_00x", "100", "٠١", ""])
def test_odd_numbers_are_refused(course, number, capsys):
    assert cli.main(["start", number]) == 2
    err = capsys.readouterr().err
    assert f"{number!r}" in err and "02_00 (gates)" in err
    assert not (course / "work").exists() or list((course / "work").iterdir()) == []


@pytest.mark.parametrize("number", ["1", "01", "2_1", "02-01", "0201", "02_01_xor_mlp", "exercises/02_01_xor_mlp.ipynb"])
def test_good_spellings_still_work(course, number):
    assert find_lesson(number).number == "02_01"


def test_grade_without_the_tools_extra_says_how_to_get_it(tmp_path):
    """A plain `pip install nn-basics-course` has no nbclient: one line naming the extra."""
    code = ("import sys; sys.modules['nbformat'] = sys.modules['nbclient'] = None\n"
            "from course_utils.tools.cli import main; sys.exit(main(['grade', 'x.ipynb']))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and 'pip install "nn-basics-course[tools]"' in run.stderr
