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

from typing import Any

import numpy as np
import pandas as pd

from .core import Exercise, WrongAnswer, transitional_judge
from .data import SPLIT_HINT, SPLIT_NAMES, SPLIT_TITLE, as_table, check_house_rows, house_cached, judge_split, judge_standardized

__all__ = ["exercise", "task1", "task2", "task3"]

exercise = Exercise("02_05")


_FIX = "make it again with train_val_test_split(X, y, ...) in task 1"






def _judge_task1(X_train: Any, X_val: Any, X_test: Any, y_train: Any, y_val: Any, y_test: Any,
                 split_seed: Any) -> str | None:
    X_all, y_all = house_cached()
    return judge_split(
        (X_train, X_val, X_test), (y_train, y_val, y_test), split_seed, X_all=X_all, y_all=y_all,
        check_rows=lambda value, name: check_house_rows(value, name, fix="make it with train_val_test_split(X, y, ...)"),
        label_words={"one": "price", "many": "prices", "column": "the price"},
        ordered_message=("your parts keep the file order (no shuffling): shuffle the rows with a seed "
                         "(leave shuffle=True) so that every part looks like the whole data set"))


def _judge_task2(X_train: Any, train_stats: Any) -> str | None:
    X_train = check_house_rows(X_train, "X_train", fix=_FIX)
    X_all, _ = house_cached()
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
    X_all, _ = house_cached()
    if len(X_train) >= len(X_all):
        raise WrongAnswer("`X_train` holds every row of the data: split the data first (task 1)")
    return judge_standardized(X_train, {"X_train_n": (X_train, X_train_n),
                                        "X_val_n": (X_val, X_val_n),
                                        "X_test_n": (X_test, X_test_n)}, X_all)


@exercise.task(SPLIT_TITLE, names=SPLIT_NAMES, hints=(SPLIT_HINT,))
def task1(X_train, X_val, X_test, y_train, y_val, y_test, split_seed):
    transitional_judge(_judge_task1, X_train=X_train, X_val=X_val, X_test=X_test, y_train=y_train,
                       y_val=y_val, y_test=y_test, split_seed=split_seed)


@exercise.task("statistics of the training rows", names=("X_train", "train_stats"),
               hints=("describe_stats(X_train), or X_train.describe().transpose(): only the training rows.",))
def task2(X_train, train_stats):
    transitional_judge(_judge_task2, X_train=X_train, train_stats=train_stats)


@exercise.task("standardize all parts with the training statistics", names=("X_train", "X_val", "X_test", "X_train_n", "X_val_n", "X_test_n"),
               hints=("(part - train_stats['mean']) / train_stats['std'] for each of the three parts, always "
         "with train_stats.",))
def task3(X_train, X_val, X_test, X_train_n, X_val_n, X_test_n):
    transitional_judge(_judge_task3, X_train=X_train, X_val=X_val, X_test=X_test, X_train_n=X_train_n, X_val_n=X_val_n, X_test_n=X_test_n)

