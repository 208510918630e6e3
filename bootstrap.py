#!/usr/bin/env python3
"""Set up the course on a fresh machine and run its two jobs (works on Linux, macOS, Windows).

    python3 bootstrap.py run     # execute the course, build its site (build/site/), same as `make run`
    python3 bootstrap.py test    # run the test suite, same as `make test`
    python3 bootstrap.py shell   # just install, then print how to activate the environment

Each command creates the virtual environment `.venv/` when it is missing and installs the
package with its tooling, test and site extras (`pip install -e ".[tools,test,site]"`). The install is recorded in
`.venv/course-install.stamp` with a hash of pyproject.toml, so a second run reuses it and
starts in seconds; editing pyproject.toml triggers a re-install. Extra arguments are passed
on: `python3 bootstrap.py test -k datasets`. Standard library only, Python 3.10+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COURSE_VENV", ROOT / ".venv"))
STAMP = VENV / "course-install.stamp"
EXTRAS = "tools,test,site"   # Jupyter and the `course` command's needs; pytest and friends; the course website


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} python{sys.version_info.major}.{sys.version_info.minor}\n"


def ensure_installed() -> Path:
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    py = venv_python()
    if STAMP.is_file() and py.is_file() and STAMP.read_text() == wanted_stamp():
        return py
    if not py.is_file():
        print(f"[bootstrap] creating virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("[bootstrap] installing the course package and its dependencies (first run only)", flush=True)
    subprocess.check_call([str(py), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    # The package was called course-utils before 0.1.0 was published as nn-basics-course:
    # drop the old name, or two installs would claim course_utils and the `course` command.
    subprocess.call([str(py), "-m", "pip", "uninstall", "--yes", "--quiet", "course-utils"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.check_call([str(py), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{EXTRAS}]"])
    STAMP.write_text(wanted_stamp())
    return py


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "shell"}:
        print(__doc__)
        return 2
    job, rest = argv[0], argv[1:]
    py = ensure_installed()
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3")
    if job == "shell":
        act = VENV / ("Scripts\\activate" if os.name == "nt" else "bin/activate")
        print(f"Installed. Activate with: {'' if os.name == 'nt' else 'source '}{act}")
        return 0
    if job == "run":
        cmd = [str(py), "-m", "course_utils.tools.cli", "run", *rest]
    else:
        cmd = [str(py), "-m", "pytest", *rest]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
