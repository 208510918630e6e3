"""Benchmark P3 builds each fold's inputs from that fold's training rows only
(``benchmarks.p3_house_cv.fold_inputs``): the test rows' prices and features never move them."""

from __future__ import annotations

import numpy as np

from benchmarks.p3_house_cv import RAW, WITH_NEIGHBOURS, fold_inputs
from course_utils.lesson.datasets import DATASET_INFO, load_dataset


def test_fold_inputs_use_training_rows_only():
    df = load_dataset("house_price")
    y = df.pop(DATASET_INFO["house_price"].target).to_numpy("float64")
    tr, te = np.arange(0, 300), np.arange(300, len(df))
    base = fold_inputs(df, y, tr, te, 3)
    assert base[RAW][0].shape == (300, 5) and base[WITH_NEIGHBOURS][0].shape == (300, 6)
    assert base[WITH_NEIGHBOURS][1].shape == (len(te), 6)
    # training rows standardized with their own statistics
    np.testing.assert_allclose(base[WITH_NEIGHBOURS][0].mean(axis=0), 0, atol=1e-5)
    # scramble the test rows' prices and features: the training inputs stay the same,
    # and the test rows' neighbour column still comes from training prices only
    y2, df2 = y.copy(), df.copy()
    y2[te] = 1000.0
    df2.iloc[te, 0] = df2.iloc[te, 0] * 10
    moved = fold_inputs(df2, y2, tr, te, 3)
    for key in (RAW, WITH_NEIGHBOURS):
        np.testing.assert_array_equal(moved[key][0], base[key][0])
    np.testing.assert_array_equal(moved[WITH_NEIGHBOURS][1][:, 5], base[WITH_NEIGHBOURS][1][:, 5])
