"""Checks for exercise 02_02, backpropagation (역전파) in a NumPy two-layer net (lesson 02_02).

The net is the slides' ``prac1_simple_two_Layer_net``: affine → sigmoid → affine → softmax
with the cross-entropy loss; parameters in a dict ``{"W1", "b1", "W2", "b2"}``.

Task 1  ``gradient(params, x, t)``: the backward pass. Compared with a numerical gradient
        (central differences) on a small fixed random problem; the message names the
        parameter(s) whose gradient is off, or the one with the wrong shape.
Task 2  ``max_rel_error``: the student's own numerical gradient check on the notebook's
        small problem (``params_small``, ``x_small``, ``t_small``). The check recomputes it
        from the student's ``gradient``; the two must agree (same order of magnitude) and be
        below ``1e-6``.
Task 3  ``trained_params``: the net trained on scikit-learn's bundled digits (8×8 images,
        offline) with the notebook's split; the check runs the forward pass on the test
        rows and needs at least 90 % accuracy.

Pure NumPy (no TensorFlow); every check answers in well under 0.2 s.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from ..lesson.activations import cross_entropy_error, sigmoid, softmax
from ..lesson.gradcheck import numerical_gradient, relative_error
from .core import Exercise, WrongAnswer, transitional_judge
from .inputs import as_number
from .export import live

__all__ = ["exercise", "PARAM_NAMES", "DIGITS_TEST_SIZE", "DIGITS_SEED", "MIN_TEST_ACCURACY", "MAX_REL_ERROR", "forward", "digits_test_split", "task1", "task2", "task3"]

exercise = Exercise("02_02")

PARAM_NAMES = ("W1", "b1", "W2", "b2")
#: The notebook's split of the digits: ``train_test_split(X, y, test_size=0.25,
#: random_state=0, stratify=y)`` on ``load_digits().data / 16``. Keep the two in step.
DIGITS_TEST_SIZE = 0.25
DIGITS_SEED = 0
MIN_TEST_ACCURACY = 0.90
#: Task 2: a correct backward pass checks out below this relative error.
MAX_REL_ERROR = 1e-6
#: Task 1: per-parameter relative error a correct gradient stays below on the check's problem.
GRADIENT_TOLERANCE = 1e-5
#: Task 2: the student's and the recomputed error may differ by this factor (another h).
AGREEMENT_FACTOR = 10.0


def forward(params: Mapping[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Softmax probabilities of the two-layer net (affine → sigmoid → affine → softmax)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    return softmax(z1 @ params["W2"] + params["b2"])


def _exact_loss(params: Mapping[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> float:
    """Cross-entropy via a stable log-softmax, without the 1e-7 delta (for task 1's comparison)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    a2 = z1 @ params["W2"] + params["b2"]
    shifted = a2 - a2.max(axis=1, keepdims=True)
    log_y = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(t * log_y) / x.shape[0])


def _course_loss(params: Mapping[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> float:
    """The notebook's loss: ``cross_entropy_error(forward(params, x), t)`` (with its 1e-7 delta)."""
    return cross_entropy_error(forward(params, x), t)


@lru_cache(maxsize=1)
def _check_problem() -> tuple[dict, np.ndarray, np.ndarray]:
    """A small fixed random problem (4 inputs, 6 hidden units, 3 classes, batch 5)."""
    rng = np.random.default_rng(2022)
    params = {
        "W1": rng.normal(0.0, 0.8, (4, 6)),
        "b1": rng.normal(0.0, 0.5, 6),
        "W2": rng.normal(0.0, 0.8, (6, 3)),
        "b2": rng.normal(0.0, 0.5, 3),
    }
    x = rng.normal(size=(5, 4))
    t = np.eye(3)[rng.integers(0, 3, 5)]
    return params, x, t


def _fresh(params: Mapping[str, np.ndarray]) -> dict:
    return {key: np.array(value, dtype=float, copy=True) for key, value in params.items()}


def _call_gradient(gradient: Any, params: dict, x: np.ndarray, t: np.ndarray) -> dict:
    """Run the student's gradient on copies; return its dict of arrays or raise WrongAnswer."""
    if gradient is None:
        raise WrongAnswer("`gradient` is None — define it with `def gradient(params, x, t): ...`")
    if not callable(gradient) or isinstance(gradient, type):
        raise WrongAnswer(f"`gradient` should be a function `def gradient(params, x, t): ...`, yours is a "
                          f"{type(gradient).__name__}")
    try:
        grads = gradient(copy.deepcopy(params), x.copy(), t.copy())
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code: report it, never a traceback
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise WrongAnswer(f"gradient(params, x, t) raised {type(exc).__name__}" + (f": {first}" if first else "")) from None
    if not isinstance(grads, Mapping):
        raise WrongAnswer(f"gradient(params, x, t) returned a {type(grads).__name__}; it should return the dict "
                          "`grads` with the keys 'W1', 'b1', 'W2', 'b2'")
    missing = [key for key in PARAM_NAMES if key not in grads]
    if missing:
        raise WrongAnswer(f"the dict returned by gradient(...) has no {', '.join(repr(k) for k in missing)}: "
                          "fill grads['W1'], grads['b1'], grads['W2'] and grads['b2']")
    out = {}
    for key in PARAM_NAMES:
        value = grads[key]
        if value is None:
            raise WrongAnswer(f"grads['{key}'] is None — compute it in the backward pass")
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(f"grads['{key}'] is a {type(value).__name__}, not an array of numbers") from None
        expected = np.shape(params[key])
        if array.shape != expected:
            fix = " (sum over the batch: axis=0)" if key.startswith("b") and array.ndim == 2 else ""
            fix = fix or (" (transposed? dW = inputᵀ · upstream gradient)" if array.shape == expected[::-1] else "")
            raise WrongAnswer(f"grads['{key}'] has shape {array.shape}, but the parameter {key} has shape "
                              f"{expected}{fix}")
        if not np.all(np.isfinite(array)):
            raise WrongAnswer(f"grads['{key}'] contains NaN or infinity")
        out[key] = array
    return out


def _parameter_errors(grads: dict, params: dict, x: np.ndarray, t: np.ndarray, loss) -> dict:
    errors = {}
    for key in PARAM_NAMES:
        work = _fresh(params)
        numeric = numerical_gradient(lambda _: loss(work, x, t), work[key])
        errors[key] = relative_error(grads[key], numeric)
    return errors


def _judge_task1(gradient: Any) -> str | None:
    params, x, t = _check_problem()
    grads = _call_gradient(gradient, _fresh(params), x, t)
    errors = _parameter_errors(grads, params, x, t, _exact_loss)
    off = [key for key in PARAM_NAMES if errors[key] > GRADIENT_TOLERANCE]
    if not off:
        return None
    right = [key for key in PARAM_NAMES if key not in off]
    listed = ", ".join(f"{key} (relative error {errors[key]:.1e})" for key in off)
    message = (f"on a small random test problem your gradient disagrees with the numerical gradient for {listed}"
               + (f"; {', '.join(right)} {'is' if len(right) == 1 else 'are'} right" if right else ""))
    if set(off) <= {"W1", "b1"}:
        message += (". The output layer is right, so the error sits in the steps from dy back to the first layer: "
                    "which upstream gradient reaches z1, and which derivative does the sigmoid layer multiply in, "
                    "evaluated at which value?")
    elif off == ["b2"] or off == ["W2"]:
        message += f". Check grads['{off[0]}'] against its Affine-layer formula"
    return message


def _small_problem(params_small: Any, x_small: Any, t_small: Any) -> tuple[dict, np.ndarray, np.ndarray]:
    if not isinstance(params_small, Mapping) or any(key not in params_small for key in PARAM_NAMES):
        raise WrongAnswer("`params_small` should be the dict of parameters W1, b1, W2, b2 given in the notebook "
                          "(run the cell that defines it again)")
    params = {}
    for key in PARAM_NAMES:
        try:
            params[key] = np.array(params_small[key], dtype=float, copy=True)
        except (TypeError, ValueError):
            raise WrongAnswer(f"params_small['{key}'] is not an array of numbers: run the cell that defines it again") from None
    try:
        x = np.array(x_small, dtype=float, copy=True)
        t = np.array(t_small, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise WrongAnswer("`x_small` and `t_small` should be arrays of numbers: run the cell that defines them "
                          "again") from None
    ok = (params["W1"].ndim == 2 and params["W2"].ndim == 2 and x.ndim == 2 and t.ndim == 2
          and x.shape[1] == params["W1"].shape[0] and params["W1"].shape[1] == params["W2"].shape[0]
          and params["b1"].shape == (params["W1"].shape[1],) and params["b2"].shape == (params["W2"].shape[1],)
          and t.shape == (x.shape[0], params["W2"].shape[1]))
    if not ok:
        raise WrongAnswer("`params_small`, `x_small` and `t_small` do not fit together any more: run the cell "
                          "that defines them again")
    return params, x, t


def _judge_task2(gradient: Any, params_small: Any, x_small: Any, t_small: Any, max_rel_error: Any) -> str | None:
    params, x, t = _small_problem(params_small, x_small, t_small)
    grads = _call_gradient(gradient, _fresh(params), x, t)
    mine = as_number(max_rel_error, "max_rel_error", what="the largest error", many="take the max")
    if mine < 0:
        return "`max_rel_error` is negative; a relative error |a - b| / (|a| + |b|) is never negative"
    recomputed = max(_parameter_errors(grads, params, x, t, _course_loss).values())
    if recomputed >= MAX_REL_ERROR:
        return (f"your gradient disagrees with the numerical gradient on the small problem (largest relative "
                f"error {recomputed:.1e}, needs < {MAX_REL_ERROR:g}): fix `gradient` (task 1) first")
    floor = 1e-16
    if abs(math.log10(max(mine, floor)) - math.log10(max(recomputed, floor))) > math.log10(AGREEMENT_FACTOR):
        return (f"`max_rel_error` = {mine:.1e} does not match the error the check gets from your `gradient` and "
                "numerical_gradient on params_small, x_small, t_small: compute relative_error(grads[key], "
                "numerical[key]) for each of W1, b1, W2, b2 and take the largest")
    if mine >= MAX_REL_ERROR:
        return f"`max_rel_error` = {mine:.1e} is not below {MAX_REL_ERROR:g}"
    return None


@lru_cache(maxsize=1)
def digits_test_split() -> tuple[np.ndarray, np.ndarray]:
    """The test rows ``(x_test, labels)`` of the notebook's digits split (scikit-learn's bundled copy)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data / 16.0
    _, x_test, _, y_test = train_test_split(x, digits.target, test_size=DIGITS_TEST_SIZE,
                                            random_state=DIGITS_SEED, stratify=digits.target)
    return x_test, y_test


def _judge_task3(trained_params: Any) -> str | None:
    if trained_params is None:
        raise WrongAnswer("`trained_params` is None — did you forget to assign it?")
    if not isinstance(trained_params, Mapping):
        raise WrongAnswer(f"`trained_params` should be the dict of parameters (keys 'W1', 'b1', 'W2', 'b2'), yours "
                          f"is a {type(trained_params).__name__}")
    missing = [key for key in PARAM_NAMES if key not in trained_params]
    if missing:
        raise WrongAnswer(f"`trained_params` has no {', '.join(repr(k) for k in missing)}")
    params = {}
    for key in PARAM_NAMES:
        try:
            params[key] = np.asarray(trained_params[key], dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(f"trained_params['{key}'] is not an array of numbers") from None
        if not np.all(np.isfinite(params[key])):
            raise WrongAnswer(f"trained_params['{key}'] contains NaN or infinity: training diverged (smaller "
                              "learning rate?)")
    x_test, y_test = digits_test_split()
    n_in, n_classes = x_test.shape[1], 10
    w1, b1, w2, b2 = (params[key] for key in PARAM_NAMES)
    shapes_ok = (w1.ndim == 2 and w1.shape[0] == n_in and b1.shape == (w1.shape[1],)
                 and w2.ndim == 2 and w2.shape == (w1.shape[1], n_classes) and b2.shape == (n_classes,))
    if not shapes_ok:
        raise WrongAnswer(f"the shapes of `trained_params` (W1 {w1.shape}, b1 {b1.shape}, W2 {w2.shape}, b2 "
                          f"{b2.shape}) do not fit the digits: W1 needs {n_in} rows (one per pixel) and W2, b2 "
                          f"{n_classes} columns (one per digit)")
    accuracy = float(np.mean(forward(params, x_test).argmax(axis=1) == y_test))
    if accuracy >= MIN_TEST_ACCURACY:
        return None
    return (f"test accuracy {accuracy:.1%}, below {MIN_TEST_ACCURACY:.0%}: train longer or with a larger "
            "learning rate, scale the pixels to [0, 1] (data / 16) as given, and use your working gradient")


@exercise.task("backward pass of the two-layer net", names=("gradient",), probes={"gradient": live},
               hints=("Go backwards through the forward pass: affine 2 gives grads['W2'] = z1ᵀ·dy and grads['b2'] = Σ dy over "
         "the batch (axis=0); dz1 = dy·W2ᵀ; the sigmoid gives da1 = dz1 · σ'(a1) with sigmoid_grad; affine 1 gives "
         "grads['W1'] = xᵀ·da1 and grads['b1'] = Σ da1.",))
def task1(gradient):
    transitional_judge(_judge_task1, gradient=gradient)


@exercise.task("numerical gradient check", names=("gradient", "params_small", "x_small", "t_small", "max_rel_error"), probes={"gradient": live},
               hints=("grads = gradient(params_small, x_small, t_small); for each key: numerical = numerical_gradient(lambda _: "
         "loss(params_small, x_small, t_small), params_small[key]); relative_error(grads[key], numerical); take "
         "the max.",))
def task2(gradient, params_small, x_small, t_small, max_rel_error):
    transitional_judge(_judge_task2, gradient=gradient, params_small=params_small, x_small=x_small, t_small=t_small, max_rel_error=max_rel_error)


@exercise.task("train on the digits", names=("trained_params",),
               hints=("Start from init_params(64, 50, 10); repeat: take a random mini-batch of 100 training rows, "
         "grads = gradient(params, x_batch, t_batch), params[key] -= learning_rate * grads[key] for every key "
         "(learning_rate 0.5, about 1000 steps).",))
def task3(trained_params):
    transitional_judge(_judge_task3, trained_params=trained_params)

