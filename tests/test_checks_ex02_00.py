"""Tests for the checks of exercise 02_00 (perceptron and logic gates): right answers pass
(any weights with the right truth table), wrong answers, None and wrong types are "wrong"
with a message (never an exception), a missing name is "not attempted", and no message
gives the expected weights away."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.checks import ex02_00 as checks


def status(task, **ns):
    return task.evaluate(ns)


def assert_wrong(result, *fragments):
    assert result.status == "wrong", result
    assert result.message, result
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)


# --------------------------------------------------------------------------- tasks 1 and 2


@pytest.mark.parametrize("w, b", [((-2, -2), 3), ([-1, -1], 1.5), (np.array([-0.5, -0.7]), 1), ((-2.0, -2.0), np.float64(3))])
def test_task1_any_nand_weights_pass(w, b):
    assert checks.task1.evaluate({"nand_w": w, "nand_b": b}).status == "passed"


@pytest.mark.parametrize("w, b, fragment", [
    ((2, 2), -3, "AND gate"),           # the AND weights, not flipped
    ((-2, -2), 5, "never changes"),     # bias too large: always 1
    ((-2, -2), 1, "Wrong for: (0, 1), (1, 0)"),
    ((2, 2), -1, "OR gate"),
])
def test_task1_wrong_weights(w, b, fragment):
    result = checks.task1.evaluate({"nand_w": w, "nand_b": b})
    assert_wrong(result, fragment)
    assert "-2" not in result.message and "b = 3" not in result.message


@pytest.mark.parametrize("w, b", [((2, 2), -1), ((1, 1), -0.5), (np.array([3.0, 3.0]), -2)])
def test_task2_any_or_weights_pass(w, b):
    assert checks.task2.evaluate({"or_w": w, "or_b": b}).status == "passed"


@pytest.mark.parametrize("w, b, fragment", [
    ((2, 2), -3, "AND gate"),
    ((2, 2), 1, "never changes"),
    ((2, 0), -1, "Wrong for: (0, 1)"),
])
def test_task2_wrong_weights(w, b, fragment):
    result = checks.task2.evaluate({"or_w": w, "or_b": b})
    assert_wrong(result, fragment)
    assert "-1" not in result.message


@pytest.mark.parametrize("task, names", [(checks.task1, ("nand_w", "nand_b")), (checks.task2, ("or_w", "or_b"))])
def test_tasks_1_2_missing_none_and_bad_types(task, names):
    w_name, b_name = names
    assert task.evaluate({}).status == "not_attempted"
    assert task.evaluate({w_name: (1, 1)}).status == "not_attempted"
    assert_wrong(task.evaluate({w_name: None, b_name: 3}), w_name, "None")
    assert_wrong(task.evaluate({w_name: (1, 1), b_name: None}), b_name, "None")
    assert_wrong(task.evaluate({w_name: "ab", b_name: 3}), w_name, "str")
    assert_wrong(task.evaluate({w_name: (1, 1, 1), b_name: 3}), w_name, "shape (2,)")
    assert_wrong(task.evaluate({w_name: (1, 1), b_name: [3]}), b_name, "one number")
    assert_wrong(task.evaluate({w_name: (1, 1), b_name: "3"}), b_name)
    assert_wrong(task.evaluate({w_name: (np.nan, 1), b_name: 3}), w_name, "NaN")


# --------------------------------------------------------------------------- task 3


def perceptron(x, w, b):
    """The notebook's perceptron (the check counts calls to this name in the function's globals)."""
    return int(np.dot(np.asarray(w, dtype=float), np.asarray(x, dtype=float)) + b > 0)


def xor_three_perceptrons(x1, x2):
    s1 = perceptron((x1, x2), (-2, -2), 3)
    s2 = perceptron((x1, x2), (2, 2), -1)
    return perceptron((s1, s2), (2, 2), -3)


def xor_two_perceptrons(x1, x2):
    """Hidden AND unit, output perceptron on (x1, x2, h): also a valid two-layer XOR."""
    h = perceptron((x1, x2), (1, 1), -1.5)
    return perceptron((x1, x2, h), (1, 1, -2), -0.5)


def xor_returning_numpy(x1, x2):
    return np.int64(xor_three_perceptrons(x1, x2))


def xor_returning_bool(x1, x2):
    return bool(xor_three_perceptrons(x1, x2))


@pytest.mark.parametrize("gate", [xor_three_perceptrons, xor_two_perceptrons, xor_returning_numpy, xor_returning_bool])
def test_task3_right_answers_pass(gate):
    assert checks.task3.evaluate({"xor_gate": gate}).status == "passed"
    assert globals()["perceptron"] is perceptron  # the check put the original back


def or_gate_only(x1, x2):
    return perceptron((x1, x2), (2, 2), -1)


def xor_bitwise(x1, x2):
    return x1 ^ x2  # right table, no perceptron


def xor_wrong_layer(x1, x2):
    s1 = perceptron((x1, x2), (2, 2), -3)   # AND instead of NAND
    s2 = perceptron((x1, x2), (2, 2), -1)
    return perceptron((s1, s2), (2, 2), -3)


def xor_python_ints_only(x1, x2):
    if type(x1) is not int:
        return 0
    return xor_three_perceptrons(x1, x2)


def xor_returns_text(x1, x2):
    return str(xor_three_perceptrons(x1, x2))


def xor_returns_two(x1, x2):
    return 2 * xor_three_perceptrons(x1, x2)


def xor_raises(x1, x2):
    raise TypeError("unsupported operand")


def xor_blank(x1, x2):
    raise NotImplementedError("Task: replace this line with your code")


@pytest.mark.parametrize("gate, fragment", [
    (or_gate_only, "gives [0, 1, 1, 1]"),
    (xor_wrong_layer, "gives [0, 0, 0, 1]"),
    (xor_bitwise, "calls `perceptron` only 0"),
    (xor_python_ints_only, "NumPy integers"),
    (xor_returns_text, "returned a str"),
    (xor_returns_two, "must return 0 or 1"),
    (xor_raises, "raised TypeError: unsupported operand"),
])
def test_task3_wrong_answers(gate, fragment):
    assert_wrong(checks.task3.evaluate({"xor_gate": gate}), fragment)
    assert globals()["perceptron"] is perceptron


def test_task3_missing_blank_none_and_bad_types():
    assert checks.task3.evaluate({}).status == "not_attempted"
    assert checks.task3.evaluate({"xor_gate": xor_blank}).status == "not_attempted"
    assert globals()["perceptron"] is perceptron
    assert_wrong(checks.task3.evaluate({"xor_gate": None}), "None")
    assert_wrong(checks.task3.evaluate({"xor_gate": 42}), "function", "int")
    assert_wrong(checks.task3.evaluate({"xor_gate": [0, 1, 1, 0]}), "function", "list")


# --------------------------------------------------------------------------- task 4


@pytest.fixture(scope="module")
def keras():
    from course_utils.lesson.notebook_setup import import_tensorflow_quietly

    return import_tensorflow_quietly()[1]


X = np.array(checks.INPUTS, dtype="float32")
Y = np.array([[0], [1], [1], [0]], dtype="float32")


def neuron(keras, w=(1.0, 1.0), b=-0.5, activation="sigmoid", trained=True, compiled=True):
    """A single neuron with hand-set weights; ``trained`` marks one optimizer step as done."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation=activation)])
    model.layers[0].set_weights([np.array(w, dtype="float32").reshape(2, 1), np.array([b], dtype="float32")])
    if compiled:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
        if trained:
            model.optimizer.iterations.assign(1)
    return model


def accuracy_of(model):
    return float(np.mean((np.asarray(model(X)) > 0.5) == (Y > 0.5)))


def test_task4_hand_set_neuron_passes(keras):
    model = neuron(keras)  # outputs [0, 1, 1, 1] → 3 of 4 right
    assert accuracy_of(model) == 0.75
    for acc in (0.75, np.float32(0.75), np.array(0.75), 3 / 4):
        assert checks.task4.evaluate({"xor_neuron": model, "xor_neuron_accuracy": acc}).status == "passed"


def test_task4_trained_neuron_passes(keras):
    from course_utils.lesson.training import fit_fast

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    fit_fast(model, X, Y, epochs=50, progress="none")
    acc = accuracy_of(model)
    assert checks.task4.evaluate({"xor_neuron": model, "xor_neuron_accuracy": acc}).status == "passed"


def test_task4_threshold_at_half_accepted_either_way(keras):
    model = neuron(keras, w=(0.0, 0.0), b=0.0)  # every output exactly 0.5
    for acc in (0.5,):  # > 0.5 → all 0 → 2 right; >= 0.5 → all 1 → 2 right
        assert checks.task4.evaluate({"xor_neuron": model, "xor_neuron_accuracy": acc}).status == "passed"


def test_task4_wrong_answers(keras):
    right = neuron(keras)
    # 1. the claimed accuracy does not match the model
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": 1.0}), "does not match")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": 0.5}), "does not match")
    # 2. in percent
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": 75}), "fraction")
    # 3. an MLP instead of one neuron
    mlp = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                            keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": mlp, "xor_neuron_accuracy": 0.5}), "exactly one layer")
    # 4. two units
    wide = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": wide, "xor_neuron_accuracy": 0.5}), "2 units")
    # 5. not sigmoid
    assert_wrong(checks.task4.evaluate({"xor_neuron": neuron(keras, activation="relu"), "xor_neuron_accuracy": 0.75}),
                 "sigmoid")
    # 6. never trained (compiled only), and not compiled at all
    assert_wrong(checks.task4.evaluate({"xor_neuron": neuron(keras, trained=False), "xor_neuron_accuracy": 0.75}),
                 "not been trained")
    assert_wrong(checks.task4.evaluate({"xor_neuron": neuron(keras, compiled=False), "xor_neuron_accuracy": 0.75}),
                 "not been trained")
    # 7. a negative accuracy
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": -0.25}), "fraction from 0 to 1")


def test_task4_missing_none_and_bad_types(keras):
    right = neuron(keras)
    assert checks.task4.evaluate({}).status == "not_attempted"
    assert checks.task4.evaluate({"xor_neuron": right}).status == "not_attempted"
    assert_wrong(checks.task4.evaluate({"xor_neuron": None, "xor_neuron_accuracy": 0.75}), "None")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": None}), "None")
    assert_wrong(checks.task4.evaluate({"xor_neuron": "model", "xor_neuron_accuracy": 0.75}), "Keras model", "str")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": "75%"}), "one number", "str")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": [0.75, 0.5]}), "2 values")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_accuracy": True}), "one number", "bool")
    # a model with the wrong input size
    three = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": three, "xor_neuron_accuracy": 0.75}), "expects inputs")


def test_check_cells_print_and_hint(capsys):
    checks.task1.check({"nand_w": (-2, -2), "nand_b": 3})
    checks.task1.hint()
    out = capsys.readouterr().out
    assert "✅" in out and "💡" in out


def test_module_layout():
    assert checks.exercise.number == "02_00"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(t.exercise.number == "02_00" and t.hints for t in checks.exercise.tasks)
