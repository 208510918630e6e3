"""Build the course site from executed notebooks (``course run`` / ``course site``).

:func:`build_site` takes the rows of a course run (one per executed notebook) and writes a
static site with Sphinx, myst-nb and sphinx-book-theme::

    build/site-src/en/           generated Sphinx sources (overview + executed notebooks)
    build/site/index.html        the site: overview with the key-figure table, one page per
                                 notebook, search, launch and download buttons
    build/site/ko/               the Korean edition, once notebooks/ko/ exists

The Sphinx configuration lives in this package (``conf.py``, ``_templates/``,
``_static/``); nothing is executed here. A notebook that failed still gets its page, with
a banner naming the cell where it stopped. The site is built in a staging folder and
swapped in only when Sphinx succeeds, so a broken build never leaves half a site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ...errors import SiteError
from .links import Repository, binder_url, colab_url, repository
from .outputs import check_line, figure_line

CONF_DIR = Path(__file__).resolve().parent
SITE_PACKAGES = ("sphinx", "myst_nb", "sphinx_book_theme", "mathjax")
KINDS = ("notebooks", "solutions")
KIND_CAPTIONS = {"notebooks": "Lessons", "solutions": "Exercises, solved"}


@dataclass(frozen=True)
class Edition:
    """One language of the course: English at the repository's top folders, others in a sub-folder."""

    code: str      # "en", "ko" (also Sphinx's language)
    label: str     # shown in the language switch
    folder: str    # "" for English, "ko" for notebooks/ko/, solutions/ko/, exercises/ko/


#: The course's editions. The Korean one is built as soon as notebooks/ko/ has notebooks.
EDITIONS = (Edition("en", "English", ""), Edition("ko", "한국어", "ko"))


def edition(code: str) -> Edition:
    for e in EDITIONS:
        if e.code == code:
            return e
    raise SiteError(f"Unknown course edition {code!r}; the editions are {', '.join(e.code for e in EDITIONS)}.")


@dataclass
class SitePage:
    """One executed notebook on the site (built from a row of ``course run``)."""

    kind: str
    name: str
    edition: str = "en"
    status: str = "ok"
    failure: str = ""
    failed_cell: int | None = None        # 1-based, as ``course run`` names it
    seconds: float = 0.0
    executed: Path | None = None          # the executed copy; None when the notebook could not run
    figures: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    title: str = ""

    @property
    def folder(self) -> str:
        return edition(self.edition).folder

    @property
    def docname(self) -> str:
        """``notebooks/02_00_x`` (English) or ``notebooks/ko/02_00_x``: the page's path, as in the repository."""
        return f"{self.kind}/{self.folder}/{self.name}" if self.folder else f"{self.kind}/{self.name}"

    @property
    def lesson(self) -> str:
        m = re.match(r"^(\d\d_\d\d)", self.name)
        return m.group(1) if m else self.name


@dataclass
class SiteResult:
    """What :func:`build_site` made: the site folder, its index, warnings, seconds and bytes."""

    site: Path
    index: Path
    warnings: list[str]
    seconds: float
    size_bytes: int
    editions: list[str]


# --------------------------------------------------------------------------- helpers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|$~])")


def md_escape(text: str) -> str:
    """Text that MyST shows literally (no emphasis, links, maths or table breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def notebook_title(nb: dict, fallback: str) -> str:
    """The text of the notebook's first ``# `` heading, without inline markup; ``fallback`` if none."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        in_fence = False
        for line in source.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if not in_fence and line.startswith("# "):
                title = re.sub(r"[`*]|<[^>]+>", "", line[2:]).strip()
                title = re.sub(r"\s+", " ", title.replace("<", "").replace(">", ""))
                if title:
                    return title
    return fallback


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SiteError(f"Cannot read the executed notebook {path}: {exc}. Run `course run` again.") from None


def _failure_cell(page: SitePage) -> dict:
    where = f"cell {page.failed_cell}" if page.failed_cell else "a cell"
    reason = page.failure.split(": ", 1)[1] if page.failure.startswith("cell ") and ": " in page.failure else page.failure
    reason = reason.replace("`", "'") or "an error"
    return {
        "cell_type": "markdown",
        "id": "course-run-failed",
        "metadata": {},
        "source": (
            "```{admonition} This notebook failed when the course ran\n:class: error course-failed\n\n"
            f"Its first error is at {where}: `{reason}` (marked in red below). Cells after it may show "
            "wrong or missing results. Fix the notebook and run `make run` again.\n```\n"
        ),
    }


_CARRIAGE_RETURN = re.compile(r".*\r(?=[^\n])")


def merge_streams(outputs: list[dict]) -> list[dict]:
    """Join consecutive outputs of one stream and apply carriage returns as a terminal does.

    A progress bar redraws its line after a carriage return; the page shows its final state only.
    """
    merged: list[dict] = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] += _text(output.get("text", ""))
        else:
            if output.get("output_type") == "stream":
                output = dict(output, text=_text(output.get("text", "")))
            merged.append(output)
    for output in merged:
        if output.get("output_type") == "stream" and "\r" in output["text"]:
            text = _CARRIAGE_RETURN.sub("", output["text"].replace("\r\n", "\n"))
            output["text"] = text.replace("\r", "")
    return merged


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _offline(cell: dict) -> None:
    """Keep the page offline: the notebook's Colab badge (an image on colab.research.google.com)
    gives way to the site's own launch buttons, and the Colab install cell is not shown."""
    from ..launch import COLAB_BADGE_LINE

    if cell.get("cell_type") == "markdown":
        source = "".join(cell.get("source", ""))
        cell["source"] = "\n".join(line for line in source.split("\n") if not COLAB_BADGE_LINE.match(line))
    tags = cell.get("metadata", {}).get("tags", [])
    if "colab-install" in tags and "remove-cell" not in tags:
        cell["metadata"]["tags"] = [*tags, "remove-cell"]


def _prepare_notebook(page: SitePage, dest: Path) -> None:
    """Copy the executed notebook for Sphinx; a failed one gets a banner and its cell a marker."""
    nb = _read_json(page.executed)
    for cell in nb.get("cells", []):
        if cell.get("outputs"):
            cell["outputs"] = merge_streams(cell["outputs"])
        _offline(cell)
    if not page.title:
        page.title = notebook_title(nb, page.name)
    if page.status != "ok":
        cells = nb.get("cells", [])
        if page.failed_cell and 1 <= page.failed_cell <= len(cells):
            meta = cells[page.failed_cell - 1].setdefault("metadata", {})
            meta["tags"] = list(meta.get("tags", [])) + ["course-failed-cell"]
        title_at = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), -1)
        cells.insert(title_at + 1, _failure_cell(page))
        nb.setdefault("metadata", {})["course_failed"] = page.failure
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def site_title(root: Path, ed: Edition | None = None) -> str:
    """The course's title: the first ``# `` heading of ``README.<code>.md`` (another edition) or README.md."""
    names = ([f"README.{ed.code}.md"] if ed is not None and ed.folder else []) + ["README.md"]
    for name in names:
        readme = root / name
        if readme.is_file():
            for line in readme.read_text(encoding="utf-8").splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Course"


# ------------------------------------------------------------------------ overview page

def _status_text(page: SitePage) -> str:
    if page.status == "ok":
        return f"✓ ran in {page.seconds:.1f} s"
    reason = md_escape(page.failure.split(": ", 1)[-1] if page.failed_cell else page.failure)
    where = f" at cell {page.failed_cell}" if page.failed_cell else ""
    return f"**✗ failed{where}**: {reason}"


def _bullets(lines: Sequence[str], indent: str) -> str:
    if not lines:
        return "—"
    return ("\n" + indent).join(f"- {line}" for line in lines)


def _check_summary(checks: list[dict]) -> list[str]:
    latest: dict = {}
    for c in checks:
        key = (c.get("exercise"), c.get("task"))
        latest[key] = c
    lines = []
    for c in latest.values():
        text, _ = check_line(c)
        lines.append(md_escape(text))
    return lines


def overview_markdown(pages: list[SitePage], *, title: str, exercises: dict[str, tuple[str, str]],
                      repo: Repository) -> str:
    """The site's front page: intro, the table of contents, the key-figure table, the exercises."""
    out = [f"# {md_escape(title)}", ""]
    ran = [p for p in pages if p.status == "ok"]
    failed = [p for p in pages if p.status != "ok"]
    kernel = sum(p.seconds for p in pages)
    out += [
        "Every lesson has a **practice** notebook (worked examples), an **exercise** (blanks to fill in, "
        "with instant checks) and the exercise's **solution**. The pages below were executed by "
        "`make run`: the plots, key figures and check results are the ones the course produced.",
        "",
        f"{len(pages)} notebooks ran: {len(ran)} passed, {len(failed)} failed "
        f"({kernel:.0f} s of kernel time).",
        "",
    ]
    for kind in KINDS:
        entries = [p for p in pages if p.kind == kind]
        if not entries:
            continue
        out += ["```{toctree}", f":caption: {KIND_CAPTIONS[kind]}", ":hidden:", ""]
        for p in entries:
            mark = " ✗" if p.status != "ok" else ""
            out.append(f"{p.title}{mark} <{p.docname}>")
        out += ["```", ""]

    out += ["## Key figures and checks", "",
            "Each notebook's key figures (`report_figure`) and, for the solutions, its check results.", "",
            "```{list-table}", ":header-rows: 1", ":class: course-overview", ":widths: 24 9 15 26 26", "",
            "* - Notebook", "  - Kind", "  - Status", "  - Key figures", "  - Checks"]
    for p in sorted(pages, key=lambda p: (p.lesson, KINDS.index(p.kind) if p.kind in KINDS else 9)):
        link = f"{{doc}}`{p.title} </{p.docname}>`" if p.executed else md_escape(p.title)
        figures = [md_escape(figure_line(f)[0]) for f in p.figures]
        checks = _check_summary(p.checks) if p.kind == "solutions" else []
        out += [f"* - {link}", f"  - {'practice' if p.kind == 'notebooks' else 'solution'}",
                f"  - {_status_text(p)}", f"  - {_bullets(figures, '    ')}",
                f"  - {_bullets(checks, '    ') if p.kind == 'solutions' else '—'}"]
    out += ["```", ""]

    if exercises:
        out += ["## Exercises", "",
                "Download an exercise to work on it locally (`course start` does the same from the repository), "
                "or open it online.", ""]
        for name, (path_in_repo, local) in sorted(exercises.items()):
            page = next((p for p in pages if p.name == name and p.kind == "notebooks"), None)
            label = md_escape(page.title) if page else md_escape(name)
            links = [f"{{download}}`download <{local}>`"]
            try:
                links += [f"[Colab]({colab_url(repo, path_in_repo)})", f"[Binder]({binder_url(repo, path_in_repo)})"]
            except SiteError:
                pass
            out.append(f"- {label}: " + " · ".join(links))
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------ build

def check_site_packages() -> None:
    """Raise :class:`SiteError` with the fix when the site's packages are not installed."""
    import importlib.util

    missing = [name for name in SITE_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise SiteError(
            f"The course site needs packages that are not installed ({', '.join(missing)}). "
            "Install the site extra: pip install -e \".[site]\" (make run does it for you)."
        )


def prepare_sources(pages: list[SitePage], *, root: Path, src: Path, ed: Edition, repo: Repository,
                    editions: list[dict]) -> None:
    """Write the Sphinx source folder of one edition: notebooks, exercises, overview, settings."""
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for p in pages:
        if p.executed is not None:
            _prepare_notebook(p, src / f"{p.docname}.ipynb")
        elif not p.title:
            p.title = p.name
    exercises: dict[str, tuple[str, str]] = {}
    ex_dir = root / "exercises" / ed.folder if ed.folder else root / "exercises"
    wanted = {p.name for p in pages if p.kind == "notebooks"}
    for path in sorted(ex_dir.glob("*.ipynb")) if ex_dir.is_dir() else []:
        if path.stem in wanted:
            local = src / "_exercises" / path.name
            local.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, local)
            exercises[path.stem] = (path.relative_to(root).as_posix(), f"/_exercises/{path.name}")
    title = site_title(root, ed)
    (src / "index.md").write_text(
        overview_markdown(pages, title=title, exercises=exercises, repo=repo), encoding="utf-8")
    settings = {
        "title": title,
        "edition": ed.code,
        "editions": editions,
        "repository": {"url": repo.url, "branch": repo.branch},
    }
    (src / "_course.json").write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")


def run_sphinx(src: Path, out: Path, doctrees: Path, *, language: str, jobs: int = 2) -> list[str]:
    """Run ``sphinx-build`` (a child process) and return its warnings; raise :class:`SiteError` on failure."""
    warn_file = doctrees.parent / f"warnings-{language}.txt"
    warn_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "-c", str(CONF_DIR), "-d", str(doctrees),
           "-j", str(max(1, jobs)), "-w", str(warn_file), "-D", f"language={language}", str(src), str(out)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    text = warn_file.read_text(encoding="utf-8") if warn_file.is_file() else ""
    warnings = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line or "CRITICAL" in line]
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise SiteError(f"Sphinx could not build the course site (exit {proc.returncode}):\n{tail}")
    return warnings


def prune(site: Path) -> None:
    """Drop what a reader never loads: source maps, the theme's translation catalogues, build stamps."""
    for path in list(site.rglob("*.map")) + [site / ".buildinfo"]:
        if path.is_file():
            path.unlink()
    for folder in site.rglob("_static/locales"):
        shutil.rmtree(folder, ignore_errors=True)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_site(pages: Iterable[SitePage], *, root: Path, build: Path, out: Path | None = None,
               jobs: int = 2) -> SiteResult:
    """Build the site into ``out`` (default ``build/site``) from executed notebooks; return what was made.

    ``pages`` come from a course run (:func:`course_utils.tools.course_runner.site_pages`).
    Raises :class:`SiteError` when the site packages are missing or Sphinx fails; the
    previous site stays in place then.
    """
    check_site_packages()
    start = time.perf_counter()
    pages = list(pages)
    out = Path(out) if out is not None else build / "site"
    repo = repository(root)
    by_edition = {e.code: [p for p in pages if p.edition == e.code] for e in EDITIONS}
    present = [e for e in EDITIONS if by_edition[e.code]]
    if not present:
        raise SiteError("No executed notebooks to put on the site; run `course run` first.")
    editions = [{"code": e.code, "label": e.label, "folder": e.folder,
                 "pages": ["index"] + [p.docname for p in by_edition[e.code] if p.executed is not None]}
                for e in present]
    staging = out.parent / f".{out.name}-new"
    if staging.exists():
        shutil.rmtree(staging)
    warnings: list[str] = []
    # Other editions first: each lives in a sub-folder of the English site.
    for ed in sorted(present, key=lambda e: e.folder == ""):
        src = build / "site-src" / ed.code
        prepare_sources(by_edition[ed.code], root=root, src=src, ed=ed, repo=repo, editions=editions)
        target = staging / ed.code if ed.folder else staging
        warnings += run_sphinx(src, target, build / "site-doctrees" / ed.code, language=ed.code, jobs=jobs)
    prune(staging)
    old = out.parent / f".{out.name}-old"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        shutil.rmtree(old)
    return SiteResult(site=out, index=out / "index.html", warnings=warnings, seconds=time.perf_counter() - start,
                      size_bytes=folder_size(out), editions=[e.code for e in present])
