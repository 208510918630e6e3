"""Tests for the checks of exercise 02_07 (split, standardize with the training rows, the slides'
network, a linear baseline on the validation rows, one test evaluation; Boston housing without B):
for every task at least three valid answers pass and at least five typical wrong answers are
"wrong" with a message naming the mistake, never the expected answer; a missing name is
"not attempted". No check gates on a test score: a weak model that is scored honestly passes.

Models are built without training where possible: Keras models with one Dense layer whose
weights are set by least squares; two tests train tiny networks with ``fit_fast`` and
``model.fit``."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.checks import ex02_07 as checks
from course_utils.checks.data import boston_exercise_data
from course_utils.lesson.normalize import StandardNormalizer
from course_utils.lesson.split import train_val_test_split

keras = pytest.importorskip("keras")

SEED = 3
KEYS = ("train", "val", "test")


def split_parts(X, y, seed=SEED, test_size=0.1, val_size=0.1):
    X1, X_test, y1, y_test = train_test_split(X, y, test_size=test_size, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X1, y1, test_size=val_size, random_state=seed)
    return {"X_train": X_train, "X_val": X_val, "X_test": X_test,
            "y_train": y_train, "y_val": y_val, "y_test": y_test}


def standardize(parts, mean=None, std=None):
    train = parts["X_train"]
    mean = train.mean() if mean is None else mean
    std = train.std() if std is None else std
    return {f"X_{k}_n": (parts[f"X_{k}"] - mean) / std for k in KEYS}


@pytest.fixture(scope="module")
def data():
    return boston_exercise_data()


@pytest.fixture(scope="module")
def parts(data):
    return split_parts(*data)


@pytest.fixture(scope="module")
def normed(parts):
    return standardize(parts)


def assert_wrong(task, ns, words, secrets=()):
    result = task.evaluate(ns)
    assert result.status == "wrong", (words, result.message)
    assert words in result.message, (words, result.message)
    for secret in secrets:
        assert secret not in result.message, result.message


# --------------------------------------------------------------------------- task 1

def ns1(parts, normed, seed=SEED):
    return dict(parts, **normed, split_seed=seed)


def test_task1_valid_answers(data, parts, normed):
    X, y = data
    scaler = StandardScaler().fit(parts["X_train"])                                   # ddof=0, arrays
    sk = {f"X_{k}_n": scaler.transform(parts[f"X_{k}"]) for k in KEYS}
    norm = StandardNormalizer().fit(parts["X_train"])
    course = {f"X_{k}_n": norm.transform(parts[f"X_{k}"]) for k in KEYS}
    stats = parts["X_train"].describe().transpose()
    slides = {f"X_{k}_n": (parts[f"X_{k}"] - stats["mean"]) / stats["std"] for k in KEYS}
    arrays = split_parts(X.to_numpy(), y.to_numpy())
    arrays_n = {f"X_{k}_n": (arrays[f"X_{k}"] - arrays["X_train"].mean(0)) / arrays["X_train"].std(0, ddof=1)
                for k in KEYS}
    helper = dict(zip(("X_train", "X_val", "X_test", "y_train", "y_val", "y_test"),
                      train_val_test_split(X, y, test_size=0.1, val_size=0.9 * 0.1, seed=SEED)))
    frame_from_array = {f"X_{k}_n": pd.DataFrame(scaler.transform(parts[f"X_{k}"])) for k in KEYS}
    for ns in (ns1(parts, normed), ns1(parts, sk), ns1(parts, course), ns1(parts, slides),
               ns1(arrays, arrays_n), ns1(helper, standardize(helper)), ns1(parts, frame_from_array)):
        result = checks.task1.evaluate(ns)
        assert result.status == "passed", result.message


def test_task1_wrong_answers(data, parts, normed):
    X, y = data
    own = {f"X_{k}_n": (parts[f"X_{k}"] - parts[f"X_{k}"].mean()) / parts[f"X_{k}"].std() for k in KEYS}
    both = pd.concat([parts["X_train"], parts["X_val"]])
    lo, hi = parts["X_train"].min(), parts["X_train"].max()
    cases = [
        (ns1(parts, standardize(parts, X.mean(), X.std())), "ALL rows"),            # the slides' all-row statistics
        (ns1(parts, dict(normed, X_val_n=own["X_val_n"])), "own rows"),             # each part its own statistics
        (ns1(parts, {f"X_{k}_n": (parts[f"X_{k}"] - lo) / (hi - lo) for k in KEYS}), "min-max"),
        (ns1(parts, standardize(parts, both.mean(), both.std())), "is not (x - mean) / std"),  # train + val stats
        (ns1(parts, {f"X_{k}_n": parts[f"X_{k}"] for k in KEYS}), "is not (x - mean) / std"),   # not normalized
        (ns1(parts, dict(normed, X_test_n=normed["X_test_n"].iloc[:-1])), "shape"),
        (ns1(split_parts(X, y, test_size=0.3, val_size=0.2), normed), "rows"),       # exercise 02_06's fractions
        (ns1(parts, normed, seed=SEED + 1), "does not reproduce"),
    ]
    for ns, words in cases:
        assert_wrong(checks.task1, ns, words)


def test_task1_not_attempted(parts, normed):
    ns = ns1(parts, normed)
    del ns["X_test_n"]
    assert checks.task1.evaluate(ns).status == "not_attempted"


# --------------------------------------------------------------------------- tasks 2-4: models without training

def linear_model(X_fit, y_fit, n_features=12):
    A = np.c_[np.asarray(X_fit, dtype="float64"), np.ones(len(X_fit))]
    coef, *_ = np.linalg.lstsq(A, np.asarray(y_fit, dtype="float64"), rcond=None)
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([coef[:n_features, None].astype("float32"), coef[n_features:].astype("float32")])
    return model


def constant_model(value, n_features=12):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([np.zeros((n_features, 1), "float32"), np.array([value], "float32")])
    return model


def predict(model, X_part):
    return np.asarray(model(np.asarray(X_part, dtype="float32"), training=False)).reshape(-1)


def mse(model, X_part, y_part):
    return float(np.mean((predict(model, X_part) - np.asarray(y_part)) ** 2))


def rmse(pred, y_part):
    return float(np.sqrt(np.mean((np.asarray(pred, dtype="float64") - np.asarray(y_part)) ** 2)))


def fake_history(last_val, *, epochs=20, first=600.0, last_train=20.0):
    return {"loss": list(np.linspace(first, last_train, epochs)),
            "val_loss": list(np.linspace(first + 10, last_val + 5, epochs - 1)) + [last_val]}


@pytest.fixture(scope="module")
def good_net(parts, normed):
    """A 'network' better than the linear regression on the validation rows (least squares on
    training and validation rows: only a test stand-in, never a way to train)."""
    both = pd.concat([normed["X_train_n"], normed["X_val_n"]])
    return linear_model(both, pd.concat([parts["y_train"], parts["y_val"]]))


def ns_models(parts, normed, model, **names):
    ns = dict(parts, **normed, model=model)
    ns.update(names)
    return ns


# --------------------------------------------------------------------------- task 2

def test_task2_valid_answers(parts, normed, good_net):
    val = mse(good_net, normed["X_val_n"], parts["y_val"])
    assert checks.task2.evaluate(ns_models(parts, normed, good_net, history=fake_history(val))).status == "passed"
    arrays = {k: np.asarray(v) for k, v in normed.items()}
    ns = ns_models(parts, arrays, good_net, history=fake_history(val), y_val=parts["y_val"].to_numpy())
    assert checks.task2.evaluate(ns).status == "passed"
    h = fake_history(val)                                       # restore_best_weights
    h["val_loss"][-3], h["val_loss"][-1] = val, val + 3
    assert checks.task2.evaluate(ns_models(parts, normed, good_net, history=h)).status == "passed"


def test_task2_real_training_passes(parts, normed):
    from course_utils.lesson.training import fit_fast

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(16), keras.layers.Activation("sigmoid"),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.002))
    history = fit_fast(model, normed["X_train_n"], parts["y_train"], epochs=12, batch_size=100,
                       validation_data=(normed["X_val_n"], parts["y_val"]), progress="none")
    result = checks.task2.evaluate(ns_models(parts, normed, model, history=history))
    assert result.status == "passed", result.message
    history = model.fit(normed["X_train_n"], parts["y_train"], epochs=10, batch_size=100,
                        validation_data=(normed["X_val_n"], parts["y_val"]), verbose=0)
    result = checks.task2.evaluate(ns_models(parts, normed, model, history=history))
    assert result.status == "passed", result.message


def test_task2_wrong_answers(parts, normed, good_net):
    val = mse(good_net, normed["X_val_n"], parts["y_val"])
    train = mse(good_net, normed["X_train_n"], parts["y_train"])
    test = mse(good_net, normed["X_test_n"], parts["y_test"])
    mae = float(np.mean(np.abs(predict(good_net, normed["X_val_n"]) - parts["y_val"].to_numpy())))
    raw_model = linear_model(parts["X_train"], parts["y_train"])
    other = linear_model(normed["X_train_n"].iloc[:60], parts["y_train"].iloc[:60])
    cases = [
        (ns_models(parts, normed, good_net, history=fake_history(train)), "TRAINING rows"),
        (ns_models(parts, normed, good_net, history=fake_history(test)), "TEST rows"),
        (ns_models(parts, normed, good_net, history=fake_history(mae)), "loss='mse'"),
        (ns_models(parts, normed, raw_model, history=fake_history(mse(raw_model, parts["X_val"], parts["y_val"]))),
         "raw features"),
        (ns_models(parts, normed, other, history=fake_history(val)), "same training run"),
        (ns_models(parts, normed, good_net, history=fake_history(val, first=1.0, last_train=5.0)), "did not fall"),
        (ns_models(parts, normed, good_net, history={"loss": [5.0] * 12}), "validation_data"),
        (ns_models(parts, normed, good_net, history=fake_history(val, epochs=4)), "at least 10"),
        (ns_models(parts, normed, constant_model(20.0, 13), history=fake_history(val)), "expects inputs"),
        (ns_models(parts, normed, good_net, history=fake_history(val), y_val=parts["y_val"].iloc[:5]), "fix task 1"),
    ]
    for ns, words in cases:
        assert_wrong(checks.task2, ns, words, [f"{val:.2f}"])


# --------------------------------------------------------------------------- task 3

def linear_val_rmse(parts, normed):
    lin = LinearRegression().fit(normed["X_train_n"], parts["y_train"])
    return rmse(lin.predict(normed["X_val_n"]), parts["y_val"])


def test_task3_valid_answers(parts, normed, good_net):
    from sklearn.metrics import mean_squared_error

    net = rmse(predict(good_net, normed["X_val_n"]), parts["y_val"])
    lin = linear_val_rmse(parts, normed)
    raw_lin = rmse(LinearRegression().fit(parts["X_train"], parts["y_train"]).predict(parts["X_val"]), parts["y_val"])
    sk = np.sqrt(mean_squared_error(parts["y_val"], predict(good_net, normed["X_val_n"])))
    for values in ({"val_rmse_net": net, "val_rmse_linear": lin},
                   {"val_rmse_net": np.float32(net), "val_rmse_linear": raw_lin},     # linear on raw features
                   {"val_rmse_net": sk, "val_rmse_linear": np.array([lin])}):
        result = checks.task3.evaluate(ns_models(parts, normed, good_net, **values))
        assert result.status == "passed", result.message


def test_task3_wrong_answers(parts, normed, good_net):
    Xt, Xv, yt, yv = normed["X_train_n"], normed["X_val_n"], parts["y_train"], parts["y_val"]
    net = rmse(predict(good_net, Xv), yv)
    lin = linear_val_rmse(parts, normed)
    both = LinearRegression().fit(pd.concat([Xt, Xv]), pd.concat([yt, yv]))
    cases = [
        ({"val_rmse_net": net ** 2, "val_rmse_linear": lin}, "MSE"),
        ({"val_rmse_net": rmse(predict(good_net, Xt), yt), "val_rmse_linear": lin}, "TRAINING rows"),
        ({"val_rmse_net": net + 0.5, "val_rmse_linear": lin}, "is not the RMSE"),
        ({"val_rmse_net": net, "val_rmse_linear": lin ** 2}, "MSE"),
        ({"val_rmse_net": net, "val_rmse_linear": rmse(both.predict(Xv), yv)}, "validation rows too"),
        ({"val_rmse_net": net, "val_rmse_linear": rmse(LinearRegression().fit(Xv, yv).predict(Xv), yv)},
         "fit on the validation rows"),
        ({"val_rmse_net": net, "val_rmse_linear": rmse(LinearRegression().fit(Xt, yt).predict(Xt), yt)},
         "TRAINING rows"),
        ({"val_rmse_net": net, "val_rmse_linear": rmse(LinearRegression(fit_intercept=False).fit(Xt, yt).predict(Xv),
                                                       yv)}, "intercept"),
        ({"val_rmse_net": "4.9", "val_rmse_linear": lin}, "one number"),
    ]
    for values, words in cases:
        assert_wrong(checks.task3, ns_models(parts, normed, good_net, **values), words, [f"{lin:.2f}"])


# --------------------------------------------------------------------------- task 4

def test_task4_valid_answers(parts, normed, good_net):
    Xt, Xv, Xte = normed["X_train_n"], normed["X_val_n"], normed["X_test_n"]
    yt, yv, yte = parts["y_train"], parts["y_val"], parts["y_test"]
    net_test = rmse(predict(good_net, Xte), yte)
    weak = constant_model(float(yt.mean()))                          # worse than linear on validation
    lin_test = rmse(LinearRegression().fit(Xt, yt).predict(Xte), yte)
    refit = rmse(LinearRegression().fit(pd.concat([Xt, Xv]), pd.concat([yt, yv])).predict(Xte), yte)
    for model, values in ((good_net, {"chosen": "net", "test_rmse": net_test}),
                          (good_net, {"chosen": " Network", "test_rmse": np.float64(net_test)}),
                          (weak, {"chosen": "linear", "test_rmse": lin_test}),
                          (weak, {"chosen": "Linear Regression", "test_rmse": refit})):
        result = checks.task4.evaluate(ns_models(parts, normed, model, **values))
        assert result.status == "passed", result.message


def test_task4_wrong_answers(parts, normed, good_net):
    Xt, Xv, Xte = normed["X_train_n"], normed["X_val_n"], normed["X_test_n"]
    yt, yv, yte = parts["y_train"], parts["y_val"], parts["y_test"]
    net_test = rmse(predict(good_net, Xte), yte)
    lin_test = rmse(LinearRegression().fit(Xt, yt).predict(Xte), yte)
    net_val = rmse(predict(good_net, Xv), yv)
    weak = constant_model(float(yt.mean()))
    cases = [
        (good_net, {"chosen": "linear", "test_rmse": lin_test}, "lower validation RMSE"),
        (weak, {"chosen": "net", "test_rmse": rmse(predict(weak, Xte), yte)}, "lower validation RMSE"),
        (good_net, {"chosen": "net", "test_rmse": lin_test}, "did not choose"),
        (good_net, {"chosen": "net", "test_rmse": net_test ** 2}, "MSE"),
        (good_net, {"chosen": "net", "test_rmse": net_val}, "validation RMSE"),
        (good_net, {"chosen": "net", "test_rmse": net_test * 0.9}, "is not the RMSE"),
        (good_net, {"chosen": "forest", "test_rmse": net_test}, "'net' or 'linear'"),
        (good_net, {"chosen": 1, "test_rmse": net_test}, "text"),
    ]
    for model, values, words in cases:
        assert_wrong(checks.task4, ns_models(parts, normed, model, **values), words, [f"{net_test:.2f}"])


def test_task4_choice_by_test_rows_is_named(parts, normed):
    """A model that is worse on the validation rows but better on the test rows: choosing it says why not."""
    Xt, Xv, Xte = normed["X_train_n"], normed["X_val_n"], normed["X_test_n"]
    yt, yte = parts["y_train"], parts["y_test"]
    cheat = linear_model(Xte, yte)                         # fit on the test rows: worse on validation, best on test
    assert rmse(predict(cheat, Xv), parts["y_val"]) > linear_val_rmse(parts, normed)
    assert_wrong(checks.task4, ns_models(parts, normed, cheat, chosen="net",
                                         test_rmse=rmse(predict(cheat, Xte), yte)), "test rows")


def test_not_attempted_and_layout(parts, normed, good_net):
    for task in checks.exercise.tasks[1:]:
        assert task.evaluate({}).status == "not_attempted"
    assert checks.exercise.number == "02_07"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3, checks.task4]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)
