"""Tests for the checks of exercise 02_09 (non-linear regression, choice of activation): right
answers pass, wrong answers, None and wrong types are "wrong" with a message (never an
exception), a missing name (or a builder that still raises NotImplementedError) is "not
attempted", and no message gives the expected numbers away.

Right answers are built without training: the two hidden layers get hand-set weights (units
spread over the x range, the second layer the identity), and the output layer is solved by
least squares, so the 1-32-32-1 networks fit the curve well.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils.checks import ex02_09 as checks


# --------------------------------------------------------------------------- builders and fitted models

def build(activation, units=(32, 32), *, output=None, compile_loss="mae", separate=False):
    layers = [keras.Input((1,))]
    for n in units:
        if separate:
            layers += [keras.layers.Dense(n), keras.layers.Activation(activation)]
        else:
            layers.append(keras.layers.Dense(n, activation=activation))
    layers.append(keras.layers.Dense(1, activation=output))
    model = keras.Sequential(layers)
    if compile_loss is not None:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=compile_loss)
    return model


def hidden_features(activation, x):
    """Weights of the two hidden layers and the second layer's outputs on x (NumPy)."""
    centers = np.linspace(-6.3, 6.3, 32)
    slope = 1.0 if activation == "relu" else 2.0
    W1 = np.full((1, 32), slope)
    b1 = -slope * centers
    W2, b2 = np.eye(32), np.zeros(32)
    f = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[activation]
    return (W1, b1, W2, b2), f(f(x @ W1 + b1) @ W2 + b2)


def fitted(activation, every=1):
    """A 1-32-32-1 model whose output layer is the least-squares fit on the curve data, using
    every `every`-th hidden unit of the second layer (a coarse fit for every > 1)."""
    x, y = checks.curve_data()
    (W1, b1, W2, b2), h = hidden_features(activation, x.astype("float64"))
    used = np.arange(0, 32, every)
    design = np.column_stack([h[:, used], np.ones(len(x))])
    coef, *_ = np.linalg.lstsq(design, y[:, 0], rcond=None)
    W3 = np.zeros((32, 1))
    W3[used, 0] = coef[:-1]
    model = build(activation)
    for layer, weights in zip(model.layers, [(W1, b1), (W2, b2), (W3, coef[-1:])]):
        layer.set_weights([np.asarray(w, "float32") for w in weights])
    return model


def mae(model):
    x, y = checks.curve_data()
    return float(np.mean(np.abs(keras.ops.convert_to_numpy(model(x)) - y)))


@pytest.fixture(scope="module")
def models():
    good = {"relu": fitted("relu"), "tanh": fitted("tanh")}
    poor = {"relu": fitted("relu", every=8), "tanh": fitted("tanh", every=8)}
    return {"good": good, "good_mae": {k: mae(m) for k, m in good.items()},
            "poor": poor, "poor_mae": {k: mae(m) for k, m in poor.items()}}


def status(task, ns):
    result = task.evaluate(ns)
    return result.status, result.message


def test_the_hand_made_models_fit_as_the_tests_assume(models):
    assert all(v < checks.MAX_MAE for v in models["good_mae"].values())
    assert all(checks.MAX_MAE < v < 1.9 for v in models["poor_mae"].values())
    assert models["good_mae"]["relu"] != models["good_mae"]["tanh"]


def test_curve_data_matches_the_exercise_cell():
    rng = np.random.default_rng(9)
    x = rng.uniform(-6, 6, size=(300, 1)).astype("float32")
    y = (x * np.sin(x) + rng.normal(0, 0.1, size=(300, 1))).astype("float32")
    x2, y2 = checks.curve_data()
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


# --------------------------------------------------------------------------- task 1

def test_task1_right_answers_pass():
    assert checks.task1.evaluate({"make_curve_model": build}).status == "passed"
    separate = lambda a: build(a, separate=True)  # noqa: E731  Dense + Activation layers
    assert checks.task1.evaluate({"make_curve_model": separate}).status == "passed"
    as_object = lambda a: build(a, compile_loss=keras.losses.MeanAbsoluteError())  # noqa: E731
    assert checks.task1.evaluate({"make_curve_model": as_object}).status == "passed"


def _same_model_every_time():
    model = build("relu")
    return lambda activation: model


def _raises_type_error(activation):
    raise TypeError("unsupported activation")


@pytest.mark.parametrize("builder, words", [
    (lambda a: build(a, units=(16, 16)), "1-16-16-1 network"),
    (lambda a: build(a, units=(32,)), "1-32-1 network"),
    (lambda a: build("relu"), "use activation 'relu', not 'tanh'"),
    (lambda a: build(a, output="sigmoid"), "output layer"),
    (lambda a: build(a, compile_loss=None), "not compiled"),
    (lambda a: build(a, compile_loss="mse"), "another loss"),
    (_same_model_every_time(), "same model object"),
    (_raises_type_error, "failed: TypeError"),
    (lambda a: None, "None"),
    (lambda a: "model", "should be a Keras model"),
    (lambda a: keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), "keras.Input((1,))"),
])
def test_task1_wrong_builders(builder, words):
    state, message = status(checks.task1, {"make_curve_model": builder})
    assert state == "wrong" and words in message, (words, message)


@pytest.mark.parametrize("value, words", [(None, "None"), ("relu", "should be a function"), (3, "int"),
                                          (keras.Sequential, "should be a function")])
def test_task1_none_and_wrong_types(value, words):
    state, message = status(checks.task1, {"make_curve_model": value})
    assert state == "wrong" and words in message, message


def test_task1_model_instead_of_builder():
    state, message = status(checks.task1, {"make_curve_model": build("relu")})
    assert state == "wrong" and "should be a function" in message


def test_task1_not_attempted():
    def blank(activation):
        raise NotImplementedError("Task: replace this line with your code")

    assert checks.task1.evaluate({}).status == "not_attempted"
    assert checks.task1.evaluate({"make_curve_model": blank}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_right_answers_pass(models):
    ns = {"curve_models": models["good"], "activation_mae": dict(models["good_mae"])}
    assert checks.task2.evaluate(ns).status == "passed"
    # float32 / NumPy values and a value computed with Keras' own MAE are fine
    ns["activation_mae"] = {k: np.float32(v) for k, v in models["good_mae"].items()}
    assert checks.task2.evaluate(ns).status == "passed"
    x, y = checks.curve_data()
    loss = keras.losses.MeanAbsoluteError()
    ns["activation_mae"] = {k: float(loss(y, m(x))) for k, m in models["good"].items()}
    assert checks.task2.evaluate(ns).status == "passed"


def test_task2_wrong_answers(models):
    good, good_mae = models["good"], models["good_mae"]
    keras.utils.set_random_seed(0)
    untrained = {"relu": build("relu"), "tanh": build("tanh")}
    untrained_mae = {k: mae(m) for k, m in untrained.items()}
    cases = [
        ({"relu": good["relu"]}, {"relu": good_mae["relu"]}, "at least two"),
        (good, {"relu": good_mae["relu"]}, "same keys"),
        (good, {**good_mae, "elu": 0.1}, "same keys"),
        (good, {"relu": good_mae["tanh"], "tanh": good_mae["relu"]}, "is not the MAE"),
        (good, {"relu": good_mae["relu"] * 1.05, "tanh": good_mae["tanh"]}, "is not the MAE"),
        ({"relu": good["tanh"], "tanh": good["relu"]}, good_mae, "use activation"),
        (untrained, untrained_mae, "has not been trained"),
        ({"relu": good["relu"], 3: good["tanh"]}, {"relu": 0.1, 3: 0.1}, "activation names"),
        ({"relu": good["relu"], "tanh": build("tanh", units=(8,))}, good_mae, "network"),
    ]
    secrets = [f"{v:.4f}" for v in good_mae.values()] + [f"{v:.3f}" for v in good_mae.values()]
    for curve_models, activation_mae, words in cases:
        state, message = status(checks.task2, {"curve_models": curve_models, "activation_mae": activation_mae})
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets), message


@pytest.mark.parametrize("curve_models, activation_mae, words", [
    (None, {}, "`curve_models` is None"),
    ("relu", {}, "should be a dictionary"),
    ([1, 2], {}, "should be a dictionary"),
    ("good", None, "`activation_mae` is None"),
    ("good", [0.1, 0.2], "should be a dictionary"),
    ("good", {"relu": "small", "tanh": 0.1}, "activation_mae['relu']"),
    ("good", {"relu": None, "tanh": 0.1}, "None"),
    ({"relu": "model", "tanh": None}, {"relu": 0.1, "tanh": 0.1}, "Keras model"),
])
def test_task2_none_and_wrong_types(models, curve_models, activation_mae, words):
    if curve_models == "good":
        curve_models = models["good"]
    state, message = status(checks.task2, {"curve_models": curve_models, "activation_mae": activation_mae})
    assert state == "wrong" and words in message, message


def test_task2_not_attempted(models):
    assert checks.task2.evaluate({"curve_models": models["good"]}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def task3_ns(models, best, kind="good"):
    return {"best_activation": best, "curve_models": models[kind], "activation_mae": dict(models[kind + "_mae"])}


def test_task3_right_answer_passes(models):
    best = min(models["good_mae"], key=models["good_mae"].get)
    assert checks.task3.evaluate(task3_ns(models, best)).status == "passed"


def test_task3_wrong_answers(models):
    best = min(models["good_mae"], key=models["good_mae"].get)
    other = "tanh" if best == "relu" else "relu"
    poor_best = min(models["poor_mae"], key=models["poor_mae"].get)
    cases = [
        (task3_ns(models, other), "not the activation with the lowest MAE"),
        (task3_ns(models, "sigmoid"), "one of the keys"),
        (task3_ns(models, best.upper()), "one of the keys"),
        (task3_ns(models, poor_best, kind="poor"), f"should be below {checks.MAX_MAE}"),
        ({**task3_ns(models, best), "activation_mae": {"relu": 1.0, "tanh": 1.0}}, "task 2 is not right yet"),
        ({**task3_ns(models, best), "curve_models": None}, "`curve_models` is None"),
    ]
    secrets = [f"{v:.3f}" for v in models["good_mae"].values()]
    for ns, words in cases:
        state, message = status(checks.task3, ns)
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets), message


@pytest.mark.parametrize("value, words", [(None, "None"), (0, "int"), (["tanh"], "list")])
def test_task3_none_and_wrong_types(models, value, words):
    state, message = status(checks.task3, task3_ns(models, value))
    assert state == "wrong" and words in message, message


def test_task3_not_attempted(models):
    ns = task3_ns(models, "tanh")
    del ns["best_activation"]
    assert checks.task3.evaluate(ns).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_09"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.hints for t in checks.exercise.tasks)
    assert [t.number for t in checks.exercise.tasks] == [1, 2, 3]
