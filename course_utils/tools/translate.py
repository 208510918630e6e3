"""The Korean edition, from one source: PO catalogues → ``notebooks/ko``, ``solutions/ko``, ``exercises/ko``.

The English notebooks are the source. Each practice and solution notebook has a gettext PO
catalogue, ``course_utils/locale/ko/notebooks/<kind>/<name>.po``, with one entry per markdown
cell (``msgctxt`` = the cell id, ``msgid`` = the English text, ``msgstr`` = the Korean text).
Code cells are shared (identifiers stay English); the set-up call gets ``lang="ko"`` so that
checks and hints speak Korean, and the notebook's metadata says ``course.lang = "ko"``.

    course translate update    # English changed → catalogues: new cells added, changed ones fuzzy
    course translate build     # catalogues → notebooks/ko, solutions/ko, then exercises/ko
    course translate check     # exit 1 when a translation is missing, stale, or a file drifted

A changed English cell turns its entry *fuzzy*: the Korean notebook keeps the previous Korean
text with a visible "translation pending" note, and ``check`` (and the test suite) fails until a
translator updates the ``msgstr`` and removes the fuzzy flag. PO files open in any translation
tool (Poedit, Weblate, Crowdin) — that is why the course uses them.
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import NotebookError
from .notebook_io import clean_notebook, dumps_notebook, read_notebook, write_notebook

__all__ = ["LANG", "KINDS", "PENDING", "Status", "catalogue_path", "update_catalogue", "build_notebook",
           "update_all", "build_all", "check_all", "main"]

LANG = "ko"
#: The English folders that have a Korean edition (exercises/ko is generated from solutions/ko).
KINDS = ("notebooks", "solutions")
#: Shown under a cell whose translation is missing or stale.
PENDING = ("\n\n> ⚠️ **번역 대기 중** (translation pending): 이 칸의 영어 원문이 바뀌었거나 아직 번역되지 "
           "않았습니다. 위 내용은 이전 번역이거나 영어 원문입니다.")
_SETUP_CALL = re.compile(r"setup_notebook\((?![^)]*\blang=)")


def catalogue_path(root: Path, kind: str, stem: str, lang: str = LANG) -> Path:
    """Where the PO catalogue of ``<kind>/<stem>.ipynb`` lives."""
    return root / "course_utils" / "locale" / lang / "notebooks" / kind / f"{stem}.po"


def _text(source: str) -> str:
    """A markdown cell's translatable text: without its Colab badge (``course badges`` writes
    the Korean notebook's own badge, for its own path)."""
    from .launch import COLAB_BADGE_LINE

    lines = source.split("\n")
    kept = [line for i, line in enumerate(lines) if not COLAB_BADGE_LINE.match(line)
            and not (i > 0 and COLAB_BADGE_LINE.match(lines[i - 1]) and not line.strip())]
    return "\n".join(kept)


def _cells(nb) -> list[tuple[str, str]]:
    """(cell id, English text) of every markdown cell with text."""
    return [(cell.get("id") or f"index-{i}", _text(cell.source)) for i, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown" and cell.source.strip()]


def _new_catalogue(kind: str, stem: str, lang: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"nn-basics-course {kind}/{stem}",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return po


def update_catalogue(nb, po: polib.POFile | None, *, kind: str, stem: str, lang: str = LANG) -> polib.POFile:
    """The catalogue ``po`` brought up to date with the English notebook ``nb`` (like msgmerge).

    New cells get empty entries; a cell whose English text changed keeps its Korean text but is
    marked fuzzy (with the previous English as ``previous_msgid``); cells that are gone become
    obsolete entries. Entries follow the notebook's cell order.
    """
    old = {entry.msgctxt: entry for entry in (po or []) if not entry.obsolete}
    new = _new_catalogue(kind, stem, lang)
    if po is not None:
        new.metadata.update(po.metadata)
    seen = set()
    for position, (cell_id, text) in enumerate(_cells(nb), start=1):
        seen.add(cell_id)
        entry = old.get(cell_id)
        occurrence = [(f"{kind}/{stem}.ipynb", cell_id)]
        if entry is None:
            new.append(polib.POEntry(msgctxt=cell_id, msgid=text, msgstr="", occurrences=occurrence,
                                     comment=f"markdown cell {position}"))
            continue
        if entry.msgid != text:
            flags = sorted(set(entry.flags) | {"fuzzy"})
            previous = entry.previous_msgid if "fuzzy" in entry.flags and entry.previous_msgid else entry.msgid
            entry = polib.POEntry(msgctxt=cell_id, msgid=text, msgstr=entry.msgstr, flags=flags,
                                  previous_msgid=previous, occurrences=occurrence, comment=entry.comment,
                                  tcomment=entry.tcomment)
        else:
            entry.occurrences = occurrence
            entry.comment = f"markdown cell {position}"
        new.append(entry)
    for cell_id, entry in old.items():
        if cell_id not in seen and entry.msgstr:
            entry.obsolete = True
            new.append(entry)
    return new


def _translated(cell_id: str, text: str, po: polib.POFile) -> tuple[str, bool]:
    """(Korean text, pending?) for one markdown cell."""
    entry = next((e for e in po if e.msgctxt == cell_id and not e.obsolete), None)
    if entry is None or not entry.msgstr:
        return text + PENDING, True
    if entry.fuzzy or entry.msgid != text:
        return entry.msgstr + PENDING, True
    return entry.msgstr, False


def build_notebook(nb, po: polib.POFile, *, lang: str = LANG, path: str | None = None,
                   launch=None) -> tuple[object, int]:
    """The Korean notebook made from the English ``nb`` and its catalogue; also the number of
    cells still pending translation. With ``launch`` (a :class:`~.launch.LaunchConfig`) and
    ``path`` (e.g. ``notebooks/ko/NAME.ipynb``), its Colab badge points at the Korean notebook."""
    out = copy.deepcopy(nb)
    pending = 0
    for index, cell in enumerate(out.cells):
        if cell.cell_type == "markdown" and cell.source.strip():
            cell.source, waiting = _translated(cell.get("id") or f"index-{index}", _text(cell.source), po)
            pending += waiting
        elif cell.cell_type == "code" and "setup_notebook(" in cell.source:
            cell.source = _SETUP_CALL.sub(f'setup_notebook(lang="{lang}", ', cell.source, count=1)
            cell.source = cell.source.replace(f'setup_notebook(lang="{lang}", )', f'setup_notebook(lang="{lang}")')
    course = dict(out.metadata.get("course") or {})
    course["lang"] = lang
    out.metadata["course"] = course
    if launch is not None and path is not None:
        from .launch import apply_launch_cells

        out = apply_launch_cells(out, path, launch)
    return clean_notebook(out), pending


@dataclass
class Status:
    """What :func:`check_all` found: catalogue entries that need a translator, and files that drifted."""

    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.drifted)


def _sources(root: Path) -> list[tuple[str, Path]]:
    found = [(kind, path) for kind in KINDS for path in sorted((root / kind).glob("*.ipynb"))]
    if not found:
        raise NotebookError(f"No English notebooks under {root} (notebooks/, solutions/): run from the course folder.")
    return found


def _load(path: Path, kind: str, stem: str, lang: str) -> polib.POFile | None:
    if not path.is_file():
        return None
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise NotebookError(f"{path} is not a readable PO catalogue ({exc}). Restore it from git.") from None


def _po_text(po: polib.POFile) -> str:
    """A catalogue as it is written to disk (ending with one newline)."""
    text = str(po)
    return text if text.endswith("\n") else text + "\n"


def _save(po: polib.POFile, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(_po_text(po), encoding="utf-8")
    tmp.replace(path)


def update_all(root: Path, lang: str = LANG) -> list[Path]:
    """Bring every catalogue up to date with the English notebooks; return those that changed."""
    changed = []
    for kind, path in _sources(root):
        target = catalogue_path(root, kind, path.stem, lang)
        before = target.read_text(encoding="utf-8") if target.is_file() else None
        po = update_catalogue(read_notebook(path), _load(target, kind, path.stem, lang), kind=kind,
                              stem=path.stem, lang=lang)
        if _po_text(po) != before:
            _save(po, target)
            changed.append(target)
    return changed


def _korean_notebooks(root: Path, lang: str) -> dict[Path, str]:
    """Every Korean practice and solution notebook as the text it should have on disk."""
    from .launch import read_config

    launch = read_config(root)
    out = {}
    for kind, path in _sources(root):
        po = _load(catalogue_path(root, kind, path.stem, lang), kind, path.stem, lang) or _new_catalogue(kind, path.stem, lang)
        nb, _ = build_notebook(read_notebook(path), po, lang=lang, path=f"{kind}/{lang}/{path.name}", launch=launch)
        out[root / kind / lang / path.name] = dumps_notebook(nb)
    return out


def build_all(root: Path, lang: str = LANG) -> list[Path]:
    """Write the Korean practice and solution notebooks, then generate the Korean exercises."""
    from .generator import generate_exercise

    written = []
    for target, text in _korean_notebooks(root, lang).items():
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            write_notebook(read_notebook_text(text), target)
            written.append(target)
    for solution in sorted((root / "solutions" / lang).glob("*.ipynb")):
        exercise = generate_exercise(read_notebook(solution), f"solutions/{lang}/{solution.name}")
        target = root / "exercises" / lang / solution.name
        text = dumps_notebook(clean_notebook(exercise))
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            write_notebook(exercise, target)
            written.append(target)
    return written


def read_notebook_text(text: str):
    import nbformat

    return nbformat.reads(text, as_version=4)


def check_all(root: Path, lang: str = LANG) -> Status:
    """What still needs a translator, and which Korean files differ from what ``build`` writes."""
    from .generator import generate_exercise

    status = Status()
    for kind, path in _sources(root):
        target = catalogue_path(root, kind, path.stem, lang)
        po = _load(target, kind, path.stem, lang)
        current = update_catalogue(read_notebook(path), po, kind=kind, stem=path.stem, lang=lang)
        if po is None or _po_text(current) != _po_text(po):
            status.drifted.append(f"{target.relative_to(root)} (run `course translate update`)")
        for entry in current:
            if entry.obsolete:
                continue
            where = f"{kind}/{path.stem} {entry.msgctxt}"
            if not entry.msgstr:
                status.untranslated.append(where)
            elif entry.fuzzy:
                status.fuzzy.append(where)
    for target, text in _korean_notebooks(root, lang).items():
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            status.drifted.append(f"{target.relative_to(root)} (run `course translate build`)")
    messages = update_messages(root, lang)
    target = messages_path(root, lang)
    if not target.is_file() or target.read_text(encoding="utf-8") != _po_text(messages):
        status.drifted.append(f"{target.relative_to(root)} (run `course translate update`)")
    for entry in messages:
        if not entry.obsolete and not entry.msgstr:
            status.untranslated.append(f"message {entry.msgid[:60]!r}")
        elif not entry.obsolete and entry.fuzzy:
            status.fuzzy.append(f"message {entry.msgid[:60]!r}")
    for solution in sorted((root / "solutions" / lang).glob("*.ipynb")):
        exercise = dumps_notebook(clean_notebook(generate_exercise(read_notebook(solution), solution.name)))
        target = root / "exercises" / lang / solution.name
        if not target.is_file() or target.read_text(encoding="utf-8") != exercise:
            status.drifted.append(f"{target.relative_to(root)} (run `course translate build`)")
    return status


# --------------------------------------------------------------------------- the package's messages


def messages_path(root: Path, lang: str = LANG) -> Path:
    """The gettext catalogue of the package's own messages (checks, hints, grader, CLI)."""
    return root / "course_utils" / "locale" / lang / "LC_MESSAGES" / "course.po"


def package_messages(root: Path) -> dict[str, list[str]]:
    """Every message id of the package → where it occurs: the literal arguments of ``_()`` and
    ``N_()`` calls in ``course_utils/**/*.py``, and the titles and hints of every exercise's tasks."""
    import ast
    import importlib

    found: dict[str, list[str]] = {}
    package = root / "course_utils"
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, []).append(f"{path.relative_to(root)}:{node.lineno}")
    for path in sorted((package / "checks").glob("ex[0-9]*.py")):
        module = importlib.import_module(f"course_utils.checks.{path.stem}")
        for task in module.exercise.tasks:
            for text in (task.title, *task.hints):
                found.setdefault(text, []).append(f"{path.relative_to(root)}:task{task.number}")
    return found


def update_messages(root: Path, lang: str = LANG) -> polib.POFile:
    """The package catalogue brought up to date with :func:`package_messages` (not written)."""
    path = messages_path(root, lang)
    old = {e.msgid: e for e in (polib.pofile(str(path), wrapwidth=0) if path.is_file() else []) if not e.obsolete}
    po = _new_catalogue("package", "messages", lang)
    for msgid, places in package_messages(root).items():
        entry = old.pop(msgid, None) or polib.POEntry(msgid=msgid, msgstr="")
        entry.occurrences = [(place, "") for place in places[:3]]
        po.append(entry)
    for entry in old.values():
        if entry.msgstr:
            entry.obsolete = True
            po.append(entry)
    return po


def main(argv: list[str], root: Path) -> int:
    """``course translate update|build|check`` (see the module docstring)."""
    action = argv[0] if argv else "check"
    if action == "update":
        for path in update_all(root):
            print(f"updated {path.relative_to(root)}")
        messages = update_messages(root)
        target = messages_path(root)
        if not target.is_file() or target.read_text(encoding="utf-8") != _po_text(messages):
            _save(messages, target)
            print(f"updated {target.relative_to(root)}")
        return 0
    if action == "build":
        for path in build_all(root):
            print(f"wrote {path.relative_to(root)}")
        return 0
    if action == "check":
        status = check_all(root)
        for label, items in (("not translated yet", status.untranslated), ("stale (fuzzy)", status.fuzzy),
                             ("out of date", status.drifted)):
            for item in items:
                print(f"{label}: {item}")
        if status.ok:
            print("The Korean edition is complete and up to date.")
            return 0
        return 1
    print("usage: course translate {update|build|check}", file=sys.stderr)
    return 2
