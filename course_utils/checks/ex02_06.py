"""Checks for exercise 02_06, validation data (검증 데이터) and overfitting (과적합) on the
Boston housing data (lesson 02_06).

Task 1  ``X_train, X_val, X_test, y_train, y_val, y_test`` and ``split_seed``: the Boston data
        split 70 / 15 / 15 with ``train_val_test_split(X, y, val_size=0.15, test_size=0.15,
        seed=split_seed)``: sizes (fractions and slack of :mod:`.ex02_05`), disjoint parts that
        cover every row, X and y rows that belong together, a split the seed reproduces.
Task 2  ``X_train_n, X_val_n`` (standardized with the training statistics, judged by
        :func:`.ex02_04.judge_standardized`), ``model`` and ``history``: a History (or its
        dict) with ``loss`` and ``val_loss`` of equal length >= :data:`MIN_EPOCHS`, whose last
        ``val_loss`` is the MSE of ``model`` on ``(X_val_n, y_val)`` (Keras measures it after
        the last epoch's updates, so it equals ``model.evaluate(X_val_n, y_val)`` at the end).
Task 3  ``best_epoch``: the 1-based epoch of the lowest ``val_loss`` in ``history``.

Checks never train and never show the expected answer. Nothing here imports TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .core import Exercise, WrongAnswer, transitional_judge
from .data import SPLIT_HINT, SPLIT_NAMES, SPLIT_TITLE, boston_cached, boston_labels, boston_rows, history_dict, judge_boston_split, judge_standardized
from .inputs import model_outputs

__all__ = ["exercise", "task1", "task2", "task3", "LOSS_RTOL"]

exercise = Exercise("02_06")

#: The last val_loss and the check's own MSE of the model on the validation rows may differ by
#: this fraction (float32 arithmetic; a changed or retrained model differs by far more).
LOSS_RTOL = 1e-3

_RETRAIN = "run the cell that builds, compiles and trains the model again"




# --------------------------------------------------------------------------- task 1 helpers







# --------------------------------------------------------------------------- task 2 and 3 helpers



def _in_order(part_n: Any, raw: pd.DataFrame) -> np.ndarray:
    """A standardized part (already judged) as an array in the rows and columns of ``raw``."""
    if isinstance(part_n, pd.DataFrame):
        if not part_n.index.equals(raw.index) and set(part_n.index) == set(raw.index):
            part_n = part_n.loc[raw.index]
        return part_n[list(raw.columns)].to_numpy("float64")
    return np.asarray(part_n, dtype="float64")


def _mse(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((pred.reshape(-1) - y) ** 2))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= LOSS_RTOL * max(abs(b), 1e-6)


def _judge_task2(X_train: Any, X_val: Any, y_train: Any, y_val: Any, X_train_n: Any, X_val_n: Any,
                 model: Any, history: Any) -> str | None:
    X_all, _ = boston_cached()
    X_train = boston_rows(X_train, "X_train")
    X_val = boston_rows(X_val, "X_val")
    if len(X_train) >= len(X_all):
        raise WrongAnswer("`X_train` holds every row of the data: split the data first (task 1)")
    boston_labels(y_train, X_train, "y_train", "X_train")
    boston_labels(y_val, X_val, "y_val", "X_val")
    message = judge_standardized(X_train, {"X_train_n": (X_train, X_train_n),
                                           "X_val_n": (X_val, X_val_n)}, X_all)
    if message:
        return message
    losses = history_dict(history)
    if model is None:
        raise WrongAnswer("`model` is None — did you forget to assign it?")
    train_n, val_n = _in_order(X_train_n, X_train), _in_order(X_val_n, X_val)
    pred_val = model_outputs(model, val_n)
    if pred_val.ndim != 2 or pred_val.shape[1] != 1:
        raise WrongAnswer(f"`model` should give one price per house, output shape (n, 1); yours "
                          f"gives shape {tuple(pred_val.shape)}")
    yv = np.asarray(y_val, dtype="float64").reshape(-1)
    yt = np.asarray(y_train, dtype="float64").reshape(-1)
    last = float(losses["val_loss"][-1])
    if _close(last, _mse(pred_val, yv)):
        if losses["loss"][-1] >= losses["loss"][0]:
            return "the training loss did not fall: the model did not learn (check the learning rate)"
        return None
    if _close(last, _mse(model_outputs(model, train_n), yt)):
        return ("your val_loss is the loss on the TRAINING rows: pass the validation rows, "
                "validation_data=(X_val_n, y_val)")
    if _close(last, float(np.mean(np.abs(pred_val.reshape(-1) - yv)))):
        return "your history's losses are mean absolute errors: compile the model with loss='mse'"
    raw = model_outputs(model, X_val.to_numpy("float64"))
    if _close(last, _mse(raw, yv)):
        return ("your model was validated on the raw features: train on X_train_n and validate on "
                "X_val_n, the standardized parts")
    return (f"the last val_loss in `history` is not the MSE of `model` on (X_val_n, y_val): `model` "
            f"and `history` must come from the same training run ({_RETRAIN})")


def _judge_task3(history: Any, best_epoch: Any) -> str | None:
    val = history_dict(history)["val_loss"]
    if best_epoch is None:
        raise WrongAnswer("`best_epoch` is None — did you forget to assign it?")
    if isinstance(best_epoch, (bool, np.bool_)):
        raise WrongAnswer("`best_epoch` should be a whole number (an epoch), yours is a bool")
    if isinstance(best_epoch, (float, np.floating)) and float(best_epoch).is_integer():
        best_epoch = int(best_epoch)
    if not isinstance(best_epoch, (int, np.integer)):
        raise WrongAnswer(f"`best_epoch` should be a whole number (an epoch), yours is a "
                          f"{type(best_epoch).__name__}")
    epoch = int(best_epoch)
    lowest = set(np.flatnonzero(val == val.min()).tolist())        # 0-based positions
    if epoch - 1 in lowest:
        return None
    if epoch in lowest:
        return ("`best_epoch` looks 0-based: np.argmin counts from 0, but epochs count from 1 "
                "(the first epoch is epoch 1), so add 1")
    if not 1 <= epoch <= len(val):
        return f"`best_epoch` should be an epoch between 1 and {len(val)} (the epochs in `history`)"
    train = history_dict(history)["loss"]
    if epoch - 1 == int(np.argmin(train)):
        return "that is the epoch of the lowest TRAINING loss; look for the lowest val_loss"
    return "`best_epoch` is not the epoch with the lowest val_loss in `history`"


@exercise.task(SPLIT_TITLE, names=SPLIT_NAMES, hints=(SPLIT_HINT,))
def task1(X_train, X_val, X_test, y_train, y_val, y_test, split_seed):
    transitional_judge(judge_boston_split, X_train=X_train, X_val=X_val, X_test=X_test, y_train=y_train,
                       y_val=y_val, y_test=y_test, split_seed=split_seed)


@exercise.task("train with validation data", names=("X_train", "X_val", "y_train", "y_val", "X_train_n", "X_val_n", "model", "history"),
               hints=("norm = StandardNormalizer().fit(X_train); X_train_n = norm.transform(X_train); "
         "X_val_n = norm.transform(X_val). Build and compile the model (loss='mse'), then "
         "history = fit_fast(model, X_train_n, y_train, epochs=..., validation_data=(X_val_n, y_val)).",))
def task2(X_train, X_val, y_train, y_val, X_train_n, X_val_n, model, history):
    transitional_judge(_judge_task2, X_train=X_train, X_val=X_val, y_train=y_train, y_val=y_val, X_train_n=X_train_n, X_val_n=X_val_n, model=model, history=history)


@exercise.task("the epoch of the lowest validation loss", names=("history", "best_epoch"),
               hints=("val = history.history['val_loss']; int(np.argmin(val)) is the 0-based position of the "
         "smallest value, and epochs count from 1.",))
def task3(history, best_epoch):
    transitional_judge(_judge_task3, history=history, best_epoch=best_epoch)

