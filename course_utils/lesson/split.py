"""Split data into training, validation (검증 데이터) and test rows (lesson 02_05).

The slides call scikit-learn's ``train_test_split`` twice (first test, then validation
out of the rest). Lesson 02_05 does it in one call, with fractions of the WHOLE data set::

    from course_utils.lesson.split import train_val_test_split
    X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
        X, y, val_size=0.15, test_size=0.15, seed=0)

- The model learns from the training rows; the validation rows measure its error during
  training but never update it; the test rows are looked at once, at the end.
- Row counts: ``n_test = ceil(test_size * n)``, ``n_val = ceil(val_size * n)`` (the same
  rounding as ``train_test_split``), the rest is training. The slides' two calls
  (``test_size=0.3`` then ``0.2`` of the rest) are ``test_size=0.3, val_size=0.7 * 0.2``.
- ``shuffle=True`` (default) permutes the rows with ``numpy.random.default_rng(seed)``;
  ``seed=None`` means seed 0, so the split is always reproducible.
- ``shuffle=False`` is the slides' ordered split: the first rows are training, then
  validation, then test, in file order.

DataFrames and Series keep their index (so a row can be traced back to the file); NumPy
arrays and lists come back as NumPy arrays. When X and y are both pandas objects, rows are
paired by index label, never by position: their labels must be the same, in the same
order (a :class:`~course_utils.errors.SplitError` says how to fix it otherwise).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import SplitError
from ..i18n import _

__all__ = ["Split", "train_val_test_split", "split_sizes"]


class Split(NamedTuple):
    """The six parts of :func:`train_val_test_split` (``y_*`` are ``None`` without ``y``)."""

    X_train: Any
    X_val: Any
    X_test: Any
    y_train: Any
    y_val: Any
    y_test: Any


def _check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise SplitError(_("{name} must be a fraction between 0 and 1 (e.g. 0.15), not {value!r}.").format(
            name=name, value=value))
    value = float(value)
    if not 0.0 < value < 1.0:
        hint = _(" (a fraction of the rows, not a count)") if value >= 1 else ""
        raise SplitError(
            _("{name}={value:g} is outside (0, 1): it must be a fraction of the whole data "
              "set{hint}, e.g. {name}=0.15.").format(name=name, value=value, hint=hint)
        )
    return value


def split_sizes(n: int, *, val_size: float = 0.15, test_size: float = 0.15) -> tuple[int, int, int]:
    """Row counts ``(n_train, n_val, n_test)`` for *n* rows (lesson 02_05).

    ``n_test = ceil(test_size * n)`` and ``n_val = ceil(val_size * n)`` (products rounded
    to 9 decimals first, so that 0.15 * 100 counts as 15, not 16); the rest is training.
    Raises :class:`SplitError` when the fractions are not in (0, 1), add up to 1 or more,
    or leave a part without rows.
    """
    val = _check_fraction("val_size", val_size)
    test = _check_fraction("test_size", test_size)
    if val + test >= 1.0:
        raise SplitError(
            _("val_size + test_size = {val:g} + {test:g} = {value:g} leaves no training "
              "rows: the two fractions must add up to less than 1 (e.g. 0.15 + 0.15 = 0.3).").format(
                  val=val, test=test, value=val + test)
        )
    n_test = math.ceil(round(test * n, 9))
    n_val = math.ceil(round(val * n, 9))
    n_train = n - n_val - n_test
    if n_train < 1:
        raise SplitError(
            _("{n} rows are too few for val_size={val:g} and test_size={test:g}: validation "
              "would get {n_val} row(s) and test {n_test}, leaving {n_train} for training. "
              "Every part needs at least one row: use more rows or smaller fractions.").format(
                  n=n, val=val, test=test, n_val=n_val, n_test=n_test, n_train=n_train)
        )
    return n_train, n_val, n_test


def _length(data: object, name: str) -> int:
    if isinstance(data, (str, bytes)) or data is None:
        raise SplitError(_("{name} must be a table of rows (DataFrame, Series, NumPy array or "
                           "list), not {type}.").format(name=name, type=type(data).__name__))
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return len(data)
    arr = np.asarray(data) if not isinstance(data, np.ndarray) else data
    if arr.ndim == 0:
        raise SplitError(_("{name} is a single value ({data!r}); it must hold one row per sample.").format(
            name=name, data=data))
    return arr.shape[0]


def _check_same_rows(X: object, y: object) -> None:
    """Refuse pandas X and y whose index labels differ or come in another order: splitting
    them by position would pair a row of X with the target of another row."""
    pandas = (pd.DataFrame, pd.Series)
    if not (isinstance(X, pandas) and isinstance(y, pandas)) or X.index.equals(y.index):
        return
    x_labels, y_labels = list(X.index), list(y.index)
    if X.index.is_unique and y.index.is_unique and set(x_labels) == set(y_labels):
        at = next(i for i, (a, b) in enumerate(zip(x_labels, y_labels)) if a != b)
        raise SplitError(
            _("X and y hold the same row labels in a different order (position {at}: X has row "
              "{x_row!r}, y has row {y_row!r}), so splitting them by "
              "position would pair rows with the wrong targets. Put y in X's order first: "
              "y = y.loc[X.index].").format(
                  at=at, x_row=_plain(x_labels[at]), y_row=_plain(y_labels[at]))
        )
    only_y = [_plain(v) for v in y.index.difference(X.index)[:3]]
    only_x = [_plain(v) for v in X.index.difference(y.index)[:3]]
    detail = "; ".join(part for part in (
        _("y has rows {rows} that X lacks").format(rows=only_y) if only_y else "",
        _("X has rows {rows} that y lacks").format(rows=only_x) if only_x else "",
    ) if part) or _("the labels repeat differently")
    raise SplitError(
        _("X and y have different row labels ({detail}), so they do not describe the same rows. "
          "Take both from the same table (X = df.drop(columns=[target]), y = df[target]); if y "
          "is already in X's row order, give it X's labels: y = y.set_axis(X.index).").format(detail=detail)
    )


def _plain(label: object) -> object:
    return label.item() if isinstance(label, np.generic) else label


def _take(data: object, rows: np.ndarray):
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return data.iloc[rows]                         # keeps the original index
    arr = data if isinstance(data, np.ndarray) else np.asarray(data)
    return arr[rows]


def train_val_test_split(X, y=None, *, val_size: float = 0.15, test_size: float = 0.15,
                         seed: int | None = None, shuffle: bool = True) -> Split:
    """Split ``X`` (and ``y``, row by row alike) into train / validation / test (lesson 02_05).

    ``val_size`` and ``test_size`` are fractions of the whole data set (see
    :func:`split_sizes` for the rounding). ``shuffle=True`` permutes the rows with
    ``numpy.random.default_rng(seed)`` (``seed=None`` means 0: always reproducible);
    ``shuffle=False`` keeps file order: training rows first, then validation, then test.

    Returns a :class:`Split` ``(X_train, X_val, X_test, y_train, y_val, y_test)``; the
    ``y_*`` parts are ``None`` when ``y`` is ``None``. The three parts are disjoint and
    together hold every row once. DataFrames/Series keep their index; arrays and lists
    come back as NumPy arrays. Pandas ``X`` and ``y`` must have the same index labels in
    the same order (rows are never paired by position when labels say otherwise).
    """
    n = _length(X, "X")
    if y is not None:
        n_y = _length(y, "y")
        if n_y != n:
            raise SplitError(
                _("X has {n} rows but y has {n_y}: they must have one label per row. Check "
                  "that y was taken from the same table as X (e.g. y = df.pop('target')).").format(n=n, n_y=n_y)
            )
        _check_same_rows(X, y)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise SplitError(_("shuffle must be True or False, not {shuffle!r}.").format(shuffle=shuffle))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise SplitError(_("seed must be a whole number >= 0 or None, not {seed!r}.").format(seed=seed))
    n_train, n_val, n_test = split_sizes(n, val_size=val_size, test_size=test_size)
    order = (np.random.default_rng(0 if seed is None else int(seed)).permutation(n)
             if shuffle else np.arange(n))
    parts = (order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:])
    xs = [_take(X, p) for p in parts]
    ys = [_take(y, p) for p in parts] if y is not None else [None, None, None]
    return Split(xs[0], xs[1], xs[2], ys[0], ys[1], ys[2])
