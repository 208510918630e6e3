"""Launch links (issue 12): Colab badges and install cells in every notebook, README links,
all made from [project.urls] in pyproject.toml; the generator's raises-exception tags."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat.v4 as v4
import pytest

from course_utils.errors import CourseError, NotebookError
from course_utils.tools import cli
from course_utils.tools.generator import CODE_BLANK, RAISES_TAG, generate_all
from course_utils.tools.launch import (
    INSTALL_TAG,
    KINDS,
    apply_all,
    apply_launch_cells,
    install_cell_source,
    read_config,
)
from course_utils.tools.notebook_io import read_notebook

REPO = Path(__file__).resolve().parents[1]
CONFIG = read_config(REPO)
NOTEBOOKS = [(kind, path) for kind in KINDS for path in sorted((REPO / kind).glob("*.ipynb"))]


def test_the_address_comes_from_pyproject():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", CONFIG.repository)
    assert CONFIG.install_spec == f"nn-basics-course @ git+{CONFIG.repository}@v{CONFIG.version}"
    import course_utils

    assert CONFIG.version == course_utils.__version__


@pytest.mark.parametrize("kind, path", NOTEBOOKS, ids=[f"{k}/{p.stem[:5]}" for k, p in NOTEBOOKS])
def test_every_notebook_opens_in_colab_and_installs_the_course_there(kind, path):
    nb = read_notebook(path)
    title = nb.cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    badges = re.findall(r"\[!\[Open In Colab\]\([^)]+\)\]\(([^)]+)\)", title.source)
    assert badges == [CONFIG.colab_url(f"{kind}/{path.name}")]
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code is nb.cells[1]
    assert INSTALL_TAG in first_code.metadata.get("tags", [])
    assert first_code.source == install_cell_source(CONFIG)
    assert sum(INSTALL_TAG in c.metadata.get("tags", []) for c in nb.cells) == 1


def test_launch_links_are_up_to_date():
    assert apply_all(REPO, check=True) == [], "run `course badges`"


def test_install_cell_does_nothing_outside_colab(monkeypatch):
    assert importlib.util.find_spec("google") is None or importlib.util.find_spec("google.colab") is None
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    exec(compile(install_cell_source(CONFIG), "install-cell", "exec"), {})
    assert calls == []


@pytest.mark.parametrize("override", [None, "/tmp/nn_basics_course-0.1.0-py3-none-any.whl"])
def test_install_cell_on_colab_installs_the_pinned_release_or_the_override(monkeypatch, override):
    google = types.ModuleType("google")
    google.__path__ = []
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    if override:
        monkeypatch.setenv("COURSE_INSTALL_SPEC", override)
    else:
        monkeypatch.delenv("COURSE_INSTALL_SPEC", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **k: calls.append((args, k)))
    exec(compile(install_cell_source(CONFIG), "install-cell", "exec"), {})
    (args, kwargs), = calls
    assert args == [sys.executable, "-m", "pip", "install", "--quiet", override or CONFIG.install_spec]
    assert kwargs == {"check": True}


def _course_copy(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for kind in KINDS:
        shutil.copytree(REPO / kind, root / kind)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, root / name)
    return root


def test_one_edit_of_pyproject_moves_every_link(tmp_path):
    root = _course_copy(tmp_path)
    old = CONFIG.slug
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        text.replace(CONFIG.repository, "https://github.com/some-school/nn-fork").replace(
            f'version = "{CONFIG.version}"', 'version = "0.2.0"'), encoding="utf-8")
    changed = apply_all(root)
    korean = [root / kind / "ko" / p.name for kind, p in NOTEBOOKS if (root / kind / "ko" / p.name).is_file()]
    assert len(changed) == 1 + len(NOTEBOOKS) + len(korean) and "README.md" in changed
    for path in [root / "README.md", *(root / kind / p.name for kind, p in NOTEBOOKS), *korean]:
        text = path.read_text(encoding="utf-8")
        assert old not in text and "nn-basics-course%2Fnn-basics-course" not in text, path
        assert "some-school/nn-fork" in text and "v0.2.0" in text, path
    assert "repo=https%3A%2F%2Fgithub.com%2Fsome-school%2Fnn-fork" in (root / "README.md").read_text()
    assert apply_all(root) == []                                 # idempotent
    assert generate_all(root, check=True) == []                   # the generator agrees with it


def test_apply_twice_changes_nothing_and_keeps_the_text():
    nb = read_notebook(REPO / "notebooks" / "02_03_house_price_raw.ipynb")
    again = apply_launch_cells(nb, "notebooks/02_03_house_price_raw.ipynb", CONFIG)
    assert [c.source for c in again.cells] == [c.source for c in nb.cells]
    bare = v4.new_notebook(cells=[v4.new_markdown_cell("# 02_99 · Title\nWhat you learn."), v4.new_code_cell("x = 1")])
    once = apply_launch_cells(bare, "notebooks/02_99_t.ipynb", CONFIG)
    assert [c.cell_type for c in once.cells] == ["markdown", "code", "code"]
    assert once.cells[0].source.splitlines()[:3] == ["# 02_99 · Title", "", CONFIG.colab_badge("notebooks/02_99_t.ipynb")]
    assert once.cells[0].source.endswith("What you learn.") and once.cells[2].source == "x = 1"
    twice = apply_launch_cells(once, "notebooks/02_99_t.ipynb", CONFIG)
    assert [c.source for c in twice.cells] == [c.source for c in once.cells]


def test_a_notebook_without_a_title_cell_is_named():
    nb = v4.new_notebook(cells=[v4.new_code_cell("x = 1"), v4.new_markdown_cell("# late title")])
    with pytest.raises(NotebookError, match="02_99_x.ipynb: no title cell"):
        apply_launch_cells(nb, "notebooks/02_99_x.ipynb", CONFIG)


# --------------------------------------------------------------------------- README


def test_readme_badges_and_links():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({CONFIG.binder_url()}" in readme
    for kind, path in NOTEBOOKS:
        assert f"]({kind}/{path.name}) {CONFIG.colab_badge(f'{kind}/{path.name}')}" in readme, path.name
    for url in re.findall(r"https://github\.com/[^\s)`\"']*", readme):
        assert url.startswith(CONFIG.repository), url
    assert "/hub/user-redirect/git-pull?" in readme and "nbgitpuller" in readme
    assert "nbstripout --keep-id" in readme


def test_nbgitpuller_link():
    url = CONFIG.nbgitpuller_url("https://hub.example.edu/", "notebooks/02_00_perceptron_logic_gates.ipynb", "main")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = parse_qs(parts.query)
    assert query == {"repo": [CONFIG.repository], "branch": ["main"],
                     "urlpath": [f"lab/tree/{CONFIG.name}/notebooks/02_00_perceptron_logic_gates.ipynb"]}
    with pytest.raises(CourseError, match="--hub"):
        CONFIG.nbgitpuller_url("hub.example.edu", "x")


def test_course_links_cli(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert cli.main(["links", "02_01", "--hub", "https://hub.example.edu"]) == 0
    out = capsys.readouterr().out
    assert CONFIG.colab_url("exercises/02_01_xor_mlp.ipynb") in out
    assert CONFIG.nbgitpuller_url("https://hub.example.edu", "exercises/02_01_xor_mlp.ipynb") in out
    assert "02_00" not in out


# --------------------------------------------------------------------------- exercise tags


@pytest.mark.parametrize("path", sorted((REPO / "exercises").glob("*.ipynb")), ids=lambda p: p.stem[:5])
def test_exercise_blanks_carry_raises_exception(path):
    """So nbmake, nbval and `nbconvert --execute` run an exercise through to its checks."""
    nb = read_notebook(path)
    blank = CODE_BLANK[1]
    tagged = [i for i, c in enumerate(nb.cells) if RAISES_TAG in c.metadata.get("tags", [])]
    holding = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and blank in c.source]
    assert holding and tagged == holding
    solution = read_notebook(REPO / "solutions" / path.name)
    assert not [c for c in solution.cells if RAISES_TAG in c.metadata.get("tags", [])]
