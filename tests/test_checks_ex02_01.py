"""Tests for the checks of exercise 02_01 (XOR with a multi-layer perceptron): right answers
pass (built and, for task 3, hand-set weights that solve XOR — no training needed), wrong
answers, None and wrong types are "wrong" with a message (never an exception), a missing
name is "not attempted", and no message gives the parameter count (43) away."""

from __future__ import annotations

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
    assert "43" not in result.message, result.message  # never the expected parameter count
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)


def sequential(keras, units=(4, 5, 1), activation="sigmoid", n_inputs=2, use_bias=True, with_input=True):
    layers = [keras.layers.Dense(u, activation=activation, use_bias=use_bias) for u in units]
    return keras.Sequential(([keras.Input((n_inputs,))] if with_input else []) + layers)


def functional(keras, units=(4, 5, 1), activation="sigmoid"):
    inputs = keras.Input(shape=(2,))
    h = inputs
    for u in units:
        h = keras.layers.Dense(u, activation=activation)(h)
    return keras.Model(inputs=inputs, outputs=h)


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


def test_task1_right_answer_passes_untrained(keras):
    assert checks.task1.evaluate({"seq_model": sequential(keras)}).status == "passed"


def test_task2_right_answer_passes_untrained(keras):
    assert checks.task2.evaluate({"func_model": functional(keras)}).status == "passed"


def test_task1_task2_wrong_api(keras):
    assert_wrong(checks.task1.evaluate({"seq_model": functional(keras)}), "keras.Sequential")
    assert_wrong(checks.task2.evaluate({"func_model": sequential(keras)}), "Sequential model", "Functional API")

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = keras.layers.Dense(1)

        def call(self, x):
            return self.d(x)

    assert_wrong(checks.task2.evaluate({"func_model": Subclassed()}), "keras.Model(inputs=inputs")


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
                                        (checks.task3, "func_model")])
def test_tasks_1_to_3_missing_none_and_bad_types(task, name):
    assert task.evaluate({}).status == "not_attempted"
    assert_wrong(task.evaluate({name: None}), "None")
    assert_wrong(task.evaluate({name: "model"}), "Keras model", "str")
    assert_wrong(task.evaluate({name: np.zeros((4, 1))}), "Keras model", "ndarray")
    assert_wrong(task.evaluate({name: lambda x: x}), "Keras model", "function")


# --------------------------------------------------------------------------- task 3


def test_task3_hand_solved_model_passes(keras):
    model = solve_by_hand(functional(keras))
    assert np.array_equal(np.asarray(model(XOR_X)) > 0.5, XOR_Y > 0.5)
    assert checks.task3.evaluate({"func_model": model}).status == "passed"
    # compiled or not: the check only looks at the answers
    assert checks.task3.evaluate({"func_model": compile_xor(keras, model)}).status == "passed"


def test_task3_untrained_model(keras):
    result = checks.task3.evaluate({"func_model": functional(keras)})
    assert_wrong(result, "did you train it?", "accuracy")
    result = checks.task3.evaluate({"func_model": compile_xor(keras, functional(keras))})
    assert_wrong(result, "did you train it?")


def test_task3_undertrained_model(keras):
    from course_utils.lesson.training import fit_fast

    keras.utils.set_random_seed(0)
    model = compile_xor(keras, functional(keras))
    fit_fast(model, XOR_X, XOR_Y, epochs=10, progress="none")
    assert_wrong(checks.task3.evaluate({"func_model": model}), "after 10 training steps", "not solved")


def test_task3_solved_but_wrong_architecture(keras):
    model = solve_by_hand(sequential(keras))
    assert_wrong(checks.task3.evaluate({"func_model": model}), "Sequential model")


def test_task3_model_with_nan_weights(keras):
    model = functional(keras)
    model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
    assert_wrong(checks.task3.evaluate({"func_model": model}), "NaN")


# --------------------------------------------------------------------------- task 4


def right_dense_params(n_in, n_out):
    return (n_in + 1) * n_out


@pytest.mark.parametrize("fn, total", [
    (right_dense_params, 43),
    (lambda n_in, n_out: np.int64(n_in * n_out + n_out), np.int64(43)),
    (lambda n_in, n_out: float((n_in + 1) * n_out), 43.0),
    (right_dense_params, np.array(43)),
])
def test_task4_right_answers_pass(fn, total):
    assert checks.task4.evaluate({"dense_params": fn, "n_params": total}).status == "passed"


def blank(n_in, n_out):
    raise NotImplementedError("Task: replace this line with your code")


@pytest.mark.parametrize("fn, total, fragment", [
    (lambda n_in, n_out: n_in * n_out, 33, "only the weights"),
    (lambda n_in, n_out: n_in * (n_out + 1), 43, "one bias per unit"),
    (lambda n_in, n_out: (n_in + 1) * (n_out + 1), 43, "one bias per unit"),
    (lambda n_in, n_out: 12, 43, "dense_params(4, 5) returned 12"),   # memorised first layer
    (right_dense_params, 33, "`n_params` is 33"),
    (right_dense_params, 42, "`n_params` is 42"),
    (lambda n_in, n_out: str((n_in + 1) * n_out), 43, "str"),
    (lambda n_in, n_out: (n_in + 1) * n_out + 0.5, 43, "whole number"),
    (lambda n_in: n_in, 43, "raised TypeError"),
])
def test_task4_wrong_answers(fn, total, fragment):
    assert_wrong(checks.task4.evaluate({"dense_params": fn, "n_params": total}), fragment)


def test_task4_missing_blank_none_and_bad_types():
    assert checks.task4.evaluate({}).status == "not_attempted"
    assert checks.task4.evaluate({"dense_params": right_dense_params}).status == "not_attempted"
    assert checks.task4.evaluate({"dense_params": blank, "n_params": 43}).status == "not_attempted"
    assert_wrong(checks.task4.evaluate({"dense_params": None, "n_params": 43}), "None")
    assert_wrong(checks.task4.evaluate({"dense_params": 12, "n_params": 43}), "function", "int")
    assert_wrong(checks.task4.evaluate({"dense_params": right_dense_params, "n_params": None}), "None")
    assert_wrong(checks.task4.evaluate({"dense_params": right_dense_params, "n_params": "43 params"}), "str")
    assert_wrong(checks.task4.evaluate({"dense_params": right_dense_params, "n_params": [12, 25, 6]}), "list")
    assert_wrong(checks.task4.evaluate({"dense_params": right_dense_params, "n_params": True}), "bool")


def test_module_layout():
    assert checks.exercise.number == "02_01"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(t.exercise.number == "02_01" and t.hints for t in checks.exercise.tasks)
