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

For the grade, :func:`save_values` writes exported values to a folder (``values.json`` plus
``.npy`` arrays saved without pickle and ``.keras`` models) from the student's kernel, and
:func:`load_values` reads them back in the judge's own process: JSON, ``np.load(...,
allow_pickle=False)`` and ``keras.saving.load_model(..., safe_mode=True)`` only, so a hostile
folder can make a value wrong but can never run code in the judge.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import sys
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from ..errors import ExportFormatError

__all__ = [
    "ExportFormatError",
    "HistoryRecord",
    "Probe",
    "Recorded",
    "StudentCodeError",
    "Unsupported",
    "calls",
    "is_keras_model",
    "unsupported",
    "key",
    "load_values",
    "save_values",
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
        return _copy(outcome.value)


def _copy(value: Any) -> Any:
    """A copy the judge may change freely; Keras models are handed over as they are (copying
    Keras variables is slow and warns; judges only read models)."""
    if is_keras_model(value):
        return value
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return copy.deepcopy(value)


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
        if not callable(value) or isinstance(value, type) or is_keras_model(value):
            return to_plain(value)     # not a function (a Keras model is a value): the judge says so
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
    if value is None or isinstance(value, (bool, int, float, str, complex)):
        return value
    pd = sys.modules.get("pandas")      # a DataFrame exists only if pandas was imported
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biufcUS":
            return value.copy()
        return unsupported(f"NumPy array of {value.dtype}", _short(value))
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
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



# --------------------------------------------------------------------------- files (grading)

#: Version of the folder format written by :func:`save_values`.
FORMAT = 1
#: A folder holding more than this (arrays and models together) is refused by :func:`load_values`.
MAX_EXPORT_BYTES = 256 * 2**20
_MAX_DEPTH = 40
_FILE_NAME = re.compile(r"^v\d{1,7}\.(npy|keras)$")


class _Writer:
    """Encode plain values as JSON nodes, arrays and models going to files of ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def _file(self, suffix: str) -> tuple[str, Path]:
        self.count += 1
        name = f"v{self.count}.{suffix}"
        return name, self.folder / name

    def array(self, value: np.ndarray) -> Any:
        if value.dtype.kind == "O":
            try:
                if all(isinstance(v, str) for v in value.flat):
                    value = value.astype(str)
            except Exception:  # noqa: BLE001
                pass
        if value.dtype.kind not in "biufcUS":
            return {"$": "unsupported", "type": f"NumPy array of {value.dtype}", "text": _short(value)}
        name, path = self._file("npy")
        with open(path, "wb") as handle:
            np.save(handle, np.ascontiguousarray(value), allow_pickle=False)
        return {"$": "ndarray", "file": name}

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            return {"$": "unsupported", "type": "value nested too deeply", "text": ""}
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if abs(value) < 2**63 else {"$": "bigint", "v": str(value)}
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if isinstance(value, complex):
            return {"$": "complex", "re": self.encode(value.real), "im": self.encode(value.imag)}
        if isinstance(value, np.generic):
            return self.encode(value.item(), depth)
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, tuple):
            return {"$": "tuple", "items": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {"$": "dict", "items": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                          for k, v in value.items()]}
        if isinstance(value, Unsupported):
            return {"$": "unsupported", "type": value.type_name, "text": value.text}
        if isinstance(value, HistoryRecord):
            return {"$": "history", "history": self.encode(value.history, depth + 1),
                    "epoch": self.encode(value.epoch, depth + 1), "params": self.encode(value.params, depth + 1)}
        if isinstance(value, Recorded):
            return {"$": "recorded", "name": str(value.name), "outcomes": [
                {"args": self.encode(o.args, depth + 1), "kwargs": self.encode(o.kwargs, depth + 1),
                 "value": self.encode(o.value, depth + 1), "raised": o.raised, "message": str(o.message)}
                for o in value.outcomes]}
        pd = sys.modules.get("pandas")
        if pd is not None and isinstance(value, pd.DataFrame):
            return self.table(value, depth)
        if pd is not None and isinstance(value, pd.Series):
            return {"$": "Series", "name": self.encode(value.name, depth + 1), "dtype": str(value.dtype),
                    "values": self.array(value.to_numpy()), "index": self.index(value.index)}
        if is_keras_model(value):
            return self.model(value)
        if callable(value):
            kind = "class" if isinstance(value, type) else "function"
            return {"$": "unsupported", "type": kind, "text": str(getattr(value, "__name__", ""))[:80]}
        return {"$": "unsupported", "type": type(value).__name__, "text": _short(value)}

    def index(self, index: Any) -> Any:
        pd = sys.modules["pandas"]
        if isinstance(index, pd.RangeIndex):
            return {"$": "range", "start": int(index.start), "stop": int(index.stop), "step": int(index.step),
                    "name": self.encode(index.name)}
        if isinstance(index, pd.MultiIndex):
            return {"$": "unsupported", "type": "MultiIndex", "text": ""}
        return {"$": "index", "values": self.array(index.to_numpy()), "dtype": str(index.dtype),
                "name": self.encode(index.name)}

    def table(self, frame: Any, depth: int) -> Any:
        pd = sys.modules["pandas"]
        if isinstance(frame.columns, pd.MultiIndex) or not frame.columns.is_unique:
            return {"$": "unsupported", "type": "DataFrame", "text": "with repeated or multi-level column names"}
        return {"$": "DataFrame", "index": self.index(frame.index), "columns": [
            [self.encode(name, depth + 1), str(frame[name].dtype), self.array(frame[name].to_numpy())]
            for name in frame.columns]}

    def model(self, model: Any) -> Any:
        name, path = self._file("keras")
        try:
            model.save(str(path))
        except Exception as exc:  # noqa: BLE001 - e.g. a model never built, or custom code
            first = (str(exc).strip().splitlines() or [""])[0][:160]
            return {"$": "unsupported", "type": "Keras model that could not be saved", "text": first}
        return {"$": "keras", "file": name}


def save_values(values: Mapping[str, Any], folder: str | Path) -> Path:
    """Write exported ``values`` (name → plain value) into the new folder ``folder``.

    Runs in the student's kernel (grading, all exercises); the folder appears whole or not
    at all (written beside it, then renamed)."""
    import shutil

    folder = Path(folder)
    if folder.exists():
        raise FileExistsError(f"{folder} exists already: exported values are written once")
    partial = folder.with_name(folder.name + f".partial-{os.getpid()}")
    partial.mkdir(parents=True)
    try:
        writer = _Writer(partial)
        tree = {str(name): writer.encode(value) for name, value in values.items()}
        (partial / "values.json").write_text(json.dumps({"format": FORMAT, "values": tree}), encoding="utf-8")
        os.rename(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


class _Reader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: Any, suffix: str) -> Path:
        if not isinstance(name, str) or not _FILE_NAME.match(name) or not name.endswith(suffix):
            raise ExportFormatError(f"bad file name in the export: {name!r}")
        path = self.folder / name
        if not path.is_file() or path.is_symlink():
            raise ExportFormatError(f"the export lacks its file {name}")
        return path

    def array(self, node: Any) -> Any:
        if isinstance(node, dict) and node.get("$") == "unsupported":
            return self.decode(node)
        if not isinstance(node, dict) or node.get("$") != "ndarray":
            raise ExportFormatError("an array node was expected")
        with open(self._path(node.get("file"), ".npy"), "rb") as handle:
            array = np.load(handle, allow_pickle=False)
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "biufcUS":
            raise ExportFormatError("an array of an unexpected type")
        return array

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH + 2:
            raise ExportFormatError("the export is nested too deeply")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v, depth + 1) for v in node]
        if not isinstance(node, dict):
            raise ExportFormatError(f"unexpected node {type(node).__name__}")
        kind = node.get("$")
        if kind == "tuple":
            return tuple(self.decode(v, depth + 1) for v in node["items"])
        if kind == "dict":
            return {self._key(self.decode(k, depth + 1)): self.decode(v, depth + 1) for k, v in node["items"]}
        if kind == "float":
            return float(node["v"]) if node["v"] in ("nan", "inf", "-inf") else _bad("float")
        if kind == "bigint":
            text = str(node["v"])
            return int(text) if len(text) < 400 else _bad("bigint")
        if kind == "complex":
            return complex(self.decode(node["re"], depth + 1), self.decode(node["im"], depth + 1))
        if kind == "ndarray":
            return self.array(node)
        if kind == "unsupported":
            return unsupported(str(node.get("type", "value"))[:120], str(node.get("text", ""))[:200])
        if kind == "history":
            history = self.decode(node["history"], depth + 1)
            epoch = self.decode(node["epoch"], depth + 1)
            params = self.decode(node["params"], depth + 1)
            if not (isinstance(history, dict) and isinstance(epoch, list) and isinstance(params, dict)):
                raise ExportFormatError("a malformed History")
            return HistoryRecord(history, epoch, params)
        if kind == "recorded":
            outcomes = []
            for o in node["outcomes"]:
                args, kwargs = self.decode(o["args"], depth + 1), self.decode(o["kwargs"], depth + 1)
                if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                    raise ExportFormatError("a malformed recorded call")
                raised = o.get("raised")
                outcomes.append(Outcome(args, kwargs, self.decode(o.get("value"), depth + 1),
                                        None if raised is None else str(raised)[:80], str(o.get("message", ""))[:300]))
            return Recorded(str(node.get("name", "function"))[:80], outcomes)
        if kind == "DataFrame":
            return self.table(node, depth)
        if kind == "Series":
            import pandas as pd

            values = self.array(node["values"])
            series = pd.Series(values, index=self.index(node["index"], len(values)),
                               name=self.decode(node.get("name"), depth + 1))
            return _restore_dtype(series, node.get("dtype"))
        if kind == "keras":
            return self.model(node)
        raise ExportFormatError(f"unknown node kind {kind!r}")

    @staticmethod
    def _key(key: Any) -> Any:
        try:
            hash(key)
        except TypeError:
            raise ExportFormatError("a dict key that cannot be a key") from None
        return key

    def index(self, node: Any, length: int) -> Any:
        import pandas as pd

        kind = node.get("$") if isinstance(node, dict) else None
        if kind == "range":
            index = pd.RangeIndex(int(node["start"]), int(node["stop"]), int(node["step"]), name=node.get("name"))
        elif kind == "index":
            index = pd.Index(self.array(node["values"]), name=self.decode(node.get("name")))
            index = _restore_dtype(index, node.get("dtype"))
        else:
            raise ExportFormatError("a table index that cannot be read back")
        if len(index) != length:
            raise ExportFormatError("a table whose index and values differ in length")
        return index

    def table(self, node: Mapping[str, Any], depth: int) -> Any:
        import pandas as pd

        columns = [(self.decode(name, depth + 1), dtype, self.array(values)) for name, dtype, values in node["columns"]]
        lengths = {len(values) for _, _, values in columns}
        if len(lengths) > 1 or any(not isinstance(v, np.ndarray) for _, _, v in columns):
            raise ExportFormatError("a table with columns that cannot be read back")
        length = lengths.pop() if lengths else 0
        index = self.index(node["index"], length) if columns or node["index"].get("$") == "range" else None
        frame = pd.DataFrame({i: values for i, (_, _, values) in enumerate(columns)}, index=index)
        frame.columns = [name for name, _, _ in columns]
        for name, dtype, _ in columns:
            frame[name] = _restore_dtype(frame[name], dtype)
        return frame

    def model(self, node: Mapping[str, Any]) -> Any:
        path = self._path(node.get("file"), ".keras")
        from ..lesson.notebook_setup import import_tensorflow_quietly

        _, keras = import_tensorflow_quietly()
        try:
            return keras.saving.load_model(str(path), safe_mode=True)
        except Exception as exc:  # noqa: BLE001 - custom layers, lambdas, a damaged file
            first = (str(exc).strip().splitlines() or [""])[0][:160]
            return unsupported("Keras model that Keras's safe mode cannot load (custom code?)", first)


def _bad(what: str) -> Any:
    raise ExportFormatError(f"a malformed {what}")


def _restore_dtype(values: Any, dtype: Any) -> Any:
    """Give a column back the dtype it had in the kernel (``str``, ``category``, …) when it differs."""
    if not isinstance(dtype, str) or str(values.dtype) == dtype:
        return values
    try:
        return values.astype(dtype)
    except Exception:  # noqa: BLE001 - keep the values as they were read
        return values


def load_values(folder: str | Path) -> dict[str, Any]:
    """Read back a folder written by :func:`save_values` (in the judge's process, grading).

    Raises :class:`~course_utils.errors.ExportFormatError` when the folder is not what
    :func:`save_values` writes (too large, malformed, unknown node kinds)."""
    folder = Path(folder)
    total = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    if total > MAX_EXPORT_BYTES:
        raise ExportFormatError(f"the exported values take {total / 2**20:.0f} MB, more than the "
                                f"{MAX_EXPORT_BYTES / 2**20:.0f} MB allowed")
    try:
        data = json.loads((folder / "values.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise ExportFormatError(f"values.json cannot be read: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("values"), dict):
        raise ExportFormatError("values.json is not an export of this course")
    reader = _Reader(folder)
    try:
        return {str(name): reader.decode(node) for name, node in data["values"].items()}
    except ExportFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ExportFormatError(f"a malformed export ({type(exc).__name__}: {exc})") from None
