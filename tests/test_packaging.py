"""Packaging stays consistent: environment.yml vs pyproject.toml, CI entry, setup.py hook."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:                                    # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def normalize_name(name: str) -> str:
    """Package names compare lower-case, with '_' and '.' spelled '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_spec(text: str) -> tuple[str, frozenset[str]]:
    """'pandas>=2.1,<4' or 'pandas >=2.1,<4' -> ('pandas', {'>=2.1', '<4'})."""
    m = _REQ.match(text)
    if not m:
        raise ValueError(f"cannot parse requirement {text!r}")
    name, rest = m.groups()
    if ";" in rest or "[" in rest:
        raise ValueError(f"markers/extras are not supported here: {text!r}")
    parts = frozenset(p.replace(" ", "") for p in rest.split(",") if p.strip())
    return normalize_name(name), parts


EXTRAS = ("test", "site")        # the extras environment.yml installs too


def pyproject_requirements(text: str) -> dict[str, frozenset[str]]:
    data = tomllib.loads(text)
    reqs = list(data["project"]["dependencies"])
    for extra in EXTRAS:
        reqs += list(data["project"]["optional-dependencies"][extra])
    return dict(parse_spec(r) for r in reqs)


def environment_requirements(env: dict) -> dict[str, frozenset[str]]:
    """conda packages plus the pip entries (those not on conda-forge), minus the package itself."""
    reqs = dict(env["conda"])
    for entry in env["pip"]:
        if entry.startswith("-e "):
            continue
        name, spec = parse_spec(entry)
        if name in reqs:
            raise ValueError(f"{name} listed twice in environment.yml (conda and pip)")
        reqs[name] = spec
    return reqs


def environment_file(text: str) -> dict:
    """Minimal reader for environment.yml: channels, conda dependencies, pip entries."""
    out: dict = {"channels": [], "conda": {}, "pip": []}
    section = None
    in_pip = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line.startswith(" "):
            section = line.split(":", 1)[0].strip()
            in_pip = False
            continue
        item = line.strip()
        if not item.startswith("- "):
            raise ValueError(f"unexpected line in environment.yml: {raw!r}")
        value = item[2:].strip()
        indent = len(line) - len(line.lstrip())
        if section == "channels":
            out["channels"].append(value)
        elif section == "dependencies":
            if value == "pip:":
                in_pip, pip_indent = True, indent
            elif in_pip and indent > pip_indent:
                out["pip"].append(value)
            else:
                in_pip = False
                name, spec = parse_spec(value)
                if name in out["conda"]:
                    raise ValueError(f"{name} listed twice in environment.yml")
                out["conda"][name] = spec
    return out


def mismatches(pyproject: dict[str, frozenset[str]], conda: dict[str, frozenset[str]]) -> list[str]:
    problems = []
    for name in sorted(set(pyproject) | set(conda)):
        if name in ("python", "pip"):
            continue
        if name not in conda:
            problems.append(f"{name} is in pyproject.toml but not in environment.yml")
        elif name not in pyproject:
            problems.append(f"{name} is in environment.yml but not in pyproject.toml")
        elif pyproject[name] != conda[name]:
            problems.append(f"{name}: pyproject.toml {sorted(pyproject[name])} != "
                            f"environment.yml {sorted(conda[name])}")
    return problems


@pytest.fixture(scope="module")
def pyproject_text():
    return (REPO / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def env_text():
    return (REPO / "environment.yml").read_text(encoding="utf-8")


def test_environment_matches_pyproject(pyproject_text, env_text):
    problems = mismatches(pyproject_requirements(pyproject_text), environment_requirements(environment_file(env_text)))
    assert not problems, "environment.yml and pyproject.toml disagree:\n" + "\n".join(problems)


def test_environment_is_binder_ready(pyproject_text, env_text):
    env = environment_file(env_text)
    assert env["channels"] == ["conda-forge"]
    requires = tomllib.loads(pyproject_text)["project"]["requires-python"]
    assert env["conda"]["python"] == frozenset({requires.replace(" ", "")}) == frozenset({">=3.10"})
    assert "pip" in env["conda"]
    assert env["pip"][-1] == "-e ."                      # the package itself, last
    assert all(not entry.startswith("-") for entry in env["pip"][:-1])


@pytest.mark.parametrize("edit, expected", [
    (("pandas >=2.1,<4", "pandas >=2.2,<4"), "pandas: pyproject.toml"),
    (("  - nbval >=0.11,<0.12\n", ""), "nbval is in pyproject.toml but not in environment.yml"),
    (("  - tqdm >=4.66,<5\n", "  - tqdm >=4.66,<5\n  - requests\n"), "requests is in environment.yml but not"),
    (("scikit-learn >=1.4,<2", "scikit_learn >=1.4,<2"), None),        # same name, other spelling
    (("keras >=3.0,<4", "Keras >=3.0, <4"), None),
    (("  - myst-nb >=1.2,<2\n", ""), "myst-nb is in pyproject.toml but not in environment.yml"),
    (("    - django-static-mathjax >=3.2.2,<4\n", ""), "django-static-mathjax is in pyproject.toml but not"),
    (("django-static-mathjax >=3.2.2,<4", "django-static-mathjax >=3.2,<4"), "django-static-mathjax: pyproject"),
])
def test_the_comparison_catches_drift(pyproject_text, env_text, edit, expected):
    old, new = edit
    assert old in env_text
    problems = mismatches(pyproject_requirements(pyproject_text),
                          environment_requirements(environment_file(env_text.replace(old, new))))
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_name_normalisation():
    assert normalize_name("Scikit_Learn") == normalize_name("scikit-learn") == "scikit-learn"
    assert parse_spec("pytest-xdist >=3.5, <4") == ("pytest-xdist", frozenset({">=3.5", "<4"}))


def test_ci_runs_make_test():
    lines = [l.split("#", 1)[0].strip() for l in (REPO / ".ci" / "run").read_text().splitlines()]
    assert "make test" in lines


def test_makefile_test_target_calls_bootstrap():
    text = (REPO / "Makefile").read_text()
    m = re.search(r"^test:[^\n]*\n((?:\t[^\n]*\n?)+)", text, re.M)
    assert m, "Makefile has no 'test:' target with a recipe"
    assert re.search(r"bootstrap\.py test\b", m.group(1))


def test_setup_py_copies_the_data_into_the_wheel(pyproject_text):
    setup = (REPO / "setup.py").read_text()
    assert "build_py" in setup and "_datasets" in setup
    package_data = tomllib.loads(pyproject_text)["tool"]["setuptools"]["package-data"]["course_utils"]
    assert "_datasets/*.csv" in package_data and "_datasets/*.md" in package_data
