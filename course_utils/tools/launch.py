"""Open the course where students are: Colab badges, install cells, Binder and JupyterHub links (tooling).

The repository's address is written in ONE place, ``[project.urls] Repository`` in
pyproject.toml, and the release in ``[project] version``: links and the install cell pin
the git tag ``v<version>`` (tag each release so). ``course badges`` derives from them:

- in every notebook of ``notebooks/``, ``solutions/`` and ``exercises/``, an "Open in Colab"
  badge for that very notebook under the title cell's heading, and a first code cell (tag
  ``colab-install``) that installs the course on Colab only (:func:`install_cell_source`;
  elsewhere it does nothing, so Jupyter, nbval and the grader run it harmlessly);
- in README.md, the course map's Colab badges and every Colab, Binder, nbgitpuller and
  GitHub address of the repository.

It is idempotent: run it after editing notebooks or pyproject.toml (``course badges``; the
tests fail on drift, ``course badges --check`` reports it). The exercise generator keeps
the badge pointing at ``exercises/`` (:func:`retarget_links`). ``course links --hub URL``
prints each lesson's Colab and nbgitpuller links for instructors.

Set ``COURSE_INSTALL_SPEC`` to make the install cell install something else (a local
wheel in tests, a fork, a branch): ``COURSE_INSTALL_SPEC=/path/to/nn_basics_course-….whl``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import nbformat

from ..errors import CourseError, NotebookError
from .notebook_io import clean_notebook, dumps_notebook, read_notebook, write_notebook

KINDS = ("notebooks", "solutions", "exercises")
INSTALL_TAG = "colab-install"
INSTALL_ENV = "COURSE_INSTALL_SPEC"
COLAB_BADGE_SVG = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE_SVG = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE_LINE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\(https://colab\.research\.google\.com/[^)]*\)\s*$")
_GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class LaunchConfig:
    """Where the course lives (from pyproject.toml) and the links made from it."""

    repository: str      # https://github.com/owner/name
    version: str         # 0.1.0
    distribution: str    # nn-basics-course

    @property
    def ref(self) -> str:
        """The pinned release: the git tag ``v<version>``."""
        return f"v{self.version}"

    @property
    def slug(self) -> str:
        """``owner/name`` of the GitHub repository."""
        m = _GITHUB.match(self.repository)
        if not m:
            raise CourseError(
                f"[project.urls] Repository = {self.repository!r} in pyproject.toml is not a GitHub address "
                "(https://github.com/OWNER/NAME); Colab and Binder open notebooks from GitHub."
            )
        return f"{m[1]}/{m[2]}"

    @property
    def name(self) -> str:
        return self.slug.split("/")[1]

    @property
    def install_spec(self) -> str:
        return f"{self.distribution} @ git+{self.repository}@{self.ref}"

    def colab_url(self, path: str) -> str:
        return f"https://colab.research.google.com/github/{self.slug}/blob/{self.ref}/{path}"

    def colab_badge(self, path: str) -> str:
        return f"[![Open In Colab]({COLAB_BADGE_SVG})]({self.colab_url(path)})"

    def binder_url(self) -> str:
        return f"https://mybinder.org/v2/gh/{self.slug}/{self.ref}"

    def nbgitpuller_url(self, hub: str, path: str, branch: str = "main") -> str:
        """A JupyterHub link that pulls the course (nbgitpuller) and opens ``path`` in JupyterLab."""
        hub = hub.rstrip("/")
        if not re.match(r"^https?://[^/\s]+", hub):
            raise CourseError(f"--hub {hub!r}: give your JupyterHub's address, like https://hub.example.edu")
        urlpath = f"lab/tree/{self.name}/{path}"
        return (f"{hub}/hub/user-redirect/git-pull?repo={quote(self.repository, safe='')}"
                f"&urlpath={quote(urlpath, safe='')}&branch={quote(branch, safe='')}")


def read_config(root: str | Path) -> LaunchConfig:
    """The launch configuration from ``root/pyproject.toml``."""
    path = Path(root) / "pyproject.toml"
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
        return LaunchConfig(project["urls"]["Repository"], project["version"], project["name"])
    except (OSError, KeyError, ValueError) as exc:
        raise CourseError(
            f"Cannot read the repository address from {path} ({type(exc).__name__}: {exc}). "
            "It needs [project] name and version, and [project.urls] Repository."
        ) from None


def install_cell_source(config: LaunchConfig) -> str:
    """The guarded first code cell: installs the course on Colab, does nothing elsewhere."""
    return (
        f"# On Colab only: install the course package (release {config.ref}). Elsewhere this does nothing.\n"
        "try:\n"
        "    import google.colab  # noqa: F401\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    import os, subprocess, sys\n"
        f"    spec = os.environ.get({json.dumps(INSTALL_ENV)}, {json.dumps(config.install_spec)})\n"
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", spec], check=True)'
    )


def _title_index(nb: nbformat.NotebookNode, name: str) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            return index
        if cell.cell_type == "code" and INSTALL_TAG not in cell.get("metadata", {}).get("tags", []):
            break
    raise NotebookError(f"{name}: no title cell (a markdown cell starting with '# ') before the first code cell.")


def _with_badge(source: str, badge: str) -> str:
    lines = source.strip("\n").split("\n")
    body = [line for line in lines[1:] if not COLAB_BADGE_LINE.match(line)]
    while body and not body[0].strip():
        body.pop(0)
    return "\n".join([lines[0], "", badge] + ([""] + body if body else []))


def apply_launch_cells(nb: nbformat.NotebookNode, path: str, config: LaunchConfig) -> nbformat.NotebookNode:
    """Return ``nb`` with the Colab badge for ``path`` (``kind/NAME.ipynb``) in its title cell
    and the install cell right after it. Applying it twice changes nothing."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    title = _title_index(nb, path)
    nb.cells[title].source = _with_badge(nb.cells[title].source, config.colab_badge(path))
    installs = [c for c in nb.cells if c.cell_type == "code" and INSTALL_TAG in c.get("metadata", {}).get("tags", [])]
    cell = installs[0] if installs else nbformat.v4.new_code_cell(metadata={"tags": [INSTALL_TAG]})
    if not installs:
        cell["id"] = INSTALL_TAG
    cell.source = install_cell_source(config)
    nb.cells = [c for c in nb.cells if not any(c is i for i in installs)]
    nb.cells.insert(title + 1, cell)
    return nb


def retarget_links(nb: nbformat.NotebookNode, kind: str) -> nbformat.NotebookNode:
    """Point the title cell's Colab badge at ``kind/`` (the generator: solution → exercise); in place."""
    pattern = re.compile(r"(https://colab\.research\.google\.com/github/[^)\s]+?/blob/[^/)\s]+/)(?:notebooks|solutions|exercises)/")
    # a Korean solution (solutions/ko/…) keeps its ko/ part: only the kind changes
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = "".join(cell.source) if isinstance(cell.source, list) else cell.source
            cell.source = pattern.sub(lambda m: f"{m[1]}{kind}/", source)
            break
    return nb


# --------------------------------------------------------------------------- README

_MAP_LINK = re.compile(
    r"\[(practice|exercise|solution|실습|연습|풀이)\]\(((?:notebooks|solutions|exercises)/(?:ko/)?[\w.-]+\.ipynb)\)"
    r"(?: \[!\[Open In Colab\]\([^)]*\)\]\([^)]*\))?"
)
_COLAB_URL = re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[^/\s)]+/"
                        r"((?:notebooks|solutions|exercises)/(?:ko/)?[\w.-]+\.ipynb)")
_BINDER_URL = re.compile(r"https://mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/[^?\s)#]+")
_PULLER_URL = re.compile(r"(https?://[^\s/)`]+)/hub/user-redirect/git-pull\?[^\s)`]+")
_GIT_SPEC = re.compile(r"git\+https://github\.com/[\w.-]+?/[\w.-]+?(?:\.git)?@[\w.-]*[\w]")
_GITHUB_URL = re.compile(r"https://github\.com/[\w.-]+?/[\w.-]+?(\.git)?(?=[/\s)#?\"'>\]`]|$)")


def update_readme(text: str, config: LaunchConfig) -> str:
    """``text`` (README.md) with every launch link of the course made from ``config``."""
    text = _MAP_LINK.sub(lambda m: f"[{m[1]}]({m[2]}) {config.colab_badge(m[2])}", text)
    text = _COLAB_URL.sub(lambda m: config.colab_url(m[1]), text)
    text = _BINDER_URL.sub(config.binder_url(), text)

    def puller(m: re.Match) -> str:
        query = parse_qs(urlsplit(m[0]).query)
        urlpath = query.get("urlpath", [""])[0]
        path = urlpath.split("/", 3)[3] if urlpath.count("/") >= 3 else "notebooks"
        return config.nbgitpuller_url(m[1], path, query.get("branch", ["main"])[0])

    text = _PULLER_URL.sub(puller, text)
    text = _GIT_SPEC.sub(f"git+{config.repository}@{config.ref}", text)
    return _GITHUB_URL.sub(lambda m: config.repository + (m[1] or ""), text)


# --------------------------------------------------------------------------- whole course


def apply_all(root: str | Path, *, check: bool = False) -> list[str]:
    """Bring every notebook and README.md under ``root`` up to date; return the files that
    changed (with ``check=True``: that would change; nothing is written)."""
    root = Path(root)
    config = read_config(root)
    changed: list[str] = []
    for kind in KINDS:
        for path in sorted((root / kind).glob("*.ipynb")) + sorted((root / kind).glob("*/*.ipynb")):
            nb = apply_launch_cells(read_notebook(path), path.relative_to(root).as_posix(), config)
            if dumps_notebook(clean_notebook(nb)) != path.read_text(encoding="utf-8"):
                changed.append(f"{kind}/{path.name}")
                if not check:
                    write_notebook(nb, path)
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        new = update_readme(text, config)
        if new != text:
            changed.append("README.md")
            if not check:
                _write_text_atomic(readme, new)
    return changed


def _write_text_atomic(path: Path, text: str) -> None:
    import os
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def print_links(root: str | Path, lessons: list[str] | None = None, *, hub: str | None = None,
                branch: str = "main", stream=None) -> int:
    """Print each lesson's Colab links (and nbgitpuller links when ``hub`` is given)."""
    from .catalog import find_lesson
    from .catalog import lessons as all_lessons

    stream = stream or sys.stdout
    config = read_config(root)
    chosen = [find_lesson(n, root) for n in lessons] if lessons else all_lessons(root)
    for lesson in chosen:
        print(f"{lesson.number}  {lesson.title}", file=stream)
        for kind in KINDS:
            path = f"{kind}/{lesson.stem}.ipynb"
            print(f"  {kind:<10} Colab:      {config.colab_url(path)}", file=stream)
            if hub:
                print(f"  {'':<10} JupyterHub: {config.nbgitpuller_url(hub, path, branch)}", file=stream)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course badges", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="the course checkout (default: .)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    try:
        changed = apply_all(args.root, check=args.check)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"out of date: {path}" if args.check else f"wrote {path}")
    if args.check and changed:
        print("Run `course badges` to bring the launch links up to date.")
        return 1
    if not changed:
        print("Launch links are up to date.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
