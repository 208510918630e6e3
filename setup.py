"""Build hook: put the course data and notebooks inside the wheel (plain ``pip install``, Colab).

All metadata lives in pyproject.toml. This file adds two things:

- ``build_py`` copies, from the repository into the build of ``course_utils``:
  ``datasets/*.csv`` and ``datasets/README.md`` → ``course_utils/_datasets/`` (what
  ``load_dataset`` reads, lesson 02_03), and ``notebooks/``, ``solutions/``, ``exercises/``
  ``*.ipynb`` → ``course_utils/_course/<folder>/`` (what ``course list`` / ``course start`` use,
  and what the checks' solutions are read from, when no checkout is around). An editable
  install (``pip install -e .``) reads the repository directly and gets no copy.
- setuptools' scratch folder is ``.setuptools-build/``, not ``build/``: ``build/`` is the
  course site's folder (``make run``), and ``pip install .`` builds inside the source tree.

The sdist (MANIFEST.in) ships those folders too, so a wheel built from the sdist has them.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUILD_BASE = ".setuptools-build"
#: (repository folder, file patterns, folder inside the package)
PACKAGED = (
    ("datasets", ("*.csv", "README.md"), "_datasets"),
    ("notebooks", ("*.ipynb",), "_course/notebooks"),
    ("solutions", ("*.ipynb",), "_course/solutions"),
    ("exercises", ("*.ipynb",), "_course/exercises"),
)


def _files(folder: str, patterns: tuple[str, ...]) -> list[Path]:
    where = ROOT / folder
    return sorted(p for pattern in patterns for p in where.glob(pattern) if p.is_file())


class build_py_with_course(build_py):
    """``build_py`` that also copies the course data and notebooks into the package."""

    def _targets(self) -> list[tuple[Path, Path]]:
        package = Path(self.build_lib) / "course_utils"
        return [(src, package / inside / src.name)
                for folder, patterns, inside in PACKAGED for src in _files(folder, patterns)]

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return                      # editable installs read the repository itself
        files = self._targets()
        for folder, patterns, _ in PACKAGED:
            if not _files(folder, patterns[:1]):
                raise SystemExit(f"setup.py: no {patterns[0]} files in {ROOT / folder}; cannot package the course.")
        for src, dst in files:
            self.mkpath(str(dst.parent))
            self.copy_file(str(src), str(dst), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(dst) for _, dst in self._targets()]
        return outputs


setup(
    cmdclass={"build_py": build_py_with_course},
    options={"build": {"build_base": BUILD_BASE}, "bdist": {"bdist_base": f"{BUILD_BASE}/bdist"}},
)
