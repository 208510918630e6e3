"""Tests for the checks of exercise 02_02 (backpropagation in the two-layer NumPy net): the
right gradient passes and each typical backward-pass mistake is "wrong" with a message that
names the parameter; the gradient-check value must agree with a recomputation; a trained
net passes the digits test; None, wrong types and shapes give messages, never exceptions;
a missing name is "not attempted"."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.lesson.activations import cross_entropy_error, sigmoid, sigmoid_grad, softmax
from course_utils.checks import ex02_02 as checks
from course_utils.lesson.gradcheck import numerical_gradient, relative_error

KEYS = ("W1", "b1", "W2", "b2")


def assert_wrong(result, *fragments):
    assert result.status == "wrong", result
    assert result.message, result
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)


def make_gradient(mistake=None):
    """The slides' gradient, or one with a typical mistake."""

    def gradient(params, x, t):
        W1, b1, W2, b2 = (params[k] for k in KEYS)
        grads = {}
        a1 = x @ W1 + b1
        z1 = sigmoid(a1)
        y = softmax(z1 @ W2 + b2)
        dy = (y - t) / x.shape[0]
        grads["W2"] = dy.T @ z1 if mistake == "transposed_W2" else z1.T @ dy
        grads["b2"] = dy if mistake == "unsummed_b2" else np.sum(dy, axis=0)
        if mistake == "b2_mean":
            grads["b2"] = np.mean(dy, axis=0)
        dz1 = dy @ W2.T
        if mistake == "sigmoid_of_z1":
            da1 = dz1 * sigmoid_grad(z1)
        elif mistake == "no_sigmoid":
            da1 = dz1
        else:
            da1 = dz1 * sigmoid_grad(a1)
        grads["W1"] = x.T @ da1
        grads["b1"] = np.mean(da1, axis=0) if mistake == "b1_mean" else np.sum(da1, axis=0)
        if mistake == "missing_b1":
            del grads["b1"]
        if mistake == "none_W1":
            grads["W1"] = None
        if mistake == "in_place":  # right values, but the student's function scribbles on params
            params["W1"][...] = 0.0
        return grads

    return gradient


# --------------------------------------------------------------------------- task 1


def test_task1_right_gradient_passes():
    assert checks.task1.evaluate({"gradient": make_gradient()}).status == "passed"
    # a gradient that changes params in place still gets fresh copies each time
    assert checks.task1.evaluate({"gradient": make_gradient("in_place")}).status == "passed"


def test_task1_gradient_returning_lists_passes():
    right = make_gradient()
    as_lists = lambda p, x, t: {k: v.tolist() for k, v in right(p, x, t).items()}  # noqa: E731
    assert checks.task1.evaluate({"gradient": as_lists}).status == "passed"


@pytest.mark.parametrize("mistake, fragments", [
    ("sigmoid_of_z1", ("W1", "b1", "W2, b2 are right")),
    ("no_sigmoid", ("W1", "b1")),
    ("b1_mean", ("b1 (relative error",)),
    ("b2_mean", ("b2 (relative error",)),
    ("unsummed_b2", ("grads['b2'] has shape (5, 3)", "axis=0")),
    ("transposed_W2", ("grads['W2'] has shape (3, 6)", "transposed")),
    ("missing_b1", ("'b1'",)),
    ("none_W1", ("grads['W1'] is None",)),
])
def test_task1_typical_mistakes_are_named(mistake, fragments):
    result = checks.task1.evaluate({"gradient": make_gradient(mistake)})
    assert_wrong(result, *fragments)
    assert "z1.T" not in result.message and "sigmoid_grad(a1)" not in result.message  # no formula given away


def test_task1_missing_blank_none_and_bad_types():
    def blank(params, x, t):
        raise NotImplementedError("Task: replace this line with your code")

    def crashes(params, x, t):
        return params["W3"]

    assert checks.task1.evaluate({}).status == "not_attempted"
    assert checks.task1.evaluate({"gradient": blank}).status == "not_attempted"
    assert_wrong(checks.task1.evaluate({"gradient": None}), "None")
    assert_wrong(checks.task1.evaluate({"gradient": 3}), "function", "int")
    assert_wrong(checks.task1.evaluate({"gradient": crashes}), "raised KeyError")
    assert_wrong(checks.task1.evaluate({"gradient": lambda p, x, t: None}), "returned a NoneType")
    assert_wrong(checks.task1.evaluate({"gradient": lambda p, x, t: [1, 2]}), "returned a list")
    assert_wrong(checks.task1.evaluate({"gradient": lambda p, x, t: {k: "x" for k in KEYS}}), "not an array")
    nan = lambda p, x, t: {k: np.full_like(v, np.nan) for k, v in p.items()}  # noqa: E731
    assert_wrong(checks.task1.evaluate({"gradient": nan}), "NaN")


# --------------------------------------------------------------------------- task 2


def init_params(input_size, hidden_size, output_size, weight_init_std=0.01, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": weight_init_std * rng.standard_normal((input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)), "b2": np.zeros(output_size)}


def loss(params, x, t):
    return cross_entropy_error(checks.forward(params, x), t)


@pytest.fixture
def small():
    """The notebook's small problem."""
    rng = np.random.default_rng(18)
    params = init_params(4, 5, 3, weight_init_std=0.1, seed=18)
    x = rng.standard_normal((3, 4))
    t = np.eye(3)[rng.integers(0, 3, 3)]
    return params, x, t


def student_error(gradient, params, x, t, h=1e-4):
    grads = gradient(params, x, t)
    return max(relative_error(grads[k], numerical_gradient(lambda _: loss(params, x, t), params[k], h=h)) for k in KEYS)


def ns2(small, gradient, value):
    params, x, t = small
    return {"gradient": gradient, "params_small": params, "x_small": x, "t_small": t, "max_rel_error": value}


def test_task2_right_answer_passes(small):
    value = student_error(make_gradient(), *small)
    assert value < checks.MAX_REL_ERROR
    assert checks.task2.evaluate(ns2(small, make_gradient(), value)).status == "passed"
    # another step size h gives another (still tiny) error: accepted
    other = student_error(make_gradient(), *small, h=1e-5)
    assert checks.task2.evaluate(ns2(small, make_gradient(), other)).status == "passed"
    assert checks.task2.evaluate(ns2(small, make_gradient(), np.float64(value))).status == "passed"


def test_task2_wrong_answers(small):
    value = student_error(make_gradient(), *small)
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), 0.0)), "does not match")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), 0.5)), "does not match")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), -value)), "negative")
    # a wrong gradient cannot pass, whatever value is reported
    wrong = make_gradient("sigmoid_of_z1")
    assert_wrong(checks.task2.evaluate(ns2(small, wrong, value)), "fix `gradient`")
    assert_wrong(checks.task2.evaluate(ns2(small, wrong, student_error(wrong, *small))), "fix `gradient`")


def test_task2_missing_none_and_bad_types(small):
    value = student_error(make_gradient(), *small)
    params, x, t = small
    assert checks.task2.evaluate({}).status == "not_attempted"
    ns = ns2(small, make_gradient(), value)
    del ns["max_rel_error"]
    assert checks.task2.evaluate(ns).status == "not_attempted"
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), None)), "None")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), "1e-7")), "one number", "str")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), np.array([value] * 4))), "4 values", "max")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), {"W1": value})), "dict")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), float("nan"))), "NaN")
    assert_wrong(checks.task2.evaluate(ns2(small, None, value)), "None")
    bad = ns2(small, make_gradient(), value)
    bad["params_small"] = [1, 2]
    assert_wrong(checks.task2.evaluate(bad), "params_small")
    bad = ns2(small, make_gradient(), value)
    bad["x_small"] = x[:, :3]
    assert_wrong(checks.task2.evaluate(bad), "do not fit")


# --------------------------------------------------------------------------- task 3


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = data.data / 16.0
    return train_test_split(x, data.target, test_size=0.25, random_state=0, stratify=data.target)


@pytest.fixture(scope="module")
def trained(digits):
    x_train, _, y_train, _ = digits
    t_train = np.eye(10)[y_train]
    params = init_params(64, 50, 10)
    gradient = make_gradient()
    rng = np.random.default_rng(0)
    for _ in range(1000):
        mask = rng.choice(len(x_train), 100)
        grads = gradient(params, x_train[mask], t_train[mask])
        for k in KEYS:
            params[k] -= 0.5 * grads[k]
    return params


def test_task3_split_matches_the_notebook(digits):
    _, x_test, _, y_test = digits
    cx, cy = checks.digits_test_split()
    assert np.array_equal(cx, x_test) and np.array_equal(cy, y_test)


def test_task3_trained_net_passes(trained, digits):
    _, x_test, _, y_test = digits
    assert np.mean(checks.forward(trained, x_test).argmax(1) == y_test) >= 0.9
    assert checks.task3.evaluate({"trained_params": trained}).status == "passed"


def test_task3_wrong_answers(trained, digits):
    # 1. untrained
    assert_wrong(checks.task3.evaluate({"trained_params": init_params(64, 50, 10)}), "test accuracy", "below 90%")
    # 2. trained only a little (20 steps with a small learning rate): still below the bar
    few = init_params(64, 50, 10)
    x_train, _, y_train, _ = digits
    for step in range(20):
        grads = make_gradient()(few, x_train[:100], np.eye(10)[y_train[:100]])
        for k in KEYS:
            few[k] -= 0.1 * grads[k]
    assert_wrong(checks.task3.evaluate({"trained_params": few}), "below")
    # 3. labels scrambled: the output columns permuted
    permuted = dict(trained)
    permuted["W2"] = trained["W2"][:, ::-1]
    permuted["b2"] = trained["b2"][::-1]
    assert_wrong(checks.task3.evaluate({"trained_params": permuted}), "below")
    # 4. transposed weights
    transposed = dict(trained)
    transposed["W1"] = trained["W1"].T
    assert_wrong(checks.task3.evaluate({"trained_params": transposed}), "shapes", "64 rows")
    # 5. diverged
    nan = dict(trained)
    nan["b1"] = np.full_like(trained["b1"], np.nan)
    assert_wrong(checks.task3.evaluate({"trained_params": nan}), "NaN", "diverged")


def test_task3_missing_none_and_bad_types(trained):
    assert checks.task3.evaluate({}).status == "not_attempted"
    assert_wrong(checks.task3.evaluate({"trained_params": None}), "None")
    assert_wrong(checks.task3.evaluate({"trained_params": [trained["W1"]]}), "dict", "list")
    assert_wrong(checks.task3.evaluate({"trained_params": {"W1": trained["W1"]}}), "'b1'")
    bad = dict(trained)
    bad["b2"] = "ten"
    assert_wrong(checks.task3.evaluate({"trained_params": bad}), "b2", "not an array")
    short = dict(trained)
    short["W2"] = trained["W2"][:, :9]
    assert_wrong(checks.task3.evaluate({"trained_params": short}), "10 columns")


def test_module_layout():
    assert checks.exercise.number == "02_02"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.exercise.number == "02_02" and t.hints for t in checks.exercise.tasks)
