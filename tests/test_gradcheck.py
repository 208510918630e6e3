"""Tests for course_utils.lesson.gradcheck (lesson 02_02)."""

import numpy as np
import pytest

from course_utils.lesson.activations import sigmoid, sigmoid_grad, softmax, cross_entropy_error
from course_utils.errors import GradCheckError
from course_utils.lesson.gradcheck import numerical_gradient, relative_error


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 2, 2)])
def test_sum_of_squares_any_shape(shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    grad = numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert grad.shape == x.shape and grad.dtype == x.dtype
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8, atol=1e-10)


def test_slides_chain_rule_example():
    # f(x, y, z) = (x + y)·z at (-2, 5, -4): df/dx = df/dy = z = -4, df/dz = x + y = 3
    v = np.array([-2.0, 5.0, -4.0])
    grad = numerical_gradient(lambda v: (v[0] + v[1]) * v[2], v)
    np.testing.assert_allclose(grad, [-4.0, -4.0, 3.0], atol=1e-9)


def test_slides_sigmoid_neuron():
    # f = σ(w0·x0 + w1·x1 + w2) at w = (2, -3, -3), x = (-1, -2)
    w = np.array([2.0, -3.0, -3.0])
    x = np.array([-1.0, -2.0])
    dw = numerical_gradient(lambda w: sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]), w)
    dx = numerical_gradient(lambda x: sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]), x)
    np.testing.assert_allclose(np.round(dw, 1), [-0.2, -0.4, 0.2])
    np.testing.assert_allclose(np.round(dx, 1), [0.4, -0.6])
    local = sigmoid_grad(1.0)                          # w·x + b = 1 here
    np.testing.assert_allclose(dw, local * np.array([-1.0, -2.0, 1.0]), rtol=1e-7)
    np.testing.assert_allclose(dx, local * w[:2], rtol=1e-7)


def test_central_not_forward_difference():
    # For x³ at 1 the central difference is 3 + h² (error 1e-8); a forward difference
    # would be 3 + 3h + h² (error 3e-4), so this fails for the wrong formula.
    g = numerical_gradient(lambda v: v[0] ** 3, np.array([1.0]))
    assert abs(g[0] - 3.0) < 1e-7
    g = numerical_gradient(lambda v: v[0] ** 3, np.array([1.0]), h=1e-2)
    assert g[0] == pytest.approx(3.0 + 1e-4, rel=1e-9)


def test_x_is_restored_exactly():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5)) * 1e3 + 0.1           # values where x + h - h != x in floating point
    before = x.copy()
    numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert x.tobytes() == before.tobytes()


def test_x_is_restored_when_f_raises():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    calls = []

    def f(v):
        calls.append(v.copy())
        if len(calls) == 3:                            # second element, first nudge (+h)
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert x.tobytes() == before.tobytes()
    assert calls[2][1] == pytest.approx(0.2 + 1e-4)    # f saw the nudged array


def test_f_may_read_the_array_by_another_name():
    # The slides' idiom: f ignores its argument and reads the network's weights.
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda _: np.sum(W ** 2), W)
    np.testing.assert_allclose(grad, 2 * W, rtol=1e-8)


def test_float32_works_and_accepts_numpy_or_0d_results():
    x = np.array([1.0, 2.0], dtype=np.float32)
    grad = numerical_gradient(lambda v: np.float32(np.sum(v * 3)), x, h=1e-2)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, [3.0, 3.0], rtol=1e-3)
    grad = numerical_gradient(lambda v: np.asarray(np.sum(v)), np.array([1.0]))
    np.testing.assert_allclose(grad, [1.0])


def test_two_layer_net_backprop_check():
    # The slides' exercise: affine → sigmoid → affine → softmax, gradients by backprop,
    # checked against the numerical gradient. A wrong backprop must be caught.
    rng = np.random.default_rng(4)
    x = rng.normal(size=(6, 4))
    t = np.eye(3)[rng.integers(0, 3, size=6)]
    params = {"W1": rng.normal(size=(4, 5)) * 0.5, "b1": rng.normal(size=5) * 0.1,
              "W2": rng.normal(size=(5, 3)) * 0.5, "b2": rng.normal(size=3) * 0.1}

    def loss(_):
        z1 = sigmoid(x @ params["W1"] + params["b1"])
        return cross_entropy_error(softmax(z1 @ params["W2"] + params["b2"]), t)

    a1 = x @ params["W1"] + params["b1"]
    z1 = sigmoid(a1)
    y = softmax(z1 @ params["W2"] + params["b2"])
    dy = (y - t) / x.shape[0]
    dz1 = dy @ params["W2"].T
    da1 = dz1 * sigmoid_grad(a1)
    analytic = {"W2": z1.T @ dy, "b2": dy.sum(axis=0), "W1": x.T @ da1, "b1": da1.sum(axis=0)}
    for name in params:
        numeric = numerical_gradient(loss, params[name])
        assert relative_error(analytic[name], numeric) < 1e-5, name
    # forgetting σ' in da1 is caught
    wrong_W1 = x.T @ dz1
    assert relative_error(wrong_W1, numerical_gradient(loss, params["W1"])) > 1e-2


def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0              # no 0/0
    assert relative_error([1e-9], [0.0]) == pytest.approx(1e-9 / 1e-8)    # floor of 1e-8
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert isinstance(relative_error([1.0], [1.0]), float)
    assert relative_error(np.ones((2, 2)), np.full((2, 2), 1.5)) == pytest.approx(0.2)


def test_relative_error_errors():
    with pytest.raises(GradCheckError, match="shapes differ"):
        relative_error(np.ones(3), np.ones((3, 1)))
    with pytest.raises(GradCheckError, match="NaN"):
        relative_error([np.nan], [1.0])
    with pytest.raises(GradCheckError, match="empty"):
        relative_error([], [])
    with pytest.raises(GradCheckError, match="numbers"):
        relative_error(["a"], [1.0])


def test_numerical_gradient_errors():
    x = np.array([1.0, 2.0])
    with pytest.raises(GradCheckError, match=r"single number.*\(2,\).*np\.sum"):
        numerical_gradient(lambda v: v ** 2, x)
    with pytest.raises(GradCheckError, match="must return a number"):
        numerical_gradient(lambda v: "loss", x)
    with pytest.raises(GradCheckError, match="must return a number"):
        numerical_gradient(lambda v: None, x)
    with pytest.raises(GradCheckError, match=r"dtype int64.*astype\(float\)"):
        numerical_gradient(lambda v: np.sum(v), np.array([1, 2]))
    with pytest.raises(GradCheckError, match=r"NumPy float array.*got list"):
        numerical_gradient(lambda v: np.sum(v), [1.0, 2.0])
    with pytest.raises(GradCheckError, match="function"):
        numerical_gradient(3.0, x)
    with pytest.raises(GradCheckError, match="positive"):
        numerical_gradient(lambda v: np.sum(v), x, h=0)
    with pytest.raises(GradCheckError, match="finite"), np.errstate(invalid="ignore"):
        numerical_gradient(lambda v: np.log(v[0] - 1.0), x)      # log(0 - h) → NaN
    ro = np.array([1.0, 2.0])
    ro.flags.writeable = False
    with pytest.raises(GradCheckError, match="read-only"):
        numerical_gradient(lambda v: np.sum(v), ro)
    assert np.array_equal(x, [1.0, 2.0])
