"""Start an exercise safely: copy it into a personal work folder (student workflow).

``course start 02_00`` copies ``exercises/02_00_….ipynb`` to ``work/02_00_….ipynb``. The
``work/`` folder is git-ignored, so ``git pull`` and regenerated exercises never touch a
student's copy. An existing copy is **never overwritten**: asking again says where it is,
and ``--new`` makes a fresh numbered copy (``02_00_…-2.ipynb``, ``-3``, …).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .catalog import find_lesson, repo_root
from ..errors import CourseError


@dataclass(frozen=True)
class StartResult:
    path: Path
    created: bool
    message: str


def work_dir(root: Path | None = None) -> Path:
    """The personal work folder: ``COURSE_WORK_DIR`` or ``<repo>/work``."""
    env = os.environ.get("COURSE_WORK_DIR")
    return Path(env) if env else (root or repo_root()) / "work"


def start_exercise(number: str, *, new: bool = False, root: Path | None = None) -> StartResult:
    """Copy exercise ``number`` into the work folder without ever overwriting a copy."""
    root = root or repo_root()
    lesson = find_lesson(number, root)
    source = lesson.path("exercises")
    if not source.is_file():
        raise CourseError(
            f"The exercise file {source} is missing. Restore it with `git checkout -- {source.relative_to(root)}` "
            "or regenerate the exercises with `course generate`."
        )
    target_dir = work_dir(root)
    target_dir.mkdir(parents=True, exist_ok=True)
    first = target_dir / source.name
    if not new:
        if first.exists():
            return StartResult(
                first,
                False,
                f"Your copy already exists: {first}\nIt was left as it is. "
                f"To start over in a fresh copy, run: course start {lesson.number} --new",
            )
        return StartResult(_copy_exclusive(source, first), True, f"Started exercise {lesson.number}: {first}")
    for n in range(2, 1000):
        candidate = target_dir / f"{source.stem}-{n}.ipynb"
        if not candidate.exists():
            try:
                _copy_exclusive(source, candidate)
            except FileExistsError:  # lost a race with another process: try the next number
                continue
            return StartResult(candidate, True, f"Started a fresh copy of exercise {lesson.number}: {candidate}")
    raise CourseError(f"Too many copies of {source.name} in {target_dir}; tidy the folder first.")


def _copy_exclusive(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target``, failing if ``target`` appears meanwhile (mode 'x')."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        shutil.copyfileobj(src, dst)
    return target
