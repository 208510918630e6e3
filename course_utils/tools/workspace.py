"""Start an exercise safely: copy it into a personal work folder (student workflow).

``course start 02_00`` copies ``exercises/02_00_….ipynb`` to ``work/02_00_….ipynb``. The
``work/`` folder is git-ignored and nothing tracked lives in it, so ``git pull``, an
nbgitpuller sync and regenerated exercises never touch a student's copy. An existing copy
is **never overwritten**: asking again says where it is, and ``--new`` makes a fresh
numbered copy (``02_00_…-2.ipynb``, ``-3``, …). ``course start 02_00 --lang ko`` (or
``COURSE_LANG=ko``) copies the Korean edition, ``exercises/ko/02_00_….ipynb``, to
``work/ko/02_00_….ipynb``.

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
from ..i18n import LANGUAGES, _, current_language
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


def start_exercise(number: str, *, new: bool = False, root: Path | Course | None = None,
                   lang: str | None = None) -> StartResult:
    """Copy exercise ``number`` into the work folder without ever overwriting a copy; ``lang="ko"``
    (default: the current language, ``COURSE_LANG``) copies the Korean edition into ``work/ko/``."""
    lang = lang or current_language()
    if lang not in LANGUAGES:
        raise CourseError(_("Unknown language {lang!r}: choose one of {languages}.").format(
            lang=lang, languages=", ".join(LANGUAGES)))
    course = root if isinstance(root, Course) else (Course(Path(root), "option") if root else find_course())
    lesson = find_lesson(number, course.root)
    source = lesson.path("exercises")
    if lang != "en":
        source = source.parent / lang / source.name
        if not source.is_file():
            raise CourseError(_(
                "The {lang} edition of exercise {number} is missing ({path}). Restore it with `git checkout -- "
                "{relative}` or rebuild the translated notebooks with `course translate build`.").format(
                    lang=lang, number=lesson.number, path=source, relative=source.relative_to(course.root).as_posix()))
    if not source.is_file():
        raise CourseError(_(
            "The exercise file {path} is missing. Restore it with `git checkout -- "
            "{relative}` or regenerate the exercises with `course generate`.").format(
                path=source, relative=source.relative_to(course.root).as_posix())
        )
    target_dir = work_dir(course) if lang == "en" else work_dir(course) / lang
    _make_folder(target_dir)
    first = target_dir / source.name
    again = f"course start {lesson.number} --new" + (f" --lang {lang}" if lang != "en" else "")
    if not new:
        if first.exists():
            if not _readable_notebook(first):
                return StartResult(
                    first, False,
                    _("Your copy {path} is there but is not a readable notebook (empty or cut short). It was "
                      "left as it is. To start over in a fresh copy, run: {command}").format(
                          path=first, command=again),
                )
            return StartResult(
                first, False,
                _("Your copy already exists: {path}\nIt was left as it is. "
                  "To start over in a fresh copy, run: {command}").format(path=first, command=again),
            )
        try:
            _copy_exclusive(source, first)
        except FileExistsError:  # another process made it meanwhile: never overwrite it
            return StartResult(first, False, _("Your copy already exists: {path}\nIt was left as it is.").format(
                path=first))
        return StartResult(first, True, _("Started exercise {number}: {path}").format(number=lesson.number, path=first))
    for n in range(2, 1000):
        candidate = target_dir / f"{source.stem}-{n}.ipynb"
        if not candidate.exists():
            try:
                _copy_exclusive(source, candidate)
            except FileExistsError:  # lost a race with another process: try the next number
                continue
            return StartResult(candidate, True, _("Started a fresh copy of exercise {number}: {path}").format(
                number=lesson.number, path=candidate))
    raise CourseError(_("Too many copies of {name} in {folder}; tidy the folder first.").format(
        name=source.name, folder=target_dir))


def _readable_notebook(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")).get("cells"), list)
    except (OSError, ValueError, AttributeError):
        return False


def _make_folder(folder: Path) -> None:
    for place in (folder, *folder.parents):
        if place.exists() and not place.is_dir():
            raise WorkspaceError(_(
                "{place} is a file, but your copies go into the folder {folder}. Rename or move that file, "
                "or set COURSE_WORK_DIR to another folder.").format(place=place, folder=folder)
            )
        if place.exists():
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(explain_os_error(exc, folder, _("create the folder"))) from None


def explain_os_error(exc: OSError, path: Path, action: str | None = None) -> str:
    """One line saying what went wrong with ``path`` and how to fix it (``action``: "write" by default)."""
    code = exc.errno
    action = action or _("write")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        message = _("Could not {action} {path}: the disk is full (or your quota is used up). Free some space "
                    "and run the command again; nothing was left half-written.")
    elif code == errno.EFBIG:
        message = _("Could not {action} {path}: the file is larger than this system allows. "
                    "Nothing was left half-written.")
    elif code in (errno.EACCES, errno.EPERM):
        message = _("Could not {action} {path}: permission denied. Run the command from a folder of your own, "
                    "or set COURSE_WORK_DIR to a folder you can write to.")
    elif code == errno.EROFS:
        message = _("Could not {action} {path}: that disk is read-only. Run the command from a folder of your "
                    "own, or set COURSE_WORK_DIR to a folder you can write to.")
    elif code == errno.ENOTDIR:
        message = _("Could not {action} {path}: part of that path is a file, not a folder. Rename that file.")
    else:
        return _("Could not {action} {path}: {error}.").format(action=action, path=path, error=exc.strerror or exc)
    return message.format(action=action, path=path)


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
