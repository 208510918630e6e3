"""The grader packaged for a hosted autograder: Gradescope's format (instructors, grading).

``course export-autograder 02_00 -o autograder.zip`` writes a zip to upload as a Gradescope
programming assignment's autograder (Ubuntu base image). At its top level:

- ``setup.sh``: run once when Gradescope builds the image; makes ``/autograder/venv`` and
  installs the course package from ``course/`` (a copy of this course) into it;
- ``run_autograder``: run for each submission; grades the notebook found in
  ``/autograder/submission`` with ``course grade``'s isolated grader and writes
  ``/autograder/results/results.json`` (one test per task, 1 point each);
- ``config.json``: the exercise and the time limits.

The root (``/autograder``) and the Python can be changed with ``COURSE_AUTOGRADER_ROOT`` and
``COURSE_AUTOGRADER_PYTHON``: the tests emulate Gradescope's layout in a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

from ..errors import GradingError

__all__ = ["export_gradescope", "run_gradescope", "main"]

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu).
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install /autograder/source/course
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json.
set -u
ROOT="${COURSE_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${COURSE_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
exec "$PYTHON" -m course_utils.tools.autograder run --root "$ROOT"
"""

_COURSE_FILES = ("pyproject.toml", "setup.py", "README.md", "LICENSE")
_COURSE_TREES = ("course_utils", "datasets", "solutions")


def export_gradescope(exercise: str, output: str | Path | None = None, *, cell_timeout: float = 60,
                      total_timeout: float = 900, root: str | Path | None = None) -> Path:
    """Write the Gradescope autograder zip for ``exercise`` and return its path."""
    from .grader import _exercise_tasks
    from .sandbox import course_root

    if _exercise_tasks(str(exercise)) is None:
        raise GradingError(f"There is no exercise {exercise} with checks. Run `course list` to see the exercises.")
    root = Path(root) if root is not None else course_root()
    if not (root / "pyproject.toml").is_file():
        raise GradingError(f"{root} is not the course repository (no pyproject.toml): run the export from a "
                           "checkout of the course.")
    output = Path(output or f"autograder-{exercise}.zip")
    config = {"exercise": str(exercise), "cell_timeout": cell_timeout, "total_timeout": total_timeout}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16
            archive.writestr(info, text)
        archive.writestr("config.json", json.dumps(config, indent=2) + "\n")
        for name in _COURSE_FILES:
            if (root / name).is_file():
                archive.write(root / name, f"course/{name}")
        for tree in _COURSE_TREES:
            for path in sorted((root / tree).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc") \
                        and not any(p.endswith(".egg-info") for p in path.parts):
                    archive.write(path, f"course/{path.relative_to(root).as_posix()}")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, output)
    return output


def _results(report, seconds: float) -> dict:
    """Gradescope's results.json for one grade report (one test per task, 1 point each)."""
    if report.problem:
        return {"score": 0, "execution_time": round(seconds), "output": f"Cannot grade: {report.problem}",
                "stdout_visibility": "hidden",
                "tests": [{"name": f"Task {t.task} ({t.title})", "number": str(t.task), "score": 0,
                           "max_score": 1, "status": "failed", "output": t.message} for t in report.tasks]}
    tests = []
    for t in report.tasks:
        text = t.message if t.status != "passed" else "correct"
        if t.status == "wrong" and t.hint:
            text += f"\nHint: {t.hint}"
        tests.append({"name": f"Task {t.task} ({t.title})", "number": str(t.task),
                      "score": 1 if t.status == "passed" else 0, "max_score": 1,
                      "status": "passed" if t.status == "passed" else "failed",
                      "output": f"{t.status.replace('_', ' ')}: {text}"})
    return {"score": report.passed, "execution_time": round(seconds), "stdout_visibility": "hidden",
            "output": f"{report.passed} of {len(report.tasks)} tasks passed.", "tests": tests}


def run_gradescope(root: str | Path) -> dict:
    """Grade the submission under ``root/submission`` and write ``root/results/results.json``."""
    from .grader import GradingSession, Submission

    root = Path(root)
    start = time.monotonic()
    config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
    exercise = config["exercise"]
    notebooks = sorted(p for p in (root / "submission").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    notebooks.sort(key=lambda p: exercise not in p.name)
    if not notebooks:
        results = {"score": 0, "execution_time": 0, "stdout_visibility": "hidden",
                   "output": f"No notebook (.ipynb) in the submission: upload your {exercise} exercise notebook."}
    else:
        with GradingSession(workers=1, cell_timeout=float(config.get("cell_timeout", 60)),
                            total_timeout=float(config.get("total_timeout", 900)), prestart=False) as session:
            report = session.grade([Submission(notebooks[0].name, notebooks[0], exercise)])[0]
        results = _results(report, time.monotonic() - start)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".results.json.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, target)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.autograder")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="grade /autograder/submission (inside the hosted autograder)")
    run.add_argument("--root", default=os.environ.get("COURSE_AUTOGRADER_ROOT", "/autograder"))
    args = parser.parse_args(argv)
    results = run_gradescope(args.root)
    print(results.get("output", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
