"""The course data the judges rebuild, and judge helpers shared by several exercises.

Exercise modules import from here, never from each other. Loaders return the data exactly as
``load_dataset`` does (``house_cached``/``boston_cached`` are cached: do not modify them;
``house_data``/``boston_data`` return copies). Every judge helper says "wrong" by raising
:class:`~course_utils.checks.core.WrongAnswer` (messages never contain the expected answer)
and returns ``None`` (or the value it read) when the answer is right.

Shared helpers (introduced with exercises 02_04 and 02_05, used again in 02_06 to 02_08):

- tables: :func:`as_table` (a DataFrame or an array in the rows/columns of a reference table),
  :func:`check_feature_rows` / :func:`check_house_rows` (rows of a data set, index kept);
- standardization: :func:`judge_standardized` (training statistics, ddof 0 or 1, the same for
  every part; names the usual mistakes: all rows, a part's own rows, training + validation rows);
- splits: :func:`check_labels`, :func:`check_split_parts` (sizes, disjoint, every row, labels,
  shuffled), :func:`judge_split` (plus: ``split_seed`` reproduces the parts with the course's
  ``train_val_test_split`` or with two scikit-learn ``train_test_split`` calls) and
  :func:`judge_split_function` / :func:`split_function_probe` (a student's split function run
  again by the check: same seed, same rows; another seed, other rows).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..i18n import N_, _
from .core import WrongAnswer
from .export import Recorded, StudentCodeError, Unsupported, calls

#: Task 1 of exercise 02_06: a seeded 70 / 15 / 15 split given as values plus ``split_seed``
#: (judged by :func:`judge_split`). ``SPLIT_HINTS`` are two tiers; ``SPLIT_HINT`` is the first.
SPLIT_TITLE = "split 70 / 15 / 15 with a seed"
SPLIT_NAMES = ("X_train", "X_val", "X_test", "y_train", "y_val", "y_test", "split_seed")
SPLIT_HINTS = (
    "Split twice, as the slides do: first hold out the test rows, then split what is left into "
    "training and validation rows. Every fraction counts rows of the WHOLE data set, and the seed "
    "must go into every call that shuffles.",
    "With scikit-learn: the second train_test_split call's test_size is a fraction of the rows that "
    "are LEFT (15 % of all rows is 0.15 / 0.85 of the remaining 85 %); pass random_state=split_seed "
    "to both calls. With the course helper: train_val_test_split(X, y, val_size=0.15, "
    "test_size=0.15, seed=split_seed).",
)
SPLIT_HINT = SPLIT_HINTS[0]


@functools.lru_cache(maxsize=1)
def boston_cached() -> tuple[pd.DataFrame, pd.Series]:
    from course_utils.lesson.datasets import DATASET_INFO, load_dataset

    df = load_dataset("boston")
    target = DATASET_INFO["boston"].target
    return df.drop(columns=[target]).astype("float64"), df[target].astype("float64")


#: Relative and absolute tolerance for normalized tables: float32 arithmetic (Keras) passes,
#: the sample/population std mix-up (a factor sqrt(n/(n-1)), 0.17 % for 290 rows) does not.
RTOL = 1e-4
ATOL = 1e-6


@functools.lru_cache(maxsize=1)
def house_cached() -> tuple[pd.DataFrame, pd.Series]:
    from course_utils.lesson.datasets import DATASET_INFO, load_dataset

    df = load_dataset("house_price")
    target = DATASET_INFO["house_price"].target
    return df.drop(columns=[target]).astype("float64"), df[target].astype("float64")


def house_data() -> tuple[pd.DataFrame, pd.Series]:
    """The house-price features and target as loaded by ``load_dataset`` (copies; 02_04, 02_05)."""
    X, y = house_cached()
    return X.copy(), y.copy()


def _none(name: str) -> WrongAnswer:
    return WrongAnswer(_("`{name}` is None — did you forget to assign it (or to `return` it)?").format(name=name))


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, Unsupported) else type(value).__name__


# --------------------------------------------------------------------------- tables

def as_table(value: Any, like: pd.DataFrame, name: str) -> np.ndarray:
    """The student's table ``value`` as a float array in the row/column order of ``like``.

    A DataFrame must have ``like``'s columns (any order) and either ``like``'s rows (any order,
    matched by index) or a fresh 0, 1, 2, … index (then its rows are taken in ``like``'s order,
    as for a NumPy array: e.g. ``pd.DataFrame(scaler.transform(x), columns=x.columns)``). A
    NumPy array (or list) must have ``like``'s shape. Raises :class:`WrongAnswer` saying what
    does not fit (lessons 02_04 to 02_08).
    """
    if value is None:
        raise _none(name)
    if isinstance(value, pd.Series):
        raise WrongAnswer(_("`{name}` is a single column (a pandas Series); it should be a table with the "
                            "{k} columns of the input").format(name=name, k=like.shape[1]))
    if isinstance(value, pd.DataFrame):
        cols = list(value.columns)
        missing = [str(c) for c in like.columns if c not in cols]
        extra = [str(c) for c in cols if c not in like.columns]
        if missing or extra:
            parts = []
            if missing:
                parts.append(_("missing column(s) {columns}").format(columns=missing))
            if extra:
                parts.append(_("unexpected column(s) {columns}").format(columns=extra))
            raise WrongAnswer(_("`{name}` does not have the input's columns: {what}").format(
                name=name, what="; ".join(parts)))
        if len(value) != len(like):
            raise WrongAnswer(_("`{name}` has {n} rows, but the input has {m}: normalize every row, do not "
                                "drop or add rows").format(name=name, n=len(value), m=len(like)))
        if not value.index.equals(like.index):
            if value.index.has_duplicates is False and set(value.index) == set(like.index):
                value = value.loc[like.index]
            elif not value.index.equals(pd.RangeIndex(len(value))):
                raise WrongAnswer(_("`{name}` does not hold the same rows as its input (the row labels, the "
                                    "index, differ): compute it from the input table itself").format(name=name))
        try:
            array = value[list(like.columns)].to_numpy(dtype="float64")
        except (TypeError, ValueError):
            raise WrongAnswer(_("`{name}` should hold numbers, but some of its cells are not numbers").format(
                name=name)) from None
    else:
        if isinstance(value, (str, bytes, dict, set, Unsupported, Recorded)) or np.isscalar(value):
            raise WrongAnswer(_("`{name}` should be a table (DataFrame or 2-D array), yours is a {type}").format(
                name=name, type=_type_name(value)))
        try:
            array = np.asarray(value, dtype="float64")
        except (TypeError, ValueError):
            raise WrongAnswer(_("`{name}` should be a table of numbers, yours is a {type} that cannot be read "
                                "as numbers").format(name=name, type=_type_name(value))) from None
        if array.shape != like.shape:
            raise WrongAnswer(_("`{name}` should have shape {shape} (the input's shape), yours has {actual}").format(
                name=name, shape=like.shape, actual=array.shape))
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(_("`{name}` contains NaN or infinity: check for a division by zero or a missing "
                            "statistic").format(name=name))
    return array


def _close(a: np.ndarray, b: np.ndarray, atol: Any = ATOL) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=atol))


def check_feature_rows(value: Any, name: str, *, X_all: pd.DataFrame, target: str, data: str,
                       fix: str) -> pd.DataFrame:
    """Check that ``value`` is a part of ``X_all`` (rows kept with their file index, the
    target column ``target`` left out); return it as a float DataFrame. ``data`` names the
    data set in messages ("house data"); ``fix`` says how to remake the part, e.g.
    ``"run the split cell again"`` (lessons 02_04 to 02_07)."""
    if value is None:
        raise WrongAnswer(_("`{name}` is None: {fix}").format(name=name, fix=fix))
    if not isinstance(value, pd.DataFrame):
        raise WrongAnswer(_("`{name}` should be a DataFrame of {data} features (rows of the {data}), yours is "
                            "a {type}: {fix}").format(name=name, data=data, type=_type_name(value), fix=fix))
    cols = [str(c) for c in value.columns]
    if target in cols:
        raise WrongAnswer(_("`{name}` still holds the target column {target!r}: the features must not contain "
                            "the answer").format(name=name, target=target))
    if set(cols) != set(X_all.columns) or len(cols) != X_all.shape[1]:
        raise WrongAnswer(_("`{name}` should have the {k} feature columns of the {data} (and not the target): "
                            "{fix}").format(name=name, k=X_all.shape[1], data=data, fix=fix))
    if len(value) == 0:
        raise WrongAnswer(_("`{name}` has no rows: {fix}").format(name=name, fix=fix))
    if not value.index.isin(X_all.index).all() or value.index.has_duplicates:
        raise WrongAnswer(_("`{name}` does not keep the {data}'s row labels (index): split the DataFrame "
                            "without resetting its index ({fix})").format(name=name, data=data, fix=fix))
    try:
        values = value[list(X_all.columns)].to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(_("`{name}` holds cells that are not numbers: {fix}").format(name=name, fix=fix)) from None
    if not np.allclose(values, X_all.loc[value.index].to_numpy(), rtol=1e-9, atol=1e-9):
        if value.index.equals(pd.RangeIndex(len(value))):
            raise WrongAnswer(_("`{name}` does not keep the {data}'s row labels (its index was reset to 0, 1, "
                                "2, ...): split the DataFrame without resetting its index ({fix})").format(
                                    name=name, data=data, fix=fix))
        raise WrongAnswer(_("the values in `{name}` are not the {data}'s rows (were they normalized or changed "
                            "in place?): {fix}").format(name=name, data=data, fix=fix))
    return value[list(X_all.columns)].astype("float64")


def check_house_rows(value: Any, name: str, *, fix: str) -> pd.DataFrame:
    """:func:`check_feature_rows` for the house-price features (lessons 02_04, 02_05)."""
    X_all, y_all = house_cached()
    return check_feature_rows(value, name, X_all=X_all, target=str(y_all.name), data=_("house data"), fix=fix)


def as_stats_table(value: Any, features: list[str], name: str, *,
                   required: tuple[str, ...] = ("mean", "std", "min", "max")) -> pd.DataFrame:
    """A statistics table with one ROW per feature (the ``describe().transpose()`` layout).

    ``value`` may be a ``describe()`` table (one COLUMN per feature: it is transposed) or a
    ``describe().transpose()`` table; index and columns come back as text. Raises
    :class:`WrongAnswer` when it is not a DataFrame, has entries for other columns than
    ``features`` or lacks one, or lacks a statistic of ``required`` (lessons 02_04, 02_05).
    """
    if not isinstance(value, pd.DataFrame):
        raise WrongAnswer(_("`{name}` should be a DataFrame like `describe().transpose()`, yours is a {type}").format(
            name=name, type=_type_name(value)))
    rows, cols = [str(i) for i in value.index], [str(c) for c in value.columns]
    if set(features) & set(cols) and not set(features) & set(rows):
        value = value.transpose()             # the describe() layout: one COLUMN per feature
        rows, cols = cols, rows
    extra = [r for r in rows if r not in features]
    if extra:
        raise WrongAnswer(_("`{name}` has statistics of {extra}, which are not among the columns to normalize "
                            "{features}").format(name=name, extra=extra, features=features))
    missing = [f for f in features if f not in rows]
    if missing:
        raise WrongAnswer(_("`{name}` has no statistics for the column(s) {missing}").format(name=name, missing=missing))
    lacking = [s for s in required if s not in cols]
    if lacking:
        raise WrongAnswer(_("`{name}` lacks the statistic(s) {lacking}: use the table that describe() makes").format(
            name=name, lacking=lacking))
    value = value.copy()
    value.index, value.columns = rows, cols
    try:
        value = value.astype("float64")
    except (TypeError, ValueError):
        raise WrongAnswer(_("`{name}` holds cells that are not numbers").format(name=name)) from None
    return value


def judge_stats_table(value: Any, rows: pd.DataFrame, name: str, *, rows_name: str, fix: str) -> None:
    """Judge ``value``, the statistics table (``describe()`` or its transpose) of the table
    ``rows`` (called ``rows_name`` in messages): mean, std, min and max are required, count and the quartiles are checked when
    present. Names the usual mistakes: the statistics of other rows (``fix`` says which rows to
    use), of normalized rows, std with ddof=0. Raises :class:`WrongAnswer` (lessons 02_04, 02_05)."""
    features = [str(c) for c in rows.columns]
    got = as_stats_table(value, features, name)
    expected = rows.describe().transpose()
    expected.index = [str(i) for i in expected.index]
    checked = [c for c in expected.columns if c in got.columns]
    values = got.loc[features, checked].to_numpy(dtype="float64")
    if np.allclose(values, expected.loc[features, checked].to_numpy(), rtol=RTOL, atol=ATOL):
        return None
    if "count" in checked and not np.allclose(got.loc[features, "count"].to_numpy(), len(rows)):
        raise WrongAnswer(_("`{name}` counts {k} rows per column, but `{rows_name}` has {n}: {fix}").format(
            name=name, k=int(got.loc[features[0], "count"]), rows_name=rows_name, n=len(rows), fix=fix))
    means, stds = got.loc[features, "mean"].to_numpy(), got.loc[features, "std"].to_numpy()
    if np.allclose(means, 0.0, atol=1e-6) or np.allclose(got.loc[features, "min"].to_numpy(), 0.0, atol=1e-9) \
            and np.allclose(got.loc[features, "max"].to_numpy(), 1.0):
        raise WrongAnswer(_("`{name}` holds the statistics of already normalized rows: compute them from the raw "
                            "rows").format(name=name))
    if np.allclose(means, rows.mean().to_numpy(), rtol=1e-6) and len(rows) > 1 \
            and np.allclose(stds, rows.std(ddof=0).to_numpy(), rtol=1e-6):
        raise WrongAnswer(_("the `std` in `{name}` divides by n (ddof=0); describe() divides by n - 1 (ddof=1): use "
                            "the table describe() makes").format(name=name))
    raise WrongAnswer(_("`{name}` is not the describe() table of `{rows_name}`: {fix}").format(
        name=name, rows_name=rows_name, fix=fix))


# --------------------------------------------------------------------------- standardization

def _standardize(x: pd.DataFrame, mean: pd.Series, std: pd.Series) -> np.ndarray:
    return ((x - mean) / std).to_numpy(dtype="float64")


def _min_max(x: pd.DataFrame, lo: pd.Series, hi: pd.Series) -> np.ndarray:
    return ((x - lo) / (hi - lo)).to_numpy(dtype="float64")


def _float32_slack(raw: pd.DataFrame, std: pd.Series) -> np.ndarray:
    """Per-column tolerance for a standardization computed in float32 (a Keras layer): a few
    float32 roundings of the column's largest value, in units of its std (large for latitudes,
    24.98 ± 0.01; negligible for the other columns)."""
    eps = float(np.finfo(np.float32).eps)
    return 8 * eps * np.abs(raw).max().to_numpy(dtype="float64") / np.abs(std.to_numpy(dtype="float64")) + ATOL


def _ddof_used(got: np.ndarray, raw: pd.DataFrame, rows: pd.DataFrame) -> int | None:
    """0 or 1 when ``got`` is ``raw`` standardized with ``rows``' mean and std(ddof), else None."""
    if len(rows) < 2:
        return None
    for ddof in (1, 0):
        mean, std = rows.mean(), rows.std(ddof=ddof)
        if _close(got, _standardize(raw, mean, std), _float32_slack(raw, std)):
            return ddof
    return None


def judge_standardized(X_train: pd.DataFrame, parts: Mapping[str, tuple[pd.DataFrame, Any]],
                       all_rows: pd.DataFrame) -> None:
    """Judge standardized tables ``parts = {answer name: (raw part, answer)}``: each answer must
    be ``(raw - mean) / std`` with the mean and std of the training rows ``X_train``.

    The std may divide by n - 1 (ddof=1: pandas, ``describe()``, the slides) or by n (ddof=0:
    scikit-learn's ``StandardScaler``, Keras' ``Normalization`` layer), but every part must use
    the same one. Answers may be DataFrames or arrays (see :func:`as_table`). Raises
    :class:`WrongAnswer` naming the usual mistakes (statistics of all rows, of training plus
    validation rows, of the part's own rows, min-max, mixed std conventions) without giving the
    numbers; returns None when every part is right. Lessons 02_04 to 02_08.
    """
    used: tuple[str, int] | None = None          # (first part's name, its ddof)
    raw_parts = [raw for raw, _answer in parts.values()]
    for name, (raw, answer) in parts.items():
        got = as_table(answer, raw, name)
        ddof = _ddof_used(got, raw, X_train)
        if ddof is not None:
            if used is not None and used[1] != ddof:
                raise WrongAnswer(_(
                    "`{name}` divides by the std with ddof={ddof} but `{first}` by the one with ddof={other}: "
                    "standardize every part with the SAME statistics, those of the training rows").format(
                        name=name, ddof=ddof, first=used[0], other=used[1]))
            used = used or (name, ddof)
            continue
        if _ddof_used(got, raw, all_rows) is not None:
            raise WrongAnswer(_(
                "`{name}` was standardized with the statistics of ALL rows: the test and validation rows "
                "leak into them (데이터 누수 data leakage). Use the mean and std of the training rows only").format(
                    name=name))
        for other in raw_parts:
            if other is raw or other.index.equals(X_train.index):
                continue
            if _ddof_used(got, raw, pd.concat([X_train, other])) is not None:
                raise WrongAnswer(_(
                    "`{name}` was standardized with statistics of the training rows TOGETHER with other rows "
                    "(e.g. computed before the validation rows were split off): use the training rows "
                    "only").format(name=name))
        if len(raw) > 1 and _ddof_used(got, raw, raw) is not None:
            raise WrongAnswer(_(
                "`{name}` was standardized with its own rows' statistics; every part must use the SAME "
                "statistics, those of the training rows").format(name=name))
        if _close(got, _min_max(raw, X_train.min(), X_train.max())):
            raise WrongAnswer(_("`{name}` is min-max normalized; this task asks for standardization "
                                "(x - mean) / std").format(name=name))
        raise WrongAnswer(_(
            "`{name}` is not (x - mean) / std with the training rows' mean and std: check which table's "
            "statistics you used and the order of the operations").format(name=name))
    return None


# --------------------------------------------------------------------------- splits

#: Fractions of the whole data set asked for by the split tasks.
FRACTIONS = {"train": 0.70, "val": 0.15, "test": 0.15}

#: A part may differ from its exact fraction of the rows by this many rows, or by
#: :data:`SIZE_SLACK_FRACTION` of all rows if that is more (rounding, a rounded 0.15 / 0.85).
SIZE_SLACK = 2.0
SIZE_SLACK_FRACTION = 0.01


def size_slack(n: int) -> float:
    """How many rows a part of a split of ``n`` rows may be off its exact fraction."""
    return max(SIZE_SLACK, SIZE_SLACK_FRACTION * n)


_PART_KEYS = ("train", "val", "test")


def check_labels(y: Any, X: pd.DataFrame, name: str, x_name: str, *, y_all: pd.Series,
                 one: str = N_("price"), many: str = N_("prices"), column: str = N_("the price")) -> None:
    """Raise :class:`WrongAnswer` unless ``y`` holds ``y_all``'s labels of the rows of ``X``.

    ``y`` may be a Series (its index must be ``X``'s), a one-column DataFrame or an array in
    ``X``'s row order. ``one``/``many``/``column`` name the target in messages ("price",
    "prices", "the price" for the house data; "MEDV", "MEDV values", "MEDV" for Boston).
    Lessons 02_05, 02_06.
    """
    one, many, column = _(one), _(many), _(column)
    if y is None:
        raise _none(name)
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise WrongAnswer(_("`{name}` should hold one column, {column}; yours has {k}").format(
                name=name, column=column, k=y.shape[1]))
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        if len(y) != len(X) or not y.index.equals(X.index):
            raise WrongAnswer(_("`{name}` does not hold the labels of the rows in `{x_name}` (its row labels "
                                "differ): split X and y in the SAME call").format(name=name, x_name=x_name))
        values = y
    else:
        if isinstance(y, (str, bytes, dict, Unsupported, Recorded)) or np.ndim(y) == 0:
            raise WrongAnswer(_("`{name}` should hold one {one} per row of `{x_name}` ({n}), yours is a "
                                "{type}").format(name=name, one=one, x_name=x_name, n=len(X), type=_type_name(y)))
        try:
            values = np.asarray(y, dtype="float64").reshape(-1)
        except (TypeError, ValueError):
            raise WrongAnswer(_("`{name}` should be the {many} (a Series), yours is a {type}").format(
                name=name, many=many, type=_type_name(y))) from None
        if values.shape[0] != len(X):
            raise WrongAnswer(_("`{name}` should hold one {one} per row of `{x_name}` ({n}), yours holds "
                                "{m}").format(name=name, one=one, x_name=x_name, n=len(X), m=values.shape[0]))
    try:
        values = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(_("`{name}` should hold numbers (the {many})").format(name=name, many=many)) from None
    if not np.allclose(values, y_all.loc[X.index].to_numpy(), rtol=1e-9, atol=1e-9):
        raise WrongAnswer(_("`{name}` is not the {many} of the rows in `{x_name}`: split X and y together, in "
                            "the same call").format(name=name, many=many, x_name=x_name))


def _contiguous(part: pd.DataFrame, X_all: pd.DataFrame) -> bool:
    """True when ``part`` is a block of consecutive file rows (what ``shuffle=False`` gives)."""
    positions = np.sort(X_all.index.get_indexer(part.index))
    return len(positions) > 1 and bool(np.all(np.diff(positions) == 1))


def check_split_parts(X_parts: tuple, y_parts: tuple, *, X_all: pd.DataFrame, y_all: pd.Series,
                      check_rows: Callable[[Any, str], pd.DataFrame], label_words: Mapping[str, str],
                      ordered_message: str | None = None, names: tuple[str, ...] | None = None,
                      ) -> dict[str, pd.DataFrame]:
    """Check a 70 / 15 / 15 split ``(X_train, X_val, X_test)``, ``(y_train, y_val, y_test)`` and
    return ``{"train": …, "val": …, "test": …}`` (the X parts as float DataFrames).

    Checks each X part with ``check_rows(value, name)``, each y part with :func:`check_labels`
    (``label_words``), the sizes (:data:`FRACTIONS` ± :func:`size_slack` rows), that the parts
    are disjoint and together hold every row, and, when ``ordered_message`` is given, that no
    part is a block of consecutive file rows (an unshuffled split; the message says why that is
    wrong for this data). ``names`` are the six names used in messages (default ``X_train``, …,
    ``y_test``). Raises :class:`WrongAnswer`. Lessons 02_05 to 02_07.
    """
    names = names or ("X_train", "X_val", "X_test", "y_train", "y_val", "y_test")
    n = len(X_all)
    parts = {key: check_rows(value, name) for key, value, name in zip(_PART_KEYS, X_parts, names[:3])}
    for key, value, name, x_name in zip(_PART_KEYS, y_parts, names[3:], names[:3]):
        check_labels(value, parts[key], name, x_name, y_all=y_all, **label_words)
    for key, name in sorted(zip(_PART_KEYS, names[:3]), key=lambda kn: FRACTIONS[kn[0]]):  # small parts first
        exact = FRACTIONS[key] * n
        if abs(len(parts[key]) - exact) > size_slack(n):
            raise WrongAnswer(_(
                "`{name}` has {k} of the {n} rows; a {percent:.0%} part has about {exact:.0f}. Every fraction "
                "counts rows of the WHOLE data set (in a second train_test_split call, test_size is a fraction "
                "of the rows that are left, not of all rows)").format(
                    name=name, k=len(parts[key]), n=n, percent=FRACTIONS[key], exact=exact))
    seen = [set(p.index) for p in parts.values()]
    if seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2]:
        raise WrongAnswer(_("some rows sit in two parts at once: train, validation and test must not share rows"))
    if set().union(*seen) != set(X_all.index):
        raise WrongAnswer(_("some rows of the data are in no part: together the three parts must hold every row"))
    if ordered_message is not None and any(_contiguous(p, X_all) for p in parts.values()):
        raise WrongAnswer(ordered_message)
    return parts


def _index_split(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``train_test_split(np.arange(n), test_size=k, random_state=seed)``: (kept, held out)."""
    from sklearn.model_selection import train_test_split

    kept, held = train_test_split(np.arange(n), test_size=k, random_state=seed)
    return kept, held


def _reproductions(n: int, sizes: Mapping[str, int], seed: int) -> list[dict[str, set]]:
    """Row positions of the three parts as the course helper and the usual pairs of
    ``train_test_split`` calls (``random_state=seed`` in both) make them, for parts of ``sizes``."""
    from course_utils.lesson.split import train_val_test_split

    out = []
    ref = train_val_test_split(np.arange(n), val_size=FRACTIONS["val"], test_size=FRACTIONS["test"], seed=seed)
    out.append({"train": set(ref.X_train), "val": set(ref.X_val), "test": set(ref.X_test)})
    for first, second in (("test", "val"), ("val", "test")):         # hold out one part, then the other
        rest, held = _index_split(n, sizes[first], seed)
        keep, held2 = _index_split(len(rest), sizes[second], seed)
        out.append({first: set(held), second: set(rest[held2]), "train": set(rest[keep])})
    rest, block = _index_split(n, sizes["val"] + sizes["test"], seed)  # hold out 30 %, then halve it
    for first in ("val", "test"):
        other = "test" if first == "val" else "val"
        keep, held2 = _index_split(len(block), sizes[other], seed)
        out.append({"train": set(rest), first: set(block[keep]), other: set(block[held2])})
    return out


def _whole_number(value: Any, name: str) -> int:
    if value is None:
        raise WrongAnswer(_("`{name}` is None — set it to the whole number you pass as the seed").format(name=name))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise WrongAnswer(_("`{name}` should be a whole number >= 0 (the seed of your split), yours is a "
                            "{type}").format(name=name, type=_type_name(value)))
    if value < 0:
        raise WrongAnswer(_("`{name}` should be a whole number >= 0 (the seed of your split), yours is "
                            "negative").format(name=name))
    return int(value)


def judge_split(X_parts: tuple, y_parts: tuple, split_seed: Any, *, X_all: pd.DataFrame,
                y_all: pd.Series, check_rows: Callable[[Any, str], pd.DataFrame],
                label_words: Mapping[str, str], ordered_message: str | None) -> None:
    """Judge a seeded 70 / 15 / 15 split given as values plus the ``split_seed`` that made it.

    :func:`check_split_parts` first (with ``ordered_message=None`` an unshuffled split in file
    order is accepted as it is: it needs no seed). Then ``split_seed`` must reproduce the parts
    with the course's ``train_val_test_split(X, y, val_size=0.15, test_size=0.15,
    seed=split_seed)`` or with two scikit-learn ``train_test_split`` calls that both get
    ``random_state=split_seed`` (test rows first, validation rows first, or 30 % held out and
    then halved; any fractions that give the student's part sizes). Raises
    :class:`WrongAnswer`. Lessons 02_05 to 02_07.
    """
    seed = _whole_number(split_seed, "split_seed")
    parts = check_split_parts(X_parts, y_parts, X_all=X_all, y_all=y_all, check_rows=check_rows,
                              label_words=label_words, ordered_message=ordered_message)
    n = len(X_all)
    positions = {key: set(X_all.index.get_indexer(part.index).tolist()) for key, part in parts.items()}
    if ordered_message is None and all(_contiguous(p, X_all) for p in parts.values()):
        return None
    sizes = {key: len(part) for key, part in parts.items()}
    if any(positions == made for made in _reproductions(n, sizes, seed)):
        return None
    raise WrongAnswer(_(
        "`split_seed` does not reproduce your split: pass it to every call that shuffles (random_state= of "
        "both train_test_split calls, or seed= of train_val_test_split), so that running the notebook again "
        "gives the same rows"))


# --------------------------------------------------------------------------- a split function

#: Seeds the checks try on a student's split function besides the student's own ``split_seed``.
PROBE_SEEDS = (1, 2)


def split_function_probe(data: Callable[[], tuple[pd.DataFrame, pd.Series]], seed_name: str = "split_seed"):
    """A probe for a split function ``f(X, y, seed)``: records it on the data set ``data()`` with
    the student's seed (``namespace[seed_name]``, when it is a whole number) and with one of
    :data:`PROBE_SEEDS` that differs from it. The judge calls the recorded function with the
    same arguments (see :func:`judge_split_function`). Lesson 02_05."""

    def probe(value: Any, namespace: Mapping[str, Any]) -> Any:
        X, y = data()
        return calls(lambda: [(X, y, s) for s in _probe_seeds(namespace.get(seed_name))])(value, namespace)

    probe.records_calls = True  # type: ignore[attr-defined]
    return probe


def _probe_seeds(seed: Any) -> list[int]:
    own = int(seed) if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)) \
        and seed >= 0 else None
    other = next(s for s in PROBE_SEEDS if s != own)
    return ([own] if own is not None else []) + [other]


def _six_parts(result: Any, call: str) -> tuple[tuple, tuple]:
    if isinstance(result, dict) or not isinstance(result, (tuple, list)) or len(result) != 6:
        what = _("{k} values").format(k=len(result)) if isinstance(result, (tuple, list)) else _type_name(result)
        raise WrongAnswer(_("`{call}` should return six parts, X_train, X_val, X_test, y_train, y_val, y_test "
                            "(in this order); it returned {what}").format(call=call, what=what))
    X_parts, y_parts = tuple(result[:3]), tuple(result[3:])
    if any(isinstance(p, pd.Series) for p in X_parts) or any(isinstance(p, pd.DataFrame) and p.shape[1] > 1
                                                             for p in y_parts):
        raise WrongAnswer(_("`{call}` returns its six parts in another order: return X_train, X_val, X_test, "
                            "y_train, y_val, y_test (train_test_split itself returns X_train, X_test, "
                            "y_train, y_test)").format(call=call))
    return X_parts, y_parts


def judge_split_function(split_fn: Any, split_seed: Any, X_parts: tuple, y_parts: tuple, *,
                         X_all: pd.DataFrame, y_all: pd.Series,
                         check_rows: Callable[[Any, str], pd.DataFrame], label_words: Mapping[str, str],
                         ordered_message: str, name: str = "split_data") -> None:
    """Judge a split function ``split_fn(X, y, seed)`` (recorded by :func:`split_function_probe`)
    and the six parts the student made with it and ``split_seed``. It checks behaviour, not a
    recipe: the parts are a valid shuffled 70 / 15 / 15 split (:func:`check_split_parts`);
    ``split_fn`` run again with ``split_seed`` gives the same rows (reproducible), and with
    another seed a valid split whose three parts all differ (the seed decides the shuffle). Any
    way of splitting passes: two ``train_test_split`` calls, the course helper, NumPy. Raises
    :class:`WrongAnswer`. Lesson 02_05."""
    if not isinstance(split_fn, Recorded):
        raise WrongAnswer(_("`{name}` should be a function `def {name}(X, y, seed): ...`, yours is a {type}").format(
            name=name, type=_type_name(split_fn)))
    seed = _whole_number(split_seed, "split_seed")
    kwargs = dict(X_all=X_all, y_all=y_all, label_words=label_words, ordered_message=ordered_message)

    def returned(s: int) -> tuple[str, tuple, tuple]:
        call = f"{name}(X, y, {s})"
        try:
            result = split_fn(X_all, y_all, s)
        except StudentCodeError as exc:
            raise WrongAnswer(_("`{call}` raised {type}: {message}").format(
                call=call, type=exc.type_name, message=exc.message or "-")) from None
        return (call, *_six_parts(result, call))

    def run(call: str, X_p: tuple, y_p: tuple) -> dict[str, pd.DataFrame]:
        names = tuple(f"{call}[{i}]" for i in range(6))
        return check_split_parts(X_p, y_p, check_rows=check_rows, names=names, **kwargs)

    first = returned(seed)                      # its six parts, in the right order
    mine = check_split_parts(X_parts, y_parts, check_rows=check_rows, **kwargs)
    again = run(*first)
    if any(set(mine[k].index) != set(again[k].index) for k in _PART_KEYS):
        raise WrongAnswer(_(
            "`{name}(X, y, split_seed)` run again by the check gives other rows than your X_train, X_val, "
            "X_test: the split is not reproducible. Pass `seed` to every call that shuffles (random_state=…), "
            "and make the parts with `{name}(X, y, split_seed)`").format(name=name))
    other_seed = _probe_seeds(seed)[-1]
    other = run(*returned(other_seed))
    same = [k for k in _PART_KEYS if set(other[k].index) == set(again[k].index)]
    if len(same) == 3:
        raise WrongAnswer(_(
            "`{name}` gives the same rows for every seed: it does not use its `seed` argument (a fixed "
            "random_state, or none at all?)").format(name=name))
    if same:
        raise WrongAnswer(_(
            "with another seed `{name}` changes some parts but not the {parts} rows: one of its steps does not "
            "shuffle with the seed (pass random_state=seed to every train_test_split call)").format(
                name=name, parts=_(" and ").join({"train": _("training"), "val": _("validation"),
                                                  "test": _("test")}[k] for k in same)))
    return None


#: A history must have at least this many epochs to show a learning curve (02_06, 02_07).
MIN_EPOCHS = 10

#: The Boston column exercises 02_06 and 02_07 leave out: it encodes the share of Black
#: residents of a town (see datasets/README.md).
BOSTON_LEFT_OUT = "B"

#: A part of a split may differ from the size scikit-learn gives it by this many rows.
BOSTON_SIZE_SLACK = 2


def boston_data() -> tuple[pd.DataFrame, pd.Series]:
    """The Boston features and target ``MEDV`` as loaded by ``load_dataset`` (copies; 02_03)."""
    X, y = boston_cached()
    return X.copy(), y.copy()


@functools.lru_cache(maxsize=1)
def boston_exercise_cached() -> tuple[pd.DataFrame, pd.Series]:
    """The Boston features without ``B`` (12 columns) and ``MEDV``, as exercises 02_06 and
    02_07 define ``X`` and ``y``. Cached: do not modify."""
    X, y = boston_cached()
    return X.drop(columns=[BOSTON_LEFT_OUT]), y


def boston_exercise_data() -> tuple[pd.DataFrame, pd.Series]:
    """Copies of :func:`boston_exercise_cached` (tests of exercises 02_06, 02_07)."""
    X, y = boston_exercise_cached()
    return X.copy(), y.copy()


@functools.lru_cache(maxsize=1)
def _boston_row_lookup() -> dict[bytes, int]:
    X = boston_exercise_cached()[0]
    return {_row_key(row): label for row, label in zip(X.to_numpy("float64"), X.index)}


def _row_key(row: np.ndarray) -> bytes:
    return np.asarray(row, dtype="float32").tobytes()


def boston_rows(value: Any, name: str) -> np.ndarray:
    """The row labels (in the student's order) of a part of the Boston features without ``B``.

    A DataFrame with the 12 feature columns (any order) or a 2-D array of 12 columns; its rows
    are found by their values, so a reset index or ``X.to_numpy()`` is fine. Raises
    :class:`WrongAnswer` saying what does not fit (exercises 02_06, 02_07)."""
    X_all, y_all = boston_exercise_cached()
    columns = list(X_all.columns)
    if isinstance(value, pd.Series):
        raise WrongAnswer(_("`{name}` is a single column (a Series); it should be a table of rows of `X`").format(
            name=name))
    if isinstance(value, pd.DataFrame):
        names = [str(c) for c in value.columns]
        if str(y_all.name) in names:
            raise WrongAnswer(_("`{name}` still holds the target column {target}: the features must not contain "
                                "the answer").format(name=name, target=y_all.name))
        if BOSTON_LEFT_OUT in names:
            raise WrongAnswer(_("`{name}` holds the column {column}, which this exercise leaves out: split the `X` "
                                "defined at the top of the notebook").format(name=name, column=BOSTON_LEFT_OUT))
        if sorted(names) != sorted(columns):
            raise WrongAnswer(_("`{name}` should have the {n} feature columns of `X`, yours has {columns}").format(
                name=name, n=len(columns), columns=names))
        value = value[columns]
    if isinstance(value, (str, bytes, dict, set)) or np.isscalar(value):
        raise WrongAnswer(_("`{name}` should be a table of rows of `X` (a DataFrame or 2-D array), yours is a "
                            "{type}").format(name=name, type=type(value).__name__))
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(_("`{name}` should be a table of numbers (rows of `X`), yours is a {type} that cannot be "
                            "read as numbers").format(name=name, type=type(value).__name__)) from None
    if array.ndim != 2 or array.shape[1] != len(columns):
        raise WrongAnswer(_("`{name}` should have {n} columns (the features of `X`), yours has shape {shape}").format(
            name=name, n=len(columns), shape=array.shape))
    if len(array) == 0:
        raise WrongAnswer(_("`{name}` has no rows").format(name=name))
    lookup = _boston_row_lookup()
    labels = [lookup.get(_row_key(row)) for row in array]
    if any(label is None for label in labels):
        raise WrongAnswer(_("some rows of `{name}` are not rows of `X` (were they normalized or changed?): keep "
                            "the raw rows that the split returns").format(name=name))
    if len(set(labels)) != len(labels):
        raise WrongAnswer(_("`{name}` holds some rows twice").format(name=name))
    return np.array(labels)


def boston_labels(y: Any, rows: np.ndarray, name: str, x_name: str) -> np.ndarray:
    """``y`` as an array after checking that it holds MEDV of ``rows`` in the same order
    (a Series, a one-column DataFrame, an array or a list). Exercises 02_06, 02_07."""
    y_all = boston_exercise_cached()[1]
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise WrongAnswer(_("`{name}` should hold one column, MEDV; yours has {n}").format(name=name, n=y.shape[1]))
        y = y.iloc[:, 0]
    if isinstance(y, (str, bytes, dict, set)) or np.ndim(y) == 0:
        raise WrongAnswer(_("`{name}` should hold one MEDV per row of `{x_name}` ({n}), yours is a {type}").format(
            name=name, x_name=x_name, n=len(rows), type=type(y).__name__))
    try:
        values = np.asarray(y, dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise WrongAnswer(_("`{name}` should hold numbers (the MEDV values)").format(name=name)) from None
    if len(values) != len(rows):
        raise WrongAnswer(_("`{name}` should hold one MEDV per row of `{x_name}` ({n}), yours holds {m}").format(
            name=name, x_name=x_name, n=len(rows), m=len(values)))
    if not np.allclose(values, y_all.loc[rows].to_numpy(), rtol=1e-6, atol=1e-6):
        raise WrongAnswer(_("`{name}` is not the MEDV of the rows in `{x_name}`, in their order: split X and y "
                            "together, in the same call").format(name=name, x_name=x_name))
    return values


def _sklearn_parts(n: int, test_size: float, val_size: float, seed: int, shuffle: bool = True) -> list[set]:
    from sklearn.model_selection import train_test_split

    options = {"random_state": seed} if shuffle else {"shuffle": False}
    rest, test = train_test_split(np.arange(n), test_size=test_size, **options)
    train, val = train_test_split(rest, test_size=val_size, **options)
    return [set(train.tolist()), set(val.tolist()), set(test.tolist())]


def _course_parts(X: pd.DataFrame, y: pd.Series, test_size: float, val_size: float, seed: int) -> list[set]:
    from course_utils.lesson.split import train_val_test_split

    s = train_val_test_split(X, y, test_size=test_size, val_size=(1 - test_size) * val_size, seed=seed)
    return [set(part.index.tolist()) for part in (s.X_train, s.X_val, s.X_test)]


def boston_split_sizes(test_size: float, val_size: float) -> tuple[int, int, int]:
    """Rows of (train, validation, test) that ``train_test_split`` twice gives the Boston data."""
    n = len(boston_exercise_cached()[0])
    n_test = int(np.ceil(test_size * n))
    n_val = int(np.ceil(val_size * (n - n_test)))
    return n - n_test - n_val, n_val, n_test


def judge_boston_split(X_parts: tuple, y_parts: tuple, split_seed: Any, *, test_size: float,
                       val_size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Judge a shuffled, seeded split of the Boston features without ``B`` into
    ``(X_train, X_val, X_test)`` and ``(y_train, y_val, y_test)``: the slides' two calls
    ``train_test_split(X, y, test_size=test_size, random_state=split_seed)`` and
    ``train_test_split(X_train1, y_train1, test_size=val_size, random_state=split_seed)``
    (or the course's ``train_val_test_split`` with the same fractions and ``seed=split_seed``).
    Returns the row labels of the three parts; raises :class:`WrongAnswer` (02_06, 02_07)."""
    X_all, y_all = boston_exercise_cached()
    n = len(X_all)
    if isinstance(split_seed, (bool, np.bool_)) or not isinstance(split_seed, (int, np.integer)) or split_seed < 0:
        raise WrongAnswer(_("`split_seed` should be a whole number >= 0 (the random_state of your split), yours is "
                            "{value!r}").format(value=split_seed))
    keys = ("train", "val", "test")
    rows = [boston_rows(value, "X_" + key) for key, value in zip(keys, X_parts)]
    for key, part, y in zip(keys, rows, y_parts):
        boston_labels(y, part, "y_" + key, "X_" + key)
    for key, part, size in zip(keys, rows, boston_split_sizes(test_size, val_size)):
        if abs(len(part) - size) > BOSTON_SIZE_SLACK:
            raise WrongAnswer(_("`X_{key}` has {n} of the {total} rows, about {size} were expected: check test_size in "
                                "both train_test_split calls (the second one splits the rest)").format(
                                    key=key, n=len(part), total=n, size=size))
    seen = [set(part.tolist()) for part in rows]
    if seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2]:
        raise WrongAnswer(_("some rows sit in two parts at once: training, validation and test rows must not "
                            "overlap"))
    if set().union(*seen) != set(X_all.index):
        raise WrongAnswer(_("some rows of `X` are in no part: together the three parts must hold every row"))
    seed = int(split_seed)
    if seen == _sklearn_parts(n, test_size, val_size, seed) or seen == _course_parts(X_all, y_all, test_size,
                                                                                    val_size, seed):
        return tuple(rows)
    if seen == _sklearn_parts(n, test_size, val_size, seed, shuffle=False):
        raise WrongAnswer(_("your parts keep the file order (shuffle=False), but the Boston file is ordered by town: "
                            "shuffle with a fixed random_state"))
    raise WrongAnswer(_("`split_seed` does not reproduce your split: pass random_state=split_seed to BOTH "
                        "train_test_split calls, so that running the notebook again gives the same rows"))


def history_dict(history: Any, name: str = "history") -> dict[str, np.ndarray]:
    """``loss`` and ``val_loss`` of a Keras History (exported as ``HistoryRecord``) or of its
    ``.history`` dict, as float arrays of equal length >= :data:`MIN_EPOCHS`; raises
    :class:`WrongAnswer` saying what is wrong (exercises 02_06, 02_07)."""
    data = getattr(history, "history", history)
    if not isinstance(data, dict):
        raise WrongAnswer(_("`{name}` should be what model.fit returns (a History, or its `.history` dict), yours "
                            "is a {type}").format(name=name, type=type(history).__name__))
    if "loss" not in data:
        raise WrongAnswer(_("`{name}` has no 'loss': keep what training returns, `{name} = model.fit(...)`").format(
            name=name))
    if "val_loss" not in data:
        raise WrongAnswer(_("`{name}` has no 'val_loss': train with validation_data=(..., y_val) so that Keras "
                            "measures the validation loss after every epoch").format(name=name))
    out = {}
    for key in ("loss", "val_loss"):
        try:
            values = np.asarray(data[key], dtype="float64").reshape(-1)
        except (TypeError, ValueError):
            raise WrongAnswer(_("`{name}`['{key}'] should be a list of numbers, one per epoch").format(
                name=name, key=key)) from None
        if not np.all(np.isfinite(values)):
            raise WrongAnswer(_("`{name}`['{key}'] contains NaN or infinity: training diverged (use a smaller "
                                "learning rate)").format(name=name, key=key))
        out[key] = values
    if len(out["loss"]) != len(out["val_loss"]):
        raise WrongAnswer(_("`{name}` has {n} training losses but {m} validation losses: keep one training run's "
                            "History").format(name=name, n=len(out["loss"]), m=len(out["val_loss"])))
    if len(out["loss"]) < MIN_EPOCHS:
        raise WrongAnswer(_("`{name}` holds only {n} epoch(s): train for at least {min} epochs to see how the two "
                            "losses develop").format(name=name, n=len(out["loss"]), min=MIN_EPOCHS))
    return out
