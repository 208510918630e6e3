"""Tests for course_utils.checks.inputs: reading a student's value for a judge (as_array,
as_number, model_outputs) and refusing it with a message."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.checks.core import Exercise, WrongAnswer
from course_utils.checks.export import unsupported
from course_utils.checks.inputs import as_array, as_number, model_outputs


def test_as_array_converts_numbers():
    out = as_array([1, 2], shape=(2,), name="w")
    assert isinstance(out, np.ndarray) and out.dtype == float and out.tolist() == [1.0, 2.0]
    assert as_array([[1], [2], [3]], shape=(None, 1)).shape == (3, 1)
    assert as_array(np.int64(3), shape=()).item() == 3.0
    assert as_array([1, 2], dtype=int).dtype.kind == "i"


@pytest.mark.parametrize(
    "value, shape, message",
    [
        (None, None, "`w` is None — did you forget to assign it (or to `return` it)?"),
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
        (None, "`model` is None — did you forget to assign it (or to `return` it)?"),
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

    exercise = Exercise("02_01")

    @exercise.task("AND model", names=("model",), hints=("h",))
    def task1(model):
        message = judge(model)
        if message:
            raise WrongAnswer(message)

    task = task1
    assert task.evaluate({"model": _linear_model(keras, [1.0, 1.0], -1.5)}).passed
    assert task.evaluate({"model": _linear_model(keras, [1.0, 1.0], -0.5)}).message == "your model does not compute AND"
    assert task.evaluate({"model": keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])}).status == "wrong"
    assert task.evaluate({"model": None}).status == "wrong"




@pytest.mark.parametrize("value, words", [
    (None, "is None"), ("3", "yours is a str"), (True, "yours is a bool"), ([1, 2], "holds 2 values"),
    (float("nan"), "NaN or infinite"), (unsupported("function"), "yours is a function"),
])
def test_as_number_refuses_with_a_message(value, words):
    with pytest.raises(WrongAnswer, match=words):
        as_number(value, "x")


def test_as_number_reads_numpy_and_one_element_arrays():
    assert as_number(np.float32(0.5), "x") == 0.5
    assert as_number(np.array([[2.0]]), "x") == 2.0
    assert as_number(3, "x") == 3.0


def test_unsupported_values_are_refused_by_name():
    with pytest.raises(WrongAnswer, match="yours is a set"):
        as_array(unsupported("set"), name="x")
    with pytest.raises(WrongAnswer, match="yours is a function"):
        model_outputs(unsupported("function"), np.zeros((1, 2)), name="m")
