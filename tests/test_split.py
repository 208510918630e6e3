"""course_utils.lesson.split (lesson 02_05): sizes, ordered and shuffled splits, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from course_utils.lesson.datasets import load_dataset
from course_utils.errors import SplitError
from course_utils.lesson.split import Split, split_sizes, train_val_test_split


def _ids(part) -> list:
    return list(part.index) if isinstance(part, (pd.DataFrame, pd.Series)) else list(part[:, 0])


def test_split_is_a_named_tuple(house_xy):
    X, y = house_xy
    parts = train_val_test_split(X, y)
    assert isinstance(parts, Split) and len(parts) == 6
    assert Split._fields == ("X_train", "X_val", "X_test", "y_train", "y_val", "y_test")
    X_train, X_val, X_test, y_train, y_val, y_test = parts
    assert X_train is parts.X_train and y_test is parts.y_test


@pytest.mark.parametrize("n, val, test, expected", [
    (414, 0.15, 0.15, (288, 63, 63)),
    (100, 0.15, 0.15, (70, 15, 15)),            # 0.15 * 100 is 15, not 16
    (10, 0.2, 0.2, (6, 2, 2)),
    (10, 0.15, 0.15, (6, 2, 2)),                # ceil, like train_test_split
    (3, 0.2, 0.2, (1, 1, 1)),
])
def test_split_sizes(n, val, test, expected):
    assert split_sizes(n, val_size=val, test_size=test) == expected
    X = np.arange(n).reshape(-1, 1)
    parts = train_val_test_split(X, val_size=val, test_size=test)
    assert (len(parts.X_train), len(parts.X_val), len(parts.X_test)) == expected


@pytest.mark.parametrize("shuffle", [True, False])
def test_parts_are_disjoint_and_cover_every_row(house_xy, shuffle):
    X, y = house_xy
    parts = train_val_test_split(X, y, seed=3, shuffle=shuffle)
    ids = [_ids(p) for p in parts[:3]]
    together = ids[0] + ids[1] + ids[2]
    assert len(together) == len(set(together)) == len(X)
    assert set(together) == set(X.index)
    for xs, ys in zip(parts[:3], parts[3:]):
        assert xs.index.equals(ys.index)                       # labels stay with their rows
        pd.testing.assert_series_equal(ys, y.loc[xs.index])
        pd.testing.assert_frame_equal(xs, X.loc[xs.index])


def test_ordered_split_keeps_file_order(house_xy):
    X, y = house_xy
    parts = train_val_test_split(X, y, shuffle=False)
    assert list(parts.X_train.index) == list(range(0, 288))
    assert list(parts.X_val.index) == list(range(288, 351))
    assert list(parts.X_test.index) == list(range(351, 414))
    pd.testing.assert_frame_equal(parts.X_train, X.iloc[:288])


def test_ordered_split_equals_the_slides_two_calls(house_xy):
    """The slides: test_size=0.3, then 0.2 of the rest, both shuffle=False."""
    X, y = house_xy
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.3, shuffle=False)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.2, shuffle=False)
    ours = train_val_test_split(X, y, test_size=0.3, val_size=0.7 * 0.2, shuffle=False)
    for mine, theirs in zip(ours, (X_train, X_val, X_test, y_train, y_val, y_test)):
        pd.testing.assert_index_equal(mine.index, theirs.index)


def test_ordered_split_of_test_csv_like_the_slides():
    df = load_dataset("test")
    y = df.pop("D")
    parts = train_val_test_split(df, y, test_size=0.2, val_size=0.8 * 0.2, shuffle=False)
    assert parts.X_train["A"].tolist() == [1, 2, 3, 4, 5, 6]
    assert parts.X_val["A"].tolist() == [7, 8]
    assert parts.X_test["A"].tolist() == [9, 10]


def test_shuffle_is_deterministic_for_a_seed(house_xy):
    X, y = house_xy
    a = train_val_test_split(X, y, seed=7)
    b = train_val_test_split(X, y, seed=7)
    c = train_val_test_split(X, y, seed=8)
    for p, q in zip(a, b):
        assert p.index.equals(q.index)
    assert not a.X_train.index.equals(c.X_train.index)
    default = train_val_test_split(X, y)
    zero = train_val_test_split(X, y, seed=0)
    assert default.X_test.index.equals(zero.X_test.index)
    assert not a.X_train.index.is_monotonic_increasing               # really shuffled


def test_numpy_arrays_and_lists(house_xy):
    X, y = house_xy
    Xa, ya = X.to_numpy(), y.to_numpy()
    parts = train_val_test_split(Xa, ya, seed=1)
    assert all(isinstance(p, np.ndarray) for p in parts)
    ref = train_val_test_split(X, y, seed=1)
    for arr, frame in zip(parts, ref):
        np.testing.assert_array_equal(arr, frame.to_numpy())
    lists = train_val_test_split(Xa.tolist(), list(ya), seed=1)
    np.testing.assert_array_equal(lists.X_test, parts.X_test)
    np.testing.assert_array_equal(lists.y_val, parts.y_val)


def test_without_y_and_with_two_dimensional_y(house_xy):
    X, y = house_xy
    parts = train_val_test_split(X)
    assert parts.y_train is None and parts.y_val is None and parts.y_test is None
    Y = pd.concat([y, y * 2], axis=1)
    parts = train_val_test_split(X, Y, seed=2)
    assert parts.y_train.shape == (288, 2) and parts.y_train.index.equals(parts.X_train.index)


def test_custom_index_is_kept():
    X = pd.DataFrame({"a": range(20)}, index=[f"sale{i}" for i in range(20)])
    y = pd.Series(range(20), index=X.index)
    parts = train_val_test_split(X, y, shuffle=False, val_size=0.25, test_size=0.25)
    assert list(parts.X_test.index) == [f"sale{i}" for i in range(15, 20)]
    assert parts.y_val.index.equals(parts.X_val.index)


# --------------------------------------------------------------------------- clear errors

@pytest.mark.parametrize("kwargs, expected", [
    ({"val_size": 0}, r"val_size=0 is outside \(0, 1\)"),
    ({"test_size": 1.0}, r"test_size=1 is outside \(0, 1\)"),
    ({"test_size": -0.1}, r"test_size=-0.1 is outside"),
    ({"val_size": 15}, r"val_size=15 is outside .*not a count"),
    ({"val_size": float("nan")}, "val_size must be a fraction"),
    ({"test_size": "0.2"}, "test_size must be a fraction.*'0.2'"),
    ({"test_size": True}, "test_size must be a fraction"),
    ({"val_size": 0.5, "test_size": 0.5}, r"0.5 \+ 0.5 = 1 leaves no training rows"),
    ({"val_size": 0.6, "test_size": 0.7}, r"0.6 \+ 0.7 = 1.3"),
])
def test_bad_fractions(house_xy, kwargs, expected):
    X, y = house_xy
    with pytest.raises(SplitError, match=expected):
        train_val_test_split(X, y, **kwargs)


def test_too_few_rows():
    with pytest.raises(SplitError) as err:
        train_val_test_split(np.arange(2).reshape(-1, 1), val_size=0.2, test_size=0.2)
    msg = str(err.value)
    assert "2 rows are too few" in msg and "validation would get 1 row(s) and test 1" in msg
    assert "leaving 0 for training" in msg and "at least one row" in msg
    with pytest.raises(SplitError, match="0 rows are too few"):
        train_val_test_split(np.empty((0, 3)))


def test_length_mismatch(house_xy):
    X, y = house_xy
    with pytest.raises(SplitError, match=r"X has 414 rows but y has 413.*df.pop"):
        train_val_test_split(X, y.iloc[:-1])


@pytest.mark.parametrize("kwargs, expected", [
    ({"shuffle": "no"}, "shuffle must be True or False"),
    ({"seed": -1}, "seed must be a whole number"),
    ({"seed": 1.5}, "seed must be a whole number"),
])
def test_bad_options(house_xy, kwargs, expected):
    X, y = house_xy
    with pytest.raises(SplitError, match=expected):
        train_val_test_split(X, y, **kwargs)


@pytest.mark.parametrize("X, expected", [(None, "not NoneType"), ("abc", "not str"), (5, "single value")])
def test_bad_X(X, expected):
    with pytest.raises(SplitError, match=expected):
        train_val_test_split(X)


# --------------------------------------------------------------------------- rows are paired by label

def test_y_in_another_row_order_is_refused_not_split_by_position(house_xy):
    X, y = house_xy
    shuffled_y = y.sample(frac=1.0, random_state=0)          # same labels, another order
    with pytest.raises(SplitError) as err:
        train_val_test_split(X, shuffled_y, seed=0)
    msg = str(err.value)
    assert "same row labels in a different order" in msg and "y = y.loc[X.index]" in msg
    assert f"X has row {X.index[0]}, y has row {shuffled_y.index[0]}" in msg
    # the fix the message gives pairs every row with its own price again
    parts = train_val_test_split(X, shuffled_y.loc[X.index], seed=0)
    assert parts.y_test.equals(y.loc[parts.X_test.index])


def test_y_with_other_row_labels_is_refused(house_xy):
    X, y = house_xy
    filtered = X[X["house age"] > 10]                        # index no longer 0..n-1
    renumbered = y.loc[filtered.index].reset_index(drop=True)
    with pytest.raises(SplitError, match=r"different row labels \(y has rows \[\d+, \d+, \d+\] that X lacks"):
        train_val_test_split(filtered, renumbered)
    with pytest.raises(SplitError, match=r"y = y.set_axis\(X.index\)"):
        train_val_test_split(filtered, renumbered)
    # a 2-D y (DataFrame) is held to the same rule
    with pytest.raises(SplitError, match="different order"):
        train_val_test_split(X, pd.concat([y, y], axis=1).iloc[::-1])


def test_numpy_y_has_no_labels_and_is_taken_in_row_order(house_xy):
    X, y = house_xy
    X_shuffled = X.sample(frac=1.0, random_state=1)
    parts = train_val_test_split(X_shuffled, y.loc[X_shuffled.index].to_numpy(), seed=0)
    np.testing.assert_array_equal(parts.y_val, y.loc[parts.X_val.index].to_numpy())
