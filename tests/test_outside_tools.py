"""Outside notebook tools (issue 12): nbval and `nbconvert --execute` run an exercise through
to its checks thanks to the `raises-exception` tags; nbstripout keeps cell ids with --keep-id."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course_utils.checks.core import MIMETYPE
from course_utils.tools.generator import RAISES_TAG
from course_utils.tools.notebook_io import read_notebook, write_notebook

REPO = Path(__file__).resolve().parents[1]
EXERCISE = REPO / "exercises" / "02_00_perceptron_logic_gates.ipynb"


def _student_env() -> dict[str, str]:
    """As a student or another tool runs it: no COURSE_STRICT, no pytest options of ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_STRICT", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    return env


def _nbval(folder: Path, notebook: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
           "--nbval-lax", "--nbval-current-env", notebook.name]
    return subprocess.run(cmd, cwd=folder, env=_student_env(), capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_nbval_runs_an_exercise_through_its_blanks(tmp_path):
    """`pytest --nbval-lax` passes on the untouched exercise; without the tags it fails."""
    shutil.copy(EXERCISE, tmp_path / EXERCISE.name)
    run = _nbval(tmp_path, tmp_path / EXERCISE.name)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout

    untagged = read_notebook(EXERCISE)
    for cell in untagged.cells:
        cell.metadata.get("tags", []).remove(RAISES_TAG) if RAISES_TAG in cell.metadata.get("tags", []) else None
    write_notebook(untagged, tmp_path / "untagged" / EXERCISE.name)
    run = _nbval(tmp_path / "untagged", tmp_path / "untagged" / EXERCISE.name)
    assert run.returncode == 1 and "NotImplementedError" in run.stdout, run.stdout[-3000:]


@pytest.mark.slow
def test_nbconvert_execute_reaches_every_check_which_says_not_attempted(tmp_path):
    out = tmp_path / "executed.ipynb"
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
           "--output", str(out), str(EXERCISE)]
    run = subprocess.run(cmd, cwd=tmp_path, env=_student_env(), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    nb = json.loads(out.read_text(encoding="utf-8"))
    statuses, blanks_raised = [], 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if MIMETYPE in output.get("data", {}):
                statuses.append(output["data"][MIMETYPE]["status"])
            if output.get("output_type") == "error":
                assert output["ename"] == "NotImplementedError" and RAISES_TAG in cell["metadata"]["tags"]
                blanks_raised += 1
    assert blanks_raised >= 1
    checks = sum(".check()" in "".join(c["source"]) for c in nb["cells"])
    assert len(statuses) == checks >= 1 and set(statuses) == {"not_attempted"}


def test_pre_commit_strips_with_keep_id():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "nbstripout"]
    assert hooks and all("--keep-id" in h.get("args", []) for h in hooks)


def test_nbstripout_keep_id_leaves_a_clean_notebook_alone(tmp_path):
    names = [REPO / "notebooks" / "02_01_xor_mlp.ipynb", EXERCISE, REPO / "solutions" / "02_09_nonlinear_regression.ipynb"]
    kept, renumbered = tmp_path / "kept", tmp_path / "renumbered"
    for folder in (kept, renumbered):
        folder.mkdir()
        for path in names:
            shutil.copy(path, folder / path.name)
    tool = [sys.executable, "-m", "nbstripout"]
    subprocess.run(tool + ["--keep-id", *sorted(str(p) for p in kept.iterdir())], check=True, timeout=120)
    subprocess.run(tool + sorted(str(p) for p in renumbered.iterdir()), check=True, timeout=120)
    for path in names:
        assert (kept / path.name).read_bytes() == path.read_bytes(), path.name
        assert (renumbered / path.name).read_bytes() != path.read_bytes(), "nbstripout no longer renumbers ids?"
