"""The judge process of ``course grade`` (grading; started by :class:`.sandbox.Judge`).

It runs from the pristine copy of the course taken when grading started, imports every
exercise's checks and TensorFlow once, then reads one request per line on stdin::

    {"exercise": "02_00", "tasks": {"1": "/…/export/check/task1", "3": "/…/export/end/task3"}}

and answers one line per request on its own pipe::

    {"results": {"1": {"status": "passed", "message": "correct!", "title": "…", "hint": "…"}, …}}

Each folder is read with :func:`course_utils.checks.export.load_values` (no pickle; Keras
models in safe mode) and judged by ``Exercise.judge_exported``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from typing import IO

__all__ = ["serve"]


def _exercises() -> dict[str, object]:
    from .. import checks

    found = {}
    for info in pkgutil.iter_modules(checks.__path__):
        if re.fullmatch(r"ex\d\d_\d\d", info.name):
            module = importlib.import_module(f"{checks.__name__}.{info.name}")
            found[module.exercise.number] = module.exercise
    return found


def serve(requests: IO[str], answers: IO[str]) -> None:
    """Answer judging requests until ``requests`` ends (see the module docstring)."""
    import pandas  # noqa: F401 - imported once, before any request

    from ..lesson.notebook_setup import import_tensorflow_quietly

    _, keras = import_tensorflow_quietly()
    exercises = _exercises()
    for line in requests:
        try:
            request = json.loads(line)
            exercise = exercises[request["exercise"]]
            results = {}
            for number, folder in request["tasks"].items():
                keras.utils.set_random_seed(0)
                result = exercise.judge_exported(folder, int(number))
                results[str(number)] = {"status": result.status, "message": result.message,
                                        "title": result.title, "hint": result.hint}
            answers.write(json.dumps({"results": results}, ensure_ascii=False) + "\n")
        except Exception as exc:  # noqa: BLE001 - one bad request must not stop the judge
            answers.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
        answers.flush()
