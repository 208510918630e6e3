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


def test_p3_drops_exactly_the_test_rows_of_lesson_02_07():
    """P3 cross-validates on lesson 02_07's non-test rows: the lesson's first split, reproduced."""
    import json
    from pathlib import Path

    from sklearn.model_selection import train_test_split

    from benchmarks.p3_house_cv import LESSON_SPLIT_SEED, LESSON_TEST_SIZE, non_test_rows

    df = load_dataset("house_price")
    y = df.pop(DATASET_INFO["house_price"].target)
    x_rest, y_rest = non_test_rows(df, y)
    _, x_test, _, _ = train_test_split(df, y, test_size=0.1, random_state=0)
    assert len(x_rest) == 372 and not set(x_rest.index) & set(x_test.index)
    assert y_rest.index.equals(x_rest.index)
    # the notebook splits with the same call
    root = Path(__file__).resolve().parents[1]
    nb = json.loads((root / "notebooks" / "02_07_house_price_split_normalized.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert (f"train_test_split(X, y, test_size={LESSON_TEST_SIZE}, random_state={LESSON_SPLIT_SEED})"
            in code)
