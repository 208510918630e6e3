"""Min-max and standard normalization (정규화) fitted on the training rows (lesson 02_04).

Lesson 02_04 follows the slides' recipe on ``test.csv``::

    stats = df.describe().transpose()                   # describe_stats(df)
    min_max  = (x - stats["min"]) / (stats["max"] - stats["min"])
    standard = (x - stats["mean"]) / stats["std"]

and wraps it in two small classes with the scikit-learn shape ``fit`` / ``transform``::

    norm = StandardNormalizer().fit(X_train)      # statistics of the TRAINING rows only
    X_train_n, X_val_n, X_test_n = (norm.transform(x) for x in (X_train, X_val, X_test))
    norm.stats                                    # describe().T of the training rows

Validation and test rows are transformed with the training statistics: they must never
influence the statistics, or the validation score would see the data it is meant to judge.

``ddof`` (``StandardNormalizer``): the standard deviation divides by ``n - ddof``. The
default ``ddof=1`` (sample standard deviation) is what pandas' ``describe()`` and the slides
use; ``ddof=0`` (population standard deviation) is what scikit-learn's ``StandardScaler``
uses. For 10 rows the two differ by a factor sqrt(10/9), about 5 %.

Constant columns (min == max, std == 0, e.g. column ``D`` of ``test.csv``): dividing by
their range or standard deviation would give NaN or inf. ``constant="error"`` (the
default) raises :class:`~course_utils.errors.NormalizationError` naming the columns;
``constant="zero"`` uses a scale of 1 for them, so their training value maps to 0.0
(new rows keep their offset from it, as in scikit-learn) and ``inverse_transform`` is
still exact.

Inputs: a pandas DataFrame (index and column names are kept) or a 2-D NumPy array (a
NumPy array comes back). Every cell must be a finite number; anything else raises a
:class:`NormalizationError` that says which column and how to fix it. A normalizer
fitted on a DataFrame matches columns by name. A NumPy array has no names, so it is
refused unless you say its columns are in the fitted order: ``norm.transform(x,
by_position=True)`` (a normalizer fitted on an array always matches by position). A
statistic or a result too large for float64 (values near 1e308) raises instead of
turning a column into zeros or inf.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..errors import NormalizationError
from ..i18n import _

__all__ = ["MinMaxNormalizer", "StandardNormalizer", "describe_stats"]

_MAX_LISTED = 5


def _label(x: object) -> object:
    """A row or column label as plain Python (``11``, not ``np.int64(11)``) for messages."""
    return x.item() if isinstance(x, np.generic) else x


def describe_stats(df: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """``df.describe().transpose()``: one row per column with count, mean, std (ddof=1),
    min, 25 %, 50 %, 75 % and max (lesson 02_04). A 2-D NumPy array gets columns 0..k-1."""
    frame = _as_frame(df, "describe_stats()")
    return frame.describe().transpose()


# ---------------------------------------------------------------------------------------
# Input checks shared by both normalizers
# ---------------------------------------------------------------------------------------

def _kind_name(kind: str) -> str:
    """A normalizer's ``_kind`` in the current language."""
    return {"normalizer": _("normalizer"), "range (max - min)": _("range (max - min)"),
            "standard deviation": _("standard deviation")}.get(kind, kind)


def _as_frame(data: object, what: str) -> pd.DataFrame:
    """A float64 DataFrame of *data*, after checking that every cell is a finite number."""
    if isinstance(data, pd.Series):
        raise NormalizationError(
            _("{what} needs a 2-D table, but got a Series ({name!r}). Pass a DataFrame "
              "with one column, e.g. df[[{name!r}]], or several columns.").format(what=what, name=data.name)
        )
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise NormalizationError(
                _("{what} needs a 2-D array (rows x columns), but got {ndim}-D with shape "
                  "{shape}. For one feature use x.reshape(-1, 1).").format(
                      what=what, ndim=data.ndim, shape=data.shape)
            )
        if not (np.issubdtype(data.dtype, np.number) and not np.issubdtype(data.dtype, np.bool_)):
            raise NormalizationError(
                _("{what} needs numbers, but the array has dtype {dtype}. Convert it with "
                  "x.astype(float) after removing text values.").format(what=what, dtype=data.dtype)
            )
        frame = pd.DataFrame(data)
    else:
        raise NormalizationError(
            _("{what} needs a pandas DataFrame or a 2-D NumPy array, not {type}.").format(
                what=what, type=type(data).__name__)
        )
    if frame.shape[0] == 0:
        raise NormalizationError(_("{what} got a table with no rows. Pass at least one row.").format(what=what))
    if frame.shape[1] == 0:
        raise NormalizationError(_("{what} got a table with no columns. Pass at least one column.").format(what=what))
    if not frame.columns.is_unique:
        dup = sorted({_label(c) for c in frame.columns[frame.columns.duplicated()]}, key=str)
        raise NormalizationError(_("{what}: column name(s) {dup} appear more than once. "
                                   "Give every column a distinct name.").format(what=what, dup=dup))
    bad = [c for c in frame.columns
           if pd.api.types.is_bool_dtype(frame[c]) or not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        col = bad[0]
        sample = frame[col].dropna()
        example = _(" (first value {value!r})").format(value=_label(sample.iloc[0])) if len(sample) else ""
        raise NormalizationError(
            _("{what} needs numeric columns, but column(s) {columns} are not "
              "numeric: {column!r} has dtype {dtype}{example}. Drop them "
              "(df.drop(columns=[...])) or convert them to numbers first "
              "(pd.to_numeric / .astype(float)).").format(
                  what=what, columns=[_label(c) for c in bad], column=_label(col), dtype=frame[col].dtype,
                  example=example)
        )
    values = frame.to_numpy(dtype="float64", na_value=np.nan)
    nonfinite = ~np.isfinite(values)
    if nonfinite.any():
        cells = np.argwhere(nonfinite)
        kinds = "NaN" if np.isnan(values[nonfinite]).all() else "NaN/inf"
        shown = "; ".join(_("row {row!r}, column {column!r}").format(row=_label(frame.index[r]),
                                                                      column=_label(frame.columns[c]))
                          for r, c in cells[:_MAX_LISTED])
        more = _(" (and {count} more)").format(count=len(cells) - _MAX_LISTED) if len(cells) > _MAX_LISTED else ""
        raise NormalizationError(
            _("{what} got {count} {kinds} cell(s): {shown}{more}. Normalizing them would "
              "spread NaN through the model. Fill or drop those rows first (df.dropna()).").format(
                  what=what, count=len(cells), kinds=kinds, shown=shown, more=more)
        )
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)


class _Normalizer:
    """Shared fit/transform logic; subclasses set ``center_`` and ``scale_``."""

    _kind = "normalizer"

    def __init__(self, constant: Literal["error", "zero"] = "error") -> None:
        if constant not in ("error", "zero"):
            raise NormalizationError(
                _("constant= must be 'error' (raise on a constant column) or 'zero' (map it to "
                  "0.0), not {constant!r}.").format(constant=constant)
            )
        self.constant = constant
        self.stats: pd.DataFrame | None = None
        self.center_: pd.Series | None = None
        self.scale_: pd.Series | None = None
        self.constant_columns_: list = []
        self.n_rows_: int | None = None
        self._fitted_on_array = False

    # -- subclass hook ---------------------------------------------------------------------
    def _center_scale(self, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        raise NotImplementedError

    # -- public API --------------------------------------------------------------------------
    def fit(self, data: pd.DataFrame | np.ndarray):
        """Compute the statistics from *data*, the TRAINING rows only. Returns ``self``."""
        name = type(self).__name__
        frame = _as_frame(data, f"{name}.fit()")
        with np.errstate(over="ignore", invalid="ignore"):
            center, scale = self._center_scale(frame)
        overflow = [_label(c) for c in frame.columns
                    if not (np.isfinite(center[c]) and np.isfinite(scale[c]))]
        if overflow:
            biggest = float(frame[[c for c in frame.columns if _label(c) in overflow]].abs().max().max())
            raise NormalizationError(
                _("{name}: the {kind} of column(s) {overflow!r} is too large for a float64 "
                  "(values up to {biggest:.3g}), so every normalized value would be 0 or NaN. "
                  "Rescale those columns first (e.g. divide them by 1e300, or use their "
                  "logarithm) or drop them.").format(name=name, kind=_kind_name(self._kind), overflow=overflow,
                                                     biggest=biggest)
            )
        constant = [_label(c) for c in frame.columns[(frame.max() == frame.min()).to_numpy()]]
        if constant and self.constant == "error":
            detail = ", ".join(_("{column!r} (every value {value:g})").format(column=c, value=float(frame[c].iloc[0]))
                               for c in constant)
            rows = (_(" With only {count} training row every column is constant: pass more "
                      "rows.").format(count=len(frame)) if len(frame) == 1 else "")
            raise NormalizationError(
                _("{name}: column(s) {detail} are constant in the training rows (min == max, "
                  "std == 0), so dividing by their {kind} would give NaN/inf.{rows} Drop "
                  "them (df.drop(columns={columns!r})) or pass "
                  "constant='zero' to map them to 0.0.").format(
                      name=name, detail=detail, kind=_kind_name(self._kind), rows=rows, columns=[c for c in constant])
            )
        scale = scale.copy()
        scale.loc[constant] = 1.0                  # training value -> 0.0, inverse stays exact
        with np.errstate(over="ignore", invalid="ignore"):
            self.stats = frame.describe().transpose()
        if isinstance(self, StandardNormalizer):   # describe() overflows where the scaled sums do not
            self.stats["mean"] = center
            if self.ddof == 1:
                self.stats.loc[[c for c in frame.columns if c not in constant], "std"] = scale
        self.center_, self.scale_ = center, scale
        self.constant_columns_ = constant
        self.n_rows_ = len(frame)
        self._fitted_on_array = isinstance(data, np.ndarray)
        return self

    def transform(self, data: pd.DataFrame | np.ndarray, *, by_position: bool = False):
        """Apply the training statistics: ``(x - center_) / scale_``. Same type out as in.

        ``by_position=True`` accepts a NumPy array for a normalizer fitted on a DataFrame,
        taking its columns to be the fitted ones in the fitted order (:attr:`columns_`).
        """
        frame = self._aligned(data, "transform", by_position)
        with np.errstate(over="ignore", invalid="ignore"):
            out = (frame - self.center_) / self.scale_
        return self._like(data, self._finite(out, "transform"))

    def fit_transform(self, data: pd.DataFrame | np.ndarray):
        """``fit(data)`` then ``transform(data)``."""
        return self.fit(data).transform(data, by_position=True)

    def inverse_transform(self, data: pd.DataFrame | np.ndarray, *, by_position: bool = False):
        """Undo :meth:`transform`: ``x * scale_ + center_`` (back to the original units).
        ``by_position`` as in :meth:`transform`."""
        frame = self._aligned(data, "inverse_transform", by_position)
        with np.errstate(over="ignore", invalid="ignore"):
            out = frame * self.scale_ + self.center_
        return self._like(data, self._finite(out, "inverse_transform"))

    @property
    def columns_(self) -> list:
        """The column names seen by :meth:`fit` (0..k-1 for a NumPy array)."""
        self._require_fit("columns_")
        return [_label(c) for c in self.stats.index]

    def __repr__(self) -> str:
        state = f"fitted on {self.n_rows_} rows x {len(self.stats)} columns" if self.stats is not None else "not fitted"
        return f"{type(self).__name__}({self._params()}) [{state}]"

    # -- helpers ---------------------------------------------------------------------------------
    def _params(self) -> str:
        return f"constant={self.constant!r}"

    def _require_fit(self, method: str) -> None:
        if self.stats is None:
            name = type(self).__name__
            raise NormalizationError(
                _("{name}.{method} was called before fit(). Fit it on the training rows first: "
                  "norm = {name}().fit(X_train), then norm.{call}(...).").format(
                      name=name, method=method, call=method.rstrip("()"))
            )

    def _finite(self, out: pd.DataFrame, method: str) -> pd.DataFrame:
        bad = ~np.isfinite(out.to_numpy(dtype="float64"))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise NormalizationError(
                _("{type}.{method}(): the result for row {row!r}, column "
                  "{column!r} is too large for a float64 ({count} cell(s) in all). "
                  "That row is far outside the training rows' range: check it for a typing error, "
                  "or rescale the column before fitting.").format(
                      type=type(self).__name__, method=method, row=_label(out.index[r]),
                      column=_label(out.columns[c]), count=int(bad.sum()))
            )
        return out

    def _aligned(self, data: object, method: str, by_position: bool = False) -> pd.DataFrame:
        self._require_fit(f"{method}()")
        name = type(self).__name__
        if not isinstance(by_position, (bool, np.bool_)):
            raise NormalizationError(_("{name}.{method}(): by_position= must be True or False, not {by_position!r}.").format(
                name=name, method=method, by_position=by_position))
        frame = _as_frame(data, f"{name}.{method}()")
        fitted = self.columns_
        if isinstance(data, np.ndarray) and not self._fitted_on_array and not by_position:
            raise NormalizationError(
                _("{name}.{method}() got a NumPy array, but it was fitted on a DataFrame with "
                  "columns {fitted!r}. An array has no column names, so a column in another order "
                  "would silently get another column's statistics. Pass a DataFrame with these "
                  "columns (e.g. pd.DataFrame(x, columns={fitted!r})), or, if the array's columns "
                  "are exactly these in this order, say so: norm.{method}(x, by_position=True).").format(
                      name=name, method=method, fitted=fitted)
            )
        if isinstance(data, np.ndarray) or self._fitted_on_array:
            if frame.shape[1] != len(fitted):
                raise NormalizationError(
                    _("{name}.{method}() got {count} columns, but it was fitted on "
                      "{fitted_count} columns {fitted!r}. Pass the same columns as in fit().").format(
                          name=name, method=method, count=frame.shape[1], fitted_count=len(fitted), fitted=fitted)
                )
            return pd.DataFrame(frame.to_numpy(), index=frame.index, columns=fitted)
        have = [_label(c) for c in frame.columns]
        missing = [c for c in fitted if c not in have]
        extra = [c for c in have if c not in fitted]
        if missing or extra:
            parts = []
            if missing:
                parts.append(_("missing {columns!r}").format(columns=missing))
            if extra:
                parts.append(_("not seen in fit() {columns!r}").format(columns=extra))
            raise NormalizationError(
                _("{name}.{method}() got columns that differ from the fitted ones: {problems}. It was fitted on "
                  "{fitted!r}. Pass the same columns (drop the target column, e.g. X = df.drop(columns=[...])) or "
                  "fit again.").format(name=name, method=method, problems="; ".join(parts), fitted=fitted)
            )
        return frame[fitted]

    def _like(self, data: object, out: pd.DataFrame):
        if isinstance(data, np.ndarray):
            return out.to_numpy(dtype="float64")
        if self._fitted_on_array:            # matched by position: keep the caller's names
            return out.set_axis(data.columns, axis=1)
        return out[list(data.columns)]      # the caller's column order and index


class MinMaxNormalizer(_Normalizer):
    """Min-max normalization ``(x - min) / (max - min)`` to [0, 1] on the training rows
    (lesson 02_04). Matches scikit-learn's ``MinMaxScaler()``.

    ``center_`` is the training minimum, ``scale_`` the training range (1.0 for constant
    columns when ``constant="zero"``). Rows outside the training range map outside [0, 1].
    """

    _kind = "range (max - min)"

    def _center_scale(self, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        lo, hi = frame.min(), frame.max()
        return lo, hi - lo


class StandardNormalizer(_Normalizer):
    """Standard normalization (standardization) ``(x - mean) / std`` on the training rows
    (lesson 02_04).

    ``ddof=1`` (default) divides the sum of squares by ``n - 1`` like pandas ``describe()``
    and the slides; ``ddof=0`` divides by ``n`` like scikit-learn's ``StandardScaler``.
    ``center_`` is the training mean, ``scale_`` the training standard deviation with this
    ``ddof`` (1.0 for constant columns when ``constant="zero"``). ``stats["std"]`` is always
    describe()'s ddof=1 value.
    """

    _kind = "standard deviation"

    def __init__(self, ddof: int = 1, constant: Literal["error", "zero"] = "error") -> None:
        if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
            raise NormalizationError(
                _("ddof= must be a whole number >= 0 (1: like pandas describe() and the slides; "
                  "0: like scikit-learn), not {ddof!r}.").format(ddof=ddof)
            )
        super().__init__(constant=constant)
        self.ddof = int(ddof)

    def _params(self) -> str:
        return f"ddof={self.ddof}, {super()._params()}"

    def _center_scale(self, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        if len(frame) <= self.ddof and len(frame) > 1:
            raise NormalizationError(
                _("StandardNormalizer(ddof={ddof}) needs more than {ddof} training "
                  "rows, but got {rows}. Pass more rows or a smaller ddof.").format(
                      ddof=self.ddof, rows=len(frame))
            )
        mean = frame.mean()
        if len(frame) == 1:                      # every column constant; handled by fit()
            return mean, pd.Series(0.0, index=frame.columns)
        std = frame.std(ddof=self.ddof)
        for col in frame.columns[~(np.isfinite(mean) & np.isfinite(std)).to_numpy()]:
            # Large values (say 1e200) overflow the sum of squares although their mean and
            # standard deviation fit a float64: compute them on the column scaled to |x| <= 1.
            big = float(frame[col].abs().max())
            scaled = frame[col] / big
            mean[col], std[col] = scaled.mean() * big, scaled.std(ddof=self.ddof) * big
        return mean, std
