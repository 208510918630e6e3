"""progress_callback (lesson 02_09): bar in Jupyter, deterministic plain lines under CI/pytest."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

import keras

from course_utils.lesson import progress
from course_utils.lesson.progress import BarProgress, PlainProgress, TextBarProgress, progress_callback, resolve_mode
from course_utils.errors import TrainingError
from course_utils.lesson.training import fit_fast


@pytest.fixture
def clean_env(monkeypatch):
    """No COURSE_PROGRESS / CI, not in Jupyter (PYTEST_CURRENT_TEST is re-set for the call)."""
    for name in ("COURSE_PROGRESS", "CI", "PYTEST_CURRENT_TEST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(progress, "running_in_notebook", lambda: False)
    return monkeypatch


def simulate(callback, epochs, losses=None, params=None):
    """Drive a callback the way fit does, without training."""
    if params is not None:
        callback.set_params(params)
    callback.on_train_begin()
    for epoch in range(epochs):
        loss = losses[epoch] if losses is not None else 1.0 / (epoch + 1)
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"accuracy": 0.75, "loss": loss, "val_loss": 2 * loss})
    callback.on_train_end()


# ------------------------------------------------------------------------ mode choice


def test_auto_mode_rules(clean_env):
    clean_env.delenv("PYTEST_CURRENT_TEST", raising=False)  # pytest sets it again for the call
    assert resolve_mode("auto") == "plain"  # a script: no Jupyter
    clean_env.setattr(progress, "running_in_notebook", lambda: True)
    assert resolve_mode("auto") == "bar"
    clean_env.setenv("PYTEST_CURRENT_TEST", "tests/x.py::t (call)")
    assert resolve_mode("auto") == "plain"
    clean_env.delenv("PYTEST_CURRENT_TEST")
    clean_env.setenv("CI", "true")
    assert resolve_mode("auto") == "plain"
    for forced in ("bar", "text", "plain", "none", " Bar "):
        clean_env.setenv("COURSE_PROGRESS", forced)
        assert resolve_mode("auto") == forced.strip().lower()
    assert resolve_mode("plain") == "plain"  # an explicit mode beats the environment


def test_bad_modes_and_epochs(clean_env):
    clean_env.setenv("COURSE_PROGRESS", "fancy")
    with pytest.raises(TrainingError, match="COURSE_PROGRESS is 'fancy'.*bar, text, plain or none"):
        progress_callback(10)
    with pytest.raises(TrainingError, match="progress mode must be 'auto', 'bar', 'text', 'plain' or 'none'"):
        progress_callback(10, mode="loud")
    with pytest.raises(TrainingError, match="progress mode must be a string"):
        progress_callback(10, mode=1)
    for epochs in (0, -5, 2.5, True, "10"):
        with pytest.raises(TrainingError, match="epochs must be a whole number >= 1"):
            progress_callback(epochs)


def test_factory_returns_the_right_callback(clean_env):
    assert type(progress_callback(5, mode="plain")) is PlainProgress
    assert type(progress_callback(5, mode="bar")) is BarProgress
    assert type(progress_callback(5, mode="text")) is TextBarProgress
    none = progress_callback(5, mode="none")
    assert type(none) is keras.callbacks.Callback
    assert type(progress_callback(np.int64(5))) is PlainProgress  # auto outside Jupyter


# ---------------------------------------------------------------------------- plain


def test_plain_prints_ten_rounded_lines(capsys):
    simulate(progress_callback(2000, mode="plain", desc="XOR"), 2000)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert lines[0] == "XOR: epoch 200/2000 · loss 0.005 · val_loss 0.01 · accuracy 0.75"
    assert lines[-1] == "XOR: epoch 2000/2000 · loss 0.0005 · val_loss 0.001 · accuracy 0.75"
    assert [int(l.split()[2].split("/")[0]) for l in lines] == list(range(200, 2001, 200))


def test_plain_is_deterministic_and_has_no_timings(capsys):
    simulate(progress_callback(37, mode="plain"), 37)
    first = capsys.readouterr().out
    simulate(progress_callback(37, mode="plain"), 37)
    assert capsys.readouterr().out == first
    assert len(first.splitlines()) == 10 and "/s" not in first and " s " not in first
    assert first.splitlines()[-1].startswith("training: epoch 37/37 · loss 0.02703 ·")


def test_plain_short_runs_and_early_stop(capsys):
    simulate(progress_callback(3, mode="plain"), 3)
    assert [l.split(" · ")[0] for l in capsys.readouterr().out.splitlines()] == [
        "training: epoch 1/3", "training: epoch 2/3", "training: epoch 3/3"]
    simulate(progress_callback(100, mode="plain"), 25)  # stopped after 25 of 100 epochs
    lines = capsys.readouterr().out.splitlines()
    assert [l.split(" · ")[0] for l in lines] == [
        "training: epoch 10/100", "training: epoch 20/100", "training: epoch 25/100"]


def test_fit_params_win_over_the_given_epochs(capsys):
    simulate(progress_callback(7, mode="plain"), 20, params={"epochs": 20, "steps": 1, "verbose": 0})
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("training: epoch 20/20")


# ------------------------------------------------------------------------------ bar


class FakeBar:
    instances = []

    def __init__(self, total, desc, **kwargs):
        self.total, self.desc, self.kwargs = total, desc, kwargs
        self.updates, self.postfixes, self.closed = [], [], False
        FakeBar.instances.append(self)

    def update(self, n):
        self.updates.append(n)

    def set_postfix_str(self, text, refresh=True):
        self.postfixes.append(text)

    def close(self):
        self.closed = True


class FakeClock:
    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


def test_bar_is_throttled_and_complete(monkeypatch):
    import tqdm.auto

    FakeBar.instances.clear()
    monkeypatch.setattr(tqdm.auto, "tqdm", FakeBar)
    monkeypatch.setattr(progress.time, "monotonic", FakeClock(0.01))  # 10 ms per epoch
    simulate(progress_callback(2000, mode="bar", desc="XOR"), 2000)
    (bar,) = FakeBar.instances
    assert bar.total == 2000 and bar.desc == "XOR" and bar.closed
    assert sum(bar.updates) == 2000
    assert len(bar.updates) <= 2000 * 0.01 / progress.BAR_INTERVAL + 2  # ~every 0.2 s, not per epoch
    assert bar.postfixes[-1] == "loss 0.0005 · val_loss 0.001 · accuracy 0.75"


def test_real_tqdm_bar_finishes(capsys):
    simulate(progress_callback(300, mode="bar", desc="demo"), 300)
    err = capsys.readouterr().err
    assert "demo" in err and "300/300" in err and "loss 0.003333" in err


def test_text_bar_goes_to_stdout_and_ends_complete(capsys, clean_env):
    """course run's mode: a text bar on stdout whose last state (after the last \\r) is 100 %."""
    clean_env.setenv("COURSE_PROGRESS", "text")
    simulate(progress_callback(300, desc="1-10-6-1 net"), 300)
    out, err = capsys.readouterr()
    assert err == ""
    final = out.rstrip("\n").split("\r")[-1]
    assert final.startswith("1-10-6-1 net: 100%|") and "300/300" in final and "loss 0.003333" in final
    assert "█" in final


# ------------------------------------------------------------------ with real training


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    return model


X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
Y_AND = np.array([[0], [0], [0], [1]], dtype="float32")


def test_works_with_model_fit(capsys):
    model = tiny_model()
    history = model.fit(X, Y_AND, epochs=5, batch_size=4, verbose=0,
                        callbacks=[progress_callback(5, mode="plain", desc="AND")])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"AND: epoch {i + 1}/5 · loss {loss:.4g}"
                     for i, loss in enumerate(history.history["loss"])]


def test_works_with_fit_fast(capsys, clean_env):
    history = fit_fast(tiny_model(), X, Y_AND, epochs=50, progress="plain")
    lines = capsys.readouterr().out.splitlines()
    losses = history.history["loss"]
    assert lines == [f"training: epoch {e}/50 · loss {losses[e - 1]:.4g}" for e in range(5, 51, 5)]
    # "auto" outside Jupyter and CI is plain too; COURSE_PROGRESS=none silences it.
    fit_fast(tiny_model(), X, Y_AND, epochs=50)
    assert capsys.readouterr().out.splitlines() == lines
    clean_env.setenv("COURSE_PROGRESS", "none")
    fit_fast(tiny_model(), X, Y_AND, epochs=50)
    assert capsys.readouterr().out == ""
