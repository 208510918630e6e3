"""Checks for exercise 02_06: validation data (검증 데이터) on the Boston housing data, the
slides' ``P_02_06`` applied to another data set (lesson 02_06).

Task 1  ``X_train, X_val, X_test, y_train, y_val, y_test, split_seed``: the slides' two
        ``train_test_split`` calls (test 30 %, then validation 20 % of the rest), shuffled with
        ``random_state=split_seed``.
Task 2  ``model``, ``history``: trained on the raw training rows with
        ``validation_data=(X_val, y_val)``; the last (or, with ``restore_best_weights``, the
        lowest) ``val_loss`` must be the MSE of ``model`` on the validation rows.
Task 3  ``best_epoch``: the 1-based epoch of the lowest ``val_loss`` in ``history``.
Task 4  ``baseline_val_mse``: the validation MSE of the constant guess, the mean training MEDV.

Checks never train, never look at a test score and never show the expected answer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..i18n import _
from .core import Exercise, WrongAnswer
from .data import boston_exercise_cached, boston_labels, boston_rows, history_dict, judge_boston_split
from .inputs import as_array, as_number, model_outputs

__all__ = ["exercise", "task1", "task2", "task3", "task4", "TEST_SIZE", "VAL_SIZE", "BATCH_SIZE", "LOSS_RTOL"]

exercise = Exercise("02_06")

#: The slides' split: ``test_size`` of the first ``train_test_split`` call, then of the second.
TEST_SIZE, VAL_SIZE = 0.3, 0.2
#: The slides' batch size (used to tell the training rows from training + validation rows).
BATCH_SIZE = 100
#: A logged loss and the check's own MSE of the model may differ by this fraction (float32).
LOSS_RTOL = 1e-3
#: ``baseline_val_mse`` and the check's own value may differ by this fraction.
BASELINE_RTOL = 1e-4

_SPLIT_NAMES = ("X_train", "X_val", "X_test", "y_train", "y_val", "y_test")


def _close(a: float, b: float, rtol: float = LOSS_RTOL) -> bool:
    return abs(a - b) <= rtol * max(abs(b), 1e-9)


def _split_rows(X_train: Any, X_val: Any, X_test: Any, y_train: Any, y_val: Any, y_test: Any) -> dict:
    """The row labels of the three parts, or WrongAnswer asking to fix task 1 first."""
    try:
        rows = {key: boston_rows(value, "X_" + key)
                for key, value in (("train", X_train), ("val", X_val), ("test", X_test))}
        for key, y in (("train", y_train), ("val", y_val), ("test", y_test)):
            boston_labels(y, rows[key], "y_" + key, "X_" + key)
    except WrongAnswer as exc:
        raise WrongAnswer(_("fix task 1 first: {problem}").format(problem=exc)) from None
    if len(rows["train"]) >= len(boston_exercise_cached()[0]):
        raise WrongAnswer(_("`X_train` holds every row of `X`: split the data first (task 1)"))
    return rows


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    pred = model_outputs(model, x)
    if pred.ndim == 2 and pred.shape[1] != 1 or pred.ndim > 2:
        raise WrongAnswer(_("`model` should give one MEDV per house, output shape (n, 1); yours gives shape "
                            "{shape}").format(shape=tuple(pred.shape)))
    return pred.reshape(-1)


def _standardized_variants(train: np.ndarray, x: np.ndarray, everything: np.ndarray) -> list[np.ndarray]:
    mean, std1, std0 = train.mean(axis=0), train.std(axis=0, ddof=1), train.std(axis=0, ddof=0)
    lo, hi = train.min(axis=0), train.max(axis=0)
    return [(x - mean) / std1, (x - mean) / std0, (x - lo) / (hi - lo),
            (x - everything.mean(axis=0)) / everything.std(axis=0, ddof=1)]


# --------------------------------------------------------------------------- tasks

@exercise.task("the slides' split, shuffled with a seed", names=_SPLIT_NAMES + ("split_seed",), hints=(
    "The slides split twice: first the test rows off the whole data, then the validation rows off what is "
    "left, with the fractions given in the task. The Boston file is ordered by town, so the rows must be "
    "shuffled, and the same seed in both calls makes the split come out the same every run.",
    "Call train_test_split(X, y, test_size=0.3, random_state=split_seed), which returns four parts (X first, "
    "then y); call it again on the first X and y part with test_size=0.2 and the same random_state. Keep "
    "shuffle at its default, True.",
))
def task1(X_train, X_val, X_test, y_train, y_val, y_test, split_seed):
    judge_boston_split((X_train, X_val, X_test), (y_train, y_val, y_test), split_seed,
                       test_size=TEST_SIZE, val_size=VAL_SIZE)


@exercise.task("train the slides' network with validation data", names=_SPLIT_NAMES + ("model", "history"), hints=(
    "Validation rows are measured after every epoch but never train the model: model.fit takes them through "
    "its validation_data argument, as a pair of features and labels. Train on the training rows only, on the "
    "raw features as the slides' P_02_06 does, and keep what model.fit returns.",
    "Build Input(12) → Dense(50, sigmoid) → Dense(100, sigmoid) → Dense(300, sigmoid) → Dense(1), compile "
    "it with loss='mse' and keras.optimizers.SGD(learning_rate=0.00004), then history = model.fit(X_train, "
    "y_train, epochs=EPOCHS, batch_size=100, validation_data=(X_val, y_val), verbose=0).",
))
def task2(X_train, X_val, X_test, y_train, y_val, y_test, model, history):
    rows = _split_rows(X_train, X_val, X_test, y_train, y_val, y_test)
    losses = history_dict(history)
    X_all, y_all = boston_exercise_cached()
    x = {key: X_all.loc[r].to_numpy("float64") for key, r in rows.items()}
    y = {key: y_all.loc[r].to_numpy("float64") for key, r in rows.items()}
    pred_val = _predict(model, x["val"])
    mse_val = float(np.mean((pred_val - y["val"]) ** 2))
    last, lowest = float(losses["val_loss"][-1]), float(losses["val_loss"].min())
    if _close(last, mse_val) or _close(lowest, mse_val):          # lowest: restore_best_weights
        if losses["loss"][-1] >= losses["loss"][0]:
            raise WrongAnswer(_("the training loss did not fall, so the model did not learn: check the learning "
                                "rate (the slides' 0.00004) and train on X_train, y_train"))
        steps = (getattr(history, "params", None) or {}).get("steps")
        n_train, n_both = len(rows["train"]), len(rows["train"]) + len(rows["val"])
        if steps == math.ceil(n_both / BATCH_SIZE) != math.ceil(n_train / BATCH_SIZE):
            raise WrongAnswer(_("your History shows {steps} batches per epoch: with batch_size=100 that is the "
                                "training AND validation rows. Fit on X_train, y_train only; the validation rows "
                                "must never update the weights").format(steps=steps))
        return
    if _close(last, float(np.mean((_predict(model, x["train"]) - y["train"]) ** 2))):
        raise WrongAnswer(_("your val_loss is the loss on the TRAINING rows: pass the validation rows, "
                            "validation_data=(X_val, y_val)"))
    if _close(last, float(np.mean((_predict(model, x["test"]) - y["test"]) ** 2))):
        raise WrongAnswer(_("your val_loss was measured on the TEST rows: validate on (X_val, y_val); the test "
                            "rows are kept for the very end"))
    if _close(last, float(np.mean(np.abs(pred_val - y["val"])))):
        raise WrongAnswer(_("your losses are mean absolute errors: compile the model with loss='mse', as the "
                            "slides do"))
    for variant in _standardized_variants(x["train"], x["val"], X_all.to_numpy("float64")):
        if _close(last, float(np.mean((_predict(model, variant) - y["val"]) ** 2))):
            raise WrongAnswer(_("your model was trained on normalized features; this exercise follows the slides' "
                                "P_02_06 on the raw features (normalization is exercise 02_07): train on X_train "
                                "and validate on X_val as they are"))
    raise WrongAnswer(_("the last val_loss in `history` is not the MSE of `model` on (X_val, y_val): `model` and "
                        "`history` must come from the same training run (run the cell that builds and trains the "
                        "model again)"))


@exercise.task("the epoch of the lowest validation loss", names=("history", "best_epoch"), hints=(
    "Look for the smallest value in the list of validation losses; its position tells the epoch. Keras counts "
    "epochs from 1 in its log, Python counts positions from 0.",
    "np.argmin(history.history['val_loss']) is the 0-based position of the lowest validation loss; the epoch "
    "is that position plus 1.",
))
def task3(history, best_epoch):
    losses = history_dict(history)
    val = losses["val_loss"]
    if isinstance(best_epoch, (bool, np.bool_)):
        raise WrongAnswer(_("`best_epoch` should be a whole number (an epoch), yours is a bool"))
    if isinstance(best_epoch, (float, np.floating)) and float(best_epoch).is_integer():
        best_epoch = int(best_epoch)
    if not isinstance(best_epoch, (int, np.integer)):
        raise WrongAnswer(_("`best_epoch` should be a whole number (an epoch), yours is a {type}").format(
            type=type(best_epoch).__name__))
    epoch = int(best_epoch)
    lowest = set(np.flatnonzero(val == val.min()).tolist())        # 0-based positions
    if epoch - 1 in lowest:
        return
    if epoch in lowest:
        raise WrongAnswer(_("`best_epoch` looks 0-based: np.argmin counts from 0, but epochs count from 1 (the "
                            "first epoch is epoch 1), so add 1"))
    if not 1 <= epoch <= len(val):
        raise WrongAnswer(_("`best_epoch` should be an epoch between 1 and {n} (the epochs in `history`)").format(
            n=len(val)))
    if epoch - 1 == int(np.argmin(losses["loss"])):
        raise WrongAnswer(_("that is the epoch of the lowest TRAINING loss; look for the lowest val_loss"))
    raise WrongAnswer(_("`best_epoch` is not the epoch with the lowest val_loss in `history`"))


def _label_array(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "ndim") and getattr(value, "ndim", 1) == 2 and getattr(value, "shape", (0, 0))[1] == 1:
        value = np.asarray(value, dtype="float64")[:, 0]
    return as_array(value, (None,), name)


@exercise.task("the constant guess as a baseline", names=("y_train", "y_val", "baseline_val_mse"), hints=(
    "The simplest model predicts the same price for every house: the average price of the training rows, "
    "fixed before any validation price is seen. Score that guess the way Keras scores val_loss.",
    "Take the mean of y_train; the squared differences between y_val and that one number, averaged, are "
    "baseline_val_mse (an MSE: no square root).",
))
def task4(y_train, y_val, baseline_val_mse):
    yt, yv = _label_array(y_train, "y_train"), _label_array(y_val, "y_val")
    got = as_number(baseline_val_mse, "baseline_val_mse", what=_("a mean squared error"))
    guess = yt.mean()
    right = float(np.mean((yv - guess) ** 2))
    if _close(got, right, BASELINE_RTOL):
        return
    mistakes = [
        (float(np.mean((yv - yv.mean()) ** 2)), _("your guess is the mean of the VALIDATION prices: the guess must "
                                                  "be fixed from the training rows, before the validation prices "
                                                  "are seen")),
        (float(np.mean((yv - np.mean(np.r_[yt, yv])) ** 2)),
         _("your guess uses the validation prices too: take the mean of y_train only")),
        (math.sqrt(right), _("that is a root-mean-squared error; val_loss is an MSE, so do not take the square root")),
        (float(np.mean(np.abs(yv - guess))), _("that is a mean absolute error; square the differences (MSE)")),
        (float(np.mean((yt - guess) ** 2)), _("that is the MSE on the TRAINING rows; score the guess on y_val")),
        (float(np.mean((yv - np.median(yt)) ** 2)), _("your guess is the median; use the mean of y_train")),
    ]
    for value, message in mistakes:
        if _close(got, value, BASELINE_RTOL):
            raise WrongAnswer(message)
    raise WrongAnswer(_("`baseline_val_mse` is not the validation MSE of predicting the mean of y_train for every "
                        "house"))
