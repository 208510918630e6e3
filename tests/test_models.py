"""Tests for course_utils.lesson.models (lesson 02_07): architecture, compile settings, seeding,
input validation, and that a short training lowers the loss on a small linear problem."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.lesson import models
from course_utils.errors import CourseError
from course_utils.errors import ModelConfigError
from course_utils.lesson.models import house_price_model

keras = pytest.importorskip("keras")


def test_constants_the_benchmarks_use():
    assert models.HOUSE_EPOCHS == 500
    assert models.HOUSE_BATCH_SIZE is None
    assert models.HOUSE_NEIGHBOURS == 3


@pytest.mark.parametrize("n_features", [5, 12, 13])
def test_architecture(n_features):
    model = house_price_model(n_features, seed=0)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [64, 64, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "linear"]
    assert tuple(model.inputs[0].shape) == (None, n_features)
    assert model.count_params() == (n_features * 64 + 64) + (64 * 64 + 64) + (64 + 1)


def test_default_is_the_house_data_width():
    assert tuple(house_price_model().inputs[0].shape) == (None, 5)   # benchmarks call it without args


def test_compiled_loss_and_optimizer():
    model = house_price_model(5, seed=0)
    assert isinstance(model.loss, keras.losses.Huber)
    assert float(model.loss(np.zeros((1, 1)), np.full((1, 1), 10.0))) == pytest.approx(37.5)   # δ = 5: 5·(10 − 2.5)
    assert float(model.loss(np.zeros((1, 1)), np.full((1, 1), 4.0))) == pytest.approx(8.0)     # 0.5·4²
    opt = model.optimizer
    assert isinstance(opt, keras.optimizers.AdamW)
    assert float(opt.weight_decay) == pytest.approx(0.1)
    schedule = opt._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert float(schedule(0)) == pytest.approx(0.01)
    assert float(schedule(models.HOUSE_EPOCHS // 2)) == pytest.approx(0.005, rel=1e-4)
    assert float(schedule(models.HOUSE_EPOCHS)) == pytest.approx(0.0, abs=1e-9)


def test_boston_model_compile_settings_and_architecture():
    model = models.boston_model(seed=0)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [64, 64, 1] and tuple(model.inputs[0].shape) == (None, 13)
    assert isinstance(model.loss, keras.losses.Huber)
    assert float(model.loss(np.zeros((1, 1)), np.full((1, 1), 10.0))) == pytest.approx(18.0)   # δ = 2: 2 + 2·8
    assert float(model.loss(np.zeros((1, 1)), np.full((1, 1), 1.0))) == pytest.approx(0.5)    # 0.5·1²
    assert type(model.optimizer) is keras.optimizers.Adam
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    assert (models.BOSTON_EPOCHS, models.BOSTON_BATCH_SIZE) == (100, 16)
    with pytest.raises(ModelConfigError):
        models.boston_model(0)


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


def test_same_seed_same_initial_weights():
    a, b = house_price_model(5, seed=3), house_price_model(5, seed=3)
    for wa, wb in zip(_weights(a), _weights(b)):
        np.testing.assert_array_equal(wa, wb)
    c = house_price_model(5, seed=4)
    assert not np.array_equal(_weights(a)[0], _weights(c)[0])
    # the layers get different initializers, not the same draw
    assert not np.array_equal(_weights(a)[2][:5], _weights(a)[0][:, :64][:5])


def test_seed_none_follows_the_global_seed():
    keras.utils.set_random_seed(11)
    a = house_price_model(5)
    keras.utils.set_random_seed(11)
    b = house_price_model(5)
    keras.utils.set_random_seed(12)
    c = house_price_model(5)
    np.testing.assert_array_equal(_weights(a)[0], _weights(b)[0])
    assert not np.array_equal(_weights(a)[0], _weights(c)[0])


@pytest.mark.parametrize("bad", [0, -3, 2.5, "5", None, True, [5]])
def test_n_features_validation(bad):
    with pytest.raises(ModelConfigError, match="n_features") as info:
        house_price_model(bad)
    assert isinstance(info.value, CourseError) and isinstance(info.value, ValueError)
    assert "number of input columns" in str(info.value)


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_seed_validation(bad):
    with pytest.raises(ModelConfigError, match="seed"):
        house_price_model(5, seed=bad)


def test_short_training_lowers_the_loss_on_a_linear_problem():
    from course_utils.lesson.training import fit_fast

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([3.0, -2.0, 1.0]) + 5.0).astype("float32")
    model = house_price_model(3, seed=0)
    history = fit_fast(model, x, y, epochs=60, batch_size=models.HOUSE_BATCH_SIZE, progress="none")
    loss = history.history["loss"]
    assert len(loss) == 60
    assert loss[-1] < 0.5 * loss[0]
    pred = np.asarray(model(x, training=False)).reshape(-1)
    assert np.mean(np.abs(pred - y)) == pytest.approx(history.history["mae"][-1], rel=0.2)   # MAE is a metric
