"""The course catalogue: which course a command works on, its lessons and their notebooks (tooling).

A lesson is a number like ``02_00``. Its notebooks share one file name in ``notebooks/``
(practice), ``solutions/`` and ``exercises/``: ``02_00_perceptron_logic_gates.ipynb``.

Which course (:func:`find_course`; first match wins):

1. the folder given explicitly: ``course --course PATH …`` (:func:`use_course`);
2. the folder named by the environment variable ``COURSE_ROOT``;
3. the current folder or one of its parents, when it is a course checkout (a git clone,
   a copy pulled by nbgitpuller, a Binder home): it holds ``solutions/`` and ``course_utils/``;
4. the checkout the package was installed from (``pip install -e .``);
5. the copy shipped inside the installed package (``pip install nn-basics-course``, Colab):
   read-only, so students' copies then go to ``work/`` in the current folder.

Commands say which course they use when it is not the one around the current folder
(:attr:`Course.obvious`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError, UnknownLessonError
from ..i18n import _

KINDS = ("notebooks", "solutions", "exercises")
_LESSON_FILE = re.compile(r"^([0-9]{2}_[0-9]{2})_[a-z0-9_]+\.ipynb$")
#: The course notebooks shipped inside a built wheel (setup.py copies them there).
PACKAGED_COURSE = Path(__file__).resolve().parents[1] / "_course"
_INSTALLED_FROM = Path(__file__).resolve().parents[2]
_explicit: Path | None = None


@dataclass(frozen=True)
class Course:
    """A course folder and how it was found (``how`` is one of ``HOW``'s keys)."""

    root: Path
    how: str

    HOW = {
        "option": "given with --course",
        "env": "from the COURSE_ROOT environment variable",
        "cwd": "found from the current folder",
        "installed": "the checkout the package was installed from",
        "package": "the copy shipped with the installed package",
    }

    @property
    def packaged(self) -> bool:
        """True for the read-only copy inside the installed package."""
        return self.how == "package"

    @property
    def obvious(self) -> bool:
        """True when the user can tell which course this is without being told."""
        return self.how in ("option", "cwd")

    def describe(self) -> str:
        """"the course in PATH (how it was found)", in the current language."""
        how = {"option": _("given with --course"), "env": _("from the COURSE_ROOT environment variable"),
               "cwd": _("found from the current folder"), "installed": _("the checkout the package was installed from"),
               "package": _("the copy shipped with the installed package")}.get(self.how, self.HOW.get(self.how, ""))
        return _("the course in {root} ({how})").format(root=self.root, how=how)


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


def use_course(path: str | Path | None) -> Path | None:
    """Make every later look-up use the course at ``path`` (``course --course PATH``);
    ``None`` forgets it. Raises :class:`CourseError` when ``path`` is not a course folder."""
    global _explicit
    if path is None:
        _explicit = None
        return None
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise CourseError(_("--course {path}: there is no folder {folder}. Give the folder you cloned the course "
                            "into.").format(path=path, folder=folder))
    if not _looks_like_root(folder):
        raise CourseError(_(
            "--course {path}: {folder} is not a course folder (it needs solutions/ and course_utils/). "
            "Give the top folder of the course checkout.").format(path=path, folder=folder)
        )
    _explicit = folder
    return folder


def find_course(start: str | Path | None = None, *, packaged: bool = True) -> Course:
    """The course a command works on (search order in the module docstring).

    ``packaged=False`` accepts only a checkout (for commands that write into the course,
    such as ``course run`` and ``course generate``).
    """
    if _explicit is not None:
        return Course(_explicit, "option")
    env = os.environ.get("COURSE_ROOT", "").strip()
    if env:
        folder = Path(env).expanduser().resolve()
        if not _looks_like_root(folder):
            raise CourseError(_(
                "COURSE_ROOT is set to {env!r}, but {folder} is not a course folder (it needs solutions/ "
                "and course_utils/). Point it at the course checkout, or unset it.").format(env=env, folder=folder)
            )
        return Course(folder, "env")
    start = Path(start or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if _looks_like_root(candidate):
            return Course(candidate, "cwd")
    if _looks_like_root(_INSTALLED_FROM):
        return Course(_INSTALLED_FROM, "installed")
    if packaged and (PACKAGED_COURSE / "exercises").is_dir():
        return Course(PACKAGED_COURSE, "package")
    raise CourseError(
        _("Cannot find the course folder (one with solutions/ and course_utils/) in the current folder "
          "or above it. Run the command inside your copy of the course, give it with --course PATH, "
          "or install the course package (pip install nn-basics-course).") if packaged else
        _("Cannot find the course folder (one with solutions/ and course_utils/) in the current folder "
          "or above it. Run the command inside your copy of the course, give it with --course PATH, "
          "or clone the course: this command needs a checkout, not the installed package.")
    )


def repo_root(start: str | Path | None = None) -> Path:
    """The course checkout's root folder (never the read-only packaged copy)."""
    return find_course(start, packaged=False).root


def lessons(root: str | Path | None = None) -> list[Lesson]:
    """Every lesson that has a solution notebook, in number order."""
    root = Path(root) if root else find_course().root
    found = []
    for path in sorted((root / "solutions").glob("*.ipynb")):
        m = _LESSON_FILE.match(path.name)
        if m:
            found.append(Lesson(m.group(1), path.stem, root))
    return found


def find_lesson(number: str, root: str | Path | None = None) -> Lesson:
    """Look a lesson up by number (``02_00``, ``2_0``, ``0200``, ``00``, ``0`` or its file stem)."""
    all_lessons = lessons(root)
    available = ", ".join(f"{l.number} ({l.title})" for l in all_lessons) or _("none found")
    wanted = _normalise(number)
    for lesson in all_lessons:
        if wanted in (lesson.number, lesson.stem):
            return lesson
    if wanted is None:
        raise UnknownLessonError(_(
            "{number!r} is not a lesson number: write it like 02_00 (or 0 … 9 for day 2). "
            "Available lessons: {available}.").format(number=str(number), available=available)
        )
    raise UnknownLessonError(_("There is no lesson {number!r}. Available lessons: {available}.").format(
        number=number, available=available))


_SPELLINGS = (
    (re.compile(r"^([0-9]{1,2})$"), lambda m: f"02_{int(m[1]):02d}"),                          # "00", "7": day 02
    (re.compile(r"^([0-9]{2})([0-9]{2})$"), lambda m: f"{m[1]}_{m[2]}"),                       # "0200"
    (re.compile(r"^([0-9]{1,2})[_-]([0-9]{1,2})$"), lambda m: f"{int(m[1]):02d}_{int(m[2]):02d}"),  # "2_0", "02-00"
)


def _normalise(number: str) -> str | None:
    """The lesson number or file stem that ``number`` spells, or None when it spells none
    (a sign, a fraction, letters: ``-1`` never means lesson 01)."""
    text = str(number).strip()
    text = Path(text).name if "/" in text or "\\" in text else text
    text = text.removesuffix(".ipynb")
    if _LESSON_FILE.match(text + ".ipynb"):
        return text
    for pattern, spell in _SPELLINGS:
        m = pattern.match(text)
        if m:
            return spell(m)
    return None
