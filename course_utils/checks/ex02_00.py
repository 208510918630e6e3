"""Checks for exercise 02_00, perceptron and logic gates (퍼셉트론 perceptron, 논리 게이트) (lesson 02_00).

Task 1  ``nand_w, nand_b``: weights and bias that make the course's perceptron the NAND gate
        (any weights with the right truth table pass).
Task 2  ``or_w, or_b``: the same for the OR gate.
Task 3  ``xor_gate(x1, x2)``: XOR built from perceptrons; checked on the four inputs as
        Python and as NumPy integers, and it must call ``perceptron`` at least twice per input
        (a hidden layer and an output) when the notebook defines ``perceptron``.
Task 4  ``xor_neuron, xor_neuron_accuracy``: a trained single Keras neuron (one Dense(1,
        sigmoid) layer) on XOR and its accuracy, recomputed here from the model on the four
        inputs; it must match and be at most 0.75.

Importing this module does not import TensorFlow (task 4 uses the Keras the notebook loaded).
"""

from __future__ import annotations

import numbers
import sys
from typing import Any

import numpy as np

from .core import Exercise, WrongAnswer, transitional_judge
from .inputs import as_array, as_number, model_outputs
from .export import live

__all__ = ["exercise", "INPUTS", "TRUTH_TABLES", "perceptron", "task1", "task2", "task3", "task4"]

exercise = Exercise("02_00")

#: The four inputs of a two-input gate, in the slides' order.
INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
#: Outputs of each gate for ``INPUTS`` (this is the task statement, not an answer).
TRUTH_TABLES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "XOR": (0, 1, 1, 0),
}
_DESCRIPTION = {
    "NAND": "NAND outputs 1 for every input except (1, 1)",
    "OR": "OR outputs 1 as soon as one input is 1, and 0 only for (0, 0)",
    "XOR": "XOR outputs 1 when exactly one input is 1",
}
#: A single neuron can get at most 3 of the 4 XOR points right.
MAX_SINGLE_NEURON_XOR_ACCURACY = 0.75


def perceptron(x, w, b) -> int:
    """The course's perceptron: 1 if w·x + b > 0, else 0 (lesson 02_00)."""
    return int(np.dot(np.asarray(w, dtype=float), np.asarray(x, dtype=float)) + float(b) > 0)


def _inputs_text() -> str:
    return ", ".join(str(x) for x in INPUTS)


def _gate_weights(w: Any, b: Any, w_name: str, b_name: str) -> tuple[np.ndarray, float]:
    weights = as_array(w, shape=(2,), name=w_name)
    if isinstance(b, (list, tuple, np.ndarray)) and np.size(b) == 1 and np.ndim(b) > 0:
        raise WrongAnswer(f"`{b_name}` should be one number, yours is a {type(b).__name__} holding one value: "
                          f"write it as a plain number")
    bias = as_array(b, shape=(), name=b_name)
    return weights, float(bias)


def _judge_gate(gate: str, w: Any, b: Any, w_name: str, b_name: str) -> str | None:
    weights, bias = _gate_weights(w, b, w_name, b_name)
    outputs = tuple(perceptron(x, weights, bias) for x in INPUTS)
    if outputs == TRUTH_TABLES[gate]:
        return None
    wrong = [x for x, got, want in zip(INPUTS, outputs, TRUTH_TABLES[gate]) if got != want]
    message = (f"with `{w_name}` and `{b_name}` the perceptron outputs {list(outputs)} for the inputs "
               f"{_inputs_text()}; {_DESCRIPTION[gate]}. Wrong for: {', '.join(map(str, wrong))}")
    for other, table in TRUTH_TABLES.items():
        if other != gate and outputs == table:
            message += f" (your weights make the {other} gate)"
            break
    if len(set(outputs)) == 1:
        message += (". The output never changes: the bias decides alone — make Σ = w·x + b positive for "
                    "some inputs and ≤ 0 for the others")
    return message


def _judge_task1(nand_w: Any, nand_b: Any) -> str | None:
    return _judge_gate("NAND", nand_w, nand_b, "nand_w", "nand_b")


def _judge_task2(or_w: Any, or_b: Any) -> str | None:
    return _judge_gate("OR", or_w, or_b, "or_w", "or_b")


# --------------------------------------------------------------------------- task 3


def _as_bit(value: Any, call: str) -> int:
    """0 or 1 from a gate's return value (int, bool, NumPy scalar or 1-element array)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, bool):
        if value == 0 or value == 1:
            return int(value)
        raise WrongAnswer(f"{call} returned {value!r}; a gate must return 0 or 1")
    raise WrongAnswer(f"{call} returned a {type(value).__name__}; a gate must return one number, 0 or 1")


def _call_gate(xor_gate, x1, x2) -> int:
    call = f"xor_gate({x1}, {x2})"
    try:
        value = xor_gate(x1, x2)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code: report it, never a traceback
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise WrongAnswer(f"{call} raised {type(exc).__name__}" + (f": {first}" if first else "")) from None
    return _as_bit(value, call)


def _judge_task3(xor_gate: Any) -> str | None:
    if xor_gate is None:
        raise WrongAnswer("`xor_gate` is None — define it with `def xor_gate(x1, x2): ...`")
    if not callable(xor_gate) or isinstance(xor_gate, type):
        raise WrongAnswer(f"`xor_gate` should be a function `def xor_gate(x1, x2): ...`, yours is a "
                          f"{type(xor_gate).__name__}")
    namespace = getattr(xor_gate, "__globals__", None)
    original = namespace.get("perceptron") if isinstance(namespace, dict) else None
    calls = [0]
    if callable(original):
        def counting_perceptron(*args, **kwargs):
            calls[0] += 1
            return original(*args, **kwargs)

        namespace["perceptron"] = counting_perceptron
    try:
        per_input = []
        outputs = []
        for x1, x2 in INPUTS:
            before = calls[0]
            outputs.append(_call_gate(xor_gate, x1, x2))
            per_input.append(calls[0] - before)
        numpy_outputs = [_call_gate(xor_gate, np.int64(x1), np.int64(x2)) for x1, x2 in INPUTS]
    finally:
        if callable(original):
            namespace["perceptron"] = original
    if tuple(outputs) != TRUTH_TABLES["XOR"]:
        return (f"`xor_gate` gives {outputs} for the inputs {_inputs_text()}; {_DESCRIPTION['XOR']}. "
                "Check each layer: print s1 and s2 for every input")
    if tuple(numpy_outputs) != TRUTH_TABLES["XOR"]:
        return (f"with NumPy integers as inputs (np.int64) `xor_gate` gives {numpy_outputs} instead of "
                "the outputs it gives for Python ints: avoid code that depends on the integer type")
    if callable(original) and min(per_input) < 2:
        return (f"`xor_gate` computes XOR, but it calls `perceptron` only {min(per_input)} time(s) for some "
                "input: build it from perceptrons — a first layer of perceptrons and one perceptron on "
                "their outputs")
    return None


# --------------------------------------------------------------------------- task 4


def _keras():
    keras = sys.modules.get("keras")
    if keras is None:  # the notebook imports keras before building a model
        from ..lesson.notebook_setup import import_tensorflow_quietly

        _, keras = import_tensorflow_quietly()
    return keras


def _single_neuron(model: Any, name: str) -> None:
    keras = _keras()
    if model is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign the model?")
    if not isinstance(model, keras.Model):
        raise WrongAnswer(f"`{name}` should be a Keras model (e.g. keras.Sequential([...])), yours is a "
                          f"{type(model).__name__}")
    weighted = [layer for layer in model.layers if layer.weights]
    dense = [layer for layer in weighted if isinstance(layer, keras.layers.Dense)]
    if len(weighted) != 1 or len(dense) != 1:
        kinds = ", ".join(type(layer).__name__ for layer in weighted) or "none"
        raise WrongAnswer(f"`{name}` should have exactly one layer with weights, a single Dense(1) neuron; "
                          f"yours has {len(weighted)} ({kinds}) — no hidden layers here")
    layer = dense[0]
    if layer.units != 1:
        raise WrongAnswer(f"`{name}`'s Dense layer has {layer.units} units; one neuron is Dense(1, ...)")
    activation = getattr(layer.activation, "__name__", str(layer.activation))
    if activation != "sigmoid":
        raise WrongAnswer(f"`{name}`'s neuron uses activation '{activation}'; use activation=\"sigmoid\" so "
                          "the output is a probability between 0 and 1")


def _judge_task4(xor_neuron: Any, xor_neuron_accuracy: Any) -> str | None:
    _single_neuron(xor_neuron, "xor_neuron")
    x = np.array(INPUTS, dtype="float32")
    outputs = model_outputs(xor_neuron, x, name="xor_neuron").reshape(-1)
    if outputs.shape != (4,):
        raise WrongAnswer(f"`xor_neuron` should give one output per input (4), it gives {outputs.size}")
    optimizer = getattr(xor_neuron, "optimizer", None)
    iterations = int(np.asarray(optimizer.iterations)) if optimizer is not None else 0
    if iterations == 0:
        return ("`xor_neuron` has not been trained yet: compile it (SGD, binary cross-entropy), then run "
                "fit_fast(xor_neuron, X_xor, y_xor, epochs=500)")
    if xor_neuron_accuracy is None:
        raise WrongAnswer("`xor_neuron_accuracy` is None — did you forget to assign it?")
    accuracy = as_number(xor_neuron_accuracy, "xor_neuron_accuracy", what="a fraction from 0 to 1")
    if not np.isfinite(accuracy):
        raise WrongAnswer("`xor_neuron_accuracy` is NaN or infinite")
    if 1 < accuracy <= 100:
        return "give `xor_neuron_accuracy` as a fraction from 0 to 1 (e.g. 0.5 for 50 %), not in percent"
    if not 0 <= accuracy <= 1:
        return f"`xor_neuron_accuracy` is {accuracy:g}; an accuracy is a fraction from 0 to 1"
    targets = np.array(TRUTH_TABLES["XOR"], dtype=bool)
    recomputed = {float(np.mean((outputs > 0.5) == targets)), float(np.mean((outputs >= 0.5) == targets))}
    if not any(abs(accuracy - r) <= 1e-6 for r in recomputed):
        return ("`xor_neuron_accuracy` does not match the accuracy of `xor_neuron` on the four XOR inputs "
                "(prediction 1 when the output is above 0.5, compared with the XOR targets): compute it from "
                "the trained model's outputs")
    if accuracy > MAX_SINGLE_NEURON_XOR_ACCURACY:
        return (f"a single neuron draws one straight line and cannot get more than 3 of the 4 XOR points "
                f"right, yet yours reports {accuracy:g}: is `xor_neuron` really one Dense(1) layer on XOR?")
    return None


@exercise.task("NAND weights", names=("nand_w", "nand_b"),
               hints=("NAND is 'not AND': take the AND perceptron's weights and bias and flip every sign, so that "
         "Σ = w·x + b is positive except when both inputs are 1.",))
def task1(nand_w, nand_b):
    transitional_judge(_judge_task1, nand_w=nand_w, nand_b=nand_b)


@exercise.task("OR weights", names=("or_w", "or_b"),
               hints=("Keep the AND weights (2, 2) and lower the threshold: choose b so that one input of 1 already makes "
         "Σ positive, while (0, 0) gives Σ ≤ 0.",))
def task2(or_w, or_b):
    transitional_judge(_judge_task2, or_w=or_w, or_b=or_b)


@exercise.task("XOR from perceptrons", names=("xor_gate",), probes={"xor_gate": live},
               hints=("s1 = perceptron((x1, x2), nand_w, nand_b) and s2 = perceptron((x1, x2), or_w, or_b), then return "
         "the AND perceptron applied to (s1, s2).",))
def task3(xor_gate):
    transitional_judge(_judge_task3, xor_gate=xor_gate)


@exercise.task("one neuron on XOR", names=("xor_neuron", "xor_neuron_accuracy"),
               hints=("keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation='sigmoid')]); compile with "
         "SGD(learning_rate=0.5) and 'binary_crossentropy'; fit_fast(...); then "
         "float(np.mean((np.asarray(xor_neuron(X_xor)) > 0.5) == (y_xor > 0.5))).",))
def task4(xor_neuron, xor_neuron_accuracy):
    transitional_judge(_judge_task4, xor_neuron=xor_neuron, xor_neuron_accuracy=xor_neuron_accuracy)

