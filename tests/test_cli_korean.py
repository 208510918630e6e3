"""Korean on request (issue 14): `course start --lang ko`, `course grade --lang ko`, COURSE_LANG=ko.

The start tests use the real Korean exercises and the real catalogue (the `course` command's
messages are translated). The grading tests replace the catalogue with a small one, so that
they do not depend on the translation of the checks' messages, and never start a kernel.
"""

from __future__ import annotations

import io
import json
import queue
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from course_utils import i18n
from course_utils.i18n import _, current_language, set_language, speaking
from course_utils.tools import cli, grader, judge, sandbox
from course_utils.tools.grader import GradeReport, TaskReport, notebook_language

REPO = Path(__file__).resolve().parent.parent
STEM = "02_00_perceptron_logic_gates"
HANGUL = re.compile("[가-힣]")


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    monkeypatch.setenv("COURSE_WORK_DIR", str(tmp_path / "work"))
    previous = set_language(None)
    yield
    set_language(previous)


def _korean(message: str, **values) -> str:
    with speaking("ko"):
        return _(message).format(**values)


def test_start_lang_ko_copies_the_korean_exercise_and_says_so_in_korean(tmp_path, capsys):
    assert cli.main(["start", "02_00", "--lang", "ko"]) == 0
    copy = tmp_path / "work" / "ko" / f"{STEM}.ipynb"
    assert copy.read_bytes() == (REPO / "exercises" / "ko" / f"{STEM}.ipynb").read_bytes()
    assert copy.read_bytes() != (REPO / "exercises" / f"{STEM}.ipynb").read_bytes()
    out = capsys.readouterr().out
    started = _korean("Started exercise {number}: {path}", number="02_00", path=copy)
    assert started in out and HANGUL.search(started), out
    assert "Started exercise" not in out
    assert current_language() == "en"   # the option does not outlive the command


def test_course_lang_ko_starts_the_korean_copy_and_reports_errors_in_korean(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert cli.main(["start", "0"]) == 0
    assert (tmp_path / "work" / "ko" / f"{STEM}.ipynb").is_file()
    assert not (tmp_path / "work" / f"{STEM}.ipynb").exists()
    assert cli.main(["start", "0"]) == 0          # asked again: the copy is kept, said in Korean
    again = capsys.readouterr().out
    assert "--lang ko" in again and HANGUL.search(again) and "already exists" not in again
    assert cli.main(["start", "77"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and HANGUL.search(err) and "There is no lesson" not in err


def test_lang_en_wins_over_course_lang(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert cli.main(["start", "02_00", "--lang", "en"]) == 0
    assert (tmp_path / "work" / f"{STEM}.ipynb").is_file()
    assert not (tmp_path / "work" / "ko").exists()
    assert "Started exercise 02_00" in capsys.readouterr().out
    assert current_language() == "ko"


def test_list_lang_ko_shows_the_korean_notebooks(capsys):
    assert cli.main(["list", "--lang", "ko"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("notebooks/ko/" in line for line in lines)
    for line in lines:
        assert (REPO / line.split()[-1]).is_file(), line


def test_an_unknown_language_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["start", "02_00", "--lang", "fr"])
    assert exit_info.value.code == 2 and "ko" in capsys.readouterr().err


# --------------------------------------------------------------------------- grading

FAKE = {"Grading {name}": "채점: {name}", "Task {n}": "과제 {n}", "wrong": "틀림",
        "{passed} of {total} tasks passed ({seconds:.1f} s).": "과제 {total}개 중 {passed}개 통과 ({seconds:.1f}초).",
        "correct!": "맞았습니다!"}


@pytest.fixture
def fake_catalogue(monkeypatch):
    monkeypatch.setitem(i18n._CATALOGUES, "ko", dict(FAKE))


def _report(lang: str) -> GradeReport:
    return GradeReport(notebook="n.ipynb", exercise="02_00", lang=lang,
                       tasks=[TaskReport(1, "AND gate", "wrong", "not yet", "look at the bias")])


def test_a_report_speaks_its_own_language(fake_catalogue):
    text = _report("ko").to_text()
    assert text.startswith("채점: n.ipynb") and "과제 1" in text and "틀림" in text and "과제 1개 중 0개 통과" in text
    assert current_language() == "en"
    english = _report("en").to_text()
    assert english.startswith("Grading n.ipynb") and "Task 1" in english and not HANGUL.search(english)


def test_grade_lang_ko_reaches_the_grader_and_prints_in_korean(fake_catalogue, monkeypatch, tmp_path, capsys):
    seen = {}

    def fake_grade_notebook(path, **options):
        seen.update(options)
        return _report(options["lang"] or "en")

    monkeypatch.setattr(grader, "grade_notebook", fake_grade_notebook)
    notebook = tmp_path / f"{STEM}.ipynb"
    notebook.write_text("{}")
    assert cli.main(["grade", str(notebook), "--lang", "ko"]) == 1
    assert seen["lang"] == "ko"
    assert capsys.readouterr().out.startswith("채점: ")
    assert cli.main(["grade", str(notebook)]) == 1      # no option: the grader picks (notebook, COURSE_LANG)
    assert seen["lang"] is None
    assert capsys.readouterr().out.startswith("Grading ")


def test_a_feedback_page_speaks_its_reports_language(monkeypatch):
    """The student's feedback page: Korean headings and lang="ko" for a Korean report, English for an English one."""
    from course_utils.tools import gradebook

    monkeypatch.setitem(i18n._CATALOGUES, "ko", {"Task {n}": "과제 {n}", "Feedback": "피드백"})
    korean = gradebook.feedback_page(_report("ko"))
    assert '<html lang="ko">' in korean and "<h2>과제 1 · " in korean and "<title>피드백 · " in korean
    english = gradebook.feedback_page(_report("en"))
    assert '<html lang="en">' in english and "<h2>Task 1 · " in english and not HANGUL.search(english)
    assert current_language() == "en"


def test_the_grader_reads_a_notebooks_language():
    assert notebook_language(nbformat.read(REPO / "exercises" / "ko" / f"{STEM}.ipynb", as_version=4)) == "ko"
    assert notebook_language(nbformat.read(REPO / "exercises" / f"{STEM}.ipynb", as_version=4)) is None
    assert notebook_language(nbformat.v4.new_notebook(metadata={"course": {"lang": "xx"}})) is None


def test_the_judge_process_is_asked_for_the_language():
    fake = sandbox.Judge.__new__(sandbox.Judge)
    fake.process = SimpleNamespace(stdin=io.StringIO())
    fake._lines = queue.Queue()
    fake._lines.put(json.dumps({"results": {"1": {"status": "passed"}}}) + "\n")
    assert fake.judge("02_00", {1: "/x/task1"}, lang="ko") == {1: {"status": "passed"}}
    assert json.loads(fake.process.stdin.getvalue())["lang"] == "ko"


def test_the_judge_answers_in_the_requested_language(fake_catalogue, monkeypatch):
    class Exercise:
        def judge_exported(self, folder, number):
            return SimpleNamespace(status="passed", message=_("correct!"), title=current_language(), hint="")

    monkeypatch.setattr(judge, "_exercises", lambda: {"02_00": Exercise()})
    requests = [{"exercise": "02_00", "tasks": {"1": "/x"}, "lang": "ko"}, {"exercise": "02_00", "tasks": {"1": "/x"}}]
    answers = io.StringIO()
    judge.serve(io.StringIO("".join(json.dumps(r) + "\n" for r in requests)), answers)
    korean, english = (json.loads(line)["results"]["1"] for line in answers.getvalue().splitlines())
    assert (korean["message"], korean["title"]) == ("맞았습니다!", "ko")
    assert (english["message"], english["title"]) == ("correct!", "en")
    assert current_language() == "en"
