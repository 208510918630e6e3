"""How much of ``model.fit`` is overhead, and what ``fit_fast`` saves (lesson 02_01).

Run from the project root (takes a few minutes: the plain ``model.fit`` runs are slow,
which is the point)::

    .venv/bin/python benchmarks/fit_overhead.py          # the two course cases
    .venv/bin/python benchmarks/fit_overhead.py --all    # plus fit on a repeated tf.data set

Cases (both start every method from identical weights, ``shuffle=False``):

* ``xor``: the slides' XOR net 2-4-5-1 sigmoid, SGD(learning_rate=0.5), binary
  cross-entropy + binary accuracy, 2000 epochs on the 4 rows (full batch).
* ``regression``: 300 training rows × 5 features (seeded synthetic non-linear target),
  5-16-1 ReLU net, SGD(0.01, momentum 0.9), MSE + MAE, batch 32 (10 steps per epoch, the
  last one 12 rows), validation on 60 rows after every epoch, 300 epochs.

Printed: a table (wall and CPU seconds, ms per epoch, speed-up against ``model.fit``,
largest weight and loss-history difference against ``model.fit``) and a last summary
line. Wall times depend on how busy the machine is; CPU seconds (all threads) are less
sensitive to other processes. This is a measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from course_utils.lesson.notebook_setup import known_noise_options, setup_notebook  # noqa: E402  (light: no TensorFlow)

os.environ.setdefault("PYTHONWARNINGS", ",".join(known_noise_options()))

import numpy as np  # noqa: E402


setup_notebook(0)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils.lesson.training import fit_fast  # noqa: E402


def xor_case():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    y = np.array([[0], [1], [1], [0]], dtype="float32")

    def make():
        model = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(4, activation="sigmoid"),
            keras.layers.Dense(5, activation="sigmoid"),
            keras.layers.Dense(1, activation="sigmoid"),
        ])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5),
                      loss=keras.losses.binary_crossentropy,
                      metrics=[keras.metrics.binary_accuracy])
        return model

    return dict(name="xor", label="XOR 2-4-5-1, 2000 epochs × 1 full batch of 4",
                make=make, x=x, y=y, epochs=2000, batch_size=4, validation_data=None)


def regression_case():
    rng = np.random.default_rng(0)
    x_all = rng.normal(size=(360, 5)).astype("float32")
    w = np.array([1.0, -2.0, 0.5, 0.0, 1.5], dtype="float32")
    y_all = (x_all @ w + 0.8 * x_all[:, 0] ** 2 - np.sin(2 * x_all[:, 1]))[:, None]
    y_all = (y_all + rng.normal(scale=0.2, size=y_all.shape)).astype("float32")

    def make():
        model = keras.Sequential([
            keras.Input((5,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                      loss="mse", metrics=["mae"])
        return model

    return dict(name="regression",
                label="regression 5-16-1, 300 rows, batch 32, validation 60 rows, 300 epochs",
                make=make, x=x_all[:300], y=y_all[:300], epochs=300, batch_size=32,
                validation_data=(x_all[300:], y_all[300:]))


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run_case(case, include_repeat):
    keras.utils.set_random_seed(1)
    start_weights = case["make"]().get_weights()
    x, y, epochs, batch = case["x"], case["y"], case["epochs"], case["batch_size"]

    def fresh():
        model = case["make"]()
        model.set_weights(start_weights)
        return model

    methods = {}
    model = fresh()
    history, wall, cpu = timed(lambda: model.fit(
        x, y, epochs=epochs, batch_size=batch, shuffle=False, verbose=0,
        validation_data=case["validation_data"]))
    methods["model.fit"] = (model, history.history, wall, cpu)

    if include_repeat and case["validation_data"] is None and batch >= len(x):
        model = fresh()
        data = tf.data.Dataset.from_tensors((x, y)).repeat()
        history, wall, cpu = timed(lambda: model.fit(data, epochs=epochs, steps_per_epoch=1,
                                                     verbose=0))
        methods["model.fit(repeated dataset, steps_per_epoch=1)"] = (model, history.history, wall, cpu)

    model = fresh()
    _, trace_wall, _ = timed(lambda: fit_fast(model, x, y, epochs=1, batch_size=batch,
                                              shuffle=False, progress="none",
                                              validation_data=case["validation_data"]))
    model = fresh()
    history, wall, cpu = timed(lambda: fit_fast(
        model, x, y, epochs=epochs, batch_size=batch, shuffle=False, progress="none",
        validation_data=case["validation_data"]))
    methods["fit_fast"] = (model, history.history, wall, cpu)

    reference_model, reference_history, reference_wall, _ = methods["model.fit"]
    rows = []
    for name, (model, hist, wall, cpu) in methods.items():
        dw = max(float(np.max(np.abs(a - b)))
                 for a, b in zip(model.get_weights(), reference_model.get_weights()))
        dloss = float(np.max(np.abs(np.array(hist["loss"]) - np.array(reference_history["loss"]))))
        rows.append(dict(method=name, wall=wall, cpu=cpu, per_epoch=1000 * wall / epochs,
                         speedup=reference_wall / wall, dw=dw, dloss=dloss,
                         records=len(hist["loss"]), keys=sorted(hist)))
    return rows, trace_wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true",
                        help="also time model.fit on a repeated tf.data set (XOR only)")
    args = parser.parse_args(argv)

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python "
          f"{platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}; "
          f"load average at start {os.getloadavg()[0]:.1f}")
    header = (f"{'case':<11} {'method':<48} {'wall s':>7} {'CPU s':>7} {'ms/epoch':>9} "
              f"{'speed-up':>9} {'max|Δw|':>9} {'max|Δloss|':>10} {'records':>8}")
    results = {}
    for case in (xor_case(), regression_case()):
        rows, trace_wall = run_case(case, args.all)
        results[case["name"]] = rows
        print(f"\n{case['label']}  (fit_fast fixed cost: trace + 1 epoch = {trace_wall:.2f} s)")
        print(header)
        for r in rows:
            print(f"{case['name']:<11} {r['method']:<48} {r['wall']:>7.2f} {r['cpu']:>7.2f} "
                  f"{r['per_epoch']:>9.2f} {r['speedup']:>8.1f}× {r['dw']:>9.2g} "
                  f"{r['dloss']:>10.2g} {r['records']:>8}")
        print(f"{'':<11} history keys: {rows[-1]['keys']}")

    parts, same = [], True
    for name, rows in results.items():
        fit_row = rows[0]
        fast_row = rows[-1]
        same = same and fast_row["dw"] <= 1e-5 and fast_row["records"] == fit_row["records"]
        parts.append(f"{name} {fast_row['speedup']:.0f}× ({fit_row['wall']:.1f} s → "
                     f"{fast_row['wall']:.2f} s)")
    print("\nSUMMARY fit_fast vs model.fit: " + ", ".join(parts)
          + ("; same final weights and one history record per epoch" if same
             else "; WEIGHTS OR HISTORY DIFFER from model.fit"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
