"""pytest set-up shared by unit tests and notebook runs.

Kernels and subprocesses started by the tests inherit this process's environment, so what is
set here holds inside every notebook run by the test suite. Warnings stay visible (a warning
from course code or from a notebook is something to see); only the known TensorFlow/Keras
noise of ``notebook_setup.KNOWN_NOISE`` is filtered, here and in every child process.
"""

import os
import re

from course_utils.lesson.notebook_setup import KNOWN_NOISE, known_noise_options

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # 2 still leaves an ERROR line from predict
os.environ.setdefault("PYTHONWARNINGS", ",".join(known_noise_options()))
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS", "plain")
# Checks and key figures raise instead of printing: a solution that stops passing its
# checks, or a figure outside its band, fails the notebook run.
os.environ["COURSE_STRICT"] = "1"


def pytest_configure(config):
    """The same known noise, filtered in pytest's own warning capture (message/module are regexes)."""
    for message, category, module in KNOWN_NOISE:
        config.addinivalue_line("filterwarnings",
                                f"ignore:{re.escape(message)}:{category.__name__}:{re.escape(module)}")
