"""Tests for the checks of exercise 02_05 (data division): right answers pass, wrong answers,
None and wrong types are "wrong" with a message (never an exception), a missing name is
"not attempted", and no message gives the expected split or numbers away."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.checks import ex02_05 as checks
from course_utils.checks.data import house_data
from course_utils.lesson.split import train_val_test_split
from split_mistakes import common_split_mistakes, no_index_leak, split_namespace

SEED = 11


@pytest.fixture(scope="module")
def data():
    return house_data()


@pytest.fixture(scope="module")
def split(data):
    X, y = data
    return train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=SEED)


def ns1(s, seed=SEED):
    return split_namespace(s, seed)


def standardize(part, ref):
    return (part - ref.mean()) / ref.std()



# --------------------------------------------------------------------------- task 1

def test_task1_right_answer_passes(split):
    assert checks.task1.evaluate(ns1(split)).status == "passed"


def test_task1_right_answer_with_numpy_labels(split):
    ns = ns1(split)
    ns["y_test"] = split.y_test.to_numpy()
    assert checks.task1.evaluate(ns).status == "passed"


def test_task1_wrong_answers(data, split):
    X, y = data
    cases = common_split_mistakes(X, y, split, SEED, ordered_words="file order")
    # target left in the features
    ns = ns1(split)
    ns["X_train"] = split.X_train.assign(price=split.y_train)
    cases.append((ns, "5 feature columns"))
    for namespace, words in cases:
        result = checks.task1.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        no_index_leak(result.message, split)


@pytest.mark.parametrize("name, value, words", [
    ("split_seed", None, "None"),
    ("split_seed", "11", "whole number"),
    ("split_seed", 1.5, "whole number"),
    ("split_seed", True, "whole number"),
    ("X_train", None, "None"),
    ("X_train", "X_train", "DataFrame"),
    ("X_val", np.zeros((62, 5)), "DataFrame"),
    ("y_val", None, "None"),
    ("y_val", 3.0, "one price per row"),
])
def test_task1_none_and_wrong_types(split, name, value, words):
    ns = ns1(split)
    ns[name] = value
    result = checks.task1.evaluate(ns)
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task1_not_attempted(split):
    ns = ns1(split)
    del ns["split_seed"]
    assert checks.task1.evaluate(ns).status == "not_attempted"
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_right_answer_passes(split):
    stats = split.X_train.describe().transpose()
    assert checks.task2.evaluate({"X_train": split.X_train, "train_stats": stats}).status == "passed"


def test_task2_wrong_answers(data, split):
    X, _ = data
    secrets = [f"{v:.3f}" for v in split.X_train.describe().transpose()["mean"]]
    cases = [
        (X.describe().transpose(), "ALL rows"),
        (split.X_train.describe(), "transpose"),
        (split.X_test.describe().transpose(), "not the describe"),
        (split.X_train.describe().transpose()[["mean", "std"]], "lacks the column"),
        (split.X_train.iloc[:, :3].describe().transpose(), "no row for"),
    ]
    for stats, words in cases:
        result = checks.task2.evaluate({"X_train": split.X_train, "train_stats": stats})
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets)


@pytest.mark.parametrize("value, words", [(None, "None"), ("stats", "DataFrame"),
                                          (np.zeros((5, 8)), "DataFrame")])
def test_task2_none_and_wrong_types(split, value, words):
    result = checks.task2.evaluate({"X_train": split.X_train, "train_stats": value})
    assert result.status == "wrong" and words in result.message


def test_task2_needs_a_real_split(data):
    X, _ = data
    result = checks.task2.evaluate({"X_train": X, "train_stats": X.describe().transpose()})
    assert result.status == "wrong" and "split the data first" in result.message


def test_task2_not_attempted(split):
    assert checks.task2.evaluate({"X_train": split.X_train}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def ns3(s, train_n, val_n, test_n):
    return {"X_train": s.X_train, "X_val": s.X_val, "X_test": s.X_test,
            "X_train_n": train_n, "X_val_n": val_n, "X_test_n": test_n}


def test_task3_right_answer_passes(split):
    ref = split.X_train
    ns = ns3(split, *(standardize(p, ref) for p in (split.X_train, split.X_val, split.X_test)))
    assert checks.task3.evaluate(ns).status == "passed"


def test_task3_wrong_answers(data, split):
    X, _ = data
    ref = split.X_train
    right = [standardize(p, ref) for p in (split.X_train, split.X_val, split.X_test)]
    secrets = [f"{v:.4f}" for v in right[2].to_numpy().ravel()[:20]]
    cases = [
        ([standardize(p, X) for p in (split.X_train, split.X_val, split.X_test)], "ALL rows"),
        ([right[0], standardize(split.X_val, split.X_val), right[2]], "its own rows"),
        ([(p - ref.min()) / (ref.max() - ref.min()) for p in (split.X_train, split.X_val, split.X_test)],
         "min-max"),
        ([right[0], right[1], split.X_test], "not (x - mean) / std"),
        ([right[0], right[1], right[1]], "rows"),
    ]
    for parts, words in cases:
        result = checks.task3.evaluate(ns3(split, *parts))
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets)


@pytest.mark.parametrize("value", [None, "X_val_n", 0.0])
def test_task3_none_and_wrong_types(split, value):
    ref = split.X_train
    ns = ns3(split, standardize(split.X_train, ref), value, standardize(split.X_test, ref))
    result = checks.task3.evaluate(ns)
    assert result.status == "wrong" and "X_val_n" in result.message


def test_task3_not_attempted(split):
    assert checks.task3.evaluate({"X_train": split.X_train}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_05"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.hints for t in checks.exercise.tasks)
