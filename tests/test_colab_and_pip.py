"""SLOW (about 3 minutes): the course as students get it outside a checkout (issue 12).

**Colab, simulated.** For each notebook: a fresh virtual environment that has only what
Colab has preinstalled (TensorFlow, Keras, pandas, Jupyter… seen through a ``.pth``, the
course itself left out) plus a stand-in ``google.colab``; the notebook copied alone into
an empty folder; run top to bottom in a kernel of that environment, with COURSE_STRICT=1.
Its first cell, the install cell, installs the course from the wheel built here
(``COURSE_INSTALL_SPEC``), exactly as a student runs it: no ``--no-deps``, with pip barred
from any index, so it must find every dependency already satisfied. Every practice
notebook runs so, and one exercise filled with its answers.

**A plain pip install.** The wheel installed into a fresh environment, no checkout:
``course list``, ``nn-course start 02_00`` (into ./work) and ``course grade`` work.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from course_utils.checks.core import MIMETYPE
from course_utils.tools.generator import restore_solutions
from course_utils.tools.launch import INSTALL_TAG
from course_utils.tools.notebook_io import read_notebook, write_notebook
from wheel_helpers import (REPO, build_wheel, clean_env, copy_sources, fresh_env, preinstalled_overlay,
                           site_packages)

pytestmark = pytest.mark.slow

PRACTICE = sorted((REPO / "notebooks").glob("*.ipynb"))
FILLED = "02_00_perceptron_logic_gates.ipynb"
PROBE = """\
import json, sys, importlib.metadata, course_utils
from course_utils.lesson import datasets
print(json.dumps({"package": course_utils.__file__, "data": str(datasets.datasets_dir()),
                  "prefix": sys.prefix, "version": importlib.metadata.version("nn-basics-course")}))"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(copy_sources(tmp_path_factory.mktemp("src")), tmp_path_factory.mktemp("dist"))[0]


@pytest.fixture(scope="module")
def overlay(tmp_path_factory) -> Path:
    return preinstalled_overlay(tmp_path_factory.mktemp("colab-preinstalled") / "site")


def installed_extras(python: Path) -> set[str]:
    """What pip added to the fresh environment besides the course (must stay empty)."""
    expected = {"preinstalled.pth", "google", "course_utils", "__pycache__"}
    return {p.name for p in site_packages(python).iterdir()
            if p.name not in expected and not p.name.startswith("nn_basics_course-")}


class _OneKernel(KernelSpecManager):
    """Every kernel name means: ipykernel on the fresh environment's python."""

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(argv=[str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="fresh", language="python")


def run_in_fresh_kernel(nb, python: Path, folder: Path, env: dict[str, str]):
    specs = _OneKernel()
    specs.python = python
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    client = NotebookClient(nb, km=km, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute(cwd=str(folder), env=env)
    return nb


def probe(nb) -> dict:
    out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(out.strip().splitlines()[-1])


CASES = [("notebooks", p.name) for p in PRACTICE] + [("exercise filled", FILLED)]


@pytest.mark.parametrize("kind, name", CASES, ids=[f"{k.split()[0]}-{n[:5]}" for k, n in CASES])
def test_colab_simulation(kind, name, wheel, overlay, tmp_path):
    python = fresh_env(tmp_path / "colab-venv", overlay, colab=True)
    env = clean_env(COURSE_INSTALL_SPEC=str(wheel), COURSE_STRICT="1")
    gone = subprocess.run([str(python), "-c", "import course_utils"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert gone.returncode != 0, "the fresh environment must not see the course before the install cell"

    folder = tmp_path / "content"                          # the notebook alone in an empty folder
    folder.mkdir()
    if kind == "notebooks":
        (folder / name).write_bytes((REPO / "notebooks" / name).read_bytes())
    else:
        filled = restore_solutions(read_notebook(REPO / "exercises" / name), read_notebook(REPO / "solutions" / name))
        write_notebook(filled, folder / name)
    nb = nbformat.read(folder / name, as_version=4)
    assert INSTALL_TAG in nb.cells[1].metadata.get("tags", [])
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))

    run_in_fresh_kernel(nb, python, folder, env)           # raises CellExecutionError on any error

    where = probe(nb)
    site = site_packages(python)
    assert Path(where["prefix"]) == python.parent.parent
    assert Path(where["package"]).is_relative_to(site), where
    assert Path(where["data"]) == site / "course_utils" / "_datasets"
    assert installed_extras(python) == set(), "pip installed more than the course: a dependency was not satisfied"
    if kind != "notebooks":
        statuses = [o["data"][MIMETYPE]["status"] for c in nb.cells for o in c.get("outputs", [])
                    if MIMETYPE in o.get("data", {})]
        assert statuses and set(statuses) == {"passed"}


def test_plain_pip_install_without_a_checkout(wheel, overlay, tmp_path):
    python = fresh_env(tmp_path / "venv", overlay)
    env = clean_env()
    install = subprocess.run([str(python), "-m", "pip", "install", str(wheel)], env=env,
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    assert installed_extras(python) == set()
    bin_dir = python.parent
    here = tmp_path / "student"
    here.mkdir()

    def course(*args, command="course"):
        return subprocess.run([str(bin_dir / command), *args], cwd=here, env=env,
                              capture_output=True, text=True, timeout=900)

    listed = course("list")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [f"02_0{i}" for i in range(10)]
    assert "copy shipped with the installed package" in listed.stderr

    started = course("start", "02_00", command="nn-course")
    assert started.returncode == 0, started.stderr
    copy = here / "work" / FILLED
    packaged = site_packages(python) / "course_utils" / "_course"
    assert copy.read_bytes() == (packaged / "exercises" / FILLED).read_bytes()

    untouched = course("start", "02_00", "--new")
    assert untouched.returncode == 0 and (here / "work" / FILLED.replace(".ipynb", "-2.ipynb")).is_file()
    write_notebook(restore_solutions(read_notebook(copy), read_notebook(packaged / "solutions" / FILLED)), copy)

    graded = course("grade", f"work/{FILLED}", "--json")
    report = json.loads(graded.stdout)
    assert graded.returncode == 0 and report["ok"], graded.stdout[-3000:] + graded.stderr[-2000:]
    assert {t["status"] for t in report["tasks"]} == {"passed"}
    blank = course("grade", f"work/{FILLED.replace('.ipynb', '-2.ipynb')}", "--json")
    assert blank.returncode == 1
    assert {t["status"] for t in json.loads(blank.stdout)["tasks"]} == {"not_attempted"}
