"""Tests for the checks of exercise 02_04 (normalization): right answers pass, wrong answers,
None and wrong types are "wrong" with a message (never an exception), a missing name is
"not attempted", and no message gives the expected numbers away."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest

from course_utils.checks import ex02_04 as checks
from course_utils.checks.data import house_data
from course_utils.checks.ex02_04 import _hidden_cases
from course_utils.lesson.split import train_val_test_split


# --------------------------------------------------------------------------- answers

def min_max_right(x, stats):
    return (x - stats["min"]) / (stats["max"] - stats["min"])


def standard_right(x, stats):
    return (x - stats["mean"]) / stats["std"]


def min_max_numpy(x, stats):           # a NumPy answer of the right shape is fine too
    lo = stats["min"].to_numpy()
    return (x.to_numpy() - lo) / (stats["max"].to_numpy() - lo)


def min_max_own_stats(x, stats):       # ignores `stats`: uses the data's own min and max
    return (x - x.min()) / (x.max() - x.min())


def standard_own_stats(x, stats):
    return (x - x.mean()) / x.std()


def min_max_swapped(x, stats):         # the brackets forgotten
    return x - stats["min"] / (stats["max"] - stats["min"])


def standard_population(x, stats):     # ddof=0 on the data itself, a common slip
    return (x - stats["mean"]) / (stats["std"] * np.sqrt((stats["count"] - 1) / stats["count"]))


def min_max_in_place(x, stats):
    x -= stats["min"]
    x /= stats["max"] - stats["min"]
    return x


def raises_inside(x, stats):
    return x / stats["no such column"]


def returns_none(x, stats):
    x = (x - stats["min"]) / (stats["max"] - stats["min"])


@pytest.fixture(scope="module")
def house_split():
    X, y = house_data()
    s = train_val_test_split(X, y, seed=3)
    return s.X_train, s.X_test, X


def standardize(part, ref):
    return (part - ref.mean()) / ref.std()


def secret_texts():
    """Numbers that would give the hidden answers away if a message printed them."""
    texts = []
    for train, x in _hidden_cases():
        s = train.describe().transpose()
        for table in (min_max_right(x, s), standard_right(x, s)):
            texts += [f"{v:.3f}" for v in table.to_numpy().ravel()]
    return texts


def assert_no_secret(message):
    for text in secret_texts():
        assert text not in message


# --------------------------------------------------------------------------- task 1

def test_task1_right_answers_pass():
    assert checks.task1.evaluate({"min_max_norm": min_max_right}).status == "passed"
    assert checks.task1.evaluate({"min_max_norm": min_max_numpy}).status == "passed"


@pytest.mark.parametrize("func, words", [
    (min_max_own_stats, "statistics of `x` itself"),
    (min_max_swapped, "brackets"),
    (standard_right, "other normalization"),
    (min_max_in_place, "in place"),
    (raises_inside, "failed: KeyError"),
    (returns_none, "None"),
])
def test_task1_wrong_answers(func, words):
    result = checks.task1.evaluate({"min_max_norm": func})
    assert result.status == "wrong"
    assert words in result.message
    assert_no_secret(result.message)


@pytest.mark.parametrize("value, words", [(None, "None"), (3.5, "should be a function"),
                                          ("min_max_norm", "should be a function"),
                                          (pd.DataFrame, "should be a function")])
def test_task1_none_and_wrong_types(value, words):
    result = checks.task1.evaluate({"min_max_norm": value})
    assert result.status == "wrong" and words in result.message


def blank(x, stats):
    raise NotImplementedError("Task: replace this line with your code")


def test_task1_not_attempted():
    assert checks.task1.evaluate({}).status == "not_attempted"
    # the exercise's function whose body is still the blank
    assert checks.task1.evaluate({"min_max_norm": blank}).status == "not_attempted"


def test_task1_bad_return_shapes():
    result = checks.task1.evaluate({"min_max_norm": lambda x, s: min_max_right(x, s).iloc[:, :2]})
    assert result.status == "wrong" and "missing column" in result.message
    result = checks.task1.evaluate({"min_max_norm": lambda x, s: min_max_right(x, s).to_numpy().T})
    assert result.status == "wrong" and "shape" in result.message
    result = checks.task1.evaluate({"min_max_norm": lambda x, s: "done"})
    assert result.status == "wrong" and "str" in result.message
    result = checks.task1.evaluate({"min_max_norm": lambda x, s: min_max_right(x, s).reset_index(drop=True)})
    assert result.status == "wrong" and "index" in result.message


# --------------------------------------------------------------------------- task 2

def test_task2_right_answer_passes():
    assert checks.task2.evaluate({"standard_norm": standard_right}).status == "passed"


@pytest.mark.parametrize("func, words", [
    (standard_own_stats, "statistics of `x` itself"),
    (min_max_right, "other normalization"),
    (standard_population, "does not give"),
    (lambda x, s: x - s["mean"], "does not give"),
])
def test_task2_wrong_answers(func, words):
    result = checks.task2.evaluate({"standard_norm": func})
    assert result.status == "wrong"
    assert words in result.message
    assert_no_secret(result.message)


@pytest.mark.parametrize("value", [None, 1, [1, 2], np.zeros(3)])
def test_task2_none_and_wrong_types(value):
    result = checks.task2.evaluate({"standard_norm": value})
    assert result.status == "wrong" and "standard_norm" in result.message


def test_task2_not_attempted():
    assert checks.task2.evaluate({"X_train": 1}).status == "not_attempted"
    assert checks.task2.evaluate({"standard_norm": blank}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def task3_namespace(X_train, X_test, train_std, test_std):
    return {"X_train": X_train, "X_test": X_test, "X_train_std": train_std, "X_test_std": test_std}


def test_task3_right_answer_passes(house_split):
    X_train, X_test, _ = house_split
    ns = task3_namespace(X_train, X_test, standardize(X_train, X_train), standardize(X_test, X_train))
    assert checks.task3.evaluate(ns).status == "passed"
    # float32 arithmetic and NumPy arrays are accepted
    ns["X_test_std"] = standardize(X_test, X_train).to_numpy("float32")
    assert checks.task3.evaluate(ns).status == "passed"


def test_task3_wrong_answers(house_split):
    X_train, X_test, X_all = house_split
    right_train, right_test = standardize(X_train, X_train), standardize(X_test, X_train)
    cases = [
        (standardize(X_train, X_all), right_test, "ALL rows"),
        (right_train, standardize(X_test, X_all), "ALL rows"),
        (right_train, standardize(X_test, X_test), "its own rows"),
        (right_train, (X_test - X_train.mean()) / X_train.std(ddof=0), "ddof=0"),
        ((X_train - X_train.min()) / (X_train.max() - X_train.min()), right_test, "min-max"),
        (right_train, X_test - X_train.mean(), "not (x - mean) / std"),
        (right_train, right_test.iloc[:10], "rows"),
    ]
    secrets = [f"{v:.4f}" for v in right_test.to_numpy().ravel()[:20]]
    for train_std, test_std, words in cases:
        result = checks.task3.evaluate(task3_namespace(X_train, X_test, train_std, test_std))
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets)


def test_task3_none_wrong_types_and_broken_split(house_split):
    X_train, X_test, X_all = house_split
    right_train, right_test = standardize(X_train, X_train), standardize(X_test, X_train)
    for value in (None, "X_test_std", 3.0, {"a": 1}):
        result = checks.task3.evaluate(task3_namespace(X_train, X_test, right_train, value))
        assert result.status == "wrong" and "X_test_std" in result.message
    # a split that was tampered with is named, not judged
    result = checks.task3.evaluate(task3_namespace(X_train.to_numpy(), X_test, right_train, right_test))
    assert result.status == "wrong" and "split cell" in result.message, result.message
    result = checks.task3.evaluate(task3_namespace(right_train, X_test, right_train, right_test))
    assert result.status == "wrong" and "split cell" in result.message, result.message


def test_task3_not_attempted(house_split):
    X_train, X_test, _ = house_split
    assert checks.task3.evaluate({"X_train": X_train, "X_test": X_test}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_04"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.hints for t in checks.exercise.tasks)
