"""Checks for exercise 02_08, binary classification (이진 분류) (lesson 02_08).

Task 1  ``moons_model``: a multilayer perceptron (다층 퍼셉트론) with one sigmoid output that
        classifies the moons data of the exercise (:data:`MOONS`) with accuracy >= 0.95.
Task 2  ``X_train_n, X_val_n, X_test_n``: the breast-cancer split of the exercise
        (:func:`cancer_split`) standardized with the statistics of the TRAINING rows only.
Task 3  ``cancer_model``: a classifier with test accuracy >= 0.95 on ``X_test_n``
        (checked only once task 2 is right, because the model is trained on ``X_train_n``).
Task 4  ``confusion``: the confusion matrix (혼동 행렬) of ``cancer_model`` on the test rows,
        rows = true class, columns = predicted class (scikit-learn's ``confusion_matrix``).

The checks rebuild the data themselves (same seeds as the exercise's data cells), call the
student's models directly (no ``predict``, no training) and never show the expected numbers.
Nothing here imports TensorFlow at import time.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import numpy as np
import pandas as pd

from .core import Exercise, WrongAnswer, transitional_judge
from .data import judge_standardized
from .inputs import as_array, model_outputs
from .export import live

__all__ = ["exercise", "task1", "task2", "task3", "task4", "MOONS", "SPLIT_SEED", "MIN_ACCURACY", "moons_data", "cancer_split", "classify"]

exercise = Exercise("02_08")

#: ``make_moons`` arguments of the exercise's data cell (task 1).
MOONS = {"n_samples": 400, "noise": 0.2, "random_state": 7}
#: ``random_state`` of both ``train_test_split`` calls of the exercise's split cell (tasks 2-4).
SPLIT_SEED = 42
#: Accuracy a model needs in tasks 1 and 3.
MIN_ACCURACY = 0.95

_SPLIT_CELL = "run the data cells above the tasks again, unchanged"


# --------------------------------------------------------------------------- data

@functools.lru_cache(maxsize=1)
def _moons() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_moons

    X, y = make_moons(**MOONS)
    return X.astype("float32"), y.astype("int64")


def moons_data() -> tuple[np.ndarray, np.ndarray]:
    """The exercise's moons data ``(X_moons, y_moons)`` (copies; exercise 02_08 task 1)."""
    X, y = _moons()
    return X.copy(), y.copy()


@functools.lru_cache(maxsize=1)
def _cancer() -> dict[str, Any]:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer(as_frame=True)
    X = data.data
    y = (data.target == 0).astype(int).rename("malignant")   # 1 = malignant (악성), 0 = benign
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=SPLIT_SEED)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=SPLIT_SEED)
    return {"X": X, "y": y, "X_train": X_train, "X_val": X_val, "X_test": X_test,
            "y_train": y_train, "y_val": y_val, "y_test": y_test}


def cancer_split() -> dict[str, Any]:
    """The exercise's breast-cancer split (60 / 20 / 20, stratified, ``SPLIT_SEED``) as a dict
    with keys ``X, y, X_train, X_val, X_test, y_train, y_val, y_test`` (copies; 1 = malignant)."""
    return {k: v.copy() for k, v in _cancer().items()}


# --------------------------------------------------------------------------- judge helpers

def _dense_layers(model: Any) -> list:
    keras = sys.modules.get("keras")
    dense = getattr(getattr(keras, "layers", None), "Dense", None)
    if dense is None:
        return []
    return [layer for layer in getattr(model, "layers", []) if isinstance(layer, dense)]


def classify(model: Any, X: Any, name: str) -> np.ndarray:
    """Class predictions (0/1) of a one-output sigmoid model: probability >= 0.5 means 1.

    Raises :class:`WrongAnswer` when the model cannot be called on ``X`` or its outputs
    are not one probability per row (lesson 02_08)."""
    out = model_outputs(model, X, name=name)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim != 1 or out.shape[0] != len(X):
        raise WrongAnswer(f"`{name}` should give one probability per row (output shape (n, 1)), yours "
                          f"gives shape {tuple(out.shape)}: end the model with Dense(1, activation='sigmoid')")
    if out.min() < -1e-6 or out.max() > 1 + 1e-6:
        raise WrongAnswer(f"the outputs of `{name}` are not probabilities (some are below 0 or above 1): "
                          f"end the model with Dense(1, activation='sigmoid')")
    return (out >= 0.5).astype("int64")


def _judge_split(X_train_n: Any, X_val_n: Any, X_test_n: Any) -> str | None:
    parts = _cancer()
    return judge_standardized(parts["X_train"], {"X_train_n": (parts["X_train"], X_train_n),
                                                 "X_val_n": (parts["X_val"], X_val_n),
                                                 "X_test_n": (parts["X_test"], X_test_n)}, parts["X"])


def _test_rows(X_test_n: Any) -> np.ndarray:
    """The student's ``X_test_n`` as an array, after checking it is the right standardization."""
    parts = _cancer()
    try:
        verdict = judge_standardized(parts["X_train"], {"X_test_n": (parts["X_test"], X_test_n)}, parts["X"])
    except WrongAnswer as exc:
        verdict = str(exc)
    if verdict is not None:
        raise WrongAnswer(f"`X_test_n` is not right yet, so the model cannot be judged on it "
                          f"(task 2 says: {verdict})")
    if isinstance(X_test_n, pd.DataFrame):
        return X_test_n.loc[parts["X_test"].index, list(parts["X_test"].columns)].to_numpy("float32")
    return np.asarray(X_test_n, dtype="float32")


# --------------------------------------------------------------------------- task 1

def _judge_task1(moons_model: Any) -> str | None:
    X, y = _moons()
    accuracy = float(np.mean(classify(moons_model, X, "moons_model") == y))
    if accuracy >= MIN_ACCURACY:
        return None
    message = (f"`moons_model` classifies {accuracy:.1%} of the moons points correctly; it needs at "
               f"least {MIN_ACCURACY:.0%}")
    dense = _dense_layers(moons_model)
    if len(dense) == 1:
        return (message + ". It has a single Dense layer: a single perceptron (퍼셉트론) draws a straight "
                "line, which cannot follow the curved moons. Add hidden layers")
    return message + ". Is it trained (compiled, then fit_fast for enough epochs)? A larger learning rate or more epochs may help"


# --------------------------------------------------------------------------- tasks 2 to 4

def _judge_task2(X_train_n: Any, X_val_n: Any, X_test_n: Any) -> str | None:
    return _judge_split(X_train_n, X_val_n, X_test_n)


def _judge_task3(cancer_model: Any, X_train_n: Any, X_val_n: Any, X_test_n: Any) -> str | None:
    try:
        verdict = _judge_split(X_train_n, X_val_n, X_test_n)
    except WrongAnswer as exc:
        verdict = str(exc)
    if verdict is not None:
        return f"task 2 is not right yet, and the model is trained on its tables: {verdict}"
    X_test = _test_rows(X_test_n)
    y_test = _cancer()["y_test"].to_numpy()
    accuracy = float(np.mean(classify(cancer_model, X_test, "cancer_model") == y_test))
    if accuracy >= MIN_ACCURACY:
        return None
    return (f"`cancer_model` has test accuracy {accuracy:.1%}; it needs at least {MIN_ACCURACY:.0%}. "
            f"Train it on X_train_n (the standardized rows, not the raw ones) with "
            f"validation_data=(X_val_n, y_val), and give it enough epochs")


def _judge_task4(confusion: Any, cancer_model: Any, X_test_n: Any) -> str | None:
    if isinstance(confusion, pd.DataFrame):
        confusion = confusion.to_numpy()
    matrix = as_array(confusion, shape=(2, 2), name="confusion")
    if not np.allclose(matrix, np.round(matrix)):
        return ("`confusion` should hold counts of test rows (whole numbers), not fractions: use "
                "confusion_matrix(y_test, y_pred) without `normalize`")
    matrix = np.round(matrix).astype("int64")
    X_test = _test_rows(X_test_n)
    y_test = _cancer()["y_test"].to_numpy()
    y_pred = classify(cancer_model, X_test, "cancer_model")
    expected = np.zeros((2, 2), dtype="int64")
    np.add.at(expected, (y_test, y_pred), 1)          # rows: true class, columns: predicted
    if np.array_equal(matrix, expected):
        return None
    n_test, total = len(y_test), int(matrix.sum())
    if total != n_test:
        where = (" (that is the number of validation rows)" if total == len(_cancer()["y_val"])
                 else " (that is the number of training rows)" if total == len(_cancer()["y_train"]) else "")
        return (f"`confusion` counts {total} rows{where}, but the test set has {n_test}: compute it "
                f"from the test rows, confusion_matrix(y_test, y_pred)")
    if np.array_equal(matrix, expected.T):
        return ("`confusion` is transposed: scikit-learn puts the TRUE classes in the rows and the "
                "predicted classes in the columns, so call confusion_matrix(y_test, y_pred) in that order")
    return ("`confusion` does not match the predictions of `cancer_model` on X_test_n: predict the "
            "probabilities, turn them into classes with >= 0.5, then call confusion_matrix(y_test, y_pred)")


@exercise.task("an MLP for the moons", names=("moons_model",), probes={"moons_model": live},
               hints=("keras.Sequential([keras.Input((2,)), Dense(16, 'relu'), Dense(16, 'relu'), Dense(1, 'sigmoid')]), "
         "compile with loss='binary_crossentropy' and an Adam optimizer, then fit_fast for a few hundred epochs.",))
def task1(moons_model):
    transitional_judge(_judge_task1, moons_model=moons_model)


@exercise.task("standardize with training statistics", names=("X_train_n", "X_val_n", "X_test_n"),
               hints=("norm = StandardNormalizer().fit(X_train), then norm.transform(...) on each of the three parts; "
         "never fit on X_val, X_test or the whole X.",))
def task2(X_train_n, X_val_n, X_test_n):
    transitional_judge(_judge_task2, X_train_n=X_train_n, X_val_n=X_val_n, X_test_n=X_test_n)


@exercise.task("a breast-cancer classifier", names=("cancer_model", "X_train_n", "X_val_n", "X_test_n"), probes={"cancer_model": live},
               hints=("keras.Input((30,)) → Dense(16, 'relu') → Dense(1, 'sigmoid'); loss='binary_crossentropy', "
         "metrics=['accuracy']; fit_fast on X_train_n, y_train with validation_data=(X_val_n, y_val).",))
def task3(cancer_model, X_train_n, X_val_n, X_test_n):
    transitional_judge(_judge_task3, cancer_model=cancer_model, X_train_n=X_train_n, X_val_n=X_val_n, X_test_n=X_test_n)


@exercise.task("the confusion matrix", names=("confusion", "cancer_model", "X_test_n"), probes={"cancer_model": live},
               hints=("y_pred = (probabilities >= 0.5).astype(int) from cancer_model on X_test_n, then "
         "confusion_matrix(y_test, y_pred): true classes in the rows, predictions in the columns.",))
def task4(confusion, cancer_model, X_test_n):
    transitional_judge(_judge_task4, confusion=confusion, cancer_model=cancer_model, X_test_n=X_test_n)

