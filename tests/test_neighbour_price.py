"""Tests for course_utils.lesson.neighbour_price (lesson 02_07): the values against a brute-force
oracle, leave-one-out for training rows, training rows only for new rows, determinism, and a
clear FeatureError for every bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.errors import FeatureError
from course_utils.lesson.neighbour_price import NEIGHBOUR_COLUMN, NeighbourPrice
from course_utils.lesson.split import train_val_test_split


@pytest.fixture
def house_split(house_xy):
    X, y = house_xy
    return train_val_test_split(X, y, test_size=0.3, val_size=0.7 * 0.2, seed=0)


def oracle(X_train, y_train, X_rows, k, leave_out_self):
    """Loop-by-loop: standardize lat/lon with the training rows (ddof=1), sort the training
    rows by distance (ties by training order), skip the row itself if asked, median of k."""
    cols = ["latitude", "longitude"]
    tr = X_train[cols].to_numpy(float)
    mu, sd = tr.mean(axis=0), tr.std(axis=0, ddof=1)
    tr_z = (tr - mu) / sd
    prices = list(y_train)
    out = []
    for pos, (label, row) in enumerate(X_rows[cols].iterrows()):
        z = (row.to_numpy(float) - mu) / sd
        dists = [(float(np.sqrt(((z - t) ** 2).sum())), j) for j, t in enumerate(tr_z)
                 if not (leave_out_self and j == pos)]
        dists.sort()                     # by distance, then by training position
        out.append(float(np.median([prices[j] for _, j in dists[:k]])))
    return np.array(out)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_values_match_the_oracle(house_split, k):
    X_train, X_val, X_test, y_train, y_val, y_test = house_split
    nbr = NeighbourPrice(k=k).fit(X_train, y_train)
    train_f = nbr.add_to_training(X_train)
    test_f = nbr.add_to(X_test)
    np.testing.assert_allclose(train_f[NEIGHBOUR_COLUMN], oracle(X_train, y_train, X_train, k, True))
    np.testing.assert_allclose(test_f[NEIGHBOUR_COLUMN], oracle(X_train, y_train, X_test, k, False))
    # the other columns and the row labels are untouched; inputs are not modified
    pd.testing.assert_frame_equal(train_f.drop(columns=[NEIGHBOUR_COLUMN]), X_train)
    assert NEIGHBOUR_COLUMN not in X_train.columns and list(test_f.columns)[-1] == NEIGHBOUR_COLUMN


def test_training_row_never_sees_its_own_price():
    """Three far-apart spots; each training row's own price is unique, so leaving it out shows."""
    X = pd.DataFrame({"latitude": [0.0, 0.1, 10.0, 10.1, 20.0], "longitude": [0.0, 0.0, 0.0, 0.0, 10.0]},
                     index=[10, 11, 12, 13, 14])
    y = pd.Series([100.0, 1.0, 50.0, 5.0, 7.0], index=X.index)
    train_f = NeighbourPrice(k=1).fit(X, y).add_to_training(X)
    # each row gets the partner at its spot (never itself); the lone row 14 gets the nearest, row 13
    assert list(train_f[NEIGHBOUR_COLUMN]) == [1.0, 100.0, 5.0, 50.0, 5.0]
    new = pd.DataFrame({"latitude": [0.0], "longitude": [0.0]}, index=[99])
    assert NeighbourPrice(k=1).fit(X, y).add_to(new)[NEIGHBOUR_COLUMN].item() == 100.0   # new row: nearest sale


def test_new_rows_use_training_rows_only(house_split):
    """Changing a validation price changes nothing; changing a training price does."""
    X_train, X_val, X_test, y_train, y_val, y_test = house_split
    base = NeighbourPrice(3).fit(X_train, y_train).add_to(X_test)[NEIGHBOUR_COLUMN]
    moved = y_train.copy()
    moved.iloc[:] = moved.to_numpy() + 1000.0
    shifted = NeighbourPrice(3).fit(X_train, moved).add_to(X_test)[NEIGHBOUR_COLUMN]
    np.testing.assert_allclose(shifted - base, 1000.0)


def test_ties_are_deterministic():
    X = pd.DataFrame({"latitude": [1.0, 1.0, 1.0, 2.0], "longitude": [0.0, 0.0, 0.0, 1.0]})
    y = pd.Series([30.0, 10.0, 20.0, 90.0])
    new = pd.DataFrame({"latitude": [1.0], "longitude": [0.0]}, index=[50])
    # three sales at one spot, k = 2: the first two in training order (30, 10) -> median 20
    values = {NeighbourPrice(2).fit(X, y).add_to(new)[NEIGHBOUR_COLUMN].item() for _ in range(5)}
    assert values == {20.0}


def test_add_to_refuses_training_rows(house_split):
    X_train, _, X_test, y_train, *_ = house_split
    nbr = NeighbourPrice(3).fit(X_train, y_train)
    with pytest.raises(FeatureError, match="add_to_training") as err:
        nbr.add_to(pd.concat([X_test.iloc[:3], X_train.iloc[:2]]))
    assert "2 of these rows" in str(err.value)
    with pytest.raises(FeatureError, match="exactly the rows given to fit"):
        nbr.add_to_training(X_test)
    with pytest.raises(FeatureError, match="exactly the rows given to fit"):
        nbr.add_to_training(X_train.iloc[::-1])


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3", None])
def test_bad_k(k):
    with pytest.raises(FeatureError, match="k should be a whole number"):
        NeighbourPrice(k=k)


@pytest.mark.parametrize("columns", ["latitude", 3, [], None])
def test_bad_columns_argument(columns):
    with pytest.raises(FeatureError, match="list of column names"):
        NeighbourPrice(columns=columns)


def test_bad_inputs(house_split):
    X_train, X_val, X_test, y_train, y_val, y_test = house_split
    cases = [
        (lambda: NeighbourPrice().add_to(X_test), "call fit"),
        (lambda: NeighbourPrice().add_to_training(X_train), "call fit"),
        (lambda: NeighbourPrice().fit(X_train.to_numpy(), y_train), "pandas DataFrame"),
        (lambda: NeighbourPrice().fit(X_train.drop(columns=["latitude"]), y_train), "no column ['latitude']"),
        (lambda: NeighbourPrice().fit(X_train, y_train.iloc[:-1]), "231 rows but y_train has 230"),
        (lambda: NeighbourPrice().fit(X_train, y_train.to_frame()), "DataFrame"),
        (lambda: NeighbourPrice().fit(X_train, "price"), "1-D list of prices"),
        (lambda: NeighbourPrice().fit(X_train, np.array(["a"] * len(X_train))), "1-D list of prices"),
        (lambda: NeighbourPrice().fit(X_train, y_train.set_axis(X_train.index + 1000)), "different row labels"),
        (lambda: NeighbourPrice().fit(X_train, y_train.where(y_train > 20)), "NaN"),
        (lambda: NeighbourPrice().fit(X_train.assign(latitude=np.nan), y_train), "NaN or infinite"),
        (lambda: NeighbourPrice().fit(X_train.assign(latitude="north"), y_train), "numbers only"),
        (lambda: NeighbourPrice().fit(X_train.assign(latitude=25.0), y_train), "same value in ['latitude']"),
        (lambda: NeighbourPrice(k=5).fit(X_train.iloc[:5], y_train.iloc[:5]), "at least 6 training rows"),
        (lambda: NeighbourPrice().fit(X_train.iloc[:0], y_train.iloc[:0]), "no rows"),
    ]
    for call, words in cases:
        with pytest.raises(FeatureError) as err:
            call()
        assert words in str(err.value), (words, str(err.value))


def test_feature_added_twice_is_refused(house_split):
    X_train, _, X_test, y_train, *_ = house_split
    nbr = NeighbourPrice(3).fit(X_train, y_train)
    with pytest.raises(FeatureError, match="already has"):
        nbr.add_to(nbr.add_to(X_test))
