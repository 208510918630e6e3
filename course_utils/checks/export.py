"""What a judge sees: a student's value turned into plain data (exercises, grading).

A judge never looks at the live objects of the student's kernel. Before judging, each name
a task asks for is exported:

- numbers, strings, ``None`` and booleans stay as they are (NumPy scalars become Python ones);
- arrays, tensors and variables become NumPy arrays; DataFrames and Series stay pandas;
- lists, tuples and dicts are exported item by item;
- a Keras ``History`` becomes a :class:`HistoryRecord` (``.history``, ``.epoch``, ``.params``);
- a Keras model stays a Keras model (the grader saves it and loads it back in Keras's safe mode);
- a function is exported by its task's *probe*, usually :func:`calls`: its results on the
  task's inputs, replayed by a :class:`Recorded` stand-in that the judge calls like the
  function itself;
- anything else becomes :class:`Unsupported`, which the judge helpers refuse with a message.

The instant check and the grade judge the same exported values, so they give the same verdict.
"""

from __future__ import annotations

import copy
import math
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np

__all__ = [
    "HistoryRecord",
    "Probe",
    "Recorded",
    "StudentCodeError",
    "Unsupported",
    "calls",
    "is_keras_model",
    "unsupported",
    "key",
    "to_plain",
]

#: A probe turns one named value (plus the student's namespace) into plain data.
Probe = Callable[[Any, Mapping[str, Any]], Any]


class StudentCodeError(Exception):
    """Raised by a :class:`Recorded` function when the student's function raised on that input."""

    def __init__(self, call: str, type_name: str, message: str) -> None:
        super().__init__(f"{call} raised {type_name}" + (f": {message}" if message else ""))
        self.call, self.type_name, self.message = call, type_name, message


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the course cannot export (the judge helpers refuse it).

    Made by :func:`unsupported`, whose instances' class is named after the original type, so
    a judge's ``type(value).__name__`` still says "function" or "set"."""

    type_name: str
    text: str = ""


_UNSUPPORTED_CLASSES: dict[str, type] = {}


def unsupported(type_name: str, text: str = "") -> Unsupported:
    """An :class:`Unsupported` stand-in for a value of type ``type_name``."""
    cls = _UNSUPPORTED_CLASSES.get(type_name)
    if cls is None:
        cls = _UNSUPPORTED_CLASSES[type_name] = type(type_name, (Unsupported,), {"__module__": __name__})
    return cls(type_name, text)


@dataclass
class HistoryRecord:
    """A Keras ``History`` as data: ``history`` (metric → list of floats), ``epoch``, ``params``."""

    history: dict[str, list[float]]
    epoch: list[int] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """One call of a student's function: its arguments and what came back (or what it raised)."""

    args: tuple
    kwargs: dict
    value: Any = None
    raised: str | None = None      # exception type name
    message: str = ""


class Recorded:
    """A student's function, as its results on the task's inputs.

    Call it like the function: ``f(x, stats)`` returns what the student's function returned
    for exactly these arguments, raises :class:`StudentCodeError` when it raised, and
    ``NotImplementedError`` when its body is still the exercise's blank. Arguments the task
    did not record raise ``LookupError`` (a bug in the check, not in the student's code).
    """

    def __init__(self, name: str, outcomes: Iterable[Outcome]) -> None:
        self.name = name
        self.outcomes = list(outcomes)
        self._by_key = {key((o.args, o.kwargs)): o for o in self.outcomes}

    def __repr__(self) -> str:
        return f"<recorded function {self.name} ({len(self.outcomes)} calls)>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outcome = self._by_key.get(key((args, kwargs)))
        if outcome is None:
            raise LookupError(f"{self.name} was not recorded on these arguments (a bug in the check).")
        if outcome.raised == "NotImplementedError":
            raise NotImplementedError(outcome.message)
        if outcome.raised is not None:
            raise StudentCodeError(_call_text(self.name, args, kwargs), outcome.raised, outcome.message)
        return copy.deepcopy(outcome.value)


def _call_text(name: str, args: tuple, kwargs: dict) -> str:
    parts = []
    for a in [*args, *kwargs.values()]:
        if isinstance(a, (int, float, str, np.integer, np.floating)):
            parts.append(repr(a.item() if isinstance(a, np.generic) else a))
        else:
            parts.append("…")
    return f"{name}({', '.join(parts)})"


def calls(inputs: Callable[[], Iterable[Any]]) -> Probe:
    """A probe that records a function on ``inputs()``: each item is an argument tuple, or
    ``(args, kwargs)`` as ``((…), {…})``. Used in task declarations::

        @exercise.task("min-max by hand", names=("min_max_norm",),
                       probes={"min_max_norm": calls(_hidden_tables)}, hints=(...))
    """

    def probe(value: Any, namespace: Mapping[str, Any]) -> Any:
        if not callable(value) or isinstance(value, type):
            return to_plain(value)
        name = getattr(value, "__name__", "function")
        outcomes = []
        for item in inputs():
            if (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple)
                    and isinstance(item[1], dict)):
                args, kwargs = item
            else:
                args, kwargs = (item if isinstance(item, tuple) else (item,)), {}
            outcomes.append(_record(value, args, kwargs))
        return Recorded(name, outcomes)

    probe.records_calls = True  # type: ignore[attr-defined]
    return probe


def _record(function: Callable, args: tuple, kwargs: dict) -> Outcome:
    call_args, call_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)   # the function may edit them
    try:
        result = function(*call_args, **call_kwargs)
    except Exception as exc:  # noqa: BLE001 - the student's code: keep the error as data
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        return Outcome(args, kwargs, raised=type(exc).__name__, message=first)
    return Outcome(args, kwargs, value=to_plain(result))


# --------------------------------------------------------------------------- conversion


def is_keras_model(value: Any) -> bool:
    """True for a Keras model or layer (without importing Keras if the notebook did not)."""
    keras = sys.modules.get("keras")
    layer = getattr(keras, "Layer", None) if keras is not None else None
    return layer is not None and isinstance(value, layer)


def _is_history(value: Any) -> bool:
    """A Keras ``History`` (or any object with a ``.history`` dict and an ``epoch`` list)."""
    return isinstance(getattr(value, "history", None), dict) and not isinstance(value, (dict, type))


def to_plain(value: Any) -> Any:
    """``value`` as plain data (see the module docstring); never raises for a student's value."""
    import pandas as pd

    if value is None or isinstance(value, (bool, int, float, str, complex)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biufcUS":
            return value.copy()
        return unsupported(f"NumPy array of {value.dtype}", _short(value))
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy()
    if isinstance(value, (list, tuple)):
        items = [to_plain(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        if not all(isinstance(k, (str, int)) for k in value):
            return unsupported("dict with keys that are not text or numbers", _short(value))
        return {k: to_plain(v) for k, v in value.items()}
    if _is_history(value):
        history = {str(k): [float(x) for x in np.ravel(v)] for k, v in (value.history or {}).items()}
        params = {str(k): v for k, v in (getattr(value, "params", None) or {}).items()
                  if isinstance(v, (int, float, str, bool)) or v is None}
        return HistoryRecord(history, [int(e) for e in getattr(value, "epoch", []) or []], params)
    if is_keras_model(value):
        return value
    if hasattr(value, "numpy") and callable(value.numpy):   # tf.Tensor, tf.Variable, KerasVariable
        try:
            return to_plain(np.asarray(value.numpy()))
        except Exception:  # noqa: BLE001
            pass
    if isinstance(value, (set, frozenset)):
        return unsupported(type(value).__name__, _short(value))
    if callable(value):
        return unsupported("function" if not isinstance(value, type) else "class", getattr(value, "__name__", ""))
    return unsupported(type(value).__name__, _short(value))


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        return ""
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------------------------------- argument keys


def key(value: Any) -> Any:
    """A hashable key that is equal for equal arguments (arrays and tables by content)."""
    import pandas as pd

    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value.shape, np.ascontiguousarray(value).tobytes())
    if isinstance(value, pd.DataFrame):
        return ("DataFrame", tuple(map(str, value.columns)), key(value.index.to_numpy()), key(value.to_numpy()))
    if isinstance(value, pd.Series):
        return ("Series", str(value.name), key(value.index.to_numpy()), key(value.to_numpy()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), key(v)) for k, v in value.items())))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    if isinstance(value, np.generic):
        return (type(value).__name__, value.item())
    try:
        hash(value)
    except TypeError:
        return (type(value).__name__, repr(value))
    return (type(value).__name__, value)


def live(value: Any, namespace: Mapping[str, Any]) -> Any:
    """TRANSITIONAL probe: hands the live function to the judge (instant check only).

    Every task that names a function must move to :func:`calls` (or a probe of its own), so
    that the grader can judge the recorded results outside the student's kernel.
    """
    return value
