"""Checks for exercise 02_01, XOR with a multi-layer perceptron (다층 퍼셉트론 MLP) (lesson 02_01).

Task 1  ``seq_model``: the slides' 2-4-5-1 sigmoid net built with ``keras.Sequential``.
Task 2  ``func_model``: the same net built with the Functional API (``keras.Input`` and
        ``keras.Model(inputs, outputs)``). Tasks 1 and 2 work untrained; the judge checks the
        layer sizes and that the model computes σ(…σ(σ(x·W1 + b1)·W2 + b2)…) with its own
        weights, so a sigmoid given as ``Dense(..., activation="sigmoid")`` or as a separate
        ``Activation`` layer both pass.
Task 3  ``dense_params(n_in, n_out)`` and ``n_params``: the parameter count of a Dense layer by
        formula (recorded on several layer sizes, so a memorised number does not pass) and
        the total of the 2-4-5-1 net.
Task 4  ``steps_per_epoch(n_rows, batch_size)`` and ``n_steps``: batches per epoch (the last
        one may be smaller), recorded on several sizes, and the optimizer steps of the
        exercise's ``fit`` (``XOR_EPOCHS`` epochs of the ``XOR_REPEATS``-times repeated rows).
Task 5  ``func_model`` trained: 100 % on the four XOR rows (any way of training passes).

Importing this module does not import TensorFlow; the judges use the Keras the notebook
loaded. No message contains an expected count.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..i18n import _
from ..lesson.xor import XOR_EPOCHS, XOR_REPEATS, XOR_X, XOR_Y
from .core import Exercise, WrongAnswer
from .export import Recorded, calls
from .inputs import model_outputs

__all__ = ["exercise", "UNITS", "task1", "task2", "task3", "task4", "task5"]

exercise = Exercise("02_01")

#: Units of the Dense layers of the slides' net, input → output (the task statement).
UNITS = (4, 5, 1)
#: Number of inputs of the net.
N_INPUTS = 2
#: Layer sizes ``dense_params`` is recorded on: the net's own and a few others.
DENSE_CASES = ((2, 4), (4, 5), (5, 1), (3, 7), (10, 1), (1, 1), (64, 50))
#: ``(n_rows, batch_size)`` cases ``steps_per_epoch`` is recorded on.
STEP_CASES = ((4, 4), (4, 2), (4, 1), (400, 4), (10, 4), (331, 32), (100, 100), (5, 10))
#: The exercise's fit: the four rows repeated XOR_REPEATS times, batch size 4, XOR_EPOCHS epochs.
FIT_ROWS, FIT_BATCH, FIT_EPOCHS = len(XOR_X) * XOR_REPEATS, 4, XOR_EPOCHS
#: Inputs on which tasks 1, 2 and 5 compare the model with the sigmoid chain of its own weights.
_PROBE_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [2.0, -1.0], [-3.0, 4.0]], dtype="float32")


def _keras():
    keras = sys.modules.get("keras")
    if keras is None:  # the notebook imports keras before building a model
        from ..lesson.notebook_setup import import_tensorflow_quietly

        _, keras = import_tensorflow_quietly()
    return keras


def _expected_params() -> int:
    sizes = (N_INPUTS, *UNITS)
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _name_of(activation: Any) -> str:
    return str(getattr(activation, "__name__", activation))


def _activations_after(model: Any, dense: list) -> list[list[str]]:
    """For each Dense layer, the activations applied before the next Dense layer: its own (unless
    linear) and those of the ``Activation`` layers that follow it."""
    keras = _keras()
    layers = list(model.layers)
    chains = []
    for layer in dense:
        chain = [] if _name_of(layer.activation) == "linear" else [_name_of(layer.activation)]
        for later in layers[layers.index(layer) + 1:]:
            if isinstance(later, keras.layers.Dense):
                break
            if isinstance(later, keras.layers.Activation):
                chain.append(_name_of(later.activation))
        chains.append(chain)
    return chains


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _check_architecture(model: Any, name: str, api: str) -> None:
    """Raise WrongAnswer unless ``model`` is the 2-4-5-1 sigmoid net built with ``api``."""
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise WrongAnswer(_("`{name}` should be a Keras model, yours is a {type}").format(
            name=name, type=type(model).__name__))
    is_sequential = isinstance(model, keras.Sequential)
    if api == "sequential" and not is_sequential:
        raise WrongAnswer(_("`{name}` should be built with keras.Sequential([...]); yours is a {type} model").format(
            name=name, type=type(model).__name__))
    if api == "functional":
        if is_sequential:
            raise WrongAnswer(_("`{name}` is a Sequential model; build it with the Functional API: an input from "
                                "keras.Input, each layer called on the previous output, then keras.Model(inputs=..., "
                                "outputs=...)").format(name=name))
        if type(model).__name__ != "Functional":
            raise WrongAnswer(_("`{name}` is a {type}; build it with keras.Input and keras.Model(inputs=..., "
                                "outputs=...)").format(name=name, type=type(model).__name__))
    if not model.built:
        raise WrongAnswer(_("`{name}` has no input yet: start it with keras.Input((2,)) (Keras 3 has no "
                            "input_dim=2)").format(name=name))
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or len(inputs) != 1:
        raise WrongAnswer(_("`{name}` should have one input, keras.Input((2,))").format(name=name))
    shape = tuple(inputs[0].shape)
    if shape[1:] != (N_INPUTS,):
        raise WrongAnswer(_("`{name}` takes inputs of shape {shape}; each XOR input is 2 numbers: keras.Input((2,)) "
                            "(note the comma: (2) is just the number 2)").format(name=name, shape=shape))
    weighted = [layer for layer in model.layers if layer.weights]
    dense = [layer for layer in weighted if isinstance(layer, keras.layers.Dense)]
    others = [type(layer).__name__ for layer in weighted if not isinstance(layer, keras.layers.Dense)]
    if others:
        raise WrongAnswer(_("`{name}` has layers other than Dense with weights ({others}); use only Dense layers").format(
            name=name, others=", ".join(others)))
    units = tuple(layer.units for layer in dense)
    if units != UNITS:
        raise WrongAnswer(_("`{name}`'s Dense layers have units {units}; the slides' net has a hidden layer of 4 units, "
                            "a hidden layer of 5 units and 1 output unit, in that order").format(
                                name=name, units=list(units)))
    for index, layer in enumerate(dense, start=1):
        if not layer.use_bias:
            raise WrongAnswer(_("Dense layer {i} of `{name}` has no bias (use_bias=False); keep the default "
                                "use_bias=True").format(i=index, name=name))
    if model.count_params() != _expected_params():
        raise WrongAnswer(_("`{name}` has {n} parameters, which does not fit a chain 2 → 4 → 5 → 1 of Dense layers: "
                            "connect each layer to the previous one").format(name=name, n=model.count_params()))
    outputs = model_outputs(model, _PROBE_X, name=name)
    if outputs.shape != (len(_PROBE_X), 1):
        raise WrongAnswer(_("`{name}` gives outputs of shape {shape} for {n} inputs; it should give one probability "
                            "per input, shape ({n}, 1)").format(name=name, shape=outputs.shape, n=len(_PROBE_X)))
    h = _PROBE_X.astype(float)
    for layer in dense:
        kernel, bias = (np.asarray(v, dtype=float) for v in layer.get_weights())
        h = _sigmoid(h @ kernel + bias)
    if np.allclose(outputs, h, rtol=1e-4, atol=1e-5):
        return
    for index, (layer, chain) in enumerate(zip(dense, _activations_after(model, dense)), start=1):
        if chain != ["sigmoid"]:
            if not chain:
                problem = _("has no activation (it is linear)")
            elif len(chain) > 1:
                problem = _("is followed by {n} activations ({names})").format(n=len(chain), names=", ".join(chain))
            else:
                problem = _("uses activation '{name}'").format(name=chain[0])
            raise WrongAnswer(_("Dense layer {i} of `{name}` (Dense({units})) {problem}; every layer of the slides' "
                                "net uses the sigmoid, once").format(i=index, name=name, units=layer.units,
                                                                     problem=problem))
    raise WrongAnswer(_("`{name}` does not compute the chain input → Dense(4) → Dense(5) → Dense(1) with a sigmoid "
                        "after each: call each layer on the previous layer's output").format(name=name))


@exercise.task("Sequential 2-4-5-1 net", names=("seq_model",), hints=(
    "The slides' net is a stack: an input of 2 numbers, then Dense layers of 4, 5 and 1 units, each "
    "with the sigmoid activation. In Keras 3 the input is its own first element of the stack.",
    "keras.Sequential takes a list: keras.Input((2,)) first, then one keras.layers.Dense(units, "
    "activation='sigmoid') for each of 4, 5 and 1 units; call seq_model.summary() to compare with the slides.",
))
def task1(seq_model):
    _check_architecture(seq_model, "seq_model", "sequential")


@exercise.task("Functional 2-4-5-1 net", names=("func_model",), hints=(
    "In the Functional API you call each layer like a function on the previous layer's output, "
    "starting from an input tensor, and finally wrap the first input and the last output in a model.",
    "inputs = keras.Input(shape=(2,)); h = keras.layers.Dense(4, activation='sigmoid')(inputs); the same for "
    "5 units on h, then 1 unit; func_model = keras.Model(inputs=inputs, outputs=outputs).",
))
def task2(func_model):
    _check_architecture(func_model, "func_model", "functional")


def _whole_number(value: Any, what: str) -> int:
    """``value`` as an int if it is one whole number (Python, NumPy or a 1-element array), else WrongAnswer."""
    if isinstance(value, (bool, np.bool_)):
        raise WrongAnswer(_("{what} is a bool; it should be a whole number").format(what=what))
    if value is None or isinstance(value, (str, bytes, list, tuple, dict, set)):
        raise WrongAnswer(_("{what} is a {type}; it should be a whole number").format(what=what, type=type(value).__name__))
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001
        raise WrongAnswer(_("{what} is a {type}; it should be a whole number").format(
            what=what, type=type(value).__name__)) from None
    if array.dtype.kind not in "iuf" or array.size != 1:
        raise WrongAnswer(_("{what} is a {type}; it should be a whole number").format(what=what, type=type(value).__name__))
    number = float(array.reshape(()))
    if not np.isfinite(number) or number != int(number):
        raise WrongAnswer(_("{what} is {number:g}; it should be a whole number").format(what=what, number=number))
    return int(number)


def _function(value: Any, name: str, signature: str) -> None:
    if not isinstance(value, Recorded):
        raise WrongAnswer(_("`{name}` should be a function `def {signature}: ...`, yours is a {type}").format(
            name=name, signature=signature, type=type(value).__name__))


def _dense_cases():
    return list(DENSE_CASES)


@exercise.task("parameters by formula", names=("dense_params", "n_params"),
               probes={"dense_params": calls(_dense_cases)}, hints=(
    "Count what one unit of a Dense layer owns: one weight for each of its inputs, plus something of "
    "its own. A layer has n_out such units. Then add up the three layers of the net.",
    "Each of the n_out units has n_in weights and 1 bias. n_params is the sum of dense_params over the "
    "layers 2 → 4, 4 → 5 and 5 → 1; compare it with seq_model.count_params().",
))
def task3(dense_params, n_params):
    _function(dense_params, "dense_params", "dense_params(n_in, n_out)")
    for n_in, n_out in DENSE_CASES:
        call = "dense_params({}, {})".format(n_in, n_out)
        got = _whole_number(dense_params(n_in, n_out), call)
        if got == (n_in + 1) * n_out:
            continue
        if got == n_in * n_out:
            raise WrongAnswer(_("{call} returned {got}: that counts only the weights. Each of the n_out units also "
                                "has its own bias").format(call=call, got=got))
        if got in (n_in * (n_out + 1), (n_in + 1) * (n_out + 1)):
            raise WrongAnswer(_("{call} returned {got}: there is one bias per unit of the layer (n_out of them), not "
                                "one per input").format(call=call, got=got))
        raise WrongAnswer(_("{call} returned {got}, which is not the number of weights plus biases of a Dense layer "
                            "with {n_in} inputs and {n_out} units").format(call=call, got=got, n_in=n_in, n_out=n_out))
    total = _whole_number(n_params, "`n_params`")
    if total != _expected_params():
        raise WrongAnswer(_("`n_params` is {total}, but it should be the sum of dense_params over the three layers of "
                            "the 2-4-5-1 net: 2 → 4, 4 → 5 and 5 → 1").format(total=total))


def _step_cases():
    return list(STEP_CASES)


@exercise.task("batches and epochs", names=("steps_per_epoch", "n_steps"),
               probes={"steps_per_epoch": calls(_step_cases)}, hints=(
    "In one epoch fit goes once through all rows, one batch of batch_size rows per optimizer step. "
    "What happens to the rows left over when batch_size does not divide n_rows?",
    "The leftover rows form one last, smaller batch, so steps_per_epoch rounds n_rows / batch_size UP "
    "(math.ceil). n_steps = steps per epoch of x_train with batch size 4, times the number of epochs.",
))
def task4(steps_per_epoch, n_steps):
    import math

    _function(steps_per_epoch, "steps_per_epoch", "steps_per_epoch(n_rows, batch_size)")
    for n_rows, batch in STEP_CASES:
        call = "steps_per_epoch({}, {})".format(n_rows, batch)
        got = _whole_number(steps_per_epoch(n_rows, batch), call)
        if got == math.ceil(n_rows / batch):
            continue
        if got == n_rows // batch:
            raise WrongAnswer(_("{call} returned {got}: the rows left over after the full batches still form one last, "
                                "smaller batch (one more step)").format(call=call, got=got))
        raise WrongAnswer(_("{call} returned {got}, which is not the number of batches of {batch} rows needed to go "
                            "once through {n} rows").format(call=call, got=got, batch=batch, n=n_rows))
    total = _whole_number(n_steps, "`n_steps`")
    per_epoch = math.ceil(FIT_ROWS / FIT_BATCH)
    if total == per_epoch * FIT_EPOCHS:
        return
    if total == FIT_EPOCHS:
        raise WrongAnswer(_("`n_steps` is {total}: that is the number of epochs, but every epoch makes several "
                            "optimizer steps").format(total=total))
    if total == per_epoch:
        raise WrongAnswer(_("`n_steps` is {total}: that is one epoch's steps; fit runs several epochs").format(
            total=total))
    raise WrongAnswer(_("`n_steps` is {total}, which is not the number of optimizer steps of fit on x_train with "
                        "batch_size=4 for the epochs the task gives: steps per epoch times epochs").format(total=total))


@exercise.task("train it to 100 %", names=("func_model",), hints=(
    "Compile with the slides' optimizer, loss and metric, then train with model.fit on the repeated "
    "rows x_train, y_train, keeping them in order, for the number of steps of task 4.",
    "func_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss='binary_crossentropy', "
    "metrics=['binary_accuracy']), then history = func_model.fit(x_train, y_train, epochs=20, batch_size=4, "
    "shuffle=False).",
))
def task5(func_model):
    _check_architecture(func_model, "func_model", "functional")
    outputs = model_outputs(func_model, XOR_X, name="func_model").reshape(-1)
    accuracy = float(np.mean((outputs > 0.5) == (XOR_Y.reshape(-1) > 0.5)))
    if accuracy == 1.0:
        return
    optimizer = getattr(func_model, "optimizer", None)
    steps = int(np.asarray(optimizer.iterations)) if optimizer is not None else 0
    if steps == 0:
        raise WrongAnswer(_("accuracy {accuracy:.0%} on the four XOR rows — did you train it? Compile `func_model` "
                            "(SGD with learning_rate=0.5, binary cross-entropy), then train it with "
                            "func_model.fit(...)").format(accuracy=accuracy))
    raise WrongAnswer(_("accuracy {accuracy:.0%} on the four XOR rows after {steps} training steps — XOR is not solved "
                        "yet. Train with learning_rate=0.5 on x_train, y_train with shuffle=False, build the model "
                        "right after keras.utils.set_random_seed(XOR_SEED), and if it still sits on the plateau run "
                        "the fit cell once more (it continues from where it stopped)").format(
                            accuracy=accuracy, steps=steps))
