"""fit_fast (lesson 02_01): the same optimizer steps and epoch history as model.fit."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest

import keras

from course_utils.errors import TrainingError
from course_utils.lesson.training import fit_fast, shuffle_order

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
XOR_Y = np.array([[0], [1], [1], [0]], dtype="float32")


def xor_model(seed=3):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(4, activation="sigmoid"),
        keras.layers.Dense(5, activation="sigmoid"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    # The slides' compile: loss and metric given as functions.
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5),
                  loss=keras.losses.binary_crossentropy, metrics=[keras.metrics.binary_accuracy])
    return model


def regression_model(seed=5, features=3):
    """A schedule and momentum make the check cover optimizer state and iterations."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(6, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3)),
        keras.layers.Dense(1),
    ])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=5, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.9),
                  loss="mse", metrics=["mae"])
    return model


def twin(make, **kwargs):
    """Two identically compiled models with identical starting weights."""
    a, b = make(**kwargs), make(**kwargs)
    b.set_weights(a.get_weights())
    return a, b


def regression_data(n, seed, features=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))  # float64 on purpose: fit casts to float32, so must we
    y = (x @ np.array([1.5, -2.0, 0.5])[:features] + 0.3 * x[:, 0] ** 2)[:, None]
    return x, y + rng.normal(scale=0.1, size=y.shape)


def assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


def assert_same_history(h_fit, h_fast, epochs):
    assert list(h_fast.history) == list(h_fit.history)
    for key, values in h_fit.history.items():
        assert len(h_fast.history[key]) == epochs
        np.testing.assert_allclose(h_fast.history[key], values, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", ["int64", "float32"])  # the slides' np.array([[0, 0], ...]) is int
def test_full_batch_xor_matches_fit(dtype):
    epochs = 40
    x, y = XOR_X.astype(dtype), XOR_Y.astype(dtype)
    reference, fast = twin(xor_model)
    h_fit = reference.fit(x, y, epochs=epochs, batch_size=4, shuffle=False, verbose=0)
    h_fast = fit_fast(fast, x, y, epochs=epochs, progress="none")
    assert_same_weights(reference, fast)
    assert_same_history(h_fit, h_fast, epochs)
    assert list(h_fast.history) == ["binary_accuracy", "loss"]
    assert int(fast.optimizer.iterations.numpy()) == epochs
    # The weights really moved: the comparison above is not between two untouched models.
    assert not np.allclose(xor_model().get_weights()[0], fast.get_weights()[0])


def test_minibatch_with_partial_last_batch_and_validation_matches_fit():
    # 10 rows, batch 4 → batches of 4, 4 and 2; validation 7 rows → batches of 4 and 3.
    x, y = regression_data(10, seed=1)
    x_val, y_val = regression_data(7, seed=2)
    epochs = 12
    reference, fast = twin(regression_model)
    h_fit = reference.fit(x, y, epochs=epochs, batch_size=4, shuffle=False, verbose=0,
                          validation_data=(x_val, y_val))
    h_fast = fit_fast(fast, x, y, epochs=epochs, batch_size=4, shuffle=False,
                      validation_data=(x_val, y_val), progress="none")
    assert set(h_fast.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert_same_history(h_fit, h_fast, epochs)
    assert_same_weights(reference, fast)
    assert int(fast.optimizer.iterations.numpy()) == 3 * epochs
    assert fast.optimizer.iterations.numpy() == reference.optimizer.iterations.numpy()
    # Dropping the partial batch (batch_size 5 → 2 full batches) gives different weights.
    other = regression_model()
    other.set_weights(twin(regression_model)[0].get_weights())
    fit_fast(other, x[:8], y[:8], epochs=epochs, batch_size=4, shuffle=False, progress="none")
    assert not np.allclose(other.get_weights()[0], fast.get_weights()[0])


def test_shuffle_uses_the_documented_order():
    x, y = regression_data(9, seed=4)
    seed, epochs, batch = 11, 3, 4
    manual, fast = twin(regression_model)
    for epoch in range(epochs):  # fit on rows pre-ordered as documented, one epoch at a time
        order = shuffle_order(9, seed, epoch)
        manual.fit(x[order], y[order], epochs=1, batch_size=batch, shuffle=False, verbose=0)
    fit_fast(fast, x, y, epochs=epochs, batch_size=batch, shuffle=True, seed=seed, progress="none")
    assert_same_weights(manual, fast)


def test_shuffle_is_reproducible_and_seed_dependent():
    x, y = regression_data(12, seed=6)
    runs = {}
    for label, kwargs in {"a": dict(seed=1), "b": dict(seed=1), "c": dict(seed=2),
                          "ordered": dict(shuffle=False)}.items():
        model = regression_model()
        fit_fast(model, x, y, epochs=4, batch_size=5, progress="none", **kwargs)
        runs[label] = model.get_weights()[0]
    np.testing.assert_array_equal(runs["a"], runs["b"])
    assert not np.allclose(runs["a"], runs["c"])
    assert not np.allclose(runs["a"], runs["ordered"])
    assert sorted(shuffle_order(12, 1, 0)) == list(range(12))
    assert list(shuffle_order(12, 1, 0)) != list(shuffle_order(12, 1, 1))


def test_full_batch_shuffle_makes_no_difference():
    a, b = twin(xor_model)
    fit_fast(a, XOR_X, XOR_Y, epochs=5, shuffle=True, seed=9, progress="none")
    fit_fast(b, XOR_X, XOR_Y, epochs=5, shuffle=False, progress="none")
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])


def test_dataframe_input_and_oversized_batch_match_numpy():
    x, y = regression_data(8, seed=7)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    series = pd.Series(y[:, 0], name="target")
    a, b = twin(regression_model)
    h_a = fit_fast(a, frame, series.to_frame(), epochs=3, batch_size=100, progress="none")
    h_b = fit_fast(b, x, y, epochs=3, batch_size=None, progress="none")
    assert_same_weights(a, b)
    np.testing.assert_allclose(h_a.history["loss"], h_b.history["loss"], rtol=1e-6)
    assert h_a.params["steps"] == 1


def test_history_object_and_model_state_after_training():
    model = xor_model()
    history = fit_fast(model, XOR_X, XOR_Y, epochs=7, progress="none")
    assert isinstance(history, keras.callbacks.History)
    assert model.history is history
    assert history.epoch == list(range(7))
    assert history.params == {"verbose": 0, "epochs": 7, "steps": 1}
    assert all(isinstance(v, float) for v in history.history["loss"])
    optimizer = model.optimizer
    # The model goes on like any fitted model: fit, evaluate, predict, fit_fast again.
    model.fit(XOR_X, XOR_Y, epochs=1, batch_size=4, verbose=0)
    assert model.optimizer is optimizer and int(optimizer.iterations.numpy()) == 8
    loss, accuracy = model.evaluate(XOR_X, XOR_Y, verbose=0)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert model.predict(XOR_X, verbose=0).shape == (4, 1)
    again = fit_fast(model, XOR_X, XOR_Y, epochs=2, progress="none")
    assert len(again.history["loss"]) == 2 and int(optimizer.iterations.numpy()) == 10


def test_last_epoch_log_matches_evaluate_before_the_last_step():
    # Epoch loss = loss of the forward pass *before* that epoch's update, as in fit.
    model = xor_model()
    fit_fast(model, XOR_X, XOR_Y, epochs=3, progress="none")
    before = model.evaluate(XOR_X, XOR_Y, verbose=0, return_dict=True)["loss"]
    history = fit_fast(model, XOR_X, XOR_Y, epochs=1, progress="none")
    assert history.history["loss"][0] == pytest.approx(before, rel=1e-6)


def test_progress_callback_receives_every_epoch(capsys):
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, logs["loss"]))

    model = xor_model()
    history = fit_fast(model, XOR_X, XOR_Y, epochs=45, progress=Recorder())
    assert [e for e, _ in seen] == list(range(45))
    assert [loss for _, loss in seen] == history.history["loss"]

    fit_fast(xor_model(), XOR_X, XOR_Y, epochs=45, progress="none")
    assert capsys.readouterr().out == ""
    fit_fast(xor_model(), XOR_X, XOR_Y, epochs=45, progress="plain")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("training: epoch 45/45 · loss ")


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        (dict(epochs=0), "epochs must be at least 1"),
        (dict(epochs=-3), "epochs must be at least 1"),
        (dict(epochs=2.5), "epochs must be a whole number"),
        (dict(epochs=True), "epochs must be a whole number"),
        (dict(epochs=2, batch_size=0), "batch_size must be at least 1"),
        (dict(epochs=2, batch_size=1.5), "batch_size must be a whole number"),
        (dict(epochs=2, batch_size="4"), "batch_size must be a whole number"),
        (dict(epochs=2, seed=-1), "seed must be at least 0"),
        (dict(epochs=2, shuffle="yes"), "shuffle must be True or False"),
        (dict(epochs=2, progress="loud"), "progress mode must be"),
        (dict(epochs=2, validation_data=XOR_X), "validation_data must be a pair"),
        (dict(epochs=2, validation_data=(XOR_X, XOR_Y[:3])), "validation x has 4 rows"),
        (dict(epochs=2, validation_data=(XOR_X[:, :1], XOR_Y)), "same feature columns"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, fragment):
    model = xor_model()
    weights = model.get_weights()
    with pytest.raises(TrainingError, match=fragment):
        fit_fast(model, XOR_X, XOR_Y, **kwargs)
    for before, after in zip(weights, model.get_weights()):  # nothing was trained
        np.testing.assert_array_equal(before, after)


def test_uncompiled_model_and_non_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(TrainingError, match="not compiled.*model.compile"):
        fit_fast(model, XOR_X, XOR_Y, epochs=1)
    with pytest.raises(TrainingError, match="must be a Keras model"):
        fit_fast(lambda x: x, XOR_X, XOR_Y, epochs=1)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_data_is_refused(bad):
    x = XOR_X.copy()
    x[2, 1] = bad
    with pytest.raises(TrainingError, match=r"x contains 1 NaN or infinite value\(s\), in row\(s\) 2"):
        fit_fast(xor_model(), x, XOR_Y, epochs=1)
    y = XOR_Y.copy()
    y[3, 0] = bad
    with pytest.raises(TrainingError, match=r"y contains .* row\(s\) 3.*dropna"):
        fit_fast(xor_model(), XOR_X, y, epochs=1)
    x_val = XOR_X.copy()
    x_val[0, 0] = bad
    with pytest.raises(TrainingError, match="validation x contains"):
        fit_fast(xor_model(), XOR_X, XOR_Y, epochs=1, validation_data=(x_val, XOR_Y))


def test_bad_data_shapes_and_types():
    model = xor_model()
    with pytest.raises(TrainingError, match="x has 4 rows but y has 3"):
        fit_fast(model, XOR_X, XOR_Y[:3], epochs=1)
    with pytest.raises(TrainingError, match=r"shape \(3,\) but the model expects \(2,\)"):
        fit_fast(model, np.zeros((4, 3)), XOR_Y, epochs=1)
    with pytest.raises(TrainingError, match="non-numeric columns \\['colour'\\]"):
        fit_fast(model, pd.DataFrame({"a": [1.0, 2.0], "colour": ["red", "blue"]}), [0, 1], epochs=1)
    with pytest.raises(TrainingError, match=r"(?s)y rows \(3,\).*target.*output.*one column per output"):
        fit_fast(model, XOR_X, np.zeros((4, 3)), epochs=1)
    with pytest.raises(TrainingError, match="x is None"):
        fit_fast(model, None, XOR_Y, epochs=1)
    with pytest.raises(TrainingError, match="x has no rows"):
        fit_fast(model, np.zeros((0, 2)), np.zeros((0, 1)), epochs=1)
    with pytest.raises(TrainingError, match="use model.fit"):
        fit_fast(model, {"a": XOR_X}, XOR_Y, epochs=1)


def test_model_without_input_layer_is_built_from_the_data():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x, y = regression_data(6, seed=8, features=2)
    history = fit_fast(model, x, y, epochs=5, batch_size=4, progress="none")
    assert len(history.history["loss"]) == 5
    assert history.history["loss"][-1] < history.history["loss"][0]
