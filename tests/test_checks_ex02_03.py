"""Tests for the checks of exercise 02_03 (Boston housing, raw features): right answers pass,
wrong answers, None and wrong types are "wrong" with a message (never an exception), a
missing name is "not attempted", and no message gives the expected numbers away.

Right answers are built without training: the "trained" model has hand-set weights (its
output layer predicts the mean price), which is what SGD on raw features learns anyway."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pandas as pd
import pytest

from course_utils.checks import ex02_03 as checks
from course_utils.lesson.datasets import load_dataset


@pytest.fixture(scope="module")
def boston():
    df = load_dataset("boston")
    return df.drop(columns=["MEDV"]), df["MEDV"]


def make_model(n_inputs=13, n_outputs=1, out_activation=None, hidden=4):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((n_inputs,))
    h = keras.layers.Dense(hidden, activation="sigmoid")(inputs)
    outputs = keras.layers.Dense(n_outputs, activation=out_activation)(h)
    return keras.Model(inputs, outputs)


def predicts_constant(model, value):
    """Hand-set the output layer: zero kernel, bias = value (a 'trained' mean predictor)."""
    out = model.layers[-1]
    kernel, bias = out.get_weights()
    out.set_weights([np.zeros_like(kernel), np.full_like(bias, value)])
    return model


def rmse_of(model, X, y):
    pred = np.asarray(model(X.to_numpy("float32"), training=False)).ravel()
    return float(np.sqrt(np.mean((pred - y.to_numpy()) ** 2)))


@pytest.fixture(scope="module")
def trained(boston):
    X, y = boston
    model = predicts_constant(make_model(), y.mean())
    return model, rmse_of(model, X, y)


# --------------------------------------------------------------------------- task 1

def test_task1_right_answers_pass(boston):
    X, y = boston
    assert checks.task1.evaluate({"X": X, "y": y}).status == "passed"
    assert checks.task1.evaluate({"X": X.to_numpy(), "y": y.to_numpy()}).status == "passed"
    assert checks.task1.evaluate({"X": X, "y": y.to_frame()}).status == "passed"


@pytest.mark.parametrize("make, words", [
    (lambda X, y: (X.assign(MEDV=y), y), "target column"),
    (lambda X, y: (X.drop(columns=["B"]), y), "missing ['B']"),
    (lambda X, y: (X.iloc[:400], y), "all 506 rows"),
    (lambda X, y: ((X - X.mean()) / X.std(), y), "no scaling"),
    (lambda X, y: (X, X["RM"]), "MEDV column"),
    (lambda X, y: (X, y.iloc[::-1]), "file order"),
    (lambda X, y: (X.to_numpy()[:, :12], y), "shape (506, 13)"),
])
def test_task1_wrong_answers(boston, make, words):
    X, y = boston
    x_ans, y_ans = make(X, y)
    result = checks.task1.evaluate({"X": x_ans, "y": y_ans})
    assert result.status == "wrong"
    assert words in result.message, result.message


@pytest.mark.parametrize("x_value, y_value, words", [
    (None, "y", "`X` is None"),
    ("X", "y", "str"),
    ("df", None, "`y` is None"),
    ("df", 22.5, "MEDV column"),
    (42, "y", "int"),
])
def test_task1_none_and_wrong_types(boston, x_value, y_value, words):
    X, y = boston
    x_ans = X if isinstance(x_value, str) and x_value == "df" else x_value
    y_ans = y if isinstance(y_value, str) and y_value == "y" else y_value
    result = checks.task1.evaluate({"X": x_ans, "y": y_ans})
    assert result.status == "wrong" and words in result.message, result.message


def test_task1_not_attempted(boston):
    X, _ = boston
    assert checks.task1.evaluate({"X": X}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_right_answer_passes_untrained():
    assert checks.task2.evaluate({"model": make_model()}).status == "passed"
    seq = keras.Sequential([keras.Input((13,)), keras.layers.Dense(8, activation="relu"),
                            keras.layers.Dense(1)])
    assert checks.task2.evaluate({"model": seq}).status == "passed"


@pytest.mark.parametrize("model, words", [
    (lambda: make_model(n_inputs=12), "expects inputs of shape"),
    (lambda: make_model(n_outputs=2), "one number per house"),
    (lambda: make_model(out_activation="sigmoid"), "'sigmoid' activation"),
    (lambda: keras.Sequential([keras.layers.Dense(1)]), "not been built"),
])
def test_task2_wrong_answers(model, words):
    result = checks.task2.evaluate({"model": model()})
    assert result.status == "wrong"
    assert words in result.message, result.message


@pytest.mark.parametrize("value, words", [(None, "None"), ("model", "Keras model"),
                                          (lambda x: x[:, :1], "Keras model"),
                                          (keras.layers.Dense(1), "Keras model")])
def test_task2_none_and_wrong_types(value, words):
    result = checks.task2.evaluate({"model": value})
    assert result.status == "wrong" and words in result.message, result.message


def test_task2_not_attempted():
    assert checks.task2.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def ns3(model, X, y, raw_rmse):
    return {"model": model, "X": X, "y": y, "raw_rmse": raw_rmse}


def test_task3_right_answers_pass(boston, trained):
    X, y = boston
    model, rmse = trained
    assert checks.task3.evaluate(ns3(model, X, y, rmse)).status == "passed"
    # within 1 %, NumPy scalars and 0-d arrays are fine
    assert checks.task3.evaluate(ns3(model, X, y, np.float32(rmse * 1.005))).status == "passed"
    assert checks.task3.evaluate(ns3(model, X, y, np.array(rmse))).status == "passed"


def test_task3_wrong_answers(boston, trained):
    X, y = boston
    model, rmse = trained
    untrained = make_model()
    secrets = [f"{rmse:.2f}", f"{rmse:.3f}", f"{rmse ** 2:.1f}"]
    cases = [
        (ns3(model, X, y, rmse * 1.05), "does not match"),
        (ns3(model, X, y, rmse ** 2), "MSE"),
        (ns3(untrained, X, y, rmse_of(untrained, X, y)), "train it"),
        (ns3(model, X, y, [rmse, rmse]), "one number"),
        (ns3(model, X.iloc[:100], y, rmse), "fix task 1 first"),
        (ns3(model, X, y, -rmse), ">= 0"),
    ]
    for namespace, words in cases:
        result = checks.task3.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets), result.message


@pytest.mark.parametrize("value, words", [(None, "None"), ("9.2", "str"), (True, "bool"),
                                          ({"rmse": 9.2}, "one number")])
def test_task3_none_and_wrong_types(boston, trained, value, words):
    X, y = boston
    model, _ = trained
    result = checks.task3.evaluate(ns3(model, X, y, value))
    assert result.status == "wrong" and words in result.message, result.message


def test_task3_model_none(boston, trained):
    X, y = boston
    _, rmse = trained
    result = checks.task3.evaluate(ns3(None, X, y, rmse))
    assert result.status == "wrong" and "`model` is None" in result.message


def test_task3_not_attempted(boston, trained):
    X, y = boston
    model, _ = trained
    assert checks.task3.evaluate({"model": model, "X": X, "y": y}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_03"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.hints for t in checks.exercise.tasks)
