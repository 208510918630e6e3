"""Checks for exercise 02_07, split then normalize (데이터 분할 + 정규화) on the Boston housing data,
and the model without the column ``B`` (lesson 02_07).

Task 1  ``X_train, X_val, X_test, y_train, y_val, y_test, split_seed`` (the 70 / 15 / 15 split,
        judged as in exercise 02_06) and ``X_train_n, X_val_n, X_test_n``: every part
        standardized with the mean and std of the TRAINING rows (judged by
        :func:`.ex02_04.judge_standardized`).
Task 2  ``model`` (13 inputs, one output) and ``rmse_with_b``: the check computes the RMSE of
        ``model`` on the test rows itself (standardized with the training statistics, no
        training), requires agreement within :data:`RMSE_RTOL` and an RMSE below
        :data:`MAX_RMSE_WITH_B`.
Task 3  ``model_without_b`` (12 inputs: every feature but ``B``), ``rmse_without_b`` (recomputed
        the same way on the test rows without ``B``) and ``rmse_difference``
        ``= rmse_without_b - rmse_with_b``.

Checks never train and never show the expected answer. Nothing here imports TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .core import Exercise, WrongAnswer, transitional_judge
from .data import boston_cached, boston_labels, boston_rows, judge_boston_split, judge_standardized
from .inputs import as_number, model_outputs

__all__ = ["exercise", "task1", "task2", "task3", "RMSE_RTOL", "MAX_RMSE_WITH_B", "MAX_RMSE_WITHOUT_B", "DROPPED"]

exercise = Exercise("02_07")

#: The column the exercise removes (see the ethics note in datasets/README and lesson 02_03).
DROPPED = "B"
#: A reported RMSE may differ from the check's own computation by this fraction (float32
#: arithmetic gives ~1e-6; with and without B often differ by only ~1 %, so 1 % would be too loose).
RMSE_RTOL = 1e-3
#: The model with all 13 features must reach a test RMSE below this ($1000s). The course's
#: net reaches about 3.0 with split seed 7 and 2.6-3.6 with other seeds; a linear regression
#: about 4.6-5.0; predicting the mean training MEDV about 9.
MAX_RMSE_WITH_B = 5.0
#: The model without B must be trained too (the same net reaches about 3.0; the mean, about 9).
MAX_RMSE_WITHOUT_B = 6.0
#: ``rmse_difference`` must equal ``rmse_without_b - rmse_with_b`` within this (absolute).
DIFF_ATOL = 1e-6

_SPLIT = "fix task 1 first"


def _parts(X_train: Any, X_test: Any, y_test: Any) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The raw training and test rows and the test labels, each judged (or WrongAnswer)."""
    X_all, _ = boston_cached()
    try:
        X_train = boston_rows(X_train, "X_train")
        X_test = boston_rows(X_test, "X_test")
        boston_labels(y_test, X_test, "y_test", "X_test")
    except WrongAnswer as exc:
        raise WrongAnswer(f"{_SPLIT} ({exc})") from None
    if len(X_train) >= len(X_all):
        raise WrongAnswer("`X_train` holds every row of the data: split the data first (task 1)")
    _, y_all = boston_cached()
    return X_train, X_test, y_all.loc[X_test.index].to_numpy("float64")


def _test_inputs(X_train: pd.DataFrame, X_test: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The check's own standardized test rows (training mean and std, ddof=1) in ``columns``."""
    mean, std = X_train[columns].mean(), X_train[columns].std(ddof=1)
    return ((X_test[columns] - mean) / std).to_numpy("float64")


def _number(value: Any, name: str) -> float:
    return as_number(value, name, many="average the squared errors over the test rows, then take the square root")


def _model_rmse(model: Any, name: str, x: np.ndarray, y: np.ndarray, n_features: int) -> float:
    if model is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign it?")
    if not hasattr(model, "layers") or not hasattr(model, "count_params"):
        raise WrongAnswer(f"`{name}` should be a Keras model (e.g. house_price_model(...)), yours is a "
                          f"{type(model).__name__}")
    try:
        inputs = model.inputs
        width = int(inputs[0].shape[-1]) if inputs else None
    except (TypeError, ValueError, IndexError, AttributeError):
        width = None                      # not built yet: model_outputs says so
    if width is not None and width != n_features:
        extra = (" (every column but B)" if n_features == 12 else " (all Boston features)")
        raise WrongAnswer(f"`{name}` takes {width} input features, it should take {n_features}{extra}")
    pred = model_outputs(model, x, name=name)
    if pred.ndim != 2 or pred.shape[1] != 1:
        raise WrongAnswer(f"`{name}` should give one MEDV per house, output shape (n, 1); yours gives "
                          f"shape {tuple(pred.shape)}")
    return float(np.sqrt(np.mean((pred.reshape(-1) - y) ** 2)))


def _agree(reported: float, rmse: float, name: str, model_name: str, inputs: str) -> str | None:
    if abs(reported - rmse) <= RMSE_RTOL * max(rmse, 1e-9):
        return None
    if abs(reported - rmse ** 2) <= RMSE_RTOL * max(rmse ** 2, 1e-9):
        return f"`{name}` looks like the mean squared error (MSE); take its square root"
    return (f"`{name}` does not match the RMSE of `{model_name}` on the test rows ({inputs}, y_test): "
            f"compute sqrt(mean((prediction - y_test)**2)) with the model as it is now")


# --------------------------------------------------------------------------- judges

def _judge_task1(X_train: Any, X_val: Any, X_test: Any, y_train: Any, y_val: Any, y_test: Any,
                 split_seed: Any, X_train_n: Any, X_val_n: Any, X_test_n: Any) -> str | None:
    message = judge_boston_split(X_train, X_val, X_test, y_train, y_val, y_test, split_seed)
    if message:
        return message
    X_all, _ = boston_cached()
    raw = {key: boston_rows(value, "X_" + key) for key, value in
           (("train", X_train), ("val", X_val), ("test", X_test))}
    return judge_standardized(raw["train"], {"X_train_n": (raw["train"], X_train_n),
                                             "X_val_n": (raw["val"], X_val_n),
                                             "X_test_n": (raw["test"], X_test_n)}, X_all)


def _judge_task2(X_train: Any, X_test: Any, y_test: Any, X_test_n: Any, model: Any,
                 rmse_with_b: Any) -> str | None:
    X_train, X_test, y = _parts(X_train, X_test, y_test)
    X_all, _ = boston_cached()
    message = judge_standardized(X_train, {"X_test_n": (X_test, X_test_n)}, X_all)
    if message:
        return f"{_SPLIT}: {message}"
    reported = _number(rmse_with_b, "rmse_with_b")
    rmse = _model_rmse(model, "model", _test_inputs(X_train, X_test, list(X_all.columns)), y, X_all.shape[1])
    message = _agree(reported, rmse, "rmse_with_b", "model", "X_test_n")
    if message:
        raw_rmse = _model_rmse(model, "model", X_test.to_numpy("float64"), y, X_all.shape[1])
        if abs(reported - raw_rmse) <= RMSE_RTOL * max(raw_rmse, 1e-9):
            return ("`rmse_with_b` was computed on the raw test features: feed the model X_test_n, "
                    "the standardized test rows")
        return message
    if rmse >= MAX_RMSE_WITH_B:
        return (f"your model's test RMSE is not below {MAX_RMSE_WITH_B}: train it on X_train_n "
                f"(house_price_model(13) for HOUSE_EPOCHS epochs, as the practice notebook does)")
    return None


def _judge_task3(X_train: Any, X_test: Any, y_test: Any, model_without_b: Any, rmse_without_b: Any,
                 rmse_with_b: Any, rmse_difference: Any) -> str | None:
    X_train, X_test, y = _parts(X_train, X_test, y_test)
    X_all, _ = boston_cached()
    columns = [c for c in X_all.columns if c != DROPPED]
    reported = _number(rmse_without_b, "rmse_without_b")
    rmse = _model_rmse(model_without_b, "model_without_b", _test_inputs(X_train, X_test, columns), y,
                       len(columns))
    message = _agree(reported, rmse, "rmse_without_b", "model_without_b",
                     "X_test_n without the column B")
    if message:
        return message
    if rmse >= MAX_RMSE_WITHOUT_B:
        return (f"`model_without_b`'s test RMSE is not below {MAX_RMSE_WITHOUT_B}: train it on the "
                f"standardized training rows without B before computing rmse_without_b")
    with_b = _number(rmse_with_b, "rmse_with_b")
    diff = _number(rmse_difference, "rmse_difference")
    if abs(diff - (reported - with_b)) <= DIFF_ATOL:
        return None
    if abs(diff - (with_b - reported)) <= DIFF_ATOL:
        return "`rmse_difference` has the wrong sign: it is rmse_without_b - rmse_with_b"
    return "`rmse_difference` should be rmse_without_b - rmse_with_b (your two numbers)"


@exercise.task("split, then standardize with the training rows", names=("X_train", "X_val", "X_test", "y_train", "y_val", "y_test", "split_seed",
           "X_train_n", "X_val_n", "X_test_n"),
               hints=("X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(X, y, val_size=0.15, "
         "test_size=0.15, seed=split_seed); norm = StandardNormalizer().fit(X_train); then "
         "X_train_n = norm.transform(X_train), and the same norm for X_val and X_test.",))
def task1(X_train, X_val, X_test, y_train, y_val, y_test, split_seed, X_train_n, X_val_n, X_test_n):
    transitional_judge(_judge_task1, X_train=X_train, X_val=X_val, X_test=X_test, y_train=y_train, y_val=y_val, y_test=y_test, split_seed=split_seed, X_train_n=X_train_n, X_val_n=X_val_n, X_test_n=X_test_n)


@exercise.task("train, then the test RMSE with all 13 features", names=("X_train", "X_test", "y_test", "X_test_n", "model", "rmse_with_b"),
               hints=("model = house_price_model(13, seed=0); fit_fast(model, X_train_n, y_train, "
         "epochs=HOUSE_EPOCHS, validation_data=(X_val_n, y_val)); pred = np.asarray(model(X_test_n, "
         "training=False)).ravel(); rmse_with_b = float(np.sqrt(np.mean((pred - y_test) ** 2))).",))
def task2(X_train, X_test, y_test, X_test_n, model, rmse_with_b):
    transitional_judge(_judge_task2, X_train=X_train, X_test=X_test, y_test=y_test, X_test_n=X_test_n, model=model, rmse_with_b=rmse_with_b)


@exercise.task("the same model without the column B", names=("X_train", "X_test", "y_test", "model_without_b", "rmse_without_b", "rmse_with_b",
           "rmse_difference"),
               hints=("Drop B from the standardized parts (X_train_n.drop(columns=['B']) …), build "
         "house_price_model(12, seed=0), train it the same way, compute rmse_without_b on the test "
         "rows without B, then rmse_difference = rmse_without_b - rmse_with_b.",))
def task3(X_train, X_test, y_test, model_without_b, rmse_without_b, rmse_with_b, rmse_difference):
    transitional_judge(_judge_task3, X_train=X_train, X_test=X_test, y_test=y_test, model_without_b=model_without_b, rmse_without_b=rmse_without_b, rmse_with_b=rmse_with_b, rmse_difference=rmse_difference)

