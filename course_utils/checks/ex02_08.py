"""Checks for exercise 02_08, binary classification (이진 분류) (lesson 02_08).

Task 1  ``moons_model``: a trained multilayer perceptron (다층 퍼셉트론) that puts at least
        :data:`MIN_ACCURACY` of the exercise's moons points (:data:`MOONS`) in the right class.
Task 2  ``X_train_n, X_val_n, X_test_n``: the breast-cancer split of the exercise
        (:func:`cancer_split`) standardized with the statistics of the TRAINING rows only
        (the std of ``describe()``/pandas, ddof=1, or of scikit-learn's ``StandardScaler``,
        ddof=0: both are fine, as long as all three parts use the same one).
Task 3  ``cancer_model`` and ``history``: a classifier with a hidden layer, trained on
        ``X_train_n`` with ``validation_data=(X_val_n, y_val)``. Judged on the VALIDATION rows
        only: ``history`` must hold the validation loss of this model on ``X_val_n`` (so the
        validation data were the validation rows, not the test rows), and the validation
        accuracy must reach :data:`MIN_VAL_ACCURACY`. No check looks at a test score.
Task 4  ``confusion``: the confusion matrix (혼동 행렬) of ``cancer_model`` on the test rows, the
        one evaluation of the test rows, rows = true class, columns = predicted class.

A model may end with ``Dense(1, activation="sigmoid")`` (the slides' choice), with ``Dense(1)``
and a loss built with ``from_logits=True``, or with a two-unit softmax; a class is "malignant"
when its probability is at least 0.5. The checks rebuild the data themselves (same seeds as the
exercise's data cells), call the student's models directly (no ``predict``, no training) and
never show the expected numbers. Nothing here imports TensorFlow at import time.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from .core import Exercise, WrongAnswer
from .data import as_table, judge_standardized
from .export import HistoryRecord, Unsupported
from .inputs import as_array, model_outputs
from .keras_models import from_logits, is_model, layer_plan, optimizer_steps

__all__ = ["exercise", "task1", "task2", "task3", "task4", "MOONS", "SPLIT_SEED", "MIN_ACCURACY",
           "MIN_VAL_ACCURACY", "moons_data", "cancer_split", "probabilities", "classify"]

exercise = Exercise("02_08")

#: ``make_moons`` arguments of the exercise's data cell (task 1).
MOONS = {"n_samples": 400, "noise": 0.2, "random_state": 7}
#: ``random_state`` of both ``train_test_split`` calls of the exercise's split cell (tasks 2-4).
SPLIT_SEED = 42
#: Share of the moons points ``moons_model`` must classify right (task 1). The best straight
#: line gets about 0.87 of these points, a 2-16-16-1 MLP about 0.97.
MIN_ACCURACY = 0.95
#: Validation accuracy ``cancer_model`` must reach (task 3). Calling every tumour benign gets
#: 0.63 of the validation rows; a logistic regression on the standardized features gets 0.96.
MIN_VAL_ACCURACY = 0.90
#: A recorded validation loss matches the model's loss on X_val_n within LOSS_ATOL + LOSS_RTOL·loss.
LOSS_RTOL, LOSS_ATOL = 2e-3, 1e-4
#: Tolerances for standardized tables (float32 passes; a ddof mix-up, 0.15 %, does not).
TABLE_RTOL, TABLE_ATOL = 1e-4, 1e-5

_PARTS = {"X_train_n": "X_train", "X_val_n": "X_val", "X_test_n": "X_test"}


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


def _standardize(part: pd.DataFrame, ddof: int) -> np.ndarray:
    X_train = _cancer()["X_train"]
    return ((part - X_train.mean()) / X_train.std(ddof=ddof)).to_numpy("float64")


# --------------------------------------------------------------------------- models

def _require_model(model: Any, name: str) -> None:
    if not is_model(model):
        kind = model.type_name if isinstance(model, Unsupported) else type(model).__name__
        raise WrongAnswer(_("`{name}` should be a Keras model (built with keras.Sequential or keras.Model), "
                            "yours is a {type}").format(name=name, type=kind))


def probabilities(model: Any, X: Any, name: str) -> np.ndarray:
    """The probability of class 1 that ``model`` gives each row of ``X`` (lesson 02_08).

    Reads a one-unit sigmoid output, a one-unit output compiled with ``from_logits=True`` (a
    logit: sigmoid is applied) and a two-unit softmax (column 1). Raises :class:`WrongAnswer`
    when the outputs are none of these."""
    out = model_outputs(model, X, name=name)
    logits = is_model(model) and from_logits(model)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim == 1 and out.shape[0] == len(X):
        if logits:
            return 1.0 / (1.0 + np.exp(-np.clip(out, -60, 60)))
        if out.min() < -1e-6 or out.max() > 1 + 1e-6:
            raise WrongAnswer(_(
                "the outputs of `{name}` are not probabilities (some are below 0 or above 1): end the model "
                "with Dense(1, activation='sigmoid'), or compile it with a loss built with from_logits=True"
            ).format(name=name))
        return out
    if out.ndim == 2 and out.shape == (len(X), 2):
        if logits:
            shifted = np.exp(out - out.max(axis=1, keepdims=True))
            return shifted[:, 1] / shifted.sum(axis=1)
        if out.min() >= -1e-6 and np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
            return out[:, 1]
        raise WrongAnswer(_("`{name}` has two outputs that are not probabilities: a binary classifier ends "
                            "with Dense(1, activation='sigmoid')").format(name=name))
    raise WrongAnswer(_("`{name}` should give one probability per row (output shape (n, 1)), yours gives "
                        "shape {shape}: end the model with Dense(1, activation='sigmoid')").format(
                            name=name, shape=tuple(out.shape)))


def classify(model: Any, X: Any, name: str) -> np.ndarray:
    """Class predictions (0/1): probability of class 1 (see :func:`probabilities`) >= 0.5."""
    return (probabilities(model, X, name) >= 0.5).astype("int64")


def _model_loss(model: Any, X: np.ndarray, y: np.ndarray) -> list[float]:
    """The model's compiled loss (with regularization) on ``(X, y)``, for each way the labels
    can be given (a column of 0/1, class numbers, one-hot rows); empty if it cannot be computed."""
    try:
        y_pred = model(np.asarray(X, dtype="float32"), training=False)
    except Exception:  # noqa: BLE001 - already called once by probabilities()
        return []
    width = int(y_pred.shape[-1]) if len(y_pred.shape) > 1 else 1
    labels = np.asarray(y)
    forms = ([labels.reshape(-1, 1).astype("float32")] if width == 1 else
             [labels.astype("int64"), np.eye(width, dtype="float32")[labels]])
    values = []
    for form in forms:
        try:
            value = float(np.asarray(model.compute_loss(x=X, y=form, y_pred=y_pred, training=False)))
        except Exception:  # noqa: BLE001 - this label form does not fit the loss
            continue
        if np.isfinite(value):
            values.append(value)
    return values


def _close_loss(a: float, b: float) -> bool:
    return abs(a - b) <= LOSS_ATOL + LOSS_RTOL * abs(b)


# --------------------------------------------------------------------------- tables

def _rows(value: Any, raw: pd.DataFrame, name: str) -> np.ndarray:
    """The student's table as floats in the row and column order of ``raw``.

    A DataFrame with ``raw``'s column names and row labels is reordered by them; one built from
    an array (default row numbers or column numbers) is read by position, like an array."""
    if isinstance(value, pd.DataFrame):
        labelled = set(map(str, value.columns)) == set(map(str, raw.columns)) and set(value.index) == set(raw.index)
        if not labelled and value.shape == raw.shape and (
                isinstance(value.index, pd.RangeIndex) or not set(map(str, value.columns)) & set(raw.columns)):
            value = value.to_numpy()
    return as_table(value, raw, name)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=TABLE_RTOL, atol=TABLE_ATOL))


def _standardized_parts(**answers: Any) -> tuple[dict[str, np.ndarray], int]:
    """Each answer ``X_train_n=…`` as an array, after checking it is its raw part standardized with
    the training rows' mean and std (ddof 1 or 0, the same for every part); the ddof used."""
    parts = _cancer()
    arrays, ddofs = {}, {}
    for name, answer in answers.items():
        raw = parts[_PARTS[name]]
        got = _rows(answer, raw, name)
        ddof = next((d for d in (1, 0) if _close(got, _standardize(raw, d))), None)
        if ddof is None:
            verdict = judge_standardized(parts["X_train"], {name: (raw, got)}, parts["X"])
            raise WrongAnswer(verdict or _(
                "`{name}` is not (x - mean) / std with the training rows' mean and std: check which "
                "table's statistics you used").format(name=name))
        arrays[name], ddofs[name] = got, ddof
    if len(set(ddofs.values())) > 1:
        raise WrongAnswer(_("your parts were standardized with two different standard deviations (ddof=0 and "
                            "ddof=1): fit ONE scaler on the training rows and transform all three parts with it"))
    return arrays, next(iter(ddofs.values()), 1)


# --------------------------------------------------------------------------- judges

@exercise.task("an MLP for the moons", names=("moons_model",), hints=(
    "A single Dense unit draws one straight line; the moons need a bent boundary. Put hidden layers with "
    "a non-linear activation between the input and the sigmoid output, and train the model long enough.",
    "Input of 2 features → two hidden Dense layers of 16 units with activation 'relu' → Dense(1, "
    "activation='sigmoid'); compile with loss 'binary_crossentropy' and Adam (learning rate about 0.02), "
    "then fit on X_moons, y_moons for about 20 epochs with batch_size 32.",
))
def task1(moons_model):
    _require_model(moons_model, "moons_model")
    X, y = _moons()
    accuracy = float(np.mean(classify(moons_model, X, "moons_model") == y))
    if accuracy >= MIN_ACCURACY:
        return
    message = _("`moons_model` classifies {accuracy} of the moons points correctly; it needs at least "
                "{needed}").format(accuracy=f"{accuracy:.1%}", needed=f"{MIN_ACCURACY:.0%}")
    plan = layer_plan(moons_model)
    if len(plan) <= 1:
        raise WrongAnswer(message + _(". It has a single Dense layer: a single perceptron (퍼셉트론) draws a "
                                      "straight line, which cannot follow the curved moons. Add hidden layers"))
    if all(act == "linear" for _, act in plan[:-1]):
        raise WrongAnswer(message + _(". Its hidden layers have no activation function: stacked linear layers "
                                      "are still one straight line. Give them activation='relu'"))
    if optimizer_steps(moons_model) == 0:
        raise WrongAnswer(message + _(". Its optimizer has taken no step: compile it, then train it with "
                                      "fit on X_moons, y_moons"))
    raise WrongAnswer(message + _(". Train it for more epochs, or with a larger learning rate"))


@exercise.task("standardize with training statistics", names=("X_train_n", "X_val_n", "X_test_n"), hints=(
    "Fit the statistics (mean and standard deviation of each column) on the training rows only, then apply "
    "those SAME statistics to all three parts: the validation and test rows stand for new patients.",
    "StandardNormalizer from lesson 02_04, or scikit-learn's StandardScaler: fit it on X_train, then call "
    "transform on X_train, X_val and X_test. Never fit on X_val, X_test or the whole X.",
))
def task2(X_train_n, X_val_n, X_test_n):
    _standardized_parts(X_train_n=X_train_n, X_val_n=X_val_n, X_test_n=X_test_n)


def _history(history: Any) -> dict[str, np.ndarray]:
    data = history.history if isinstance(history, HistoryRecord) else history
    if not isinstance(data, dict):
        kind = history.type_name if isinstance(history, Unsupported) else type(history).__name__
        raise WrongAnswer(_("`history` should be what training returns (history = cancer_model.fit(...)), "
                            "yours is a {type}").format(type=kind))
    if "val_loss" not in data:
        raise WrongAnswer(_("`history` has no 'val_loss': train with validation_data=(X_val_n, y_val), so that "
                            "Keras measures the validation loss after every epoch"))
    try:
        return {"val_loss": np.asarray(data["val_loss"], dtype="float64").reshape(-1)}
    except (TypeError, ValueError):
        raise WrongAnswer(_("`history['val_loss']` should be a list of numbers, one per epoch")) from None


def _which_rows(model: Any, recorded: np.ndarray, ddof: int) -> str:
    """Name the rows (other than X_val_n) whose loss the recorded validation losses match."""
    parts = _cancer()
    candidates = [
        (_("the test rows: the test rows are used once, at the very end; validate on X_val_n, y_val"),
         _standardize(parts["X_test"], ddof), parts["y_test"]),
        (_("the training rows: validate on the validation rows X_val_n, y_val"),
         _standardize(parts["X_train"], ddof), parts["y_train"]),
        (_("the raw, unstandardized validation rows: train on X_train_n and validate on X_val_n"),
         parts["X_val"].to_numpy("float64"), parts["y_val"]),
    ]
    for words, X, y in candidates:
        losses = _model_loss(model, X, y.to_numpy())
        if any(_close_loss(r, v) for r in recorded for v in losses):
            return words
    return ""


@exercise.task("a breast-cancer classifier", names=("cancer_model", "history", "X_val_n"), hints=(
    "Build a network with at least one hidden layer and a sigmoid output, train it on the standardized "
    "training rows and keep what training returns: the validation rows are your yardstick, the test rows "
    "wait until the end.",
    "30 inputs → Dense(16, activation='relu') → Dense(1, activation='sigmoid'); loss 'binary_crossentropy', "
    "metrics=['accuracy'], Adam with learning rate about 0.005; then keep the History of a fit on X_train_n, "
    "y_train for about 10 epochs in batches of 32, with validation_data=(X_val_n, y_val). Look at val_accuracy "
    "in the epoch log.",
))
def task3(cancer_model, history, X_val_n):
    try:
        arrays, ddof = _standardized_parts(X_val_n=X_val_n)
    except WrongAnswer as exc:
        raise WrongAnswer(_("task 2 is not right yet, and the model is judged on its tables: {why}").format(
            why=exc)) from None
    _require_model(cancer_model, "cancer_model")
    plan = layer_plan(cancer_model)
    if len(plan) < 2:
        raise WrongAnswer(_("`cancer_model` has no hidden layer (that is logistic regression): put at least one "
                            "hidden Dense layer with a non-linear activation before the output"))
    if all(act == "linear" for _, act in plan[:-1]):
        raise WrongAnswer(_("the hidden layers of `cancer_model` have no activation function, so the model is "
                            "still linear: give them activation='relu'"))
    X_val, y_val = arrays["X_val_n"], _cancer()["y_val"].to_numpy()
    p_val = probabilities(cancer_model, X_val, "cancer_model")
    if optimizer_steps(cancer_model) == 0:
        raise WrongAnswer(_("`cancer_model` has not been trained (its optimizer has taken no step): compile it, "
                            "then fit it on X_train_n, y_train"))
    recorded = _history(history)["val_loss"]
    own = _model_loss(cancer_model, X_val, y_val)
    if not any(_close_loss(r, v) for r in recorded for v in own):
        rows = _which_rows(cancer_model, recorded, ddof)
        if rows:
            raise WrongAnswer(_("the validation loss in `history` was measured on {rows}").format(rows=rows))
        raise WrongAnswer(_("`history` does not match `cancer_model` on (X_val_n, y_val): keep the History of "
                            "the model's last training run, history = cancer_model.fit(..., "
                            "validation_data=(X_val_n, y_val)), and do not train it again afterwards"))
    accuracy = float(np.mean((p_val >= 0.5) == y_val))
    if accuracy < MIN_VAL_ACCURACY:
        raise WrongAnswer(_("`cancer_model` classifies {accuracy} of the validation rows correctly; it should reach "
                            "{needed}. Train it longer or with a larger learning rate, on X_train_n (the "
                            "standardized rows)").format(accuracy=f"{accuracy:.1%}", needed=f"{MIN_VAL_ACCURACY:.0%}"))


def _matrix(confusion: Any) -> np.ndarray:
    if isinstance(confusion, pd.DataFrame):
        labels_in = [set(confusion.index), set(confusion.columns)]
        if all(labels == {0, 1} for labels in labels_in):      # pd.crosstab(y_test, y_pred)
            confusion = confusion.loc[[0, 1], [0, 1]]
        confusion = confusion.to_numpy()
    return as_array(confusion, shape=(2, 2), name="confusion")


@exercise.task("the confusion matrix", names=("confusion", "cancer_model", "X_test_n"), hints=(
    "Turn the model's probabilities on the test rows into classes with the threshold 0.5, then count the "
    "four outcomes: true classes in the rows, predicted classes in the columns.",
    "scikit-learn's confusion_matrix(y_test, y_pred) does the counting (in that order: true labels first); "
    "y_pred are the 0/1 classes of cancer_model on X_test_n.",
))
def task4(confusion, cancer_model, X_test_n):
    matrix = _matrix(confusion)
    if not np.allclose(matrix, np.round(matrix)):
        raise WrongAnswer(_("`confusion` should hold counts of test rows (whole numbers), not fractions: count "
                            "the rows, without `normalize`"))
    matrix = np.round(matrix).astype("int64")
    try:
        arrays, _ddof = _standardized_parts(X_test_n=X_test_n)
    except WrongAnswer as exc:
        raise WrongAnswer(_("`X_test_n` is not right yet, so the model cannot be judged on it (task 2 says: "
                            "{why})").format(why=exc)) from None
    _require_model(cancer_model, "cancer_model")
    parts = _cancer()
    y_test = parts["y_test"].to_numpy()
    y_pred = classify(cancer_model, arrays["X_test_n"], "cancer_model")
    expected = _counts(y_test, y_pred)                # rows: true class, columns: predicted
    if np.array_equal(matrix, expected):
        return
    n_test, total = len(y_test), int(matrix.sum())
    if total != n_test:
        where = (_(" (that is the number of validation rows)") if total == len(parts["y_val"])
                 else _(" (that is the number of training rows)") if total == len(parts["y_train"]) else "")
        raise WrongAnswer(_("`confusion` counts {total} rows{where}, but the test set has {n}: compute it from the "
                            "test rows").format(total=total, where=where, n=n_test))
    if np.array_equal(matrix, expected.T):
        raise WrongAnswer(_("`confusion` is transposed: scikit-learn puts the TRUE classes in the rows and the "
                            "predicted classes in the columns, so pass y_test first, then y_pred"))
    if np.array_equal(matrix, _counts(y_test, 1 - y_pred)):
        raise WrongAnswer(_("`confusion` has the predicted classes swapped: a row is malignant (1) when the "
                            "model's probability is at least 0.5, benign (0) otherwise"))
    raise WrongAnswer(_("`confusion` does not match the predictions of `cancer_model` on X_test_n: predict the "
                        "probabilities, turn them into classes with >= 0.5, then count"))


def _counts(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """The 2 × 2 confusion counts, rows = true class, columns = predicted class."""
    out = np.zeros((2, 2), dtype="int64")
    np.add.at(out, (y_true, y_pred), 1)
    return out


