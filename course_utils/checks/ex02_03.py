"""Checks for exercise 02_03, Boston housing on raw features (회귀 regression) (lesson 02_03).

Task 1  ``X``, ``y``: the 13 features and the target ``MEDV`` of the Boston frame (a DataFrame
        and a Series, or arrays; any column order for a DataFrame).
Task 2  ``model``: a Keras model with 13 inputs and one linear output (checked untrained; the
        activation may be a separate ``Activation`` layer).
Task 3  ``raw_rmse``: the RMSE of the trained ``model`` on ``X``, ``y``. The check computes the
        model's RMSE itself (a call of the model, no training) and requires agreement within
        0.1 %, a model whose optimizer has taken steps, and one clearly better than predicting 0
        for every house (an untrained net predicts about 0). Any way of training passes
        (``model.fit``, ``fit_fast``) and any way of computing the RMSE.
Task 4  ``baseline_rmse``: the RMSE of always predicting the mean price (the yardstick the raw
        net is compared with).

Nothing here imports TensorFlow: a Keras model is recognised through the already imported
``keras`` module (see :func:`course_utils.checks.inputs.model_outputs`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from .core import Exercise, WrongAnswer
from .data import boston_cached
from .export import Unsupported, is_keras_model
from .inputs import as_number, model_outputs

__all__ = ["exercise", "task1", "task2", "task3", "task4", "RMSE_RTOL", "TRAINED_FRACTION"]

exercise = Exercise("02_03")

#: raw_rmse may differ from the check's own computation by this fraction (float32, predict vs
#: call, batch-wise averages in evaluate); other error measures differ by far more.
RMSE_RTOL = 1e-3
#: baseline_rmse may differ from the exact value by this fraction (float32 arithmetic); the
#: sample std (ddof=1) differs by 0.1 % on 506 rows.
BASELINE_RTOL = 1e-4
#: A trained model must have an RMSE below this fraction of the RMSE of predicting 0.
#: Untrained nets stay near 1.0; a net that learned only the mean price reaches 0.38.
TRAINED_FRACTION = 0.8
#: Layers that may follow the output Dense layer without making the output non-linear.
_NEUTRAL_LAYERS = ("Dropout", "Identity", "Flatten", "Reshape", "InputLayer")


def _type(value: Any) -> str:
    return value.type_name if isinstance(value, Unsupported) else type(value).__name__


# --------------------------------------------------------------------------- task 1

def _features(X: Any) -> np.ndarray:
    """``X`` as a (506, 13) float array in the student's column order, or WrongAnswer."""
    X_all, y_all = boston_cached()
    n, k = X_all.shape
    if isinstance(X, pd.Series):
        raise WrongAnswer(_("`X` is a single column (a Series); it should be the table of the 13 features"))
    if isinstance(X, pd.DataFrame):
        cols = [str(c) for c in X.columns]
        if y_all.name in cols:
            raise WrongAnswer(_("`X` still contains the target column {target!r}: the model must not see the "
                                "answer. Take it out of the features").format(target=y_all.name))
        missing = [c for c in X_all.columns if c not in cols]
        extra = [c for c in cols if c not in X_all.columns]
        if missing or extra:
            parts = ([_("missing {columns}").format(columns=missing)] if missing else []) + \
                    ([_("unexpected {columns}").format(columns=extra)] if extra else [])
            raise WrongAnswer(_("`X` should have the 13 feature columns of the Boston data: {what}").format(
                what="; ".join(parts)))
        if len(X) != n:
            raise WrongAnswer(_("`X` should have all {n} rows of the Boston data, yours has {k}").format(n=n, k=len(X)))
        try:
            values = X[list(X_all.columns)].to_numpy(dtype="float64")
        except (TypeError, ValueError):
            raise WrongAnswer(_("`X` holds cells that are not numbers")) from None
        if not np.allclose(values, X_all.to_numpy(), rtol=1e-6, atol=1e-9):
            raise WrongAnswer(_("the values in `X` are not the Boston features as loaded (rows in file order, "
                                "no scaling): take them straight from the loaded frame"))
        return X.to_numpy(dtype="float64")
    if isinstance(X, (str, bytes, dict, Unsupported)) or np.isscalar(X):
        raise WrongAnswer(_("`X` should be a DataFrame of the 13 features, yours is a {type}").format(type=_type(X)))
    try:
        values = np.asarray(X, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(_("`X` should be a table of numbers, yours is a {type}").format(type=_type(X))) from None
    if values.shape != (n, k):
        extra = _(" (did you keep MEDV?)") if values.shape == (n, k + 1) else ""
        raise WrongAnswer(_("`X` should have shape ({n}, {k}), yours has {shape}{extra}").format(
            n=n, k=k, shape=values.shape, extra=extra))
    if not np.allclose(values, X_all.to_numpy(), rtol=1e-6, atol=1e-9):
        raise WrongAnswer(_("the values in `X` are not the 13 Boston features in file order: take them straight "
                            "from the loaded frame"))
    return values


def _target(y: Any) -> np.ndarray:
    _X, y_all = boston_cached()
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise WrongAnswer(_("`y` should be the single column MEDV, yours has {k} columns").format(k=y.shape[1]))
        y = y.iloc[:, 0]
    if isinstance(y, (str, bytes, dict, Unsupported)) or np.isscalar(y):
        raise WrongAnswer(_("`y` should be the MEDV column (a Series), yours is a {type}").format(type=_type(y)))
    try:
        values = np.asarray(y, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(_("`y` should be the MEDV column (numbers), yours is a {type}").format(type=_type(y))) from None
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.shape != y_all.shape:
        raise WrongAnswer(_("`y` should have shape {shape} (one MEDV per house), yours has {actual}").format(
            shape=y_all.shape, actual=values.shape))
    if not np.allclose(values, y_all.to_numpy(), rtol=1e-6, atol=1e-9):
        raise WrongAnswer(_("`y` is not the MEDV column in file order: take it from the loaded frame"))
    return values


@exercise.task(
    "features and target", names=("X", "y"),
    hints=(
        "The inputs are every column except the one the model must predict; the target is that one column. "
        "Keep all 506 rows, in file order, unscaled.",
        "Drop the MEDV column (or copy the frame and pop it, as the slides do) to get the 13 features; the "
        "popped column is the target.",
    ))
def task1(X, y):
    _features(X)
    _target(y)


# --------------------------------------------------------------------------- task 2

def _activation_name(layer: Any) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", "linear") if activation is not None else "linear"


def _check_model(model: Any) -> None:
    X_all, _y = boston_cached()
    if not is_keras_model(model) or not hasattr(model, "layers"):
        raise WrongAnswer(_("`model` should be a Keras model (keras.Model or keras.Sequential), yours is a "
                            "{type}").format(type=_type(model)))
    out = model_outputs(model, X_all.to_numpy()[:4])
    if out.ndim != 2 or out.shape[1] != 1:
        raise WrongAnswer(_("`model` should give one number per house, output shape (n, 1); yours gives {shape} "
                            "per batch of 4 houses").format(shape=tuple(out.shape)))
    layers = list(model.layers)
    dense = [i for i, layer in enumerate(layers) if hasattr(layer, "kernel")]
    if not dense:
        raise WrongAnswer(_("`model` has no Dense layer: build it from keras.layers.Dense layers"))
    last = dense[-1]
    name = _activation_name(layers[last])
    if name != "linear":
        raise WrongAnswer(_("the output layer uses the {name!r} activation; a regression output must be linear "
                            "(no activation) so that it can reach any price").format(name=name))
    for layer in layers[last + 1:]:
        kind = type(layer).__name__
        if kind == "Activation":
            if _activation_name(layer) != "linear":
                raise WrongAnswer(_("the output passes through a {name!r} Activation layer; a regression output "
                                    "must be linear so that it can reach any price").format(name=_activation_name(layer)))
        elif kind not in _NEUTRAL_LAYERS:
            raise WrongAnswer(_("after the output Dense layer comes a {kind} layer; a regression output must be "
                                "the Dense layer's linear output").format(kind=kind))


@exercise.task(
    "a model with 13 inputs and 1 linear output", names=("model",),
    hints=(
        "How many numbers describe one house, and how many numbers should the model give back? A price can be "
        "any number, so the last layer must not squash it.",
        "Start from an input of shape (13,), stack Dense layers as in the practice notebook, and end with a "
        "Dense layer of one unit and no activation.",
    ))
def task2(model):
    _check_model(model)


# --------------------------------------------------------------------------- task 3

def _steps_taken(model: Any) -> int | None:
    optimizer = getattr(model, "optimizer", None)
    iterations = getattr(optimizer, "iterations", None)
    if iterations is None:
        return None
    try:
        return int(np.asarray(iterations.numpy() if hasattr(iterations, "numpy") else iterations))
    except (TypeError, ValueError):
        return None


@exercise.task(
    "train on raw features and report the RMSE", names=("model", "X", "y", "raw_rmse"),
    hints=(
        "Compile the model with the mean squared error and plain SGD, train it with model.fit on the raw X and "
        "y, then measure it: the RMSE is the square root of the mean of the squared errors over all houses.",
        "Keras 3 writes the learning rate as SGD(learning_rate=...). After training, get the model's "
        "predictions for X, subtract y, square, average over the 506 houses and take the square root.",
    ))
def task3(model, X, y, raw_rmse):
    try:
        X_values, y_values = _features(X), _target(y)
    except WrongAnswer as exc:
        raise WrongAnswer(_("fix task 1 first ({problem})").format(problem=exc)) from None
    _check_model(model)
    reported = as_number(raw_rmse, "raw_rmse",
                         many=_("average the squared errors over all houses, then take the square root"))
    if reported < 0:
        raise WrongAnswer(_("`raw_rmse` should be a finite number >= 0 (a root of a mean of squares)"))
    steps = _steps_taken(model)
    if steps == 0 or (steps is None and getattr(model, "optimizer", None) is None):
        raise WrongAnswer(_("`model` has not been trained yet: compile it, then train it with model.fit before "
                            "computing raw_rmse"))
    errors = model_outputs(model, X_values).reshape(-1) - y_values
    rmse = float(np.sqrt(np.mean(errors ** 2)))
    if abs(reported - rmse) > RMSE_RTOL * rmse:
        if abs(reported - rmse ** 2) <= RMSE_RTOL * rmse ** 2:
            raise WrongAnswer(_("`raw_rmse` looks like the mean squared error (MSE); take its square root"))
        mae = float(np.mean(np.abs(errors)))
        if abs(reported - mae) <= RMSE_RTOL * mae:
            raise WrongAnswer(_("`raw_rmse` looks like the mean absolute error (MAE); the RMSE squares the errors, "
                                "averages them, then takes the square root"))
        if any(abs(reported - y_values.std(ddof=d)) <= RMSE_RTOL * rmse for d in (0, 1)):
            raise WrongAnswer(_("`raw_rmse` is the standard deviation of y, not the error of `model`: compare the "
                                "model's predictions with y"))
        raise WrongAnswer(_("`raw_rmse` does not match the RMSE of `model` on X and y: compute "
                            "sqrt(mean((prediction - y)**2)) over all rows with the model as it is now, after "
                            "training (the last loss in the training log is an average taken while the weights "
                            "were still changing)"))
    if rmse >= TRAINED_FRACTION * float(np.sqrt(np.mean(y_values ** 2))):
        raise WrongAnswer(_("`model` predicts hardly better than 0 for every house: train it (longer, or check "
                            "the learning rate) before computing raw_rmse"))


# --------------------------------------------------------------------------- task 4

@exercise.task(
    "the RMSE of always predicting the mean", names=("y", "baseline_rmse"),
    hints=(
        "A model that ignores the features and answers the average price for every house makes an error on "
        "each house; baseline_rmse is the RMSE of those errors, the same formula as in task 3.",
        "The prediction is y's mean for all 506 houses: subtract it from y, square, average over the houses "
        "(divide by n, not n - 1) and take the square root.",
    ))
def task4(y, baseline_rmse):
    try:
        y_values = _target(y)
    except WrongAnswer as exc:
        raise WrongAnswer(_("fix task 1 first ({problem})").format(problem=exc)) from None
    reported = as_number(baseline_rmse, "baseline_rmse", many=_("it is one number for the whole data set"))
    exact = float(np.sqrt(np.mean((y_values - y_values.mean()) ** 2)))
    if abs(reported - exact) <= BASELINE_RTOL * exact:
        return
    close = lambda value: abs(reported - value) <= BASELINE_RTOL * abs(value)  # noqa: E731
    if close(float(y_values.std(ddof=1))):
        raise WrongAnswer(_("`baseline_rmse` divides by n - 1 (pandas' std, ddof=1); the RMSE averages the squared "
                            "errors over the n houses"))
    if close(exact ** 2):
        raise WrongAnswer(_("`baseline_rmse` looks like a mean squared error; take its square root"))
    if close(float(y_values.mean())):
        raise WrongAnswer(_("`baseline_rmse` is the mean price itself, the prediction; the task asks for the "
                            "RMSE of that prediction"))
    if close(float(np.sqrt(np.mean(y_values ** 2)))):
        raise WrongAnswer(_("`baseline_rmse` is the RMSE of predicting 0 for every house; predict the mean price"))
    if close(float(np.mean(np.abs(y_values - y_values.mean())))):
        raise WrongAnswer(_("`baseline_rmse` looks like a mean absolute error; square the errors, average, then "
                            "take the square root"))
    if close(float(np.sqrt(np.mean((y_values - np.median(y_values)) ** 2)))):
        raise WrongAnswer(_("`baseline_rmse` predicts the median price; the baseline predicts the mean"))
    raise WrongAnswer(_("`baseline_rmse` is not the RMSE of predicting the mean price for every house"))
