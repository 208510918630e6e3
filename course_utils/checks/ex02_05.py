"""Checks for exercise 02_05, data division (데이터 분할: 학습 / 검증 / 테스트 데이터) (lesson 02_05).

Task 1  ``split_data(X, y, seed)``, ``split_seed`` and the six parts ``X_train, X_val, X_test,
        y_train, y_val, y_test = split_data(X, y, split_seed)``: the house data split 70 / 15 / 15,
        shuffled. The check judges what the split does, not how it is written: the parts have
        the right sizes, are disjoint, hold every row, X and y rows belong together, no part is
        a block of consecutive file rows; the check runs ``split_data`` again with
        ``split_seed`` (it must give the same rows: reproducible) and with another seed (all
        three parts must change: the seed decides the shuffle). Two ``train_test_split`` calls,
        as in the slides, pass, and so does any other correct way.
Task 2  ``train_stats``: the statistics table of the TRAINING rows only (``describe()`` or
        ``describe().transpose()``; mean, std, min and max are required, the other columns
        are checked when present).
Task 3  ``X_train_n, X_val_n, X_test_n``: the three parts standardized with the training
        statistics (by hand, ``StandardScaler`` or a Keras ``Normalization`` layer fitted on
        the training rows; DataFrames or arrays).

Nothing here imports TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..i18n import N_, _
from .core import Exercise, WrongAnswer
from .data import (FRACTIONS, as_stats_table, check_house_rows, house_cached, judge_stats_table,
                   house_data, judge_split_function, judge_standardized, size_slack,
                   split_function_probe)

__all__ = ["exercise", "task1", "task2", "task3"]

exercise = Exercise("02_05")

_FIX = N_("make it again with split_data(X, y, split_seed) in task 1")
_WORDS = {"one": N_("price"), "many": N_("prices"), "column": N_("the price")}


def _ordered_message() -> str:
    return _("a part of your split is a block of consecutive rows of the file (no shuffling): shuffle the rows "
             "with a seed (shuffle=True, the default, with random_state=seed) so that every part looks like the "
             "whole data set")


def _rows(value: Any, name: str) -> pd.DataFrame:
    return check_house_rows(value, name, fix=_(_FIX))


def _training_part(X_train: Any) -> pd.DataFrame:
    """``X_train`` as house rows of about 70 % of the data (a training part), or WrongAnswer."""
    X_train = _rows(X_train, "X_train")
    n = len(house_cached()[0])
    if len(X_train) >= n:
        raise WrongAnswer(_("`X_train` holds every row of the data: split the data first (task 1)"))
    if abs(len(X_train) - FRACTIONS["train"] * n) > size_slack(n):
        raise WrongAnswer(_("`X_train` should be the training part of task 1 (70 % of the rows), yours has {k} "
                            "of {n} rows: {fix}").format(k=len(X_train), n=n, fix=_(_FIX)))
    return X_train


# --------------------------------------------------------------------------- task 1

@exercise.task(
    "split 70 / 15 / 15 with two train_test_split calls", probes={"split_data": split_function_probe(house_data)},
    names=("split_data", "split_seed", "X_train", "X_val", "X_test", "y_train", "y_val", "y_test"),
    hints=(
        "First hold out the test rows, then split what is left into training and validation rows. Every "
        "fraction counts rows of the WHOLE data set, and both calls must shuffle with the seed.",
        "The second call only sees the 85 % of the rows that are left, so its test_size is the validation "
        "share of that rest: 0.15 / 0.85. Pass random_state=seed to both calls and return the six parts in "
        "the order X_train, X_val, X_test, y_train, y_val, y_test.",
    ))
def task1(split_data, split_seed, X_train, X_val, X_test, y_train, y_val, y_test):
    X_all, y_all = house_cached()
    judge_split_function(split_data, split_seed, (X_train, X_val, X_test), (y_train, y_val, y_test),
                         X_all=X_all, y_all=y_all, check_rows=_rows, label_words=_WORDS,
                         ordered_message=_ordered_message())


# --------------------------------------------------------------------------- task 2

@exercise.task(
    "statistics of the training rows", names=("X_train", "train_stats"),
    hints=(
        "Which rows may the statistics see? Only the rows the model learns from; the validation and test "
        "rows must not influence them. pandas makes the whole table in one call.",
        "Call describe() on the training part only, and transpose it so that each feature is one row "
        "(describe_stats does both steps).",
    ))
def task2(X_train, train_stats):
    X_train = _training_part(X_train)
    try:
        judge_stats_table(train_stats, X_train, "train_stats", rows_name="X_train",
                          fix=_("compute it from the training rows only, as they are"))
    except WrongAnswer:
        X_all, _y = house_cached()
        table = as_stats_table(train_stats, [str(c) for c in X_all.columns], "train_stats")
        everything = X_all.describe().transpose()
        checked = [c for c in everything.columns if c in table.columns]
        if np.allclose(table.loc[list(everything.index), checked].to_numpy(), everything[checked].to_numpy(),
                       rtol=1e-6, atol=1e-9):
            raise WrongAnswer(_("these are the statistics of ALL rows: validation and test rows leak into them "
                                "(데이터 누수 data leakage). Compute them from the training rows only")) from None
        raise


# --------------------------------------------------------------------------- task 3

@exercise.task(
    "standardize all parts with the training statistics",
    names=("X_train", "X_val", "X_test", "X_train_n", "X_val_n", "X_test_n"),
    hints=(
        "Each part, the validation and test rows too, is standardized with ONE set of statistics: those of "
        "the training rows from task 2. A part's own mean and std would hide how new data differs.",
        "Subtract the training mean and divide by the training std, column by column, for each of the three "
        "parts; a scikit-learn StandardScaler fitted on X_train only does the same.",
    ))
def task3(X_train, X_val, X_test, X_train_n, X_val_n, X_test_n):
    X_train = _training_part(X_train)
    X_val, X_test = _rows(X_val, "X_val"), _rows(X_test, "X_test")
    if set(X_val.index) & set(X_train.index) or set(X_test.index) & set(X_train.index) \
            or set(X_val.index) & set(X_test.index):
        raise WrongAnswer(_("X_train, X_val and X_test share rows: {fix}").format(fix=_(_FIX)))
    X_all, _y = house_cached()
    judge_standardized(X_train, {"X_train_n": (X_train, X_train_n), "X_val_n": (X_val, X_val_n),
                                 "X_test_n": (X_test, X_test_n)}, X_all)
