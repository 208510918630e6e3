"""pytest set-up shared by unit tests and notebook runs; the ``notebook`` and ``slow`` markers.

Kernels and subprocesses started by the tests inherit this process's environment, so what is
set here holds inside every notebook run by the test suite. Warnings stay visible (a warning
from course code or from a notebook is something to see); only the known TensorFlow/Keras
noise of ``notebook_setup.KNOWN_NOISE`` is filtered, here and in every child process.

Markers are applied here, in one place, so that no test file has to carry them:

- ``notebook``: the tests listed in :data:`NOTEBOOK_TESTS` (each starts a Jupyter kernel);
- ``slow``: the tests listed in :data:`SLOW_TESTS` (a wheel build, a fresh Python that
  imports TensorFlow, a site build, fit_fast compared with model.fit; no kernel, but seconds each).

``make test-fast`` runs ``-m "not notebook and not slow"``. A test that starts a kernel
without being listed fails at once with a message naming this file, so the fast loop
never starts a kernel by accident.
"""

import os
import re

from course_utils.lesson.notebook_setup import KNOWN_NOISE, known_noise_options

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # 2 still leaves an ERROR line from predict
os.environ.setdefault("PYTHONWARNINGS", ",".join(known_noise_options()))
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS", "plain")
# Checks and key figures raise instead of printing: a solution that stops passing its
# checks, or a figure outside its band, fails the notebook run.
os.environ["COURSE_STRICT"] = "1"

#: Tests that start a Jupyter kernel: a whole module ("*") or the names of some of its tests.
NOTEBOOK_TESTS = {
    "tests/test_execute.py": "*",
    "tests/test_kernels.py": "*",
    "tests/test_exercises_run.py": "*",
    "tests/test_grading.py": "*",
    "tests/test_grading_batch.py": "*",
    "tests/test_grading_isolation.py": "*",
    "tests/test_interop.py": "*",
    "tests/test_report.py": "*",
    "tests/test_figures.py": ("test_load_figures_from_a_really_executed_notebook",),
    "tests/test_notebook_setup.py": ("test_jupyter_set_up_cell_is_clean",),
    "tests/test_notebooks.py": ("test_notebook_runs_and_its_prose_numbers_are_printed",),
    "tests/test_colab_and_pip.py": "*",
    "tests/test_outside_tools.py": "*",
}
#: Tests that take seconds without a kernel: a wheel build, a fresh Python importing
#: TensorFlow, and the step-by-step comparisons of fit_fast with model.fit (fit_fast's own
#: behaviour is covered by the fast tests of tests/test_training.py).
SLOW_TESTS = {
    "tests/test_wheel_install.py": "*",
    "tests/test_site.py": "*",
    "tests/test_jupyterhub.py": "*",
    "tests/test_notebook_setup.py": ("test_fresh_process_imports_tensorflow_without_log_lines",),
    "tests/test_training.py": (
        "test_full_batch_xor_matches_fit",
        "test_minibatch_with_partial_last_batch_and_validation_matches_fit",
        "test_shuffle_uses_the_documented_order",
    ),
}
_ROOT = os.path.dirname(os.path.abspath(__file__))


def _listed(item: pytest.Item, table: dict) -> bool:
    path = os.path.relpath(str(item.path), _ROOT).replace(os.sep, "/")
    names = table.get(path)
    return names == "*" or (names is not None and getattr(item, "originalname", item.name) in names)


def pytest_collection_modifyitems(config, items):
    for item in items:
        nbval_cell = type(item).__module__.startswith("nbval")   # nbval run by hand on a notebook
        if nbval_cell or _listed(item, NOTEBOOK_TESTS):
            item.add_marker(pytest.mark.notebook)
        if _listed(item, SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _kernels_only_in_notebook_tests(request, monkeypatch):
    """Fail a test that starts a Jupyter kernel (or a kernel zygote) without the ``notebook`` marker."""
    if request.node.get_closest_marker("notebook") is not None:
        return
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    from course_utils.tools import kernels

    message = (f"{request.node.nodeid} starts a Jupyter kernel but is not marked `notebook`: add it to "
               "NOTEBOOK_TESTS in the root conftest.py so that `make test-fast` leaves it out.")

    async def refuse(self, cmd, **kwargs):
        raise RuntimeError(message)

    def refuse_zygote(*args, **kwargs):
        raise RuntimeError(message)

    monkeypatch.setattr(LocalProvisioner, "launch_kernel", refuse)
    monkeypatch.setattr(kernels, "_spawn_zygote", refuse_zygote)

def pytest_configure(config):
    """The same known noise, filtered in pytest's own warning capture (message/module are regexes)."""
    for message, category, module in KNOWN_NOISE:
        config.addinivalue_line("filterwarnings",
                                f"ignore:{re.escape(message)}:{category.__name__}:{re.escape(module)}")
