"""Activation functions (활성화 함수) and their derivatives in NumPy (lesson 02_02).

Each function takes a number, a list or a NumPy array and returns a float array of the
same shape (a NumPy float for a scalar input). ``*_grad`` is the derivative with respect
to the input, evaluated element by element: the local gradient a layer multiplies into
the upstream gradient during backpropagation (역전파).

Values at the kinks (the slides leave them open; we follow TensorFlow's autodiff):

* ``relu_grad(0) = 0``        (TensorFlow's ReLU gradient is 0 at 0)
* ``leaky_relu_grad(0) = alpha`` (TensorFlow's Leaky ReLU gradient is ``alpha`` at 0)
* ``elu_grad(0) = 1``         (the slides' case ``x >= 0``; equals TensorFlow's for alpha=1)

``softmax`` and ``cross_entropy_error`` are the output layer and the loss of the slides'
two-layer NumPy network (affine → sigmoid → affine → softmax).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ActivationInputError
from ..i18n import _

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "elu",
    "elu_grad",
    "softmax",
    "cross_entropy_error",
    "ACTIVATIONS",
]

#: Added inside the logarithm of ``cross_entropy_error`` so that log(0) never happens
#: (the same small delta as the slides' two-layer network).
CROSS_ENTROPY_DELTA = 1e-7


def _as_float_array(x, func: str) -> np.ndarray:
    """``x`` as a float64 array, or a clear error naming the function that was called."""
    if isinstance(x, (str, bytes)) or x is None:
        raise ActivationInputError(
            _("{func}() expects numbers (a scalar, a list or a NumPy array), got {type} {x!r}.").format(
                func=func, type=type(x).__name__, x=x)
        )
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ActivationInputError(
            _("{func}() expects numbers (a scalar, a list or a NumPy array); "
              "could not read {type} as numbers: {exc}. "
              "Ragged lists (rows of different lengths) do not work either.").format(
                  func=func, type=type(x).__name__, exc=exc)
        ) from None
    return arr


def _out(arr: np.ndarray):
    """Return a NumPy float for 0-d results, the array otherwise."""
    return arr[()] if arr.ndim == 0 else arr


def _check_alpha(alpha, func: str) -> float:
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        raise ActivationInputError(_("{func}(): alpha must be a number, got {alpha!r}.").format(
            func=func, alpha=alpha)) from None
    if not np.isfinite(value):
        raise ActivationInputError(_("{func}(): alpha must be finite, got {alpha!r}.").format(func=func, alpha=alpha))
    return value


# --- sigmoid ----------------------------------------------------------------------------

def sigmoid(x):
    """Logistic sigmoid σ(x) = 1 / (1 + e^(-x)) (lesson 02_02).

    Numerically stable: it only ever evaluates e^(-|x|) <= 1, so ``sigmoid(±1000)`` is
    exactly 1.0 / 0.0 without an overflow warning.
    """
    x = _as_float_array(x, "sigmoid")
    z = np.exp(-np.abs(x))                       # in (0, 1]: never overflows
    return _out(np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z)))


def sigmoid_grad(x):
    """Derivative σ'(x) = σ(x)·(1 − σ(x)) (lesson 02_02).

    Computed as e^(-|x|) / (1 + e^(-|x|))², which is the same number written so that it
    stays accurate (and symmetric) for large |x| instead of rounding 1 − σ(x) to 0.
    """
    x = _as_float_array(x, "sigmoid_grad")
    z = np.exp(-np.abs(x))
    return _out(z / (1.0 + z) ** 2)


# --- tanh -------------------------------------------------------------------------------

def tanh(x):
    """Hyperbolic tangent tanh(x), output in (-1, 1) (lesson 02_02)."""
    return _out(np.tanh(_as_float_array(x, "tanh")))


def tanh_grad(x):
    """Derivative tanh'(x) = 1 − tanh(x)² (lesson 02_02)."""
    t = np.tanh(_as_float_array(x, "tanh_grad"))
    return _out(1.0 - t * t)


# --- ReLU -------------------------------------------------------------------------------

def relu(x):
    """Rectified linear unit max(0, x) (lesson 02_02)."""
    return _out(np.maximum(0.0, _as_float_array(x, "relu")))


def relu_grad(x):
    """Derivative of ReLU: 1 where x > 0, else 0 (value 0 chosen at x = 0, as TensorFlow) (lesson 02_02)."""
    x = _as_float_array(x, "relu_grad")
    return _out((x > 0).astype(np.float64))


# --- Leaky ReLU -------------------------------------------------------------------------

def leaky_relu(x, alpha: float = 0.1):
    """Leaky ReLU: x where x > 0, alpha·x otherwise; alpha = 0.1 gives the slides' max(0.1x, x) (lesson 02_02)."""
    alpha = _check_alpha(alpha, "leaky_relu")
    x = _as_float_array(x, "leaky_relu")
    return _out(np.where(x > 0, x, alpha * x))


def leaky_relu_grad(x, alpha: float = 0.1):
    """Derivative of Leaky ReLU: 1 where x > 0, alpha otherwise (alpha chosen at x = 0, as TensorFlow) (lesson 02_02)."""
    alpha = _check_alpha(alpha, "leaky_relu_grad")
    x = _as_float_array(x, "leaky_relu_grad")
    return _out(np.where(x > 0, 1.0, alpha))


# --- ELU --------------------------------------------------------------------------------

def elu(x, alpha: float = 1.0):
    """Exponential linear unit: x for x >= 0, alpha·(e^x − 1) for x < 0 (lesson 02_02)."""
    alpha = _check_alpha(alpha, "elu")
    x = _as_float_array(x, "elu")
    # expm1 of min(x, 0): accurate near 0 and never overflows for large positive x.
    return _out(np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0.0))))


def elu_grad(x, alpha: float = 1.0):
    """Derivative of ELU: 1 for x >= 0 (so 1 at x = 0, the slides' case split), alpha·e^x for x < 0 (lesson 02_02)."""
    alpha = _check_alpha(alpha, "elu_grad")
    x = _as_float_array(x, "elu_grad")
    return _out(np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))))


# --- softmax and the loss of the two-layer network -----------------------------------------

def softmax(x):
    """Softmax over the last axis: a 1-D vector, or each row of a 2-D batch (lesson 02_02).

    Stable: the row maximum is subtracted before ``exp`` (this does not change the result),
    so large scores such as 1000 do not overflow. Every output row sums to 1.
    """
    x = _as_float_array(x, "softmax")
    if x.ndim == 0:
        raise ActivationInputError(
            _("softmax() needs a vector of scores (1-D) or a batch of rows (2-D), got a single number.")
        )
    if x.shape[-1] == 0:
        raise ActivationInputError(_("softmax() got an empty score vector; it needs at least one score per row."))
    if not np.all(np.isfinite(x)):
        raise ActivationInputError(
            _("softmax() got NaN or infinite scores. Check the layer before it (did training diverge?).")
        )
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """Cross-entropy loss (손실 함수), averaged over the batch, as in the slides' two-layer net (lesson 02_02).

    ``y``: predicted probabilities, shape (n_classes,) for one sample or (batch, n_classes).
    ``t``: the targets, either one-hot / probability rows of the same shape as ``y``, or
    integer class labels of shape () / (batch,).

    Returns ``-Σ t·log(y + 1e-7) / batch``; the small delta keeps log(0) away. With one-hot
    rows this equals ``-Σ log(y[i, label_i] + 1e-7) / batch``.
    """
    y = _as_float_array(y, "cross_entropy_error (y)")
    t_raw = np.asarray(t) if not isinstance(t, (str, bytes)) and t is not None else t
    if not isinstance(t_raw, np.ndarray) or t_raw.dtype.kind not in "biuf":
        raise ActivationInputError(
            _("cross_entropy_error(y, t): t must be one-hot rows or integer class labels, "
              "got {type} {t!r}.").format(type=type(t).__name__, t=t)
        )
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t_raw = t_raw.reshape(1, -1) if t_raw.size == y.size else t_raw.reshape(-1)
    if y.ndim != 2 or y.shape[1] == 0 or y.shape[0] == 0:
        raise ActivationInputError(
            _("cross_entropy_error(y, t): y must be (n_classes,) or (batch, n_classes) probabilities, got shape {shape}.").format(
                shape=y.shape)
        )
    if not np.all(np.isfinite(y)):
        raise ActivationInputError(
            _("cross_entropy_error(y, t): y contains NaN or infinite values. Check the network's "
              "forward pass (did the scores overflow, or training diverge?).")
        )
    if np.any(y < 0) or np.any(y > 1):
        raise ActivationInputError(
            _("cross_entropy_error(y, t): y must hold probabilities in [0, 1] (apply softmax first); "
              "got values from {y_min:.4g} to {y_max:.4g}.").format(y_min=y.min(), y_max=y.max())
        )
    batch, n_classes = y.shape
    if t_raw.shape == y.shape:                                  # one-hot or probability rows
        t_rows = t_raw.astype(np.float64)
        if not np.all(np.isfinite(t_rows)):
            raise ActivationInputError(_("cross_entropy_error(y, t): t contains NaN or infinite values."))
    elif t_raw.size == batch and (t_raw.ndim <= 1 or t_raw.shape == (batch, 1)):  # class labels
        labels = t_raw.reshape(-1)
        if labels.dtype.kind == "f":
            if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
                raise ActivationInputError(
                    _("cross_entropy_error(y, t): label indices must be whole numbers, "
                      "got {labels}…; pass one-hot rows of shape {shape} or integer labels.").format(
                          labels=labels[:5].tolist(), shape=y.shape)
                )
        labels = labels.astype(np.int64)
        if np.any(labels < 0) or np.any(labels >= n_classes):
            raise ActivationInputError(
                _("cross_entropy_error(y, t): labels must be in 0..{last} "
                  "(y has {n_classes} columns), got min {labels_min} and max {labels_max}.").format(
                      last=n_classes - 1, n_classes=n_classes, labels_min=labels.min(), labels_max=labels.max())
            )
        return float(-np.sum(np.log(y[np.arange(batch), labels] + CROSS_ENTROPY_DELTA)) / batch)
    else:
        raise ActivationInputError(
            _("cross_entropy_error(y, t): t has shape {shape}, which fits neither one-hot rows "
              "(shape {shape2}) nor one label per sample (shape ({batch},)).").format(
                  shape=t_raw.shape, shape2=y.shape, batch=batch)
        )
    return float(-np.sum(t_rows * np.log(y + CROSS_ENTROPY_DELTA)) / batch)


#: name → (function, derivative), in the order the slides introduce them (lesson 02_02).
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
}
