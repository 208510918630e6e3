"""Checks for exercise 02_02, backpropagation (역전파) in a NumPy two-layer net (lesson 02_02).

The net is the slides' ``prac1_simple_two_Layer_net``: affine → sigmoid → affine → softmax
with the cross-entropy loss; parameters in a dict ``{"W1", "b1", "W2", "b2"}``.

Task 1  ``gradient(params, x, t)``: the backward pass, recorded on a small fixed random problem
        and compared with a numerical gradient (central differences); the message names the
        parameter(s) whose gradient is off, or the one with the wrong shape.
Task 2  ``max_rel_error``: the student's own numerical gradient check on the notebook's small
        problem (``params_small``, ``x_small``, ``t_small``, rebuilt here by
        :func:`small_problem`). The judge repeats the procedure from the student's recorded
        gradient (step sizes 1e-3 to 1e-6, the usual relative-error formulas, the notebook's
        loss or the exact one): the reported number must agree with one of these to a relative
        1e-6 (the same procedure gives the same bits; a typed or rounded number does not), and
        be below ``MAX_REL_ERROR``.
Task 3  ``trained_params``: the net trained on scikit-learn's bundled digits (8×8 images,
        offline); the judge runs the forward pass on the notebook's *validation* rows (never
        the training rows) and needs at least 90 % accuracy.

Pure NumPy (no TensorFlow); every check answers in well under 0.2 s.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping

import numpy as np

from ..i18n import _
from ..lesson.activations import cross_entropy_error, sigmoid, softmax
from ..lesson.gradcheck import numerical_gradient, relative_error
from .core import Exercise, WrongAnswer
from .export import Recorded, calls
from .inputs import as_number

__all__ = ["exercise", "PARAM_NAMES", "DIGITS_VAL_SIZE", "DIGITS_SEED", "MIN_VAL_ACCURACY", "MAX_REL_ERROR",
           "forward", "init_params", "small_problem", "digits_validation_split", "task1", "task2", "task3"]

exercise = Exercise("02_02")

PARAM_NAMES = ("W1", "b1", "W2", "b2")
#: The notebook's split of the digits: ``train_test_split(X, y, test_size=0.25, random_state=0,
#: stratify=y)`` on ``load_digits().data / 16``, the 25 % kept as validation rows. Keep the two in step.
DIGITS_VAL_SIZE = 0.25
DIGITS_SEED = 0
MIN_VAL_ACCURACY = 0.90
#: Task 2: a correct backward pass checks out below this relative error (with numerical_gradient's h).
MAX_REL_ERROR = 1e-6
#: Task 1: per-parameter relative error a correct gradient stays below on the check's problem.
GRADIENT_TOLERANCE = 1e-5
#: Task 2: the reported error must agree with a recomputation to this relative difference (the same
#: procedure gives the same number to the last bits; a rounded or typed number does not).
AGREEMENT = 1e-6
#: Task 2: step sizes h a student may have used for the central differences.
STEP_SIZES = (1e-3, 1e-4, 1e-5, 1e-6)


def forward(params: Mapping[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Softmax probabilities of the two-layer net (affine → sigmoid → affine → softmax)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    return softmax(z1 @ params["W2"] + params["b2"])


def init_params(input_size: int, hidden_size: int, output_size: int, weight_init_std: float = 0.01,
                seed: int = 0) -> dict:
    """The notebook's ``init_params`` (small Gaussian weights, zero biases)."""
    rng = np.random.default_rng(seed)
    return {"W1": weight_init_std * rng.standard_normal((input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)), "b2": np.zeros(output_size)}


def small_problem() -> tuple[dict, np.ndarray, np.ndarray]:
    """Task 2's given problem, exactly as the exercise's cell builds it (fresh copies)."""
    rng = np.random.default_rng(18)
    params = init_params(4, 5, 3, weight_init_std=0.1, seed=18)
    x = rng.standard_normal((3, 4))
    t = np.eye(3)[rng.integers(0, 3, 3)]
    return params, x, t


def _exact_loss(params: Mapping[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> float:
    """Cross-entropy via a stable log-softmax, without the 1e-7 delta."""
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
    """Task 1's small fixed random problem (4 inputs, 6 hidden units, 3 classes, batch 5)."""
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


@lru_cache(maxsize=1)
def _small_problem_cached() -> tuple[dict, np.ndarray, np.ndarray]:
    return small_problem()


def _fresh(params: Mapping[str, np.ndarray]) -> dict:
    return {key: np.array(value, dtype=float, copy=True) for key, value in params.items()}


def _grads(gradient: Any, params: dict, x: np.ndarray, t: np.ndarray) -> dict:
    """The student's recorded ``gradient(params, x, t)`` as a dict of arrays, or WrongAnswer."""
    if not isinstance(gradient, Recorded):
        raise WrongAnswer(_("`gradient` should be a function `def gradient(params, x, t): ...`, yours is a {type}").format(
            type=type(gradient).__name__))
    grads = gradient(params, x, t)
    if not isinstance(grads, Mapping):
        raise WrongAnswer(_("gradient(params, x, t) returned a {type}; it should return the dict `grads` with the keys "
                            "'W1', 'b1', 'W2', 'b2'").format(type=type(grads).__name__))
    missing = [key for key in PARAM_NAMES if key not in grads]
    if missing:
        raise WrongAnswer(_("the dict returned by gradient(...) has no {keys}: fill grads['W1'], grads['b1'], "
                            "grads['W2'] and grads['b2']").format(keys=", ".join(repr(k) for k in missing)))
    out = {}
    for key in PARAM_NAMES:
        value = grads[key]
        if value is None:
            raise WrongAnswer(_("grads['{key}'] is None — compute it in the backward pass").format(key=key))
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(_("grads['{key}'] is a {type}, not an array of numbers").format(
                key=key, type=type(value).__name__)) from None
        expected = np.shape(params[key])
        if array.shape != expected:
            fix = ""
            if key.startswith("b") and array.ndim == 2:
                fix = " " + _("(sum over the batch: axis=0)")
            elif array.shape == expected[::-1]:
                fix = " " + _("(transposed? dW = inputᵀ · upstream gradient)")
            raise WrongAnswer(_("grads['{key}'] has shape {shape}, but the parameter {key} has shape {expected}{fix}").format(
                key=key, shape=array.shape, expected=expected, fix=fix))
        if not np.all(np.isfinite(array)):
            raise WrongAnswer(_("grads['{key}'] contains NaN or infinity").format(key=key))
        out[key] = array
    return out


def _numerical(params: Mapping[str, np.ndarray], x: np.ndarray, t: np.ndarray, loss: Callable, h: float) -> dict:
    numeric = {}
    for key in PARAM_NAMES:
        work = _fresh(params)
        numeric[key] = numerical_gradient(lambda _: loss(work, x, t), work[key], h=h)
    return numeric


def _check_cases():
    return [_check_problem()]


@exercise.task("backward pass of the two-layer net", names=("gradient",),
               probes={"gradient": calls(_check_cases)}, hints=(
    "Walk the forward pass backwards, one layer at a time: each layer gets the gradient of the loss with "
    "respect to its output and turns it into the gradients of its parameters and of its input. The affine "
    "rule is in the task text; the sigmoid layer multiplies by its own derivative.",
    "Affine 2: grads['W2'] = z1ᵀ·dy and grads['b2'] = Σ dy over the batch rows (axis=0); dz1 = dy·W2ᵀ. "
    "Sigmoid: da1 = dz1 · σ'(a1), with sigmoid_grad evaluated at a1 (the layer's input). Affine 1: "
    "grads['W1'] = xᵀ·da1 and grads['b1'] = Σ da1.",
))
def task1(gradient):
    params, x, t = _check_problem()
    grads = _grads(gradient, params, x, t)
    numeric = _numerical(params, x, t, _exact_loss, 1e-4)
    errors = {key: relative_error(grads[key], numeric[key]) for key in PARAM_NAMES}
    off = [key for key in PARAM_NAMES if errors[key] > GRADIENT_TOLERANCE]
    if not off:
        return
    right = [key for key in PARAM_NAMES if key not in off]
    listed = ", ".join(_("{key} (relative error {error:.1e})").format(key=key, error=errors[key]) for key in off)
    message = _("on a small random test problem your gradient disagrees with the numerical gradient for {listed}").format(
        listed=listed)
    if right:
        message += "; " + _("{keys} {verb} right").format(keys=", ".join(right),
                                                         verb=_("is") if len(right) == 1 else _("are"))
    if set(off) <= {"W1", "b1"}:
        message += ". " + _("The output layer is right, so the error sits in the steps from dy back to the first "
                            "layer: which upstream gradient reaches z1, and which derivative does the sigmoid layer "
                            "multiply in, evaluated at which value?")
    elif len(off) == 1 and off[0] in ("W2", "b2"):
        message += ". " + _("Check grads['{key}'] against its Affine-layer formula").format(key=off[0])
    raise WrongAnswer(message)


# --------------------------------------------------------------------------- task 2


def _relative_errors(a: np.ndarray, b: np.ndarray) -> list[float]:
    """The usual ways to compare an analytic with a numerical gradient (course, cs231n, norms)."""
    diff = np.abs(a - b)
    return [relative_error(a, b),
            float(np.max(diff / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8))),
            float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)),
            float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-12))]


def _procedures(grads: dict, params: dict, x: np.ndarray, t: np.ndarray) -> tuple[float, list[float]]:
    """The course procedure's result (h = 1e-4, relative_error, the notebook's loss), and every
    candidate result of an acceptable variant (max over the four parameters each time): other
    step sizes, other relative-error formulas, and the exact loss (without the 1e-7 delta)."""
    candidates = []
    course = None
    for loss, steps in ((_course_loss, STEP_SIZES), (_exact_loss, (1e-4,))):
        for h in steps:
            numeric = _numerical(params, x, t, loss, h)
            per_key = [_relative_errors(grads[key], numeric[key]) for key in PARAM_NAMES]
            for formula in range(len(per_key[0])):
                candidates.append(max(errors[formula] for errors in per_key))
            if loss is _course_loss and h == 1e-4:
                course = max(errors[0] for errors in per_key)
    return float(course), candidates


def _check_given_problem(params_small: Any, x_small: Any, t_small: Any) -> tuple[dict, np.ndarray, np.ndarray]:
    params, x, t = _small_problem_cached()
    fix = _("run the cell that defines params_small, x_small and t_small again (the check needs the problem as "
            "given)")
    if not isinstance(params_small, Mapping) or any(key not in params_small for key in PARAM_NAMES):
        raise WrongAnswer(_("`params_small` should be the dict of parameters W1, b1, W2, b2 given in the notebook: "
                            "{fix}").format(fix=fix))
    for name, mine, given in [*((f"params_small['{k}']", params_small[k], params[k]) for k in PARAM_NAMES),
                              ("x_small", x_small, x), ("t_small", t_small, t)]:
        try:
            array = np.asarray(mine, dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(_("`{name}` is not an array of numbers: {fix}").format(name=name, fix=fix)) from None
        if array.shape != given.shape or not np.allclose(array, given, rtol=0, atol=1e-12):
            raise WrongAnswer(_("`{name}` is not the one the notebook gives (changed or redefined?): {fix}").format(
                name=name, fix=fix))
    return params, x, t


def _small_cases():
    return [_small_problem_cached()]


@exercise.task("numerical gradient check", names=("gradient", "params_small", "x_small", "t_small", "max_rel_error"),
               probes={"gradient": calls(_small_cases)}, hints=(
    "Compare two gradients of the same loss on the small problem: the one your backward pass returns, and "
    "one measured by nudging each parameter a little (numerical_gradient). relative_error compares one "
    "parameter's pair; the task asks for the worst of the four.",
    "grads = gradient(params_small, x_small, t_small); then for each key: numerical = numerical_gradient("
    "lambda _: loss(params_small, x_small, t_small), params_small[key]) and relative_error(grads[key], "
    "numerical); max_rel_error is the largest of the four.",
))
def task2(gradient, params_small, x_small, t_small, max_rel_error):
    params, x, t = _check_given_problem(params_small, x_small, t_small)
    grads = _grads(gradient, params, x, t)
    mine = as_number(max_rel_error, "max_rel_error", what=_("the largest relative error"),
                     many=_("take the largest of the four errors"))
    if mine < 0:
        raise WrongAnswer(_("`max_rel_error` is negative; a relative error |a - b| / (|a| + |b|) is never negative"))
    course, candidates = _procedures(grads, params, x, t)
    matches = any(abs(mine - c) <= AGREEMENT * max(c, 1e-300) for c in candidates)
    if course >= MAX_REL_ERROR:
        if matches:
            raise WrongAnswer(_("your gradient check works, and it says what it should: `gradient` disagrees with the "
                                "numerical gradient on the small problem. Fix `gradient` (task 1) first"))
        raise WrongAnswer(_("your `gradient` disagrees with the numerical gradient on the small problem: fix "
                            "`gradient` (task 1) first, then compute `max_rel_error` again"))
    if not matches:
        raise WrongAnswer(_("`max_rel_error` = {mine:.3e} is not what a gradient check of your `gradient` on "
                            "params_small, x_small, t_small gives: compute relative_error(grads[key], numerical[key]) "
                            "for each of W1, b1, W2, b2 with numerical_gradient, and take the largest (do not type "
                            "the number in)").format(mine=mine))
    if mine >= MAX_REL_ERROR:
        raise WrongAnswer(_("your gradient check gives {mine:.1e}, not below {limit:g}, although your gradient is "
                            "right: the step h of the central differences is too small (rounding) or too large; use "
                            "numerical_gradient's default").format(mine=mine, limit=MAX_REL_ERROR))


# --------------------------------------------------------------------------- task 3


@lru_cache(maxsize=1)
def digits_validation_split() -> tuple[np.ndarray, np.ndarray]:
    """The validation rows ``(x_val, labels)`` of the notebook's digits split (scikit-learn's bundled copy)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data / 16.0
    _, x_val, _, y_val = train_test_split(x, digits.target, test_size=DIGITS_VAL_SIZE,
                                          random_state=DIGITS_SEED, stratify=digits.target)
    return x_val, y_val


@exercise.task("train on the digits", names=("trained_params",), hints=(
    "Training repeats one move many times: take a few random training rows, ask your gradient for the "
    "direction that increases the loss, and step every parameter a little the other way.",
    "Start from init_params(64, 50, 10); repeat about 1000 times: draw 100 random training rows, grads = "
    "gradient(params, x_batch, t_batch), then params[key] -= learning_rate * grads[key] for every key "
    "(learning_rate 0.5).",
))
def task3(trained_params):
    if not isinstance(trained_params, Mapping):
        raise WrongAnswer(_("`trained_params` should be the dict of parameters (keys 'W1', 'b1', 'W2', 'b2'), yours is "
                            "a {type}").format(type=type(trained_params).__name__))
    missing = [key for key in PARAM_NAMES if key not in trained_params]
    if missing:
        raise WrongAnswer(_("`trained_params` has no {keys}").format(keys=", ".join(repr(k) for k in missing)))
    params = {}
    for key in PARAM_NAMES:
        try:
            params[key] = np.asarray(trained_params[key], dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(_("trained_params['{key}'] is not an array of numbers").format(key=key)) from None
        if not np.all(np.isfinite(params[key])):
            raise WrongAnswer(_("trained_params['{key}'] contains NaN or infinity: training diverged (smaller learning "
                                "rate?)").format(key=key))
    x_val, y_val = digits_validation_split()
    n_in, n_classes = x_val.shape[1], 10
    w1, b1, w2, b2 = (params[key] for key in PARAM_NAMES)
    shapes_ok = (w1.ndim == 2 and w1.shape[0] == n_in and b1.shape == (w1.shape[1],)
                 and w2.ndim == 2 and w2.shape == (w1.shape[1], n_classes) and b2.shape == (n_classes,))
    if not shapes_ok:
        raise WrongAnswer(_("the shapes of `trained_params` (W1 {w1}, b1 {b1}, W2 {w2}, b2 {b2}) do not fit the digits: "
                            "W1 needs {n_in} rows (one per pixel) and W2, b2 {n_classes} columns (one per digit)").format(
                                w1=w1.shape, b1=b1.shape, w2=w2.shape, b2=b2.shape, n_in=n_in, n_classes=n_classes))
    accuracy = float(np.mean(forward(params, x_val).argmax(axis=1) == y_val))
    if accuracy < MIN_VAL_ACCURACY:
        raise WrongAnswer(_("validation accuracy {accuracy:.1%}, below {goal:.0%}: train longer or with a larger learning "
                            "rate, scale the pixels to [0, 1] (data / 16) as given, and use your working gradient").format(
                                accuracy=accuracy, goal=MIN_VAL_ACCURACY))
