"""Tests for the checks of exercise 02_02 (backpropagation in the two-layer NumPy net): for every
task, valid alternative answers pass and typical mistakes are "wrong" with a message that names
them; the gradient-check value must come from the procedure (a typed or rounded number fails);
the digits net is judged on validation rows; None, wrong types and shapes give messages, never
exceptions; a missing name is "not attempted"."""

from __future__ import annotations

import json
from pathlib import Path

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
        elif mistake == "z1_form":          # valid: σ'(a1) written as z1 (1 - z1)
            da1 = dz1 * z1 * (1.0 - z1)
        elif mistake == "sign":
            da1 = -dz1 * sigmoid_grad(a1)
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
        if mistake == "sign":
            grads = {k: -v for k, v in grads.items()}
        if mistake == "float32":   # valid: the same numbers in single precision
            grads = {k: v.astype("float32") for k, v in grads.items()}
        return grads

    return gradient


# --------------------------------------------------------------------------- task 1


@pytest.mark.parametrize("variant", [None, "in_place", "z1_form", "float32"])
def test_task1_valid_gradients_pass(variant):
    assert checks.task1.evaluate({"gradient": make_gradient(variant)}).status == "passed"


def test_task1_gradient_returning_lists_or_an_einsum_pass():
    right = make_gradient()
    as_lists = lambda p, x, t: {k: v.tolist() for k, v in right(p, x, t).items()}  # noqa: E731
    assert checks.task1.evaluate({"gradient": as_lists}).status == "passed"

    def einsum_gradient(params, x, t):
        a1 = x @ params["W1"] + params["b1"]
        z1 = sigmoid(a1)
        dy = (softmax(z1 @ params["W2"] + params["b2"]) - t) / len(x)
        da1 = np.einsum("bk,jk->bj", dy, params["W2"]) * sigmoid_grad(a1)
        return {"W1": np.einsum("bi,bj->ij", x, da1), "b1": da1.sum(0),
                "W2": np.einsum("bj,bk->jk", z1, dy), "b2": dy.sum(0)}

    assert checks.task1.evaluate({"gradient": einsum_gradient}).status == "passed"


@pytest.mark.parametrize("mistake, fragments", [
    ("sigmoid_of_z1", ("W1", "b1", "W2, b2 are right")),
    ("no_sigmoid", ("W1", "b1")),
    ("b1_mean", ("b1 (relative error",)),
    ("b2_mean", ("b2 (relative error",)),
    ("unsummed_b2", ("grads['b2'] has shape (5, 3)", "axis=0")),
    ("transposed_W2", ("grads['W2'] has shape (3, 6)", "transposed")),
    ("missing_b1", ("'b1'",)),
    ("none_W1", ("grads['W1'] is None",)),
    ("sign", ("W1", "b1", "W2", "b2")),
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


SOLUTION = next((Path(__file__).resolve().parents[1] / "solutions").glob("02_02_*.ipynb"))


def given_cells(*needles):
    """Run the solution notebook's given cells that contain ``needles``; return their namespace."""
    import course_utils.lesson as lesson

    cells = json.loads(SOLUTION.read_text(encoding="utf-8"))["cells"]
    namespace = {"np": np, "checks": checks, **{name: getattr(lesson, name) for name in ("sigmoid", "sigmoid_grad", "softmax",
                                                                      "cross_entropy_error", "numerical_gradient",
                                                                      "relative_error")}}
    exec("from sklearn.datasets import load_digits\nfrom sklearn.model_selection import train_test_split", namespace)
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "### BEGIN SOLUTION" not in source and any(n in source for n in needles):
            exec(source, namespace)
    return namespace


def test_task2_small_problem_matches_the_notebook():
    ns = given_cells("def init_params", "params_small =")
    params, x, t = checks.small_problem()
    assert all(np.array_equal(ns["params_small"][k], params[k]) for k in KEYS)
    assert np.array_equal(ns["x_small"], x) and np.array_equal(ns["t_small"], t)


@pytest.fixture
def small():
    """The notebook's small problem."""
    return checks.small_problem()


def errors_of(gradient, params, x, t, h=1e-4, compare=relative_error, loss_fn=loss):
    grads = gradient(params, x, t)
    return {k: compare(grads[k], numerical_gradient(lambda _: loss_fn(params, x, t), params[k], h=h)) for k in KEYS}


def student_error(gradient, params, x, t, **kw):
    return max(errors_of(gradient, params, x, t, **kw).values())


def ns2(small, gradient, value):
    params, x, t = small
    return {"gradient": gradient, "params_small": params, "x_small": x, "t_small": t, "max_rel_error": value}


def cs231n(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)))


def norm_ratio(a, b):
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def own_central_differences(params, x, t, h=1e-4):
    """A student's own numerical gradient loop instead of numerical_gradient."""
    grads = make_gradient()(params, x, t)
    worst = 0.0
    for key in KEYS:
        numeric = np.zeros_like(params[key])
        for index in np.ndindex(params[key].shape):
            keep = params[key][index]
            params[key][index] = keep + h
            up = loss(params, x, t)
            params[key][index] = keep - h
            down = loss(params, x, t)
            params[key][index] = keep
            numeric[index] = (up - down) / (2 * h)
        worst = max(worst, relative_error(grads[key], numeric))
    return worst


@pytest.mark.parametrize("compute", [
    lambda small: student_error(make_gradient(), *small),                         # the task's procedure
    lambda small: np.float64(student_error(make_gradient(), *small)),
    lambda small: student_error(make_gradient(), *small, h=1e-5),                 # another step size
    lambda small: student_error(make_gradient(), *small, h=1e-3),
    lambda small: student_error(make_gradient(), *small, compare=cs231n),         # another formula
    lambda small: student_error(make_gradient(), *small, compare=norm_ratio),
    lambda small: student_error(make_gradient("z1_form"), *small),                # another valid gradient
    lambda small: own_central_differences(*small),                                # own loop
    lambda small: student_error(make_gradient(), *small, loss_fn=checks._exact_loss),
])
def test_task2_valid_answers(small, compute):
    value = compute(small)
    assert checks.task2.evaluate(ns2(small, make_gradient(), value)).status == "passed", value


def test_task2_typed_rounded_and_wrong_aggregates_fail(small):
    errors = errors_of(make_gradient(), *small)
    value = max(errors.values())
    assert value < checks.MAX_REL_ERROR
    smaller = min(errors, key=errors.get)
    for typed in (1e-7, 1e-8, 5e-8, 1e-9, float(f"{value:.2e}"), float(f"{value:.3g}"), 0.0, 0.5):
        assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), typed)), "is not what a gradient check")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), float(np.mean(list(errors.values()))))),
                 "take the largest")                                                  # the mean, not the max
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), errors[smaller])), "take the largest")
    absolute = max(float(np.max(np.abs(make_gradient()(*small)[k] - numerical_gradient(
        lambda _: loss(*small), small[0][k])))) for k in KEYS)
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), absolute)), "relative_error")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), -value)), "negative")


def test_task2_wrong_gradient_cannot_pass(small):
    value = student_error(make_gradient(), *small)
    wrong = make_gradient("sigmoid_of_z1")
    assert_wrong(checks.task2.evaluate(ns2(small, wrong, value)), "fix `gradient`")
    # a correct procedure on a wrong gradient: the check says the procedure works
    assert_wrong(checks.task2.evaluate(ns2(small, wrong, student_error(wrong, *small))), "your gradient check works")


def test_task2_changed_problem_and_bad_step(small):
    params, x, t = small
    changed = {k: v.copy() for k, v in params.items()}
    changed["W1"][0, 0] += 0.5
    value = student_error(make_gradient(), changed, x, t)
    assert_wrong(checks.task2.evaluate({**ns2(small, make_gradient(), value), "params_small": changed}),
                 "params_small['W1']", "run the cell")
    tiny = student_error(make_gradient(), *small, h=1e-6)
    if tiny >= checks.MAX_REL_ERROR:   # rounding dominates with h = 1e-6: the check names the step size
        assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), tiny)), "step h")


def test_task2_missing_none_and_bad_types(small):
    value = student_error(make_gradient(), *small)
    params, x, t = small
    assert checks.task2.evaluate({}).status == "not_attempted"
    ns = ns2(small, make_gradient(), value)
    del ns["max_rel_error"]
    assert checks.task2.evaluate(ns).status == "not_attempted"
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), None)), "None")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), "1e-7")), "one number", "str")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), np.array([value] * 4))), "4 values", "largest")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), {"W1": value})), "dict")
    assert_wrong(checks.task2.evaluate(ns2(small, make_gradient(), float("nan"))), "NaN")
    assert_wrong(checks.task2.evaluate(ns2(small, None, value)), "None")
    bad = ns2(small, make_gradient(), value)
    bad["params_small"] = [1, 2]
    assert_wrong(checks.task2.evaluate(bad), "params_small")
    bad = ns2(small, make_gradient(), value)
    bad["x_small"] = x[:, :3]
    assert_wrong(checks.task2.evaluate(bad), "x_small", "run the cell")


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
    _, x_val, _, y_val = digits
    cx, cy = checks.digits_validation_split()
    assert np.array_equal(cx, x_val) and np.array_equal(cy, y_val)
    ns = given_cells("load_digits()")
    assert np.array_equal(ns["x_val"], cx) and np.array_equal(ns["y_val"], cy)


def train(digits, hidden=50, steps=1000, lr=0.5, dtype=float):
    x_train, _, y_train, _ = digits
    t_train = np.eye(10)[y_train]
    params = {k: v.astype(dtype) for k, v in init_params(64, hidden, 10).items()}
    rng = np.random.default_rng(1)
    for _ in range(steps):
        mask = rng.choice(len(x_train), 100)
        grads = make_gradient()(params, x_train[mask], t_train[mask])
        for k in KEYS:
            params[k] -= (lr * grads[k]).astype(dtype)
    return params


def test_task3_valid_answers(trained, digits):
    _, x_val, _, y_val = digits
    assert np.mean(checks.forward(trained, x_val).argmax(1) == y_val) >= 0.9
    assert checks.task3.evaluate({"trained_params": trained}).status == "passed"
    as_lists = {k: v.tolist() for k, v in trained.items()}
    assert checks.task3.evaluate({"trained_params": as_lists}).status == "passed"
    wider = train(digits, hidden=100, steps=600)                    # another hidden size, fewer steps
    assert checks.task3.evaluate({"trained_params": wider}).status == "passed"
    single = train(digits, steps=800, dtype="float32")               # single precision
    assert checks.task3.evaluate({"trained_params": single}).status == "passed"


def test_task3_wrong_answers(trained, digits):
    # 1. untrained
    assert_wrong(checks.task3.evaluate({"trained_params": init_params(64, 50, 10)}), "validation accuracy",
                 "below 90%")
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
    # 6. trained with a wrong gradient (σ' at the wrong place) for the same steps
    wrong = init_params(64, 50, 10)
    t_train = np.eye(10)[y_train]
    rng = np.random.default_rng(0)
    for _ in range(300):
        mask = rng.choice(len(x_train), 100)
        grads = make_gradient("sign")(wrong, x_train[mask], t_train[mask])
        for k in KEYS:
            wrong[k] -= 0.5 * grads[k]
    assert_wrong(checks.task3.evaluate({"trained_params": wrong}), "below")


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
    assert all(t.exercise.number == "02_02" and len(t.hints) >= 2 for t in checks.exercise.tasks)
