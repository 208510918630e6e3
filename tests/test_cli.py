"""The `course` command turns every course error, system error and bad number into one line on
stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import errno
import os
import subprocess
import sys

import pytest

from course_utils.errors import DatasetError
from course_utils.tools import cli
from course_utils.tools.cli import describe_os_error, positive_float, positive_int
from course_utils.tools.notebook_io import write_notebook
from helpers import make_notebook


def run_course(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """The installed command as a user types it (a fresh process: real stderr, real exit code)."""
    return subprocess.run([sys.executable, "-m", "course_utils.tools.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("text, value", [("60", 60.0), ("0.5", 0.5), ("1e3", 1000.0)])
def test_positive_float_accepts_seconds(text, value):
    assert positive_float(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "-0.0", "nan", "inf", "abc", ""])
def test_positive_float_refuses(text):
    with pytest.raises(argparse.ArgumentTypeError, match=f"not {text!r}"):
        positive_float(text)


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "two"])
def test_positive_int_refuses(text):
    with pytest.raises(argparse.ArgumentTypeError, match="whole number from 1 up"):
        positive_int(text)
    assert positive_int("2") == 2


@pytest.mark.parametrize("args, words", [
    (["grade", "x.ipynb", "--timeout", "0"], "argument --timeout: must be a number of seconds above 0"),
    (["grade", "x.ipynb", "--total-timeout", "-5"], "argument --total-timeout: must be a number of seconds above 0"),
    (["grade", "x.ipynb", "--timeout", "soon"], "argument --timeout: must be a number of seconds, e.g. 60, not 'soon'"),
    (["run", "--workers", "0"], "argument --workers: must be a whole number from 1 up"),
    (["run", "--workers", "-1"], "argument --workers: must be a whole number from 1 up"),
])
def test_bad_numbers_are_refused_before_anything_runs(args, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_course_grade_timeout_0_in_a_real_process(tmp_path):
    out = run_course("grade", str(tmp_path / "02_00_x.ipynb"), "--timeout", "0")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].endswith(
        "error: argument --timeout: must be a number of seconds above 0, e.g. 60, not '0'")


# --------------------------------------------------------------------------- course errors and system errors


def test_course_clean_on_a_read_only_file(tmp_path, capsys):
    path = write_notebook(make_notebook("x = 1"), tmp_path / "sol.ipynb")
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        assert cli.main(["clean", str(path)]) == 2
        line = one_error_line(capsys.readouterr().err)
        assert str(path) in line and "read-only" in line and "check the permissions" in line
        assert path.read_bytes() == before
    finally:
        path.chmod(0o644)


def test_course_clean_on_a_missing_file_and_on_a_folder(tmp_path, capsys):
    assert cli.main(["clean", str(tmp_path / "missing.ipynb")]) == 2
    assert "Notebook not found" in one_error_line(capsys.readouterr().err)
    assert cli.main(["clean", str(tmp_path)]) == 2
    assert "Notebook not found" in one_error_line(capsys.readouterr().err)


def test_course_generate_when_exercises_is_a_file(course_folder, capsys):
    solution = make_notebook(("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    write_notebook(solution, course_folder / "solutions" / "02_99_x.ipynb")
    (course_folder / "exercises").rmdir()
    (course_folder / "exercises").write_text("not a folder", encoding="utf-8")
    assert cli.main(["generate"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "exercises" in line and "a file is where a folder should be" in line


def test_course_clean_when_the_disk_is_full(tmp_path, monkeypatch, capsys):
    path = write_notebook(make_notebook("x = 1"), tmp_path / "sol.ipynb")
    before = path.read_bytes()

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    assert cli.main(["clean", str(path)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == f"error: {os.strerror(errno.ENOSPC)}: {path} (the disk is full; free some space and run the command again)"
    assert path.read_bytes() == before


def test_every_course_error_is_one_line(monkeypatch, capsys):
    def broken(args):
        raise DatasetError("Cannot find the course data folder. Looked in:\n  - here\n  - there")

    monkeypatch.setattr(cli, "_cmd_list", broken)
    assert cli.main(["list"]) == 2
    assert one_error_line(capsys.readouterr().err) == \
        "error: Cannot find the course data folder. Looked in: - here - there"


@pytest.mark.parametrize("exc, expected", [
    (PermissionError(errno.EACCES, "Permission denied", "/x/work"),
     "Permission denied: /x/work (check the permissions of the file and its folder)"),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/x/work/a.ipynb"),
     "Not a directory: /x/work/a.ipynb (a file is where a folder should be; rename or remove that file)"),
    (OSError(errno.EIO, "Input/output error"), "Input/output error"),
])
def test_describe_os_error(exc, expected):
    assert describe_os_error(exc) == expected
