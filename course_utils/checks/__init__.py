"""Instant checks for the exercise notebooks (exercises 02_00 … 02_09).

``core`` holds the machinery (:class:`~course_utils.checks.core.Exercise`, ``Task``,
``WrongAnswer``), ``inputs`` reads a student's values for a judge, ``export`` turns them into
the plain data judges see, ``data`` holds the course data and judge helpers shared by several
exercises. Each ``ex02_NN`` module declares ``exercise = Exercise("02_NN")`` and its tasks
``task1``, ``task2``, …; a notebook imports one of them::

    from course_utils.checks import ex02_00 as checks
    checks.task1.check()

Importing this package does not import TensorFlow.
"""

from __future__ import annotations

from .core import MIMETYPE, STATUSES, CheckResult, Exercise, Task, WrongAnswer

__all__ = ["MIMETYPE", "STATUSES", "CheckResult", "Exercise", "Task", "WrongAnswer"]
