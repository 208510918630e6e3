"""Lesson 02_03: the slides' raw-feature house-price net over the slides' full 2000 epochs.

The notebook trains 300 epochs (30 with ``model.fit``, then ``fit_fast``) and shows a plateau
at the variance of the prices. This script measures what the slides' full budget does, for
several weight seeds, so that the notebook can say honestly whether the plateau is a floor.

    .venv/bin/python -m benchmarks.raw_plateau            # 5 seeds, about 1-2 minutes here

Net: Input(5) → Dense(50, sigmoid) → Dense(100, sigmoid) → Dense(300, sigmoid) → Dense(1),
SGD(learning_rate=4e-5), MSE, batch 100, the 414 raw rows, 2000 epochs with ``fit_fast``
(the same SGD steps as ``model.fit``; rows shuffled each epoch by the seed). Printed per seed:
the loss at some epochs, the first epoch whose loss is below 90 % of the variance of the
prices (leaving the plateau), the final RMSE and the spread of the predictions, and the share
of saturated first-layer (row, unit) pairs (sigmoid below 0.01 or above 0.99) at the end.
A measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks._common import machine_line, print_table

EPOCHS_SHOWN = (30, 100, 300, 500, 1000, 2000)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)

    from course_utils.lesson import DATASET_INFO, fit_fast, load_dataset, setup_notebook

    setup_notebook(seed=0)
    import keras
    import numpy as np

    df = load_dataset("house_price")
    target = DATASET_INFO["house_price"].target
    X = df.drop(columns=[target]).to_numpy("float32")
    y = df[target].to_numpy("float32")
    variance = float(y.var())
    print(f"02_03 raw plateau · {machine_line()}")
    print(f"variance of the prices {variance:.1f} (the MSE of always predicting the mean); std {y.std():.3f}")
    rows = []
    start = time.time()
    for seed in range(args.seeds):
        keras.utils.set_random_seed(seed)
        inputs = keras.Input(shape=(5,))
        first = keras.layers.Dense(50, activation="sigmoid")
        h = first(inputs)
        h = keras.layers.Dense(100, activation="sigmoid")(h)
        h = keras.layers.Dense(300, activation="sigmoid")(h)
        model = keras.Model(inputs, keras.layers.Dense(1)(h))
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=4e-5))
        loss = fit_fast(model, X, y, epochs=2000, batch_size=100, seed=seed, progress="none").history["loss"]
        pred = np.asarray(model(X, training=False)).ravel()
        W, b = first.get_weights()
        s = 1 / (1 + np.exp(-(X @ W + b)))
        below = [e + 1 for e in range(100, len(loss)) if loss[e] < 0.9 * variance]
        rows.append([seed, *(round(loss[e - 1], 1) for e in EPOCHS_SHOWN), below[0] if below else "-",
                     float(np.sqrt(np.mean((pred - y) ** 2))), float(pred.std()),
                     f"{np.mean((s < 0.01) | (s > 0.99)):.1%}"])
    print_table(["seed", *(f"loss@{e}" for e in EPOCHS_SHOWN), "leaves plateau", "RMSE", "pred std",
                 "saturated"], rows)
    finals = np.array([r[len(EPOCHS_SHOWN)] for r in rows], dtype=float)
    print(f"summary: loss at epoch 2000 {finals.mean():.1f} ± {finals.std(ddof=1):.1f} (mean ± sd over "
          f"{len(rows)} seeds) vs variance {variance:.1f}; {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
