"""pytest set-up shared by unit tests and nbval notebook runs.

Kernels started by nbval (``--nbval-current-env``) inherit this process's environment, so
what is set here holds inside every notebook run by the test suite.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # 2 still leaves an ERROR line from predict
os.environ.setdefault("PYTHONWARNINGS", "ignore")     # path-bearing Keras warnings vary per machine
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS", "plain")
# Checks and key figures raise instead of printing: a solution that stops passing its
# checks, or a figure outside its band, fails the nbval run.
os.environ["COURSE_STRICT"] = "1"
