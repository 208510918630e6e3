"""Packaging stays consistent: environment.yml vs pyproject.toml, the dependency split, CI
entry, setup.py hook, license and build folder."""

from __future__ import annotations

import re
import subprocess
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




def pyproject_requirements(text: str) -> dict[str, frozenset[str]]:
    data = tomllib.loads(text)
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs += extra
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


def test_environment_installs_the_checkout(pyproject_text, env_text):
    env = environment_file(env_text)
    assert env["channels"] == ["conda-forge"]
    requires = tomllib.loads(pyproject_text)["project"]["requires-python"]
    assert env["conda"]["python"] == frozenset({requires.replace(" ", "")}) == frozenset({">=3.10"})
    assert "pip" in env["conda"]
    assert env["pip"][-1] == "-e ."                      # the package itself, last
    assert all(not entry.startswith("-") for entry in env["pip"][:-1])


# What the notebooks import: nothing of Jupyter's tooling (Colab has its own, and a student's
# pip install must not pin or upgrade it).
NOTEBOOK_FACING = {"tensorflow", "keras", "numpy", "pandas", "scikit-learn", "matplotlib", "seaborn", "tqdm",
                   "polib", "koreanize-matplotlib"}   # the last two: checks and plots in Korean (issue 14)
TOOLING = {"jupyter", "ipykernel", "nbformat", "nbclient", "nbconvert"}


def test_dependencies_are_what_notebooks_import(pyproject_text):
    project = tomllib.loads(pyproject_text)["project"]
    core = {parse_spec(r)[0] for r in project["dependencies"]}
    assert core == NOTEBOOK_FACING
    assert {parse_spec(r)[0] for r in project["optional-dependencies"]["tools"]} == TOOLING


def test_lesson_and_checks_import_no_tooling():
    """A notebook's imports (course_utils.lesson, .checks) never need the tools extra."""
    import ast

    imported = set()
    for folder in ("lesson", "checks"):
        for path in (REPO / "course_utils" / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    tooling_modules = {"jupyter", "jupyter_client", "jupyter_core", "ipykernel", "nbformat", "nbclient", "nbconvert"}
    assert not imported & tooling_modules, sorted(imported & tooling_modules)


def test_make_and_bootstrap_install_the_tools_test_and_site_extras():
    text = (REPO / "bootstrap.py").read_text()
    m = re.search(r'^EXTRAS = "([^"]+)"', text, re.M)
    assert m and set(m.group(1).split(",")) == {"tools", "test", "site"}
    assert '[{EXTRAS}]' in text


def test_license_is_spdx_and_setuptools_reads_it(pyproject_text):
    data = tomllib.loads(pyproject_text)
    assert data["project"]["license"] == "MIT"
    requires = [parse_spec(r) for r in data["build-system"]["requires"]]
    assert ("setuptools", frozenset({">=77"})) in requires


def test_project_urls_name_the_repository(pyproject_text):
    urls = tomllib.loads(pyproject_text)["project"]["urls"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", urls["Repository"])
    assert all(u.startswith(urls["Repository"]) for u in urls.values())


def test_distinctive_name_and_both_commands(pyproject_text):
    project = tomllib.loads(pyproject_text)["project"]
    assert project["name"] == "nn-basics-course"
    assert project["scripts"] == {"course": "course_utils.tools.cli:main", "nn-course": "course_utils.tools.cli:main"}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "nn-course" in readme and 'pip install "nn-basics-course[tools]' in readme


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
    assert "build_py" in setup and "_datasets" in setup and "_course" in setup
    package_data = tomllib.loads(pyproject_text)["tool"]["setuptools"]["package-data"]["course_utils"]
    assert "_datasets/*.csv" in package_data and "_datasets/*.md" in package_data
    assert "_course/*/*.ipynb" in package_data


def test_setuptools_never_builds_into_the_site_folder():
    """`pip install .` builds in the source tree; build/ is the course site's folder."""
    import runpy
    from unittest import mock

    with mock.patch("setuptools.setup") as setup:
        runpy.run_path(str(REPO / "setup.py"))
    options = setup.call_args.kwargs["options"]
    assert options["build"]["build_base"] == ".setuptools-build"
    assert options["bdist"]["bdist_base"].startswith(".setuptools-build/")
    ignored = subprocess.run(["git", "check-ignore", ".setuptools-build/lib/x.py"], cwd=REPO, capture_output=True)
    assert ignored.returncode == 0, ".setuptools-build/ must be git-ignored"
