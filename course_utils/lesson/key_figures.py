"""Key figures: show a notebook's important numbers, check them, collect them (all lessons).

A notebook reports each claim-backing number once::

    report_figure("02_01.xor_accuracy", acc, expect=1.0, label="XOR accuracy", fmt="{:.4f}")
    # XOR accuracy = 1.0000

The student sees the value only; the band stays with the tools. Inside Jupyter/IPython
the line is a rich display that also carries a JSON payload with mimetype
``application/vnd.course.figure+json``: ``{key, label, value, ok, expected, text}``
(``expected`` is the band as text, ``text`` the line shown). The course runner
(:func:`course_utils.tools.course_runner.load_figures`) reads these payloads back from an
executed notebook, and the course site renders them. Outside IPython the line is printed.

A figure outside its band raises :class:`~course_utils.errors.FigureOutOfBand` when the
environment variable ``COURSE_STRICT=1`` (set by the test suite and ``course run``, so a
drifting notebook fails CI); otherwise a ⚠ line, still without the band, asks the
student to re-run the notebook, and the notebook carries on.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

import numpy as np

from ..errors import FigureArgumentError, FigureOutOfBand
from ..i18n import _

__all__ = [
    "MIMETYPE",
    "report_figure",
    "strict_mode",
]

MIMETYPE = "application/vnd.course.figure+json"
DEFAULT_TOL = 1e-6
DEFAULT_FMT = "{:.4g}"
KEY_PATTERN = re.compile(r"^\d{2}_\d{2}\.[a-z0-9]+(?:_[a-z0-9]+)*$")
_TRUTHY = {"1", "true", "yes", "on"}


def strict_mode() -> bool:
    """True when ``COURSE_STRICT`` is set to 1 (or true/yes/on): figures out of band raise."""
    return os.environ.get("COURSE_STRICT", "").strip().lower() in _TRUTHY


# --- value conversion -------------------------------------------------------------------------

def _is_bool(v) -> bool:
    return isinstance(v, (bool, np.bool_))


def _is_number(v) -> bool:
    """A real number that is not a bool (Python or NumPy scalar)."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not _is_bool(v)


def _unwrap(value):
    """Tensors and 0-d arrays → NumPy scalars/arrays; everything else unchanged."""
    if hasattr(value, "numpy") and callable(value.numpy) and not isinstance(value, np.ndarray):
        try:
            value = value.numpy()
        except Exception:  # pragma: no cover - symbolic tensors
            return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _json_safe(value):
    """Plain JSON types: NumPy scalars/arrays → Python; NaN/±inf → "nan"/"inf"/"-inf"."""
    value = _unwrap(value)
    if value is None or isinstance(value, str):
        return value
    if _is_bool(value):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else ("nan" if math.isnan(f) else ("inf" if f > 0 else "-inf"))
    if isinstance(value, np.ndarray):
        return _json_safe(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)


def _plain(value) -> str:
    """Text of a value as a person would write it: 1, True, [0, 0, 0, 1], 0.25, nan."""
    value = _unwrap(value)
    if _is_bool(value):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _format_value(value, fmt: str) -> str:
    """Floats with ``fmt``; ints, bools, strings and lists plainly; arrays rounded with ``fmt``."""
    value = _unwrap(value)
    if _is_bool(value) or isinstance(value, (int, np.integer)) or isinstance(value, (list, tuple)):
        return _plain(value)
    if isinstance(value, (float, np.floating)):
        return fmt.format(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return np.array2string(value, separator=", ", formatter={"float_kind": lambda v: fmt.format(float(v))})
        return np.array2string(value, separator=", ")
    return str(value)


def _numeric_array(value):
    """``value`` as a float array if it is numbers (not bools/strings), else None."""
    value = _unwrap(value)
    if _is_number(value):
        return np.asarray(float(value))
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):       # ragged lists
            return None
        if arr.dtype.kind in "iuf":
            return arr.astype(np.float64)
    return None


# --- checks -----------------------------------------------------------------------------------

def _check_band(key, value, low, high) -> bool:
    arr = _numeric_array(value)
    if arr is None:
        raise FigureArgumentError(
            _("report_figure({key!r}): a band (low=/high=) needs a number or an array of numbers, "
              "got {type} {value!r}. Use expect= for exact non-numeric values.").format(
                  key=key, type=type(value).__name__, value=value)
        )
    if arr.size == 0:
        raise FigureArgumentError(_("report_figure({key!r}): the value is an empty array; there is nothing to check.").format(
            key=key))
    ok = bool(np.all(~np.isnan(arr)))          # NaN always fails the band
    if low is not None:
        ok = ok and bool(np.all(arr >= low))
    if high is not None:
        ok = ok and bool(np.all(arr <= high))
    return ok


def _check_expect(value, expect, tol: float) -> bool:
    value = _unwrap(value)
    expect = _unwrap(expect)
    if _is_bool(expect):
        return _is_bool(value) and bool(value) == bool(expect)
    if isinstance(expect, str):
        return isinstance(value, str) and value == expect
    if _is_number(expect):
        if not _is_number(value):
            return False
        v = float(value)
        return not math.isnan(v) and abs(v - float(expect)) <= tol
    # list / tuple / array: same shape, numbers within tol (bools count as 0/1), others equal
    e = np.asarray(expect)
    try:
        v = np.asarray(value)
    except (TypeError, ValueError):
        return False
    if v.shape != e.shape:
        return False
    if e.dtype.kind in "biuf":
        if v.dtype.kind not in "biuf":
            return False
        v64, e64 = v.astype(np.float64), e.astype(np.float64)
        return bool(np.all(~np.isnan(v64)) and np.all(np.abs(v64 - e64) <= tol))
    return bool(np.all(v == e))


def _validate(key, expect, low, high, tol, label, fmt) -> None:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise FigureArgumentError(
            _("report_figure: key must look like '02_NN.snake_name' (lesson number, a dot, a lower-case "
              "name such as '02_01.xor_accuracy'), got {key!r}.").format(key=key)
        )
    if expect is not None and (low is not None or high is not None):
        raise FigureArgumentError(
            _("report_figure({key!r}): give either expect= (an exact value) or low=/high= (a band), not both.").format(
                key=key)
        )
    if tol is not None:
        if expect is None:
            raise FigureArgumentError(
                _("report_figure({key!r}): tol= only applies to expect=; a band (low=/high=) is already inclusive.").format(
                    key=key)
            )
        if not _is_number(tol) or not (tol >= 0 and math.isfinite(tol)):
            raise FigureArgumentError(_("report_figure({key!r}): tol must be a number >= 0, got {tol!r}.").format(
                key=key, tol=tol))
    for name, bound in (("low", low), ("high", high)):
        if bound is not None and (not _is_number(bound) or math.isnan(float(bound))):
            raise FigureArgumentError(_("report_figure({key!r}): {name} must be a number, got {bound!r}.").format(
                key=key, name=name, bound=bound))
    if low is not None and high is not None and low > high:
        raise FigureArgumentError(_("report_figure({key!r}): low ({low}) is larger than high ({high}).").format(
            key=key, low=low, high=high))
    if expect is not None:
        e = _unwrap(expect)
        if not (_is_bool(e) or _is_number(e) or isinstance(e, (str, list, tuple, np.ndarray))):
            raise FigureArgumentError(
                _("report_figure({key!r}): expect must be a number, bool, str, list, tuple or array, "
                  "got {type}.").format(key=key, type=type(expect).__name__)
            )
        if _is_number(e) and math.isnan(float(e)):
            raise FigureArgumentError(_("report_figure({key!r}): expect=NaN can never match; give a real value.").format(
                key=key))
    if label is not None and not isinstance(label, str):
        raise FigureArgumentError(_("report_figure({key!r}): label must be text, got {type}.").format(
            key=key, type=type(label).__name__))
    if fmt is not None:
        try:
            if not isinstance(fmt, str):
                raise TypeError
            fmt.format(1.5)
        except (TypeError, ValueError, IndexError, KeyError):
            raise FigureArgumentError(
                _("report_figure({key!r}): fmt must be a format string for one number, such as '{{:.4f}}', got {fmt!r}.").format(
                    key=key, fmt=fmt)
            ) from None


def _expected_text(expect, low, high, tol) -> str | None:
    if expect is not None:
        text = _plain(expect)
        if tol is not None and not _is_bool(_unwrap(expect)) and not isinstance(_unwrap(expect), str):
            text += f" ± {tol:g}"
        return text
    if low is not None and high is not None:
        return f"[{_plain(low)}, {_plain(high)}]"
    if low is not None:
        return f"≥ {_plain(low)}"
    if high is not None:
        return f"≤ {_plain(high)}"
    return None


def _emit(text: str, payload: dict) -> None:
    """Rich display with the JSON payload inside IPython, a plain print otherwise."""
    shell = None
    try:
        import IPython

        shell = IPython.get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dependency of the course
        pass
    if shell is not None:
        from IPython.display import display

        display({"text/plain": text, MIMETYPE: payload}, raw=True)
    else:
        print(text, flush=True)


# --- public API -------------------------------------------------------------------------------

def report_figure(
    key: str,
    value: Any,
    *,
    expect: Any = None,
    low: float | None = None,
    high: float | None = None,
    tol: float | None = None,
    label: str | None = None,
    fmt: str | None = None,
) -> Any:
    """Show a key figure, check it, and emit it for the course report (all lessons).

    ``key``: ``"02_NN.snake_name"``. ``expect``: the exact value (number, bool, str, list or
    array; numbers compared within ``tol``, default 1e-6; bools in a list count as 0/1).
    ``low``/``high``: an inclusive band (either may be left out); with an array every
    element must lie inside. NaN never passes a check. ``label`` defaults to the key's name
    with spaces; ``fmt`` (default ``"{:.4g}"``) formats floats and float arrays.

    Shows ``label = value`` (never the band). Outside the band: raises
    :class:`FigureOutOfBand` if ``COURSE_STRICT=1``, otherwise shows a ⚠ line asking for a
    re-run. Returns ``value`` unchanged.
    """
    _validate(key, expect, low, high, tol, label, fmt)
    fmt = fmt or DEFAULT_FMT
    name = key.split(".", 1)[1]
    label = label if label is not None else name.replace("_", " ")

    if expect is not None:
        ok = _check_expect(value, expect, DEFAULT_TOL if tol is None else float(tol))
    elif low is not None or high is not None:
        ok = _check_band(key, value, low, high)
    else:
        ok = True
    expected = _expected_text(expect, low, high, tol)

    value_text = _format_value(value, fmt)
    text = f"{label} = {value_text}"
    if not ok:
        text = _("⚠ {text}: not the result this lesson gets. Re-run the notebook from the top "
                 "(Restart & Run All); if it stays, compare your code with the lesson.").format(text=text)
    payload = {"key": key, "label": label, "value": _json_safe(value), "ok": bool(ok), "expected": expected,
               "text": text}
    _emit(text, payload)
    if not ok and strict_mode():
        raise FigureOutOfBand(
            _("Key figure {key} = {value_text} is outside its band: expected {expected}. "
              "The notebook's result changed; find the cell that produced it, or update the band if the change is intended.").format(
                  key=key, value_text=value_text, expected=expected)
        )
    return value
