"""Tests for the checks of exercise 02_09 (non-linear regression, choice of activation, compared
over several runs): valid alternative answers pass, typical wrong answers are "wrong" with a
message that names the mistake (never an exception, never the expected numbers), a missing name
(or a builder that still raises NotImplementedError) is "not attempted".

Most "trained" runs are built without training: the two hidden layers get hand-set weights
(units spread over the x range, each run with its own small jitter, the second layer the
identity), the output layer is solved by least squares, and the optimizer's step counter is
set as a training run would leave it. One test trains real runs, with fit_fast and model.fit.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from helpers import stack_layers

from course_utils.checks import ex02_09 as checks

STEPS = 380          # what 20 epochs of batches of 16 rows take on 300 points


# --------------------------------------------------------------------------- builders and hand-made runs

def build(activation, units=(32, 32), *, output=None, loss="mae", separate=False, functional=False):
    inputs = keras.Input((1,))
    layers = []
    for n in units:
        if separate:
            layers += [keras.layers.Dense(n), keras.layers.Activation(activation)]
        else:
            layers.append(keras.layers.Dense(n, activation=activation))
    layers.append(keras.layers.Dense(1, activation=output))
    model = stack_layers(inputs, layers, functional)
    if loss is not None:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss=loss)
    return model


_F = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}


def run_model(activation, run, every=1, steps=STEPS):
    """A 1-32-32-1 run: jittered hand-set hidden layers, least-squares output layer using every
    `every`-th hidden unit (coarser fits for larger `every`), `steps` optimizer steps recorded."""
    x, y = checks.curve_data()
    rng = np.random.default_rng(run)
    centers = np.linspace(-6.3, 6.3, 32) + rng.normal(0, 0.15, 32)
    slope = 1.0 if activation == "relu" else 2.0
    W1, b1 = np.full((1, 32), slope), -slope * centers
    W2, b2 = np.eye(32), np.zeros(32)
    f = _F[activation]
    h = f(f(x.astype("float64") @ W1 + b1) @ W2 + b2)
    used = np.arange(0, 32, every)
    coef, *_ = np.linalg.lstsq(np.column_stack([h[:, used], np.ones(len(x))]), y[:, 0], rcond=None)
    W3 = np.zeros((32, 1))
    W3[used, 0] = coef[:-1]
    model = build(activation)
    for layer, weights in zip(model.layers, [(W1, b1), (W2, b2), (W3, coef[-1:])]):
        layer.set_weights([np.asarray(w, "float32") for w in weights])
    model.optimizer.iterations.assign(steps)
    return model


def mae(model):
    x, y = checks.curve_data()
    return float(np.mean(np.abs(keras.ops.convert_to_numpy(model(x)) - y)))


def answer(spec):
    """`curve_models`, `curve_mae` for {activation: every}, 5 runs each."""
    models = {act: [run_model(act, r, every) for r in range(5)] for act, every in spec.items()}
    return models, {act: [mae(m) for m in runs] for act, runs in models.items()}


@pytest.fixture(scope="module")
def runs():
    overlap = answer({"relu": 1, "tanh": 1})        # tanh's mean is lower, but the intervals overlap
    winner = answer({"relu": 3, "tanh": 1})         # tanh's interval lies entirely below relu's
    poor = answer({"relu": 8, "tanh": 1})           # relu runs that have not learned the curve
    return {"overlap": overlap, "winner": winner, "poor": poor}


def summary(maes, ddof=1):
    return {act: (float(np.mean(v)), float(np.std(v, ddof=ddof))) for act, v in maes.items()}


def status(task, ns):
    result = task.evaluate(ns)
    assert "could not check your answer" not in result.message, result.message    # a judge bug, not a verdict
    return result.status, result.message


def test_the_hand_made_runs_are_what_the_tests_assume(runs):
    for key in ("overlap", "winner"):
        _, maes = runs[key]
        assert all(v < checks.FIT_SHARE * 1.97 for vals in maes.values() for v in vals)
    assert checks.decision(summary(runs["overlap"][1])) is None
    assert checks.decision(summary(runs["winner"][1])) == "tanh"
    assert checks.decision(summary(runs["winner"][1], ddof=0)) == "tanh"
    assert any(v > checks.FIT_SHARE * 1.98 for v in runs["poor"][1]["relu"])


def test_curve_data_matches_the_exercise_cell():
    rng = np.random.default_rng(9)
    x = rng.uniform(-6, 6, size=(300, 1)).astype("float32")
    y = (x * np.sin(x) + rng.normal(0, 0.1, size=(300, 1))).astype("float32")
    x2, y2 = checks.curve_data()
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


# --------------------------------------------------------------------------- task 1

def test_task1_valid_builders_pass():
    def with_sgd(activation):
        model = build(activation, loss=None)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                      loss=keras.losses.MeanAbsoluteError())
        return model

    builders = {
        "Sequential, loss='mae'": build,
        "separate Activation layers": lambda a: build(a, separate=True),
        "Functional API": lambda a: build(a, functional=True),
        "loss='mean_absolute_error'": lambda a: build(a, loss="mean_absolute_error"),
        "MeanAbsoluteError() and SGD": with_sgd,
        "keras.losses.mean_absolute_error": lambda a: build(a, loss=keras.losses.mean_absolute_error),
    }
    for label, builder in builders.items():
        result = checks.task1.evaluate({"make_curve_model": builder})
        assert result.status == "passed", (label, result.message)


def _raises_type_error(activation):
    raise TypeError("unsupported activation")


def _only_two(activation):
    return {"relu": build("relu"), "tanh": build("tanh")}[activation]


@pytest.mark.parametrize("builder, words", [
    (lambda a: build(a, units=(16, 16)), "1-16-16-1 network"),
    (lambda a: build(a, units=(32,)), "1-32-1 network"),
    (lambda a: build(a, units=(10, 6)), "1-10-6-1 network"),
    (lambda a: build("relu"), "use activation 'relu', not 'tanh'"),
    (lambda a: build(a, output=a), "output layer"),
    (lambda a: build(a, output="sigmoid"), "output layer"),
    (lambda a: build(a, loss=None), "not compiled"),
    (lambda a: build(a, loss="mse"), "another loss"),
    (_only_two, "raised KeyError"),
    (_raises_type_error, "raised TypeError"),
    (lambda a: None, "is None"),
    (lambda a: "model", "should be a Keras model"),
    (lambda a: keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), "keras.Input((1,))"),
])
def test_task1_wrong_builders(builder, words):
    state, message = status(checks.task1, {"make_curve_model": builder})
    assert state == "wrong" and words in message, (words, message)


@pytest.mark.parametrize("value, words", [(None, "None"), ("relu", "should be a function"), (3, "int"),
                                          (keras.Sequential, "class"), (build("relu"), "should be a function")])
def test_task1_none_and_wrong_types(value, words):
    state, message = status(checks.task1, {"make_curve_model": value})
    assert state == "wrong" and words in message, message


def test_task1_not_attempted():
    def blank(activation):
        raise NotImplementedError("Task: replace this line with your code")

    assert checks.task1.evaluate({}).status == "not_attempted"
    assert checks.task1.evaluate({"make_curve_model": blank}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_valid_answers_pass(runs):
    models, maes = runs["winner"]
    x, y = checks.curve_data()
    loss = keras.losses.MeanAbsoluteError()
    answers = {
        "lists of floats": maes,
        "NumPy arrays of float32": {k: np.asarray(v, "float32") for k, v in maes.items()},
        "Keras' own MAE": {k: [float(loss(y, m(x))) for m in ms] for k, ms in models.items()},
        "a pandas Series per activation": {k: pd.Series(v) for k, v in maes.items()},
        "tuples": {k: tuple(v) for k, v in maes.items()},
    }
    for label, curve_mae in answers.items():
        result = checks.task2.evaluate({"curve_models": models, "curve_mae": curve_mae})
        assert result.status == "passed", (label, result.message)
    more_runs = {k: v + [run_model(k, 7, 1)] for k, v in runs["overlap"][0].items()}
    assert checks.task2.evaluate({"curve_models": more_runs,
                                  "curve_mae": {k: [mae(m) for m in v] for k, v in more_runs.items()}}).status == "passed"


def test_task2_real_training_passes(tmp_path):
    """Five runs per activation trained for real with the same budget: fit_fast, and model.fit once."""
    from course_utils.lesson.training import fit_fast

    x, y = checks.curve_data()
    models, maes = {"relu": [], "tanh": []}, {"relu": [], "tanh": []}
    for name in models:
        for seed in range(5):
            keras.utils.set_random_seed(seed)
            model = build(name)
            if name == "tanh" and seed == 4:
                model.fit(x, y, epochs=20, batch_size=16, verbose=0)
            else:
                fit_fast(model, x, y, epochs=20, batch_size=16, progress="none")
            models[name].append(model)
            maes[name].append(mae(model))
    result = checks.task2.evaluate({"curve_models": models, "curve_mae": maes})
    assert result.status == "passed", result.message
    # the grader judges models saved as .keras and loaded back in safe mode: same verdicts
    loaded = {name: [reloaded(m, tmp_path / f"{name}{i}.keras") for i, m in enumerate(runs)]
              for name, runs in models.items()}
    assert checks.task2.evaluate({"curve_models": loaded, "curve_mae": maes}).status == "passed"
    summary_ = {name: (float(np.mean(v)), float(np.std(v, ddof=1))) for name, v in maes.items()}
    ns = {"curve_models": loaded, "curve_mae": maes, "curve_summary": summary_,
          "best_activation": checks.decision(summary_)}
    assert checks.task3.evaluate(ns).status == "passed"


def reloaded(model, path):
    model.save(path)
    return keras.models.load_model(path, safe_mode=True)


def test_task2_wrong_answers(runs):
    models, maes = runs["winner"]
    relu, tanh = models["relu"], models["tanh"]
    short = run_model("tanh", 9, 1, steps=STEPS // 2)
    untrained = run_model("tanh", 9, 1, steps=0)
    last_loss = {k: [v * 1.05 for v in vals] for k, vals in maes.items()}      # e.g. history['loss'][-1]
    cases = [
        ({"relu": relu}, {"relu": maes["relu"]}, "compare at least two"),
        ({"relu": relu[0], "tanh": tanh[0]}, {"relu": maes["relu"][0], "tanh": maes["tanh"][0]}, "should be a list"),
        ({"relu": relu[:1], "tanh": tanh[:1]}, {"relu": maes["relu"][:1], "tanh": maes["tanh"][:1]}, "one run can be lucky"),
        (models, {"relu": maes["relu"]}, "same keys"),
        (models, last_loss, "is not the MAE"),
        (models, {"relu": maes["tanh"], "tanh": maes["relu"]}, "is not the MAE"),
        (models, {"relu": maes["relu"][:4], "tanh": maes["tanh"]}, "one MAE per run"),
        ({"relu": tanh, "tanh": relu}, {"relu": maes["tanh"], "tanh": maes["relu"]}, "use activation"),
        ({"relu": relu, "tanh": tanh[:4] + [tanh[0]]}, {"relu": maes["relu"], "tanh": maes["tanh"][:4] + maes["tanh"][:1]},
         "are the same run"),
        ({"relu": relu, "tanh": tanh[:4] + [short]}, {"relu": maes["relu"], "tanh": maes["tanh"][:4] + [mae(short)]},
         "equal budgets"),
        ({"relu": relu, "tanh": tanh[:4] + [untrained]},
         {"relu": maes["relu"], "tanh": maes["tanh"][:4] + [mae(untrained)]}, "has not been trained"),
        (runs["poor"][0], runs["poor"][1], "has not learned the curve"),
        ({"relu": relu, 3: tanh}, {"relu": maes["relu"], 3: maes["tanh"]}, "activation names"),
        ({"relu": relu, "tanh": tanh[:4] + [build("tanh", units=(8,))]}, maes, "network"),
    ]
    secrets = [f"{v:.4f}" for vals in maes.values() for v in vals] + [f"{v:.3f}" for vals in maes.values() for v in vals]
    for curve_models, curve_mae, words in cases:
        state, message = status(checks.task2, {"curve_models": curve_models, "curve_mae": curve_mae})
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets), message


@pytest.mark.parametrize("curve_models, curve_mae, words", [
    (None, {}, "`curve_models` is None"),
    ("relu", {}, "should be a dictionary"),
    ([1, 2], {}, "should be a dictionary"),
    ("runs", None, "`curve_mae` is None"),
    ("runs", [0.1, 0.2], "should be a dictionary"),
    ("runs", "maes-with-text", "an MAE"),
])
def test_task2_none_and_wrong_types(runs, curve_models, curve_mae, words):
    models, maes = runs["winner"]
    if curve_models == "runs":
        curve_models = models
    if curve_mae == "maes-with-text":
        curve_mae = {"relu": ["small"] * 5, "tanh": maes["tanh"]}
    state, message = status(checks.task2, {"curve_models": curve_models, "curve_mae": curve_mae})
    assert state == "wrong" and words in message, message


def test_task2_not_attempted(runs):
    assert checks.task2.evaluate({"curve_models": runs["winner"][0]}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def task3_ns(runs, key, curve_summary, best):
    models, maes = runs[key]
    return {"curve_summary": curve_summary, "best_activation": best, "curve_models": models, "curve_mae": maes}


def test_task3_valid_answers_pass(runs):
    w_maes, o_maes = runs["winner"][1], runs["overlap"][1]
    cases = {
        "winner, (mean, sd) with ddof=1": task3_ns(runs, "winner", summary(w_maes), "tanh"),
        "winner, np.std's ddof=0": task3_ns(runs, "winner", summary(w_maes, ddof=0), "tanh"),
        "winner, pandas agg table": task3_ns(runs, "winner", pd.DataFrame(w_maes).agg(["mean", "std"]), "tanh"),
        "winner, describe().T table": task3_ns(runs, "winner", pd.DataFrame(w_maes).describe().T, "tanh"),
        "winner, dicts with mean and sd": task3_ns(runs, "winner", {k: {"mean": m, "sd": s}
                                                                   for k, (m, s) in summary(w_maes).items()}, "tanh"),
        "overlap, None": task3_ns(runs, "overlap", summary(o_maes), None),
        "overlap, NumPy pairs": task3_ns(runs, "overlap", {k: np.array(v) for k, v in summary(o_maes).items()}, None),
    }
    for label, ns in cases.items():
        result = checks.task3.evaluate(ns)
        assert result.status == "passed", (label, result.message)


def test_task3_wrong_answers(runs):
    w_maes, o_maes = runs["winner"][1], runs["overlap"][1]
    w_sum, o_sum = summary(w_maes), summary(o_maes)
    cases = [
        (task3_ns(runs, "overlap", o_sum, "tanh"), "does not follow the rule"),      # lower mean, overlapping spread
        (task3_ns(runs, "winner", w_sum, None), "does not follow the rule"),
        (task3_ns(runs, "winner", w_sum, "relu"), "does not have the lowest mean"),
        (task3_ns(runs, "overlap", o_sum, "None"), "without quotes"),
        (task3_ns(runs, "overlap", o_sum, "tie"), "without quotes"),
        (task3_ns(runs, "winner", w_sum, "sigmoid"), "one of the keys"),
        (task3_ns(runs, "winner", w_sum, ["tanh"]), "should be an activation name (a string such as 'relu') or None, "
                                                     "yours is a list"),
        (task3_ns(runs, "winner", w_sum, 1), "yours is a int"),
        (task3_ns(runs, "winner", {k: (m, s**2) for k, (m, s) in w_sum.items()}, "tanh"), "variance"),
        (task3_ns(runs, "winner", {k: (np.median(w_maes[k]), s) for k, (m, s) in w_sum.items()}, "tanh"), "not the mean"),
        (task3_ns(runs, "winner", {k: (m, np.ptp(w_maes[k])) for k, (m, s) in w_sum.items()}, "tanh"),
         "not the standard deviation"),
        (task3_ns(runs, "winner", {"tanh": w_sum["tanh"]}, "tanh"), "same keys"),
        (task3_ns(runs, "winner", {k: m for k, (m, s) in w_sum.items()}, "tanh"), "pair (mean, sd)"),
        ({**task3_ns(runs, "winner", w_sum, "tanh"), "curve_mae": {"relu": [1.0] * 5, "tanh": [1.0] * 5}},
         "task 2 is not right yet"),
    ]
    secrets = [f"{v:.3f}" for pair in w_sum.values() for v in pair] + [f"{v:.3f}" for pair in o_sum.values() for v in pair]
    for ns, words in cases:
        state, message = status(checks.task3, ns)
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets), message


def test_task3_not_attempted(runs):
    ns = task3_ns(runs, "winner", summary(runs["winner"][1]), "tanh")
    del ns["curve_summary"]
    assert checks.task3.evaluate(ns).status == "not_attempted"
    ns = task3_ns(runs, "winner", summary(runs["winner"][1]), "tanh")
    del ns["best_activation"]
    assert checks.task3.evaluate(ns).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_09"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)
