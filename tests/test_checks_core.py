"""Tests for course_utils.checks.core: statuses, messages, strict mode, namespace lookup,
judge helpers (as_array, model_outputs)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.checks import core
from course_utils.checks.core import MIMETYPE, CheckResult, Task, WrongAnswer, as_array, model_outputs
from course_utils.errors import CheckFailed, CourseError

# The expected answer of the "secret" task below: digits that would be easy to spot in a message.
SECRET_W = np.array([-2.71828, 3.14159])
SECRET_B = 1.41421
SECRET_TEXTS = ("2.71828", "3.14159", "1.41421", "2.718", "3.141", "1.414", repr(SECRET_W))


def _nand_judge(nand_w, nand_b):
    w = as_array(nand_w, shape=(2,), name="nand_w")
    b = float(as_array(nand_b, shape=(), name="nand_b"))
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    got = (x @ w + b > 0).astype(int)
    for row, out, want in zip(x, got, [1, 1, 1, 0]):
        if out != want:
            return f"for input {tuple(int(v) for v in row)} your perceptron outputs {out}, NAND should give {want}"
    return None


def nand_task() -> Task:
    return Task(
        exercise="02_00",
        number=1,
        title="NAND weights",
        names=("nand_w", "nand_b"),
        judge=_nand_judge,
        hint="NAND is NOT AND: flip the signs of the AND weights and bias.",
    )


def secret_task() -> Task:
    def judge(w, b):
        w = as_array(w, shape=(2,), name="w")
        b = float(as_array(b, shape=(), name="b"))
        if not np.allclose(w, SECRET_W, atol=1e-4):
            return "your weights are not the ones that minimise the loss"
        if abs(b - SECRET_B) > 1e-4:
            return "your bias is off"
        return None

    return Task("02_99", 2, "secret weights", ("w", "b"), judge, hint="Solve the normal equations.")


@pytest.fixture
def lenient(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "0")


# --------------------------------------------------------------------------- statuses


def test_right_answer_passes():
    result = nand_task().evaluate({"nand_w": [-2, -2], "nand_b": 3})
    assert result == CheckResult("02_00", 1, "passed", "correct!", nand_task().hint, "NAND weights")
    assert result.passed
    assert result.text == "✅ Task 1 (NAND weights): correct!"


@pytest.mark.parametrize(
    "w, b",
    [([2, 2], -3), ([-2, -2], 1), ([0, 0], 0)],  # AND, wrong bias, all zero
)
def test_wrong_answers_are_wrong_with_reason_and_hint(w, b):
    result = nand_task().evaluate({"nand_w": w, "nand_b": b})
    assert result.status == "wrong" and not result.passed
    assert "NAND should give" in result.message
    assert result.text == (
        f"❌ Task 1 (NAND weights): not yet — {result.message}. "
        "Hint: NAND is NOT AND: flip the signs of the AND weights and bias."
    )


@pytest.mark.parametrize("namespace", [{}, {"nand_w": [-2, -2]}, {"nand_b": 3}])
def test_any_missing_name_is_not_attempted(namespace):
    result = nand_task().evaluate(namespace)
    assert result.status == "not_attempted"
    assert result.text == (
        "✏️ Task 1 (NAND weights): not attempted yet — define `nand_w`, `nand_b` in the cell above "
        "(replace the `raise NotImplementedError`)"
    )


def test_function_still_raising_not_implemented_is_not_attempted():
    def judge(square):
        return None if square(3) == 9 else "`square(3)` should be 9"

    task = Task("02_02", 2, "square", ("square",), judge, hint="x * x")

    def blank(x):
        raise NotImplementedError("Task: replace this line with your code")

    result = task.evaluate({"square": blank})
    assert result.status == "not_attempted"
    assert result.message == "define `square` in the cell above (replace the `raise NotImplementedError`)"
    assert task.evaluate({"square": lambda x: x * x}).passed
    assert task.evaluate({"square": lambda x: x + x}).status == "wrong"


def test_none_and_wrong_types_are_wrong_with_clear_message():
    task = nand_task()
    none = task.evaluate({"nand_w": None, "nand_b": 3})
    assert none.status == "wrong"
    assert none.message == "`nand_w` is None — did you forget to assign it?"
    text = task.evaluate({"nand_w": "-2, -2", "nand_b": 3})
    assert text.status == "wrong" and "`nand_w` should be numbers" in text.message
    shape = task.evaluate({"nand_w": [-2, -2, 1], "nand_b": 3})
    assert shape.message == "`nand_w` should have shape (2,), yours has (3,)"


def test_judge_exception_is_wrong_without_traceback():
    def judge(a):
        return None if a + 1 == 2 else "no"

    task = Task("02_00", 3, "", ("a",), judge, hint="")
    result = task.evaluate({"a": "text"})
    assert result.status == "wrong"
    assert result.message.startswith("could not check your answer: TypeError: ")
    assert "Traceback" not in result.message and "\n" not in result.message
    assert result.text == f"❌ Task 3: not yet — {result.message}."  # no title, no hint


def test_judge_exception_keeps_only_first_line_of_message():
    def judge(a):
        raise ValueError("first line\nsecond line with internals")

    result = Task("02_00", 1, "t", ("a",), judge).evaluate({"a": 1})
    assert result.message == "could not check your answer: ValueError: first line"


def test_judge_returning_nonsense_is_reported_as_bug_not_pass():
    result = Task("02_00", 1, "t", ("a",), lambda a: True).evaluate({"a": 1})
    assert result.status == "wrong" and "bug in the check" in result.message


def test_wrong_answer_raised_in_judge_is_the_message():
    def judge(a):
        raise WrongAnswer("`a` should be positive")

    result = Task("02_00", 1, "t", ("a",), judge, hint="h").evaluate({"a": -1})
    assert result.message == "`a` should be positive"
    assert result.text.endswith("not yet — `a` should be positive. Hint: h")


@pytest.mark.parametrize(
    "w, b",
    [
        ([0.0, 0.0], 0.0),
        ([-2.71828, 3.0], SECRET_B),
        (SECRET_W, 0.0),
        (None, SECRET_B),
        ([1, 2, 3], 1),
        ("abc", 1),
        ({"w": 1}, 1),
        ([np.nan, 1.0], 1),
        ([1.0, 2.0], [1.0, 2.0]),
    ],
)
def test_messages_never_reveal_the_expected_answer(w, b):
    task = secret_task()
    result = task.evaluate({"w": w, "b": b})
    assert result.status == "wrong"
    shown = " ".join([result.text, result.message, str(result.payload)])
    for secret in SECRET_TEXTS:
        assert secret not in shown, f"{secret!r} leaked in {shown!r}"
    assert task.evaluate({"w": SECRET_W.copy(), "b": SECRET_B}).passed


def test_assertion_inside_judge_does_not_leak_expected_array():
    def judge(w):
        np.testing.assert_allclose(np.asarray(w, dtype=float), SECRET_W)

    result = Task("02_99", 1, "t", ("w",), judge).evaluate({"w": [0.0, 0.0]})
    assert result.status == "wrong"
    for secret in SECRET_TEXTS:
        assert secret not in result.text


def test_task_validates_its_definition():
    with pytest.raises(ValueError, match="names"):
        Task("02_00", 1, "t", (), lambda: None)
    with pytest.raises(ValueError, match="names"):
        Task("02_00", 1, "t", ("not a name",), lambda **kw: None)
    with pytest.raises(TypeError, match="judge"):
        Task("02_00", 1, "t", ("a",), "not callable")
    assert Task("02_00", 1, "t", "a", lambda a: None).names == ("a",)


def test_hint_is_text_and_callable(capsys):
    task = nand_task()
    assert task.hint == "NAND is NOT AND: flip the signs of the AND weights and bias."
    task.hint()
    assert capsys.readouterr().out == (
        "💡 Task 1 (NAND weights) — hint: NAND is NOT AND: flip the signs of the AND weights and bias.\n"
    )


def test_payload_has_the_fixed_keys():
    result = nand_task().evaluate({})
    assert result.payload == {
        "exercise": "02_00",
        "task": 1,
        "title": "NAND weights",
        "status": "not_attempted",
        "message": result.message,
    }


# --------------------------------------------------------------------------- check(): namespace, display, strict


def test_check_reads_the_callers_globals(lenient, capsys):
    task = nand_task()
    exec("task.check()", {"task": task, "nand_w": [-2, -2], "nand_b": 3})
    assert capsys.readouterr().out == "✅ Task 1 (NAND weights): correct!\n"
    exec("task.check()", {"task": task, "nand_w": [2, 2], "nand_b": -3})
    assert capsys.readouterr().out.startswith("❌ Task 1 (NAND weights): not yet — ")
    exec("task.check()", {"task": task})
    assert capsys.readouterr().out.startswith("✏️ Task 1 (NAND weights): not attempted yet")


def test_check_uses_globals_of_a_calling_function(lenient, capsys):
    namespace = {"task": nand_task(), "nand_w": [-2, -2], "nand_b": 3}
    exec("def run():\n    nand_b = -100  # a local: must not be read\n    task.check()\n", namespace)
    namespace["run"]()
    assert capsys.readouterr().out == "✅ Task 1 (NAND weights): correct!\n"


def test_check_with_explicit_namespace_returns_none(lenient, capsys):
    assert nand_task().check({"nand_w": [-2, -2], "nand_b": 3}) is None
    assert "correct!" in capsys.readouterr().out


def test_strict_mode_raises_after_showing(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "1")
    task = nand_task()
    with pytest.raises(CheckFailed) as info:
        task.check({"nand_w": [2, 2], "nand_b": -3})
    assert isinstance(info.value, CourseError)
    assert "COURSE_STRICT=1" in str(info.value)
    assert capsys.readouterr().out.startswith("❌ Task 1 (NAND weights): not yet")
    with pytest.raises(CheckFailed, match="not attempted"):
        task.check({})
    task.check({"nand_w": [-2, -2], "nand_b": 3})  # passing never raises
    assert "correct!" in capsys.readouterr().out


def test_non_strict_mode_only_prints(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STRICT", "0")
    nand_task().check({"nand_w": [2, 2], "nand_b": -3})
    nand_task().check({})
    assert capsys.readouterr().out.count("Task 1") == 2


@pytest.fixture
def ipython_shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def test_check_in_ipython_displays_text_and_payload(lenient, ipython_shell):
    from IPython.utils.capture import capture_output

    ipython_shell.user_ns["checks_task1"] = nand_task()
    with capture_output() as captured:
        ipython_shell.run_cell("nand_w = [2, 2]\nnand_b = -3\nchecks_task1.check()")
        ipython_shell.run_cell("nand_w = [-2, -2]\nnand_b = 3\nchecks_task1.check()")
    assert len(captured.outputs) == 2
    wrong, right = (out.data for out in captured.outputs)
    assert wrong[MIMETYPE]["status"] == "wrong"
    assert wrong["text/plain"].startswith("❌ Task 1 (NAND weights): not yet — ")
    assert right[MIMETYPE] == {
        "exercise": "02_00",
        "task": 1,
        "title": "NAND weights",
        "status": "passed",
        "message": "correct!",
    }
    assert right["text/plain"] == "✅ Task 1 (NAND weights): correct!"


# --------------------------------------------------------------------------- as_array


def test_as_array_converts_numbers():
    out = as_array([1, 2], shape=(2,), name="w")
    assert isinstance(out, np.ndarray) and out.dtype == float and out.tolist() == [1.0, 2.0]
    assert as_array([[1], [2], [3]], shape=(None, 1)).shape == (3, 1)
    assert as_array(np.int64(3), shape=()).item() == 3.0
    assert as_array([1, 2], dtype=int).dtype.kind == "i"


@pytest.mark.parametrize(
    "value, shape, message",
    [
        (None, None, "`w` is None — did you forget to assign it?"),
        ([1, 2, 3], (2,), "`w` should have shape (2,), yours has (3,)"),
        ([[1, 2]], (2,), "`w` should have shape (2,), yours has (1, 2)"),
        ([1, 2], (2, 1), "`w` should have shape (2, 1), yours has (2,)"),
        ([[1, 2]], (None, 1), "`w` should have shape (any, 1), yours has (1, 2)"),
        ("1.5", None, "`w` should be numbers (a list or NumPy array), yours is a str"),
        ([[1, 2], [3]], None, "`w` should be numbers"),
        ({"a": 1}, None, "`w` should be numbers"),
        ([1.0, np.nan], None, "`w` contains NaN or infinity"),
        ([1.0, np.inf], None, "`w` contains NaN or infinity"),
    ],
)
def test_as_array_refuses_bad_values(value, shape, message):
    with pytest.raises(WrongAnswer) as info:
        as_array(value, shape=shape, name="w")
    assert str(info.value).startswith(message)


def test_as_array_can_allow_nan():
    assert np.isnan(as_array([np.nan], finite=False)).all()


# --------------------------------------------------------------------------- model_outputs (tiny Keras models)


@pytest.fixture(scope="module")
def keras():
    import keras

    keras.utils.set_random_seed(0)
    return keras


X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")


def _linear_model(keras, w, b):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([np.array(w, dtype="float32").reshape(2, 1), np.array([b], dtype="float32")])
    return model


def test_model_outputs_of_a_keras_model(keras):
    model = _linear_model(keras, [1.0, -2.0], 0.5)
    out = model_outputs(model, X4)
    assert isinstance(out, np.ndarray) and out.shape == (4, 1)
    np.testing.assert_allclose(out[:, 0], X4 @ np.array([1.0, -2.0]) + 0.5, rtol=1e-6)


def test_model_outputs_uses_inference_mode(keras):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.Dropout(0.9), keras.layers.Dense(1)])
    first, second = model_outputs(model, X4), model_outputs(model, X4)
    np.testing.assert_array_equal(first, second)  # dropout is off with training=False


def test_model_outputs_of_a_functional_model_and_a_function(keras):
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    assert model_outputs(model, X4).shape == (4, 3)
    assert model_outputs(lambda x: x.sum(axis=1), X4).tolist() == [0.0, 1.0, 1.0, 2.0]


@pytest.mark.parametrize(
    "bad, message",
    [
        (None, "`model` is None — did you forget to assign it?"),
        (3, "`model` should be a Keras model (or a function), yours is a int"),
        ("model", "`model` should be a Keras model (or a function), yours is a str"),
        (dict, "`model` should be a Keras model (or a function), yours is a type"),
    ],
)
def test_model_outputs_refuses_non_models(bad, message):
    with pytest.raises(WrongAnswer) as info:
        model_outputs(bad, X4)
    assert str(info.value) == message


def test_model_outputs_wrong_input_shape(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(WrongAnswer) as info:
        model_outputs(model, X4)
    assert str(info.value).startswith("`model` expects inputs of shape (None, 3) but the check feeds (4, 2)")


def test_model_outputs_unbuilt_model_is_refused_and_left_unbuilt(keras):
    model = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(WrongAnswer, match="has not been built yet"):
        model_outputs(model, X4)
    assert not model.built


def test_model_outputs_nan_outputs_and_failing_functions(keras):
    model = _linear_model(keras, [np.nan, 1.0], 0.0)
    with pytest.raises(WrongAnswer, match="NaN or infinite outputs"):
        model_outputs(model, X4)

    def broken(x):
        raise RuntimeError("inner detail\nmore")

    with pytest.raises(WrongAnswer) as info:
        model_outputs(broken, X4, name="f")
    assert str(info.value) == "calling `f` on inputs of shape (4, 2) failed: RuntimeError: inner detail"


def test_model_outputs_inside_a_task_gives_wrong_not_exception(keras):
    def judge(model):
        out = model_outputs(model, X4)
        return None if np.all((out[:, 0] > 0) == np.array([0, 0, 0, 1], bool)) else "your model does not compute AND"

    task = Task("02_01", 1, "AND model", ("model",), judge)
    assert task.evaluate({"model": _linear_model(keras, [1.0, 1.0], -1.5)}).passed
    assert task.evaluate({"model": _linear_model(keras, [1.0, 1.0], -0.5)}).message == "your model does not compute AND"
    assert task.evaluate({"model": keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])}).status == "wrong"
    assert task.evaluate({"model": None}).status == "wrong"


def test_core_module_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, course_utils.checks.core; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert core.STATUSES == ("passed", "wrong", "not_attempted")
