"""Tests for course_utils.checks.core and .export: declaring tasks, statuses and messages,
tiered hints, solution(), strict mode, namespace lookup, and the values judges see."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from course_utils.checks import core
from course_utils.checks.core import MIMETYPE, SOLUTION_MIMETYPE, CheckResult, Exercise, WrongAnswer
from course_utils.checks.export import HistoryRecord, Recorded, Unsupported, calls, key, to_plain
from course_utils.checks.inputs import as_array
from course_utils.errors import CheckFailed

# The expected answer of the "secret" task below: digits that would be easy to spot in a message.
SECRET_W = np.array([-2.71828, 3.14159])
SECRET_B = 1.41421
SECRET_TEXTS = ("2.71828", "3.14159", "1.41421", "2.718", "3.141", "1.414", repr(SECRET_W))
NAND_HINTS = ("NAND is NOT AND: think about the signs.", "Flip every sign of the AND weights and bias.")


def nand_task():
    exercise = Exercise("02_00")

    @exercise.task("NAND weights", names=("nand_w", "nand_b"), hints=NAND_HINTS)
    def task1(nand_w, nand_b):
        w = as_array(nand_w, shape=(2,), name="nand_w")
        b = float(as_array(nand_b, shape=(), name="nand_b"))
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        for row, out, want in zip(x, (x @ w + b > 0).astype(int), [1, 1, 1, 0]):
            if out != want:
                raise WrongAnswer(f"for input {tuple(int(v) for v in row)} your perceptron outputs {out}, "
                                  f"NAND should give {want}")

    return task1


def secret_task():
    exercise = Exercise("02_99")

    @exercise.task("secret weights", names=("w", "b"), hints=("Solve the normal equations.",))
    def task1(w, b):
        w = as_array(w, shape=(2,), name="w")
        b = float(as_array(b, shape=(), name="b"))
        if not np.allclose(w, SECRET_W, atol=1e-4):
            raise WrongAnswer("your weights are not the ones that minimise the loss")
        if abs(b - SECRET_B) > 1e-4:
            raise WrongAnswer("your bias is off")

    return task1


def one_task(judge, names=("a",), **options):
    exercise = Exercise("02_00")
    judge.__name__ = "task1"
    return exercise.task("t", names=names, hints=options.pop("hints", ("h",)), **options)(judge)


@pytest.fixture
def lenient(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "0")


# --------------------------------------------------------------------------- declaring


def test_tasks_number_in_registration_order():
    exercise = Exercise("02_42")

    @exercise.task("first", names="a", hints="h1")
    def task1(a):
        pass

    @exercise.task("second", names=("a", "b"), hints=("h1", "h2"))
    def task2(a, b):
        pass

    assert [t.number for t in exercise.tasks] == [1, 2]
    assert task2.names == ("a", "b") and task1.names == ("a",) and task1.hints == ("h1",)
    assert exercise.evaluate({"a": 1, "b": 2})[1].passed


def test_a_task_out_of_order_or_badly_named_is_refused():
    exercise = Exercise("02_42")
    with pytest.raises(TypeError, match="task1"):
        @exercise.task("x", names="a", hints="h")
        def task2(a):
            pass
    with pytest.raises(ValueError, match="names"):
        @exercise.task("x", names=("not a name",), hints="h")
        def task1(a):
            pass
    with pytest.raises(ValueError, match="02_00"):
        Exercise("2")


# --------------------------------------------------------------------------- statuses


def test_right_answer_passes():
    result = nand_task().evaluate({"nand_w": [-2, -2], "nand_b": 3})
    assert result == CheckResult("02_00", 1, "passed", "correct!", NAND_HINTS[0], "NAND weights")
    assert result.text == "✅ Task 1 (NAND weights): correct!"


@pytest.mark.parametrize("w, b", [([2, 2], -3), ([-2, -2], 1), ([0, 0], 0)])
def test_wrong_answers_show_the_reason_and_only_the_first_hint(w, b):
    result = nand_task().evaluate({"nand_w": w, "nand_b": b})
    assert result.status == "wrong" and "NAND should give" in result.message
    assert result.text == f"❌ Task 1 (NAND weights): not yet — {result.message}. Hint: {NAND_HINTS[0]}"
    assert NAND_HINTS[1] not in result.text


@pytest.mark.parametrize("namespace", [{}, {"nand_w": [-2, -2]}, {"nand_b": 3}])
def test_any_missing_name_is_not_attempted(namespace):
    result = nand_task().evaluate(namespace)
    assert result.status == "not_attempted"
    assert result.text == ("✏️ Task 1 (NAND weights): not attempted yet — define `nand_w`, `nand_b` in the "
                           "cell above (replace the `raise NotImplementedError`)")


def test_none_is_wrong_once_in_the_core_unless_optional():
    calls_seen = []

    def task1(a, b):
        calls_seen.append((a, b))

    task = one_task(task1, names=("a", "b"))
    result = task.evaluate({"a": None, "b": 1})
    assert result.status == "wrong" and result.message.startswith("`a` is None")
    assert calls_seen == []                      # the judge never saw the None

    def task1(a, b):
        if b is not None:
            raise WrongAnswer("b must stay None")

    assert one_task(task1, names=("a", "b"), optional=("b",)).evaluate({"a": 1, "b": None}).passed


def test_a_function_whose_body_is_the_blank_is_not_attempted():
    def task1(square):
        if square(3) != 9:
            raise WrongAnswer("`square(3)` should be 9")

    task = one_task(task1, names=("square",), probes={"square": calls(lambda: [(3,)])})

    def blank(x):
        raise NotImplementedError("Task: replace this line with your code")

    assert task.evaluate({"square": blank}).status == "not_attempted"
    assert task.evaluate({"square": lambda x: x * x}).passed
    wrong = task.evaluate({"square": lambda x: x + x})
    assert wrong.status == "wrong" and wrong.message == "`square(3)` should be 9"
    broken = task.evaluate({"square": lambda x: 1 / 0})
    assert broken.status == "wrong" and broken.message == "square(3) raised ZeroDivisionError: division by zero"


def test_only_wrong_answer_says_wrong_and_a_returned_value_is_a_bug():
    assert one_task(lambda a: "a message").evaluate({"a": 1}).message.startswith("could not check your answer")
    assert "bug in the check" in one_task(lambda a: True).evaluate({"a": 1}).message


def test_judge_exceptions_never_show_a_traceback():
    def task1(a):
        raise ValueError("first line\nsecond line with internals")

    result = one_task(task1).evaluate({"a": 1})
    assert result.message == "could not check your answer: ValueError: first line"

    def task1(a):
        np.testing.assert_allclose(np.asarray(a, dtype=float), SECRET_W)

    result = one_task(task1).evaluate({"a": [0.0, 0.0]})
    assert result.status == "wrong" and not any(s in result.text for s in SECRET_TEXTS)


@pytest.mark.parametrize("w, b", [([0.0, 0.0], 0.0), ([-2.71828, 3.0], SECRET_B), (SECRET_W, 0.0),
                                  ([1, 2, 3], 1), ("abc", 1), ({"w": 1}, 1), ([np.nan, 1.0], 1),
                                  ([1.0, 2.0], [1.0, 2.0])])
def test_messages_never_reveal_the_expected_answer(w, b):
    task = secret_task()
    result = task.evaluate({"w": w, "b": b})
    assert result.status == "wrong"
    shown = " ".join([result.text, result.message, str(result.payload)])
    assert not any(secret in shown for secret in SECRET_TEXTS), shown
    assert task.evaluate({"w": SECRET_W.copy(), "b": SECRET_B}).passed


def test_payload_has_the_fixed_keys():
    result = nand_task().evaluate({})
    assert result.payload == {"exercise": "02_00", "task": 1, "title": "NAND weights",
                              "status": "not_attempted", "message": result.message}


# --------------------------------------------------------------------------- hints and solutions


def test_hints_are_tiered(capsys):
    task = nand_task()
    task.hint()
    first = capsys.readouterr().out
    assert NAND_HINTS[0] in first and NAND_HINTS[1] not in first and "hint(2)" in first
    task.hint(2)
    second = capsys.readouterr().out
    assert NAND_HINTS[1] in second and "solution()" in second
    task.hint(9)                                   # past the last: the last one again
    assert NAND_HINTS[1] in capsys.readouterr().out


def test_solution_reads_the_blocks_of_the_solution_notebook(tmp_path, monkeypatch, capsys):
    cells = [
        {"cell_type": "code", "source": "import x"},
        {"cell_type": "code", "source": "### BEGIN SOLUTION\nnand_w = (-2, -2)\n### END SOLUTION\nprint(1)"},
        {"cell_type": "code", "source": "checks.task1.check()"},
        {"cell_type": "code", "source": "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"},
        {"cell_type": "code", "source": "checks.task2.check()"},
    ]
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "02_00_demo.ipynb").write_text(json.dumps({"cells": cells}))
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    assert core.solution_blocks("02_00", 1) == ["nand_w = (-2, -2)"]
    assert core.solution_blocks("02_00", 2) == ["return x"]
    nand_task().solution()
    assert "nand_w = (-2, -2)" in capsys.readouterr().out
    with pytest.raises(LookupError, match="no solution block for task 3"):
        core.solution_blocks("02_00", 3)


def test_solution_of_a_missing_notebook_says_where_it_is(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    with pytest.raises(LookupError, match="solutions/"):
        core.solution_blocks("02_77", 1)


def test_every_course_task_has_two_hint_tiers_or_more_and_a_solution():
    import importlib

    for n in range(10):
        exercise = importlib.import_module(f"course_utils.checks.ex02_0{n}").exercise
        for task in exercise.tasks:
            assert task.hints, f"{exercise.number} task {task.number} has no hint"
            assert core.solution_blocks(exercise.number, task.number), (exercise.number, task.number)


# --------------------------------------------------------------------------- check(): namespace, display, strict


def test_check_reads_the_callers_globals(lenient, capsys):
    task = nand_task()
    exec("task.check()", {"task": task, "nand_w": [-2, -2], "nand_b": 3})
    assert capsys.readouterr().out == "✅ Task 1 (NAND weights): correct!\n"
    exec("def run():\n    nand_b = -100  # a local: must not be read\n    task.check()\nrun()",
         {"task": task, "nand_w": [-2, -2], "nand_b": 3})
    assert capsys.readouterr().out == "✅ Task 1 (NAND weights): correct!\n"


def test_strict_mode_raises_after_showing(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "1")
    task = nand_task()
    with pytest.raises(CheckFailed, match="COURSE_STRICT=1"):
        task.check({"nand_w": [2, 2], "nand_b": -3})
    assert capsys.readouterr().out.startswith("❌ Task 1 (NAND weights): not yet")
    with pytest.raises(CheckFailed, match="not attempted"):
        task.check({})
    task.check({"nand_w": [-2, -2], "nand_b": 3})
    capsys.readouterr()
    monkeypatch.setenv("COURSE_STRICT", "0")
    task.check({})
    task.check({"nand_w": [2, 2], "nand_b": -3})
    assert capsys.readouterr().out.count("Task 1") == 2


@pytest.fixture
def ipython_shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def test_check_and_solution_display_their_payloads_in_ipython(lenient, ipython_shell, tmp_path, monkeypatch):
    from IPython.utils.capture import capture_output

    (tmp_path / "solutions").mkdir()
    cells = [{"cell_type": "code", "source": "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"},
             {"cell_type": "code", "source": "checks.task1.check()"}]
    (tmp_path / "solutions" / "02_00_demo.ipynb").write_text(json.dumps({"cells": cells}))
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    ipython_shell.user_ns["checks_task1"] = nand_task()
    with capture_output() as captured:
        ipython_shell.run_cell("nand_w = [2, 2]\nnand_b = -3\nchecks_task1.check()")
        ipython_shell.run_cell("nand_w = [-2, -2]\nnand_b = 3\nchecks_task1.check()")
        ipython_shell.run_cell("checks_task1.solution()")
    wrong, right, solution = (out.data for out in captured.outputs)
    assert wrong[MIMETYPE]["status"] == "wrong" and "course-check-wrong" in wrong["text/html"]
    assert right[MIMETYPE] == {"exercise": "02_00", "task": 1, "title": "NAND weights",
                               "status": "passed", "message": "correct!"}
    assert right["text/plain"] == "✅ Task 1 (NAND weights): correct!"
    assert solution[SOLUTION_MIMETYPE] == {"exercise": "02_00", "task": 1} and "x = 1" in solution["text/plain"]


# --------------------------------------------------------------------------- what judges see (export)


def test_to_plain_keeps_data_and_refuses_the_rest():
    df = pd.DataFrame({"a": [1.0, 2.0]}, index=[5, 7])
    plain = to_plain({"n": np.float32(0.5), "arr": np.arange(3), "df": df, "t": (1, [2, None]), "s": "x"})
    assert plain["n"] == 0.5 and type(plain["n"]) is float
    assert plain["arr"].tolist() == [0, 1, 2] and plain["df"].index.tolist() == [5, 7]
    assert plain["t"] == (1, [2, None]) and plain["s"] == "x"
    df.loc[5, "a"] = 99.0
    assert plain["df"].loc[5, "a"] == 1.0            # a copy: later edits do not change it
    for value, name in (({1, 2}, "set"), (lambda x: x, "function"), (np.array([object()]), "NumPy array of object")):
        out = to_plain(value)
        assert isinstance(out, Unsupported) and type(out).__name__ == name


def test_to_plain_turns_a_history_into_a_record():
    class FakeHistory:
        history = {"loss": [np.float32(2.0), 1.0]}
        epoch = [0, 1]
        params = {"epochs": 2, "verbose": 0}

    record = to_plain(FakeHistory())
    assert isinstance(record, HistoryRecord) and record.history == {"loss": [2.0, 1.0]} and record.epoch == [0, 1]


def test_calls_records_results_and_errors_and_copies_inputs():
    def mutating(x):
        x += 1
        return x * 2

    probe = calls(lambda: [(np.array([1.0, 2.0]),), ((np.array([0.0]),), {})])
    recorded = probe(mutating, {})
    assert isinstance(recorded, Recorded)
    assert recorded(np.array([1.0, 2.0])).tolist() == [4.0, 6.0]   # computed on a copy of the input
    with pytest.raises(LookupError):
        recorded(np.array([5.0]))
    assert key((np.array([1.0]), {})) != key((np.array([1.0], dtype="float32"), {}))
