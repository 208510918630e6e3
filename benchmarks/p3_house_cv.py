"""P3: house price of unit area — the course's net vs linear regression and two tree ensembles.

Every model sees the same folds: ``RepeatedKFold(n_splits=5, n_repeats=REPEATS,
random_state=FOLDS_SEED)`` over the 414 sales of ``load_dataset("house_price")``. In every
fold a ``StandardNormalizer`` is fit on the training rows only and applied to both parts,
for every model (the tree ensembles do not need it but get the same inputs). Models:

* the course's net (``course_utils.models.house_price_model``), trained as the course
  trains it (its epochs and batch size), with ``fit_fast`` (the optimizer steps of
  ``model.fit``); weights and row order seeded with the fold number;
* ``LinearRegression()``;
* ``RandomForestRegressor(n_estimators=300, random_state=0)``;
* ``HistGradientBoostingRegressor(random_state=0)`` (scikit-learn's defaults).

The score is the root-mean-squared error (RMSE, 10,000 NTD per ping) on the held-out fold.
The table gives its mean and standard deviation over the 5 × REPEATS folds, and the mean
paired difference to the net on the same folds. Goals: the net's mean RMSE ≤ the best
tree ensemble's, and ≥ 15 % below linear regression's.

    python -m benchmarks.p3_house_cv
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._common import machine_line, print_table, verdict

FOLDS_SEED = 0
N_SPLITS = 5
REPEATS = 3
GOAL_BELOW_LINEAR = 0.15


def baselines() -> dict:
    """The scikit-learn models, with fixed seeds and default-or-better settings."""
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import LinearRegression

    return {
        "LinearRegression": LinearRegression,
        "RandomForest (300 trees)": lambda: RandomForestRegressor(n_estimators=300, random_state=0, n_jobs=1),
        "HistGradientBoosting (defaults)": lambda: HistGradientBoostingRegressor(random_state=0),
    }


def course_recipe() -> dict:
    """How the course builds and trains its house-price net (see ``course_utils.models``)."""
    from course_utils import models

    return {
        "build": models.house_price_model,
        "epochs": models.HOUSE_EPOCHS,
        "batch_size": models.HOUSE_BATCH_SIZE,
    }


def _rmse(pred, y) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred, dtype="float64").reshape(-1) - y) ** 2)))


def main() -> dict:
    from sklearn.model_selection import RepeatedKFold
    from threadpoolctl import threadpool_limits

    from course_utils.datasets import DATASET_INFO, load_dataset
    from course_utils.normalize import StandardNormalizer
    from course_utils.notebook_setup import setup_notebook
    from course_utils.training import fit_fast

    print(f"P3 · house price of unit area, repeated {N_SPLITS}-fold CV · {machine_line()}")
    setup_notebook(seed=0)  # imports TensorFlow quietly, seeds, deterministic ops
    import keras

    start = time.perf_counter()
    df = load_dataset("house_price")
    target = DATASET_INFO["house_price"].target
    y = df.pop(target).to_numpy("float64")
    x = df
    recipe = course_recipe()
    batch = "full batch" if recipe["batch_size"] is None else f"batch {recipe['batch_size']}"
    net_name = f"course net ({recipe['epochs']} epochs, {batch})"
    models = {net_name: None, **baselines()}
    scores = {name: [] for name in models}
    seconds = dict.fromkeys(models, 0.0)
    folds = RepeatedKFold(n_splits=N_SPLITS, n_repeats=REPEATS, random_state=FOLDS_SEED)
    print(f"folds: RepeatedKFold(n_splits={N_SPLITS}, n_repeats={REPEATS}, random_state={FOLDS_SEED}) "
          f"over {len(x)} rows; net seeds (weights, row order) = fold number 0..{N_SPLITS * REPEATS - 1}")
    # One thread for scikit-learn's OpenMP pools: on a shared 2-core machine its busy-waiting
    # threads otherwise slow HistGradientBoosting down 20-30× (the results do not change).
    with threadpool_limits(1):
        for fold, (tr, te) in enumerate(folds.split(x)):
            norm = StandardNormalizer().fit(x.iloc[tr])
            x_tr = norm.transform(x.iloc[tr]).to_numpy("float32")
            x_te = norm.transform(x.iloc[te]).to_numpy("float32")
            for name, make in models.items():
                t0 = time.perf_counter()
                if make is None:
                    keras.utils.set_random_seed(fold)
                    net = recipe["build"](n_features=x_tr.shape[1])
                    fit_fast(net, x_tr, y[tr].astype("float32"), epochs=recipe["epochs"],
                             batch_size=recipe["batch_size"], seed=fold, progress="none")
                    pred = net(x_te, training=False)
                else:
                    pred = make().fit(x_tr, y[tr]).predict(x_te)
                seconds[name] += time.perf_counter() - t0
                scores[name].append(_rmse(pred, y[te]))

    net = np.array(scores[net_name])
    rows = []
    for name in models:
        s = np.array(scores[name])
        rows.append([name, f"{s.mean():.3f}", f"{s.std(ddof=1):.3f}", f"{s.min():.2f}", f"{s.max():.2f}",
                     "—" if name == net_name else f"{np.mean(s - net):+.3f}",
                     "—" if name == net_name else f"{int(np.sum(net < s))}/{len(s)}",
                     f"{seconds[name]:.1f}"])
    print_table(["model", "RMSE mean", "RMSE sd", "min", "max", "mean(model − net)", "folds net better",
                 "seconds"], rows,
                title=f"RMSE on the held-out fold (10,000 NTD/ping), {len(net)} folds, normalizer fit "
                      f"on each fold's training rows")
    means = {name: float(np.mean(s)) for name, s in scores.items()}
    linear = means["LinearRegression"]
    best_tree_name = min((n for n in models if n not in (net_name, "LinearRegression")), key=means.get)
    best_tree = means[best_tree_name]
    below_linear = 1 - means[net_name] / linear
    ok = means[net_name] <= best_tree and below_linear >= GOAL_BELOW_LINEAR
    total = time.perf_counter() - start
    print(f"P3 summary: course net RMSE {means[net_name]:.3f} vs best tree ensemble {best_tree:.3f} "
          f"({best_tree_name.split(' ')[0]}; goal net ≤ it) and {below_linear:.1%} below linear regression "
          f"{linear:.3f} (goal ≥ {GOAL_BELOW_LINEAR:.0%}); folds seed {FOLDS_SEED}, {len(net)} folds, "
          f"{total:.0f} s — {verdict(ok)}")
    return {"P3": ok, "net_rmse": means[net_name], "best_tree_rmse": best_tree, "linear_rmse": linear,
            "below_linear": below_linear, "seconds": total}


if __name__ == "__main__":
    raise SystemExit(0 if main()["P3"] else 1)
