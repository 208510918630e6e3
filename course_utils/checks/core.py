"""Instant checks for the exercise notebooks (exercises 02_00 … 02_09).

One small :class:`Task` per question, in the spirit of Kaggle's learntools: it names the
variables the student must define, holds a hint, and a *judge* that looks at the
student's values and says what is wrong without revealing the expected answer.

In an exercise notebook::

    from course_utils.checks import ex02_00 as checks
    ...
    checks.task1.check()     # ✅ correct / ❌ not yet + hint / ✏️ not attempted yet
    checks.task1.hint()      # 💡 the hint only

A check reads the student's names from the notebook namespace (the globals of the code
that calls ``check()``), never trains anything and never prints the expected answer.
It shows one line of text and emits a ``application/vnd.course.check+json`` display
``{exercise, task, title, status, message}`` that tools can read from the notebook.
With ``COURSE_STRICT=1`` (set by the test suite) a check that does not pass raises
:class:`~course_utils.errors.CheckFailed`, so a solution notebook that stops passing its
checks fails CI.

Judges are plain functions ``judge(**values) -> None | str``: ``None`` means right, a string
is the student-facing reason why not. Inside a judge, :func:`as_array`,
:func:`model_outputs` and :class:`WrongAnswer` turn bad input (None, wrong type or shape,
an untrained model) into clear messages instead of tracebacks.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import CheckFailed

__all__ = [
    "as_number",
    "MIMETYPE",
    "STATUSES",
    "CheckResult",
    "Task",
    "WrongAnswer",
    "as_array",
    "model_outputs",
]

#: Mimetype of the machine-readable display every check emits.
MIMETYPE = "application/vnd.course.check+json"
#: The three possible outcomes of a check.
STATUSES = ("passed", "wrong", "not_attempted")

_ICONS = {"passed": "✅", "wrong": "❌", "not_attempted": "✏️"}


class WrongAnswer(Exception):
    """Raised inside a judge (or by :func:`as_array` / :func:`model_outputs`) with a
    student-facing message saying what is wrong with the answer (exercises, all lessons)."""


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check (exercises).

    ``status`` is ``"passed"``, ``"wrong"`` or ``"not_attempted"``; ``message`` is the
    short reason (``"correct!"``, the judge's message, or which names to define);
    ``text`` is the full line shown to the student.
    """

    exercise: str
    task: int
    status: str
    message: str
    hint: str = ""
    title: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def label(self) -> str:
        return _label(self.task, self.title)

    @property
    def text(self) -> str:
        """The line shown to the student, e.g. ``✅ Task 1 (NAND weights): correct!``."""
        icon = _ICONS[self.status]
        if self.status == "passed":
            return f"{icon} {self.label}: {self.message}"
        if self.status == "not_attempted":
            return f"{icon} {self.label}: not attempted yet — {self.message}"
        line = f"{icon} {self.label}: not yet — {_sentence(self.message)}"
        return f"{line} Hint: {self.hint}" if self.hint else line

    @property
    def payload(self) -> dict[str, Any]:
        """The ``application/vnd.course.check+json`` display data."""
        return {
            "exercise": self.exercise,
            "task": self.task,
            "title": self.title,
            "status": self.status,
            "message": self.message,
        }


class _Hint(str):
    """A task's hint text that prints itself when called, so ``checks.task1.hint()`` works
    while ``task.hint`` stays the plain text."""

    label = ""

    def __call__(self) -> None:
        text = str(self) or "no hint for this task, sorry."
        print(f"💡 {self.label} — hint: {text}" if self.label else f"💡 Hint: {text}")


@dataclass(frozen=True)
class Task:
    """One exercise question with an instant check (exercises 02_00 … 02_09).

    ``names`` are the variables the student defines; ``judge(**values)`` gets them as
    keyword arguments and returns ``None`` when the answer is right, otherwise a
    student-facing message that never contains the expected answer.
    """

    exercise: str
    number: int
    title: str
    names: tuple[str, ...]
    judge: Callable[..., str | None] = field(repr=False)
    hint: str = ""

    def __post_init__(self) -> None:
        names = (self.names,) if isinstance(self.names, str) else tuple(self.names)
        if not names or not all(isinstance(n, str) and n.isidentifier() for n in names):
            raise ValueError(
                f"Task {self.number} of exercise {self.exercise}: names must be a non-empty "
                f"tuple of variable names, got {self.names!r}."
            )
        if not callable(self.judge):
            raise TypeError(f"Task {self.number} of exercise {self.exercise}: judge must be a function.")
        object.__setattr__(self, "names", names)
        hint = _Hint(self.hint if isinstance(self.hint, str) else "")
        hint.label = _label(self.number, self.title)
        object.__setattr__(self, "hint", hint)  # task.hint is the text; task.hint() prints it

    @property
    def label(self) -> str:
        return _label(self.number, self.title)

    def evaluate(self, namespace: Mapping[str, Any]) -> CheckResult:
        """Judge the names found in ``namespace``; never raises for a student's answer.

        A missing name, or a function that still raises ``NotImplementedError`` (its body
        is the exercise's blank), is ``not_attempted``.
        """
        listed = ", ".join(f"`{name}`" for name in self.names)
        not_attempted = f"define {listed} in the cell above (replace the `raise NotImplementedError`)"
        if any(name not in namespace for name in self.names):
            return self._result("not_attempted", not_attempted)
        values = {name: namespace[name] for name in self.names}
        try:
            verdict = self.judge(**values)
        except NotImplementedError:
            # a function whose body is still the exercise's blank
            return self._result("not_attempted", not_attempted)
        except WrongAnswer as exc:
            return self._result("wrong", str(exc) or "that is not the expected answer")
        except AssertionError:
            # e.g. np.testing.assert_allclose inside a judge: its message would print the
            # expected array, so only the verdict is kept.
            return self._result("wrong", "that is not the expected answer")
        except Exception as exc:  # a student's odd value must never show a traceback
            return self._result("wrong", f"could not check your answer: {_describe(exc)}")
        if verdict is None:
            return self._result("passed", "correct!")
        if isinstance(verdict, str):
            return self._result("wrong", verdict or "that is not the expected answer")
        return self._result(
            "wrong",
            f"could not check your answer: the check returned {type(verdict).__name__} "
            "instead of None or a message (a bug in the check: please tell the instructor)",
        )

    def check(self, namespace: Mapping[str, Any] | None = None) -> None:
        """Check the caller's variables, show the result; raise CheckFailed if COURSE_STRICT=1.

        ``namespace`` defaults to the globals of the code that calls ``check()`` (the
        notebook's namespace in Jupyter). Use :meth:`evaluate` to get the result as a value.
        """
        if namespace is None:
            namespace = sys._getframe(1).f_globals
        result = self.evaluate(namespace)
        _show(result)
        if not result.passed and os.environ.get("COURSE_STRICT") == "1":
            raise CheckFailed(
                f"{result.text}\n(exercise {self.exercise}: raised because COURSE_STRICT=1; "
                "unset it to only print the check.)"
            )

    def _result(self, status: str, message: str) -> CheckResult:
        return CheckResult(self.exercise, self.number, status, message, str(self.hint), self.title)


def _label(number: int, title: str) -> str:
    return f"Task {number} ({title})" if title else f"Task {number}"


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "!", "?")) else message + "."


def _describe(exc: BaseException) -> str:
    """``TypeError: first line of the message`` (shortened): never a traceback."""
    text = str(exc).strip().splitlines()
    first = text[0].strip() if text else ""
    if len(first) > 160:
        first = first[:157] + "..."
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _show(result: CheckResult) -> None:
    """Display the text plus the JSON payload in IPython, else print the text."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        print(result.text)
        return
    from IPython.display import display

    display({"text/plain": result.text, MIMETYPE: result.payload}, raw=True)


# --------------------------------------------------------------------------- judge helpers


def _shape_text(shape: tuple) -> str:
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + parts[0] + ",)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def as_number(value: Any, name: str = "x", *, what: str = "", many: str = "", finite: bool = True) -> float:
    """``value`` as one float: a Python or NumPy number, a one-element array or a TF scalar.

    Raises :class:`WrongAnswer` for None, text, booleans, containers of several values
    (``many`` says what to do then, e.g. "take the max") and, with ``finite``, NaN or ±inf.
    ``what`` describes the number in messages ("a fraction from 0 to 1"). All exercises.
    """
    kind = f"one number ({what})" if what else "one number"
    if value is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign it?")
    if isinstance(value, (bool, np.bool_, str, bytes, dict, set)):
        raise WrongAnswer(f"`{name}` should be {kind}, yours is a {type(value).__name__}")
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype="float64")
    except (TypeError, ValueError):
        raise WrongAnswer(f"`{name}` should be {kind}, yours is a {type(value).__name__}") from None
    if array.size != 1:
        raise WrongAnswer(f"`{name}` should be {kind}, yours holds {array.size} values" + (f": {many}" if many else ""))
    number = float(array.reshape(()))
    if finite and not np.isfinite(number):
        raise WrongAnswer(f"`{name}` should be a finite number, yours is NaN or infinite ({number})")
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
        raise WrongAnswer(f"`{name}` is None — did you forget to assign it?")
    if isinstance(value, (str, bytes)):
        raise WrongAnswer(f"`{name}` should be numbers (a list or NumPy array), yours is a {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=dtype) if dtype is not None else np.asarray(value)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"`{name}` should be numbers (a list or NumPy array of the same length rows), "
            f"yours is a {type(value).__name__} that cannot be read as numbers"
        ) from None
    if array.dtype.kind not in "biuf":
        raise WrongAnswer(f"`{name}` should be numbers, yours holds {array.dtype} values")
    if shape is not None:
        shape = tuple(shape)
        fits = array.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, array.shape))
        if not fits:
            raise WrongAnswer(f"`{name}` should have shape {_shape_text(shape)}, yours has {_shape_text(array.shape)}")
    if finite and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise WrongAnswer(f"`{name}` contains NaN or infinity — check the computation that produced it")
    return array


def _keras_model_class() -> type | None:
    keras = sys.modules.get("keras")
    return getattr(keras, "Layer", None) if keras is not None else None


def model_outputs(model: Any, x: Any, *, name: str = "model") -> np.ndarray:
    """Call a Keras model (``training=False``) or a plain function on ``x``; return a NumPy array.

    Fast (no ``predict``, no tracing). Raises :class:`WrongAnswer` with a clear message when
    ``model`` is None, not a model or function, not built yet, does not accept inputs of
    ``x``'s shape, or gives NaN outputs. Used by the checks from exercise 02_01 on.
    """
    if model is None:
        raise WrongAnswer(f"`{name}` is None — did you forget to assign it?")
    x = np.asarray(x, dtype="float32")
    layer_class = _keras_model_class()
    is_keras = layer_class is not None and isinstance(model, layer_class)
    if not is_keras and (not callable(model) or isinstance(model, type)):
        raise WrongAnswer(f"`{name}` should be a Keras model (or a function), yours is a {type(model).__name__}")
    if is_keras:
        if not getattr(model, "built", True):
            raise WrongAnswer(
                f"`{name}` has not been built yet: give it an input, e.g. start with "
                "`keras.Input((2,))`, then compile and train it before checking"
            )
        expected = _expected_input_shape(model)
        if expected is not None and (
            len(expected) != x.ndim or any(e is not None and e != a for e, a in zip(expected[1:], x.shape[1:]))
        ):
            raise WrongAnswer(
                f"`{name}` expects inputs of shape {tuple(expected)} but the check feeds "
                f"{tuple(x.shape)}: check its input layer (e.g. `keras.Input(({x.shape[-1]},))`)"
            )
    try:
        out = model(x, training=False) if is_keras else model(x)
    except WrongAnswer:
        raise
    except Exception as exc:
        raise WrongAnswer(f"calling `{name}` on inputs of shape {_shape_text(x.shape)} failed: {_describe(exc)}") from None
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    try:
        array = np.asarray(out.numpy() if hasattr(out, "numpy") else out, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(f"`{name}` should return numbers, it returned a {type(out).__name__}") from None
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(
            f"`{name}` gives NaN or infinite outputs: training diverged (try a smaller learning rate) "
            "or the weights were never set"
        )
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
