"""Build hook: put a copy of ``datasets/`` inside the wheel (lesson 02_03 data loading).

All metadata lives in pyproject.toml. This file only adds one step to ``build_py``: the
course CSV files and their README are copied from the repository's ``datasets/`` folder
into ``course_utils/_datasets/`` of the build, so that ``course_utils.lesson.datasets`` finds the
data in a normal (non-editable) install too. An editable install (``pip install -e .``)
reads ``datasets/`` in the repository directly and needs no copy. ``sdist`` also ships
``datasets/``, so ``python -m build`` (sdist, then a wheel from it) gets the data as well.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
DATA_PATTERNS = ("*.csv", "README.md")


def _data_files() -> list[Path]:
    folder = ROOT / "datasets"
    return sorted(p for pattern in DATA_PATTERNS for p in folder.glob(pattern) if p.is_file())


class build_py_with_datasets(build_py):
    """``build_py`` that also copies ``datasets/*.csv`` and ``datasets/README.md``."""

    def _targets(self) -> list[tuple[Path, Path]]:
        target = Path(self.build_lib) / "course_utils" / "_datasets"
        return [(src, target / src.name) for src in _data_files()]

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return                      # editable installs read the repository's datasets/
        files = self._targets()
        if not any(src.suffix == ".csv" for src, _ in files):
            raise SystemExit(f"setup.py: no CSV files in {ROOT / 'datasets'}; cannot package the data.")
        for src, dst in files:
            self.mkpath(str(dst.parent))
            self.copy_file(str(src), str(dst), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(dst) for _, dst in self._targets()]
        return outputs


class sdist_with_datasets(sdist):
    """``sdist`` that ships ``datasets/`` too, so a wheel built from the sdist has the data."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        for src in _data_files():
            dst = Path(base_dir) / src.relative_to(ROOT)
            self.mkpath(str(dst.parent))
            self.copy_file(str(src), str(dst), preserve_mode=False)


setup(cmdclass={"build_py": build_py_with_datasets, "sdist": sdist_with_datasets})
