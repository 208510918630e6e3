"""Checks for exercise 02_04, normalization (정규화) and standardization (표준화) (lesson 02_04).

Task 1  ``dataset_stats``: the statistics table of columns A, B, C of ``test.csv`` (D set aside,
        as in the slides), ``describe().transpose()`` or ``describe()``.
Task 2  ``min_max_norm(x, stats)``: ``(x - min) / (max - min)`` with the statistics table
        ``stats``, tried on hidden tables.
Task 3  ``standard_norm(x, stats)``: ``(x - mean) / std`` with ``stats``, tried the same way.
        Tasks 2 and 3 accept a function written for the ``describe().transpose()`` table (the
        slides' layout) or for the ``describe()`` table, and notice a function that uses the
        statistics of ``x`` itself (the mistake that later leaks test rows into the statistics)
        or changes ``x`` in place.
Task 4  ``X_train_std``, ``X_test_std``: the house data standardized with the statistics of the
        TRAINING rows (by hand, ``StandardScaler`` or a Keras ``Normalization`` layer; ddof 0 or
        1; DataFrames or arrays). ``X_train`` and ``X_test`` come from the split cell.

Nothing here imports TensorFlow.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..i18n import _
from .core import Exercise, WrongAnswer
from .data import (_close, _min_max, _standardize, as_table, check_house_rows, house_cached,
                   judge_standardized, judge_stats_table)
from .export import to_plain

__all__ = ["exercise", "task1", "task2", "task3", "task4"]

exercise = Exercise("02_04")

#: The label column of test.csv that the slides set aside (constant: min == max, std 0).
CONSTANT = "D"


def test_table() -> pd.DataFrame:
    """Columns A, B, C of ``test.csv`` (D set aside), as ``load_dataset("test")`` gives them."""
    from course_utils.lesson.datasets import load_dataset

    return load_dataset("test").drop(columns=[CONSTANT])


# --------------------------------------------------------------------------- task 1

@exercise.task(
    "the statistics table of test.csv", names=("dataset_stats",),
    hints=(
        "The formulas need the min, max, mean and std of each input column: pandas computes them all in one "
        "call. Which column of test.csv is not an input here (the slides take it out first), and why would "
        "it break both formulas?",
        "Set D aside (the slides pop it as the label), call describe() on the remaining A, B, C and transpose "
        "the result so that each column of the data becomes one row of the table.",
    ))
def task1(dataset_stats):
    if isinstance(dataset_stats, pd.DataFrame) and CONSTANT in {str(v) for v in
                                                                 [*dataset_stats.index, *dataset_stats.columns]}:
        raise WrongAnswer(_("`dataset_stats` still has statistics of column D: D is constant (min == max, std 0), "
                            "so both formulas would divide by 0 there. Set D aside first, as the slides do"))
    judge_stats_table(dataset_stats, test_table(), "dataset_stats", rows_name="dataset",
                      fix=_("compute it from the 10 rows of A, B and C as they are in the file"))


# --------------------------------------------------------------------------- tasks 2 and 3

@functools.lru_cache(maxsize=1)
def _hidden_cases() -> tuple[tuple[pd.DataFrame, pd.DataFrame], ...]:
    """(training rows, rows to normalize): the second table lies partly outside the first's
    range and has its own index, so using its own statistics gives different numbers."""
    rng = np.random.default_rng(20240204)
    cols = ["u", "v", "w"]
    loc, scale = np.array([5.0, 300.0, -2.0]), np.array([2.0, 50.0, 0.1])
    train = pd.DataFrame(rng.normal(loc, scale, size=(7, 3)), columns=cols)
    new = pd.DataFrame(rng.normal(loc + scale, 2 * scale, size=(4, 3)), columns=cols, index=[20, 21, 22, 23])
    one_row = new.iloc[[2]]
    return ((train, new), (train, train), (train, one_row))


#: The two layouts of the statistics table a function may be written for.
LAYOUTS = ("describe().transpose()", "describe()")


@functools.lru_cache(maxsize=8)
def _case_tables(case: int, layout: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(x, stats) of hidden case ``case`` with ``stats`` in ``layout`` (cached: pass copies on)."""
    train, x = _hidden_cases()[case]
    table = train.describe()
    return x, (table.transpose() if layout == LAYOUTS[0] else table)


def _function_probe(value: Any, namespace: Mapping[str, Any]) -> Any:
    """Run a student's ``f(x, stats)`` on every hidden case in both layouts of ``stats``; record
    the result (or the error) and whether ``x`` or ``stats`` was changed in place, as plain data."""
    if not callable(value) or isinstance(value, type):
        return to_plain(value)
    runs = []
    for layout in LAYOUTS:
        for case in range(len(_hidden_cases())):
            x, stats = _case_tables(case, layout)
            x_arg, stats_arg = x.copy(), stats.copy()
            run = {"layout": layout, "case": case, "value": None, "raised": None, "message": "", "changed": False}
            try:
                run["value"] = to_plain(value(x_arg, stats_arg))
            except NotImplementedError:
                raise                                    # the blank is still there: not attempted
            except Exception as exc:  # noqa: BLE001 - the student's code: keep the error as data
                run["raised"] = type(exc).__name__
                run["message"] = (str(exc).strip().splitlines() or [""])[0][:160]
            try:
                run["changed"] = not (x_arg.equals(x) and stats_arg.equals(stats))
            except Exception:  # noqa: BLE001 - an argument replaced by something odd
                run["changed"] = True
            runs.append(run)
    return {"function": getattr(value, "__name__", "function"), "runs": runs}


def _verdict(run: dict, name: str, kind: str) -> str | None:
    """None when ``run`` is right, else the message (never the expected numbers)."""
    train = _hidden_cases()[run["case"]][0]
    x, stats = _case_tables(run["case"], LAYOUTS[0])
    call = _("`{name}(x, stats)`").format(name=name)
    if run["raised"]:
        return _("{call} raised {type}: {message} (on a small table, with `stats` its {layout} table)").format(
            call=call, type=run["raised"], message=run["message"] or "-", layout=run["layout"])
    if run["changed"]:
        return _("`{name}` changed the table passed to it (in place): compute and return a new table "
                 "instead").format(name=name)
    try:
        got = as_table(run["value"], x, _("{name}(x, stats)").format(name=name))
    except WrongAnswer as exc:
        return str(exc)

    def formula(table: pd.DataFrame, which: str) -> np.ndarray:
        if which == "min-max":
            return _min_max(x, table["min"], table["max"])
        return _standardize(x, table["mean"], table["std"])

    if _close(got, formula(stats, kind)):
        return None
    if len(x) > 1 and _close(got, formula(pd.DataFrame({"min": x.min(), "max": x.max(), "mean": x.mean(), "std": x.std()}), kind)):
        return _("`{name}` uses the statistics of `x` itself; it must use the table `stats` it is given "
                 "(later `stats` comes from the training rows only)").format(name=name)
    other = "standard" if kind == "min-max" else "min-max"
    if _close(got, formula(stats, other)):
        return _("`{name}` computes the other normalization; this one is {formula}").format(
            name=name, formula="(x - min) / (max - min)" if kind == "min-max" else "(x - mean) / std")
    if kind == "standard" and _close(got, _standardize(x, stats["mean"], train.std(ddof=0))):
        return _("`{name}` divides by a std with ddof=0; use the `std` of the table `stats` it is given").format(
            name=name)
    return _("`{name}(x, stats)` does not give {formula} with the statistics from `stats`: check the formula "
             "and the brackets").format(
                 name=name, formula="(x - min) / (max - min)" if kind == "min-max" else "(x - mean) / std")


def _judge_function(recorded: Any, name: str, kind: str) -> None:
    if not (isinstance(recorded, dict) and "runs" in recorded):
        raise WrongAnswer(_("`{name}` should be a function (`def {name}(x, stats): ...`), yours is a {type}").format(
            name=name, type=getattr(recorded, "type_name", type(recorded).__name__)))
    verdicts = {layout: [_verdict(r, name, kind) for r in recorded["runs"] if r["layout"] == layout]
                for layout in LAYOUTS}
    if any(all(v is None for v in found) for found in verdicts.values()):
        return                                   # right for one of the two layouts, on every case
    slides, other = (next(v for v in verdicts[layout] if v is not None) for layout in LAYOUTS)
    runs = {layout: [r for r in recorded["runs"] if r["layout"] == layout] for layout in LAYOUTS}
    raised_on_slides = all(r["raised"] for r in runs[LAYOUTS[0]])
    raised_on_other = all(r["raised"] for r in runs[LAYOUTS[1]])
    raise WrongAnswer(other if raised_on_slides and not raised_on_other else slides)


@exercise.task(
    "min-max normalization", names=("min_max_norm",), probes={"min_max_norm": _function_probe},
    hints=(
        "Use only the table `stats` inside the function, never the statistics of `x`: one min and one max per "
        "column, and pandas lines a Series indexed by column names up with the columns of `x`.",
        "Subtract the column minimum from x, then divide by the column's range (max minus min); mind the "
        "brackets, and return the new table.",
    ))
def task2(min_max_norm):
    _judge_function(min_max_norm, "min_max_norm", "min-max")


@exercise.task(
    "standard normalization", names=("standard_norm",), probes={"standard_norm": _function_probe},
    hints=(
        "Same shape as `min_max_norm`, with two other statistics from `stats`: the result should have mean 0 "
        "and standard deviation 1 on the rows the statistics came from.",
        "Subtract the column mean, then divide by the column's std, both taken from `stats`.",
    ))
def task3(standard_norm):
    _judge_function(standard_norm, "standard_norm", "standard")


# --------------------------------------------------------------------------- task 4

@exercise.task(
    "standardize the house data with training statistics",
    names=("X_train", "X_test", "X_train_std", "X_test_std"),
    hints=(
        "Which rows may the statistics come from? Only the training rows: the test rows must be standardized "
        "with those SAME statistics, never with their own or with all rows'.",
        "Make the statistics table of X_train only, then apply your `standard_norm` to X_train and to X_test "
        "with that one table (a StandardScaler fitted on X_train only does the same).",
    ))
def task4(X_train, X_test, X_train_std, X_test_std):
    fix = _("run the split cell above the task again")
    X_train = check_house_rows(X_train, "X_train", fix=fix)
    X_test = check_house_rows(X_test, "X_test", fix=fix)
    X_all, _y = house_cached()
    if X_train.index.isin(X_test.index).any() or len(X_train) >= len(X_all):
        raise WrongAnswer(_("`X_train` and `X_test` should be two separate parts of the house data: {fix}").format(
            fix=fix))
    judge_standardized(X_train, {"X_train_std": (X_train, X_train_std), "X_test_std": (X_test, X_test_std)}, X_all)
