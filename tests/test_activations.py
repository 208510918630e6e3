"""Tests for course_utils.lesson.activations (lesson 02_02).

Every derivative is checked twice: against central differences
(course_utils.lesson.gradcheck.numerical_gradient) and against TensorFlow's autodiff.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import warnings

import numpy as np
import pytest
import tensorflow as tf

from course_utils.lesson import activations as act
from course_utils.lesson.activations import (
    ACTIVATIONS,
    cross_entropy_error,
    elu,
    elu_grad,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    tanh,
    tanh_grad,
)
from course_utils.errors import ActivationInputError
from course_utils.lesson.gradcheck import numerical_gradient, relative_error

# Many points in [-6, 6], none within 0.01 of the kinks at 0.
_GRID = np.linspace(-6.0, 6.0, 601)
POINTS = _GRID[np.abs(_GRID) > 1e-2]

# TensorFlow stores leaky_relu's alpha as float32 (0.1 → 0.10000000149), hence its looser tolerance.
RTOL = {"leaky_relu": 1e-7}

TF_FUNCTIONS = {
    "sigmoid": tf.nn.sigmoid,
    "tanh": tf.nn.tanh,
    "relu": tf.nn.relu,
    "leaky_relu": lambda x: tf.nn.leaky_relu(x, alpha=0.1),
    "elu": tf.nn.elu,
}


def tf_value_and_grad(name, x):
    xt = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = TF_FUNCTIONS[name](xt)
    return y.numpy(), tape.gradient(y, xt).numpy()


def test_registry_has_the_slides_activations_in_order():
    assert list(ACTIVATIONS) == ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]
    assert ACTIVATIONS["sigmoid"] == (sigmoid, sigmoid_grad)
    assert ACTIVATIONS["tanh"] == (tanh, tanh_grad)
    assert ACTIVATIONS["relu"] == (relu, relu_grad)
    assert ACTIVATIONS["leaky_relu"] == (leaky_relu, leaky_relu_grad)
    assert ACTIVATIONS["elu"] == (elu, elu_grad)
    assert set(TF_FUNCTIONS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_values_match_tensorflow(name):
    f, _ = ACTIVATIONS[name]
    expected, _ = tf_value_and_grad(name, _GRID)
    np.testing.assert_allclose(f(_GRID), expected, rtol=RTOL.get(name, 1e-12), atol=1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_matches_tensorflow_autodiff(name):
    _, df = ACTIVATIONS[name]
    _, expected = tf_value_and_grad(name, POINTS)
    np.testing.assert_allclose(df(POINTS), expected, rtol=RTOL.get(name, 1e-10), atol=1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_matches_numerical_gradient(name):
    f, df = ACTIVATIONS[name]
    x = POINTS.reshape(20, -1).copy()           # any shape works
    numeric = numerical_gradient(lambda v: np.sum(f(v)), x)
    np.testing.assert_allclose(df(x), numeric, rtol=1e-6, atol=1e-8)
    assert relative_error(df(x), numeric) < 1e-5     # tails (f' ≈ 1e-5) limit the precision


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_a_wrong_derivative_is_caught(name):
    # The comparison above can fail: the function itself is not its derivative.
    f, df = ACTIVATIONS[name]
    numeric = numerical_gradient(lambda v: np.sum(f(v)), POINTS.copy())
    assert relative_error(f(POINTS), numeric) > 1e-2
    assert relative_error(df(POINTS) * 1.01, numeric) > 1e-3


def test_values_at_the_kinks_follow_tensorflow():
    assert relu_grad(0.0) == 0.0
    assert leaky_relu_grad(0.0) == pytest.approx(0.1)
    assert elu_grad(0.0) == 1.0
    _, tf_relu = tf_value_and_grad("relu", np.array([0.0]))
    _, tf_leaky = tf_value_and_grad("leaky_relu", np.array([0.0]))
    _, tf_elu = tf_value_and_grad("elu", np.array([0.0]))
    assert tf_relu[0] == relu_grad(0.0)
    assert tf_leaky[0] == pytest.approx(leaky_relu_grad(0.0))
    assert tf_elu[0] == elu_grad(0.0)


def test_sigmoid_grad_is_sigma_times_one_minus_sigma():
    x = np.linspace(-10, 10, 201)
    s = sigmoid(x)
    np.testing.assert_allclose(sigmoid_grad(x), s * (1 - s), rtol=1e-9, atol=1e-15)
    assert sigmoid(0.0) == 0.5
    assert sigmoid_grad(0.0) == 0.25


def test_sigmoid_is_stable_for_large_inputs():
    x = np.array([-1000.0, -745.0, -50.0, 50.0, 745.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = sigmoid(x)
            g = sigmoid_grad(x)
            e = elu(np.array([-1000.0, 1000.0]))
            eg = elu_grad(np.array([-1000.0, 1000.0]))
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(g))
    assert s[0] == 0.0 and s[-1] == 1.0
    assert sigmoid(1000) == 1.0 and sigmoid(-1000) == 0.0
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(g, g[::-1])         # symmetric, not rounded to 0 on one side
    assert g[2] > 0 and g[3] > 0
    np.testing.assert_allclose(e, [-1.0, 1000.0])
    np.testing.assert_allclose(eg, [0.0, 1.0])


def test_leaky_relu_is_the_slides_max_of_0_1x_and_x():
    x = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(leaky_relu(x), np.maximum(0.1 * x, x))
    np.testing.assert_allclose(leaky_relu(x, alpha=0.2), np.maximum(0.2 * x, x))
    np.testing.assert_allclose(leaky_relu_grad(np.array([-2.0, 3.0]), alpha=0.2), [0.2, 1.0])


def test_elu_with_another_alpha_against_numerical_gradient():
    x = POINTS.copy()
    numeric = numerical_gradient(lambda v: np.sum(elu(v, alpha=2.0)), x)
    np.testing.assert_allclose(elu_grad(x, alpha=2.0), numeric, rtol=1e-6, atol=1e-8)
    assert elu(-1.0, alpha=2.0) == pytest.approx(2.0 * (np.exp(-1.0) - 1.0))


def test_shapes_and_scalar_inputs():
    for name, (f, df) in ACTIVATIONS.items():
        out = f(1.5)
        assert isinstance(out, np.floating), name
        assert isinstance(df(1.5), np.floating), name
        assert f([[1.0, -2.0], [0.5, 3.0]]).shape == (2, 2)
        assert df(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    assert relu([-1, 2]).dtype == np.float64        # integer input gives floats


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ActivationInputError, match="sigmoid"):
        sigmoid("1.0")
    with pytest.raises(ActivationInputError, match="relu_grad"):
        relu_grad(None)
    with pytest.raises(ActivationInputError, match="Ragged"):
        tanh([[1, 2], [3]])
    with pytest.raises(ActivationInputError, match="alpha"):
        leaky_relu(1.0, alpha="big")


# --- softmax ----------------------------------------------------------------------------------

def test_softmax_1d_and_rows_sum_to_one():
    v = softmax(np.array([0.3, 2.9, 4.0]))
    np.testing.assert_allclose(v, [0.01821127, 0.24519181, 0.73659691], rtol=1e-6)
    assert v.sum() == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    batch = rng.normal(size=(7, 5)) * 10
    out = softmax(batch)
    assert out.shape == (7, 5)
    np.testing.assert_allclose(out.sum(axis=1), np.ones(7))
    np.testing.assert_allclose(out, tf.nn.softmax(tf.constant(batch)).numpy(), rtol=1e-12)
    # each row independently (not normalised over the whole batch)
    np.testing.assert_allclose(out[3], softmax(batch[3]))


def test_softmax_is_stable_and_shift_invariant():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            big = softmax(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]))
    np.testing.assert_allclose(big[0], softmax(np.array([0.0, 1.0, 2.0])))
    np.testing.assert_allclose(big.sum(axis=1), [1.0, 1.0])
    assert big[1, 2] == pytest.approx(1.0)


def test_softmax_errors():
    with pytest.raises(ActivationInputError, match="single number"):
        softmax(3.0)
    with pytest.raises(ActivationInputError, match="NaN"):
        softmax(np.array([1.0, np.nan]))
    with pytest.raises(ActivationInputError, match="empty"):
        softmax(np.zeros((2, 0)))


# --- cross-entropy ----------------------------------------------------------------------------

Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])


def test_cross_entropy_single_sample_one_hot_and_label():
    t = np.zeros(10)
    t[2] = 1
    assert cross_entropy_error(Y, t) == pytest.approx(-np.log(0.6 + 1e-7))
    assert cross_entropy_error(Y, 2) == pytest.approx(-np.log(0.6 + 1e-7))
    t_wrong = np.zeros(10)
    t_wrong[7] = 1
    assert cross_entropy_error(Y, t_wrong) == pytest.approx(-np.log(0.1 + 1e-7))   # ≈ 2.30
    # log(0) is kept away by the delta: finite, large
    assert np.isfinite(cross_entropy_error(Y, 3)) and cross_entropy_error(Y, 3) > 16


def test_cross_entropy_batch_average_and_formats_agree():
    rng = np.random.default_rng(1)
    y = softmax(rng.normal(size=(6, 4)))
    labels = np.array([0, 3, 1, 1, 2, 0])
    one_hot = np.eye(4)[labels]
    expected = -np.mean(np.log(y[np.arange(6), labels] + 1e-7))
    assert cross_entropy_error(y, one_hot) == pytest.approx(expected)
    assert cross_entropy_error(y, labels) == pytest.approx(expected)
    assert cross_entropy_error(y, labels.reshape(-1, 1)) == pytest.approx(expected)
    assert cross_entropy_error(y, labels.astype(float)) == pytest.approx(expected)
    # batch-averaged, not summed: doubling the batch keeps the value
    assert cross_entropy_error(np.vstack([y, y]), np.concatenate([labels, labels])) == pytest.approx(expected)
    # matches Keras/TF categorical cross-entropy (up to the 1e-7 delta)
    tf_loss = tf.reduce_mean(tf.keras.losses.categorical_crossentropy(one_hot, y)).numpy()
    assert cross_entropy_error(y, one_hot) == pytest.approx(tf_loss, rel=1e-5)
    assert isinstance(cross_entropy_error(y, labels), float)


def test_softmax_with_loss_gradient_is_y_minus_t_over_batch():
    # The slides' two-layer net starts backprop with dy = (y - t) / batch_num.
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(5, 3))
    t = np.eye(3)[[0, 2, 1, 1, 0]]
    numeric = numerical_gradient(lambda a: cross_entropy_error(softmax(a), t), scores)
    analytic = (softmax(scores) - t) / 5
    assert relative_error(analytic, numeric) < 1e-5
    assert relative_error(softmax(scores) - t, numeric) > 0.5      # forgetting "/ batch" is caught


def test_cross_entropy_errors():
    y = softmax(np.zeros((3, 4)))
    with pytest.raises(ActivationInputError, match=r"0\.\.3"):
        cross_entropy_error(y, [0, 1, 4])
    with pytest.raises(ActivationInputError, match=r"0\.\.3"):
        cross_entropy_error(y, [0, -1, 2])
    with pytest.raises(ActivationInputError, match="whole numbers"):
        cross_entropy_error(y, [0, 1.5, 2])
    with pytest.raises(ActivationInputError, match="shape"):
        cross_entropy_error(y, np.zeros((3, 5)))
    with pytest.raises(ActivationInputError, match="softmax"):
        cross_entropy_error(np.array([[2.0, -1.0]]), [0])
    with pytest.raises(ActivationInputError, match="NaN"):
        cross_entropy_error(np.array([[np.nan, 1.0]]), [0])
    with pytest.raises(ActivationInputError, match="one-hot"):
        cross_entropy_error(y, "cat")
    with pytest.raises(ActivationInputError, match="one-hot"):
        cross_entropy_error(y, None)


def test_module_docstrings_name_the_lesson():
    assert "02_02" in act.__doc__
    for f, df in ACTIVATIONS.values():
        assert "02_02" in f.__doc__ and "02_02" in df.__doc__
    assert "02_02" in softmax.__doc__ and "02_02" in cross_entropy_error.__doc__
