"""A location feature fit on the training rows: the price of nearby training sales (lesson 02_07).

Many of the 414 houses were sold more than once at the same spot, and price depends on
location far more sharply than a small MLP on standardized latitude and longitude can follow.
Tree ensembles reuse such exact matches well; a net gets the same information from one extra
column, the **neighbour price** (이웃 가격): the median price of the ``k`` training sales
nearest on the map. Lesson 02_07 ("Going further") adds it, and ``benchmarks/p3_house_cv.py``
measures the course's net with it::

    nbr = NeighbourPrice(k=3).fit(X_train, y_train)
    X_train_f = nbr.add_to_training(X_train)        # each row's own price left out
    X_val_f, X_test_f = nbr.add_to(X_val), nbr.add_to(X_test)
    norm = StandardNormalizer().fit(X_train_f)      # then standardize, as before

The feature uses the training **prices**, so it is the clearest case of the course's rule
"no statistic sees a test row": computed with the test rows, a test house's own price would
be inside its input. Two details keep it honest:

* Validation and test rows look up their neighbours among the training rows only.
* A training row must not find itself: its own price would be part of its input during
  training, the net would learn to trust the column too much, and it would then be misled
  on new rows, which never contain their own price. :meth:`add_to_training` therefore leaves
  each training row out of its own neighbours (leave-one-out, 하나 빼기), and :meth:`add_to`
  refuses rows that were used to fit (matched by index label) and names the right method.

Distance: Euclidean on latitude and longitude standardized with the training rows' mean and
standard deviation (ddof=1). Ties (several sales at one spot) are broken by training-row
order, so the feature is deterministic. Inputs are pandas DataFrames with the coordinate
columns (the house data's ``latitude`` and ``longitude`` by default); every problem raises a
:class:`~course_utils.errors.FeatureError` that says what was wrong and how to fix it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import FeatureError

__all__ = ["NeighbourPrice", "NEIGHBOUR_COLUMN"]

#: Name of the column that :class:`NeighbourPrice` appends.
NEIGHBOUR_COLUMN = "neighbour price"


class NeighbourPrice:
    """Median price of the ``k`` nearest training sales by location (lesson 02_07).

    ``k``: how many neighbours (the course uses 3; ``k`` = 1 copies one noisy sale, a large
    ``k`` blurs distinct spots). ``columns``: the two coordinate columns.
    """

    def __init__(self, k: int = 3, columns: Sequence[str] = ("latitude", "longitude")):
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 1:
            raise FeatureError(f"k should be a whole number >= 1 (how many neighbours), got {k!r}")
        if not isinstance(columns, (list, tuple)) or len(columns) < 1:
            raise FeatureError(f"columns should be a list of column names such as ('latitude', 'longitude'), "
                               f"got {columns!r}")
        self.k = int(k)
        self.columns = tuple(columns)
        self._coords: np.ndarray | None = None

    # -----------------------------------------------------------------------------------
    def fit(self, X_train: pd.DataFrame, y_train) -> "NeighbourPrice":
        """Remember the training rows' coordinates and prices (and the coordinates' mean and
        std for the distance). Nothing from any other row is stored."""
        coords = self._coordinates(X_train, "fit(X_train, y_train)")
        if isinstance(y_train, pd.DataFrame):
            raise FeatureError("fit() needs y_train as one column of prices (a Series or 1-D array), "
                               f"got a DataFrame with columns {list(y_train.columns)}; pass df[target]")
        try:
            prices = None if isinstance(y_train, str) else np.asarray(y_train, dtype="float64")
        except (TypeError, ValueError):
            prices = None
        if prices is None or prices.ndim != 1:
            raise FeatureError(f"y_train should be a 1-D list of prices (numbers), got {type(y_train).__name__}"
                               + ("" if prices is None else f" with shape {prices.shape}"))
        if len(prices) != len(coords):
            raise FeatureError(f"X_train has {len(coords)} rows but y_train has {len(prices)}; pass the "
                               f"prices of the same training rows (from the same split)")
        if not np.all(np.isfinite(prices)):
            raise FeatureError("y_train holds NaN or infinite prices; drop or fix those rows before fitting")
        if isinstance(y_train, pd.Series) and not y_train.index.equals(X_train.index):
            raise FeatureError("X_train and y_train have different row labels; pass the X and y parts of "
                               "the same split (e.g. X_train, y_train from train_val_test_split)")
        if len(coords) < self.k + 1:
            raise FeatureError(f"k={self.k} needs at least {self.k + 1} training rows (each row's own "
                               f"price is left out), got {len(coords)}")
        self._mean = coords.mean(axis=0)
        std = coords.std(axis=0, ddof=1)
        if np.any(std == 0):
            flat = [c for c, s in zip(self.columns, std) if s == 0]
            raise FeatureError(f"the training rows all have the same value in {flat}: there is no distance "
                               f"to measure; use columns that vary")
        self._std = std
        self._coords = (coords - self._mean) / self._std
        self._prices = prices
        self._index = X_train.index
        return self

    def add_to_training(self, X_train: pd.DataFrame) -> pd.DataFrame:
        """``X_train`` with the neighbour-price column appended, each row's own price left out.

        ``X_train`` must be the very rows given to :meth:`fit` (same row labels, same order).
        """
        self._require_fitted("add_to_training")
        coords = self._coordinates(X_train, "add_to_training(X_train)")
        if not X_train.index.equals(self._index):
            raise FeatureError("add_to_training() takes exactly the rows given to fit(), in the same order; "
                               "for validation or test rows use add_to(X_val) / add_to(X_test)")
        dist = self._distances(coords)
        np.fill_diagonal(dist, np.inf)        # leave-one-out: a row is not its own neighbour
        return self._append(X_train, dist)

    def add_to(self, X: pd.DataFrame) -> pd.DataFrame:
        """``X`` (validation, test or new rows) with the neighbour-price column appended; the
        neighbours come from the training rows only. Rows used in :meth:`fit` are refused."""
        self._require_fitted("add_to")
        coords = self._coordinates(X, "add_to(X)")
        shared = X.index.intersection(self._index)
        if len(shared):
            listed = ", ".join(str(v) for v in list(shared[:5]))
            raise FeatureError(
                f"{len(shared)} of these rows (labels {listed}{', ...' if len(shared) > 5 else ''}) were used "
                f"to fit: their own price would be part of their input. Use add_to_training(X_train) for the "
                f"training rows and add_to() only for validation, test or new rows")
        return self._append(X, self._distances(coords))

    # -----------------------------------------------------------------------------------
    def _require_fitted(self, method: str) -> None:
        if self._coords is None:
            raise FeatureError(f"call fit(X_train, y_train) before {method}()")

    def _coordinates(self, X, what: str) -> np.ndarray:
        if not isinstance(X, pd.DataFrame):
            raise FeatureError(f"{what} needs a pandas DataFrame with the columns {list(self.columns)}, "
                               f"got {type(X).__name__}; pass the feature table before standardizing")
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            raise FeatureError(f"{what}: the table has no column {missing} (it has {list(X.columns)}); "
                               f"pass the raw feature table or set columns=...")
        if NEIGHBOUR_COLUMN in X.columns:
            raise FeatureError(f"{what}: the table already has a {NEIGHBOUR_COLUMN!r} column; add the feature "
                               f"once, to the table without it")
        if len(X) == 0:
            raise FeatureError(f"{what}: the table has no rows")
        try:
            coords = X[list(self.columns)].to_numpy("float64")
        except (TypeError, ValueError):
            raise FeatureError(f"{what}: the columns {list(self.columns)} should hold numbers only; "
                               f"load the data with course_utils.lesson.datasets.load_dataset") from None
        if not np.all(np.isfinite(coords)):
            raise FeatureError(f"{what}: the columns {list(self.columns)} hold NaN or infinite values; "
                               f"drop or fix those rows first")
        return coords

    def _distances(self, coords: np.ndarray) -> np.ndarray:
        z = (coords - self._mean) / self._std
        return np.sqrt(((z[:, None, :] - self._coords[None, :, :]) ** 2).sum(axis=-1))

    def _append(self, X: pd.DataFrame, dist: np.ndarray) -> pd.DataFrame:
        nearest = np.argsort(dist, axis=1, kind="stable")[:, : self.k]   # ties: training-row order
        out = X.copy()
        out[NEIGHBOUR_COLUMN] = np.median(self._prices[nearest], axis=1)
        return out
