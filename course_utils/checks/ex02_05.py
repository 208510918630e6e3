"""Checks for exercise 02_05, data division (데이터 분할: train / validation / test) (lesson 02_05).

Task 1  ``X_train, X_val, X_test, y_train, y_val, y_test`` and ``split_seed``: the house data
        split 70 / 15 / 15 with ``train_val_test_split(X, y, val_size=0.15, test_size=0.15,
        seed=split_seed)``: sizes, disjoint parts that cover every row, X and y rows that
        belong together, and a split that the seed reproduces.
Task 2  ``train_stats``: the ``describe().transpose()`` table of the TRAINING rows only.
Task 3  ``X_train_n, X_val_n, X_test_n``: the three parts standardized with the training
        statistics.

Nothing here imports TensorFlow; the table helpers come from :mod:`.ex02_04`.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from .core import Task, WrongAnswer
from .ex02_04 import _house_cached, as_table, check_house_rows, judge_standardized

__all__ = ["EXERCISE", "TASKS", "task1", "task2", "task3", "FRACTIONS", "SIZE_SLACK", "check_labels",
           "judge_split"]

EXERCISE = "02_05"

#: Fractions of the whole data set asked for by task 1.
FRACTIONS = {"train": 0.70, "val": 0.15, "test": 0.15}
#: A part may differ from its exact fraction of the rows by this many rows (rounding, ±1).
SIZE_SLACK = 2.0

_FIX = "make it again with train_val_test_split(X, y, ...) in task 1"


def check_labels(y: Any, X: pd.DataFrame, name: str, x_name: str, *, y_all: pd.Series,
                 one: str = "price", many: str = "prices", column: str = "the price") -> None:
    """Raise :class:`WrongAnswer` unless ``y`` holds ``y_all``'s labels of the rows of ``X``.

    ``one``/``many``/``column`` name the target in messages ("price", "prices", "the price"
    for the house data; "MEDV", "MEDV values", "MEDV" for Boston). Lessons 02_05, 02_06.
    """
    if y is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign it?")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise WrongAnswer(f"`{name}` should hold one column, {column}; yours has {y.shape[1]}")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        if len(y) != len(X) or not y.index.equals(X.index):
            raise WrongAnswer(f"`{name}` does not hold the labels of the rows in `{x_name}` (its row "
                              f"labels differ): split X and y in the SAME call")
        values = y
    else:
        if isinstance(y, (str, bytes, dict)) or np.ndim(y) == 0:
            raise WrongAnswer(f"`{name}` should hold one {one} per row of `{x_name}` ({len(X)}), "
                              f"yours is a {type(y).__name__}")
        try:
            values = np.asarray(y, dtype="float64").reshape(-1)
        except (TypeError, ValueError):
            raise WrongAnswer(f"`{name}` should be the {many} (a Series), yours is a "
                              f"{type(y).__name__}") from None
        if values.shape[0] != len(X):
            raise WrongAnswer(f"`{name}` should hold one {one} per row of `{x_name}` "
                              f"({len(X)}), yours holds {values.shape[0]}")
    try:
        values = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(f"`{name}` should hold numbers (the {many})") from None
    if not np.allclose(values, y_all.loc[X.index].to_numpy(), rtol=1e-9, atol=1e-9):
        raise WrongAnswer(f"`{name}` is not the {many} of the rows in `{x_name}`: split X and y "
                          f"together, in the same call")


def judge_split(X_parts: tuple, y_parts: tuple, split_seed: Any, *, X_all: pd.DataFrame,
                y_all: pd.Series, check_rows: Callable[[Any, str], pd.DataFrame],
                label_words: dict[str, str], ordered_message: str) -> str | None:
    """Judge a seeded 70/15/15 split ``(X_train, X_val, X_test)``, ``(y_train, y_val, y_test)``.

    Checks each part with ``check_rows(value, name)`` and :func:`check_labels`, the sizes
    (:data:`FRACTIONS` ± :data:`SIZE_SLACK` rows), that the parts are disjoint and hold every
    row, and that ``train_val_test_split(..., seed=split_seed)`` gives the same rows.
    ``ordered_message`` answers a split that kept the file order. Lessons 02_05, 02_06.
    """
    from course_utils.lesson.split import train_val_test_split

    n = len(X_all)
    if split_seed is None:
        raise WrongAnswer("`split_seed` is None — set it to the whole number you pass as seed=")
    if isinstance(split_seed, (bool, np.bool_)) or not isinstance(split_seed, (int, np.integer)) \
            or split_seed < 0:
        raise WrongAnswer(f"`split_seed` should be a whole number >= 0 (the seed= of your split), "
                          f"yours is {type(split_seed).__name__}")
    keys = ("train", "val", "test")
    parts = {key: check_rows(value, "X_" + key) for key, value in zip(keys, X_parts)}
    for key, value in zip(keys, y_parts):
        check_labels(value, parts[key], "y_" + key, "X_" + key, y_all=y_all, **label_words)
    for key, part in parts.items():
        exact = FRACTIONS[key] * n
        if abs(len(part) - exact) > SIZE_SLACK:
            return (f"`X_{key}` has {len(part)} of the {n} rows; a {FRACTIONS[key]:.0%} part has "
                    f"about {exact:.0f}: check val_size and test_size (fractions of ALL rows)")
    seen = [set(p.index) for p in parts.values()]
    if seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2]:
        return "some rows sit in two parts at once: train, validation and test must not share rows"
    if set().union(*seen) != set(X_all.index):
        return "some rows of the data are in no part: together the three parts must hold every row"
    redo = train_val_test_split(X_all, y_all, val_size=FRACTIONS["val"], test_size=FRACTIONS["test"],
                                seed=int(split_seed))
    if all(set(mine.index) == set(ref.index)
           for mine, ref in zip(parts.values(), (redo.X_train, redo.X_val, redo.X_test))):
        return None
    if np.array_equal(np.concatenate([p.index.to_numpy() for p in parts.values()]), np.arange(n)):
        return ordered_message
    return ("`split_seed` does not reproduce your split: use train_val_test_split(X, y, val_size=0.15, "
            "test_size=0.15, seed=split_seed) so that running the notebook again gives the same rows")


def _judge_task1(X_train: Any, X_val: Any, X_test: Any, y_train: Any, y_val: Any, y_test: Any,
                 split_seed: Any) -> str | None:
    X_all, y_all = _house_cached()
    return judge_split(
        (X_train, X_val, X_test), (y_train, y_val, y_test), split_seed, X_all=X_all, y_all=y_all,
        check_rows=lambda value, name: check_house_rows(value, name, fix="make it with train_val_test_split(X, y, ...)"),
        label_words={"one": "price", "many": "prices", "column": "the price"},
        ordered_message=("your parts keep the file order (no shuffling): shuffle the rows with a seed "
                         "(leave shuffle=True) so that every part looks like the whole data set"))


def _judge_task2(X_train: Any, train_stats: Any) -> str | None:
    X_train = check_house_rows(X_train, "X_train", fix=_FIX)
    X_all, _ = _house_cached()
    if len(X_train) >= len(X_all):
        raise WrongAnswer("`X_train` holds every row of the data: split the data first (task 1)")
    if train_stats is None:
        raise WrongAnswer("`train_stats` is None — did you forget to assign it?")
    if not isinstance(train_stats, pd.DataFrame):
        raise WrongAnswer(f"`train_stats` should be a DataFrame like `X_train.describe().transpose()`, "
                          f"yours is a {type(train_stats).__name__}")
    expected = X_train.describe().transpose()
    if set(train_stats.columns) >= set(X_train.columns) and not set(train_stats.index) >= set(X_train.columns):
        return ("`train_stats` has one COLUMN per feature; the course's table has one ROW per feature "
                "(did you forget .transpose()?)")
    missing_rows = [c for c in expected.index if c not in train_stats.index]
    if missing_rows:
        return f"`train_stats` has no row for the feature(s) {missing_rows}: compute it from X_train"
    missing_cols = [c for c in expected.columns if c not in train_stats.columns]
    if missing_cols:
        return (f"`train_stats` lacks the column(s) {missing_cols}: use the full table of "
                f"describe().transpose()")
    got = as_table(train_stats.loc[expected.index, list(expected.columns)], expected, "train_stats")
    if np.allclose(got, expected.to_numpy(), rtol=1e-6, atol=1e-9):
        return None
    if np.allclose(got, X_all.describe().transpose().to_numpy(), rtol=1e-6, atol=1e-9):
        return ("these are the statistics of ALL rows: validation and test rows leak into them. "
                "Compute them from the training rows only")
    return "`train_stats` is not the describe().transpose() table of `X_train`"


def _judge_task3(X_train: Any, X_val: Any, X_test: Any,
                 X_train_n: Any, X_val_n: Any, X_test_n: Any) -> str | None:
    X_train = check_house_rows(X_train, "X_train", fix=_FIX)
    X_val = check_house_rows(X_val, "X_val", fix=_FIX)
    X_test = check_house_rows(X_test, "X_test", fix=_FIX)
    X_all, _ = _house_cached()
    if len(X_train) >= len(X_all):
        raise WrongAnswer("`X_train` holds every row of the data: split the data first (task 1)")
    return judge_standardized(X_train, {"X_train_n": (X_train, X_train_n),
                                        "X_val_n": (X_val, X_val_n),
                                        "X_test_n": (X_test, X_test_n)}, X_all)


def split_task(exercise: str, judge: Callable[..., str | None]) -> Task:
    """Task 1 of exercises 02_05 and 02_06: the seeded 70 / 15 / 15 split, judged by *judge*
    (a wrapper of :func:`judge_split` with the exercise's data). Lessons 02_05, 02_06."""
    return Task(
        exercise=exercise, number=1, title="split 70 / 15 / 15 with a seed",
        names=("X_train", "X_val", "X_test", "y_train", "y_val", "y_test", "split_seed"),
        judge=judge,
        hint="Set split_seed to a whole number, then: X_train, X_val, X_test, y_train, y_val, y_test = "
             "train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=split_seed).",
    )


task1 = split_task(EXERCISE, _judge_task1)
task2 = Task(
    exercise=EXERCISE, number=2, title="statistics of the training rows",
    names=("X_train", "train_stats"), judge=_judge_task2,
    hint="describe_stats(X_train), or X_train.describe().transpose(): only the training rows.",
)
task3 = Task(
    exercise=EXERCISE, number=3, title="standardize all parts with the training statistics",
    names=("X_train", "X_val", "X_test", "X_train_n", "X_val_n", "X_test_n"), judge=_judge_task3,
    hint="(part - train_stats['mean']) / train_stats['std'] for each of the three parts, always "
         "with train_stats.",
)

TASKS = [task1, task2, task3]
