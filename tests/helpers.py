"""Helpers shared by the unit tests (import them: ``from helpers import REPO, make_notebook``).
Shared fixtures live in ``tests/conftest.py``."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def real_course_lock(tmp_path_factory, *, exclusive: bool):
    """Hold the test run's lock on the real course: shared while grading it, exclusive while a
    test writes to it (the tampering test). Every grading session checks the real course and
    puts changed files back, so it must not see another worker's tampering. (The
    ``xdist_group("grading")`` marks do not keep these tests on one worker under pytest 9.2.)
    Without ``fcntl`` (Windows) there is no lock: run the grading tests with ``-n 0`` there."""
    try:
        import fcntl
    except ImportError:            # pragma: no cover - Windows
        yield
        return
    path = tmp_path_factory.getbasetemp().parent / "real-course.lock"   # one file for all workers
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def make_notebook(*cells, metadata: dict | None = None, id_prefix: str = "cell-") -> nbformat.NotebookNode:
    """A notebook from ``cells``: plain strings are code cells, ``("markdown", text)`` or
    ``("code", text)`` pairs say the type. Cell ``i`` gets the id ``f"{id_prefix}{i:02d}"``."""
    made = []
    for index, cell in enumerate(cells):
        kind, source = ("code", cell) if isinstance(cell, str) else cell
        new = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        new["id"] = f"{id_prefix}{index:02d}"
        made.append(new)
    return nbformat.v4.new_notebook(cells=made, metadata=dict(metadata or {}))


def stack_layers(inputs, layers: list, functional: bool):
    """A Keras model of ``layers`` on ``inputs``, written either way a student may write it:
    ``keras.Sequential`` or the functional API (valid alternatives in the checks' tests)."""
    import keras

    if not functional:
        return keras.Sequential([inputs, *layers])
    h = inputs
    for layer in layers:
        h = layer(h)
    return keras.Model(inputs, h)
