"""One-call notebook set-up: quiet TensorFlow, seeds, op determinism, version check.

Introduced in lesson 02_00 and called in the set-up cell of every notebook::

    from course_utils.lesson.notebook_setup import setup_notebook
    setup_notebook(seed=42);   # the ";" keeps Jupyter from also showing the returned dict
    import keras               # after the set-up (see 1. below)
    # Set-up: seed 42 · TensorFlow 2.21.0 · Keras 3.15.1 · NumPy 2.4.6 · pandas 3.1.1 · deterministic ops on CPU

What it does, in order:

1. ``quiet=True``: sets ``TF_CPP_MIN_LOG_LEVEL=3`` *before* TensorFlow is imported and
   imports TensorFlow with the C-level standard error silenced for the duration of the
   import. TensorFlow 2.21 prints two ``absl::InitializeLog`` / ``cudart_stub`` lines at
   import even with ``TF_CPP_MIN_LOG_LEVEL=3`` (measured here), and Jupyter copies
   C-level stderr into the notebook. Python warnings stay on: only the few known lines
   that TensorFlow/Keras raise on their own, whatever the student writes, are filtered
   (:data:`KNOWN_NOISE`, each by message, category and module), so students see every
   warning their own code causes. AutoGraph's conversion notices are turned off. If
   TensorFlow was imported earlier it still works, but TensorFlow reads the log level
   only once: measured in a Jupyter kernel,
   ``import keras`` *before* the set-up leaves 4-5 stderr lines in the notebook (absl,
   ``cudart_stub``, ``cpu_feature_guard``, a ``cuInit`` error, a ``NodeDef`` error at
   ``predict``); with the set-up (or any course module that needs TensorFlow, which all
   import it through :func:`import_tensorflow_quietly`) first, none.
2. Checks versions (:func:`check_versions`): Keras 3 and TensorFlow >= 2.16, and that
   ``TF_USE_LEGACY_KERAS`` (which swaps ``tf.keras`` for the old Keras 2) is not set.
   Otherwise it raises :class:`~course_utils.errors.SetupError` saying how to fix it.
3. Seeds Python ``random``, NumPy and TensorFlow with ``keras.utils.set_random_seed``.
4. ``deterministic=True``: ``tf.config.experimental.enable_op_determinism()`` (same
   seed → same weights and same training run, on CPU).
5. Outside Jupyter, on a Linux machine without a display, selects matplotlib's headless
   ``Agg`` backend, but only when no backend was chosen yet (``MPLBACKEND`` or an earlier
   ``matplotlib.use(...)`` are respected; Jupyter's inline backend is never touched).
   This also stops matplotlib from probing for a display, which prints
   ``error: XDG_RUNTIME_DIR is invalid`` on some headless machines.
6. Prints one line with the versions and returns them as a dict.

Calling it again (e.g. to reseed before a second experiment) is fine.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import platform
import re
import sys
import warnings
from importlib import metadata

from ..errors import SetupError
from ..i18n import _

__all__ = [
    "KNOWN_NOISE",
    "MIN_TENSORFLOW",
    "MIN_KERAS",
    "setup_notebook",
    "check_versions",
    "import_tensorflow_quietly",
    "running_in_notebook",
    "silence_known_noise",
    "known_noise_options",
]

MIN_TENSORFLOW = (2, 16)
MIN_KERAS = (3, 0)

#: Python warnings that TensorFlow/Keras raise by themselves, whatever the notebook's code:
#: ``(message prefix, category, module prefix)``. Only these are filtered; every other
#: warning reaches the student. Found by running the whole course with ``-W always``
#: (TensorFlow 2.21, Keras 3.15, NumPy 2.4): Keras converts its own tensors with
#: ``np.array(x)`` during ``fit``/``evaluate``, which NumPy 2 flags.
KNOWN_NOISE: tuple[tuple[str, type[Warning], str], ...] = (
    ("__array__ implementation doesn't accept a copy keyword", DeprecationWarning, "keras.src"),
)

def _fix() -> str:
    """How to fix a wrong TensorFlow/Keras set-up (the last sentence of every SetupError about it)."""
    return _('Fix: run  pip install "tensorflow>=2.16"  (it brings Keras 3), make sure the '
             "environment variable TF_USE_LEGACY_KERAS is not set (shell: unset TF_USE_LEGACY_KERAS), "
             "then restart the kernel.")


def _parse_version(text: object, package: str) -> tuple[int, int]:
    """``"2.21.0"`` → ``(2, 21)``; also accepts ``"2.16.0rc1"``, ``"3.0.0.dev2024"``."""
    match = re.match(r"\s*v?(\d+)(?:\.(\d+))?", str(text))
    if match is None:
        raise SetupError(
            _("Cannot read the {package} version {text!r}: expected something like '2.21.0'. {fix}").format(
                package=package, text=text, fix=_fix())
        )
    return int(match.group(1)), int(match.group(2) or 0)


def _legacy_keras_requested(environ=None) -> bool:
    value = (environ if environ is not None else os.environ).get("TF_USE_LEGACY_KERAS", "")
    return value.strip().lower() in {"1", "true", "yes"}


def check_versions(tf_version: str, keras_version: str, *, legacy_keras: bool = False) -> None:
    """Raise SetupError unless TensorFlow >= 2.16 and Keras 3 are in use (every notebook).

    ``keras_version`` is the version of the Keras the notebook imports (``keras.__version__``;
    ``"2.x"`` means Keras 2 / tf-keras). ``legacy_keras=True`` means the environment asks
    TensorFlow for the legacy Keras 2 (``TF_USE_LEGACY_KERAS=1``).
    """
    keras_v = _parse_version(keras_version, "Keras")
    tf_v = _parse_version(tf_version, "TensorFlow")
    if keras_v < MIN_KERAS:
        raise SetupError(
            _("Keras {version} is Keras 2 (tf-keras); this course is written for Keras 3 "
              "(keras.Input((2,)), SGD(learning_rate=...)). {fix}").format(version=keras_version, fix=_fix())
        )
    if tf_v < MIN_TENSORFLOW:
        raise SetupError(
            _("TensorFlow {version} is too old: the course needs TensorFlow >= "
              "{minimum}, the first release built on Keras 3. {fix}").format(
                  version=tf_version, minimum=f"{MIN_TENSORFLOW[0]}.{MIN_TENSORFLOW[1]}", fix=_fix())
        )
    if legacy_keras:
        raise SetupError(
            _("TF_USE_LEGACY_KERAS is set, so tf.keras is the old Keras 2 while `import keras` "
              "is Keras 3; models from the two cannot be mixed. {fix}").format(fix=_fix())
        )


def silence_known_noise() -> None:
    """Filter the :data:`KNOWN_NOISE` warnings, and nothing else (every notebook, via setup_notebook).

    Idempotent: calling it again does not stack filters.
    """
    import re

    for message, category, module in KNOWN_NOISE:
        warnings.filterwarnings("ignore", message=re.escape(message), category=category,
                                module=re.escape(module))


def known_noise_options() -> list[str]:
    """:data:`KNOWN_NOISE` as ``-W`` / ``PYTHONWARNINGS`` entries (``action:message:category``),
    for processes started before :func:`setup_notebook` runs (the test suite's kernels)."""
    return [f"ignore:{message}:{category.__name__}" for message, category, _module in KNOWN_NOISE]


@contextlib.contextmanager
def _c_stderr_silenced():
    """Send file descriptor 2 to /dev/null for the block (C++ logging at import time)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield  # no usable fd 2 (unusual embedded interpreters): nothing to silence
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
        finally:
            os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tensorflow_quietly():
    """Import and return ``(tensorflow, keras)`` without TensorFlow's import-time log lines.

    Used by every course module that needs TensorFlow (``notebook_setup``, ``training``,
    ``progress``), so that whichever comes first in a notebook's set-up cell keeps the
    output clean. Sets ``TF_CPP_MIN_LOG_LEVEL=3`` unless the user chose a level.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules and "keras" in sys.modules:
        return sys.modules["tensorflow"], sys.modules["keras"]
    with _c_stderr_silenced():
        tf = importlib.import_module("tensorflow")
        keras = importlib.import_module("keras")
    return tf, keras


def running_in_notebook() -> bool:
    """True inside a Jupyter (or Colab) kernel; False in scripts, pytest and plain IPython."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - broken IPython install
        return False
    if shell is None:
        return False
    cls = type(shell)
    return cls.__name__ == "ZMQInteractiveShell" or cls.__module__.startswith("google.colab")


def _configure_matplotlib() -> None:
    """Headless ``Agg`` backend, only when no backend was chosen and there is no display."""
    if os.environ.get("MPLBACKEND") or running_in_notebook():
        return  # chosen by the user, or Jupyter's inline backend
    if sys.platform != "linux" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return  # a desktop session: let matplotlib choose its interactive backend
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        os.environ["MPLBACKEND"] = "Agg"  # read by matplotlib when it is imported
        return
    # Keras imports matplotlib.pyplot, but the backend stays unresolved until first use.
    get_backend_or_none = getattr(mpl.rcParams, "_get_backend_or_none", None)
    if get_backend_or_none is not None:
        unchosen = get_backend_or_none() is None
    else:  # pragma: no cover - matplotlib < 3.5
        from matplotlib import rcsetup

        unchosen = dict.__getitem__(mpl.rcParams, "backend") is rcsetup._auto_backend_sentinel
    if unchosen:
        mpl.use("Agg")


def _version_of(module_name: str, dist_name: str) -> str:
    module = sys.modules.get(module_name)
    version = getattr(module, "__version__", None) if module is not None else None
    if version:
        return str(version)
    try:
        return metadata.version(dist_name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _set_op_determinism(tf, enabled: bool) -> None:
    if enabled:
        tf.config.experimental.enable_op_determinism()
        return
    try:  # TensorFlow exports no public switch-off; this is what enable_op_determinism flips
        from tensorflow.python.framework import config as tf_config

        tf_config.disable_op_determinism()
    except (ImportError, AttributeError):  # pragma: no cover - older/newer TensorFlow
        pass


def setup_notebook(seed: int = 42, *, deterministic: bool = True, quiet: bool = True,
                   lang: str | None = None) -> dict[str, str]:
    """Prepare a notebook: quiet logs, version check, seeds, op determinism (every notebook).

    ``lang="ko"`` (the Korean edition) makes checks, hints and messages speak Korean and
    gives plots a Korean font. Returns ``{"python", "tensorflow", "keras", "numpy",
    "pandas"}`` → version strings and prints them on one line. Raises :class:`SetupError` for
    Keras 2 / TensorFlow < 2.16 or a seed that is not a whole number in ``[0, 2**32)``.
    """
    if lang is not None:
        from .. import i18n

        try:
            i18n.set_language(lang)
        except ValueError:
            raise SetupError(_("Unknown language {lang!r}: choose one of {languages}.").format(
                lang=lang, languages=", ".join(i18n.LANGUAGES))) from None
    try:
        if isinstance(seed, bool):
            raise TypeError
        seed = int(seed.__index__())  # int or NumPy integer; rejects 4.2, "42", None
    except (TypeError, AttributeError):
        raise SetupError(_("seed must be a whole number such as 42, not {seed!r}.").format(seed=seed)) from None
    if not 0 <= seed < 2**32:
        raise SetupError(_("seed must be between 0 and 2**32 - 1, not {seed}.").format(seed=seed))

    if quiet:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        silence_known_noise()
    try:
        tf, keras = import_tensorflow_quietly()
    except ImportError as error:
        raise SetupError(_("TensorFlow or Keras cannot be imported ({error}). {fix}").format(
            error=error, fix=_fix())) from error
    check_versions(tf.__version__, keras.__version__, legacy_keras=_legacy_keras_requested())

    if quiet:
        tf.autograph.set_verbosity(0)

    keras.utils.set_random_seed(seed)  # Python random, NumPy, TensorFlow and Keras
    _set_op_determinism(tf, deterministic)
    _configure_matplotlib()
    if lang == "ko":
        from .korean_font import use_korean_font

        use_korean_font()

    versions = {
        "python": platform.python_version(),
        "tensorflow": str(tf.__version__),
        "keras": str(keras.__version__),
        "numpy": _version_of("numpy", "numpy"),
        "pandas": _version_of("pandas", "pandas"),
    }
    device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
    ops = _("deterministic ops") if deterministic else _("non-deterministic (faster) ops")
    print(
        _("Set-up: seed {seed} · TensorFlow {tensorflow} · Keras {keras} · NumPy {numpy} · pandas {pandas} · "
          "{ops} on {device}").format(seed=seed, tensorflow=versions["tensorflow"], keras=versions["keras"],
                                      numpy=versions["numpy"], pandas=versions["pandas"], ops=ops, device=device)
    )
    return versions
