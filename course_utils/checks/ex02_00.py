"""Checks for exercise 02_00, perceptron and logic gates (퍼셉트론 perceptron, 논리 게이트) (lesson 02_00).

Task 1  ``nand_w, nand_b``: weights and bias that make the course's perceptron the NAND gate
        (any weights with the right truth table pass).
Task 2  ``or_w, or_b``: the same for the OR gate.
Task 3  ``xor_gate(x1, x2)``: XOR built from the notebook's ``perceptron``. The probe
        :func:`trace_xor_gate` runs ``xor_gate`` with that function object instrumented
        (its ``__code__`` swapped, so any alias of it counts; restored afterwards), records
        every call, and runs it again with one perceptron output flipped at a time. The
        judge asks for the XOR truth table, a fixed network of at least two perceptron
        calls whose last layer's output *is* the result, fed by other perceptrons, and
        perceptron inputs that are only x1, x2, constants or other perceptrons' outputs.
Task 4  ``xor_neuron, xor_neuron_loss``: one trained sigmoid neuron on XOR and its loss. The
        judge recomputes the loss from the model: it must match, and the neuron must have
        given up as the lesson shows (loss ln 2, every output 0.5).

Importing this module does not import TensorFlow (task 4 uses the Keras the notebook loaded).
"""

from __future__ import annotations

import inspect
import math
import numbers
import sys
import types
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from ..i18n import N_, _
from .core import Exercise, WrongAnswer
from .export import to_plain
from .inputs import as_array, as_number, describe_error, model_outputs

__all__ = ["exercise", "INPUTS", "TRUTH_TABLES", "perceptron", "trace_xor_gate",
           "task1", "task2", "task3", "task4"]

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
    "NAND": N_("NAND outputs 1 for every input except (1, 1)"),
    "OR": N_("OR outputs 1 as soon as one input is 1, and 0 only for (0, 0)"),
    "XOR": N_("XOR outputs 1 when exactly one input is 1"),
}
#: Task 3: more perceptron calls than this for one input are not a small network (no flips tried).
MAX_CALLS = 40
#: Task 4: the trained neuron's loss may exceed ln 2 by this much, its outputs differ from 0.5 by this much.
LOSS_SLACK = 1e-3
OUTPUT_SLACK = 0.02
#: Task 4: the reported loss may differ from the model's by this much (e.g. the last epoch's mean).
LOSS_MATCH = 1e-4


def perceptron(x, w, b) -> int:
    """The course's perceptron: 1 if w·x + b > 0, else 0 (lesson 02_00)."""
    return int(np.dot(np.asarray(w, dtype=float), np.asarray(x, dtype=float)) + float(b) > 0)


def _inputs_text() -> str:
    return ", ".join(str(x) for x in INPUTS)


# --------------------------------------------------------------------------- tasks 1 and 2


def _gate_weights(w: Any, b: Any, w_name: str, b_name: str) -> tuple[np.ndarray, float]:
    weights = as_array(w, shape=(2,), name=w_name)
    if isinstance(b, (list, tuple, np.ndarray)) and np.size(b) == 1 and np.ndim(b) > 0:
        raise WrongAnswer(_("`{name}` should be one number, yours is a {type} holding one value: "
                            "write it as a plain number").format(name=b_name, type=type(b).__name__))
    bias = as_array(b, shape=(), name=b_name)
    return weights, float(bias)


def _judge_gate(gate: str, w: Any, b: Any, w_name: str, b_name: str) -> None:
    weights, bias = _gate_weights(w, b, w_name, b_name)
    outputs = tuple(perceptron(x, weights, bias) for x in INPUTS)
    if outputs == TRUTH_TABLES[gate]:
        return
    wrong = [x for x, got, want in zip(INPUTS, outputs, TRUTH_TABLES[gate]) if got != want]
    message = _("with `{w}` and `{b}` the perceptron outputs {outputs} for the inputs {inputs}; {rule}. "
                "Wrong for: {wrong}").format(w=w_name, b=b_name, outputs=list(outputs), inputs=_inputs_text(),
                                             rule=_(_DESCRIPTION[gate]), wrong=", ".join(map(str, wrong)))
    for other, table in TRUTH_TABLES.items():
        if other != gate and outputs == table:
            message += " " + _("(your weights make the {other} gate)").format(other=other)
            break
    if len(set(outputs)) == 1:
        message += ". " + _("The output never changes: the bias decides alone — make Σ = w·x + b positive "
                            "for some inputs and ≤ 0 for the others")
    raise WrongAnswer(message)


@exercise.task("NAND weights", names=("nand_w", "nand_b"), hints=(
    "NAND means 'not AND': it is 1 exactly where AND is 0. How does the sign of Σ = w·x + b "
    "change if you multiply every weight and the bias by -1?",
    "Start from the AND perceptron's weights and bias and flip every sign: then Σ > 0 exactly "
    "where AND's Σ < 0, i.e. everywhere except (1, 1).",
))
def task1(nand_w, nand_b):
    _judge_gate("NAND", nand_w, nand_b, "nand_w", "nand_b")


@exercise.task("OR weights", names=("or_w", "or_b"), hints=(
    "OR is 1 as soon as ONE input is 1. Keep AND's weights: which bias lets a single 1 push "
    "Σ = w·x + b above 0, while (0, 0) stays at or below 0?",
    "With w = (2, 2), Σ is b for (0, 0), 2 + b for one input of 1 and 4 + b for (1, 1): choose b "
    "with b ≤ 0 < 2 + b.",
))
def task2(or_w, or_b):
    _judge_gate("OR", or_w, or_b, "or_w", "or_b")


# --------------------------------------------------------------------------- task 3: the probe

_PROBE_GLOBAL = "__course_perceptron_probe__"


@lru_cache(maxsize=8)
def _forwarder_code(n_free: int) -> types.CodeType:
    """Code of ``def f(*args, **kwargs): return __course_perceptron_probe__(*args, **kwargs)``
    with ``n_free`` unused free variables, so it can replace the code of a function that has a
    closure of that size (``__code__`` may only be swapped for code with as many free variables)."""
    names = [f"_free{i}" for i in range(n_free)]
    lines = ["def _make():"]
    lines += [f"    {name} = None" for name in names]
    lines += ["    def forward(*args, **kwargs):"]
    if names:
        lines += [f"        (lambda: ({', '.join(names)},))"]
    lines += [f"        return {_PROBE_GLOBAL}(*args, **kwargs)", "    return forward"]
    scope: dict[str, Any] = {}
    exec("\n".join(lines), scope)  # noqa: S102 - fixed template, no student input
    return scope["_make"]().__code__


def _number_list(value: Any) -> list[float] | None:
    try:
        array = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    return [float(v) for v in array]


def _scalar(value: Any) -> float | None:
    numbers_ = _number_list(value)
    return numbers_[0] if numbers_ is not None and len(numbers_) == 1 else None


def _flipped(out: Any) -> Any:
    """The other bit, of the same type (0 ↔ 1, False ↔ True); other values unchanged."""
    value = _scalar(out)
    if value not in (0.0, 1.0):
        return out
    if isinstance(out, (bool, np.bool_)):
        return type(out)(not out)
    try:
        return type(out)(1 - value)
    except (TypeError, ValueError):
        return 1 - value


class _Recorder:
    """Stands in for the student's perceptron: calls the original, records the call,
    and flips the output of call number ``flip`` (counterfactual runs)."""

    def __init__(self, original: types.FunctionType) -> None:
        self.original = original
        self.calls: list[dict] = []
        self.flip: int | None = None
        try:
            self.signature: inspect.Signature | None = inspect.signature(original)
        except (TypeError, ValueError):
            self.signature = None

    def _arguments(self, args: tuple, kwargs: dict) -> list[Any]:
        if self.signature is not None:
            try:
                bound = self.signature.bind(*args, **kwargs)
                bound.apply_defaults()
                return list(bound.arguments.values())
            except TypeError:
                pass
        return [*args, *kwargs.values()]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.original(*args, **kwargs)
        index = len(self.calls)
        if index == self.flip:
            out = _flipped(out)
        arguments = self._arguments(args, kwargs) + [None, None, None]
        self.calls.append({"x": _number_list(arguments[0]), "w": _number_list(arguments[1]),
                           "b": _number_list(arguments[2]), "out": _scalar(out)})
        if len(self.calls) > MAX_CALLS:
            raise _TooManyCalls
        return out


class _TooManyCalls(Exception):
    pass


def _describe_value(value: Any) -> dict:
    """A gate's return value as data: ``{"number": v}`` or ``{"type": name}``."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)):
        return {"number": float(value)}
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        return {"number": float(value)}
    return {"type": type(value).__name__}


def _run(xor_gate: Any, recorder: _Recorder, x1: Any, x2: Any, flip: int | None = None) -> dict:
    recorder.calls, recorder.flip = [], flip
    try:
        value = xor_gate(x1, x2)
    except NotImplementedError:
        raise
    except _TooManyCalls:
        return {"calls": recorder.calls, "too_many": True}
    except Exception as exc:  # noqa: BLE001 - the student's code: keep the error as data
        return {"calls": recorder.calls, "raised": describe_error(exc)}
    return {"calls": recorder.calls, "value": _describe_value(value)}


def trace_xor_gate(xor_gate: Any, namespace: Mapping[str, Any]) -> Any:
    """Probe of task 3: ``xor_gate`` run on the four inputs (Python and NumPy integers) with
    the notebook's ``perceptron`` recorded, plus one run per perceptron call with that call's
    output flipped. Returns plain data (lists and dicts); the function is left as it was."""
    if not callable(xor_gate) or isinstance(xor_gate, type):
        return to_plain(xor_gate)
    target = namespace.get("perceptron")
    if target is None:
        return {"perceptron": "missing"}
    if not isinstance(target, types.FunctionType):
        return {"perceptron": "not_function", "type": type(target).__name__}
    original_code = target.__code__
    clone = types.FunctionType(original_code, target.__globals__, target.__name__, target.__defaults__,
                               target.__closure__)
    clone.__kwdefaults__ = target.__kwdefaults__
    recorder = _Recorder(clone)
    scope = target.__globals__
    saved = scope.get(_PROBE_GLOBAL, _PROBE_GLOBAL)
    scope[_PROBE_GLOBAL] = recorder
    target.__code__ = _forwarder_code(len(target.__closure__ or ()))
    try:
        runs, numpy_runs, flips = [], [], []
        for x1, x2 in INPUTS:
            base = _run(xor_gate, recorder, x1, x2)
            runs.append(base)
            n_calls = len(base["calls"]) if "value" in base else 0
            flips.append([_run(xor_gate, recorder, x1, x2, flip=k) for k in range(min(n_calls, MAX_CALLS))])
        for x1, x2 in INPUTS:
            numpy_runs.append(_run(xor_gate, recorder, np.int64(x1), np.int64(x2)))
    finally:
        target.__code__ = original_code
        if saved is _PROBE_GLOBAL:
            scope.pop(_PROBE_GLOBAL, None)
        else:
            scope[_PROBE_GLOBAL] = saved
    return {"perceptron": "ok", "runs": runs, "numpy_runs": numpy_runs, "flips": flips}


# --------------------------------------------------------------------------- task 3: the judge


def _bit(run: dict, call: str) -> int:
    """The 0/1 a run returned, or WrongAnswer saying what went wrong."""
    if run.get("too_many"):
        raise WrongAnswer(_("{call} calls `perceptron` more than {n} times: a small network of perceptrons is "
                            "enough (and no loop without end)").format(call=call, n=MAX_CALLS))
    if "raised" in run:
        raise WrongAnswer(_("{call} raised {error}").format(call=call, error=run["raised"]))
    value = run["value"]
    if "type" in value:
        raise WrongAnswer(_("{call} returned a {type}; a gate must return one number, 0 or 1").format(
            call=call, type=value["type"]))
    number = value["number"]
    if number not in (0.0, 1.0):
        raise WrongAnswer(_("{call} returned {value:g}; a gate must return 0 or 1").format(call=call, value=number))
    return int(number)


def _dependent(base: list[dict], flipped: list[dict], index: int, position: int | None = None) -> bool:
    """True when flipping an earlier call changed call ``index``'s input (or the calls made)."""
    if len(flipped) <= index or len(flipped) != len(base):
        return True
    before, after = base[index]["x"], flipped[index]["x"]
    if before is None or after is None or len(before) != len(after):
        return before != after
    if position is None:
        return before != after
    return before[position] != after[position]


def _check_structure(runs: list[dict], flips: list[list[dict]], outputs: list[int]) -> None:
    traces = [run["calls"] for run in runs]
    counts = [len(t) for t in traces]
    if min(counts) == 0:
        raise WrongAnswer(_("`xor_gate` never calls the notebook's `perceptron` for some input: build XOR from "
                            "perceptron(...) calls (the check follows that function under any name)"))
    if min(counts) < 2:
        raise WrongAnswer(_("`xor_gate` calls `perceptron` only once for some input, and one perceptron cannot "
                            "compute XOR: use a first layer of perceptrons and one perceptron on their outputs"))
    if len(set(counts)) != 1:
        raise WrongAnswer(_("`xor_gate` calls `perceptron` {counts} times for the inputs {inputs}: a network of "
                            "perceptrons has a fixed structure, the same calls for every input").format(
                                counts=counts, inputs=_inputs_text()))
    n = counts[0]
    for k in range(n):
        for field in ("w", "b"):
            values = [t[k][field] for t in traces]
            if any(v != values[0] for v in values):
                raise WrongAnswer(_("perceptron call {k} of `xor_gate` gets different weights or bias for different "
                                    "inputs: a network's weights are fixed, only its inputs change").format(k=k + 1))
        lengths = {len(t[k]["x"]) if t[k]["x"] is not None else -1 for t in traces}
        if len(lengths) != 1 or -1 in lengths:
            raise WrongAnswer(_("perceptron call {k} of `xor_gate` gets inputs of different sizes for different "
                                "inputs: a network has a fixed structure").format(k=k + 1))
    # The result is the output of one perceptron, and really comes from it (flip it: the result flips).
    output_call = None
    for k in reversed(range(n)):
        equal = all(t[k]["out"] == float(o) for t, o in zip(traces, outputs))
        follows = all(len(f) > k and f[k].get("value", {}).get("number") == float(1 - o)
                      for f, o in zip(flips, outputs))
        if equal and follows:
            output_call = k
            break
    if output_call is None:
        raise WrongAnswer(_("the value `xor_gate` returns is not the output of one of its perceptrons (when that "
                            "perceptron's output is flipped, the result must flip too): return the output "
                            "perceptron's result itself"))
    # The output perceptron is fed by other perceptrons (a hidden layer), for every input.
    for i, (base, runs_flipped) in enumerate(zip(traces, flips)):
        if not any(_dependent(base, runs_flipped[j]["calls"], output_call) for j in range(output_call)):
            raise WrongAnswer(_("for the input {x} the output perceptron does not receive any other perceptron's "
                                "output: its inputs must be the outputs of a first layer of perceptrons").format(
                                    x=INPUTS[i]))
    # Every perceptron input is x1, x2, a constant, or another perceptron's output.
    x1s = [float(x[0]) for x in INPUTS]
    x2s = [float(x[1]) for x in INPUTS]
    for k in range(n):
        for p in range(len(traces[0][k]["x"])):
            values = [t[k]["x"][p] for t in traces]
            if values in (x1s, x2s) or len(set(values)) == 1:
                continue
            if all(any(_dependent(t, f[j]["calls"], k, p) for j in range(k)) for t, f in zip(traces, flips)):
                continue
            raise WrongAnswer(_("input {p} of perceptron call {k} is computed outside the perceptrons (it is not x1, "
                                "x2, a constant or another perceptron's output): let perceptrons do all the "
                                "logic").format(p=p + 1, k=k + 1))


@exercise.task("XOR from perceptrons", names=("xor_gate",), probes={"xor_gate": trace_xor_gate}, hints=(
    "Look at the slides' table s1, s2 → y: which gate gives s1, which gives s2, and which gate combines "
    "them? Each gate is one call of the notebook's perceptron with the weights you found.",
    "First layer: s1 is NAND of (x1, x2) and s2 is OR of (x1, x2), one perceptron call each. Output "
    "layer: the AND perceptron on the pair (s1, s2); return its result.",
))
def task3(xor_gate):
    if not isinstance(xor_gate, dict) or "perceptron" not in xor_gate:
        raise WrongAnswer(_("`xor_gate` should be a function `def xor_gate(x1, x2): ...`, yours is a {type}").format(
            type=type(xor_gate).__name__))
    status = xor_gate["perceptron"]
    if status == "missing":
        raise WrongAnswer(_("the notebook has no `perceptron` function: run the cell that defines it, then "
                            "build `xor_gate` from it"))
    if status != "ok":
        raise WrongAnswer(_("`perceptron` should be the function defined in the notebook (`def perceptron(x, w, "
                            "b): ...`), yours is a {type}: run that cell again").format(type=xor_gate.get("type")))
    outputs = [_bit(run, "xor_gate({}, {})".format(*x)) for run, x in zip(xor_gate["runs"], INPUTS)]
    if tuple(outputs) != TRUTH_TABLES["XOR"]:
        raise WrongAnswer(_("`xor_gate` gives {outputs} for the inputs {inputs}; {rule}. Check each layer: print "
                            "s1 and s2 for every input").format(outputs=outputs, inputs=_inputs_text(),
                                                                 rule=_(_DESCRIPTION["XOR"])))
    numpy_outputs = [_bit(run, "xor_gate(np.int64({}), np.int64({}))".format(*x))
                     for run, x in zip(xor_gate["numpy_runs"], INPUTS)]
    if tuple(numpy_outputs) != TRUTH_TABLES["XOR"]:
        raise WrongAnswer(_("with NumPy integers as inputs (np.int64) `xor_gate` gives {outputs} instead of the "
                            "outputs it gives for Python ints: avoid code that depends on the integer type").format(
                                outputs=numpy_outputs))
    _check_structure(xor_gate["runs"], xor_gate["flips"], outputs)


# --------------------------------------------------------------------------- task 4


def _keras():
    keras = sys.modules.get("keras")
    if keras is None:  # the notebook imports keras before building a model
        from ..lesson.notebook_setup import import_tensorflow_quietly

        _, keras = import_tensorflow_quietly()
    return keras


#: Points where task 4 compares the model with σ(w·x + b): the four inputs and a few more.
_PROBE_POINTS = np.array([*INPUTS, (0.5, 0.5), (3.0, -2.0), (-4.0, 5.0), (10.0, 10.0)], dtype="float32")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _single_neuron(model: Any, name: str) -> np.ndarray:
    """The model's outputs on the four inputs, after checking that it is σ(w·x + b) of one Dense(1)."""
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise WrongAnswer(_("`{name}` should be a Keras model (e.g. keras.Sequential([...])), yours is a {type}").format(
            name=name, type=type(model).__name__))
    if not model.built:
        raise WrongAnswer(_("`{name}` has not been built yet: start it with keras.Input((2,)), then compile and "
                            "train it").format(name=name))
    weighted = [layer for layer in model.layers if layer.weights]
    dense = [layer for layer in weighted if isinstance(layer, keras.layers.Dense)]
    if len(weighted) != 1 or len(dense) != 1:
        kinds = ", ".join(type(layer).__name__ for layer in weighted) or _("none")
        raise WrongAnswer(_("`{name}` should have exactly one layer with weights, a single Dense(1) neuron; yours has "
                            "{n} ({kinds}) — no hidden layers here").format(name=name, n=len(weighted), kinds=kinds))
    layer = dense[0]
    if layer.units != 1:
        raise WrongAnswer(_("`{name}`'s Dense layer has {units} units; one neuron is Dense(1, ...)").format(
            name=name, units=layer.units))
    outputs = model_outputs(model, _PROBE_POINTS, name=name).reshape(-1)
    if outputs.shape != (len(_PROBE_POINTS),):
        raise WrongAnswer(_("`{name}` should give one output per input, it gives {n} for {m} inputs").format(
            name=name, n=outputs.size, m=len(_PROBE_POINTS)))
    kernel, *bias = [np.asarray(v, dtype=float) for v in layer.get_weights()]
    if kernel.shape != (2, 1):
        raise WrongAnswer(_("`{name}`'s neuron should take the 2 inputs x1, x2 directly (start with "
                            "keras.Input((2,)))").format(name=name))
    z = _PROBE_POINTS.astype(float) @ kernel[:, 0] + (bias[0][0] if bias else 0.0)
    if not np.allclose(outputs, _sigmoid(z), rtol=1e-4, atol=1e-5):
        raise WrongAnswer(_("`{name}`'s outputs are not σ(w·x + b) of its Dense layer: give the neuron the sigmoid "
                            "activation, so that its output is a probability between 0 and 1").format(name=name))
    return outputs[:4]


@exercise.task("one neuron on XOR", names=("xor_neuron", "xor_neuron_loss"), hints=(
    "Build the smallest possible Keras model: an input of 2 numbers and ONE Dense unit with a sigmoid, "
    "compiled with the slides' SGD and binary cross-entropy. Train it with model.fit on the repeated "
    "rows, then ask the trained model for its loss on the four XOR rows.",
    "keras.Sequential with keras.Input((2,)) and keras.layers.Dense(1, activation='sigmoid'); compile "
    "with keras.optimizers.SGD(learning_rate=0.5) and loss='binary_crossentropy'; fit on X_steps, "
    "y_steps (epochs=5, batch_size=4, shuffle=False); the loss is what evaluate(X_xor, y_xor) returns.",
))
def task4(xor_neuron, xor_neuron_loss):
    outputs = _single_neuron(xor_neuron, "xor_neuron")
    optimizer = getattr(xor_neuron, "optimizer", None)
    iterations = int(np.asarray(optimizer.iterations)) if optimizer is not None else 0
    if iterations == 0:
        raise WrongAnswer(_("`xor_neuron` has not been trained yet: compile it (SGD, binary cross-entropy), then "
                            "train it with xor_neuron.fit(...)"))
    if isinstance(xor_neuron_loss, (list, tuple)) and len(xor_neuron_loss) > 1 and not isinstance(
            xor_neuron_loss[0], (list, tuple)):
        many = _("with metrics, evaluate returns [loss, metric, ...]: take the loss, the first value; from a "
                 "History take the last epoch's value")
    else:
        many = _("give the mean loss over the four rows (evaluate returns it)")
    reported = as_number(xor_neuron_loss, "xor_neuron_loss", what=_("the binary cross-entropy"), many=many)
    targets = np.array(TRUTH_TABLES["XOR"], dtype=float)
    clipped = np.clip(outputs.astype(float), 1e-7, 1 - 1e-7)
    loss = float(-np.mean(targets * np.log(clipped) + (1 - targets) * np.log(1 - clipped)))
    if abs(reported - loss) > LOSS_MATCH:
        accuracy = float(np.mean((outputs > 0.5) == (targets > 0.5)))
        hint = ""
        if abs(reported - accuracy) < 1e-6 or abs(reported - 100 * accuracy) < 1e-4:
            hint = " " + _("(that is the accuracy; this task asks for the loss)")
        raise WrongAnswer(_("`xor_neuron_loss` is {reported:.4f}, but the binary cross-entropy of `xor_neuron` on the "
                            "four XOR rows is different{hint}: compute it from the trained model").format(
                                reported=reported, hint=hint))
    if loss > math.log(2) + LOSS_SLACK or np.max(np.abs(outputs - 0.5)) > OUTPUT_SLACK:
        raise WrongAnswer(_("`xor_neuron` is still learning: its loss is still falling and its outputs "
                            "{outputs} have not settled. Train it for the full 500 steps with the slides' learning "
                            "rate").format(outputs=np.round(outputs, 3).tolist()))
