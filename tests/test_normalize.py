"""course_utils.lesson.normalize (lesson 02_04): slide numbers, scikit-learn oracles, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from course_utils.lesson.datasets import load_dataset
from course_utils.errors import NormalizationError
from course_utils.lesson.normalize import MinMaxNormalizer, StandardNormalizer, describe_stats

STATS_COLUMNS = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]


@pytest.fixture(scope="module")
def test_df():
    return load_dataset("test")


@pytest.fixture
def house(house_xy):
    """House-price features: 300 training rows, 114 other rows (index 300..413)."""
    X, _ = house_xy
    return X.iloc[:300], X.iloc[300:]


# --------------------------------------------------------------------------- the slides' numbers

def test_describe_stats_is_describe_transposed(test_df, house):
    pd.testing.assert_frame_equal(describe_stats(test_df), test_df.describe().transpose())
    train, _ = house
    pd.testing.assert_frame_equal(describe_stats(train), train.describe().T)
    stats = describe_stats(test_df)
    assert list(stats.columns) == STATS_COLUMNS and list(stats.index) == ["A", "B", "C", "D"]
    assert stats.loc["A", "std"] == pytest.approx(3.02765, abs=1e-6)      # ddof=1, as in the slides
    assert stats.loc["D", "std"] == 0.0
    arr = describe_stats(test_df.to_numpy())
    assert list(arr.index) == [0, 1, 2, 3]


def test_standard_matches_the_slides(test_df):
    X = test_df.drop(columns=["D"])
    out = StandardNormalizer().fit_transform(X)
    assert out.loc[0, "A"] == pytest.approx(-1.486301, abs=1e-6)
    assert out.loc[9, "A"] == pytest.approx(1.486301, abs=1e-6)
    assert out.loc[1, "B"] == pytest.approx(-1.156012, abs=1e-6)
    assert out.loc[4, "C"] == pytest.approx(-0.165145, abs=1e-6)
    # The slides' formula, written out: (x - mean) / std with describe()'s std.
    stats = X.describe().T
    pd.testing.assert_frame_equal(out, (X - stats["mean"]) / stats["std"])


def test_min_max_matches_the_slides(test_df):
    X = test_df.drop(columns=["D"])
    out = MinMaxNormalizer().fit_transform(X)
    np.testing.assert_allclose(out["A"].to_numpy(), np.arange(10) / 9)
    assert out.loc[1, "A"] == pytest.approx(0.111111, abs=1e-6)
    assert (out.loc[0] == 0).all() and (out.loc[9] == 1).all()
    stats = X.describe().T
    pd.testing.assert_frame_equal(out, (X - stats["min"]) / (stats["max"] - stats["min"]))


# --------------------------------------------------------------------------- constant column D

@pytest.mark.parametrize("cls", [MinMaxNormalizer, StandardNormalizer])
def test_constant_column_raises_by_default(test_df, cls):
    with pytest.raises(NormalizationError) as err:
        cls().fit(test_df)
    msg = str(err.value)
    assert "'D'" in msg and "'A'" not in msg and "constant" in msg
    assert "df.drop(columns=['D'])" in msg and "constant='zero'" in msg


@pytest.mark.parametrize("cls", [MinMaxNormalizer, StandardNormalizer])
def test_constant_zero_maps_it_to_zero(test_df, cls):
    norm = cls(constant="zero").fit(test_df)
    out = norm.transform(test_df)
    assert (out["D"] == 0.0).all()
    assert np.isfinite(out.to_numpy()).all()
    pd.testing.assert_frame_equal(out[["A", "B", "C"]],
                                  cls().fit_transform(test_df[["A", "B", "C"]]))
    assert norm.constant_columns_ == ["D"]
    pd.testing.assert_frame_equal(norm.inverse_transform(out), test_df.astype("float64"))


@pytest.mark.parametrize("ours, theirs", [(MinMaxNormalizer(constant="zero"), MinMaxScaler()),
                                          (StandardNormalizer(ddof=0, constant="zero"), StandardScaler())])
def test_constant_zero_agrees_with_scikit_learn_on_new_rows(ours, theirs):
    train = pd.DataFrame({"x": [1.0, 2.0, 4.0], "c": [5.0, 5.0, 5.0]})
    new = pd.DataFrame({"x": [0.0, 8.0], "c": [5.0, 7.0]})
    ours.fit(train)
    theirs.fit(train.to_numpy())
    np.testing.assert_allclose(ours.transform(new).to_numpy(), theirs.transform(new.to_numpy()))
    assert ours.transform(new).loc[1, "c"] == 2.0          # offset from the training constant


def test_single_training_row_is_explained():
    with pytest.raises(NormalizationError, match="only 1 training row"):
        StandardNormalizer().fit(pd.DataFrame({"a": [1.0], "b": [2.0]}))


# --------------------------------------------------------------------------- scikit-learn as oracle

def test_min_max_equals_sklearn_on_house_prices(house):
    train, other = house
    ours = MinMaxNormalizer().fit(train)
    ref = MinMaxScaler().fit(train.to_numpy())
    np.testing.assert_allclose(ours.transform(train).to_numpy(), ref.transform(train.to_numpy()), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.transform(other).to_numpy(), ref.transform(other.to_numpy()), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.center_.to_numpy(), ref.data_min_)
    np.testing.assert_allclose(ours.scale_.to_numpy(), ref.data_range_)


def test_standard_ddof0_equals_sklearn_on_house_prices(house):
    train, other = house
    ours = StandardNormalizer(ddof=0).fit(train)
    ref = StandardScaler().fit(train.to_numpy())
    np.testing.assert_allclose(ours.transform(train).to_numpy(), ref.transform(train.to_numpy()), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.transform(other).to_numpy(), ref.transform(other.to_numpy()), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.scale_.to_numpy(), ref.scale_)


def test_ddof1_differs_from_sklearn_by_the_bessel_factor(house):
    train, _ = house
    n = len(train)
    z1 = StandardNormalizer().fit_transform(train).to_numpy()
    z0 = StandardScaler().fit_transform(train.to_numpy())
    np.testing.assert_allclose(z0 / z1, np.sqrt(n / (n - 1)), rtol=1e-9)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(z1, z0, rtol=1e-6)


# --------------------------------------------------------------------------- fit on training rows only

@pytest.mark.parametrize("cls", [MinMaxNormalizer, StandardNormalizer])
def test_statistics_come_from_training_rows_only(house, cls):
    train, other = house
    norm = cls().fit(train)
    pd.testing.assert_frame_equal(norm.stats, train.describe().T.astype("float64"))
    assert norm.stats.loc["house age", "count"] == 300
    before = norm.stats.copy()
    norm.transform(other)
    pd.testing.assert_frame_equal(norm.stats, before)
    refit = cls().fit(pd.concat([train, other]))
    assert not np.allclose(refit.transform(other).to_numpy(), norm.transform(other).to_numpy())


def test_other_rows_may_fall_outside_unit_range(house):
    train, other = house
    out = MinMaxNormalizer().fit(train).transform(other)
    assert (out.to_numpy() > 1).any() or (out.to_numpy() < 0).any()


@pytest.mark.parametrize("cls", [MinMaxNormalizer, StandardNormalizer])
def test_inverse_transform_round_trip(house, cls):
    train, other = house
    norm = cls().fit(train)
    back = norm.inverse_transform(norm.transform(other))
    pd.testing.assert_frame_equal(back, other.astype("float64"), rtol=1e-12)


def test_keeps_index_columns_and_caller_column_order(house):
    train, other = house
    norm = StandardNormalizer().fit(train)
    out = norm.transform(other)
    assert out.index.equals(other.index) and list(out.columns) == list(other.columns)
    shuffled = other[list(reversed(other.columns))]
    out2 = norm.transform(shuffled)
    assert list(out2.columns) == list(shuffled.columns)
    pd.testing.assert_frame_equal(out2[list(other.columns)], out)


def test_input_is_not_modified(house):
    train, _ = house
    copy = train.copy()
    StandardNormalizer().fit_transform(train)
    pd.testing.assert_frame_equal(train, copy)


def test_numpy_arrays_in_and_out(house):
    train, other = house
    a_train, a_other = train.to_numpy(), other.to_numpy()
    norm = MinMaxNormalizer().fit(a_train)
    out = norm.transform(a_other)
    assert isinstance(out, np.ndarray) and out.shape == a_other.shape
    np.testing.assert_allclose(out, MinMaxNormalizer().fit(train).transform(other).to_numpy())
    np.testing.assert_allclose(norm.inverse_transform(out), a_other)
    assert list(norm.stats.index) == list(range(5))
    # fitted on an array: a DataFrame of the same width is matched by position
    df_out = norm.transform(other)
    assert isinstance(df_out, pd.DataFrame) and list(df_out.columns) == list(other.columns)
    np.testing.assert_allclose(df_out.to_numpy(), out)
    # fitted on a DataFrame: an array of the same width only when matching by position is asked for
    np.testing.assert_allclose(MinMaxNormalizer().fit(train).transform(a_other, by_position=True), out)


def test_nullable_float_columns_work():
    df = pd.DataFrame({"a": pd.array([1.0, 2.0, 3.0], dtype="Float64")})
    assert MinMaxNormalizer().fit_transform(df)["a"].tolist() == [0.0, 0.5, 1.0]


def test_repr_says_whether_fitted(test_df):
    norm = StandardNormalizer(ddof=0)
    assert "not fitted" in repr(norm) and "ddof=0" in repr(norm)
    norm.fit(test_df[["A", "B"]])
    assert "fitted on 10 rows x 2 columns" in repr(norm)


# --------------------------------------------------------------------------- clear errors

@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_use_before_fit(test_df, method):
    with pytest.raises(NormalizationError) as err:
        getattr(MinMaxNormalizer(), method)(test_df)
    msg = str(err.value)
    assert f"MinMaxNormalizer.{method}() was called before fit()" in msg
    assert "MinMaxNormalizer().fit(X_train)" in msg
    with pytest.raises(NormalizationError, match="before fit"):
        MinMaxNormalizer().columns_


def test_columns_that_differ_from_fit(test_df):
    norm = MinMaxNormalizer().fit(test_df[["A", "B", "C"]])
    with pytest.raises(NormalizationError) as err:
        norm.transform(test_df[["A", "B", "D"]])
    msg = str(err.value)
    assert "missing ['C']" in msg and "not seen in fit() ['D']" in msg
    assert "fitted on ['A', 'B', 'C']" in msg
    with pytest.raises(NormalizationError, match=r"missing \['C'\]") as err:
        norm.transform(test_df[["A", "B"]])
    assert "not seen" not in str(err.value)
    with pytest.raises(NormalizationError, match=r"not seen in fit\(\) \['D'\]"):
        norm.inverse_transform(test_df)


def test_wrong_width_array(test_df):
    norm = StandardNormalizer().fit(test_df[["A", "B", "C"]].to_numpy())
    with pytest.raises(NormalizationError, match="got 2 columns, but it was fitted on 3 columns"):
        norm.transform(test_df[["A", "B"]].to_numpy())


def test_non_numeric_column_is_named():
    df = pd.DataFrame({"size": [1.0, 2.0], "city": ["Taipei", "Seoul"]})
    with pytest.raises(NormalizationError) as err:
        MinMaxNormalizer().fit(df)
    msg = str(err.value)
    assert "['city']" in msg and "'Taipei'" in msg and "df.drop(columns=" in msg and "pd.to_numeric" in msg
    with pytest.raises(NormalizationError, match="not numeric"):
        MinMaxNormalizer().fit(pd.DataFrame({"flag": [True, False]}))
    with pytest.raises(NormalizationError, match="dtype <U"):
        MinMaxNormalizer().fit(np.array([["1", "2"], ["3", "4"]]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, None])
def test_nan_or_inf_cell_is_named(bad):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, bad, 6.0]}, index=[10, 11, 12])
    with pytest.raises(NormalizationError) as err:
        StandardNormalizer().fit(df)
    msg = str(err.value)
    assert "row 11, column 'b'" in msg and "dropna" in msg
    fitted = StandardNormalizer().fit(df.fillna(0.0).replace(np.inf, 0.0))
    with pytest.raises(NormalizationError, match="row 11, column 'b'"):
        fitted.transform(df)


def test_nullable_missing_value_is_named():
    df = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")})
    with pytest.raises(NormalizationError, match="row 1, column 'a'"):
        MinMaxNormalizer().fit(df)


@pytest.mark.parametrize("data, expected", [
    (pd.Series([1.0, 2.0], name="a"), r"Series \('a'\).*df\[\['a'\]\]"),
    (np.arange(4.0), r"2-D array.*reshape\(-1, 1\)"),
    ([[1.0, 2.0], [3.0, 4.0]], "DataFrame or a 2-D NumPy array, not list"),
    (pd.DataFrame({"a": []}, dtype=float), "no rows"),
    (pd.DataFrame(index=[0, 1]), "no columns"),
    (pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["a", "a"]), "more than once"),
])
def test_bad_shapes_and_types(data, expected):
    with pytest.raises(NormalizationError, match=expected):
        MinMaxNormalizer().fit(data)


def test_bad_parameters():
    with pytest.raises(NormalizationError, match="constant= must be 'error'.*or 'zero'"):
        MinMaxNormalizer(constant="drop")
    for ddof in (-1, 0.5, True, "1"):
        with pytest.raises(NormalizationError, match="ddof= must be a whole number"):
            StandardNormalizer(ddof=ddof)
    with pytest.raises(NormalizationError, match=r"ddof=2\) needs more than 2 training rows"):
        StandardNormalizer(ddof=2).fit(pd.DataFrame({"a": [1.0, 2.0]}))


def test_never_silent_nan(test_df):
    """Whatever the input, the output is finite or an error is raised."""
    for cls in (MinMaxNormalizer, StandardNormalizer):
        for constant in ("error", "zero"):
            try:
                out = cls(constant=constant).fit_transform(test_df)
            except NormalizationError:
                assert constant == "error"
            else:
                assert np.isfinite(out.to_numpy()).all()


# --------------------------------------------------------------------------- arrays need a say-so

@pytest.mark.parametrize("cls", [MinMaxNormalizer, StandardNormalizer])
def test_array_for_a_dataframe_fit_is_refused_unless_by_position(house, cls):
    train, other = house
    norm = cls().fit(train)
    swapped = other[list(other.columns[::-1])].to_numpy()       # columns in another order
    for method in ("transform", "inverse_transform"):
        with pytest.raises(NormalizationError) as err:
            getattr(norm, method)(swapped)
        msg = str(err.value)
        assert "got a NumPy array, but it was fitted on a DataFrame" in msg
        assert "pd.DataFrame(x, columns=" in msg and f"norm.{method}(x, by_position=True)" in msg
    # the DataFrame the message asks for gives the right numbers; by_position matches by order
    right = norm.transform(other)
    np.testing.assert_allclose(norm.transform(pd.DataFrame(other.to_numpy(), columns=norm.columns_,
                                                           index=other.index)), right)
    np.testing.assert_allclose(norm.transform(other.to_numpy(), by_position=True), right.to_numpy())
    with pytest.raises(NormalizationError, match="by_position= must be True or False"):
        norm.transform(other, by_position="yes")


# --------------------------------------------------------------------------- values near the float64 limit

def test_large_values_are_standardized_not_zeroed():
    big = pd.DataFrame({"a": [1e200, 2e200, 3e200, 6e200], "b": [1.0, 2.0, 3.0, 6.0]})
    norm = StandardNormalizer().fit(big)                # the plain sum of squares overflows here
    out = norm.transform(big)
    np.testing.assert_allclose(out["a"], out["b"], rtol=1e-12)
    assert np.isfinite(norm.stats.loc["a", "std"]) and norm.stats.loc["a", "mean"] == pytest.approx(3e200)
    np.testing.assert_allclose(norm.inverse_transform(out)["a"], big["a"], rtol=1e-12)


@pytest.mark.parametrize("cls, kind", [(StandardNormalizer, "standard deviation"),
                                       (MinMaxNormalizer, r"range \(max - min\)")])
def test_statistic_too_large_for_float64_raises(cls, kind):
    huge = pd.DataFrame({"x": [1.7e308, -1.7e308], "ok": [1.0, 2.0]})
    with pytest.raises(NormalizationError, match=rf"the {kind} of column\(s\) \['x'\] is too large for a "
                                                 rf"float64 \(values up to 1.7e\+308\).*Rescale"):
        cls().fit(huge)


def test_result_too_large_for_float64_raises():
    norm = StandardNormalizer().fit(pd.DataFrame({"x": [0.0, 1e-300, 2e-300]}))
    with pytest.raises(NormalizationError, match=r"row 7, column 'x' is too large for a float64"):
        norm.transform(pd.DataFrame({"x": [1e10]}, index=[7]))
