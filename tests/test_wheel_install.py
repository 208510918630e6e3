"""SLOW (about 30 s): build the wheel and the sdist from a copy of the sources, and check them.

- the setup.py hook copies datasets/ into course_utils/_datasets/ and the three notebook
  folders into course_utils/_course/: a student who runs `pip install nn-basics-course`
  (not `-e`) can load every data set from any folder and start any exercise;
- building (wheel, sdist, editable) prints no deprecation warning (SPDX license string);
- setuptools never writes into build/, the course site's folder;
- the sdist ships what a wheel built from it needs, and leaves the tests out.

Builds run on a temporary copy of the sources, so the repository gets no build output and
the editable install's metadata is left alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from wheel_helpers import PIP, REPO, build_wheel, clean_env, copy_sources

CHECK = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    repo, site = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    # Neither the repository nor the editable install may be seen.
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != repo]
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in repr(f)
                        and "__editable__" not in getattr(f, "__module__", "")]
    import course_utils, course_utils.lesson.datasets as ds
    out = {"package": course_utils.__file__, "dir": str(ds.datasets_dir()), "data": {}}
    for name in ds.list_datasets():
        df = ds.load_dataset(name)
        out["data"][name] = {"shape": list(df.shape), "sum": float(df.to_numpy().sum()),
                             "path": str(ds.dataset_path(name))}
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = copy_sources(tmp_path_factory.mktemp("src"))
    wheel, log = build_wheel(src, tmp_path_factory.mktemp("dist"))
    return src, wheel, log


def test_slow_built_wheel_loads_every_dataset_from_any_folder(built, tmp_path):
    _, wheel, _ = built
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("test.csv", "BostonHousing.csv", "house_price_of_unit_area.csv", "README.md"):
        assert f"course_utils/_datasets/{f}" in names, sorted(names)
    # the course site's Sphinx project (course run builds the site from an installed package too)
    for f in ("conf.py", "_templates/language-switch.html", "_static/course.css"):
        assert f"course_utils/tools/site/{f}" in names, sorted(names)
    assert any(n.endswith("entry_points.txt") for n in names)

    install = subprocess.run([sys.executable, *PIP, "install", "--no-deps", "--target", str(site), str(wheel)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    env = clean_env(PYTHONPATH=str(site))
    run = subprocess.run([sys.executable, "-c", CHECK, str(REPO), str(site)], cwd=elsewhere,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])

    packaged = site / "course_utils" / "_datasets"
    assert Path(out["package"]).resolve().is_relative_to(site.resolve())
    assert Path(out["dir"]).resolve() == packaged.resolve()
    assert out["data"]["house_price"]["shape"] == [414, 6]
    assert out["data"]["boston"]["shape"] == [506, 14]
    assert out["data"]["test"]["shape"] == [10, 4]
    assert out["data"]["test"]["sum"] == 55 + 550 + 5500 + 20
    for name, info in out["data"].items():
        assert Path(info["path"]).resolve().parent == packaged.resolve(), name
        assert (packaged / Path(info["path"]).name).read_bytes() == (REPO / "datasets" / Path(info["path"]).name).read_bytes()


def test_wheel_ships_every_notebook_of_the_course(built):
    """`course list` / `course start` and the checks' solutions work without a checkout."""
    _, wheel, _ = built
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for kind in ("notebooks", "solutions", "exercises"):
            expected = sorted(p.name for p in (REPO / kind).glob("*.ipynb"))
            assert len(expected) == 10
            shipped = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith(f"course_utils/_course/{kind}/"))
            assert shipped == expected, kind
            for name in expected:
                assert zf.read(f"course_utils/_course/{kind}/{name}") == (REPO / kind / name).read_bytes()
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry_points = zf.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "Project-URL: Repository, https://github.com/" in metadata
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    core = [r for r in requires if "extra ==" not in r]
    assert not [r for r in core if r.split(">")[0].split("<")[0].split("=")[0] in
                {"jupyter", "ipykernel", "nbformat", "nbclient", "nbconvert"}], core
    assert "course = course_utils.tools.cli:main" in entry_points
    assert "nn-course = course_utils.tools.cli:main" in entry_points


def test_building_never_writes_into_build(built):
    src, _, _ = built
    assert not (src / "build").exists(), "setuptools wrote into build/, the course site's folder"
    assert (src / ".setuptools-build").is_dir()


BUILD_ALL = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("always")
    from setuptools import build_meta
    out = sys.argv[1]
    print(build_meta.build_sdist(out + "/sdist"))
    print(build_meta.build_wheel(out + "/wheel"))
    print(build_meta.build_editable(out + "/editable"))
""")


def test_no_deprecation_warning_when_building_or_installing(built, tmp_path_factory):
    """The wheel build above, and sdist + wheel + editable builds through the PEP 517 hooks."""
    src, _, log = built
    out = tmp_path_factory.mktemp("pep517")      # a folder name without the word looked for
    run = subprocess.run([sys.executable, "-c", BUILD_ALL, str(out)], cwd=src,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    for text in (log, run.stdout + run.stderr):
        lines = [line for line in text.splitlines() if "deprecat" in line.lower()]
        assert not lines, "\n".join(lines)


def test_sdist_ships_what_its_wheel_needs_and_no_tests(built, tmp_path):
    """`python -m build` makes an sdist first and the wheel from it: the sdist needs datasets/
    and the notebook folders; the tests need the whole checkout, so they stay out."""
    src, _, _ = built
    code = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "sdist")], cwd=src,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    archive = tmp_path / "sdist" / run.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for f in ("test.csv", "BostonHousing.csv", "house_price_of_unit_area.csv", "README.md"):
        assert f"datasets/{f}" in names, sorted(names)
    for kind in ("notebooks", "solutions", "exercises"):
        for path in (REPO / kind).glob("*.ipynb"):
            assert f"{kind}/{path.name}" in names
    assert "setup.py" in names and "LICENSE" in names
    assert not [n for n in names if n.startswith("tests") or n.endswith("conftest.py")]
