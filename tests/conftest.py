"""Fixtures and helpers shared by the unit tests.

The ``notebook`` and ``slow`` markers are applied in the root ``conftest.py`` (one table for
the whole suite); plain helpers (``REPO``, ``make_notebook``) are in ``tests/helpers.py``.
Fixtures:

- ``grades_the_real_course``: held by the tests that grade with the course's own files;
- ``house_xy``: the house-price features and target (fresh copies for every test);
- ``course_folder``: an empty miniature course (``notebooks/``, ``solutions/``,
  ``exercises/``, ``course_utils/``) in ``tmp_path``, made the working folder and
  ``COURSE_ROOT``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The tests read the English messages; a user's COURSE_LANG=ko must not change them
# (tests of the Korean messages set the language themselves).
os.environ.pop("COURSE_LANG", None)


@pytest.fixture(scope="session")
def _house_frame():
    from course_utils.lesson.datasets import load_dataset

    return load_dataset("house_price")


@pytest.fixture
def house_xy(_house_frame):
    """``(X, y)``: the five house-price features and the price, 414 rows (copies)."""
    from course_utils.lesson.datasets import DATASET_INFO

    target = DATASET_INFO["house_price"].target
    frame = _house_frame.copy()
    return frame.drop(columns=[target]), frame[target]


@pytest.fixture(scope="module")
def grades_the_real_course(tmp_path_factory):
    """Request it in a test or module fixture that grades with the course's own files: no
    tampering test writes to the course meanwhile (see ``helpers.real_course_lock``)."""
    from helpers import real_course_lock

    with real_course_lock(tmp_path_factory, exclusive=False):
        yield


@pytest.fixture
def course_folder(tmp_path, monkeypatch) -> Path:
    """An empty miniature course in ``tmp_path`` (the working folder and ``COURSE_ROOT``)."""
    for kind in ("notebooks", "solutions", "exercises", "course_utils"):
        (tmp_path / kind).mkdir()
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path
