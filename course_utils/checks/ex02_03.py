"""Checks for exercise 02_03, Boston housing on raw features (회귀 regression) (lesson 02_03).

Task 1  ``X``, ``y``: the 13 features and the target ``MEDV`` of the Boston frame, in file order.
Task 2  ``model``: a Keras model with 13 inputs and one linear output (checked untrained).
Task 3  ``raw_rmse``: the RMSE of the trained ``model`` on ``X``, ``y``. The check computes the
        model's RMSE itself (a call of the model, no training), requires agreement within
        1 % and a model clearly better than predicting 0 for every house (so it was trained).

Nothing here imports TensorFlow: a Keras model is recognised through the already imported
``keras`` module (see :func:`course_utils.checks.core.model_outputs`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .core import Exercise, WrongAnswer, transitional_judge
from .data import boston_cached
from .inputs import as_number, model_outputs

__all__ = ["exercise", "task1", "task2", "task3"]

exercise = Exercise("02_03")

#: raw_rmse may differ from the check's own computation by this fraction (float32, predict vs call).
RMSE_RTOL = 0.01
#: A trained model must have an RMSE below this fraction of the RMSE of predicting 0.
#: Untrained nets stay near 1.0; a net that learned only the mean price reaches 0.38.
TRAINED_FRACTION = 0.8




def _features(X: Any) -> np.ndarray:
    """``X`` as a (506, 13) float array in file column order, or WrongAnswer."""
    X_all, y_all = boston_cached()
    n, k = X_all.shape
    if X is None:
        raise WrongAnswer("`X` is None — did you forget to assign it?")
    if isinstance(X, pd.Series):
        raise WrongAnswer("`X` is a single column (a Series); it should be the table of the 13 features")
    if isinstance(X, pd.DataFrame):
        cols = [str(c) for c in X.columns]
        if y_all.name in cols:
            raise WrongAnswer(f"`X` still contains the target column {y_all.name!r}: the model must "
                              f"not see the answer. Drop it from the features")
        missing = [c for c in X_all.columns if c not in cols]
        extra = [c for c in cols if c not in X_all.columns]
        if missing or extra:
            parts = ([f"missing {missing}"] if missing else []) + ([f"unexpected {extra}"] if extra else [])
            raise WrongAnswer("`X` should have the 13 feature columns of the Boston data: "
                              + "; ".join(parts))
        if len(X) != n:
            raise WrongAnswer(f"`X` should have all {n} rows of the Boston data, yours has {len(X)}")
        try:
            values = X[list(X_all.columns)].to_numpy(dtype="float64")
        except (TypeError, ValueError):
            raise WrongAnswer("`X` holds cells that are not numbers") from None
        if not np.allclose(values, X_all.to_numpy(), rtol=1e-6, atol=1e-9):
            raise WrongAnswer("the values in `X` are not the Boston features as loaded (rows in "
                              "file order, no scaling): take them straight from the loaded frame")
        return X.to_numpy(dtype="float64")
    if isinstance(X, (str, bytes, dict)) or np.isscalar(X):
        raise WrongAnswer(f"`X` should be a DataFrame of the 13 features, yours is a {type(X).__name__}")
    try:
        values = np.asarray(X, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(f"`X` should be a table of numbers, yours is a {type(X).__name__}") from None
    if values.shape != (n, k):
        hint = " (did you keep MEDV?)" if values.shape == (n, k + 1) else ""
        raise WrongAnswer(f"`X` should have shape ({n}, {k}), yours has {values.shape}{hint}")
    if not np.allclose(values, X_all.to_numpy(), rtol=1e-6, atol=1e-9):
        raise WrongAnswer("the values in `X` are not the 13 Boston features in file order: take "
                          "them straight from the loaded frame")
    return values


def _target(y: Any) -> np.ndarray:
    _, y_all = boston_cached()
    if y is None:
        raise WrongAnswer("`y` is None — did you forget to assign it?")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise WrongAnswer(f"`y` should be the single column MEDV, yours has {y.shape[1]} columns")
        y = y.iloc[:, 0]
    if isinstance(y, (str, bytes, dict)) or np.isscalar(y):
        raise WrongAnswer(f"`y` should be the MEDV column (a Series), yours is a {type(y).__name__}")
    try:
        values = np.asarray(y, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(f"`y` should be the MEDV column (numbers), yours is a {type(y).__name__}") from None
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.shape != y_all.shape:
        raise WrongAnswer(f"`y` should have shape {y_all.shape} (one MEDV per house), yours has {values.shape}")
    if not np.allclose(values, y_all.to_numpy(), rtol=1e-6, atol=1e-9):
        raise WrongAnswer("`y` is not the MEDV column in file order: take it from the loaded frame")
    return values


def _judge_task1(X: Any, y: Any) -> str | None:
    _features(X)
    _target(y)
    return None


def _check_model(model: Any) -> None:
    X_all, _ = boston_cached()
    if model is None:
        raise WrongAnswer("`model` is None — did you forget to assign it?")
    if not hasattr(model, "layers") or not hasattr(model, "count_params"):
        raise WrongAnswer(f"`model` should be a Keras model (keras.Model or keras.Sequential), "
                          f"yours is a {type(model).__name__}")
    out = model_outputs(model, X_all.to_numpy()[:4])
    if out.ndim != 2 or out.shape[1] != 1:
        raise WrongAnswer(f"`model` should give one number per house, output shape (n, 1); yours gives "
                          f"{tuple(out.shape[1:]) if out.ndim > 1 else 'a shape of ' + str(out.shape)} per batch")
    last = next((layer for layer in reversed(model.layers) if hasattr(layer, "activation")), None)
    name = getattr(getattr(last, "activation", None), "__name__", "linear")
    if name != "linear":
        raise WrongAnswer(f"the output layer uses the {name!r} activation; a regression output must be "
                          f"linear (activation=None) so it can reach any price")


def _judge_task2(model: Any) -> str | None:
    _check_model(model)
    return None


def _judge_task3(model: Any, X: Any, y: Any, raw_rmse: Any) -> str | None:
    try:
        X_values, y_values = _features(X), _target(y)
    except WrongAnswer as exc:
        raise WrongAnswer(f"fix task 1 first ({exc})") from None
    _check_model(model)
    reported = as_number(raw_rmse, "raw_rmse",
                         many="average the squared errors over all houses, then take the square root")
    if reported < 0:
        raise WrongAnswer("`raw_rmse` should be a finite number >= 0")
    pred = model_outputs(model, X_values).reshape(-1)
    rmse = float(np.sqrt(np.mean((pred - y_values) ** 2)))
    zero_rmse = float(np.sqrt(np.mean(y_values ** 2)))
    if abs(reported - rmse) > RMSE_RTOL * rmse:
        if abs(reported - rmse ** 2) <= RMSE_RTOL * rmse ** 2:
            return "`raw_rmse` looks like the mean squared error (MSE); take its square root"
        return ("`raw_rmse` does not match the RMSE of `model` on X and y: compute "
                "sqrt(mean((prediction - y)**2)) over all rows with the model as it is now")
    if rmse >= TRAINED_FRACTION * zero_rmse:
        return ("`model` predicts hardly better than 0 for every house: compile it and train it "
                "(fit_fast or model.fit) before computing raw_rmse")
    return None


@exercise.task("features and target", names=("X", "y"),
               hints=("X = boston.drop(columns=['MEDV']) keeps the 13 features; y = boston['MEDV'] is the target.",))
def task1(X, y):
    transitional_judge(_judge_task1, X=X, y=y)


@exercise.task("a model with 13 inputs and 1 linear output", names=("model",),
               hints=("keras.Input(shape=(13,)), a few Dense layers, then keras.layers.Dense(1) with no "
         "activation; keras.Model(inputs, outputs).",))
def task2(model):
    transitional_judge(_judge_task2, model=model)


@exercise.task("train on raw features and report the RMSE", names=("model", "X", "y", "raw_rmse"),
               hints=("Compile with loss='mse' and SGD, train with fit_fast(model, X, y, epochs=..., batch_size=...), "
         "then pred = np.asarray(model(X.to_numpy('float32'), training=False)).ravel() and "
         "raw_rmse = float(np.sqrt(np.mean((pred - y.to_numpy()) ** 2))).",))
def task3(model, X, y, raw_rmse):
    transitional_judge(_judge_task3, model=model, X=X, y=y, raw_rmse=raw_rmse)

