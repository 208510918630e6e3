"""Tests for the checks of exercise 02_08 (binary classification): right answers pass, wrong
answers, None and wrong types are "wrong" with a message (never an exception), a missing name is
"not attempted", and no message gives the expected numbers away.

Right answers are built without Keras training: scikit-learn fits the weights (a small MLP or a
logistic regression), which are then copied into Keras models of the same shape.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.neural_network import MLPClassifier

from course_utils.checks import ex02_08 as checks
from course_utils.lesson.normalize import StandardNormalizer


# --------------------------------------------------------------------------- model builders

def keras_copy(coefs, intercepts, *, hidden="relu", output="sigmoid"):
    """A Keras Sequential model with the given Dense weights (kernels of shape (in, out))."""
    layers = [keras.Input((coefs[0].shape[0],))]
    for i, kernel in enumerate(coefs):
        last = i == len(coefs) - 1
        layers.append(keras.layers.Dense(kernel.shape[1], activation=output if last else hidden))
    model = keras.Sequential(layers)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer, kernel, bias in zip(dense, coefs, intercepts):
        layer.set_weights([np.asarray(kernel, "float32"), np.asarray(bias, "float32").reshape(-1)])
    return model


def from_sklearn_mlp(mlp, **kwargs):
    return keras_copy(mlp.coefs_, mlp.intercepts_, **kwargs)


def from_logistic(logistic, **kwargs):
    return keras_copy([logistic.coef_.T], [logistic.intercept_], **kwargs)


@pytest.fixture(scope="module")
def moons():
    X, y = checks.moons_data()
    mlp = MLPClassifier(hidden_layer_sizes=(16, 16), random_state=0, max_iter=3000).fit(X, y)
    logistic = LogisticRegression().fit(X, y)
    keras.utils.set_random_seed(0)
    return {
        "X": X, "y": y,
        "right": from_sklearn_mlp(mlp),
        "logits": from_sklearn_mlp(mlp, output=None),             # no sigmoid: scores, not probabilities
        "perceptron": from_logistic(logistic),                     # a single sigmoid unit: a straight line
        "untrained": keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                                       keras.layers.Dense(1, activation="sigmoid")]),
    }


@pytest.fixture(scope="module")
def cancer():
    parts = checks.cancer_split()
    norm = StandardNormalizer().fit(parts["X_train"])
    n = {k: norm.transform(parts[k]) for k in ("X_train", "X_val", "X_test")}
    logistic = LogisticRegression(max_iter=2000).fit(n["X_train"].to_numpy(), parts["y_train"].to_numpy())
    model = from_logistic(logistic)
    y_pred = (logistic.predict_proba(n["X_test"].to_numpy())[:, 1] >= 0.5).astype(int)
    X, X_train = parts["X"], parts["X_train"]
    return {
        **parts, "norm": n, "model": model, "y_pred": y_pred,
        "confusion": confusion_matrix(parts["y_test"], y_pred),
        "all_rows": {k: (parts[k] - X.mean()) / X.std() for k in ("X_train", "X_val", "X_test")},
        "ddof0": {k: (parts[k] - X_train.mean()) / X_train.std(ddof=0) for k in ("X_train", "X_val", "X_test")},
        "raw_model": from_logistic(LogisticRegression(max_iter=5000).fit(
            parts["X_train"].to_numpy(), parts["y_train"].to_numpy())),
    }


def split_ns(c, **override):
    ns = {"X_train_n": c["norm"]["X_train"], "X_val_n": c["norm"]["X_val"], "X_test_n": c["norm"]["X_test"]}
    ns.update(override)
    return ns


def status(task, ns):
    result = task.evaluate(ns)
    return result.status, result.message


# --------------------------------------------------------------------------- task 1

def test_moons_data_matches_the_exercise_cell():
    from sklearn.datasets import make_moons

    X, y = checks.moons_data()
    X2, y2 = make_moons(n_samples=400, noise=0.2, random_state=7)
    assert np.array_equal(X, X2.astype("float32")) and np.array_equal(y, y2)


def test_task1_right_answer_passes(moons):
    assert checks.task1.evaluate({"moons_model": moons["right"]}).status == "passed"
    # any callable returning probabilities is judged the same way
    fn = lambda X: moons["right"](X, training=False)  # noqa: E731
    assert checks.task1.evaluate({"moons_model": fn}).status == "passed"


@pytest.mark.parametrize("key, words", [
    ("perceptron", "single Dense layer"),
    ("untrained", "Is it trained"),
    ("logits", "not probabilities"),
])
def test_task1_wrong_models(moons, key, words):
    state, message = status(checks.task1, {"moons_model": moons[key]})
    assert state == "wrong" and words in message, message


def test_task1_wrong_shapes(moons):
    three_inputs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    state, message = status(checks.task1, {"moons_model": three_inputs})
    assert state == "wrong" and "keras.Input((2,))" in message
    two_outputs = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    state, message = status(checks.task1, {"moons_model": two_outputs})
    assert state == "wrong" and "Dense(1, activation='sigmoid')" in message


@pytest.mark.parametrize("value, words", [(None, "None"), ("moons_model", "str"), (3, "int"),
                                          (keras.Sequential, "should be a Keras model")])
def test_task1_none_and_wrong_types(value, words):
    state, message = status(checks.task1, {"moons_model": value})
    assert state == "wrong" and words in message, message


def test_task1_not_attempted():
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_right_answers_pass(cancer):
    assert checks.task2.evaluate(split_ns(cancer)).status == "passed"
    arrays = {k: v.to_numpy("float32") for k, v in split_ns(cancer).items()}
    assert checks.task2.evaluate(arrays).status == "passed"


def test_task2_wrong_answers(cancer):
    n, X_test, X_train = cancer["norm"], cancer["X_test"], cancer["X_train"]
    cases = [
        (split_ns(cancer, X_test_n=cancer["all_rows"]["X_test"]), "ALL rows"),
        (split_ns(cancer, X_train_n=cancer["all_rows"]["X_train"]), "ALL rows"),
        (split_ns(cancer, X_val_n=cancer["all_rows"]["X_val"]), "ALL rows"),
        (split_ns(cancer, X_test_n=(X_test - X_test.mean()) / X_test.std()), "its own rows"),
        (split_ns(cancer, X_val_n=cancer["ddof0"]["X_val"]), "ddof=0"),
        (split_ns(cancer, X_test_n=(X_test - X_train.min()) / (X_train.max() - X_train.min())), "min-max"),
        (split_ns(cancer, X_test_n=X_test), "not (x - mean) / std"),
        (split_ns(cancer, X_test_n=n["X_test"].iloc[:50]), "rows"),
        (split_ns(cancer, X_test_n=n["X_val"]), "same rows"),
        (split_ns(cancer, X_test_n=n["X_test"].iloc[:, :10]), "missing column"),
    ]
    secrets = [f"{v:.4f}" for v in n["X_test"].to_numpy().ravel()[:30]]
    for ns, words in cases:
        state, message = status(checks.task2, ns)
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets)


@pytest.mark.parametrize("value, words", [(None, "None"), ("X_test_n", "str"), (2.0, "float"),
                                          ([[1, 2], [3, 4]], "shape")])
def test_task2_none_and_wrong_types(cancer, value, words):
    state, message = status(checks.task2, split_ns(cancer, X_test_n=value))
    assert state == "wrong" and "X_test_n" in message and words in message, message


def test_task2_not_attempted(cancer):
    ns = split_ns(cancer)
    del ns["X_val_n"]
    assert checks.task2.evaluate(ns).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def test_cancer_split_matches_the_exercise_cell():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer(as_frame=True)
    y = (data.target == 0).astype(int)
    X_rest, X_test, y_rest, y_test = train_test_split(data.data, y, test_size=0.2, stratify=y, random_state=42)
    X_train, X_val, _, _ = train_test_split(X_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=42)
    parts = checks.cancer_split()
    for name, frame in [("X_train", X_train), ("X_val", X_val), ("X_test", X_test)]:
        assert parts[name].index.equals(frame.index)
    assert (parts["y_test"].to_numpy() == y_test.to_numpy()).all()
    assert (len(parts["X_train"]), len(parts["X_val"]), len(parts["X_test"])) == (341, 114, 114)


def test_task3_right_answer_passes(cancer):
    assert checks.task3.evaluate({"cancer_model": cancer["model"], **split_ns(cancer)}).status == "passed"


def test_task3_wrong_answers(cancer):
    ns = split_ns(cancer)
    never = keras_copy([np.zeros((30, 1))], [np.array([-5.0])])           # always "benign"
    cases = [
        ({"cancer_model": cancer["model"], **split_ns(cancer, X_test_n=cancer["all_rows"]["X_test"])},
         "task 2 is not right yet"),
        ({"cancer_model": cancer["model"], **split_ns(cancer, X_val_n=None)}, "`X_val_n` is None"),
        ({"cancer_model": never, **ns}, "test accuracy"),
        ({"cancer_model": cancer["raw_model"], **ns}, "test accuracy"),    # trained on raw features
        ({"cancer_model": keras_copy([np.ones((30, 1))], [np.zeros(1)], output=None), **ns}, "not probabilities"),
        ({"cancer_model": keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)]), **ns}, "keras.Input((30,))"),
    ]
    for namespace, words in cases:
        state, message = status(checks.task3, namespace)
        assert state == "wrong" and words in message, (words, message)


@pytest.mark.parametrize("value, words", [(None, "None"), ("model", "str"), ({"a": 1}, "dict")])
def test_task3_none_and_wrong_types(cancer, value, words):
    state, message = status(checks.task3, {"cancer_model": value, **split_ns(cancer)})
    assert state == "wrong" and words in message, message


def test_task3_not_attempted(cancer):
    assert checks.task3.evaluate(split_ns(cancer)).status == "not_attempted"


# --------------------------------------------------------------------------- task 4

def task4_ns(cancer, confusion, **override):
    ns = {"confusion": confusion, "cancer_model": cancer["model"], "X_test_n": cancer["norm"]["X_test"]}
    ns.update(override)
    return ns


def test_task4_right_answers_pass(cancer):
    cm = cancer["confusion"]
    for value in (cm, cm.tolist(), pd.DataFrame(cm), cm.astype(float)):
        assert checks.task4.evaluate(task4_ns(cancer, value)).status == "passed"


def test_task4_wrong_answers(cancer):
    cm = cancer["confusion"]
    assert cm[0, 1] != cm[1, 0], "the transposed case needs an asymmetric matrix"
    val_pred = (keras.ops.convert_to_numpy(cancer["model"](cancer["norm"]["X_val"].to_numpy("float32")))[:, 0] >= 0.5)
    cases = [
        (cm.T, "transposed"),
        (cm / cm.sum(), "counts"),
        (confusion_matrix(cancer["y_val"], val_pred.astype(int)) + [[0, 0], [0, 0]], "does not match"),
        (cm + np.array([[1, 0], [0, 0]]), "counts 115 rows"),
        (cm + np.array([[1, 0], [0, -1]]), "does not match"),
        (np.array([[cm.sum(), 0], [0, 0]]), "does not match"),
        (cm.ravel(), "shape"),
    ]
    secrets = [str(v) for v in cm.ravel() if v >= 10]
    for value, words in cases:
        state, message = status(checks.task4, task4_ns(cancer, value))
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets), message
    # a wrong X_test_n is named before the matrix is judged
    for bad in (cancer["all_rows"]["X_test"], cancer["norm"]["X_val"]):
        state, message = status(checks.task4, task4_ns(cancer, cm, X_test_n=bad))
        assert state == "wrong" and "`X_test_n` is not right yet" in message, message
    state, message = status(checks.task4, task4_ns(cancer, cm, X_test_n=None))
    assert state == "wrong" and "`X_test_n` is None" in message, message


@pytest.mark.parametrize("value, words", [(None, "None"), ("[[1, 2], [3, 4]]", "str"), (7, "shape")])
def test_task4_none_and_wrong_types(cancer, value, words):
    state, message = status(checks.task4, task4_ns(cancer, value))
    assert state == "wrong" and words in message, message


def test_task4_not_attempted(cancer):
    ns = task4_ns(cancer, cancer["confusion"])
    del ns["confusion"]
    assert checks.task4.evaluate(ns).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_08"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(t.hints for t in checks.exercise.tasks)
    assert [t.number for t in checks.exercise.tasks] == [1, 2, 3, 4]
