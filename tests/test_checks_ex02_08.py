"""Tests for the checks of exercise 02_08 (binary classification): for every task, valid
alternative answers pass and typical wrong answers are "wrong" with a message that names the
mistake (never an exception, never the expected numbers); a missing name is "not attempted".

Trained models are made without long training: scikit-learn fits the weights (an MLP or a
logistic regression), which are copied into Keras models of the same shape. Where a task needs
a training run (task 3: optimizer steps and a History), the copied model is trained for one
epoch with learning rate 0, which records a real History and leaves the weights as they are.
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
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from helpers import stack_layers

from course_utils.checks import ex02_08 as checks
from course_utils.lesson.normalize import StandardNormalizer


# --------------------------------------------------------------------------- model builders

def keras_copy(coefs, intercepts, *, hidden="relu", output="sigmoid", separate=False, functional=False):
    """A Keras model with the given Dense weights (kernels of shape (in, out)); `separate` puts
    each activation in its own Activation layer, `functional` builds it with keras.Model."""
    inputs = keras.Input((coefs[0].shape[0],))
    layers = []
    for i, kernel in enumerate(coefs):
        activation = output if i == len(coefs) - 1 else hidden
        if separate and activation is not None:
            layers += [keras.layers.Dense(kernel.shape[1]), keras.layers.Activation(activation)]
        else:
            layers.append(keras.layers.Dense(kernel.shape[1], activation=activation))
    model = stack_layers(inputs, layers, functional)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer, kernel, bias in zip(dense, coefs, intercepts):
        layer.set_weights([np.asarray(kernel, "float32"), np.asarray(bias, "float32").reshape(-1)])
    return model


def from_mlp(mlp, **kwargs):
    return keras_copy(mlp.coefs_, mlp.intercepts_, **kwargs)


def softmax_copy(mlp):
    """The MLP with a two-unit softmax output: softmax([0, z]) = (1 - σ(z), σ(z))."""
    W, b = mlp.coefs_[-1], mlp.intercepts_[-1]
    coefs = [*mlp.coefs_[:-1], np.hstack([np.zeros_like(W), W])]
    intercepts = [*mlp.intercepts_[:-1], np.hstack([np.zeros_like(b), b])]
    return keras_copy(coefs, intercepts, output="softmax")


def from_logistic(logistic, **kwargs):
    return keras_copy([logistic.coef_.T], [logistic.intercept_], **kwargs)


def compiled(model, loss="binary_crossentropy", optimizer=None):
    model.compile(optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.0), loss=loss, metrics=["accuracy"])
    return model


def one_epoch(model, X, y, validation=None, *, loss="binary_crossentropy"):
    """Compile with SGD(0) and train one epoch: a real History, unchanged weights."""
    compiled(model, loss)
    return model.fit(np.asarray(X, "float32"), np.asarray(y), epochs=1, batch_size=64, verbose=0,
                     validation_data=None if validation is None else
                     (np.asarray(validation[0], "float32"), np.asarray(validation[1])))


def status(task, ns):
    result = task.evaluate(ns)
    assert "could not check your answer" not in result.message, result.message    # a judge bug, not a verdict
    return result.status, result.message


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def moons():
    X, y = checks.moons_data()
    mlp = MLPClassifier(hidden_layer_sizes=(16, 16), random_state=0, max_iter=3000).fit(X, y)
    tanh = MLPClassifier(hidden_layer_sizes=(16, 16), activation="tanh", random_state=1, max_iter=3000).fit(X, y)
    logistic = LogisticRegression().fit(X, y)
    keras.utils.set_random_seed(0)
    return {"X": X, "y": y, "mlp": mlp, "tanh": tanh, "logistic": logistic}


@pytest.fixture(scope="module")
def cancer():
    parts = checks.cancer_split()
    norm = StandardNormalizer().fit(parts["X_train"])
    n = {k: norm.transform(parts[k]) for k in ("X_train", "X_val", "X_test")}
    scaler = StandardScaler().fit(parts["X_train"])
    s = {k: scaler.transform(parts[k]) for k in ("X_train", "X_val", "X_test")}
    Xtr, ytr = n["X_train"].to_numpy(), parts["y_train"].to_numpy()
    mlp = MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=2000).fit(Xtr, ytr)
    mlp_s = MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=2000).fit(s["X_train"], ytr)
    logistic = LogisticRegression(max_iter=2000).fit(Xtr, ytr)
    X, X_train = parts["X"], parts["X_train"]
    return {
        **parts, "norm": n, "scaled": s, "mlp": mlp, "mlp_scaled": mlp_s, "logistic": logistic,
        "all_rows": {k: (parts[k] - X.mean()) / X.std() for k in ("X_train", "X_val", "X_test")},
        "own": {k: (parts[k] - parts[k].mean()) / parts[k].std() for k in ("X_train", "X_val", "X_test")},
        "min_max": {k: (parts[k] - X_train.min()) / (X_train.max() - X_train.min())
                    for k in ("X_train", "X_val", "X_test")},
        "raw_mlp": MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=2000).fit(
            X_train.to_numpy(), ytr),
    }


def trained(cancer, model, *, table="norm", loss="binary_crossentropy", validation="val"):
    """`model` after one SGD(0) epoch on the training rows of `table`, with its History."""
    t = cancer[table] if table != "raw" else {k: cancer[k] for k in ("X_train", "X_val", "X_test")}
    val = None if validation is None else (t["X_" + validation], cancer["y_" + validation])
    history = one_epoch(model, t["X_train"], cancer["y_train"], val, loss=loss)
    return model, history


def split_ns(c, table="norm", **override):
    ns = {"X_train_n": c[table]["X_train"], "X_val_n": c[table]["X_val"], "X_test_n": c[table]["X_test"]}
    ns.update(override)
    return ns


# --------------------------------------------------------------------------- data

def test_moons_data_matches_the_exercise_cell():
    from sklearn.datasets import make_moons

    X, y = checks.moons_data()
    X2, y2 = make_moons(n_samples=400, noise=0.2, random_state=7)
    assert np.array_equal(X, X2.astype("float32")) and np.array_equal(y, y2)


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


# --------------------------------------------------------------------------- task 1

def test_task1_valid_answers_pass(moons):
    mlp, tanh = moons["mlp"], moons["tanh"]
    logits = compiled(from_mlp(mlp, output=None), keras.losses.BinaryCrossentropy(from_logits=True))
    answers = {
        "Sequential, sigmoid output": from_mlp(mlp),
        "separate Activation layers": from_mlp(mlp, separate=True),
        "Functional API": from_mlp(mlp, functional=True),
        "tanh hidden layers": from_mlp(tanh, hidden="tanh"),
        "logits with from_logits=True": logits,
        "two-unit softmax": softmax_copy(mlp),
    }
    for label, model in answers.items():
        result = checks.task1.evaluate({"moons_model": model})
        assert result.status == "passed", (label, result.message)


def test_task1_wrong_answers(moons):
    mlp, logistic = moons["mlp"], moons["logistic"]
    identity = [np.eye(2), logistic.coef_.T]
    cases = [
        (from_logistic(logistic), "single Dense layer"),                          # a straight line
        (compiled(keras_copy(identity, [np.zeros(2), logistic.intercept_], hidden=None)), "no activation"),
        (compiled(keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                                    keras.layers.Dense(1, activation="sigmoid")])), "has taken no step"),
        (compiled(from_mlp(mlp, output=None)), "not probabilities"),             # logits, plain loss
        (compiled(from_mlp(mlp, output=None), loss="mse"), "not probabilities"),  # a regression net
        (keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]), "keras.Input((2,))"),
        (from_mlp(mlp).predict, "should be a Keras model"),
        (keras.Sequential, "should be a Keras model"),
        ("moons_model", "should be a Keras model"),
    ]
    for value, words in cases:
        state, message = status(checks.task1, {"moons_model": value})
        assert state == "wrong" and words in message, (words, message)


def test_task1_an_mlp_that_is_trained_too_little_is_told_to_train_longer(moons):
    model = compiled(from_mlp(moons["mlp"]))
    keras.utils.set_random_seed(0)
    model.set_weights([w * 0.05 for w in model.get_weights()])     # a barely trained net
    model.fit(moons["X"], moons["y"], epochs=1, batch_size=400, verbose=0)
    state, message = status(checks.task1, {"moons_model": model})
    assert state == "wrong" and "more epochs" in message, message


def test_task1_none_and_not_attempted():
    assert status(checks.task1, {"moons_model": None})[0] == "wrong"
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def test_task2_valid_answers_pass(cancer):
    parts = checks.cancer_split()
    layer = keras.layers.Normalization()
    layer.adapt(parts["X_train"].to_numpy("float32"))
    answers = {
        "StandardNormalizer DataFrames": split_ns(cancer),
        "float32 arrays": {k: v.to_numpy("float32") for k, v in split_ns(cancer).items()},
        "StandardScaler arrays (ddof=0)": split_ns(cancer, "scaled"),
        "DataFrames rebuilt from the scaler": {k: pd.DataFrame(v, columns=parts["X"].columns)
                                               for k, v in split_ns(cancer, "scaled").items()},
        "pandas by hand": {k: (parts[p] - parts["X_train"].mean()) / parts["X_train"].std()
                           for k, p in [("X_train_n", "X_train"), ("X_val_n", "X_val"), ("X_test_n", "X_test")]},
        "keras Normalization layer": {k: layer(parts[p].to_numpy("float32"))
                                      for k, p in [("X_train_n", "X_train"), ("X_val_n", "X_val"),
                                                   ("X_test_n", "X_test")]},
        "rows in another order": split_ns(cancer, X_val_n=cancer["norm"]["X_val"].sample(frac=1, random_state=0)),
    }
    for label, ns in answers.items():
        result = checks.task2.evaluate(ns)
        assert result.status == "passed", (label, result.message)


def test_task2_wrong_answers(cancer):
    n, parts = cancer["norm"], checks.cancer_split()
    cases = [
        (split_ns(cancer, X_test_n=cancer["all_rows"]["X_test"]), "ALL rows"),
        (split_ns(cancer, X_train_n=cancer["all_rows"]["X_train"]), "ALL rows"),
        (split_ns(cancer, X_val_n=cancer["own"]["X_val"]), "its own rows"),
        (split_ns(cancer, X_test_n=cancer["min_max"]["X_test"]), "min-max"),
        (split_ns(cancer, X_test_n=MinMaxScaler().fit(parts["X_train"]).transform(parts["X_test"])), "min-max"),
        (split_ns(cancer, X_test_n=parts["X_test"]), "not (x - mean) / std"),
        (split_ns(cancer, X_test_n=n["X_test"].iloc[:50]), "rows"),
        (split_ns(cancer, X_test_n=n["X_val"]), "same rows"),
        (split_ns(cancer, X_test_n=n["X_test"].iloc[:, :10]), "missing column"),
        (split_ns(cancer, X_val_n=cancer["scaled"]["X_val"]), "two different standard deviations"),
    ]
    secrets = [f"{v:.4f}" for v in n["X_test"].to_numpy().ravel()[:30]]
    for ns, words in cases:
        state, message = status(checks.task2, ns)
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets)


@pytest.mark.parametrize("value, words", [(None, "None"), ("X_test_n", "str"), (2.0, "float"),
                                          ([[1, 2], [3, 4]], "shape")])
def test_task2_wrong_types(cancer, value, words):
    state, message = status(checks.task2, split_ns(cancer, X_test_n=value))
    assert state == "wrong" and "X_test_n" in message and words in message, message


def test_task2_not_attempted(cancer):
    ns = split_ns(cancer)
    del ns["X_val_n"]
    assert checks.task2.evaluate(ns).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def task3_ns(cancer, model, history, table="norm"):
    return {"cancer_model": model, "history": history, "X_val_n": cancer[table]["X_val"]}


@pytest.fixture(scope="module")
def fitted(cancer):
    """One MLP fitted (learning rate 0, so its weights never change) four times: validated on the
    validation rows, on the test rows, on the training rows, and not validated at all."""
    model, n = from_mlp(cancer["mlp"]), cancer["norm"]
    histories = {}
    for key, val in [("val", "X_val"), ("test", "X_test"), ("train", "X_train"), ("none", None)]:
        validation = None if val is None else (n[val], cancer["y" + val[1:]])
        histories[key] = one_epoch(model, n["X_train"], cancer["y_train"], validation)
    return {"model": model, **histories}


def test_task3_valid_answers_pass(cancer, fitted):
    mlp = cancer["mlp"]
    answers = {
        "sigmoid output, model.fit": ((fitted["model"], fitted["val"]), "norm"),
        "StandardScaler arrays (ddof=0)": (trained(cancer, from_mlp(cancer["mlp_scaled"]), table="scaled"), "scaled"),
        "separate Activation layers": (trained(cancer, from_mlp(mlp, separate=True)), "norm"),
        "logits with from_logits=True": (trained(cancer, from_mlp(mlp, output=None),
                                                 loss=keras.losses.BinaryCrossentropy(from_logits=True)), "norm"),
        "two-unit softmax": (trained(cancer, softmax_copy(mlp), loss="sparse_categorical_crossentropy"), "norm"),
        "the History as a dict": ((fitted["model"], fitted["val"].history), "norm"),
    }
    for label, ((model, history), table) in answers.items():
        result = checks.task3.evaluate(task3_ns(cancer, model, history, table))
        assert result.status == "passed", (label, result.message)
    from course_utils.lesson.training import fit_fast

    model = compiled(from_mlp(mlp))
    history = fit_fast(model, cancer["norm"]["X_train"], cancer["y_train"], epochs=2, batch_size=32,
                       validation_data=(cancer["norm"]["X_val"], cancer["y_val"]), progress="none")
    assert checks.task3.evaluate(task3_ns(cancer, model, history)).status == "passed"


def test_task3_wrong_answers(cancer, fitted):
    mlp, good, good_history = cancer["mlp"], fitted["model"], fitted["val"]
    other = compiled(from_mlp(mlp))
    other.set_weights([w * 0.5 for w in other.get_weights()])          # another model than the History's
    other.optimizer.iterations.assign(6)
    keras.utils.set_random_seed(0)
    untrained_mlp = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, "relu"),
                                      keras.layers.Dense(1, "sigmoid")])
    cases = [
        (task3_ns(cancer, from_mlp(mlp), good_history), "has not been trained"),
        (task3_ns(cancer, good, fitted["test"]), "test rows"),
        (task3_ns(cancer, good, fitted["train"]), "training rows"),
        (task3_ns(cancer, good, fitted["none"]), "no 'val_loss'"),
        (task3_ns(cancer, *trained(cancer, from_mlp(cancer["raw_mlp"]), table="raw")), "unstandardized"),
        (task3_ns(cancer, other, good_history), "does not match"),
        (task3_ns(cancer, compiled(from_logistic(cancer["logistic"])), good_history), "no hidden layer"),
        (task3_ns(cancer, compiled(from_mlp(mlp, hidden=None)), good_history), "no activation"),
        (task3_ns(cancer, compiled(from_mlp(mlp, output=None)), good_history), "not probabilities"),
        (task3_ns(cancer, *trained(cancer, untrained_mlp)), "validation rows correctly"),
        ({**task3_ns(cancer, good, good_history), "X_val_n": cancer["all_rows"]["X_val"]}, "task 2 is not right"),
        (task3_ns(cancer, good, "history"), "should be what training returns"),
        (task3_ns(cancer, good, {"loss": [0.5], "val_loss": ["low"]}), "list of numbers"),
        (task3_ns(cancer, "model", good_history), "should be a Keras model"),
    ]
    for ns, words in cases:
        state, message = status(checks.task3, ns)
        assert state == "wrong" and words in message, (words, message)
        assert "%" not in message or "validation rows" in message, message   # never a test score


def test_task3_and_task4_judge_models_loaded_back_from_keras_files(cancer, fitted, test_rows, tmp_path):
    """The grader saves models as .keras and loads them back in safe mode: same verdicts."""
    model = fitted["model"]
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras", safe_mode=True)
    assert checks.task3.evaluate(task3_ns(cancer, loaded, fitted["val"])).status == "passed"
    assert status(checks.task3, task3_ns(cancer, loaded, fitted["test"]))[0] == "wrong"
    logits = compiled(from_mlp(cancer["mlp"], output=None), keras.losses.BinaryCrossentropy(from_logits=True))
    logits.save(tmp_path / "logits.keras")
    loaded_logits = keras.models.load_model(tmp_path / "logits.keras", safe_mode=True)
    result = checks.task4.evaluate({"confusion": test_rows["cm"], "cancer_model": loaded_logits,
                                    "X_test_n": cancer["norm"]["X_test"]})
    assert result.status == "passed", result.message


def test_task3_never_looks_at_test_labels(cancer, fitted, monkeypatch):
    """Task 3 passes or fails the same, whatever the test labels are."""
    ns = task3_ns(cancer, fitted["model"], fitted["val"])
    assert checks.task3.evaluate(ns).status == "passed"
    parts = dict(checks._cancer())
    parts["y_test"] = 1 - parts["y_test"]                    # every test label wrong
    monkeypatch.setattr(checks, "_cancer", lambda: parts)
    assert checks.task3.evaluate(ns).status == "passed"


def test_task3_none_and_not_attempted(cancer, fitted):
    assert status(checks.task3, task3_ns(cancer, fitted["model"], None))[0] == "wrong"
    ns = task3_ns(cancer, fitted["model"], fitted["val"])
    del ns["history"]
    assert checks.task3.evaluate(ns).status == "not_attempted"


# --------------------------------------------------------------------------- task 4

@pytest.fixture(scope="module")
def test_rows(cancer):
    model = from_mlp(cancer["mlp"])
    X_test = cancer["norm"]["X_test"].to_numpy("float32")
    y_pred = (keras.ops.convert_to_numpy(model(X_test))[:, 0] >= 0.5).astype(int)
    cm = confusion_matrix(cancer["y_test"], y_pred)
    return {"model": model, "y_pred": y_pred, "cm": cm}


def task4_ns(cancer, confusion, model, **override):
    ns = {"confusion": confusion, "cancer_model": model, "X_test_n": cancer["norm"]["X_test"]}
    ns.update(override)
    return ns


def test_task4_valid_answers_pass(cancer, test_rows):
    cm, model, y_pred = test_rows["cm"], test_rows["model"], test_rows["y_pred"]
    logits = compiled(from_mlp(cancer["mlp"], output=None), keras.losses.BinaryCrossentropy(from_logits=True))
    answers = [
        task4_ns(cancer, cm, model),
        task4_ns(cancer, cm.tolist(), model),
        task4_ns(cancer, cm.astype(float), model),
        task4_ns(cancer, pd.crosstab(cancer["y_test"].to_numpy(), y_pred), model),
        task4_ns(cancer, pd.DataFrame(cm, index=["benign", "malignant"], columns=["benign", "malignant"]), model),
        task4_ns(cancer, cm, logits),
        task4_ns(cancer, cm, softmax_copy(cancer["mlp"])),
        task4_ns(cancer, cm, model, X_test_n=cancer["norm"]["X_test"].to_numpy("float32")),
    ]
    for ns in answers:
        result = checks.task4.evaluate(ns)
        assert result.status == "passed", result.message


def test_task4_wrong_answers(cancer, test_rows):
    cm, model = test_rows["cm"], test_rows["model"]
    assert cm[0, 1] != cm[1, 0], "the transposed case needs an asymmetric matrix"
    val_pred = (keras.ops.convert_to_numpy(model(cancer["norm"]["X_val"].to_numpy("float32")))[:, 0] >= 0.5)
    swapped = confusion_matrix(cancer["y_test"], 1 - test_rows["y_pred"])
    cases = [
        (cm.T, "transposed"),
        (cm / cm.sum(), "counts"),
        (confusion_matrix(cancer["y_val"], val_pred.astype(int)), "does not match"),
        (cm + np.array([[1, 0], [0, 0]]), "counts 115 rows"),
        (cm + np.array([[1, 0], [0, -1]]), "does not match"),
        (np.array([[cm.sum(), 0], [0, 0]]), "does not match"),
        (swapped, "swapped"),
        (cm.ravel(), "shape"),
        ("[[1, 2], [3, 4]]", "str"),
    ]
    secrets = [str(v) for v in cm.ravel() if v >= 10]
    for value, words in cases:
        state, message = status(checks.task4, task4_ns(cancer, value, model))
        assert state == "wrong" and words in message, (words, message)
        assert not any(s in message for s in secrets), message
    for bad in (cancer["all_rows"]["X_test"], cancer["norm"]["X_val"]):
        state, message = status(checks.task4, task4_ns(cancer, cm, model, X_test_n=bad))
        assert state == "wrong" and "`X_test_n` is not right yet" in message, message
    state, message = status(checks.task4, task4_ns(cancer, cm, model, X_test_n=None))
    assert state == "wrong" and "`X_test_n` is None" in message, message


def test_task4_not_attempted(cancer, test_rows):
    ns = task4_ns(cancer, test_rows["cm"], test_rows["model"])
    del ns["confusion"]
    assert checks.task4.evaluate(ns).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_08"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)
