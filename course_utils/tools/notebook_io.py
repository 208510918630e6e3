"""Read and write notebooks the one clean, diff-friendly way (tooling, all lessons).

Committed notebooks carry no outputs and no execution counts, a fixed kernelspec, and cell
ids derived from the cell's position (``cell-00``, ``cell-01``, ...), so that re-saving a
notebook changes nothing and a diff shows only real edits.

Command line::

    python -m course_utils.tools.notebook_io clean notebooks/*.ipynb     # rewrite in place
    python -m course_utils.tools.notebook_io check notebooks/*.ipynb     # exit 1 if any is not clean
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import nbformat

from ..errors import NotebookError

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
# Cell metadata worth keeping; everything else (collapsed, scrolled, execution timing) goes.
KEEP_CELL_METADATA = ("tags", "nbgrader")   # nbgrader: written by `course generate` (issue 11)


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, turning every failure into a :class:`NotebookError` that names the file."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"Notebook not found: {path}. Check the path (is it relative to the folder you are in?).")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"{path} is not UTF-8 text ({exc}). Is it really a .ipynb notebook?") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{path} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Restore it from a backup or start a fresh copy."
        ) from None
    if not isinstance(raw, dict) or "cells" not in raw:
        raise NotebookError(f"{path} is JSON but not a Jupyter notebook (no 'cells' list).")
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several validation error types
        raise NotebookError(f"{path} is not a valid Jupyter notebook: {exc}") from None


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without outputs, counts or volatile metadata, with stable ids."""
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, 5
    course_meta = nb.metadata.get("course")
    nb.metadata = nbformat.NotebookNode({"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)})
    if course_meta:
        nb.metadata["course"] = course_meta
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
        kept = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA and v}
        cell["metadata"] = nbformat.NotebookNode(kept)
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        cell["source"] = cell["source"].rstrip("\n")
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            if cell.cell_type == "markdown":
                cell.pop("attachments", None)
    return nb


def dumps_notebook(nb: nbformat.NotebookNode) -> str:
    """Serialise the way nbformat does (indent 1, sorted keys), with a final newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb: nbformat.NotebookNode, path: str | Path, *, clean: bool = True) -> Path:
    """Write ``nb`` to ``path`` (cleaned unless ``clean=False``), creating folders as needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_notebook(clean_notebook(nb) if clean else nb), encoding="utf-8")
    return path


def is_clean(path: str | Path) -> bool:
    """True when the file on disk is exactly what :func:`clean_notebook` would write."""
    path = Path(path)
    return path.read_text(encoding="utf-8") == dumps_notebook(clean_notebook(read_notebook(path)))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] not in {"clean", "check"}:
        print("usage: python -m course_utils.tools.notebook_io {clean|check} NOTEBOOK...", file=sys.stderr)
        return 2
    action, paths = argv[0], argv[1:]
    dirty = []
    for p in paths:
        try:
            if action == "clean":
                write_notebook(read_notebook(p), p)
            elif not is_clean(p):
                dirty.append(p)
        except NotebookError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    for p in dirty:
        print(f"not clean: {p} (run: python -m course_utils.tools.notebook_io clean {p})")
    return 1 if dirty else 0


if __name__ == "__main__":
    raise SystemExit(main())
