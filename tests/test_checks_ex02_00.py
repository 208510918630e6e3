"""Tests for the checks of exercise 02_00 (perceptron and logic gates): for every task, typical
wrong answers are "wrong" with a message that names the mistake (never the expected weights),
valid alternative answers pass, None and wrong types give messages (never an exception), and a
missing name is "not attempted"."""

from __future__ import annotations

import functools
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.checks import ex02_00 as checks


def assert_wrong(result, *fragments):
    assert result.status == "wrong", result
    assert result.message, result
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)


# --------------------------------------------------------------------------- tasks 1 and 2


@pytest.mark.parametrize("w, b", [
    ((-2, -2), 3),                          # the slides' NAND
    ([-1, -1], 1.5),                        # a list, other weights
    (np.array([-0.5, -0.7]), 1),            # a NumPy array
    ((-2.0, -2.0), np.float64(3)),          # a NumPy float bias
    (np.array([[-3.0, -3.0]])[0], np.int64(5)),
    ((-2, -2), 4),                          # Σ(1, 1) = 0 is not > 0: still NAND
])
def test_task1_valid_nand_weights(w, b):
    assert checks.task1.evaluate({"nand_w": w, "nand_b": b}).status == "passed"


@pytest.mark.parametrize("w, b, fragment", [
    ((2, 2), -3, "AND gate"),              # the AND weights, not flipped
    ((-2, -2), 5, "never changes"),        # bias too large: always 1
    ((-2, -2), 1, "Wrong for: (0, 1), (1, 0)"),
    ((2, 2), -1, "OR gate"),
    ((-2, -2), -3, "never changes"),       # flipped the weights but not the bias
    ((-2, 2), 3, "Wrong for"),             # flipped one weight only
    ((-1, -1), 0.5, "Wrong for: (0, 1), (1, 0)"),   # NOR: one input of 1 already switches it off
])
def test_task1_wrong_weights(w, b, fragment):
    result = checks.task1.evaluate({"nand_w": w, "nand_b": b})
    assert_wrong(result, fragment)
    assert "-2, -2" not in result.message and "b = 3" not in result.message


@pytest.mark.parametrize("w, b", [((2, 2), -1), ((1, 1), -0.5), (np.array([3.0, 3.0]), -2), ([5, 4], -3.9)])
def test_task2_valid_or_weights(w, b):
    assert checks.task2.evaluate({"or_w": w, "or_b": b}).status == "passed"


@pytest.mark.parametrize("w, b, fragment", [
    ((2, 2), -3, "AND gate"),
    ((2, 2), 1, "never changes"),
    ((2, 0), -1, "Wrong for: (0, 1)"),
    ((-2, -2), 3, "NAND gate"),
    ((2, 2), -2, "Wrong for: (0, 1), (1, 0)"),   # Σ = 0 for one input of 1: the step needs Σ > 0
    ((1, 1), 0.5, "Wrong for: (0, 0)"),     # (0, 0) already above the threshold
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
    """The notebook's perceptron (the probe instruments this function object)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    return int(np.dot(w, x) + b > 0)


NAND_W, NAND_B, OR_W, OR_B, AND_W, AND_B = (-2, -2), 3, (2, 2), -1, (2, 2), -3


def judge(gate, **extra):
    """Evaluate task 3 as a notebook would: the gate and the notebook's perceptron in one namespace."""
    result = checks.task3.evaluate({"xor_gate": gate, "perceptron": perceptron, **extra})
    assert perceptron.__code__.co_name == "perceptron"            # the probe put the code back
    assert checks._PROBE_GLOBAL not in globals()
    return result


# --- valid answers


def xor_slides(x1, x2):
    s1 = perceptron((x1, x2), NAND_W, NAND_B)
    s2 = perceptron((x1, x2), OR_W, OR_B)
    return perceptron((s1, s2), AND_W, AND_B)


neuron = perceptron   # the same function under another name


def xor_alias(x1, x2):
    hidden = [neuron([x1, x2], w, b) for w, b in ((OR_W, OR_B), (NAND_W, NAND_B))]
    return neuron(hidden, AND_W, AND_B)


def NAND(x1, x2):
    return perceptron((x1, x2), NAND_W, NAND_B)


def OR(x1, x2):
    return perceptron((x1, x2), OR_W, OR_B)


def AND(x1, x2):
    return perceptron((x1, x2), AND_W, AND_B)


def xor_gate_helpers(x1, x2):
    return AND(NAND(x1, x2), OR(x1, x2))


and_partial = functools.partial(perceptron, w=AND_W, b=AND_B)


def xor_partial_and_keywords(x1, x2):
    s1 = perceptron(x=np.array([x1, x2]), w=NAND_W, b=NAND_B)
    s2 = perceptron(b=OR_B, w=OR_W, x=(x1, x2))
    return and_partial((s1, s2))


def xor_skip_connection(x1, x2):
    """Hidden AND unit, output perceptron on (x1, x2, h): also a valid two-layer XOR."""
    h = perceptron((x1, x2), (1, 1), -1.5)
    return perceptron((x1, x2, h), (1, 1, -2), -0.5)


def xor_or_and_not_and(x1, x2):
    s1 = perceptron((x1, x2), OR_W, OR_B)
    s2 = perceptron((x1, x2), AND_W, AND_B)
    y = perceptron((s1, s2, 1), (1, -2, 0), -0.5)   # a constant input is fine
    print("debug", s1, s2, y)
    return y


def xor_returning_numpy(x1, x2):
    return np.int64(xor_slides(x1, x2))


def xor_returning_bool(x1, x2):
    return xor_slides(x1, x2) == 1


@pytest.mark.parametrize("gate", [xor_slides, xor_alias, xor_gate_helpers, xor_partial_and_keywords,
                                  xor_skip_connection, xor_or_and_not_and, xor_returning_numpy, xor_returning_bool])
def test_task3_valid_answers(gate):
    assert judge(gate).status == "passed", judge(gate)


def test_task3_perceptron_with_a_closure_and_a_lambda():
    def make_perceptron(threshold):
        def closure_perceptron(x, w, b):
            return int(np.dot(w, x) + b > threshold)
        return closure_perceptron

    for p in (make_perceptron(0.0), lambda x, w, b: int(np.dot(w, x) + b > 0)):
        code = p.__code__

        def gate(x1, x2, p=p):
            return p((p((x1, x2), NAND_W, NAND_B), p((x1, x2), OR_W, OR_B)), AND_W, AND_B)

        assert checks.task3.evaluate({"xor_gate": gate, "perceptron": p}).status == "passed"
        assert p.__code__ is code


def test_task3_the_probe_records_plain_data():
    data = checks.trace_xor_gate(xor_slides, {"perceptron": perceptron})
    assert data["perceptron"] == "ok" and len(data["runs"]) == 4
    first = data["runs"][0]["calls"]
    assert [c["x"] for c in first] == [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]]
    assert [c["out"] for c in first] == [1.0, 0.0, 0.0] and first[0]["w"] == [-2.0, -2.0]
    assert len(data["flips"][0]) == 3                         # one counterfactual run per call
    assert data["flips"][0][2]["value"] == {"number": 1.0}    # flipping the output flips the result


# --- wrong answers


def or_gate_only(x1, x2):
    return perceptron((x1, x2), OR_W, OR_B)


def xor_wrong_layer(x1, x2):
    s1 = perceptron((x1, x2), AND_W, AND_B)   # AND instead of NAND
    s2 = perceptron((x1, x2), OR_W, OR_B)
    return perceptron((s1, s2), AND_W, AND_B)


def xor_bitwise(x1, x2):
    return x1 ^ x2


def xor_python_with_unused_perceptrons(x1, x2):
    perceptron((x1, x2), NAND_W, NAND_B)
    perceptron((x1, x2), OR_W, OR_B)
    return int(x1 != x2)


def xor_python_and_of_perceptrons(x1, x2):
    s1 = perceptron((x1, x2), NAND_W, NAND_B)
    s2 = perceptron((x1, x2), OR_W, OR_B)
    return int(s1 and s2)                      # the last layer in Python


def xor_python_fed_to_perceptron(x1, x2):
    h = perceptron((x1, x2), AND_W, AND_B)
    return perceptron((x1 ^ x2, h), (1, 0), -0.5)


def xor_python_in_first_layer(x1, x2):
    s1 = perceptron((int(not (x1 and x2)),), (1,), -0.5)   # NAND in Python, passed through
    s2 = perceptron((x1, x2), OR_W, OR_B)
    return perceptron((s1, s2), AND_W, AND_B)


def xor_input_dependent_weights(x1, x2):
    h = perceptron((x1, x2), OR_W, OR_B)
    return perceptron((h, 1), (0, x1 ^ x2), -0.5)


def xor_single_perceptron_on_python(x1, x2):
    return perceptron((x1 ^ x2,), (1,), -0.5)


def xor_changing_structure(x1, x2):
    if x1 == x2:                                  # two calls for some inputs, three for others
        return perceptron((perceptron((x1, x2), (0, 0), -1),), (1,), 0)
    a = perceptron((x1, x2), (0, 0), 1)
    return perceptron((perceptron((a,), (1,), 0),), (1,), 0)


def my_step(x, w, b):                            # a copy of perceptron, not the notebook's function
    return int(np.dot(w, x) + b > 0)


def xor_own_perceptron(x1, x2):
    return my_step((my_step((x1, x2), NAND_W, NAND_B), my_step((x1, x2), OR_W, OR_B)), AND_W, AND_B)


def xor_endless(x1, x2):
    while True:
        perceptron((x1, x2), OR_W, OR_B)


def xor_python_ints_only(x1, x2):
    if type(x1) is not int:
        return 0
    return xor_slides(x1, x2)


def xor_returns_text(x1, x2):
    return str(xor_slides(x1, x2))


def xor_returns_two(x1, x2):
    return 2 * xor_slides(x1, x2)


def xor_raises(x1, x2):
    raise TypeError("unsupported operand")


@pytest.mark.parametrize("gate, fragment", [
    (or_gate_only, "gives [0, 1, 1, 1]"),
    (xor_wrong_layer, "gives [0, 0, 0, 1]"),
    (xor_bitwise, "never calls"),
    (xor_own_perceptron, "never calls"),
    (xor_python_with_unused_perceptrons, "not the output of one of its perceptrons"),
    (xor_python_and_of_perceptrons, "not the output of one of its perceptrons"),
    (xor_python_fed_to_perceptron, "computed outside the perceptrons"),
    (xor_python_in_first_layer, "computed outside the perceptrons"),
    (xor_input_dependent_weights, "different weights"),
    (xor_single_perceptron_on_python, "only once"),
    (xor_changing_structure, "fixed structure"),
    (xor_endless, "more than"),
    (xor_python_ints_only, "NumPy integers"),
    (xor_returns_text, "returned a str"),
    (xor_returns_two, "must return 0 or 1"),
    (xor_raises, "raised TypeError: unsupported operand"),
])
def test_task3_wrong_answers(gate, fragment):
    result = judge(gate)
    assert_wrong(result, fragment)
    assert "NAND_W" not in result.message and "-2, -2" not in result.message


def test_task3_missing_blank_none_and_bad_types():
    def blank(x1, x2):
        raise NotImplementedError("Task: replace this line with your code")

    assert checks.task3.evaluate({}).status == "not_attempted"
    assert judge(blank).status == "not_attempted"
    assert_wrong(judge(None), "None")
    assert_wrong(judge(42), "function", "int")
    assert_wrong(judge([0, 1, 1, 0]), "function", "list")
    assert_wrong(checks.task3.evaluate({"xor_gate": xor_slides}), "no `perceptron` function")
    assert_wrong(checks.task3.evaluate({"xor_gate": xor_slides, "perceptron": and_partial}), "partial")


# --------------------------------------------------------------------------- task 4


@pytest.fixture(scope="module")
def keras():
    from course_utils.lesson.notebook_setup import import_tensorflow_quietly

    return import_tensorflow_quietly()[1]


X = np.array(checks.INPUTS, dtype="float32")
Y = np.array([[0], [1], [1], [0]], dtype="float32")
LN2 = math.log(2)


def neuron_model(keras, w=(0.0, 0.0), b=0.0, activation="sigmoid", trained=True, compiled=True, api="sequential"):
    """A single neuron with hand-set weights; ``trained`` marks one optimizer step as done."""
    if api == "sequential":
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation=activation)])
    elif api == "activation_layer":
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1), keras.layers.Activation(activation)])
    else:
        inputs = keras.Input(shape=(2,))
        model = keras.Model(inputs, keras.layers.Dense(1, activation=activation)(inputs))
    dense = [layer for layer in model.layers if layer.weights][0]
    dense.set_weights([np.array(w, dtype="float32").reshape(2, 1), np.array([b], dtype="float32")])
    if compiled:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
                      metrics=["binary_accuracy"])
        if trained:
            model.optimizer.iterations.assign(1)
    return model


def bce(model):
    out = np.clip(np.asarray(model(X), dtype=float), 1e-7, 1 - 1e-7)
    return float(-np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out)))


@pytest.mark.parametrize("api", ["sequential", "activation_layer", "functional"])
def test_task4_valid_models(keras, api):
    model = neuron_model(keras, w=(1e-6, -2e-6), b=3e-6, api=api)
    for loss in (LN2, np.float32(bce(model)), model.evaluate(X, Y, verbose=0)[0],
                 keras.losses.BinaryCrossentropy()(Y, model(X))):
        assert checks.task4.evaluate({"xor_neuron": model, "xor_neuron_loss": loss}).status == "passed", loss


def test_task4_trained_with_fit_and_fit_fast(keras):
    from course_utils.lesson.training import fit_fast

    keras.utils.set_random_seed(0)
    fast = neuron_model(keras, w=(0.4, -0.3), b=0.2, trained=False)
    history = fit_fast(fast, X, Y, epochs=500, progress="none")
    assert checks.task4.evaluate({"xor_neuron": fast, "xor_neuron_loss": history.history["loss"][-1]}).status == "passed"
    slow = neuron_model(keras, w=(0.4, -0.3), b=0.2, trained=False)
    history = slow.fit(np.tile(X, (100, 1)), np.tile(Y, (100, 1)), epochs=5, batch_size=4, shuffle=False, verbose=0)
    assert checks.task4.evaluate({"xor_neuron": slow, "xor_neuron_loss": history.history["loss"][-1]}).status == "passed"


def test_task4_wrong_answers(keras):
    right = neuron_model(keras)
    # the accuracy instead of the loss
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": 0.5}), "that is the accuracy")
    # evaluate's [loss, accuracy] list, and the per-row losses
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": [LN2, 0.5]}), "2 values", "first")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": np.full(4, LN2)}), "4 values")
    # the mean squared error, or the sum instead of the mean
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": 0.25}), "different")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": 4 * LN2}), "different")
    # an MLP, two units, another activation, no activation
    mlp = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                            keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": mlp, "xor_neuron_loss": LN2}), "exactly one layer")
    wide = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": wide, "xor_neuron_loss": LN2}), "2 units")
    for activation in ("relu", "tanh", None):
        model = neuron_model(keras, w=(0.3, -0.2), b=0.1, activation=activation)
        assert_wrong(checks.task4.evaluate({"xor_neuron": model, "xor_neuron_loss": LN2}), "σ(w·x + b)")
    # never trained (compiled only), not compiled at all
    for model in (neuron_model(keras, trained=False), neuron_model(keras, compiled=False)):
        assert_wrong(checks.task4.evaluate({"xor_neuron": model, "xor_neuron_loss": LN2}), "not been trained")
    # trained too little: the loss matches the model but the neuron has not settled
    early = neuron_model(keras, w=(1.0, 1.0), b=-0.5)
    assert_wrong(checks.task4.evaluate({"xor_neuron": early, "xor_neuron_loss": bce(early)}), "still learning")


def test_task4_missing_none_and_bad_types(keras):
    right = neuron_model(keras)
    assert checks.task4.evaluate({}).status == "not_attempted"
    assert checks.task4.evaluate({"xor_neuron": right}).status == "not_attempted"
    assert_wrong(checks.task4.evaluate({"xor_neuron": None, "xor_neuron_loss": LN2}), "None")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": None}), "None")
    assert_wrong(checks.task4.evaluate({"xor_neuron": "model", "xor_neuron_loss": LN2}), "Keras model", "str")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": "0.69"}), "one number", "str")
    assert_wrong(checks.task4.evaluate({"xor_neuron": right, "xor_neuron_loss": True}), "one number", "bool")
    unbuilt = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": unbuilt, "xor_neuron_loss": LN2}), "keras.Input((2,))")
    three = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    assert_wrong(checks.task4.evaluate({"xor_neuron": three, "xor_neuron_loss": LN2}), "expects inputs")


def test_check_cells_print_and_hint(capsys):
    checks.task1.check({"nand_w": (-2, -2), "nand_b": 3})
    checks.task1.hint()
    checks.task1.hint(2)
    out = capsys.readouterr().out
    assert "✅" in out and "hint 1 of 2" in out and "hint 2 of 2" in out


def test_module_layout():
    assert checks.exercise.number == "02_00"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(t.exercise.number == "02_00" and len(t.hints) >= 2 for t in checks.exercise.tasks)


def test_task4_judges_a_model_saved_and_loaded_back(keras, tmp_path):
    """The grader saves Keras models and loads them back in safe mode: the judge must still work."""
    model = neuron_model(keras, w=(1e-6, -2e-6), b=3e-6, api="activation_layer")
    model.optimizer.iterations.assign(500)
    path = tmp_path / "xor_neuron.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert checks.task4.evaluate({"xor_neuron": loaded, "xor_neuron_loss": LN2}).status == "passed"
    fresh = neuron_model(keras, trained=False)
    fresh.save(path)
    assert_wrong(checks.task4.evaluate({"xor_neuron": keras.saving.load_model(path, safe_mode=True),
                                        "xor_neuron_loss": LN2}), "not been trained")
