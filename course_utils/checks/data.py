"""The course data the judges rebuild, and judge helpers shared by several exercises.

Exercise modules import from here, never from each other. Loaders return the data exactly as
``load_dataset`` does (``house_cached``/``boston_cached`` are cached: do not modify them;
``house_data``/``boston_data`` return copies). The judge helpers raise or return student-facing
messages as documented on each.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..i18n import _
from .core import WrongAnswer

#: Task 1 of exercises 02_05 and 02_06: the seeded 70 / 15 / 15 split.
SPLIT_TITLE = "split 70 / 15 / 15 with a seed"
SPLIT_NAMES = ("X_train", "X_val", "X_test", "y_train", "y_val", "y_test", "split_seed")
SPLIT_HINT = ("Set split_seed to a whole number, then: X_train, X_val, X_test, y_train, y_val, y_test = "
              "train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=split_seed).")


@functools.lru_cache(maxsize=1)
def boston_cached() -> tuple[pd.DataFrame, pd.Series]:
    from course_utils.lesson.datasets import DATASET_INFO, load_dataset

    df = load_dataset("boston")
    target = DATASET_INFO["boston"].target
    return df.drop(columns=[target]).astype("float64"), df[target].astype("float64")


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
    X_all, y_all = house_cached()
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


#: Fractions of the whole data set asked for by task 1.
FRACTIONS = {"train": 0.70, "val": 0.15, "test": 0.15}


#: A part may differ from its exact fraction of the rows by this many rows (rounding, ±1).
SIZE_SLACK = 2.0


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
