"""Tests for the checks of exercise 02_06 (validation data, overfitting; Boston housing): right
answers pass, wrong answers, None and wrong types are "wrong" with a message (never an
exception), a missing name is "not attempted", and no message gives the expected answer away.

Right answers for task 2 are built without training: a linear Keras model with weights set by
least squares, and a history whose last val_loss is that model's validation MSE. One test
trains a tiny model with fit_fast to make sure a real History passes too."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from course_utils.checks import ex02_06 as checks
from course_utils.checks.data import boston_data
from course_utils.lesson.split import train_val_test_split
from split_mistakes import common_split_mistakes, no_index_leak, split_namespace

keras = pytest.importorskip("keras")

SEED = 3


@pytest.fixture(scope="module")
def data():
    return boston_data()


@pytest.fixture(scope="module")
def split(data):
    X, y = data
    return train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=SEED)


def ns1(s, seed=SEED):
    return split_namespace(s, seed)



# --------------------------------------------------------------------------- task 1

def test_task1_right_answer_passes(split):
    assert checks.task1.evaluate(ns1(split)).status == "passed"


def test_task1_right_answer_with_numpy_labels(split):
    ns = ns1(split)
    ns["y_val"] = split.y_val.to_numpy()
    assert checks.task1.evaluate(ns).status == "passed"


def test_task1_wrong_answers(data, split):
    X, y = data
    cases = common_split_mistakes(X, y, split, SEED, ordered_words="ordered by town")
    ns = ns1(split)
    ns["X_train"] = split.X_train.assign(MEDV=split.y_train)
    cases.append((ns, "target column"))
    ns = ns1(split)
    ns["X_train"] = split.X_train.drop(columns=["B"])
    cases.append((ns, "13 feature columns"))
    for namespace, words in cases:
        result = checks.task1.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        no_index_leak(result.message, split)


@pytest.mark.parametrize("name, value, words", [
    ("split_seed", None, "None"),
    ("split_seed", "3", "whole number"),
    ("split_seed", 2.5, "whole number"),
    ("split_seed", True, "whole number"),
    ("X_train", None, "None"),
    ("X_train", "X_train", "DataFrame"),
    ("X_val", np.zeros((76, 13)), "DataFrame"),
    ("y_val", None, "None"),
    ("y_val", 3.0, "one MEDV per row"),
    ("y_val", "MEDV", "one MEDV per row"),
])
def test_task1_none_and_wrong_types(split, name, value, words):
    ns = ns1(split)
    ns[name] = value
    result = checks.task1.evaluate(ns)
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task1_not_attempted(split):
    ns = ns1(split)
    del ns["split_seed"]
    assert checks.task1.evaluate(ns).status == "not_attempted"
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def standardize(part, ref):
    return (part - ref.mean()) / ref.std()


def linear_model(X_train_n, y_train):
    """A 13 → 1 linear Keras model with least-squares weights: a 'trained' model without training."""
    A = np.c_[X_train_n.to_numpy(), np.ones(len(X_train_n))]
    coef, *_ = np.linalg.lstsq(A, y_train.to_numpy(), rcond=None)
    model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([coef[:13, None].astype("float32"), coef[13:].astype("float32")])
    return model


def mse(model, X_n, y):
    pred = np.asarray(model(X_n.to_numpy("float32"), training=False)).reshape(-1)
    return float(np.mean((pred - y.to_numpy()) ** 2))


def fake_history(last_val, *, epochs=20, first=500.0, last_train=20.0):
    loss = list(np.linspace(first, last_train, epochs))
    val_loss = list(np.linspace(first + 10, last_val + 5, epochs - 1)) + [last_val]
    return {"loss": loss, "val_loss": val_loss}


@pytest.fixture(scope="module")
def trained(split):
    X_train_n = standardize(split.X_train, split.X_train)
    X_val_n = standardize(split.X_val, split.X_train)
    model = linear_model(X_train_n, split.y_train)
    return X_train_n, X_val_n, model


_FAKE = object()


def ns2(split, trained, history=_FAKE, **changes):
    X_train_n, X_val_n, model = trained
    if history is _FAKE:
        history = fake_history(mse(model, X_val_n, split.y_val))
    ns = {"X_train": split.X_train, "X_val": split.X_val, "y_train": split.y_train,
          "y_val": split.y_val, "X_train_n": X_train_n, "X_val_n": X_val_n,
          "model": model, "history": history}
    ns.update(changes)
    return ns


def test_task2_right_answer_passes(split, trained):
    assert checks.task2.evaluate(ns2(split, trained)).status == "passed"


def test_task2_numpy_parts_pass(split, trained):
    X_train_n, X_val_n, _ = trained
    ns = ns2(split, trained, X_train_n=X_train_n.to_numpy(), X_val_n=X_val_n.to_numpy())
    assert checks.task2.evaluate(ns).status == "passed"


def test_task2_real_history_passes(split):
    from course_utils.lesson.normalize import StandardNormalizer
    from course_utils.lesson.training import fit_fast

    norm = StandardNormalizer().fit(split.X_train)
    X_train_n, X_val_n = norm.transform(split.X_train), norm.transform(split.X_val)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="mse")
    history = fit_fast(model, X_train_n, split.y_train, epochs=12,
                       validation_data=(X_val_n, split.y_val), progress="none")
    ns = {"X_train": split.X_train, "X_val": split.X_val, "y_train": split.y_train,
          "y_val": split.y_val, "X_train_n": X_train_n, "X_val_n": X_val_n,
          "model": model, "history": history}
    result = checks.task2.evaluate(ns)
    assert result.status == "passed", result.message


def test_task2_wrong_answers(data, split, trained):
    X, _ = data
    X_train_n, X_val_n, model = trained
    val_mse = mse(model, X_val_n, split.y_val)
    train_mse = mse(model, X_train_n, split.y_train)
    pred = np.asarray(model(X_val_n.to_numpy("float32"), training=False)).reshape(-1)
    val_mae = float(np.mean(np.abs(pred - split.y_val.to_numpy())))
    other = linear_model(X_train_n.iloc[:100], split.y_train.iloc[:100])     # another model
    secrets = [f"{val_mse:.2f}", f"{val_mse:.3f}"]
    cases = [
        (ns2(split, trained, history=fake_history(train_mse)), "TRAINING rows"),
        (ns2(split, trained, history={"loss": fake_history(val_mse)["loss"]}), "validation_data"),
        (ns2(split, trained, history=fake_history(val_mse, epochs=5)), "at least 10"),
        (ns2(split, trained, history=fake_history(val_mae)), "loss='mse'"),
        (ns2(split, trained, model=other), "same training run"),
        (ns2(split, trained, history={"loss": [1.0] * 12, "val_loss": [2.0] * 11}), "validation losses"),
        (ns2(split, trained, history=fake_history(val_mse, first=1.0, last_train=5.0)), "did not fall"),
        (ns2(split, trained, X_val_n=standardize(split.X_val, X)), "ALL rows"),
        (ns2(split, trained, X_val_n=standardize(split.X_val, split.X_val)), "its own rows"),
    ]
    for namespace, words in cases:
        result = checks.task2.evaluate(namespace)
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets), result.message


def test_task2_raw_features_are_named(split):
    X_train_n = standardize(split.X_train, split.X_train)
    X_val_n = standardize(split.X_val, split.X_train)
    raw_model = linear_model(split.X_train, split.y_train)          # trained on raw features
    raw_val = mse(raw_model, split.X_val, split.y_val)
    ns = {"X_train": split.X_train, "X_val": split.X_val, "y_train": split.y_train,
          "y_val": split.y_val, "X_train_n": X_train_n, "X_val_n": X_val_n,
          "model": raw_model, "history": fake_history(raw_val)}
    result = checks.task2.evaluate(ns)
    assert result.status == "wrong" and "raw features" in result.message, result.message


@pytest.mark.parametrize("name, value, words", [
    ("history", None, "None"),
    ("history", "history", "History"),
    ("history", [1.0, 2.0], "History"),
    ("history", {"loss": ["a"] * 12, "val_loss": ["b"] * 12}, "list of numbers"),
    ("history", {"loss": [np.nan] * 12, "val_loss": [1.0] * 12}, "NaN"),
    ("model", None, "None"),
    ("model", "model", "Keras model"),
    ("X_val_n", None, "X_val_n"),
    ("X_val_n", "X_val_n", "X_val_n"),
    ("X_train", None, "None"),
])
def test_task2_none_and_wrong_types(split, trained, name, value, words):
    result = checks.task2.evaluate(ns2(split, trained, **{name: value}))
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task2_needs_a_real_split(data, trained, split):
    X, y = data
    ns = ns2(split, trained, X_train=X, y_train=y)
    result = checks.task2.evaluate(ns)
    assert result.status == "wrong" and "split the data first" in result.message


def test_task2_not_attempted(split, trained):
    ns = ns2(split, trained)
    del ns["history"]
    assert checks.task2.evaluate(ns).status == "not_attempted"
    assert checks.task2.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

VAL = [9.0, 7.0, 5.0, 4.0, 3.5, 3.0, 3.2, 3.6, 4.1, 4.5, 5.0, 5.6]      # lowest at epoch 6
LOSS = [9.5, 7.5, 5.5, 4.0, 3.0, 2.5, 2.0, 1.6, 1.3, 1.1, 1.0, 0.9]     # lowest at epoch 12


def ns3(best, history=None):
    return {"history": history if history is not None else {"loss": LOSS, "val_loss": VAL},
            "best_epoch": best}


@pytest.mark.parametrize("best", [6, np.int64(6), 6.0])
def test_task3_right_answer_passes(best):
    assert checks.task3.evaluate(ns3(best)).status == "passed"


def test_task3_ties_accept_any_lowest_epoch():
    val = [5.0] * 4 + [2.0, 2.0] + [3.0] * 6
    for best in (5, 6):
        assert checks.task3.evaluate(ns3(best, {"loss": LOSS, "val_loss": val})).status == "passed"


def test_task3_real_history_object(split):
    class FakeHistory:                      # what keras.callbacks.History looks like to the check
        history = {"loss": LOSS, "val_loss": VAL}
    assert checks.task3.evaluate(ns3(6, FakeHistory())).status == "passed"
    assert checks.task3.evaluate(ns3(5, FakeHistory())).status == "wrong"


@pytest.mark.parametrize("best, words", [
    (5, "0-based"),
    (12, "TRAINING loss"),
    (8, "not the epoch"),
    (0, "between 1 and 12"),
    (40, "between 1 and 12"),
])
def test_task3_wrong_answers(best, words):
    result = checks.task3.evaluate(ns3(best))
    assert result.status == "wrong"
    assert words in result.message, result.message
    assert "6" not in result.message


def test_task3_zero_based_answer_zero_is_named():
    val = [1.0] + [2.0] * 11                 # lowest at epoch 1; 0-based answer 0
    result = checks.task3.evaluate(ns3(0, {"loss": LOSS, "val_loss": val}))
    assert result.status == "wrong" and "0-based" in result.message


@pytest.mark.parametrize("best, words", [(None, "None"), ("6", "whole number"), (True, "bool"),
                                         (5.5, "whole number"), ([6], "whole number")])
def test_task3_none_and_wrong_types(best, words):
    result = checks.task3.evaluate(ns3(best))
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_task3_bad_history_is_wrong():
    result = checks.task3.evaluate(ns3(6, {"loss": LOSS}))
    assert result.status == "wrong" and "validation_data" in result.message


def test_task3_not_attempted():
    assert checks.task3.evaluate({"history": {"loss": LOSS, "val_loss": VAL}}).status == "not_attempted"
    assert checks.task3.evaluate({}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_06"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(t.hints for t in checks.exercise.tasks)
