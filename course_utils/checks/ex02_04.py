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

from typing import Any

import numpy as np
import pandas as pd

from .core import Exercise, WrongAnswer, transitional_judge
from .data import _close, _min_max, _standardize, as_table, check_house_rows, house_cached, judge_standardized
from .export import live

__all__ = ["exercise", "task1", "task2", "task3"]

exercise = Exercise("02_04")

# Relative tolerance for comparing normalized tables: float32 arithmetic passes, while the
# sample/population std mix-up (a factor sqrt(n/(n-1)), 0.17 % for 290 rows) does not.


# --------------------------------------------------------------------------- shared helpers



















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
    X_all, _ = house_cached()
    return judge_standardized(X_train, {"X_train_std": (X_train, X_train_std),
                                        "X_test_std": (X_test, X_test_std)}, X_all)


@exercise.task("min-max normalization", names=("min_max_norm",), probes={"min_max_norm": live},
               hints=("Inside the function use only `stats`: stats['min'] and stats['max'] hold one value per "
         "column, and pandas lines them up with the columns of x. Return (x - min) / (max - min).",))
def task1(min_max_norm):
    transitional_judge(_judge_task1, min_max_norm=min_max_norm)


@exercise.task("standard normalization", names=("standard_norm",), probes={"standard_norm": live},
               hints=("Same shape as min_max_norm, with stats['mean'] and stats['std']: return (x - mean) / std.",))
def task2(standard_norm):
    transitional_judge(_judge_task2, standard_norm=standard_norm)


@exercise.task("standardize the house data with training statistics", names=("X_train", "X_test", "X_train_std", "X_test_std"),
               hints=("Compute the statistics table from X_train only (describe_stats(X_train)), then call "
         "standard_norm on X_train and on X_test with that SAME table.",))
def task3(X_train, X_test, X_train_std, X_test_std):
    transitional_judge(_judge_task3, X_train=X_train, X_test=X_test, X_train_std=X_train_std, X_test_std=X_test_std)

