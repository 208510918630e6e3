"""Tests for the checks of exercise 02_07 (split, normalize, the model without B; Boston
housing): right answers pass, wrong answers, None and wrong types are "wrong" with a message
(never an exception), a missing name is "not attempted", and no message gives the expected
answer away.

Right answers are built without training: Keras models with one Dense layer whose weights
are set by least squares (on all rows, so that the test RMSE is below the task's bound)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest

from course_utils.checks import ex02_07 as checks
from course_utils.lesson.split import train_val_test_split

keras = pytest.importorskip("keras")

SEED = 3


@pytest.fixture(scope="module")
def data():
    from course_utils.checks.data import boston_data
    return boston_data()


@pytest.fixture(scope="module")
def split(data):
    X, y = data
    return train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=SEED)


def standardize(part, ref):
    return (part - ref.mean()) / ref.std()


@pytest.fixture(scope="module")
def normed(split):
    return tuple(standardize(p, split.X_train) for p in split[:3])


def linear_model(X_n, y):
    """A linear Keras model with least-squares weights: a 'trained' model without training."""
    k = X_n.shape[1]
    A = np.c_[np.asarray(X_n, dtype="float64"), np.ones(len(X_n))]
    coef, *_ = np.linalg.lstsq(A, np.asarray(y, dtype="float64"), rcond=None)
    model = keras.Sequential([keras.Input((k,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([coef[:k, None].astype("float32"), coef[k:].astype("float32")])
    return model


def rmse(model, X_n, y):
    pred = np.asarray(model(np.asarray(X_n, dtype="float32"), training=False)).reshape(-1)
    return float(np.sqrt(np.mean((pred - np.asarray(y)) ** 2)))


@pytest.fixture(scope="module")
def models(split, normed):
    """(model with B, model without B), fit on train + test rows so the test RMSE is small."""
    X_tr, _, X_te = normed
    both = pd.concat([X_tr, X_te])
    y_both = pd.concat([split.y_train, split.y_test])
    return linear_model(both, y_both), linear_model(both.drop(columns=["B"]), y_both)


def ns1(s, normed, seed=SEED, **changes):
    ns = {"X_train": s.X_train, "X_val": s.X_val, "X_test": s.X_test, "y_train": s.y_train,
          "y_val": s.y_val, "y_test": s.y_test, "split_seed": seed,
          "X_train_n": normed[0], "X_val_n": normed[1], "X_test_n": normed[2]}
    ns.update(changes)
    return ns


def ns2(s, normed, models, **changes):
    model = models[0]
    ns = {"X_train": s.X_train, "X_test": s.X_test, "y_test": s.y_test, "X_test_n": normed[2],
          "model": model, "rmse_with_b": rmse(model, normed[2], s.y_test)}
    ns.update(changes)
    return ns


def ns3(s, normed, models, **changes):
    with_b = rmse(models[0], normed[2], s.y_test)
    without_b = rmse(models[1], normed[2].drop(columns=["B"]), s.y_test)
    ns = {"X_train": s.X_train, "X_test": s.X_test, "y_test": s.y_test, "model_without_b": models[1],
          "rmse_without_b": without_b, "rmse_with_b": with_b, "rmse_difference": without_b - with_b}
    ns.update(changes)
    return ns


def secrets(*values):
    return [f"{v:.2f}" for v in values] + [f"{v:.3f}" for v in values]


# --------------------------------------------------------------------------- task 1

def test_task1_right_answer_passes(split, normed):
    assert checks.task1.evaluate(ns1(split, normed)).status == "passed"


def test_task1_numpy_parts_pass(split, normed):
    ns = ns1(split, normed, X_test_n=normed[2].to_numpy(), X_val_n=normed[1].to_numpy("float32"))
    assert checks.task1.evaluate(ns).status == "passed"


def test_task1_wrong_answers(data, split, normed):
    X, y = data
    ordered = train_val_test_split(X, y, val_size=0.15, test_size=0.15, shuffle=False)
    cases = [
        (ns1(split, normed, seed=SEED + 1), "does not reproduce"),
        (ns1(ordered, tuple(standardize(p, ordered.X_train) for p in ordered[:3])), "ordered by town"),
        (ns1(split, normed, X_test_n=standardize(split.X_test, X)), "ALL rows"),
        (ns1(split, normed, X_test_n=standardize(split.X_test, split.X_test)), "its own rows"),
        (ns1(split, normed, X_val_n=(split.X_val - split.X_train.mean()) / split.X_train.std(ddof=0)), "ddof=0"),
        (ns1(split, normed, X_train_n=(split.X_train - split.X_train.min())
             / (split.X_train.max() - split.X_train.min())), "min-max"),
        (ns1(split, normed, X_test_n=split.X_test), "not (x - mean) / std"),
    ]
    for namespace, words in cases:
        result = checks.task1.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)


@pytest.mark.parametrize("name, value, words", [
    ("split_seed", None, "None"),
    ("split_seed", "3", "whole number"),
    ("X_train", None, "None"),
    ("X_test", np.zeros((76, 13)), "DataFrame"),
    ("X_test_n", None, "None"),
    ("X_test_n", "X_test_n", "table"),
    ("X_test_n", np.zeros((10, 13)), "shape"),
])
def test_task1_none_and_wrong_types(split, normed, name, value, words):
    result = checks.task1.evaluate(ns1(split, normed, **{name: value}))
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task1_not_attempted(split, normed):
    ns = ns1(split, normed)
    del ns["X_test_n"]
    assert checks.task1.evaluate(ns).status == "not_attempted"
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_right_answer_passes(split, normed, models):
    ns = ns2(split, normed, models)
    assert ns["rmse_with_b"] < checks.MAX_RMSE_WITH_B
    assert checks.task2.evaluate(ns).status == "passed"


def test_task2_real_course_model_passes(split, normed):
    """The course's net, trained briefly with fit_fast, passes when its RMSE is below the bound."""
    from course_utils.lesson.models import house_price_model
    from course_utils.lesson.training import fit_fast

    model = house_price_model(13, seed=0)
    fit_fast(model, normed[0], split.y_train, epochs=150, progress="none")
    ns = ns2(split, normed, (model, None), model=model,
             rmse_with_b=rmse(model, normed[2], split.y_test))
    result = checks.task2.evaluate(ns)
    expected = "passed" if ns["rmse_with_b"] < checks.MAX_RMSE_WITH_B else "wrong"
    assert result.status == expected, result.message


def test_task2_wrong_answers(split, normed, models):
    right = rmse(models[0], normed[2], split.y_test)
    mean_model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(1)])
    mean_model.layers[0].set_weights([np.zeros((13, 1), "float32"),
                                      np.array([split.y_train.mean()], "float32")])
    mean_rmse = rmse(mean_model, normed[2], split.y_test)
    raw_rmse = rmse(models[0], split.X_test, split.y_test)
    val_rmse = rmse(models[0], normed[1], split.y_val)
    cases = [
        (ns2(split, normed, models, rmse_with_b=right ** 2), "mean squared error"),
        (ns2(split, normed, models, rmse_with_b=val_rmse), "does not match"),
        (ns2(split, normed, models, rmse_with_b=raw_rmse), "raw test features"),
        (ns2(split, normed, models, model=mean_model, rmse_with_b=mean_rmse), "not below"),
        (ns2(split, normed, models, model=models[1]), "12 input features"),
        (ns2(split, normed, models, X_test_n=standardize(split.X_test, split.X_test)), "fix task 1 first"),
    ]
    for namespace, words in cases:
        result = checks.task2.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets(right)), result.message


@pytest.mark.parametrize("name, value, words", [
    ("rmse_with_b", None, "None"),
    ("rmse_with_b", "3.1", "one number"),
    ("rmse_with_b", [3.0, 4.0], "2 values"),
    ("rmse_with_b", float("nan"), "finite"),
    ("model", None, "None"),
    ("model", "model", "Keras model"),
    ("y_test", None, "`y_test` is None"),
    ("X_train", None, "`X_train` is None"),
])
def test_task2_none_and_wrong_types(split, normed, models, name, value, words):
    result = checks.task2.evaluate(ns2(split, normed, models, **{name: value}))
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task2_untrained_unbuilt_model(split, normed, models):
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    result = checks.task2.evaluate(ns2(split, normed, models, model=unbuilt))
    assert result.status == "wrong" and "built" in result.message, result.message


def test_task2_not_attempted(split, normed, models):
    ns = ns2(split, normed, models)
    del ns["rmse_with_b"]
    assert checks.task2.evaluate(ns).status == "not_attempted"
    assert checks.task2.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def test_task3_right_answer_passes(split, normed, models):
    assert checks.task3.evaluate(ns3(split, normed, models)).status == "passed"


def test_task3_wrong_answers(split, normed, models):
    base = ns3(split, normed, models)
    without_b, with_b = base["rmse_without_b"], base["rmse_with_b"]
    mean_model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(1)])
    mean_model.layers[0].set_weights([np.zeros((12, 1), "float32"),
                                      np.array([split.y_train.mean()], "float32")])
    other = list(normed[2].columns)
    other.remove("CRIM")                                   # dropped the wrong column
    wrong_col = linear_model(pd.concat([normed[0], normed[2]])[other],
                             pd.concat([split.y_train, split.y_test]))
    cases = [
        (ns3(split, normed, models, model_without_b=models[0]), "13 input features"),
        (ns3(split, normed, models, rmse_without_b=with_b, rmse_difference=0.0), "does not match"),
        (ns3(split, normed, models, rmse_without_b=without_b ** 2), "mean squared error"),
        (ns3(split, normed, models, rmse_difference=with_b - without_b), "wrong sign"),
        (ns3(split, normed, models, rmse_difference=without_b + with_b), "rmse_without_b - rmse_with_b"),
        (ns3(split, normed, models, model_without_b=mean_model,
             rmse_without_b=rmse(mean_model, normed[2].drop(columns=["B"]), split.y_test)), "not below"),
        (ns3(split, normed, models, model_without_b=wrong_col,
             rmse_without_b=rmse(wrong_col, normed[2][other], split.y_test)), "does not match"),
    ]
    for namespace, words in cases:
        result = checks.task3.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets(without_b, without_b - with_b)), result.message


@pytest.mark.parametrize("name, value, words", [
    ("rmse_without_b", None, "None"),
    ("rmse_without_b", "2.9", "one number"),
    ("rmse_difference", None, "None"),
    ("rmse_difference", [0.1], None),
    ("rmse_with_b", True, "one number"),
    ("model_without_b", None, "None"),
    ("model_without_b", 12, "Keras model"),
])
def test_task3_none_and_wrong_types(split, normed, models, name, value, words):
    result = checks.task3.evaluate(ns3(split, normed, models, **{name: value}))
    if words is None:          # a one-element list is read as its number: still checked arithmetically
        assert result.status == "wrong" and "rmse_difference" in result.message
        return
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task3_not_attempted(split, normed, models):
    ns = ns3(split, normed, models)
    del ns["model_without_b"]
    assert checks.task3.evaluate(ns).status == "not_attempted"
    assert checks.task3.evaluate({}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_07"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.hints for t in checks.exercise.tasks)
