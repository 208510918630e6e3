"""Start an exercise safely: copy it into a personal work folder (student workflow).

``course start 02_00`` copies ``exercises/02_00_….ipynb`` to ``work/02_00_….ipynb``. The
``work/`` folder is git-ignored and nothing tracked lives in it, so ``git pull``, an
nbgitpuller sync and regenerated exercises never touch a student's copy. An existing copy
is **never overwritten**: asking again says where it is, and ``--new`` makes a fresh
numbered copy (``02_00_…-2.ipynb``, ``-3``, …).

Where ``work/`` is: ``COURSE_WORK_DIR`` when set; else inside the course checkout; else (the
course shipped with the installed package, e.g. on Colab) in the current folder.

A copy is written to a hidden temporary file in ``work/`` and then linked into place in one
step that fails if the name is taken, so a copy cut short (full disk, file-size limit) never
appears under the real name. Every file-system problem becomes a
:class:`~course_utils.errors.WorkspaceError` naming the path and what to do.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError, WorkspaceError
from .catalog import Course, find_course, find_lesson


@dataclass(frozen=True)
class StartResult:
    path: Path
    created: bool
    message: str


def work_dir(course: Course | Path | None = None) -> Path:
    """The personal work folder: ``COURSE_WORK_DIR``, ``<course>/work``, or ``./work`` when
    the course is the read-only copy inside the installed package."""
    env = os.environ.get("COURSE_WORK_DIR")
    if env:
        return Path(env).expanduser()
    course = course if course is not None else find_course()
    if isinstance(course, Course):
        return Path.cwd() / "work" if course.packaged else course.root / "work"
    return Path(course) / "work"


def start_exercise(number: str, *, new: bool = False, root: Path | Course | None = None) -> StartResult:
    """Copy exercise ``number`` into the work folder without ever overwriting a copy."""
    course = root if isinstance(root, Course) else (Course(Path(root), "option") if root else find_course())
    lesson = find_lesson(number, course.root)
    source = lesson.path("exercises")
    if not source.is_file():
        raise CourseError(
            f"The exercise file {source} is missing. Restore it with `git checkout -- "
            f"{source.relative_to(course.root).as_posix()}` or regenerate the exercises with `course generate`."
        )
    target_dir = work_dir(course)
    _make_folder(target_dir)
    first = target_dir / source.name
    if not new:
        if first.exists():
            if not _readable_notebook(first):
                return StartResult(
                    first, False,
                    f"Your copy {first} is there but is not a readable notebook (empty or cut short). It was "
                    f"left as it is. To start over in a fresh copy, run: course start {lesson.number} --new",
                )
            return StartResult(
                first, False,
                f"Your copy already exists: {first}\nIt was left as it is. "
                f"To start over in a fresh copy, run: course start {lesson.number} --new",
            )
        try:
            _copy_exclusive(source, first)
        except FileExistsError:  # another process made it meanwhile: never overwrite it
            return StartResult(first, False, f"Your copy already exists: {first}\nIt was left as it is.")
        return StartResult(first, True, f"Started exercise {lesson.number}: {first}")
    for n in range(2, 1000):
        candidate = target_dir / f"{source.stem}-{n}.ipynb"
        if not candidate.exists():
            try:
                _copy_exclusive(source, candidate)
            except FileExistsError:  # lost a race with another process: try the next number
                continue
            return StartResult(candidate, True, f"Started a fresh copy of exercise {lesson.number}: {candidate}")
    raise CourseError(f"Too many copies of {source.name} in {target_dir}; tidy the folder first.")


def _readable_notebook(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")).get("cells"), list)
    except (OSError, ValueError, AttributeError):
        return False


def _make_folder(folder: Path) -> None:
    for place in (folder, *folder.parents):
        if place.exists() and not place.is_dir():
            raise WorkspaceError(
                f"{place} is a file, but your copies go into the folder {folder}. Rename or move that file, "
                "or set COURSE_WORK_DIR to another folder."
            )
        if place.exists():
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(explain_os_error(exc, folder, "create the folder")) from None


def explain_os_error(exc: OSError, path: Path, action: str = "write") -> str:
    """One line saying what went wrong with ``path`` and how to fix it."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return (f"Could not {action} {path}: the disk is full (or your quota is used up). Free some space "
                "and run the command again; nothing was left half-written.")
    if code == errno.EFBIG:
        return (f"Could not {action} {path}: the file is larger than this system allows. "
                "Nothing was left half-written.")
    if code in (errno.EACCES, errno.EPERM):
        return (f"Could not {action} {path}: permission denied. Run the command from a folder of your own, "
                "or set COURSE_WORK_DIR to a folder you can write to.")
    if code == errno.EROFS:
        return (f"Could not {action} {path}: that disk is read-only. Run the command from a folder of your "
                "own, or set COURSE_WORK_DIR to a folder you can write to.")
    if code == errno.ENOTDIR:
        return f"Could not {action} {path}: part of that path is a file, not a folder. Rename that file."
    return f"Could not {action} {path}: {exc.strerror or exc}."


def _copy_exclusive(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` atomically; FileExistsError if ``target`` exists.

    The bytes go to a temporary file beside ``target``, which is then hard-linked to
    ``target`` (a link never replaces an existing file) and removed. Where hard links are
    not supported, ``target`` is reserved with an exclusive create and replaced in one step.
    """
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as dst, open(source, "rb") as src:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        _link_without_overwriting(Path(temp), target)
    except FileExistsError:
        raise
    except OSError as exc:
        raise WorkspaceError(explain_os_error(exc, target)) from None
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
    return target


def _link_without_overwriting(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)
        return
    except FileExistsError:
        raise
    except (OSError, NotImplementedError, AttributeError):
        pass  # no hard links on this file system: reserve the name, then replace it
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    os.close(fd)
    try:
        os.replace(temp, target)
    except BaseException:
        os.unlink(target)
        raise
