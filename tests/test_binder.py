"""Binder (repo2docker) configuration, checked statically (repo2docker cannot run here).

repo2docker reads binder/ and then ignores the root's environment.yml (which would bring
conda-forge's TensorFlow): Python pinned in runtime.txt, the tested libraries from PyPI in
requirements.txt (installed before the repository is copied, so nothing there may point at
it), and the course installed by postBuild once the repository is there.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:                                    # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
BINDER = REPO / "binder"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins() -> dict[str, Version]:
    found = {}
    for raw in (BINDER / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith(("-e", "-r", "-c", ".", "/", "file:", "git+")) and "@" not in line, (
            f"binder/requirements.txt is installed before the repository is copied: {line!r} cannot work")
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"pin an exact version: {line!r}"
        found[req.name.lower()] = Version(spec.version)
    return found


def test_binder_folder_holds_exactly_the_repo2docker_files():
    assert sorted(p.name for p in BINDER.iterdir()) == ["postBuild", "requirements.txt", "runtime.txt"]


def test_python_is_pinned_within_requires_python():
    text = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(3\.\d+)", text)
    assert m, f"runtime.txt must read like python-3.11, not {text!r}"
    assert Version(m.group(1) + ".0") in SpecifierSet(PROJECT["requires-python"])


def test_the_tested_libraries_come_from_pypi_within_the_package_ranges():
    ranges = {Requirement(r).name.lower(): Requirement(r).specifier for r in PROJECT["dependencies"]}
    pinned = pins()
    assert set(pinned) == set(ranges), "binder/requirements.txt pins exactly what the notebooks import"
    for name, version in pinned.items():
        assert version in ranges[name], f"{name}=={version} is outside pyproject's {ranges[name]}"
    for name in ("tensorflow", "keras"):                     # what this test suite runs on
        tested = Version(importlib.metadata.version(name))
        assert pinned[name].release[:2] == tested.release[:2], f"Binder pins {name} {pinned[name]}, tested {tested}"


def test_post_build_installs_the_course_after_the_copy():
    script = BINDER / "postBuild"
    text = script.read_text()
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail" in text
    commands = [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]
    installs = [c for c in commands if "pip install" in c]
    assert installs == ['python -m pip install --no-cache-dir ".[tools]"']
    assert not any(re.search(r"(^|\s)(-e|--editable)(\s|$)", c) for c in commands)
    mode = subprocess.run(["git", "ls-files", "-s", "binder/postBuild"], cwd=REPO, capture_output=True, text=True)
    assert mode.stdout.startswith("100755"), "postBuild must be committed executable (git update-index --chmod=+x)"
