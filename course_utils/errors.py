"""Errors raised by the course helpers (all lessons).

Every message says what was wrong and how to fix it. Catch :class:`CourseError` to catch
them all; each subclass also derives from the built-in exception a caller would expect
(``ValueError``, ``FileNotFoundError``, ...), so ordinary ``except`` clauses still work.
"""

from __future__ import annotations


class CourseError(Exception):
    """Base class for every error the course package raises on purpose."""


class DatasetError(CourseError, ValueError):
    """A course dataset or a user's CSV is unknown, missing, malformed or corrupted."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """A dataset file is not where it should be."""


class NormalizationError(CourseError, ValueError):
    """Normalization cannot be done as asked (constant column, unfitted, wrong columns)."""


class SplitError(CourseError, ValueError):
    """A train/validation/test split was asked with impossible fractions or too few rows."""


class SetupError(CourseError, RuntimeError):
    """The Python environment cannot run the course (e.g. Keras 2 or TensorFlow < 2.16)."""


class NotebookError(CourseError, ValueError):
    """A notebook file is missing, unreadable, or its markers are malformed."""


class FigureOutOfBand(CourseError, AssertionError):
    """A key figure fell outside its expected band (raised only when COURSE_STRICT=1)."""


class CheckFailed(CourseError, AssertionError):
    """An exercise check did not pass (raised only when COURSE_STRICT=1)."""


class FeatureError(CourseError, ValueError):
    """A derived feature cannot be built as asked (unfitted, wrong rows or columns)."""


class UnknownLessonError(CourseError, LookupError):
    """A lesson number that the course does not have."""


class GradCheckError(CourseError, ValueError):
    """A gradient check was called with arguments it cannot use."""


class PlotInputError(CourseError, ValueError):
    """A plotting helper got data it cannot draw (wrong shape, lengths that differ, NaN, …)."""


class TrainingError(CourseError, ValueError):
    """A training call got something it cannot train on (not compiled, bad x/y, bad sizes)."""


class ActivationInputError(CourseError, ValueError):
    """An activation function or the loss got input it cannot work with."""


class FigureArgumentError(CourseError, ValueError):
    """``report_figure`` was called with arguments that do not make sense together."""


class ModelConfigError(CourseError, ValueError):
    """A model builder was called with an impossible configuration (lesson 02_07)."""


class WorkspaceError(CourseError, OSError):
    """``course start`` cannot write the student's copy (a file where the work folder should
    be, no permission, a full disk); the message says which path and what to do."""


class SiteError(CourseError, RuntimeError):
    """The course site cannot be built (its extra is missing, a setting is wrong, or Sphinx failed)."""


class ToolOptionError(CourseError, ValueError):
    """A course tool got an option it cannot use (e.g. a timeout of 0 seconds)."""


class ExportFormatError(CourseError, ValueError):
    """A folder of exported values is not what the grader's export writes (grading)."""


class GradingError(CourseError, ValueError):
    """Grading cannot start as asked (no submissions found, a bad zip, bad options)."""
