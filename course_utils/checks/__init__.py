"""Instant checks for the exercise notebooks (exercises 02_00 … 02_09).

``core`` holds the machinery (:class:`~course_utils.checks.core.Task`, statuses
``passed`` / ``wrong`` / ``not_attempted``, and the judge helpers ``as_array``,
``model_outputs``, ``WrongAnswer``). Each ``ex02_NN`` module defines ``EXERCISE = "02_NN"``,
``task1``, ``task2``, … and ``TASKS``; a notebook imports one of them::

    from course_utils.checks import ex02_00 as checks
    checks.task1.check()

Importing this package does not import TensorFlow.
"""

from __future__ import annotations

from .core import MIMETYPE, STATUSES, CheckResult, Task, WrongAnswer, as_array, model_outputs

__all__ = ["MIMETYPE", "STATUSES", "CheckResult", "Task", "WrongAnswer", "as_array", "model_outputs"]
