"""Tests for the checks of exercise 02_04 (normalization): valid answers of several kinds pass
(``describe()`` or ``describe().transpose()`` tables and functions written for either layout,
DataFrames or arrays, scikit-learn's scalers, a Keras ``Normalization`` layer), typical wrong
answers are "wrong" with a message that names the mistake (never an exception, never the
expected numbers), a missing name or a blank function is "not attempted"."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.checks import ex02_04 as checks
from course_utils.checks.data import house_data
from course_utils.checks.ex02_04 import _hidden_cases
from course_utils.lesson.datasets import load_dataset
from course_utils.lesson.normalize import describe_stats


@pytest.fixture(scope="module")
def test_csv():
    raw = load_dataset("test")
    dataset = raw.copy()
    dataset.pop("D")
    return raw, dataset


# --------------------------------------------------------------------------- task 1

def slides_second_way(raw):
    stats = raw.describe()
    stats.pop("D")                  # the slides' later version drops D from the table
    return stats.transpose()


def test_task1_valid_answers_pass(test_csv):
    raw, dataset = test_csv
    for table in (dataset.describe().transpose(), dataset.describe(), describe_stats(dataset),
                  dataset.describe().transpose()[["mean", "std", "min", "max"]], slides_second_way(raw),
                  raw.drop(columns=["D"]).astype("float32").describe().T):
        result = checks.task1.evaluate({"dataset_stats": table})
        assert result.status == "passed", result.message


def test_task1_wrong_answers(test_csv):
    raw, dataset = test_csv
    cases = [
        (raw.describe().transpose(), "column D"),
        (raw.describe(), "column D"),
        (dataset.describe().transpose()[["mean", "std"]], "lacks"),
        (dataset.head(8).describe().transpose(), "counts 8 rows"),
        (((dataset - dataset.min()) / (dataset.max() - dataset.min())).describe().transpose(), "normalized"),
        (pd.DataFrame({"mean": dataset.mean(), "std": dataset.std(ddof=0), "min": dataset.min(),
                       "max": dataset.max()}), "ddof=0"),
        (dataset[["A", "B"]].describe().transpose(), "no statistics for"),
        (dataset.describe().transpose().assign(max=dataset.max() * 2), "not the describe() table"),
    ]
    for table, words in cases:
        result = checks.task1.evaluate({"dataset_stats": table})
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)


@pytest.mark.parametrize("value, words", [(None, "None"), ("stats", "DataFrame"), (np.zeros((3, 8)), "DataFrame"),
                                          (pd.Series([1.0, 2.0]), "DataFrame")])
def test_task1_none_and_wrong_types(value, words):
    result = checks.task1.evaluate({"dataset_stats": value})
    assert result.status == "wrong" and words in result.message, result.message


def test_task1_not_attempted():
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- functions (tasks 2, 3)

def min_max_right(x, stats):
    return (x - stats["min"]) / (stats["max"] - stats["min"])


def min_max_describe_layout(x, stats):     # written for describe() (one column per feature)
    return (x - stats.loc["min"]) / (stats.loc["max"] - stats.loc["min"])


def min_max_numpy(x, stats):               # a NumPy answer of the right shape is fine too
    lo = stats["min"].to_numpy()
    return (x.to_numpy() - lo) / (stats["max"].to_numpy() - lo)


def min_max_methods(x, stats):
    return x.sub(stats["min"], axis="columns").div(stats["max"] - stats["min"], axis="columns")


def min_max_either_layout(x, stats):
    table = stats if "min" in stats.columns else stats.transpose()
    return (x - table["min"]) / (table["max"] - table["min"])


def min_max_own_stats(x, stats):           # ignores `stats`: uses the data's own min and max
    return (x - x.min()) / (x.max() - x.min())


def min_max_brackets(x, stats):            # the brackets forgotten
    return x - stats["min"] / (stats["max"] - stats["min"])


def min_max_in_place(x, stats):
    x -= stats["min"]
    x /= stats["max"] - stats["min"]
    return x


def raises_inside(x, stats):
    return x / stats["no such column"]


def returns_none(x, stats):
    x = (x - stats["min"]) / (stats["max"] - stats["min"])


def standard_right(x, stats):
    return (x - stats["mean"]) / stats["std"]


def standard_describe_layout(x, stats):
    return (x - stats.loc["mean"]) / stats.loc["std"]


def standard_numpy(x, stats):
    return (np.asarray(x) - stats["mean"].to_numpy()) / stats["std"].to_numpy()


def standard_own_stats(x, stats):
    return (x - x.mean()) / x.std()


def standard_ddof0(x, stats):              # recomputes the std with ddof=0 from the count
    return (x - stats["mean"]) / (stats["std"] * np.sqrt((stats["count"] - 1) / stats["count"]))


def blank(x, stats):
    raise NotImplementedError("Task: replace this line with your code")


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


@pytest.mark.parametrize("func", [min_max_right, min_max_describe_layout, min_max_numpy, min_max_methods,
                                  min_max_either_layout], ids=lambda f: f.__name__)
def test_task2_valid_answers_pass(func):
    result = checks.task2.evaluate({"min_max_norm": func})
    assert result.status == "passed", result.message


@pytest.mark.parametrize("func, words", [
    (min_max_own_stats, "statistics of `x` itself"),
    (min_max_brackets, "brackets"),
    (standard_right, "other normalization"),
    (min_max_in_place, "in place"),
    (raises_inside, "raised KeyError"),
    (returns_none, "None"),
    (lambda x, s: min_max_right(x, s).iloc[:, :2], "missing column"),
    (lambda x, s: min_max_right(x, s).to_numpy().T, "shape"),
    (lambda x, s: "done", "str"),
    (lambda x, s: min_max_right(x, s).set_axis(range(100, 100 + len(x))), "index"),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_task2_wrong_answers(func, words):
    result = checks.task2.evaluate({"min_max_norm": func})
    assert result.status == "wrong"
    assert words in result.message, result.message
    assert_no_secret(result.message)


@pytest.mark.parametrize("value, words", [(None, "None"), (3.5, "should be a function"),
                                          ("min_max_norm", "should be a function"),
                                          (pd.DataFrame, "should be a function")])
def test_task2_none_and_wrong_types(value, words):
    result = checks.task2.evaluate({"min_max_norm": value})
    assert result.status == "wrong" and words in result.message


def test_task2_not_attempted():
    assert checks.task2.evaluate({}).status == "not_attempted"
    assert checks.task2.evaluate({"min_max_norm": blank}).status == "not_attempted"


@pytest.mark.parametrize("func", [standard_right, standard_describe_layout, standard_numpy],
                         ids=lambda f: f.__name__)
def test_task3_valid_answers_pass(func):
    result = checks.task3.evaluate({"standard_norm": func})
    assert result.status == "passed", result.message


@pytest.mark.parametrize("func, words", [
    (standard_own_stats, "statistics of `x` itself"),
    (min_max_right, "other normalization"),
    (standard_ddof0, "ddof=0"),
    (lambda x, s: x - s["mean"], "does not give"),
    (lambda x, s: (x - s["mean"]) / s["std"] ** 2, "does not give"),
    (lambda x, s: x.div(s["std"]).sub(s["mean"]), "does not give"),      # the order of the operations
])
def test_task3_wrong_answers(func, words):
    result = checks.task3.evaluate({"standard_norm": func})
    assert result.status == "wrong"
    assert words in result.message, result.message
    assert_no_secret(result.message)


@pytest.mark.parametrize("value", [None, 1, [1, 2], np.zeros(3)])
def test_task3_none_and_wrong_types(value):
    result = checks.task3.evaluate({"standard_norm": value})
    assert result.status == "wrong" and "standard_norm" in result.message


def test_task3_not_attempted():
    assert checks.task3.evaluate({"X_train": 1}).status == "not_attempted"
    assert checks.task3.evaluate({"standard_norm": blank}).status == "not_attempted"


# --------------------------------------------------------------------------- task 4

@pytest.fixture(scope="module")
def house_split():
    X, y = house_data()
    X_train, X_test, _, _ = train_test_split(X, y, test_size=0.3, random_state=4)
    return X_train, X_test, X


def standardize(part, ref, ddof=1):
    return (part - ref.mean()) / ref.std(ddof=ddof)


def ns4(X_train, X_test, train_std, test_std):
    return {"X_train": X_train, "X_test": X_test, "X_train_std": train_std, "X_test_std": test_std}


def test_task4_valid_answers_pass(house_split):
    import keras

    X_train, X_test, _ = house_split
    stats = X_train.describe().transpose()
    scaler = StandardScaler().fit(X_train)
    layer = keras.layers.Normalization()
    layer.adapt(X_train.to_numpy("float32"))
    answers = [
        (standard_right(X_train, stats), standard_right(X_test, stats)),
        (scaler.transform(X_train), scaler.transform(X_test)),                         # ddof=0, arrays
        (pd.DataFrame(scaler.transform(X_train), columns=X_train.columns),             # 0, 1, 2 … index
         pd.DataFrame(scaler.transform(X_test), columns=X_test.columns)),
        (np.asarray(layer(X_train.to_numpy("float32"))), np.asarray(layer(X_test.to_numpy("float32")))),
        (standardize(X_train, X_train), standardize(X_test, X_train).sample(frac=1.0, random_state=0)),  # rows shuffled
    ]
    for train_std, test_std in answers:
        result = checks.task4.evaluate(ns4(X_train, X_test, train_std, test_std))
        assert result.status == "passed", result.message


def test_task4_wrong_answers(house_split):
    X_train, X_test, X_all = house_split
    right_train, right_test = standardize(X_train, X_train), standardize(X_test, X_train)
    cases = [
        (standardize(X_train, X_all), right_test, "ALL rows"),
        (right_train, standardize(X_test, X_all), "ALL rows"),
        (right_train, standardize(X_test, X_test), "its own rows"),
        (right_train, standardize(X_test, X_train, ddof=0), "ddof=0"),
        ((X_train - X_train.min()) / (X_train.max() - X_train.min()), right_test, "min-max"),
        (right_train, X_test - X_train.mean(), "not (x - mean) / std"),
        (right_train, right_test.iloc[:10], "rows"),
        (right_train, right_train.iloc[:len(X_test)], "same rows"),
    ]
    secrets = [f"{v:.4f}" for v in right_test.to_numpy().ravel()[:20]]
    for train_std, test_std, words in cases:
        result = checks.task4.evaluate(ns4(X_train, X_test, train_std, test_std))
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets)


def test_task4_none_wrong_types_and_broken_split(house_split):
    X_train, X_test, X_all = house_split
    right_train, right_test = standardize(X_train, X_train), standardize(X_test, X_train)
    for value in (None, "X_test_std", 3.0, {"a": 1}):
        result = checks.task4.evaluate(ns4(X_train, X_test, right_train, value))
        assert result.status == "wrong" and "X_test_std" in result.message
    # a split that was tampered with is named, not judged
    result = checks.task4.evaluate(ns4(X_train.to_numpy(), X_test, right_train, right_test))
    assert result.status == "wrong" and "split cell" in result.message, result.message
    result = checks.task4.evaluate(ns4(right_train, X_test, right_train, right_test))
    assert result.status == "wrong" and "split cell" in result.message, result.message
    result = checks.task4.evaluate(ns4(X_all, X_test, standardize(X_all, X_all), right_test))
    assert result.status == "wrong" and "separate parts" in result.message, result.message


def test_task4_not_attempted(house_split):
    X_train, X_test, _ = house_split
    assert checks.task4.evaluate({"X_train": X_train, "X_test": X_test}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_04"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)
