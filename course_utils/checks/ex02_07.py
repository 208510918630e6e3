"""Checks for exercise 02_07: split, then standardize with the training rows (데이터 분할 + 표준화),
train the slides' network, compare it with a linear regression on the validation rows and
score the test rows once, for the chosen model; Boston housing data (lesson 02_07).

Task 1  ``X_train, X_val, X_test, y_train, y_val, y_test, split_seed`` (the slides' ``P_02_07``
        split: test 10 %, then validation 10 % of the rest, ``random_state=split_seed``) and
        ``X_train_n, X_val_n, X_test_n``: each part standardized with the mean and std of the
        TRAINING rows (``describe()``'s std or scikit-learn's ``StandardScaler``).
Task 2  ``model``, ``history``: trained on ``X_train_n`` with ``validation_data=(X_val_n,
        y_val)``; the last (or lowest) ``val_loss`` must be the MSE of ``model`` there.
Task 3  ``val_rmse_net``, ``val_rmse_linear``: validation RMSE of ``model`` and of a linear
        regression fit on the training rows (the check fits its own least squares).
Task 4  ``chosen`` (``"net"`` or ``"linear"``, the lower validation RMSE) and ``test_rmse``,
        the chosen model's RMSE on the test rows. No score is required to reach any level:
        the check judges the procedure (choose on validation rows, test once).

Checks never train and never show the expected answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from .core import Exercise, WrongAnswer
from .data import boston_exercise_cached, boston_rows, history_dict, judge_boston_split, judge_standardized
from .inputs import as_array, as_number, model_outputs

__all__ = ["exercise", "task1", "task2", "task3", "task4", "TEST_SIZE", "VAL_SIZE", "RTOL", "NET_NAMES",
           "LINEAR_NAMES"]

exercise = Exercise("02_07")

#: The slides' ``P_02_07`` split: ``test_size`` of the first call, then of the second.
TEST_SIZE, VAL_SIZE = 0.1, 0.1
#: A reported loss or RMSE and the check's own computation may differ by this fraction.
RTOL = 1e-3
#: Accepted spellings of the two choices of task 4 (compared in lower case, spaces ignored).
NET_NAMES = ("net", "network", "nn", "neuralnetwork", "model", "mlp")
LINEAR_NAMES = ("linear", "linearregression", "lr", "baseline", "linearmodel")

_KEYS = ("train", "val", "test")


def _close(a: float, b: float, rtol: float = RTOL) -> bool:
    return abs(a - b) <= rtol * max(abs(b), 1e-9)


def _rmse(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred, dtype="float64").reshape(-1) - y) ** 2)))


def _say(message: str | None) -> None:
    """Raise a message returned by an older shared judge helper (newer ones raise themselves)."""
    if message:
        raise WrongAnswer(message)


def _table(value: Any, like: pd.DataFrame, name: str) -> np.ndarray:
    """A student's normalized part as a float array in the rows and columns of ``like`` (the
    raw part, in the student's row order). DataFrames are aligned by column name (and by
    index when it holds the same rows); arrays must have ``like``'s shape."""
    if isinstance(value, pd.DataFrame):
        if set(map(str, value.columns)) == set(like.columns):
            value = value.rename(columns=str)[list(like.columns)]
        if value.shape == like.shape and not value.index.equals(like.index) and set(value.index) == set(like.index):
            value = value.loc[like.index]
    if isinstance(value, (str, bytes, dict, set)) or np.isscalar(value):
        raise WrongAnswer(_("`{name}` should be a table (DataFrame or 2-D array), yours is a {type}").format(
            name=name, type=type(value).__name__))
    array = as_array(value, None, name)
    if array.shape != like.shape:
        raise WrongAnswer(_("`{name}` should have shape {shape} (the rows and columns of its part), yours has "
                            "{actual}").format(name=name, shape=like.shape, actual=array.shape))
    return array


def _raw_parts(X_parts: tuple, rows: tuple) -> dict[str, pd.DataFrame]:
    """The raw rows of each part, in the student's order, indexed like the student's part."""
    X_all, _y = boston_exercise_cached()
    out = {}
    for key, part, labels in zip(_KEYS, X_parts, rows):
        raw = X_all.loc[labels]
        if isinstance(part, pd.DataFrame):
            raw = raw.set_axis(part.index)
        else:
            raw = raw.reset_index(drop=True)
        out[key] = raw
    return out


def _normalized(X_train_n: Any, X_val_n: Any, X_test_n: Any, raw: dict) -> dict[str, np.ndarray]:
    return {key: _table(value, raw[key], f"X_{key}_n")
            for key, value in zip(_KEYS, (X_train_n, X_val_n, X_test_n))}


def _labels(value: Any, name: str, n: int) -> np.ndarray:
    if isinstance(value, pd.DataFrame) and value.shape[1] == 1:
        value = value.iloc[:, 0]
    array = as_array(value, None, name).reshape(-1) if np.ndim(value) == 2 and np.shape(value)[1] == 1 \
        else as_array(value, (None,), name)
    if len(array) != n:
        raise WrongAnswer(_("`{name}` should hold one MEDV per row of its part ({n}), yours holds {m}: fix task 1 "
                            "first").format(name=name, n=n, m=len(array)))
    return array


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    pred = model_outputs(model, x)
    if pred.ndim == 2 and pred.shape[1] != 1 or pred.ndim > 2:
        raise WrongAnswer(_("`model` should give one MEDV per house, output shape (n, 1); yours gives shape "
                            "{shape}").format(shape=tuple(pred.shape)))
    return pred.reshape(-1)


def _least_squares(x: np.ndarray, y: np.ndarray, *, intercept: bool = True) -> np.ndarray:
    a = np.c_[x, np.ones(len(x))] if intercept else x
    coef, *_rest = np.linalg.lstsq(a, y, rcond=None)
    return coef


def _linear_pred(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    return (np.c_[x, np.ones(len(x))] if len(coef) == x.shape[1] + 1 else x) @ coef


def _parts(X_train_n: Any, X_val_n: Any, X_test_n: Any, y_train: Any, y_val: Any, y_test: Any) -> tuple:
    """The student's normalized parts (arrays, the student's order) and their labels, checked
    for shape only: task 1 judges what they hold."""
    x = {}
    for key, value in zip(_KEYS, (X_train_n, X_val_n, X_test_n)):
        if isinstance(value, pd.DataFrame):
            value = value.to_numpy(dtype="float64") if value.shape[1] == 12 else value
        array = as_array(value, (None, 12), f"X_{key}_n")
        x[key] = array
    y = {key: _labels(value, f"y_{key}", len(x[key])) for key, value in zip(_KEYS, (y_train, y_val, y_test))}
    return x, y


# --------------------------------------------------------------------------- tasks

@exercise.task("split, then standardize with the training rows", names=(
    "X_train", "X_val", "X_test", "y_train", "y_val", "y_test", "split_seed", "X_train_n", "X_val_n", "X_test_n"),
    hints=(
        "Split first, exactly as in exercise 02_06 but with the fractions of the slides' P_02_07. Then take the "
        "mean and standard deviation of the TRAINING rows only and use those same two statistics for all three "
        "parts: the validation and test rows must not move them.",
        "train_test_split twice with test_size=0.1 and random_state=split_seed; then stats = "
        "X_train.describe().transpose() and (part - stats['mean']) / stats['std'] for each part (or a "
        "StandardScaler fit on X_train only, applied to each part).",
    ))
def task1(X_train, X_val, X_test, y_train, y_val, y_test, split_seed, X_train_n, X_val_n, X_test_n):
    X_parts = (X_train, X_val, X_test)
    rows = judge_boston_split(X_parts, (y_train, y_val, y_test), split_seed, test_size=TEST_SIZE, val_size=VAL_SIZE)
    raw = _raw_parts(X_parts, rows)
    got = _normalized(X_train_n, X_val_n, X_test_n, raw)
    train = raw["train"]
    mean = train.mean()
    accepted = [(mean, train.std(ddof=1)), (mean, train.std(ddof=0))]     # describe() / StandardScaler
    for key in _KEYS:
        if any(np.allclose(got[key], ((raw[key] - m) / s).to_numpy("float64"), rtol=1e-4, atol=1e-5)
               for m, s in accepted):
            continue
        answer = pd.DataFrame(got[key], index=raw[key].index, columns=raw[key].columns)
        X_all, _y = boston_exercise_cached()
        _say(judge_standardized(train, {f"X_{key}_n": (raw[key], answer)}, X_all))
        raise WrongAnswer(_("`X_{key}_n` is not (x - mean) / std with the training rows' mean and std").format(key=key))


@exercise.task("train the slides' network with validation data", names=(
    "X_val", "X_train_n", "X_val_n", "X_test_n", "y_train", "y_val", "y_test", "model", "history"), hints=(
    "Train on the standardized training rows, and give model.fit the standardized validation rows with their "
    "labels so that it measures them after every epoch. Keep what training returns.",
    "Build Input(12) → Dense(100, sigmoid) → Dense(150, sigmoid) → Dense(100, sigmoid) → Dense(1), compile "
    "with loss='mse' and keras.optimizers.SGD(learning_rate=0.002), then history = fit_fast(model, X_train_n, "
    "y_train, epochs=EPOCHS, batch_size=100, validation_data=(X_val_n, y_val)) (model.fit takes the same "
    "arguments).",
))
def task2(X_val, X_train_n, X_val_n, X_test_n, y_train, y_val, y_test, model, history):
    try:
        x, y = _parts(X_train_n, X_val_n, X_test_n, y_train, y_val, y_test)
    except WrongAnswer as exc:
        raise WrongAnswer(_("fix task 1 first: {problem}").format(problem=exc)) from None
    losses = history_dict(history)
    pred_val = _predict(model, x["val"])
    mse_val = float(np.mean((pred_val - y["val"]) ** 2))
    last, lowest = float(losses["val_loss"][-1]), float(losses["val_loss"].min())
    if _close(last, mse_val) or _close(lowest, mse_val):          # lowest: restore_best_weights
        if losses["loss"][-1] >= losses["loss"][0]:
            raise WrongAnswer(_("the training loss did not fall, so the model did not learn: check the learning rate "
                                "(the slides' 0.002) and train on X_train_n, y_train"))
        return
    for key, message in (
        ("train", _("your val_loss is the loss on the TRAINING rows: pass validation_data=(X_val_n, y_val)")),
        ("test", _("your val_loss was measured on the TEST rows: validate on (X_val_n, y_val); the test rows are "
                   "kept for the very end")),
    ):
        if _close(last, float(np.mean((_predict(model, x[key]) - y[key]) ** 2))):
            raise WrongAnswer(message)
    if _close(last, float(np.mean(np.abs(pred_val - y["val"])))):
        raise WrongAnswer(_("your losses are mean absolute errors: compile the model with loss='mse', as the slides "
                            "do"))
    X_all, _y = boston_exercise_cached()
    try:
        raw_val = X_all.loc[boston_rows(X_val, "X_val")].to_numpy("float64")
    except WrongAnswer:
        raw_val = None
    if raw_val is not None and len(raw_val) == len(y["val"]) and _close(
            last, float(np.mean((_predict(model, raw_val) - y["val"]) ** 2))):
        raise WrongAnswer(_("your model was trained and validated on the raw features: use the standardized parts "
                            "X_train_n and X_val_n"))
    raise WrongAnswer(_("the last val_loss in `history` is not the MSE of `model` on (X_val_n, y_val): `model` and "
                        "`history` must come from the same training run (run the cell that builds and trains the "
                        "model again)"))


@exercise.task("the network against a linear regression, on the validation rows", names=(
    "X_train_n", "X_val_n", "X_test_n", "y_train", "y_val", "y_test", "model", "val_rmse_net", "val_rmse_linear"),
    hints=(
        "Both models are scored the same way, on the validation rows: the root of the mean squared error, in "
        "$1000s. The linear regression learns from the training rows only, like the network.",
        "val_rmse_net: the square root of the mean of (model predictions on X_val_n - y_val)²; for "
        "val_rmse_linear fit LinearRegression() on X_train_n, y_train and do the same with its predictions.",
    ))
def task3(X_train_n, X_val_n, X_test_n, y_train, y_val, y_test, model, val_rmse_net, val_rmse_linear):
    try:
        x, y = _parts(X_train_n, X_val_n, X_test_n, y_train, y_val, y_test)
    except WrongAnswer as exc:
        raise WrongAnswer(_("fix task 1 first: {problem}").format(problem=exc)) from None
    net = as_number(val_rmse_net, "val_rmse_net", what=_("an RMSE"))
    right_net = _rmse(_predict(model, x["val"]), y["val"])
    if not _close(net, right_net):
        if _close(net, right_net ** 2):
            raise WrongAnswer(_("`val_rmse_net` looks like the MSE; take its square root"))
        if _close(net, _rmse(_predict(model, x["train"]), y["train"])):
            raise WrongAnswer(_("`val_rmse_net` is the RMSE on the TRAINING rows; score X_val_n, y_val"))
        raise WrongAnswer(_("`val_rmse_net` is not the RMSE of `model` on (X_val_n, y_val)"))
    linear = as_number(val_rmse_linear, "val_rmse_linear", what=_("an RMSE"))
    coef = _least_squares(x["train"], y["train"])
    right_linear = _rmse(_linear_pred(coef, x["val"]), y["val"])
    if _close(linear, right_linear):
        return
    both = _least_squares(np.r_[x["train"], x["val"]], np.r_[y["train"], y["val"]])
    mistakes = [
        (right_linear ** 2, _("`val_rmse_linear` looks like the MSE; take its square root")),
        (_rmse(_linear_pred(both, x["val"]), y["val"]),
         _("your linear regression learned from the validation rows too: fit it on X_train_n, y_train only")),
        (_rmse(_linear_pred(_least_squares(x["val"], y["val"]), x["val"]), y["val"]),
         _("your linear regression was fit on the validation rows: fit it on X_train_n, y_train")),
        (_rmse(_linear_pred(coef, x["train"]), y["train"]),
         _("`val_rmse_linear` is the RMSE on the TRAINING rows; score X_val_n, y_val")),
        (_rmse(_linear_pred(_least_squares(x["train"], y["train"], intercept=False), x["val"]), y["val"]),
         _("your linear regression has no intercept: keep LinearRegression's default fit_intercept=True")),
    ]
    for value, message in mistakes:
        if _close(linear, value):
            raise WrongAnswer(message)
    raise WrongAnswer(_("`val_rmse_linear` is not the validation RMSE of a linear regression fit on the training "
                        "rows"))


def _choice(chosen: Any) -> str:
    if not isinstance(chosen, str):
        raise WrongAnswer(_("`chosen` should be the text 'net' or 'linear', yours is a {type}").format(
            type=type(chosen).__name__))
    key = "".join(chosen.lower().split()).replace("_", "").replace("-", "")
    if key in NET_NAMES:
        return "net"
    if key in LINEAR_NAMES:
        return "linear"
    raise WrongAnswer(_("`chosen` should be 'net' or 'linear', yours is {value!r}").format(value=chosen))


@exercise.task("choose on the validation rows, then test once", names=(
    "X_train_n", "X_val_n", "X_test_n", "y_train", "y_val", "y_test", "model", "chosen", "test_rmse"), hints=(
    "The choice between the two models is made with the numbers of task 3, before the test rows are used. Then "
    "the chosen model alone meets the test rows, one time.",
    "chosen = 'net' if val_rmse_net < val_rmse_linear else 'linear'; test_rmse is the RMSE of that model's "
    "predictions on X_test_n against y_test.",
))
def task4(X_train_n, X_val_n, X_test_n, y_train, y_val, y_test, model, chosen, test_rmse):
    try:
        x, y = _parts(X_train_n, X_val_n, X_test_n, y_train, y_val, y_test)
    except WrongAnswer as exc:
        raise WrongAnswer(_("fix task 1 first: {problem}").format(problem=exc)) from None
    pick = _choice(chosen)
    coef = _least_squares(x["train"], y["train"])
    pred = {"net": {key: _predict(model, x[key]) for key in ("val", "test")},
            "linear": {key: _linear_pred(coef, x[key]) for key in ("val", "test")}}
    val = {name: _rmse(p["val"], y["val"]) for name, p in pred.items()}
    test = {name: _rmse(p["test"], y["test"]) for name, p in pred.items()}
    better = "net" if val["net"] < val["linear"] else "linear"
    if pick != better and not np.isclose(val["net"], val["linear"], rtol=1e-9):
        other_is_better_on_test = test[pick] < test[better]
        raise WrongAnswer(_("the {better} has the lower validation RMSE, so it is the model to choose")
                          .format(better=_("network") if better == "net" else _("linear regression"))
                          + (_(" (choosing by the test rows would make them validation rows)")
                             if other_is_better_on_test else ""))
    got = as_number(test_rmse, "test_rmse", what=_("an RMSE"))
    accepted = [test[pick]]
    if pick == "linear":            # refitting the chosen linear model on training + validation rows is fine
        both = _least_squares(np.r_[x["train"], x["val"]], np.r_[y["train"], y["val"]])
        accepted.append(_rmse(_linear_pred(both, x["test"]), y["test"]))
    if any(_close(got, value) for value in accepted):
        return
    other = "linear" if pick == "net" else "net"
    mistakes = [
        (test[pick] ** 2, _("`test_rmse` looks like the MSE; take its square root")),
        (val[pick], _("`test_rmse` is the validation RMSE; score the chosen model on X_test_n, y_test")),
        (test[other], _("`test_rmse` belongs to the model you did not choose: only the chosen model meets the test "
                        "rows")),
    ]
    for value, message in mistakes:
        if _close(got, value):
            raise WrongAnswer(message)
    raise WrongAnswer(_("`test_rmse` is not the RMSE of the chosen model on (X_test_n, y_test)"))
