"""Read a student's value for a judge, or refuse it with a message (all exercises).

Each helper raises :class:`~course_utils.checks.core.WrongAnswer` with a student-facing
message (what the value should be, what it is) instead of letting a traceback through:
``as_number`` (one number), ``as_array`` (numbers of a given shape) and ``model_outputs``
(call a Keras model or a function on inputs). Introduced with the checks of exercise 02_00.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..i18n import _
from .core import WrongAnswer
from .export import Unsupported, is_keras_model

__all__ = ["as_array", "as_number", "describe_error", "model_outputs"]


def describe_error(exc: BaseException) -> str:
    """``TypeError: first line of the message`` (shortened): never a traceback."""
    text = str(exc).strip().splitlines()
    first = text[0].strip() if text else ""
    if len(first) > 160:
        first = first[:157] + "..."
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, Unsupported) else type(value).__name__


def _none(name: str) -> WrongAnswer:
    return WrongAnswer(_("`{name}` is None — did you forget to assign it (or to `return` it)?").format(name=name))


def _shape_text(shape: tuple) -> str:
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + parts[0] + ",)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def as_number(value: Any, name: str = "x", *, what: str = "", many: str = "", finite: bool = True) -> float:
    """``value`` as one float: a Python or NumPy number, a one-element array or a TF scalar.

    Raises :class:`WrongAnswer` for None, text, booleans, containers of several values
    (``many`` says what to do then, e.g. "take the max") and, with ``finite``, NaN or ±inf.
    ``what`` describes the number in messages ("a fraction from 0 to 1"). All exercises.
    """
    kind = _("one number ({what})").format(what=what) if what else _("one number")
    if value is None:
        raise _none(name)
    wrong_type = WrongAnswer(_("`{name}` should be {kind}, yours is a {type}").format(
        name=name, kind=kind, type=_type_name(value)))
    if isinstance(value, (bool, np.bool_, str, bytes, dict, set, Unsupported)):
        raise wrong_type
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype="float64")
    except (TypeError, ValueError):
        raise wrong_type from None
    if array.size != 1:
        message = _("`{name}` should be {kind}, yours holds {n} values").format(name=name, kind=kind, n=array.size)
        raise WrongAnswer(message + (f": {many}" if many else ""))
    number = float(array.reshape(()))
    if finite and not np.isfinite(number):
        raise WrongAnswer(_("`{name}` should be a finite number, yours is NaN or infinite ({number})").format(
            name=name, number=number))
    return number


def as_array(
    value: Any,
    shape: tuple[int | None, ...] | None = None,
    name: str = "x",
    dtype: Any = float,
    *,
    finite: bool = True,
) -> np.ndarray:
    """Turn a student's value into a NumPy array or raise :class:`WrongAnswer` saying why not.

    ``shape`` may use ``None`` for "any size". Strings, None, ragged lists, non-numbers and
    (with ``finite=True``) NaN/infinity are refused with a message naming ``name``.
    Used by the checks of every exercise (first in 02_00).
    """
    if value is None:
        raise _none(name)
    if isinstance(value, (str, bytes, dict, set, Unsupported)) or is_keras_model(value):
        raise WrongAnswer(_("`{name}` should be numbers (a list or NumPy array), yours is a {type}").format(
            name=name, type=_type_name(value)))
    try:
        array = np.asarray(value, dtype=dtype) if dtype is not None else np.asarray(value)
    except (TypeError, ValueError):
        raise WrongAnswer(_(
            "`{name}` should be numbers (a list or NumPy array of the same length rows), "
            "yours is a {type} that cannot be read as numbers").format(name=name, type=_type_name(value))) from None
    if array.dtype.kind not in "biuf":
        raise WrongAnswer(_("`{name}` should be numbers, yours holds {dtype} values").format(name=name, dtype=array.dtype))
    if shape is not None:
        shape = tuple(shape)
        fits = array.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, array.shape))
        if not fits:
            raise WrongAnswer(_("`{name}` should have shape {shape}, yours has {actual}").format(
                name=name, shape=_shape_text(shape), actual=_shape_text(array.shape)))
    if finite and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise WrongAnswer(_("`{name}` contains NaN or infinity — check the computation that produced it").format(name=name))
    return array


def model_outputs(model: Any, x: Any, *, name: str = "model") -> np.ndarray:
    """Call a Keras model (``training=False``) or a plain function on ``x``; return a NumPy array.

    Fast (no ``predict``, no tracing). Raises :class:`WrongAnswer` with a clear message when
    ``model`` is None, not a model or function, not built yet, does not accept inputs of
    ``x``'s shape, or gives NaN outputs. Used by the checks from exercise 02_01 on.
    """
    if model is None:
        raise _none(name)
    x = np.asarray(x, dtype="float32")
    is_keras = is_keras_model(model)
    if not is_keras and (not callable(model) or isinstance(model, (type, Unsupported))):
        raise WrongAnswer(_("`{name}` should be a Keras model (or a function), yours is a {type}").format(
            name=name, type=_type_name(model)))
    if is_keras:
        if not getattr(model, "built", True):
            raise WrongAnswer(_(
                "`{name}` has not been built yet: give it an input, e.g. start with "
                "`keras.Input((2,))`, then compile and train it before checking").format(name=name))
        expected = _expected_input_shape(model)
        if expected is not None and (
            len(expected) != x.ndim or any(e is not None and e != a for e, a in zip(expected[1:], x.shape[1:]))
        ):
            raise WrongAnswer(_(
                "`{name}` expects inputs of shape {expected} but the check feeds {shape}: check its input "
                "layer (e.g. `keras.Input(({n},))`)").format(
                    name=name, expected=tuple(expected), shape=tuple(x.shape), n=x.shape[-1]))
    try:
        with warnings.catch_warnings():   # a model built with list inputs (the slides' spelling) called on one array
            warnings.filterwarnings("ignore", message="The structure of `inputs` doesn't match", category=UserWarning)
            out = model(x, training=False) if is_keras else model(x)
    except (WrongAnswer, NotImplementedError):
        raise
    except Exception as exc:
        raise WrongAnswer(_("calling `{name}` on inputs of shape {shape} failed: {error}").format(
            name=name, shape=_shape_text(x.shape), error=describe_error(exc))) from None
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    try:
        array = np.asarray(out.numpy() if hasattr(out, "numpy") else out, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(_("`{name}` should return numbers, it returned a {type}").format(
            name=name, type=_type_name(out))) from None
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(_(
            "`{name}` gives NaN or infinite outputs: training diverged (try a smaller learning rate) "
            "or the weights were never set").format(name=name))
    return array


def _expected_input_shape(model: Any) -> tuple | None:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs or len(inputs) != 1:
        return None
    try:
        shape = tuple(None if d is None else int(d) for d in inputs[0].shape)
    except (TypeError, ValueError):
        return None
    return shape or None
