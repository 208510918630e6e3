"""Tests for the checks of exercise 02_06 (the slides' split, validation data, best epoch, a
baseline; Boston housing without B): for every task at least three valid answers pass and at
least five typical wrong answers are "wrong" with a message that names the mistake and never
gives the expected answer away; a missing name is "not attempted".

Most right answers for task 2 are built without training (a linear Keras model with least-squares
weights and a history whose last val_loss is that model's validation MSE); a few train tiny
models with ``model.fit`` and ``fit_fast`` to make sure real Histories pass too."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from course_utils.checks import ex02_06 as checks
from course_utils.checks.data import boston_exercise_data, boston_data
from course_utils.checks.export import HistoryRecord
from course_utils.lesson.split import train_val_test_split

keras = pytest.importorskip("keras")

SEED = 3


def split_parts(X, y, seed=SEED, test_size=0.3, val_size=0.2, second_seed=None):
    X1, X_test, y1, y_test = train_test_split(X, y, test_size=test_size, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(
        X1, y1, test_size=val_size, random_state=seed if second_seed is None else second_seed)
    return {"X_train": X_train, "X_val": X_val, "X_test": X_test,
            "y_train": y_train, "y_val": y_val, "y_test": y_test}


@pytest.fixture(scope="module")
def data():
    return boston_exercise_data()


@pytest.fixture(scope="module")
def parts(data):
    return split_parts(*data)


def ns1(parts, seed=SEED, **changes):
    ns = dict(parts, split_seed=seed)
    ns.update(changes)
    return ns


def assert_wrong(task, ns, words, secrets=()):
    result = task.evaluate(ns)
    assert result.status == "wrong", (words, result.message)
    assert words in result.message, (words, result.message)
    for secret in secrets:
        assert secret not in result.message, result.message


# --------------------------------------------------------------------------- task 1

def test_task1_valid_answers(data, parts):
    X, y = data
    arrays = split_parts(X.to_numpy(), y.to_numpy())
    course = train_val_test_split(X, y, test_size=0.3, val_size=0.7 * 0.2, seed=SEED)
    reset = {k: v.reset_index(drop=True) for k, v in parts.items()}
    frames = dict(parts, y_train=parts["y_train"].to_frame(), y_val=parts["y_val"].to_frame(),
                  y_test=parts["y_test"].to_frame())
    reordered = dict(parts, X_train=parts["X_train"][list(X.columns[::-1])])
    for ns in (ns1(parts), ns1(arrays), ns1(dict(zip(("X_train", "X_val", "X_test", "y_train", "y_val", "y_test"),
                                                   course))),
               ns1(reset), ns1(frames), ns1(reordered), ns1(parts, seed=np.int64(SEED))):
        result = checks.task1.evaluate(ns)
        assert result.status == "passed", result.message


def test_task1_wrong_answers(data, parts):
    X, y = data
    X13, _ = boston_data()
    ordered = dict(zip(("X_train1", "X_test", "y_train1", "y_test"),
                       train_test_split(X, y, test_size=0.3, shuffle=False)))
    o_train, o_val, oy_train, oy_val = train_test_split(ordered["X_train1"], ordered["y_train1"], test_size=0.2,
                                                        shuffle=False)
    ordered_ns = {"X_train": o_train, "X_val": o_val, "X_test": ordered["X_test"], "y_train": oy_train,
                  "y_val": oy_val, "y_test": ordered["y_test"]}
    other_y = split_parts(X, y, seed=SEED + 5)
    overlap = dict(parts, X_test=pd.concat([parts["X_test"].iloc[:-5], parts["X_val"].iloc[:5]]),
                   y_test=pd.concat([parts["y_test"].iloc[:-5], parts["y_val"].iloc[:5]]))
    missing = dict(parts, X_test=parts["X_test"].iloc[:-1], y_test=parts["y_test"].iloc[:-1])
    normalized = dict(parts, X_val=(parts["X_val"] - parts["X_train"].mean()) / parts["X_train"].std())
    with_b = dict(parts, X_train=X13.loc[parts["X_train"].index])
    with_target = dict(parts, X_train=parts["X_train"].assign(MEDV=parts["y_train"]))
    cases = [
        (ns1(ordered_ns), "file order"),                                         # the slides' shuffle=False
        (ns1(split_parts(X, y, test_size=0.2)), "rows"),                          # wrong fraction
        (ns1(split_parts(X, y, val_size=0.2 / 0.7)), "rows"),                     # 20 % of all rows, not of the rest
        (ns1(dict(parts, y_train=other_y["y_train"], y_val=other_y["y_val"], y_test=other_y["y_test"])),
         "same call"),                                                            # X and y split apart
        (ns1(overlap), "two parts"),
        (ns1(missing), "no part"),
        (ns1(parts, seed=SEED + 1), "does not reproduce"),                        # split_seed is not the seed used
        (ns1(split_parts(X, y, second_seed=SEED + 7)), "does not reproduce"),     # second call, other seed
        (ns1(normalized), "not rows of `X`"),
        (ns1(with_b), "leaves out"),
        (ns1(with_target), "target column"),
    ]
    secrets = [", ".join(str(i) for i in parts["X_test"].index[:3])]
    for ns, words in cases:
        assert_wrong(checks.task1, ns, words, secrets)


@pytest.mark.parametrize("name, value, words", [
    ("split_seed", "3", "whole number"),
    ("split_seed", 2.5, "whole number"),
    ("split_seed", True, "whole number"),
    ("split_seed", -1, "whole number"),
    ("X_train", None, "None"),
    ("X_train", "X_train", "table"),
    ("X_val", np.zeros((71, 12)), "not rows of `X`"),
    ("X_val", np.zeros((71, 3)), "12 columns"),
    ("y_val", 3.0, "one MEDV per row"),
    ("y_val", "MEDV", "one MEDV per row"),
    ("X_val", pd.Series([1.0, 2.0]), "single column"),
])
def test_task1_odd_values(parts, name, value, words):
    assert_wrong(checks.task1, ns1(parts, **{name: value}), words)


def test_task1_not_attempted(parts):
    ns = ns1(parts)
    del ns["split_seed"]
    assert checks.task1.evaluate(ns).status == "not_attempted"
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

def linear_model(X_fit, y_fit, n_features=12):
    """A linear Keras model with least-squares weights: a 'trained' model without training."""
    A = np.c_[np.asarray(X_fit, dtype="float64"), np.ones(len(X_fit))]
    coef, *_ = np.linalg.lstsq(A, np.asarray(y_fit, dtype="float64"), rcond=None)
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([coef[:n_features, None].astype("float32"), coef[n_features:].astype("float32")])
    return model


def mse(model, X_part, y_part):
    pred = np.asarray(model(np.asarray(X_part, dtype="float32"), training=False)).reshape(-1)
    return float(np.mean((pred - np.asarray(y_part)) ** 2))


def fake_history(last_val, *, epochs=20, first=600.0, last_train=20.0, steps=None):
    loss = list(np.linspace(first, last_train, epochs))
    val_loss = list(np.linspace(first + 10, last_val + 5, epochs - 1)) + [last_val]
    if steps is None:
        return {"loss": loss, "val_loss": val_loss}
    return HistoryRecord({"loss": loss, "val_loss": val_loss}, list(range(epochs)),
                         {"verbose": 0, "epochs": epochs, "steps": steps})


@pytest.fixture(scope="module")
def fitted(parts):
    return linear_model(parts["X_train"], parts["y_train"])


def ns2(parts, model, history):
    return dict(parts, model=model, history=history)


def test_task2_valid_answers_without_training(parts, fitted):
    val = mse(fitted, parts["X_val"], parts["y_val"])
    assert checks.task2.evaluate(ns2(parts, fitted, fake_history(val))).status == "passed"
    # the History object (exported with its params): 3 batches of 100 for the 283 training rows
    assert checks.task2.evaluate(ns2(parts, fitted, fake_history(val, steps=3))).status == "passed"
    # EarlyStopping(restore_best_weights=True): the model holds the weights of the lowest val_loss
    h = fake_history(val)
    h["val_loss"][-5] = val
    h["val_loss"][-1] = val + 7.0
    assert checks.task2.evaluate(ns2(parts, fitted, h)).status == "passed"
    # arrays instead of DataFrames
    arrays = {k: v.to_numpy() for k, v in parts.items()}
    assert checks.task2.evaluate(ns2(arrays, fitted, fake_history(val))).status == "passed"


def slides_net(separate_activations=False):
    keras.utils.set_random_seed(0)
    layers = [keras.Input((12,))]
    for units in (50, 100, 300):
        if separate_activations:
            layers += [keras.layers.Dense(units), keras.layers.Activation("sigmoid")]
        else:
            layers.append(keras.layers.Dense(units, activation="sigmoid"))
    model = keras.Sequential(layers + [keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.00004))
    return model


def test_task2_real_training_passes(parts):
    from course_utils.lesson.training import fit_fast

    model = slides_net()
    history = model.fit(parts["X_train"], parts["y_train"], epochs=12, batch_size=100,
                        validation_data=(parts["X_val"], parts["y_val"]), verbose=0)
    result = checks.task2.evaluate(ns2(parts, model, history))
    assert result.status == "passed", result.message

    model = slides_net(separate_activations=True)
    history = fit_fast(model, parts["X_train"], parts["y_train"], epochs=12, batch_size=100,
                       validation_data=(parts["X_val"], parts["y_val"]), progress="none")
    result = checks.task2.evaluate(ns2(parts, model, history))
    assert result.status == "passed", result.message


def test_task2_wrong_answers(data, parts, fitted):
    X, _ = data
    val = mse(fitted, parts["X_val"], parts["y_val"])
    train = mse(fitted, parts["X_train"], parts["y_train"])
    test = mse(fitted, parts["X_test"], parts["y_test"])
    pred = np.asarray(fitted(parts["X_val"].to_numpy("float32"), training=False)).reshape(-1)
    mae = float(np.mean(np.abs(pred - parts["y_val"].to_numpy())))
    other = linear_model(parts["X_train"].iloc[:100], parts["y_train"].iloc[:100])
    mean, std = parts["X_train"].mean(), parts["X_train"].std()
    standardized = linear_model((parts["X_train"] - mean) / std, parts["y_train"])
    standardized_val = mse(standardized, (parts["X_val"] - mean) / std, parts["y_val"])
    cases = [
        (ns2(parts, fitted, fake_history(train)), "TRAINING rows"),
        (ns2(parts, fitted, fake_history(test)), "TEST rows"),
        (ns2(parts, fitted, {"loss": fake_history(val)["loss"]}), "validation_data"),
        (ns2(parts, fitted, fake_history(mae)), "loss='mse'"),
        (ns2(parts, standardized, fake_history(standardized_val)), "raw features"),
        (ns2(parts, other, fake_history(val)), "same training run"),
        (ns2(parts, fitted, fake_history(val, epochs=5)), "at least 10"),
        (ns2(parts, fitted, fake_history(val, first=1.0, last_train=5.0)), "did not fall"),
        (ns2(parts, fitted, fake_history(val, steps=4)), "training AND validation rows"),
        (ns2(parts, fitted, {"loss": [1.0] * 12, "val_loss": [2.0] * 11}), "validation losses"),
        (ns2(parts, linear_model(pd.concat([parts["X_train"], parts["X_val"]]).assign(B=0.0),
                                 pd.concat([parts["y_train"], parts["y_val"]]), n_features=13),
             fake_history(val)), "expects inputs"),
        (dict(ns2(parts, fitted, fake_history(val)), X_train=X, y_train=data[1]), "every row"),
        (dict(ns2(parts, fitted, fake_history(val)), X_val=parts["X_val"].iloc[:10]), "fix task 1"),
    ]
    secrets = [f"{val:.2f}", f"{val:.1f}"]
    for ns, words in cases:
        assert_wrong(checks.task2, ns, words, secrets)


@pytest.mark.parametrize("name, value, words", [
    ("history", "history", "History"),
    ("history", [1.0, 2.0], "History"),
    ("history", {"loss": ["a"] * 12, "val_loss": ["b"] * 12}, "list of numbers"),
    ("history", {"loss": [np.nan] * 12, "val_loss": [1.0] * 12}, "NaN"),
    ("model", "model", "Keras model"),
    ("history", None, "None"),
])
def test_task2_odd_values(parts, fitted, name, value, words):
    ns = ns2(parts, fitted, fake_history(mse(fitted, parts["X_val"], parts["y_val"])))
    ns[name] = value
    assert_wrong(checks.task2, ns, words)


def test_task2_not_attempted(parts, fitted):
    ns = ns2(parts, fitted, fake_history(1.0))
    del ns["history"]
    assert checks.task2.evaluate(ns).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

VAL = [9.0, 7.0, 5.0, 4.0, 3.5, 3.0, 3.2, 3.6, 4.1, 4.5, 5.0, 5.6]      # lowest at epoch 6
LOSS = [9.5, 7.5, 5.5, 4.0, 3.0, 2.5, 2.0, 1.6, 1.3, 1.1, 1.0, 0.9]     # lowest at epoch 12


def ns3(best, history=None):
    return {"history": history if history is not None else {"loss": LOSS, "val_loss": VAL}, "best_epoch": best}


@pytest.mark.parametrize("best", [6, np.int64(6), 6.0, np.float32(6.0)])
def test_task3_valid_answers(best):
    assert checks.task3.evaluate(ns3(best)).status == "passed"


def test_task3_ties_accept_any_lowest_epoch_and_a_history_record():
    val = [5.0] * 4 + [2.0, 2.0] + [3.0] * 6
    for best in (5, 6):
        assert checks.task3.evaluate(ns3(best, {"loss": LOSS, "val_loss": val})).status == "passed"
    record = HistoryRecord({"loss": LOSS, "val_loss": VAL}, list(range(12)), {"steps": 3})
    assert checks.task3.evaluate(ns3(6, record)).status == "passed"


@pytest.mark.parametrize("best, words", [
    (5, "0-based"),
    (12, "TRAINING loss"),
    (8, "not the epoch"),
    (0, "between 1 and 12"),
    (40, "between 1 and 12"),
    ("6", "whole number"),
    (True, "bool"),
    (5.5, "whole number"),
    ([6], "whole number"),
])
def test_task3_wrong_answers(best, words):
    result = checks.task3.evaluate(ns3(best))
    assert result.status == "wrong" and words in result.message, result.message
    assert "6" not in result.message.replace("`", "")


def test_task3_bad_history_and_not_attempted():
    assert_wrong(checks.task3, ns3(6, {"loss": LOSS}), "validation_data")
    assert checks.task3.evaluate({"history": {"loss": LOSS, "val_loss": VAL}}).status == "not_attempted"


# --------------------------------------------------------------------------- task 4

def ns4(parts, value, **changes):
    ns = {"y_train": parts["y_train"], "y_val": parts["y_val"], "baseline_val_mse": value}
    ns.update(changes)
    return ns


def right_baseline(parts):
    return float(np.mean((parts["y_val"] - parts["y_train"].mean()) ** 2))


def test_task4_valid_answers(parts):
    from sklearn.metrics import mean_squared_error

    right = right_baseline(parts)
    sk = mean_squared_error(parts["y_val"], np.full(len(parts["y_val"]), parts["y_train"].mean()))
    for ns in (ns4(parts, right), ns4(parts, np.float32(right)), ns4(parts, sk),
               ns4(parts, np.array([right])),
               ns4(parts, right, y_train=parts["y_train"].to_frame(), y_val=parts["y_val"].to_numpy())):
        result = checks.task4.evaluate(ns)
        assert result.status == "passed", result.message


def test_task4_wrong_answers(parts):
    yt, yv = parts["y_train"], parts["y_val"]
    right = right_baseline(parts)
    cases = [
        (float(np.mean((yv - yv.mean()) ** 2)), "VALIDATION prices"),
        (float(np.mean((yv - pd.concat([yt, yv]).mean()) ** 2)), "mean of y_train only"),
        (np.sqrt(right), "square root"),
        (float(np.mean(np.abs(yv - yt.mean()))), "absolute"),
        (float(np.mean((yt - yt.mean()) ** 2)), "TRAINING rows"),
        (float(np.mean((yv - yt.median()) ** 2)), "median"),
        (right * 1.1, "not the validation MSE"),
    ]
    for value, words in cases:
        assert_wrong(checks.task4, ns4(parts, value), words, [f"{right:.1f}", f"{right:.2f}"])


@pytest.mark.parametrize("value, words", [("77.9", "one number"), (np.nan, "finite"), ([1.0, 2.0], "2 values")])
def test_task4_odd_values(parts, value, words):
    assert_wrong(checks.task4, ns4(parts, value), words)


def test_task4_not_attempted(parts):
    assert checks.task4.evaluate({"y_train": parts["y_train"], "y_val": parts["y_val"]}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_06"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)
