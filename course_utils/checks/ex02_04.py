"""Checks for exercise 02_04, normalization (정규화) (lesson 02_04).

Task 1  ``min_max_norm(x, stats)``: ``(x - min) / (max - min)`` with the statistics table
        ``stats`` (a ``describe().transpose()`` table), tried on hidden tables.
Task 2  ``standard_norm(x, stats)``: ``(x - mean) / std`` with ``stats``, tried the same way.
        Both checks notice a function that uses the statistics of ``x`` itself instead
        of ``stats`` (the mistake that leaks test rows into the statistics later on).
Task 3  ``X_train_std``, ``X_test_std``: the house data standardized with the statistics
        of the TRAINING rows (``X_train`` and ``X_test`` come from the split cell).

The table helpers here (:func:`house_data`, :func:`as_table`, :func:`check_house_rows`,
:func:`judge_standardized`) are shared with exercise 02_05. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pandas as pd

from .core import Task, WrongAnswer

__all__ = ["EXERCISE", "TASKS", "task1", "task2", "task3",
           "house_data", "as_table", "check_feature_rows", "check_house_rows", "judge_standardized"]

EXERCISE = "02_04"

# Relative tolerance for comparing normalized tables: float32 arithmetic passes, while the
# sample/population std mix-up (a factor sqrt(n/(n-1)), 0.17 % for 290 rows) does not.
RTOL = 1e-4
ATOL = 1e-6


# --------------------------------------------------------------------------- shared helpers

@functools.lru_cache(maxsize=1)
def _house_cached() -> tuple[pd.DataFrame, pd.Series]:
    from course_utils.lesson.datasets import DATASET_INFO, load_dataset

    df = load_dataset("house_price")
    target = DATASET_INFO["house_price"].target
    return df.drop(columns=[target]).astype("float64"), df[target].astype("float64")


def house_data() -> tuple[pd.DataFrame, pd.Series]:
    """The house-price features and target as loaded by ``load_dataset`` (copies; 02_04, 02_05)."""
    X, y = _house_cached()
    return X.copy(), y.copy()


def as_table(value: Any, like: pd.DataFrame, name: str) -> np.ndarray:
    """The student's table ``value`` as a float array in the row/column order of ``like``.

    A DataFrame must have ``like``'s columns (any order) and, when its index is not the
    default one, ``like``'s rows; a NumPy array (or list) must have ``like``'s shape.
    Raises :class:`WrongAnswer` saying what does not fit (lessons 02_04, 02_05).
    """
    if value is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign it (or to `return` it)?")
    if isinstance(value, pd.Series):
        raise WrongAnswer(f"`{name}` is a single column (a pandas Series); it should be a table "
                          f"with the {like.shape[1]} columns of the input")
    if isinstance(value, pd.DataFrame):
        missing = [c for c in like.columns if c not in value.columns]
        extra = [c for c in value.columns if c not in like.columns]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing column(s) {missing}")
            if extra:
                parts.append(f"unexpected column(s) {[str(c) for c in extra]}")
            raise WrongAnswer(f"`{name}` does not have the input's columns: " + "; ".join(parts))
        if len(value) != len(like):
            raise WrongAnswer(f"`{name}` has {len(value)} rows, but the input has {len(like)}: "
                              f"normalize every row, do not drop or add rows")
        if not value.index.equals(like.index):
            if set(value.index) == set(like.index):
                value = value.loc[like.index]
            else:
                raise WrongAnswer(f"`{name}` does not hold the same rows as its input (the row labels, "
                                  f"the index, differ): compute it from the input table itself, "
                                  f"without resetting the index")
        value = value[list(like.columns)]
        try:
            array = value.to_numpy(dtype="float64")
        except (TypeError, ValueError):
            raise WrongAnswer(f"`{name}` should hold numbers, but some of its cells are not numbers") from None
    else:
        if isinstance(value, (str, bytes, dict, set)) or np.isscalar(value):
            raise WrongAnswer(f"`{name}` should be a table (DataFrame or 2-D array), yours is a "
                              f"{type(value).__name__}")
        try:
            array = np.asarray(value, dtype="float64")
        except (TypeError, ValueError):
            raise WrongAnswer(f"`{name}` should be a table of numbers, yours is a {type(value).__name__} "
                              f"that cannot be read as numbers") from None
        if array.shape != like.shape:
            raise WrongAnswer(f"`{name}` should have shape {like.shape} (the input's shape), "
                              f"yours has {array.shape}")
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(f"`{name}` contains NaN or infinity: check for a division by zero or "
                          f"a missing statistic")
    return array


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def check_feature_rows(value: Any, name: str, *, X_all: pd.DataFrame, target: str, data: str,
                       fix: str) -> pd.DataFrame:
    """Check that ``value`` is a part of ``X_all`` (rows kept with their file index, the
    target column ``target`` left out); return it as a float DataFrame. ``data`` names the
    data set in messages ("house data"); ``fix`` says how to remake the part, e.g.
    ``"run the split cell again"`` (lessons 02_04 to 02_07)."""
    if value is None:
        raise WrongAnswer(f"`{name}` is None: {fix}")
    if not isinstance(value, pd.DataFrame):
        raise WrongAnswer(f"`{name}` should be a DataFrame of {data} features (rows of the "
                          f"{data}), yours is a {type(value).__name__}: {fix}")
    cols = [str(c) for c in value.columns]
    if target in cols:
        raise WrongAnswer(f"`{name}` still holds the target column {target!r}: the features "
                          f"must not contain the answer")
    if set(cols) != set(X_all.columns) or len(cols) != X_all.shape[1]:
        raise WrongAnswer(f"`{name}` should have the {X_all.shape[1]} feature columns of the {data} "
                          f"(and not the target): {fix}")
    if len(value) == 0:
        raise WrongAnswer(f"`{name}` has no rows: {fix}")
    if not value.index.isin(X_all.index).all() or value.index.has_duplicates:
        raise WrongAnswer(f"`{name}` does not keep the {data}'s row labels (index): split the "
                          f"DataFrame without resetting its index ({fix})")
    try:
        values = value[list(X_all.columns)].to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(f"`{name}` holds cells that are not numbers: {fix}") from None
    if not np.allclose(values, X_all.loc[value.index].to_numpy(), rtol=1e-9, atol=1e-9):
        if value.index.equals(pd.RangeIndex(len(value))):
            raise WrongAnswer(f"`{name}` does not keep the {data}'s row labels (its index was "
                              f"reset to 0, 1, 2, ...): split the DataFrame without resetting its "
                              f"index ({fix})")
        raise WrongAnswer(f"the values in `{name}` are not the {data}'s rows (were they "
                          f"normalized or changed in place?): {fix}")
    return value[list(X_all.columns)].astype("float64")


def check_house_rows(value: Any, name: str, *, fix: str) -> pd.DataFrame:
    """:func:`check_feature_rows` for the house-price features (lessons 02_04, 02_05)."""
    X_all, y_all = _house_cached()
    return check_feature_rows(value, name, X_all=X_all, target=str(y_all.name), data="house data", fix=fix)


def _standardize(x: pd.DataFrame, mean: pd.Series, std: pd.Series) -> np.ndarray:
    return ((x - mean) / std).to_numpy(dtype="float64")


def _min_max(x: pd.DataFrame, lo: pd.Series, hi: pd.Series) -> np.ndarray:
    return ((x - lo) / (hi - lo)).to_numpy(dtype="float64")


def judge_standardized(X_train: pd.DataFrame, parts: dict[str, tuple[pd.DataFrame, Any]],
                       all_rows: pd.DataFrame) -> str | None:
    """Judge normalized tables ``parts = {answer name: (raw part, answer)}``: each answer must
    be ``(raw - mean) / std`` with the mean and std (ddof=1, as in ``describe()``) of the
    training rows ``X_train``. Names the usual mistakes (all-row statistics, the part's own
    statistics, min-max, ddof=0) without giving the numbers (lessons 02_04, 02_05)."""
    mean, std = X_train.mean(), X_train.std(ddof=1)
    for name, (raw, answer) in parts.items():
        got = as_table(answer, raw, name)
        if _close(got, _standardize(raw, mean, std)):
            continue
        if _close(got, _standardize(raw, all_rows.mean(), all_rows.std(ddof=1))):
            return (f"`{name}` was standardized with the statistics of ALL rows: the test and "
                    f"validation rows leak into them. Use the mean and std of the training rows only")
        if len(raw) > 1 and _close(got, _standardize(raw, raw.mean(), raw.std(ddof=1))):
            return (f"`{name}` was standardized with its own rows' statistics; every part must use "
                    f"the SAME statistics, those of the training rows")
        if _close(got, _standardize(raw, mean, X_train.std(ddof=0))):
            return (f"`{name}` divides by the population std (ddof=0); use the `std` column of "
                    f"describe() (ddof=1), as the slides do")
        if _close(got, _min_max(raw, X_train.min(), X_train.max())):
            return f"`{name}` is min-max normalized; this task asks for standard normalization (x - mean) / std"
        return (f"`{name}` is not (x - mean) / std with the training rows' mean and std: check "
                f"which table's statistics you used and the order of the operations")
    return None


# --------------------------------------------------------------------------- tasks 1 and 2

def _hidden_cases() -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """(training rows, rows to normalize): the second table lies partly outside the first's
    range, so using its own statistics gives different numbers."""
    rng = np.random.default_rng(20240204)
    cols = ["u", "v", "w"]
    loc, scale = np.array([5.0, 300.0, -2.0]), np.array([2.0, 50.0, 0.1])
    train = pd.DataFrame(rng.normal(loc, scale, size=(7, 3)), columns=cols)
    new = pd.DataFrame(rng.normal(loc + scale, 2 * scale, size=(4, 3)), columns=cols,
                       index=[20, 21, 22, 23])
    one_row = new.iloc[[2]]
    return [(train, new), (train, train), (train, one_row)]


def _judge_function(func: Any, name: str, kind: str) -> str | None:
    if func is None:
        raise WrongAnswer(f"`{name}` is None — define it with `def {name}(x, stats): ...`")
    if isinstance(func, type) or not callable(func):
        raise WrongAnswer(f"`{name}` should be a function (`def {name}(x, stats): ...`), yours is "
                          f"a {type(func).__name__}")
    formula = "(x - min) / (max - min)" if kind == "min-max" else "(x - mean) / std"

    def expected(x: pd.DataFrame, s: pd.DataFrame) -> np.ndarray:
        if kind == "min-max":
            return _min_max(x, s["min"], s["max"])
        return _standardize(x, s["mean"], s["std"])

    other = "standard_norm" if kind == "min-max" else "min_max_norm"
    for train, x in _hidden_cases():
        stats = train.describe().transpose()
        x_before, stats_before = x.copy(), stats.copy()
        try:
            out = func(x, stats)
        except (WrongAnswer, NotImplementedError):   # NotImplementedError: the blank is still there
            raise
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [""])[0]
            raise WrongAnswer(f"calling `{name}(x, stats)` on a small table failed: "
                              f"{type(exc).__name__}: {first}") from None
        if not x.equals(x_before) or not stats.equals(stats_before):
            return (f"`{name}` changed the table passed to it (in place); compute and return a "
                    f"new table instead")
        got = as_table(out, x, f"{name}(x, stats)")
        if _close(got, expected(x, stats)):
            continue
        own = x.describe().transpose()
        if len(x) > 1 and _close(got, expected(x, own)):
            return (f"`{name}` uses the statistics of `x` itself; it must use the table `stats` "
                    f"it is given (later, `stats` comes from the training rows only)")
        swapped = (_standardize(x, stats["mean"], stats["std"]) if kind == "min-max"
                   else _min_max(x, stats["min"], stats["max"]))
        if _close(got, swapped):
            return f"`{name}` computes the other normalization (that is `{other}`); use {formula}"
        return (f"`{name}(x, stats)` does not give {formula} with the statistics from `stats`: "
                f"check the formula and the brackets")
    return None


def _judge_task1(min_max_norm: Any) -> str | None:
    return _judge_function(min_max_norm, "min_max_norm", "min-max")


def _judge_task2(standard_norm: Any) -> str | None:
    return _judge_function(standard_norm, "standard_norm", "standard")


# --------------------------------------------------------------------------- task 3

def _judge_task3(X_train: Any, X_test: Any, X_train_std: Any, X_test_std: Any) -> str | None:
    fix = "run the split cell above the task again"
    X_train = check_house_rows(X_train, "X_train", fix=fix)
    X_test = check_house_rows(X_test, "X_test", fix=fix)
    if X_train.index.isin(X_test.index).any():
        raise WrongAnswer(f"`X_train` and `X_test` share rows: {fix}")
    X_all, _ = _house_cached()
    return judge_standardized(X_train, {"X_train_std": (X_train, X_train_std),
                                        "X_test_std": (X_test, X_test_std)}, X_all)


task1 = Task(
    exercise=EXERCISE, number=1, title="min-max normalization",
    names=("min_max_norm",), judge=_judge_task1,
    hint="Inside the function use only `stats`: stats['min'] and stats['max'] hold one value per "
         "column, and pandas lines them up with the columns of x. Return (x - min) / (max - min).",
)
task2 = Task(
    exercise=EXERCISE, number=2, title="standard normalization",
    names=("standard_norm",), judge=_judge_task2,
    hint="Same shape as min_max_norm, with stats['mean'] and stats['std']: return (x - mean) / std.",
)
task3 = Task(
    exercise=EXERCISE, number=3, title="standardize the house data with training statistics",
    names=("X_train", "X_test", "X_train_std", "X_test_std"), judge=_judge_task3,
    hint="Compute the statistics table from X_train only (describe_stats(X_train)), then call "
         "standard_norm on X_train and on X_test with that SAME table.",
)

TASKS = [task1, task2, task3]
