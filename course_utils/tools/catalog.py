"""The course catalogue: which lessons exist and where their notebooks are (tooling).

A lesson is a number like ``02_00``. Its notebooks share one file name in ``notebooks/``
(practice), ``solutions/`` and ``exercises/``: ``02_00_perceptron_logic_gates.ipynb``.
The repository root is found from this file (editable install) or from the working
directory, or given by the environment variable ``COURSE_ROOT``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError, UnknownLessonError

KINDS = ("notebooks", "solutions", "exercises")
_LESSON_FILE = re.compile(r"^(\d\d_\d\d)_[a-z0-9_]+\.ipynb$")


@dataclass(frozen=True)
class Lesson:
    number: str  # "02_00"
    stem: str  # "02_00_perceptron_logic_gates"
    root: Path

    @property
    def title(self) -> str:
        return self.stem[len(self.number) + 1 :].replace("_", " ")

    def path(self, kind: str) -> Path:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        return self.root / kind / f"{self.stem}.ipynb"


def _looks_like_root(path: Path) -> bool:
    return (path / "solutions").is_dir() and (path / "course_utils").is_dir()


def repo_root(start: str | Path | None = None) -> Path:
    """The course repository's root folder.

    Order: ``COURSE_ROOT``; the folder above this package (editable install / checkout);
    the working directory or one of its parents.
    """
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[2]
    if _looks_like_root(here):
        return here
    start = Path(start or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if _looks_like_root(candidate):
            return candidate
    raise CourseError(
        "Cannot find the course folder (one with solutions/ and course_utils/). "
        "Run the command from inside the course repository, or set COURSE_ROOT to its path."
    )


def lessons(root: str | Path | None = None) -> list[Lesson]:
    """Every lesson that has a solution notebook, in number order."""
    root = Path(root) if root else repo_root()
    found = []
    for path in sorted((root / "solutions").glob("*.ipynb")):
        m = _LESSON_FILE.match(path.name)
        if m:
            found.append(Lesson(m.group(1), path.stem, root))
    return found


def find_lesson(number: str, root: str | Path | None = None) -> Lesson:
    """Look a lesson up by number (``02_00``, ``2_0``, ``0200``, ``00`` or its file stem)."""
    all_lessons = lessons(root)
    wanted = _normalise(number)
    for lesson in all_lessons:
        if wanted in (lesson.number, lesson.stem):
            return lesson
    available = ", ".join(f"{l.number} ({l.title})" for l in all_lessons) or "none found"
    raise UnknownLessonError(f"There is no lesson {number!r}. Available lessons: {available}.")


def _normalise(number: str) -> str:
    text = str(number).strip().removesuffix(".ipynb")
    if _LESSON_FILE.match(text + ".ipynb"):
        return text
    digits = re.findall(r"\d+", text)
    if len(digits) == 1 and len(digits[0]) == 4:
        return f"{digits[0][:2]}_{digits[0][2:]}"
    if len(digits) == 1 and len(digits[0]) <= 2:  # "00" or "7" → day 02
        return f"02_{int(digits[0]):02d}"
    if len(digits) == 2:
        return f"{int(digits[0]):02d}_{int(digits[1]):02d}"
    return text
