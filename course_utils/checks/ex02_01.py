"""Checks for exercise 02_01, XOR with a multi-layer perceptron (다층 퍼셉트론 MLP) (lesson 02_01).

Task 1  ``seq_model``: the slides' 2-4-5-1 sigmoid net built with ``keras.Sequential``
        (input of 2, Dense 4 → 5 → 1, sigmoid everywhere, biases on); works untrained.
Task 2  ``func_model``: the same net built with the Functional API (``keras.Input`` and
        ``keras.Model(inputs, outputs)``); works untrained.
Task 3  ``func_model`` trained: the check calls it on the four XOR inputs and needs 100 %
        accuracy (an untrained model gets "accuracy 50 % — did you train it?").
Task 4  ``dense_params(n_in, n_out)`` and ``n_params``: the parameter count of a Dense layer
        by formula (tried on several layer sizes, so a memorised number does not pass) and
        the total of the 2-4-5-1 net.

Importing this module does not import TensorFlow; the judges use the Keras the notebook
loaded. No message contains the expected parameter count.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..lesson.xor import XOR_X, XOR_Y
from .core import Exercise, WrongAnswer, transitional_judge
from .inputs import model_outputs
from .export import live

__all__ = ["exercise", "UNITS", "task1", "task2", "task3", "task4"]

exercise = Exercise("02_01")

#: Units of the Dense layers of the slides' net, input → output (the task statement).
UNITS = (4, 5, 1)
#: Number of inputs of the net.
N_INPUTS = 2
#: Layer sizes ``dense_params`` is tried on: the net's own and a few others.
DENSE_CASES = ((2, 4), (4, 5), (5, 1), (3, 7), (10, 1), (1, 1), (64, 50))


def _keras():
    keras = sys.modules.get("keras")
    if keras is None:  # the notebook imports keras before building a model
        from ..lesson.notebook_setup import import_tensorflow_quietly

        _, keras = import_tensorflow_quietly()
    return keras


def _expected_params() -> int:
    sizes = (N_INPUTS, *UNITS)
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _check_architecture(model: Any, name: str, api: str) -> None:
    """Raise WrongAnswer unless ``model`` is the 2-4-5-1 sigmoid net built with ``api``."""
    keras = _keras()
    if model is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign the model?")
    if not isinstance(model, keras.Model):
        raise WrongAnswer(f"`{name}` should be a Keras model, yours is a {type(model).__name__}")
    is_sequential = isinstance(model, keras.Sequential)
    if api == "sequential" and not is_sequential:
        raise WrongAnswer(f"`{name}` should be built with keras.Sequential([...]); yours is a "
                          f"{type(model).__name__} model")
    if api == "functional":
        if is_sequential:
            raise WrongAnswer(f"`{name}` is a Sequential model; build it with the Functional API: "
                              "inputs = keras.Input(shape=(2,)), call each layer on the previous output, "
                              "then keras.Model(inputs=inputs, outputs=outputs)")
        if type(model).__name__ != "Functional":
            raise WrongAnswer(f"`{name}` is a {type(model).__name__}; build it with keras.Input and "
                              "keras.Model(inputs=inputs, outputs=outputs)")
    if not model.built:
        raise WrongAnswer(f"`{name}` has no input yet: start it with keras.Input((2,)) (Keras 3 has no "
                          "input_dim=2)")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or len(inputs) != 1:
        raise WrongAnswer(f"`{name}` should have one input, keras.Input((2,))")
    shape = tuple(inputs[0].shape)
    if shape[1:] != (N_INPUTS,):
        raise WrongAnswer(f"`{name}` takes inputs of shape {shape}; each XOR input is 2 numbers: "
                          "keras.Input((2,)) (note the comma: (2) is just the number 2)")
    weighted = [layer for layer in model.layers if layer.weights]
    dense = [layer for layer in weighted if isinstance(layer, keras.layers.Dense)]
    others = [type(layer).__name__ for layer in weighted if not isinstance(layer, keras.layers.Dense)]
    if others:
        raise WrongAnswer(f"`{name}` has layers other than Dense with weights ({', '.join(others)}); use only "
                          "Dense layers")
    units = tuple(layer.units for layer in dense)
    if units != UNITS:
        raise WrongAnswer(f"`{name}`'s Dense layers have units {list(units)}; the slides' net has a hidden "
                          "layer of 4 units, a hidden layer of 5 units and 1 output unit, in that order")
    for index, layer in enumerate(dense, start=1):
        activation = getattr(layer.activation, "__name__", str(layer.activation))
        if activation != "sigmoid":
            raise WrongAnswer(f"Dense layer {index} of `{name}` (Dense({layer.units})) uses activation "
                              f"'{activation}'; every layer of the slides' net uses activation=\"sigmoid\"")
        if not layer.use_bias:
            raise WrongAnswer(f"Dense layer {index} of `{name}` has no bias (use_bias=False); keep the "
                              "default use_bias=True")
    if model.count_params() != _expected_params():
        raise WrongAnswer(f"`{name}` has {model.count_params()} parameters, which does not fit a chain "
                          "2 → 4 → 5 → 1 of Dense layers: connect each layer to the previous one")
    outputs = model_outputs(model, XOR_X, name=name)
    if outputs.shape != (len(XOR_X), 1):
        raise WrongAnswer(f"`{name}` gives outputs of shape {outputs.shape} for the 4 XOR inputs; it should "
                          "give one probability per input, shape (4, 1)")


def _judge_task1(seq_model: Any) -> str | None:
    _check_architecture(seq_model, "seq_model", "sequential")
    return None


def _judge_task2(func_model: Any) -> str | None:
    _check_architecture(func_model, "func_model", "functional")
    return None


def _judge_task3(func_model: Any) -> str | None:
    _check_architecture(func_model, "func_model", "functional")
    outputs = model_outputs(func_model, XOR_X, name="func_model").reshape(-1)
    accuracy = float(np.mean((outputs > 0.5) == (XOR_Y.reshape(-1) > 0.5)))
    if accuracy == 1.0:
        return None
    optimizer = getattr(func_model, "optimizer", None)
    steps = int(np.asarray(optimizer.iterations)) if optimizer is not None else 0
    if steps == 0:
        return (f"accuracy {accuracy:.0%} on the four XOR inputs — did you train it? Compile `func_model` "
                "(SGD with learning_rate=0.5, binary cross-entropy), then run fit_fast(func_model, x_data, "
                "y_data, epochs=XOR_EPOCHS, batch_size=4)")
    return (f"accuracy {accuracy:.0%} on the four XOR inputs after {steps} training steps — XOR is not solved "
            "yet. Train with epochs=XOR_EPOCHS, learning_rate=0.5, and build the model right after "
            "keras.utils.set_random_seed(XOR_SEED) (some starting weights need many more steps)")


def _whole_number(value: Any, what: str) -> int:
    """``value`` as an int if it is one whole number (Python, NumPy or a 1-element array), else WrongAnswer."""
    if isinstance(value, (bool, np.bool_)):
        raise WrongAnswer(f"{what} is a bool; it should be a whole number")
    if value is None or isinstance(value, (str, bytes, list, tuple, dict, set)):
        raise WrongAnswer(f"{what} is a {type(value).__name__}; it should be a whole number")
    try:
        array = np.asarray(value)
    except Exception:
        raise WrongAnswer(f"{what} is a {type(value).__name__}; it should be a whole number") from None
    if array.dtype.kind not in "iuf" or array.size != 1:
        raise WrongAnswer(f"{what} is a {type(value).__name__}; it should be a whole number")
    number = float(array.reshape(()))
    if not np.isfinite(number) or number != int(number):
        raise WrongAnswer(f"{what} is {number:g}; a number of parameters is a whole number")
    return int(number)


def _judge_task4(dense_params: Any, n_params: Any) -> str | None:
    if dense_params is None:
        raise WrongAnswer("`dense_params` is None — define it with `def dense_params(n_in, n_out): ...`")
    if not callable(dense_params) or isinstance(dense_params, type):
        raise WrongAnswer(f"`dense_params` should be a function `def dense_params(n_in, n_out): ...`, yours is a "
                          f"{type(dense_params).__name__}")
    for n_in, n_out in DENSE_CASES:
        call = f"dense_params({n_in}, {n_out})"
        try:
            value = dense_params(n_in, n_out)
        except NotImplementedError:
            raise
        except Exception as exc:  # the student's code: report, never a traceback
            first = (str(exc).strip().splitlines() or [""])[0][:160]
            raise WrongAnswer(f"{call} raised {type(exc).__name__}" + (f": {first}" if first else "")) from None
        got = _whole_number(value, call)
        if got == (n_in + 1) * n_out:
            continue
        if got == n_in * n_out:
            return (f"{call} returned {got}: that counts only the weights. Each of the n_out units also has "
                    "its own bias")
        if got == n_in * (n_out + 1) or got == (n_in + 1) * (n_out + 1):
            return (f"{call} returned {got}: there is one bias per unit of the layer (n_out of them), not "
                    "one per input")
        return (f"{call} returned {got}, which is not the number of weights plus biases of a Dense layer with "
                f"{n_in} inputs and {n_out} units")
    if n_params is None:
        raise WrongAnswer("`n_params` is None — did you forget to assign it?")
    total = _whole_number(n_params, "`n_params`")
    if total != _expected_params():
        return (f"`n_params` is {total}, but it should be the sum of dense_params over the three layers of the "
                "2-4-5-1 net: 2 → 4, 4 → 5 and 5 → 1")
    return None


@exercise.task("Sequential 2-4-5-1 net", names=("seq_model",),
               hints=("keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation='sigmoid'), "
         "keras.layers.Dense(5, activation='sigmoid'), keras.layers.Dense(1, activation='sigmoid')])",))
def task1(seq_model):
    transitional_judge(_judge_task1, seq_model=seq_model)


@exercise.task("Functional 2-4-5-1 net", names=("func_model",),
               hints=("inputs = keras.Input(shape=(2,)); h = keras.layers.Dense(4, activation='sigmoid')(inputs); the same "
         "for 5 units on h, then 1 unit; func_model = keras.Model(inputs=inputs, outputs=outputs).",))
def task2(func_model):
    transitional_judge(_judge_task2, func_model=func_model)


@exercise.task("train it to 100 %", names=("func_model",),
               hints=("func_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss='binary_crossentropy', "
         "metrics=['binary_accuracy']), then fit_fast(func_model, x_data, y_data, epochs=XOR_EPOCHS, batch_size=4).",))
def task3(func_model):
    transitional_judge(_judge_task3, func_model=func_model)


@exercise.task("parameters by formula", names=("dense_params", "n_params"), probes={"dense_params": live},
               hints=("Each of the n_out units has one weight per input plus one bias. Sum dense_params over the layers "
         "2 → 4, 4 → 5 and 5 → 1.",))
def task4(dense_params, n_params):
    transitional_judge(_judge_task4, dense_params=dense_params, n_params=n_params)

