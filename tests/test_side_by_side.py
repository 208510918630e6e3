"""side_by_side / summed_loss (lesson 02_08): training k copies side by side is training each alone."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

import keras

from course_utils.errors import TrainingError
from course_utils.lesson.seeds import side_by_side, summed_loss
from course_utils.lesson.training import fit_fast


def regression_net():
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(10, activation="relu"),
                             keras.layers.Dense(6, activation="relu"), keras.layers.Dense(1)])


def classifier():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                             keras.layers.Dense(1, activation="sigmoid")])


def test_copies_train_exactly_as_they_would_alone():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(200, 1)).astype("float32")
    y = (8 * x**2 + 7 * x + 3 + rng.normal(0, 0.1, size=(200, 1))).astype("float32")
    keras.utils.set_random_seed(3)
    model, nets = side_by_side(regression_net, copies=3)
    start = [[w.copy() for w in net.get_weights()] for net in nets]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss=summed_loss("mae"))
    fit_fast(model, x, y, epochs=40, progress="none")
    for net, weights in zip(nets, start):
        alone = regression_net()
        alone.set_weights(weights)
        alone.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="mae")
        fit_fast(alone, x, y, epochs=40, progress="none")
        for a, b in zip(alone.get_weights(), net.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # the copies started apart and stayed apart; the combined output is the copies' outputs
    assert not np.allclose(nets[0].get_weights()[0], nets[1].get_weights()[0])
    together = keras.ops.convert_to_numpy(model(x))
    for i, net in enumerate(nets):
        np.testing.assert_allclose(together[:, i], keras.ops.convert_to_numpy(net(x))[:, 0], rtol=1e-6)


def test_copy_zero_starts_where_a_single_run_starts():
    keras.utils.set_random_seed(7)
    _, nets = side_by_side(regression_net, copies=2)
    keras.utils.set_random_seed(7)
    single = regression_net()
    for a, b in zip(single.get_weights(), nets[0].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_summed_loss_adds_the_copies_losses():
    y_true = np.array([[0.0], [1.0], [1.0]], "float32")
    y_pred = np.array([[0.2, 0.9], [0.7, 0.4], [0.6, 0.5]], "float32")
    bce = keras.losses.binary_crossentropy
    per_copy = [keras.ops.convert_to_numpy(bce(y_true, y_pred[:, i:i + 1])) for i in range(2)]
    got = keras.ops.convert_to_numpy(summed_loss("binary_crossentropy")(y_true, y_pred))
    np.testing.assert_allclose(got, per_copy[0] + per_copy[1], rtol=1e-6)
    got_flat = keras.ops.convert_to_numpy(summed_loss("mae")(y_true[:, 0], y_pred))
    np.testing.assert_allclose(got_flat, np.abs(y_pred - y_true).sum(axis=1), rtol=1e-6)


def test_a_classifier_side_by_side_trains_with_the_plain_labels():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 2)).astype("float32")
    y = (X[:, 0] * X[:, 1] > 0).astype("int64")
    keras.utils.set_random_seed(0)
    model, nets = side_by_side(classifier, copies=4)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=summed_loss("binary_crossentropy"))
    history = fit_fast(model, X, y, epochs=30, progress="none")
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert keras.ops.convert_to_numpy(model(X)).shape == (64, 4)


@pytest.mark.parametrize("make_net, copies, words", [
    (regression_net, 1, "copies must be a whole number >= 2"),
    (regression_net, 2.5, "copies must be a whole number >= 2"),
    (regression_net(), 3, "function that builds a NEW network"),
    (lambda: "net", 3, "should return a Keras model"),
    ((lambda net: (lambda: net))(regression_net()), 3, "same model twice"),
    (lambda: keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)]), 3, "one output unit"),
])
def test_bad_arguments_say_what_to_do(make_net, copies, words):
    with pytest.raises(TrainingError, match=words):
        side_by_side(make_net, copies=copies)


def test_summed_loss_refuses_unknown_losses():
    with pytest.raises(TrainingError, match="unknown loss"):
        summed_loss("not_a_loss")
    with pytest.raises(TrainingError, match="loss name"):
        summed_loss(keras.losses.MeanAbsoluteError())
