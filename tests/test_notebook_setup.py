"""setup_notebook (every notebook): version check, seeds, determinism, quiet TensorFlow."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import random
import re
import subprocess
import sys
import types

import numpy as np
import pytest

import keras
import tensorflow as tf

from course_utils.lesson import notebook_setup
from course_utils.errors import SetupError
from course_utils.lesson.notebook_setup import check_versions, running_in_notebook, setup_notebook

SETUP_LINE = re.compile(
    r"^Set-up: seed (\d+) · TensorFlow (\S+) · Keras (\S+) · NumPy (\S+) · pandas (\S+)"
    r" · (deterministic ops|non-deterministic \(faster\) ops) on (CPU|GPU)$"
)


@pytest.fixture(autouse=True)
def _restore_global_state():
    """setup_notebook changes process-wide settings; put them back for the other tests."""
    filters = list(__import__("warnings").filters)
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    yield
    __import__("warnings").filters[:] = filters
    tf.config.experimental.enable_op_determinism()
    if level is not None:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = level


# ------------------------------------------------------------------ check_versions


@pytest.mark.parametrize("tf_version, keras_version", [
    ("2.21.0", "3.15.1"), ("2.16.0rc1", "3.0.0"), ("2.16.1", "3.3.3"), ("3.0.0", "4.0.0.dev2026"),
])
def test_supported_versions_pass(tf_version, keras_version):
    assert check_versions(tf_version, keras_version) is None


@pytest.mark.parametrize("keras_version", ["2.15.0", "2.13.1", "1.0"])
def test_keras_2_is_refused_with_the_fix(keras_version):
    with pytest.raises(SetupError) as info:
        check_versions("2.21.0", keras_version)
    message = str(info.value)
    assert f"Keras {keras_version} is Keras 2" in message
    assert 'pip install "tensorflow>=2.16"' in message
    assert "unset TF_USE_LEGACY_KERAS" in message


@pytest.mark.parametrize("tf_version", ["2.15.1", "2.9.0", "1.15.5"])
def test_old_tensorflow_is_refused(tf_version):
    with pytest.raises(SetupError, match=rf"TensorFlow {re.escape(tf_version)} is too old.*>= 2\.16"):
        check_versions(tf_version, "3.15.1")


def test_legacy_keras_switch_and_unreadable_versions_are_refused():
    with pytest.raises(SetupError, match="TF_USE_LEGACY_KERAS is set"):
        check_versions("2.21.0", "3.15.1", legacy_keras=True)
    with pytest.raises(SetupError, match="Cannot read the Keras version 'unknown'"):
        check_versions("2.21.0", "unknown")


def test_setup_refuses_keras_2_and_legacy_env(monkeypatch, capsys):
    monkeypatch.setattr(keras, "__version__", "2.15.0")
    with pytest.raises(SetupError, match="Keras 2.15.0 is Keras 2"):
        setup_notebook(1)
    monkeypatch.undo()
    monkeypatch.setattr(tf, "__version__", "2.15.0")
    with pytest.raises(SetupError, match="TensorFlow 2.15.0 is too old"):
        setup_notebook(1)
    monkeypatch.undo()
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    with pytest.raises(SetupError, match="TF_USE_LEGACY_KERAS"):
        setup_notebook(1)
    assert capsys.readouterr().out == ""  # no set-up line when the set-up failed


# ------------------------------------------------------------------ setup_notebook


def test_prints_one_line_and_returns_versions(capsys):
    versions = setup_notebook(42)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    match = SETUP_LINE.match(out.strip())
    assert match, out
    assert match.group(1) == "42"
    assert match.group(2) == versions["tensorflow"] == tf.__version__
    assert match.group(3) == versions["keras"] == keras.__version__
    assert match.group(4) == versions["numpy"] == np.__version__
    assert set(versions) == {"python", "tensorflow", "keras", "numpy", "pandas"}
    assert all(isinstance(v, str) and v for v in versions.values())
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"


def small_model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])


def draws_after_setup(seed):
    setup_notebook(seed)
    model_weights = small_model().get_weights()
    return (model_weights, random.random(), np.random.rand(3),
            tf.random.uniform((2,)).numpy(), keras.random.normal((2,)).numpy())


def test_same_seed_gives_same_weights_and_draws(capsys):
    first, second, other = draws_after_setup(7), draws_after_setup(7), draws_after_setup(8)
    for a, b in zip(first[0], second[0]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(first[1:], second[1:]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][0], other[0][0])
    assert first[1] != other[1]
    assert not np.array_equal(first[2], other[2])


def test_same_seed_gives_same_training_run(capsys):
    x = np.random.default_rng(0).normal(size=(16, 3))
    y = x.sum(axis=1, keepdims=True)

    def train(seed):
        setup_notebook(seed)
        model = small_model()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
        model.fit(x, y, epochs=2, batch_size=4, shuffle=True, verbose=0)  # shuffled by TF's RNG
        return model.get_weights()

    for a, b in zip(train(3), train(3)):
        np.testing.assert_array_equal(a, b)


def test_determinism_switch_and_second_call(capsys):
    from tensorflow.python.framework.config import is_op_determinism_enabled

    setup_notebook(1, deterministic=False)
    assert not is_op_determinism_enabled()
    assert "non-deterministic (faster) ops on" in capsys.readouterr().out
    setup_notebook(1)
    setup_notebook(1)
    assert is_op_determinism_enabled()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]


@pytest.mark.parametrize("seed", ["42", 4.2, None, True, -1, 2**32])
def test_bad_seed(seed, capsys):
    with pytest.raises(SetupError, match="seed must be"):
        setup_notebook(seed)


def test_numpy_integer_seed_is_accepted(capsys):
    setup_notebook(np.int64(5))
    assert capsys.readouterr().out.startswith("Set-up: seed 5 ·")


def test_quiet_filters_only_the_known_noise(capsys):
    """Students see the warnings of their own code; only KNOWN_NOISE is filtered."""
    import warnings

    from course_utils.lesson.notebook_setup import KNOWN_NOISE

    warnings.resetwarnings()
    setup_notebook(1, quiet=True)
    blanket = [f for f in warnings.filters if f[0] == "ignore" and f[1] is None and f[2] is Warning]
    assert blanket == [], blanket          # no "ignore everything" filter
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("a warning the student should see", UserWarning)
        warnings.warn("overflow encountered in exp", RuntimeWarning)
        for message, category, module in KNOWN_NOISE:
            warnings.warn_explicit(message + " (as Keras raises it)", category, "core.py", 172, module=module + ".x")
    assert [str(w.message) for w in caught] == ["a warning the student should see", "overflow encountered in exp"]
    setup_notebook(1, quiet=True)          # calling it again does not stack filters
    assert len(warnings.filters) == len(set(warnings.filters))


def test_known_noise_options_are_valid_pythonwarnings():
    from course_utils.lesson.notebook_setup import KNOWN_NOISE, known_noise_options

    options = known_noise_options()
    assert len(options) == len(KNOWN_NOISE) and all(o.startswith("ignore:") for o in options)
    assert not any("," in o for o in options)  # PYTHONWARNINGS separates entries by commas
    code = ("import warnings\n"
            "warnings.warn_explicit(" + repr(KNOWN_NOISE[0][0] + " x") + ", DeprecationWarning, 'core.py', 1,"
            " module='keras.src.backend')\n"
            "warnings.warn('mine', UserWarning)\n")
    shown = run_python(code, {"PYTHONWARNINGS": "default::DeprecationWarning"})
    assert "mine" in shown.stderr and "copy keyword" in shown.stderr, shown.stderr
    result = run_python(code, {"PYTHONWARNINGS": ",".join(["default::DeprecationWarning", *options])})
    assert "mine" in result.stderr and "copy keyword" not in result.stderr, result.stderr


def run_python(code, env_changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "PYTHONWARNINGS", "MPLBACKEND")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300)


def test_fresh_process_imports_tensorflow_without_log_lines():
    # Nothing set beforehand: setup_notebook must set the log level before TF is imported
    # and keep TensorFlow's import-time lines (absl / cudart_stub) off stderr.
    code = (
        "import sys\n"
        "from course_utils.lesson.notebook_setup import setup_notebook\n"
        "assert 'tensorflow' not in sys.modules\n"
        "setup_notebook(3)\n"
        "import os, matplotlib\n"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], matplotlib.get_backend().lower())\n"
    )
    result = run_python(code, {"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and SETUP_LINE.match(lines[0]), result.stdout
    assert lines[1] == "3 agg"  # headless machine, no backend chosen → Agg
    assert result.stderr == ""


def test_matplotlib_backend_already_chosen_is_kept():
    code = (
        "import matplotlib\n"
        "matplotlib.use('svg')\n"
        "from course_utils.lesson.notebook_setup import _configure_matplotlib\n"
        "_configure_matplotlib()\n"
        "print(matplotlib.get_backend().lower())\n"
    )
    result = run_python(code, {"DISPLAY": ""})
    assert result.stdout.strip() == "svg", result.stderr


def test_matplotlib_env_backend_and_jupyter_are_left_alone(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook_setup._configure_matplotlib()
    assert os.environ["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"
    monkeypatch.delenv("MPLBACKEND")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(notebook_setup, "running_in_notebook", lambda: True)
    notebook_setup._configure_matplotlib()
    assert "MPLBACKEND" not in os.environ  # Jupyter's inline backend is never overridden


def test_running_in_notebook(monkeypatch):
    assert running_in_notebook() is False  # pytest is not a Jupyter kernel

    class ZMQInteractiveShell:
        pass

    class TerminalInteractiveShell:
        pass

    for shell, expected in [(ZMQInteractiveShell(), True), (TerminalInteractiveShell(), False),
                            (None, False)]:
        fake = types.ModuleType("IPython")
        fake.get_ipython = lambda shell=shell: shell
        monkeypatch.setitem(sys.modules, "IPython", fake)
        assert running_in_notebook() is expected


def test_jupyter_set_up_cell_is_clean(monkeypatch):
    # In a real kernel (outside pytest, where ipykernel copies C-level stderr into the
    # notebook): one stdout line, no stderr, inline backend kept, bar progress is a widget.
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for name in ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL", "MPLBACKEND", "COURSE_PROGRESS",
                 "CI", "PYTHONWARNINGS"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from course_utils.lesson.notebook_setup import setup_notebook\n"
            "setup_notebook(seed=1);\n"
            "import numpy as np, keras\n"
            "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
            "_ = model.predict(np.zeros((1, 2)), verbose=0)"),
        nbformat.v4.new_code_cell("import matplotlib\nprint(matplotlib.get_backend())"),
    ]
    # ipykernel 7 logs "Kernel is running over TCP without encryption" on its own stderr at
    # start-up; under load that line can land in the first cell's output. It is the kernel's,
    # not setup_notebook's, so it is silenced as course_utils.tools.executor does for every run.
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()
    # a print can reach the notebook as two stream messages under load (text, then "\n"), as
    # Jupyter shows it: consecutive stream outputs of one cell are joined
    outputs = []
    for c in nb.cells:
        joined = []
        for o in c.outputs:
            if joined and o.get("output_type") == "stream" and joined[-1][0] == o.get("name"):
                joined[-1] = (joined[-1][0], joined[-1][1] + o.get("text", ""))
            else:
                joined.append((o.get("name"), o.get("text", "")))
        outputs += joined
    assert [name for name, _ in outputs] == ["stdout", "stdout"], outputs
    assert SETUP_LINE.match(outputs[0][1].strip())
    assert "inline" in outputs[1][1]


def test_lang_ko_speaks_korean_and_draws_korean_text(capsys):
    import matplotlib

    from course_utils import i18n
    from course_utils.errors import SetupError

    try:
        notebook_setup.setup_notebook(seed=0, lang="ko")
        assert i18n.current_language() == "ko"
        assert matplotlib.rcParams["font.family"] == ["NanumGothic"]
        assert matplotlib.rcParams["axes.unicode_minus"] is False
        with pytest.raises(SetupError, match="en, ko"):
            notebook_setup.setup_notebook(seed=0, lang="fr")
    finally:
        i18n.set_language(None)
        matplotlib.rcdefaults()
