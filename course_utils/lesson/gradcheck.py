"""Numerical gradients to check a hand-written backpropagation (역전파) (lesson 02_02).

The analytic gradient from the chain rule is fast; the numerical one is slow but hard to
get wrong. Computing both and comparing them with :func:`relative_error` is how the
slides' two-layer network checks the student's ``gradient`` method.

Example (the slides' f(x, y, z) = (x + y)·z at (-2, 5, -4))::

    >>> v = np.array([-2.0, 5.0, -4.0])
    >>> numerical_gradient(lambda v: (v[0] + v[1]) * v[2], v)      # ≈ [-4, -4, 3]
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import GradCheckError
from ..i18n import _

__all__ = ["numerical_gradient", "relative_error"]


def _scalar_value(out, f_name: str, index: tuple) -> float:
    """The number ``f`` returned, or a clear error if it is not one finite scalar."""
    try:
        arr = np.asarray(out)
    except Exception:  # pragma: no cover - exotic objects without an array form
        arr = None
    if arr is None or arr.dtype.kind not in "biuf":
        raise GradCheckError(
            _("numerical_gradient: f must return a number (the loss), but {f_name} returned "
              "{type} {out!r}.").format(f_name=f_name, type=type(out).__name__, out=out)
        )
    if arr.ndim != 0:
        raise GradCheckError(
            _("numerical_gradient: f must return a single number (the loss), but {f_name} returned "
              "an array of shape {shape}. Reduce it first, e.g. with np.sum(...) or np.mean(...).").format(
                  f_name=f_name, shape=arr.shape)
        )
    value = float(arr)
    if not np.isfinite(value):
        raise GradCheckError(
            _("numerical_gradient: f returned {value} when element {index} of x was nudged. "
              "The loss must be finite at x ± h; check f (log of 0? overflow?) or use a smaller h.").format(
                  value=value, index=index)
        )
    return value


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Gradient of the scalar function ``f`` at ``x`` by central differences (lesson 02_02).

    For every element ``x[i]``: ``(f(x with x[i] + h) - f(x with x[i] - h)) / (2h)``.

    ``x`` is changed **in place** while one element is nudged, then restored bit for bit
    (also when ``f`` raises), so ``f`` may read either its argument or the same array
    through another name (e.g. the network's weights, as in the slides'
    ``lambda W: net.loss(x, t)``). ``x`` must therefore be a NumPy float array of any shape;
    ``f(x)`` must return one number. Returns an array of ``x``'s shape and dtype.
    """
    if not callable(f):
        raise GradCheckError(
            _("numerical_gradient(f, x): f must be a function that takes the array and returns the loss, "
              "got {type}.").format(type=type(f).__name__)
        )
    if not isinstance(x, np.ndarray):
        raise GradCheckError(
            _("numerical_gradient(f, x): x must be a NumPy float array (it is nudged in place), got "
              "{type}. Convert it first: x = np.asarray(x, dtype=float).").format(type=type(x).__name__)
        )
    if x.dtype.kind != "f":
        raise GradCheckError(
            _("numerical_gradient(f, x): x has dtype {dtype}, which cannot hold x ± h. "
              "Use a float array, e.g. x = x.astype(float).").format(dtype=x.dtype)
        )
    if not x.flags.writeable:
        raise GradCheckError(
            _("numerical_gradient(f, x): x is read-only, but it must be nudged in place. Pass a copy: x.copy().")
        )
    try:
        h = float(h)
    except (TypeError, ValueError):
        raise GradCheckError(_("numerical_gradient: h must be a small positive number, got {h!r}.").format(
            h=h)) from None
    if not (np.isfinite(h) and h > 0):
        raise GradCheckError(_("numerical_gradient: h must be a small positive number such as 1e-4, got {h!r}.").format(
            h=h))

    f_name = getattr(f, "__name__", type(f).__name__)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + h
            f_plus = _scalar_value(f(x), f_name, index)
            x[index] = original - h
            f_minus = _scalar_value(f(x), f_name, index)
        finally:
            x[index] = original          # restore exactly, even if f raised
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a, b) -> float:
    """Largest elementwise relative difference ``|a - b| / max(|a| + |b|, 1e-8)`` (lesson 02_02).

    Use it to compare an analytic gradient with :func:`numerical_gradient`: below about
    1e-7 the two agree; above 1e-2 the backpropagation is almost surely wrong.
    ``a`` and ``b`` must have the same shape.
    """
    try:
        a_arr = np.asarray(a, dtype=np.float64)
        b_arr = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise GradCheckError(_("relative_error(a, b) needs two arrays of numbers: {exc}").format(exc=exc)) from None
    if a_arr.shape != b_arr.shape:
        raise GradCheckError(
            _("relative_error(a, b): shapes differ, {shape} vs {shape2}. "
              "Compare a gradient with the gradient of the same parameter.").format(
                  shape=a_arr.shape, shape2=b_arr.shape)
        )
    if a_arr.size == 0:
        raise GradCheckError(_("relative_error(a, b): the arrays are empty; there is nothing to compare."))
    for name, arr in (("a", a_arr), ("b", b_arr)):
        if not np.all(np.isfinite(arr)):
            raise GradCheckError(
                _("relative_error(a, b): {name} contains NaN or infinite values; fix the gradient that produced it.").format(
                    name=name)
            )
    rel = np.abs(a_arr - b_arr) / np.maximum(np.abs(a_arr) + np.abs(b_arr), 1e-8)
    return float(np.max(rel))
