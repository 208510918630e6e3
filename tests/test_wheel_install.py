"""SLOW (about 20 s): build the wheel, install it NON-editable, load every data set.

This is the only test that builds the package. It checks the setup.py hook that copies
datasets/ into course_utils/_datasets/: a student who runs `pip install .` (not `-e`)
must still be able to call load_dataset() from any folder.

The build runs on a temporary copy of the sources, so the repository gets no build/
folder and the editable install's metadata is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

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


def _copy_sources(dst: Path) -> None:
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE", "MANIFEST.in"):
        if (REPO / name).is_file():
            shutil.copy(REPO / name, dst / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_datasets")
    shutil.copytree(REPO / "course_utils", dst / "course_utils", ignore=ignore)
    shutil.copytree(REPO / "datasets", dst / "datasets", ignore=ignore)


def test_slow_built_wheel_loads_every_dataset_from_any_folder(tmp_path):
    src, dist, site, elsewhere = (tmp_path / d for d in ("src", "dist", "site", "elsewhere"))
    for d in (src, elsewhere):
        d.mkdir()
    _copy_sources(src)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]

    build = subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), "."],
                           cwd=src, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheels = list(dist.glob("course_utils-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    for f in ("test.csv", "BostonHousing.csv", "house_price_of_unit_area.csv", "README.md"):
        assert f"course_utils/_datasets/{f}" in names, sorted(names)
    # the course site's Sphinx project (course run builds the site from an installed package too)
    for f in ("conf.py", "_templates/language-switch.html", "_static/course.css"):
        assert f"course_utils/tools/site/{f}" in names, sorted(names)
    assert any(n.endswith("entry_points.txt") for n in names)

    install = subprocess.run(pip + ["install", "--no-deps", "--target", str(site), str(wheels[0])],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_DATASETS_DIR", "PYTHONPATH")}
    env.update(PYTHONPATH=str(site), PYTHONNOUSERSITE="1")
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


def test_sdist_ships_the_datasets(tmp_path):
    """`python -m build` makes an sdist first and the wheel from it: the sdist needs datasets/."""
    import tarfile

    src = tmp_path / "src"
    src.mkdir()
    _copy_sources(src)
    code = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "sdist")], cwd=src,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    archive = tmp_path / "sdist" / run.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for f in ("test.csv", "BostonHousing.csv", "house_price_of_unit_area.csv", "README.md"):
        assert f"datasets/{f}" in names, sorted(names)
    assert "setup.py" in names
