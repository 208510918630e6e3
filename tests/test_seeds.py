"""Tests for course_utils.lesson.seeds.fit_seeds (lessons 02_06, 02_07): with full batches each copy
ends exactly where a separate fit_fast run with its seed ends; with mini-batches every copy is
trained, in its own row order; bad input gets a TrainingError that says what to change."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.errors import TrainingError

keras = pytest.importorskip("keras")

from course_utils.lesson.seeds import fit_seeds  # noqa: E402
from course_utils.lesson.training import fit_fast  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5]) + 0.1 * RNG.normal(size=60)).astype("float32")
X_VAL, Y_VAL = X[:15] + 0.1, Y[:15]


def small_net(loss="mse", optimizer=None):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    model.compile(loss=loss, optimizer=optimizer or keras.optimizers.Adam(learning_rate=0.05))
    return model


@pytest.mark.parametrize("loss", ["mse", keras.losses.Huber(delta=0.5)])
def test_full_batch_copies_equal_separate_runs(loss):
    runs = fit_seeds(lambda: small_net(loss), X, Y, seeds=[0, 7], epochs=15, validation_data=(X_VAL, Y_VAL))
    assert [run.seed for run in runs] == [0, 7]
    for run in runs:
        keras.utils.set_random_seed(run.seed)
        alone = small_net(loss)
        history = fit_fast(alone, X, Y, epochs=15, validation_data=(X_VAL, Y_VAL), progress="none").history
        for a, b in zip(alone.get_weights(), run.model.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(history["loss"], run.history["loss"], rtol=1e-5)
        np.testing.assert_allclose(history["val_loss"], run.history["val_loss"], rtol=1e-4)


def test_copies_start_from_their_seeds_weights():
    runs = fit_seeds(small_net, X, Y, seeds=[1, 2], epochs=1)
    assert not np.allclose(runs[0].model.get_weights()[0], runs[1].model.get_weights()[0])


def test_mini_batches_give_each_copy_its_own_row_order():
    # the same seed twice would be refused, so compare two copies whose starting weights are equal
    def same_start():
        keras.utils.set_random_seed(3)
        return small_net(optimizer=keras.optimizers.SGD(learning_rate=0.05))

    runs = fit_seeds(same_start, X, Y, seeds=[0, 1], epochs=3, batch_size=16)
    assert len(runs[0].history["loss"]) == 3 and "val_loss" not in runs[0].history
    assert not np.allclose(runs[0].model.get_weights()[0], runs[1].model.get_weights()[0])
    full = fit_seeds(same_start, X, Y, seeds=[0, 1], epochs=3)             # full batch: order cannot matter
    np.testing.assert_allclose(full[0].model.get_weights()[0], full[1].model.get_weights()[0], rtol=1e-6)
    assert runs[0].history["loss"][-1] < runs[0].history["loss"][0]


def test_bad_input_is_explained():
    with pytest.raises(TrainingError, match="at least two"):
        fit_seeds(small_net, X, Y, seeds=[0], epochs=1)
    with pytest.raises(TrainingError, match="compiled"):
        fit_seeds(lambda: keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]), X, Y, seeds=[0, 1], epochs=1)

    def two_outputs():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(loss="mse", optimizer="sgd")
        return model

    with pytest.raises(TrainingError, match="one output unit"):
        fit_seeds(two_outputs, X, Y, seeds=[0, 1], epochs=1)
    with pytest.raises(TrainingError, match="clipping"):
        fit_seeds(lambda: small_net(optimizer=keras.optimizers.SGD(global_clipnorm=1.0)), X, Y, seeds=[0, 1],
                  epochs=1)
    with pytest.raises(TrainingError, match="rows"):
        fit_seeds(small_net, X, Y[:10], seeds=[0, 1], epochs=1)
