"""Tests for the checks of exercise 02_03 (Boston housing, raw features): valid answers of
several kinds pass (DataFrames or arrays, Functional or Sequential models, separate
``Activation`` layers, ``model.fit`` or ``fit_fast``, any way of computing the RMSE), typical
wrong answers are "wrong" with a message that names the mistake (never an exception, never the
expected numbers), a missing name is "not attempted".

Most "trained" models are built without training: an optimizer step with learning rate 0
(so that the optimizer has taken a step) and a hand-set output layer that predicts the mean
price plus a little of one feature, which is about what SGD on raw features learns anyway.
One test trains for real with ``model.fit`` and with ``fit_fast``."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_squared_error

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


def stepped(model, X, y):
    """Compile with MSE + SGD and take one optimizer step that changes nothing (lr 0)."""
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.0))
    model.train_on_batch(np.asarray(X, "float32")[:8], np.asarray(y, "float32")[:8])
    return model


def predicts_about_the_mean(model, y):
    """Hand-set the output layer: a small kernel and the mean price as bias."""
    out = model.layers[-1]
    kernel, bias = out.get_weights()
    out.set_weights([np.full_like(kernel, 0.5), np.full_like(bias, y.mean() - 1.0)])
    return model


def rmse_of(model, X, y):
    pred = np.asarray(model(np.asarray(X, "float32"), training=False)).ravel()
    return float(np.sqrt(np.mean((pred - np.asarray(y)) ** 2)))


@pytest.fixture(scope="module")
def trained(boston):
    X, y = boston
    model = predicts_about_the_mean(stepped(make_model(), X, y), y)
    return model, rmse_of(model, X, y)


# --------------------------------------------------------------------------- task 1

def test_task1_valid_answers_pass(boston):
    X, y = boston
    frame = load_dataset("boston")
    popped = frame.copy()
    y_popped = popped.pop("MEDV")                           # the slides' way
    for x_ans, y_ans in [(X, y), (X.to_numpy(), y.to_numpy()), (X, y.to_frame()), (popped, y_popped),
                         (X[X.columns[::-1]], y), (X.to_numpy("float32"), y.to_numpy("float32"))]:
        result = checks.task1.evaluate({"X": x_ans, "y": y_ans})
        assert result.status == "passed", result.message


@pytest.mark.parametrize("make, words", [
    (lambda X, y: (X.assign(MEDV=y), y), "target column"),
    (lambda X, y: (X.drop(columns=["B"]), y), "missing ['B']"),
    (lambda X, y: (X.iloc[:400], y), "all 506 rows"),
    (lambda X, y: ((X - X.mean()) / X.std(), y), "no scaling"),
    (lambda X, y: (X, X["RM"]), "MEDV column"),
    (lambda X, y: (X, y.iloc[::-1]), "file order"),
    (lambda X, y: (X.to_numpy()[:, :12], y), "shape (506, 13)"),
    (lambda X, y: (pd.concat([X, y], axis=1).to_numpy(), y), "did you keep MEDV"),
    (lambda X, y: (X["CRIM"], y), "single column"),
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

def test_task2_valid_answers_pass():
    keras.utils.set_random_seed(0)
    separate = keras.Sequential([keras.Input((13,)), keras.layers.Dense(8), keras.layers.Activation("sigmoid"),
                                 keras.layers.Dense(1), keras.layers.Activation("linear")])
    inputs = keras.Input((13,))
    h = keras.layers.Dense(50, activation="sigmoid")(inputs)
    h = keras.layers.Dense(100, activation="sigmoid")(h)
    h = keras.layers.Dense(300, activation="sigmoid")(h)
    slides = keras.Model(inputs, keras.layers.Dense(1, activation="linear")(h))
    dropout = keras.Sequential([keras.Input((13,)), keras.layers.Dense(8, activation="relu"),
                                keras.layers.Dropout(0.1), keras.layers.Dense(1)])
    for model in (make_model(), slides, separate, dropout):
        result = checks.task2.evaluate({"model": model})
        assert result.status == "passed", result.message


@pytest.mark.parametrize("model, words", [
    (lambda: make_model(n_inputs=12), "expects inputs of shape"),
    (lambda: make_model(n_outputs=2), "one number per house"),
    (lambda: make_model(out_activation="sigmoid"), "'sigmoid' activation"),
    (lambda: make_model(out_activation="relu"), "'relu' activation"),
    (lambda: keras.Sequential([keras.layers.Dense(1)]), "not been built"),
    (lambda: keras.Sequential([keras.Input((13,)), keras.layers.Dense(4), keras.layers.Dense(1),
                               keras.layers.ReLU()]), "ReLU layer"),
    (lambda: keras.Sequential([keras.Input((13,)), keras.layers.Dense(4), keras.layers.Dense(1),
                               keras.layers.Activation("sigmoid")]), "'sigmoid' Activation layer"),
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


def test_task3_valid_answers_pass(boston, trained):
    X, y = boston
    model, rmse = trained
    pred = model.predict(X, verbose=0).ravel()
    for value in (rmse, np.float32(rmse), np.array(rmse),
                  float(np.sqrt(model.evaluate(X, y, verbose=0))),                 # sqrt of the Keras MSE
                  float(np.sqrt(mean_squared_error(y, pred))),                     # scikit-learn
                  [rmse]):                                                         # a one-element list
        result = checks.task3.evaluate(ns3(model, X, y, value))
        assert result.status == "passed", (value, result.message)


def test_task3_really_trained_models_pass(boston):
    from course_utils.lesson import fit_fast

    X, y = boston
    for train in ("fit", "fit_fast"):
        model = make_model(hidden=8)
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.001))
        if train == "fit":
            model.fit(X, y, epochs=5, batch_size=100, verbose=0)
        else:
            fit_fast(model, X.to_numpy("float32"), y.to_numpy("float32"), epochs=5, batch_size=100, progress="none")
        result = checks.task3.evaluate(ns3(model, X, y, rmse_of(model, X, y)))
        assert result.status == "passed", (train, result.message)


def test_task3_wrong_answers(boston, trained):
    X, y = boston
    model, rmse = trained
    pred = np.asarray(model(X.to_numpy("float32"))).ravel()
    untrained = make_model()
    untrained.compile(loss="mse", optimizer="sgd")
    other = predicts_about_the_mean(stepped(make_model(hidden=6), X, y), y + 3.0)
    secrets = [f"{rmse:.2f}", f"{rmse:.3f}", f"{rmse ** 2:.1f}"]
    cases = [
        (ns3(model, X, y, rmse * 1.05), "does not match"),
        (ns3(model, X, y, rmse ** 2), "MSE"),
        (ns3(model, X, y, float(np.mean(np.abs(pred - y.to_numpy())))), "MAE"),
        (ns3(model, X, y, float(y.std())), "standard deviation of y"),
        (ns3(model, X, y, rmse_of(other, X, y)), "does not match"),                 # another model's RMSE
        (ns3(model, X, y, rmse_of(model, X.iloc[:100], y.iloc[:100])), "does not match"),   # 100 rows only
        (ns3(untrained, X, y, rmse_of(untrained, X, y)), "not been trained"),
        (ns3(make_model(), X, y, rmse), "not been trained"),                       # never compiled
        (ns3(model, X, y, [rmse, rmse]), "one number"),
        (ns3(model, X.iloc[:100], y, rmse), "fix task 1 first"),
        (ns3(model, X, y, -rmse), ">= 0"),
    ]
    for namespace, words in cases:
        result = checks.task3.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets), result.message


def test_task3_a_model_that_learned_nothing(boston):
    X, y = boston
    model = stepped(make_model(), X, y)            # it took a step, but with learning rate 0
    out = model.layers[-1]
    kernel, bias = out.get_weights()
    out.set_weights([np.zeros_like(kernel), np.zeros_like(bias)])
    result = checks.task3.evaluate(ns3(model, X, y, rmse_of(model, X, y)))
    assert result.status == "wrong" and "hardly better than 0" in result.message, result.message


@pytest.mark.parametrize("value, words", [(None, "None"), ("9.2", "str"), (True, "bool"),
                                          ({"rmse": 9.2}, "one number"), (float("nan"), "finite")])
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


# --------------------------------------------------------------------------- task 4

def test_task4_valid_answers_pass(boston):
    _, y = boston
    values = [float(np.sqrt(np.mean((y - y.mean()) ** 2))), y.std(ddof=0), np.std(y.to_numpy()),
              float(np.sqrt(mean_squared_error(y, np.full(len(y), y.mean())))),
              np.float32(np.std(y.to_numpy("float32"))), np.array(y.std(ddof=0))]
    for value in values:
        for y_ans in (y, y.to_numpy()):
            result = checks.task4.evaluate({"y": y_ans, "baseline_rmse": value})
            assert result.status == "passed", (value, result.message)


def test_task4_wrong_answers(boston):
    _, y = boston
    exact = float(y.std(ddof=0))
    cases = [
        (y.std(), "n - 1"),
        (y.var(ddof=0), "mean squared error"),
        (y.mean(), "mean price itself"),
        (float(np.sqrt(np.mean(y ** 2))), "predicting 0"),
        (float(np.mean(np.abs(y - y.mean()))), "mean absolute error"),
        (float(np.sqrt(np.mean((y - y.median()) ** 2))), "median"),
        (exact * 1.07, "not the RMSE of predicting the mean"),
    ]
    for value, words in cases:
        result = checks.task4.evaluate({"y": y, "baseline_rmse": value})
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert f"{exact:.3f}" not in result.message and f"{exact:.2f}" not in result.message


@pytest.mark.parametrize("value, words", [(None, "None"), ("9.19", "str"), ([9.1, 9.2], "one number")])
def test_task4_none_and_wrong_types(boston, value, words):
    _, y = boston
    result = checks.task4.evaluate({"y": y, "baseline_rmse": value})
    assert result.status == "wrong" and words in result.message, result.message


def test_task4_needs_task1(boston):
    X, _ = boston
    result = checks.task4.evaluate({"y": X["RM"], "baseline_rmse": 1.0})
    assert result.status == "wrong" and "fix task 1 first" in result.message


def test_task4_not_attempted(boston):
    _, y = boston
    assert checks.task4.evaluate({"y": y}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_03"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)
