"""course_utils.tools.notebook_io: clean keeps what the author wrote, ids stay put, old formats
are converted, and every write is atomic (a failed write leaves the old file intact)."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap

import nbformat
import pytest

from course_utils.errors import NotebookError
from course_utils.tools import notebook_io
from course_utils.tools.notebook_io import clean_notebook, dumps_notebook, is_clean, read_notebook, write_notebook
from helpers import REPO, make_notebook

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def authored_notebook() -> nbformat.NotebookNode:
    """A notebook as an instructor leaves it after a run: outputs, counts, timings, and
    things they wrote that cleaning must keep."""
    nb = make_notebook(
        ("markdown", "# Title\n![pasted](attachment:image.png)"),
        "x = 1\nx",
        ("markdown", "text"),
        metadata={
            "kernelspec": {"name": "my-env", "display_name": "My env", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"},
            "course": {"lesson": "02_99"},
            "nbgrader": {"__altered__": False, "cell_type": "code"},
            "authors": [{"name": "A. Teacher"}],
        },
    )
    nb.cells[0]["attachments"] = {"image.png": {"image/png": PNG}}
    nb.cells[1]["execution_count"] = 7
    nb.cells[1]["outputs"] = [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=7)]
    nb.cells[1]["metadata"] = {
        "nbgrader": {"grade": True, "grade_id": "task1", "points": 2, "solution": False, "locked": True},
        "tags": ["task"],
        "editable": False,
        "my_tool": {"keep": "me"},
        "jupyter": {"source_hidden": True, "outputs_hidden": True},
        "execution": {"iopub.execute_input": "2026-01-01T00:00:00Z"},
        "collapsed": True,
        "scrolled": True,
    }
    return nb


# --------------------------------------------------------------------------- clean: only outputs and counts go


def test_clean_removes_outputs_counts_and_run_state_only():
    clean = clean_notebook(authored_notebook())
    code = clean.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert dict(code.metadata) == {
        "nbgrader": {"grade": True, "grade_id": "task1", "points": 2, "solution": False, "locked": True},
        "tags": ["task"],
        "editable": False,
        "my_tool": {"keep": "me"},
        "jupyter": {"source_hidden": True},
    }
    assert clean.cells[0].attachments == {"image.png": {"image/png": PNG}}  # the pasted image stays
    assert clean.metadata["nbgrader"] == {"__altered__": False, "cell_type": "code"}
    assert clean.metadata["authors"] == [{"name": "A. Teacher"}] and clean.metadata["course"] == {"lesson": "02_99"}
    assert clean.metadata["kernelspec"]["name"] == "python3"      # the course's kernel
    assert clean.metadata["language_info"] == {"name": "python"}   # no version of the last machine
    nbformat.validate(clean)


def test_clean_survives_a_write_and_read_unchanged(tmp_path):
    path = write_notebook(authored_notebook(), tmp_path / "a.ipynb")
    text = path.read_text(encoding="utf-8")
    assert is_clean(path)
    assert dumps_notebook(clean_notebook(read_notebook(path))) == text
    assert PNG in text and '"grade_id": "task1"' in text


# --------------------------------------------------------------------------- ids


def test_existing_ids_are_kept_and_an_inserted_cell_renumbers_nothing():
    nb = make_notebook("a = 1", "b = 2", "c = 3")                # cell-00, cell-01, cell-02
    nb.cells.insert(1, nbformat.v4.new_code_cell("new = 0"))
    del nb.cells[1]["id"]                                      # as an old tool would write it
    ids = [c.id for c in clean_notebook(nb).cells]
    assert ids == ["cell-00", "cell-01-2", "cell-01", "cell-02"]
    jupyter_ids = make_notebook("a", "b", id_prefix="")
    jupyter_ids.cells[0]["id"], jupyter_ids.cells[1]["id"] = "5f3c2a", "0b9e11"
    assert [c.id for c in clean_notebook(jupyter_ids).cells] == ["5f3c2a", "0b9e11"]


def test_missing_duplicate_and_invalid_ids_get_position_ids(tmp_path):
    cells = [
        {"cell_type": "code", "source": "a", "metadata": {}, "outputs": [], "execution_count": None},
        {"cell_type": "code", "id": "x1", "source": "b", "metadata": {}, "outputs": [], "execution_count": None},
        {"cell_type": "code", "id": "x1", "source": "c", "metadata": {}, "outputs": [], "execution_count": None},
        {"cell_type": "markdown", "id": "cell-00", "source": "d", "metadata": {}},
    ]
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells}), encoding="utf-8")
    nb = read_notebook(path)
    # cell 1 has no id (nbformat would give it a random one); cell-00 is taken, so it gets cell-00-2
    assert [c.id for c in nb.cells] == ["cell-00-2", "x1", "cell-02", "cell-00"]
    assert [c.id for c in read_notebook(write_notebook(nb, path)).cells] == ["cell-00-2", "x1", "cell-02", "cell-00"]


# --------------------------------------------------------------------------- formats


def test_nbformat_3_notebook_is_converted(tmp_path):
    import nbformat.v3 as v3

    old = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[
        v3.new_heading_cell("Old lesson", level=1),
        v3.new_code_cell(input="x = 1", prompt_number=3),
        v3.new_text_cell("markdown", source="text"),
    ])])
    path = tmp_path / "v3.ipynb"
    path.write_text(nbformat.writes(old, version=3), encoding="utf-8")
    nb = read_notebook(path)
    assert nb.nbformat == 4 and [c.source for c in nb.cells] == ["# Old lesson", "x = 1", "text"]
    assert [c.id for c in nb.cells] == ["cell-00", "cell-01", "cell-02"]   # deterministic, not random
    write_notebook(nb, path)
    assert json.loads(path.read_text(encoding="utf-8"))["nbformat"] == 4 and is_clean(path)
    assert "orig_nbformat" not in read_notebook(path).metadata


def test_other_versions_and_non_notebooks_are_named(tmp_path):
    future = tmp_path / "v5.ipynb"
    future.write_text(json.dumps({"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}), encoding="utf-8")
    with pytest.raises(NotebookError, match=r"is an nbformat 5 notebook; this tool reads nbformat 4 \(and converts 1-3\)"):
        read_notebook(future)
    other = tmp_path / "data.ipynb"
    other.write_text('{"rows": [1, 2]}', encoding="utf-8")
    with pytest.raises(NotebookError, match="JSON but not a Jupyter notebook"):
        read_notebook(other)
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}), encoding="utf-8")
    with pytest.raises(NotebookError, match="is not a valid nbformat 4 notebook"):
        read_notebook(broken)


# --------------------------------------------------------------------------- atomic writes


def test_a_write_that_fails_halfway_leaves_the_old_file(tmp_path, monkeypatch):
    path = write_notebook(make_notebook("original = 1"), tmp_path / "sol.ipynb")
    before = path.read_bytes()
    real_write = os.write

    def disk_fills_up(fd, data):                             # writes 100 bytes, then the disk is full
        if len(data) > 100:
            real_write(fd, bytes(data[:100]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(notebook_io.os, "write", disk_fills_up)
    with pytest.raises(OSError, match="No space left"):
        write_notebook(make_notebook("edited = 2\n" + "x" * 5000), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sol.ipynb"]    # no temporary file left


def test_a_file_size_limit_leaves_the_old_file_and_gives_one_line(tmp_path):
    """A real failure in a child process: RLIMIT_FSIZE stops `course clean` halfway."""
    resource = pytest.importorskip("resource")
    path = write_notebook(make_notebook("original = 1"), tmp_path / "sol.ipynb")
    nb = read_notebook(path)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="out\n")]
    nb.cells[0].source = "edited = 2\n# " + "x" * 20000           # the clean text is about 20 kB
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    before = path.read_bytes()
    limit = 4096
    code = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)         # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from course_utils.tools.cli import main
        sys.exit(main(["clean", sys.argv[1]]))
    """)
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("error: File too large: ") and out.stderr.count("\n") == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert path.read_bytes() == before                         # not truncated to 4096 bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sol.ipynb"]


def test_a_read_only_file_is_never_replaced(tmp_path):
    path = write_notebook(make_notebook("original = 1"), tmp_path / "sol.ipynb")
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(PermissionError, match="read-only"):
            write_notebook(make_notebook("edited = 2"), path)
        assert path.read_bytes() == before
    finally:
        path.chmod(0o644)


def test_a_write_keeps_the_files_permissions(tmp_path):
    path = write_notebook(make_notebook("a = 1"), tmp_path / "sol.ipynb")
    path.chmod(0o640)
    write_notebook(make_notebook("a = 2"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and "a = 2" in path.read_text(encoding="utf-8")


def test_a_write_through_a_symlink_replaces_the_target_not_the_link(tmp_path):
    target = write_notebook(make_notebook("a = 1"), tmp_path / "real.ipynb")
    link = tmp_path / "link.ipynb"
    link.symlink_to(target)
    write_notebook(make_notebook("a = 2"), link)
    assert link.is_symlink() and "a = 2" in target.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the course's own notebooks


@pytest.mark.parametrize("kind", ["notebooks", "solutions", "exercises"])
def test_committed_notebooks_are_clean(kind):
    paths = sorted((REPO / kind).glob("*.ipynb"))
    assert paths, f"{kind}/ holds no notebook"
    paths += sorted((REPO / kind / "ko").glob("*.ipynb"))   # the Korean edition
    dirty = [p.name for p in paths if not is_clean(p)]
    assert dirty == [], f"run: course clean {kind}/*.ipynb  (not clean: {dirty})"
