"""Tests for the checks of exercise 02_01 (XOR with a multi-layer perceptron): for every task,
valid alternative answers pass (separate Activation layers, `.add`, list inputs/outputs, any way
of training), typical wrong answers are "wrong" with a message naming the mistake, None and
wrong types give messages (never an exception), a missing name is "not attempted", and no
message gives an expected count (43 parameters, 2000 steps) away."""

from __future__ import annotations

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.checks import ex02_01 as checks
from course_utils.lesson.xor import XOR_X, XOR_Y


@pytest.fixture(scope="module")
def keras():
    from course_utils.lesson.notebook_setup import import_tensorflow_quietly

    keras = import_tensorflow_quietly()[1]
    keras.utils.set_random_seed(0)
    return keras


def assert_wrong(result, *fragments):
    assert result.status == "wrong", result
    assert result.message, result
    assert "43" not in result.message and "2000" not in result.message, result.message  # never an expected count
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)


def sequential(keras, units=(4, 5, 1), activation="sigmoid", n_inputs=2, use_bias=True, with_input=True):
    layers = [keras.layers.Dense(u, activation=activation, use_bias=use_bias) for u in units]
    return keras.Sequential(([keras.Input((n_inputs,))] if with_input else []) + layers)


def sequential_added(keras):
    """The slides' style: model.add(...) one layer at a time, the sigmoid as a separate layer."""
    model = keras.Sequential()
    model.add(keras.Input(shape=(2,)))
    for u in (4, 5, 1):
        model.add(keras.layers.Dense(u))
        model.add(keras.layers.Activation("sigmoid"))
    return model


def functional(keras, units=(4, 5, 1), activation="sigmoid"):
    inputs = keras.Input(shape=(2,))
    h = inputs
    for u in units:
        h = keras.layers.Dense(u, activation=activation)(h)
    return keras.Model(inputs=inputs, outputs=h)


def functional_slides(keras):
    """The slides' spelling: lists for inputs and outputs, keras.layers.Input, a callable activation."""
    import tensorflow as tf

    input_layer = keras.layers.Input(shape=(2,))
    x = keras.layers.Dense(4, activation=tf.nn.sigmoid)(input_layer)
    x = keras.layers.Dense(5, activation=keras.activations.sigmoid)(x)
    out = keras.layers.Activation("sigmoid")(keras.layers.Dense(1)(x))
    return keras.Model(inputs=[input_layer], outputs=[out])


def solve_by_hand(model):
    """Set weights that compute XOR: layer 1 = (OR, NAND, 0, 0), layer 2 = AND of them, output = copy."""
    d1, d2, d3 = [layer for layer in model.layers if layer.weights]
    w1 = np.zeros((2, 4), "float32")
    b1 = np.zeros(4, "float32")
    w1[:, 0], b1[0] = 20, -10        # OR
    w1[:, 1], b1[1] = -20, 30        # NAND
    w2 = np.zeros((4, 5), "float32")
    b2 = np.zeros(5, "float32")
    w2[0, 0] = w2[1, 0] = 20
    b2[0] = -30                       # AND(OR, NAND) = XOR
    w3 = np.zeros((5, 1), "float32")
    w3[0, 0] = 20
    b3 = np.array([-10], "float32")
    for layer, (w, b) in zip((d1, d2, d3), ((w1, b1), (w2, b2), (w3, b3))):
        layer.set_weights([w, b])
    return model


def compile_xor(keras, model):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
                  metrics=["binary_accuracy"])
    return model


# --------------------------------------------------------------------------- tasks 1 and 2


def test_task1_valid_answers_pass_untrained(keras):
    assert checks.task1.evaluate({"seq_model": sequential(keras)}).status == "passed"
    assert checks.task1.evaluate({"seq_model": sequential_added(keras)}).status == "passed"
    dropout = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"), keras.layers.Dropout(0.1),
                                keras.layers.Dense(5, activation="sigmoid"), keras.layers.Dense(1, activation="sigmoid")])
    assert checks.task1.evaluate({"seq_model": dropout}).status == "passed"   # no weights, identity when predicting
    assert checks.task1.evaluate({"seq_model": compile_xor(keras, sequential(keras))}).status == "passed"


def test_task2_valid_answers_pass_untrained(keras):
    assert checks.task2.evaluate({"func_model": functional(keras)}).status == "passed"
    assert checks.task2.evaluate({"func_model": functional_slides(keras)}).status == "passed"
    from course_utils.lesson.xor import build_xor_mlp
    assert checks.task2.evaluate({"func_model": build_xor_mlp("functional")}).status == "passed"


def test_task1_task2_wrong_api(keras):
    assert_wrong(checks.task1.evaluate({"seq_model": functional(keras)}), "keras.Sequential")
    assert_wrong(checks.task2.evaluate({"func_model": sequential(keras)}), "Sequential model", "Functional API")

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = keras.layers.Dense(1)

        def call(self, x):
            return self.d(x)

    assert_wrong(checks.task2.evaluate({"func_model": Subclassed()}), "keras.Model(inputs=")


@pytest.mark.parametrize("task, name, build", [
    (checks.task1, "seq_model", sequential),
    (checks.task2, "func_model", None),
])
def test_task1_task2_wrong_architectures(keras, task, name, build):
    make = build or (lambda keras, **kw: functional(keras, **{k: v for k, v in kw.items() if k in ("units", "activation")}))
    assert_wrong(task.evaluate({name: make(keras, units=(4, 4, 1))}), "units [4, 4, 1]")
    assert_wrong(task.evaluate({name: make(keras, units=(5, 4, 1))}), "units [5, 4, 1]")
    assert_wrong(task.evaluate({name: make(keras, units=(4, 5, 2))}), "units [4, 5, 2]")
    assert_wrong(task.evaluate({name: make(keras, activation="relu")}), "'relu'", "sigmoid")


def test_task1_wrong_activation_layers(keras):
    double = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                               keras.layers.Activation("sigmoid"), keras.layers.Dense(5, activation="sigmoid"),
                               keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task1.evaluate({"seq_model": double}), "Dense layer 1", "2 activations")
    linear = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"), keras.layers.Dense(5),
                               keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task1.evaluate({"seq_model": linear}), "Dense layer 2", "no activation")
    softmax_out = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                                    keras.layers.Dense(5, activation="sigmoid"), keras.layers.Dense(1),
                                    keras.layers.Activation("relu")])
    assert_wrong(checks.task1.evaluate({"seq_model": softmax_out}), "Dense layer 3", "'relu'")


def test_task1_more_wrong_models(keras):
    assert_wrong(checks.task1.evaluate({"seq_model": sequential(keras, with_input=False)}), "keras.Input((2,))")
    assert_wrong(checks.task1.evaluate({"seq_model": sequential(keras, n_inputs=3)}), "shape")
    assert_wrong(checks.task1.evaluate({"seq_model": sequential(keras, use_bias=False)}), "bias")
    mixed = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                              keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task1.evaluate({"seq_model": mixed}), "Dense layer 2", "'tanh'")
    normed = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                               keras.layers.BatchNormalization(),
                               keras.layers.Dense(5, activation="sigmoid"), keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task1.evaluate({"seq_model": normed}), "BatchNormalization")


@pytest.mark.parametrize("task, name", [(checks.task1, "seq_model"), (checks.task2, "func_model"),
                                        (checks.task5, "func_model")])
def test_model_tasks_missing_none_and_bad_types(task, name):
    assert task.evaluate({}).status == "not_attempted"
    assert_wrong(task.evaluate({name: None}), "None")
    assert_wrong(task.evaluate({name: "model"}), "Keras model", "str")
    assert_wrong(task.evaluate({name: np.zeros((4, 1))}), "Keras model", "ndarray")
    assert_wrong(task.evaluate({name: lambda x: x}), "Keras model", "function")


# --------------------------------------------------------------------------- task 3


def right_dense_params(n_in, n_out):
    return (n_in + 1) * n_out


@pytest.mark.parametrize("fn, total", [
    (right_dense_params, 43),
    (lambda n_in, n_out: np.int64(n_in * n_out + n_out), np.int64(43)),
    (lambda n_in, n_out: float((n_in + 1) * n_out), 43.0),
    (right_dense_params, np.array(43)),
    (lambda a, b: a * b + b, 12 + 25 + 6),
])
def test_task3_valid_answers(fn, total):
    assert checks.task3.evaluate({"dense_params": fn, "n_params": total}).status == "passed"


def blank(n_in, n_out):
    raise NotImplementedError("Task: replace this line with your code")


@pytest.mark.parametrize("fn, total, fragment", [
    (lambda n_in, n_out: n_in * n_out, 33, "only the weights"),
    (lambda n_in, n_out: n_in * (n_out + 1), 43, "one bias per unit"),
    (lambda n_in, n_out: (n_in + 1) * (n_out + 1), 43, "one bias per unit"),
    (lambda n_in, n_out: 12, 43, "dense_params(4, 5) returned 12"),   # memorised first layer
    (lambda n_in, n_out: {(2, 4): 12, (4, 5): 25, (5, 1): 6}.get((n_in, n_out), 0), 43, "dense_params(3, 7)"),
    (right_dense_params, 33, "`n_params` is 33"),
    (right_dense_params, 42, "`n_params` is 42"),
    (lambda n_in, n_out: str((n_in + 1) * n_out), 43, "str"),
    (lambda n_in, n_out: (n_in + 1) * n_out + 0.5, 43, "whole number"),
    (lambda n_in: n_in, 43, "raised TypeError"),
])
def test_task3_wrong_answers(fn, total, fragment):
    assert_wrong(checks.task3.evaluate({"dense_params": fn, "n_params": total}), fragment)


def test_task3_missing_blank_none_and_bad_types():
    assert checks.task3.evaluate({}).status == "not_attempted"
    assert checks.task3.evaluate({"dense_params": right_dense_params}).status == "not_attempted"
    assert checks.task3.evaluate({"dense_params": blank, "n_params": 43}).status == "not_attempted"
    assert_wrong(checks.task3.evaluate({"dense_params": None, "n_params": 43}), "None")
    assert_wrong(checks.task3.evaluate({"dense_params": 12, "n_params": 43}), "function", "int")
    assert_wrong(checks.task3.evaluate({"dense_params": right_dense_params, "n_params": None}), "None")
    assert_wrong(checks.task3.evaluate({"dense_params": right_dense_params, "n_params": "43 params"}), "str")
    assert_wrong(checks.task3.evaluate({"dense_params": right_dense_params, "n_params": [12, 25, 6]}), "list")
    assert_wrong(checks.task3.evaluate({"dense_params": right_dense_params, "n_params": True}), "bool")


# --------------------------------------------------------------------------- task 4


def ceil_division(n_rows, batch_size):
    return math.ceil(n_rows / batch_size)


@pytest.mark.parametrize("fn, total", [
    (ceil_division, 2000),
    (lambda n, b: -(-n // b), 20 * 100),
    (lambda n, b: int(np.ceil(n / b)), np.int64(2000)),
    (lambda n, b: np.ceil(n / b), 2000.0),               # a float that is a whole number
    (lambda n, b: n // b + (n % b > 0), ceil_division(400, 4) * 20),
])
def test_task4_valid_answers(fn, total):
    assert checks.task4.evaluate({"steps_per_epoch": fn, "n_steps": total}).status == "passed"


@pytest.mark.parametrize("fn, total, fragment", [
    (lambda n, b: n // b, 2000, "one last, smaller batch"),          # floor division drops the last batch
    (lambda n, b: n / b, 2000, "whole number"),                      # 2.5 batches
    (lambda n, b: round(n / b), 2000, "steps_per_epoch(10, 4) returned 2"),
    (lambda n, b: b // n, 2000, "steps_per_epoch(4, 2) returned 0"),
    (lambda n, b: n * b, 2000, "returned 16"),
    (lambda n, b: n, 2000, "steps_per_epoch(4, 4) returned 4"),     # rows, not batches
    (ceil_division, 20, "number of epochs"),
    (ceil_division, 100, "one epoch's steps"),
    (ceil_division, 400, "`n_steps` is 400"),
    (ceil_division, 8000, "`n_steps` is 8000"),
    (lambda n: n, 2000, "raised TypeError"),
])
def test_task4_wrong_answers(fn, total, fragment):
    assert_wrong(checks.task4.evaluate({"steps_per_epoch": fn, "n_steps": total}), fragment)


def test_task4_missing_blank_none_and_bad_types():
    assert checks.task4.evaluate({}).status == "not_attempted"
    assert checks.task4.evaluate({"steps_per_epoch": ceil_division}).status == "not_attempted"
    assert checks.task4.evaluate({"steps_per_epoch": blank, "n_steps": 2000}).status == "not_attempted"
    assert_wrong(checks.task4.evaluate({"steps_per_epoch": None, "n_steps": 2000}), "None")
    assert_wrong(checks.task4.evaluate({"steps_per_epoch": 100, "n_steps": 2000}), "function", "int")
    assert_wrong(checks.task4.evaluate({"steps_per_epoch": ceil_division, "n_steps": "2000"}), "str")
    assert_wrong(checks.task4.evaluate({"steps_per_epoch": ceil_division, "n_steps": 1999.5}), "whole number")


# --------------------------------------------------------------------------- task 5


def test_task5_hand_solved_model_passes(keras):
    model = solve_by_hand(functional(keras))
    assert np.array_equal(np.asarray(model(XOR_X)) > 0.5, XOR_Y > 0.5)
    assert checks.task5.evaluate({"func_model": model}).status == "passed"
    # compiled or not: the check only looks at the answers
    assert checks.task5.evaluate({"func_model": compile_xor(keras, model)}).status == "passed"
    assert checks.task5.evaluate({"func_model": solve_by_hand(functional_slides(keras))}).status == "passed"


@pytest.fixture(scope="module")
def trained_both_ways(keras):
    """The exercise's model trained with model.fit on the repeated rows and with fit_fast."""
    from course_utils.lesson.training import fit_fast
    from course_utils.lesson.xor import XOR_EPOCHS, XOR_REPEATS, XOR_SEED, XOR_STEPS

    keras.utils.set_random_seed(XOR_SEED)
    with_fit = compile_xor(keras, functional(keras))
    start = with_fit.get_weights()
    with_fit.fit(np.tile(XOR_X, (XOR_REPEATS, 1)), np.tile(XOR_Y, (XOR_REPEATS, 1)), epochs=XOR_EPOCHS,
                 batch_size=4, shuffle=False, verbose=0)
    with_fast = compile_xor(keras, functional(keras))
    with_fast.set_weights(start)
    fit_fast(with_fast, XOR_X, XOR_Y, epochs=XOR_STEPS, progress="none")
    return with_fit, with_fast


def test_task5_trained_with_fit_or_fit_fast_passes(trained_both_ways):
    with_fit, with_fast = trained_both_ways
    for model in (with_fit, with_fast):
        assert checks.task5.evaluate({"func_model": model}).status == "passed"
    for a, b in zip(with_fit.get_weights(), with_fast.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)


def test_task5_untrained_model(keras):
    result = checks.task5.evaluate({"func_model": functional(keras)})
    assert_wrong(result, "did you train it?", "accuracy")
    result = checks.task5.evaluate({"func_model": compile_xor(keras, functional(keras))})
    assert_wrong(result, "did you train it?")


def test_task5_undertrained_model(keras):
    from course_utils.lesson.training import fit_fast

    keras.utils.set_random_seed(0)
    model = compile_xor(keras, functional(keras))
    fit_fast(model, XOR_X, XOR_Y, epochs=10, progress="none")
    assert_wrong(checks.task5.evaluate({"func_model": model}), "after 10 training steps", "not solved")


def test_task5_solved_but_wrong_architecture(keras):
    assert_wrong(checks.task5.evaluate({"func_model": solve_by_hand(sequential(keras))}), "Sequential model")
    relu = solve_by_hand(functional(keras, activation="relu"))
    assert_wrong(checks.task5.evaluate({"func_model": relu}), "'relu'")


def test_task5_model_with_nan_weights(keras):
    model = functional(keras)
    model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
    assert_wrong(checks.task5.evaluate({"func_model": model}), "NaN")


def test_module_layout():
    assert checks.exercise.number == "02_01"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4, checks.task5]
    assert all(t.exercise.number == "02_01" and len(t.hints) >= 2 for t in checks.exercise.tasks)


def test_judges_work_on_models_saved_and_loaded_back(keras, tmp_path):
    """The grader saves Keras models and loads them back in safe mode: the judges must still work."""
    for name, model, task in [("seq", sequential_added(keras), checks.task1),
                              ("func", compile_xor(keras, solve_by_hand(functional(keras))), checks.task5)]:
        path = tmp_path / f"{name}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        key = "seq_model" if task is checks.task1 else "func_model"
        assert task.evaluate({key: loaded}).status == "passed"
    relu = functional(keras, activation="relu")
    relu.save(tmp_path / "relu.keras")
    assert_wrong(checks.task2.evaluate({"func_model": keras.saving.load_model(tmp_path / "relu.keras")}), "'relu'")
