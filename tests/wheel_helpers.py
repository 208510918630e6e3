"""Build the course wheel from a copy of the sources, and make "fresh" environments for it.

Used by tests/test_wheel_install.py and tests/test_colab_and_pip.py. A fresh environment
is a new ``python -m venv`` that sees the heavy libraries already installed in the
project's environment (TensorFlow, Keras, pandas, Jupyter…), as Colab has them
preinstalled, through a ``.pth`` pointing at a folder of links to them. The project's own
distribution and its editable-install finder are left out, so ``course_utils`` is only
importable once the wheel is installed into the fresh environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE")
FOLDERS = ("course_utils", "datasets", "notebooks", "solutions", "exercises")
DIST = "nn_basics_course"
PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]


def copy_sources(dst: Path) -> Path:
    """What a clone holds for building (no .venv, no build output)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        if (REPO / name).is_file():
            shutil.copy(REPO / name, dst / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_datasets", "_course", "*.egg-info")
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, dst / folder, ignore=ignore)
    return dst


def build_wheel(src: Path, dist: Path) -> tuple[Path, str]:
    """``pip wheel`` the sources in ``src`` (offline: this environment's setuptools); return the
    wheel and everything the build printed."""
    run = subprocess.run([sys.executable, *PIP, "wheel", "-v", "--no-deps", "--no-build-isolation",
                          "-w", str(dist), "."], cwd=src, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    wheels = list(dist.glob(f"{DIST}-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], run.stdout + run.stderr


def _is_project_entry(name: str) -> bool:
    low = name.lower()
    return (low.startswith(("__editable__", "course_utils", DIST, "course-utils"))
            or low.endswith(".pth") or low == "__pycache__")


def preinstalled_overlay(folder: Path) -> Path:
    """A folder of links to every library of this environment except the course itself."""
    folder.mkdir(parents=True)
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        if not _is_project_entry(entry.name):
            (folder / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return folder


def fresh_env(folder: Path, overlay: Path, *, colab: bool = False) -> Path:
    """A new virtual environment seeing ``overlay``; ``colab=True`` adds a stand-in
    ``google.colab`` so the install cell thinks it runs on Colab. Returns its python."""
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(folder)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "preinstalled.pth").write_text(f"{overlay}\n")
    if colab:
        (site / "google" / "colab").mkdir(parents=True)
        (site / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab (tests)."""\n')
    return python


def site_packages(python: Path) -> Path:
    return Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what points at the checkout, plus ``extra``;
    pip may not download anything (PIP_NO_INDEX): what the course needs must be there."""
    drop = ("COURSE_ROOT", "COURSE_DATASETS_DIR", "COURSE_WORK_DIR", "PYTHONPATH", "VIRTUAL_ENV", "COURSE_STRICT")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")
    env.update(extra)
    return env
