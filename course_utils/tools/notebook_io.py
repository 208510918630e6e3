"""Read and write notebooks the one clean, diff-friendly way (tooling, all lessons).

Cleaning removes outputs and execution counts, and nothing the author wrote: markdown
attachments (pasted images), cell metadata (tags, nbgrader's, your own) and notebook
metadata stay. Only what a run leaves behind goes with the outputs: the cell metadata
that describes outputs or timing (``execution``, ``collapsed``, ``scrolled``,
``jupyter.outputs_hidden``), the kernel's ``language_info`` (reset to ``{"name":
"python"}``) and the kernelspec (always the course's ``python3``). Cell ids are kept;
a cell without a valid, unique id gets ``cell-NN`` (NN its position), so re-saving a
notebook changes nothing and inserting a cell does not renumber the others.

Every write is atomic: the text goes to a temporary file in the same folder, is flushed
to disk, then renamed over the target, so a write that fails halfway (disk full, a file
size limit) leaves the old file as it was. A read-only file is never replaced.

Command line::

    python -m course_utils.tools.notebook_io clean notebooks/*.ipynb     # rewrite in place
    python -m course_utils.tools.notebook_io check notebooks/*.ipynb     # exit 1 if any is not clean
"""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import stat
import sys
import uuid
from pathlib import Path

import nbformat

from ..errors import NotebookError

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
#: Cell metadata that only describes outputs or a run; it goes with the outputs.
RUN_CELL_METADATA = ("execution", "collapsed", "scrolled")
#: Notebook metadata written by a format conversion, not by the author.
RUN_NOTEBOOK_METADATA = ("orig_nbformat", "orig_nbformat_minor")

_VALID_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def cell_label(index: int, cell: nbformat.NotebookNode | dict | None = None) -> str:
    """How every tool names a cell: ``cell N`` with N its 1-based position in the notebook
    (as a person counts cells), plus its id when it has one: ``cell 3 (id cell-02)``."""
    cell_id = cell.get("id") if cell is not None else None
    return f"cell {index + 1} (id {cell_id})" if cell_id else f"cell {index + 1}"


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook (nbformat 4, or 1-3 converted to 4), turning every failure into a
    :class:`NotebookError` that names the file. Cells without an id get ``cell-NN``."""
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
    version = raw.get("nbformat") if isinstance(raw, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        what = "no 'cells' list and no 'nbformat' version" if isinstance(raw, dict) else f"a JSON {type(raw).__name__}"
        raise NotebookError(f"{path} is JSON but not a Jupyter notebook ({what}).")
    if version > 4:
        raise NotebookError(
            f"{path} is an nbformat {version} notebook; this tool reads nbformat 4 (and converts 1-3). "
            "Upgrade the nbformat package (pip install -U nbformat)."
        )
    try:
        nb = nbformat.reads(text, as_version=4)  # nbformat 1-3 are converted to 4
    except Exception as exc:  # nbformat raises several validation and conversion error types
        raise NotebookError(f"{path} is not a valid nbformat {version} notebook: {exc}") from None
    raw_cells = raw.get("cells") if version == 4 else None
    if isinstance(raw_cells, list) and len(raw_cells) == len(nb.cells):
        keep = [_kept_id(c.get("id") if isinstance(c, dict) else None) for c in raw_cells]
    else:  # converted from nbformat < 4: no cell had an id in the file
        keep = [None] * len(nb.cells)
    _assign_ids(nb.cells, keep)
    return nb


def _kept_id(value: object) -> str | None:
    return value if isinstance(value, str) and _VALID_ID.match(value) else None


def _assign_ids(cells: list, ids: list[str | None]) -> None:
    """Give each cell its id from ``ids``, or ``cell-NN`` when that is None or used before."""
    taken = {i for i in ids if i is not None}
    seen: set[str] = set()
    for index, (cell, wanted) in enumerate(zip(cells, ids)):
        if wanted is None or wanted in seen:
            base = f"cell-{index:02d}"
            wanted, n = base, 1
            while wanted in taken or wanted in seen:
                n += 1
                wanted = f"{base}-{n}"
        seen.add(wanted)
        cell["id"] = wanted


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without outputs, execution counts or run metadata (see the
    module docstring); ids, attachments and the author's metadata are kept."""
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, 5
    metadata = {k: v for k, v in nb.get("metadata", {}).items() if k not in RUN_NOTEBOOK_METADATA}
    metadata["kernelspec"] = dict(KERNELSPEC)
    metadata["language_info"] = dict(LANGUAGE_INFO)
    nb.metadata = nbformat.from_dict(metadata)
    _assign_ids(nb.cells, [_kept_id(cell.get("id")) for cell in nb.cells])
    for cell in nb.cells:
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in RUN_CELL_METADATA}
        jupyter = meta.get("jupyter")
        if isinstance(jupyter, dict) and "outputs_hidden" in jupyter:
            jupyter = {k: v for k, v in jupyter.items() if k != "outputs_hidden"}
            if jupyter:
                meta["jupyter"] = jupyter
            else:
                meta.pop("jupyter")
        cell["metadata"] = nbformat.from_dict(meta)
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        cell["source"] = cell["source"].rstrip("\n")
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def dumps_notebook(nb: nbformat.NotebookNode) -> str:
    """Serialise the way nbformat does (indent 1, sorted keys), with a final newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file in the same folder,
    flushed and fsynced, then renamed over ``path``. On any failure the old file is intact
    and the temporary file is removed. A read-only ``path`` raises ``PermissionError``."""
    path = Path(path)
    if path.is_symlink():                      # write through the link, as a plain write would
        path = Path(os.path.realpath(path))
    data = text.encode("utf-8")
    old_mode = None
    try:
        old_mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        pass
    if old_mode is not None and (not old_mode & 0o222 or not os.access(path, os.W_OK)):
        raise PermissionError(errno.EACCES, "the file is read-only; it was left as it is", str(path))
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename is None:   # name the file being written
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
        raise
    _fsync_folder(path.parent)
    return path


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_notebook(nb: nbformat.NotebookNode, path: str | Path, *, clean: bool = True) -> Path:
    """Write ``nb`` to ``path`` atomically (cleaned unless ``clean=False``), creating folders
    as needed. A failed write leaves any existing file unchanged."""
    path = Path(path)
    text = dumps_notebook(clean_notebook(nb) if clean else nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(path, text)


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
        except OSError as exc:
            print(f"error: cannot write {p}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    for p in dirty:
        print(f"not clean: {p} (run: python -m course_utils.tools.notebook_io clean {p})")
    return 1 if dirty else 0


if __name__ == "__main__":
    raise SystemExit(main())
