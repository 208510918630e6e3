"""Tests for the checks of exercise 02_05 (data division): valid answers of several kinds pass
(two scikit-learn ``train_test_split`` calls in different orders, the course helper, NumPy,
scikit-learn scalers), typical wrong answers are "wrong" with a message that names the mistake
(never an exception, never the expected rows or numbers), a missing name is "not attempted".

The split function is judged by what it does: the check runs it again (same seed, same rows)
and with another seed (other rows); see ``course_utils.checks.data.judge_split_function``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.checks import ex02_05 as checks
from course_utils.checks.data import house_data
from course_utils.lesson.split import train_val_test_split
from split_mistakes import no_index_leak

SEED = 11
PARTS = ("X_train", "X_val", "X_test", "y_train", "y_val", "y_test")


# --------------------------------------------------------------------------- split functions

def slides_way(X, y, seed):
    """The slides' two calls, shuffled: test rows first, then validation rows out of the rest."""
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.15, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.15 / 0.85, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def hold_out_then_halve(X, y, seed):
    X_train, X_hold, y_train, y_hold = train_test_split(X, y, train_size=0.7, random_state=seed)
    X_val, X_test, y_val, y_test = train_test_split(X_hold, y_hold, test_size=0.5, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def course_helper(X, y, seed):
    return tuple(train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=seed))


def numpy_permutation(X, y, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    a, b = int(0.7 * len(X)), int(0.85 * len(X))
    rows = (order[:a], order[a:b], order[b:])
    return (*(X.iloc[r] for r in rows), *(y.iloc[r].to_numpy() for r in rows))


def global_seed(X, y, random_state):
    np.random.seed(random_state)              # scikit-learn then draws from NumPy's global state
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.15)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.1765)
    return X_train, X_val, X_test, y_train, y_val, y_test


VALID = [slides_way, hold_out_then_halve, course_helper, numpy_permutation, global_seed]


def fixed_seed(X, y, seed):
    return slides_way(X, y, 42)


def no_seed(X, y, seed):
    return slides_way(X, y, None)


def ordered(X, y, seed):
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.15, shuffle=False)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.15 / 0.85, shuffle=False)
    return X_train, X_val, X_test, y_train, y_val, y_test


def second_fraction_of_all(X, y, seed):         # 0.15 of the rest is only 12.75 % of all rows
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.15, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.15, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def sklearn_order(X, y, seed):
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.15, random_state=seed)
    return (*train_test_split(X_rest, y_rest, test_size=0.15 / 0.85, random_state=seed), X_test, y_test)


def first_call_fixed(X, y, seed):
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.15, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.15 / 0.85, random_state=seed)
    return X_train, X_val, X_test, y_train, y_val, y_test


def x_and_y_apart(X, y, seed):
    Xs = slides_way(X, y, seed)
    ys = slides_way(X, y, seed + 1)
    return (*Xs[:3], *ys[3:])


def target_kept(X, y, seed):
    parts = list(slides_way(X.assign(price=y), y, seed))
    return tuple(parts)


def four_parts(X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed)
    return X_train, X_test, y_train, y_test


def index_reset(X, y, seed):
    parts = list(slides_way(X, y, seed))
    parts[1] = parts[1].reset_index(drop=True)
    return tuple(parts)


def raises(X, y, seed):
    return train_test_split(X, y, test_size=1.5, random_state=seed)


def blank(X, y, seed):
    raise NotImplementedError("Task: replace this line with your code")


@pytest.fixture(scope="module")
def data():
    return house_data()


def ns1(data, split_data, seed=SEED, parts_seed=None):
    """A student's namespace: the function, the seed, and the parts made with them."""
    X, y = data
    parts = split_data(X, y, SEED if parts_seed is None else parts_seed)
    return {"split_data": split_data, "split_seed": seed, **dict(zip(PARTS, parts)), "X": X, "y": y}


# --------------------------------------------------------------------------- task 1

@pytest.mark.parametrize("split_data", VALID, ids=lambda f: f.__name__)
def test_task1_valid_answers_pass(data, split_data):
    result = checks.task1.evaluate(ns1(data, split_data))
    assert result.status == "passed", result.message


def test_task1_valid_with_numpy_seed_and_seed_zero(data):
    assert checks.task1.evaluate(ns1(data, slides_way, seed=np.int64(SEED))).status == "passed"
    assert checks.task1.evaluate(ns1(data, slides_way, seed=0, parts_seed=0)).status == "passed"
    # the student's seed equal to the seed the check tries besides it
    assert checks.task1.evaluate(ns1(data, slides_way, seed=1, parts_seed=1)).status == "passed"


@pytest.mark.parametrize("split_data, words", [
    (fixed_seed, "same rows for every seed"),
    (no_seed, "not reproducible"),
    (ordered, "consecutive rows"),
    (second_fraction_of_all, "rows that are left"),
    (sklearn_order, "another order"),
    (first_call_fixed, "not the test rows"),
    (x_and_y_apart, "SAME call"),
    (target_kept, "5 feature columns"),
    (four_parts, "six parts"),
    (index_reset, "index"),
    (raises, "raised InvalidParameterError"),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_task1_wrong_split_functions(data, split_data, words):
    X, y = data
    ns = {"split_data": split_data, "split_seed": SEED, "X": X, "y": y}
    try:
        made = split_data(X, y, SEED)
    except Exception:  # noqa: BLE001 - the parts could not be made: the student keeps older ones
        made = ()
    ns.update(zip(PARTS, made if len(made) == 6 else slides_way(X, y, SEED)))
    result = checks.task1.evaluate(ns)
    assert result.status == "wrong", split_data.__name__
    assert words in result.message, result.message
    no_index_leak(result.message, train_val_test_split(X, y, seed=SEED))


def test_task1_parts_not_made_with_split_seed(data):
    result = checks.task1.evaluate(ns1(data, slides_way, seed=SEED, parts_seed=SEED + 1))
    assert result.status == "wrong" and "not reproducible" in result.message, result.message


def test_task1_parts_changed_after_the_split(data):
    ns = ns1(data, slides_way)
    ns["X_test"] = ns["X_test"].iloc[:-1]
    ns["y_test"] = ns["y_test"].iloc[:-1]
    result = checks.task1.evaluate(ns)
    assert result.status == "wrong" and "no part" in result.message, result.message


@pytest.mark.parametrize("name, value, words", [
    ("split_seed", None, "None"),
    ("split_seed", "11", "whole number"),
    ("split_seed", 1.5, "whole number"),
    ("split_seed", True, "whole number"),
    ("split_seed", -1, "whole number"),
    ("split_data", 3, "should be a function"),
    ("X_train", "X_train", "DataFrame"),
    ("X_val", np.zeros((62, 5)), "DataFrame"),
    ("y_val", 3.0, "one price per row"),
])
def test_task1_none_and_wrong_types(data, name, value, words):
    ns = ns1(data, slides_way)
    ns[name] = value
    result = checks.task1.evaluate(ns)
    assert result.status == "wrong", result.message
    assert words in result.message, result.message


def test_task1_not_attempted(data):
    X, y = data
    assert checks.task1.evaluate({"split_data": blank, "split_seed": SEED, "X": X, "y": y}).status == "not_attempted"
    ns = ns1(data, slides_way)
    ns["split_data"] = blank                 # the parts exist (made before), the function is the blank
    assert checks.task1.evaluate(ns).status == "not_attempted"
    assert checks.task1.evaluate({}).status == "not_attempted"


# --------------------------------------------------------------------------- task 2

@pytest.fixture(scope="module")
def split(data):
    X, y = data
    return slides_way(X, y, SEED)


@pytest.mark.parametrize("make", [
    lambda Xt: Xt.describe().transpose(),
    lambda Xt: Xt.describe(),                                   # one column per feature
    lambda Xt: Xt.describe().transpose()[["mean", "std", "min", "max"]],
    lambda Xt: Xt.astype("float32").describe().T,
    lambda Xt: Xt.describe().transpose().loc[Xt.columns[::-1]],  # rows in another order
], ids=["describe.T", "describe", "four statistics", "float32", "reordered"])
def test_task2_valid_answers_pass(split, make):
    X_train = split[0]
    result = checks.task2.evaluate({"X_train": X_train, "train_stats": make(X_train)})
    assert result.status == "passed", result.message


def test_task2_wrong_answers(data, split):
    X, _ = data
    X_train, X_val, X_test = split[:3]
    secrets = [f"{v:.3f}" for v in X_train.describe().transpose()["mean"]]
    cases = [
        (X.describe().transpose(), "ALL rows"),
        (pd.concat([X_train, X_val]).describe().transpose(), "counts"),
        (X_test.describe().transpose(), "counts"),
        (((X_train - X_train.mean()) / X_train.std()).describe().transpose(), "normalized"),
        (pd.DataFrame({"count": X_train.count(), "mean": X_train.mean(), "std": X_train.std(ddof=0),
                       "min": X_train.min(), "max": X_train.max()}), "ddof=0"),
        (X_train.describe().transpose()[["mean", "std"]], "lacks"),
        (X_train.iloc[:, :3].describe().transpose(), "no statistics for"),
        (X_train.describe().transpose().assign(mean=X_train.median()), "not the describe() table"),
    ]
    for stats, words in cases:
        result = checks.task2.evaluate({"X_train": X_train, "train_stats": stats})
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets)


@pytest.mark.parametrize("value, words", [(None, "None"), ("stats", "DataFrame"),
                                          (np.zeros((5, 8)), "DataFrame")])
def test_task2_none_and_wrong_types(split, value, words):
    result = checks.task2.evaluate({"X_train": split[0], "train_stats": value})
    assert result.status == "wrong" and words in result.message


def test_task2_needs_a_real_split(data):
    X, _ = data
    result = checks.task2.evaluate({"X_train": X, "train_stats": X.describe().transpose()})
    assert result.status == "wrong" and "split the data first" in result.message


def test_task2_not_attempted(split):
    assert checks.task2.evaluate({"X_train": split[0]}).status == "not_attempted"


# --------------------------------------------------------------------------- task 3

def standardize(part, ref, ddof=1):
    return (part - ref.mean()) / ref.std(ddof=ddof)


def ns3(split, train_n, val_n, test_n):
    return {"X_train": split[0], "X_val": split[1], "X_test": split[2],
            "X_train_n": train_n, "X_val_n": val_n, "X_test_n": test_n}


def test_task3_valid_answers_pass(split):
    X_train, X_val, X_test = split[:3]
    stats = X_train.describe().transpose()
    by_hand = [(p - stats["mean"]) / stats["std"] for p in split[:3]]
    scaler = StandardScaler().fit(X_train)                      # ddof=0, NumPy arrays
    sk = [scaler.transform(p) for p in split[:3]]
    sk_frames = [pd.DataFrame(a, columns=X_train.columns) for a in sk]   # fresh 0, 1, 2 … index
    pandas_out = StandardScaler().set_output(transform="pandas").fit(X_train)
    float32 = [standardize(p, X_train, ddof=0).to_numpy("float32") for p in split[:3]]  # as Keras gives it
    described = X_train.describe()                              # describe() layout: .loc
    by_loc = [(p - described.loc["mean"]) / described.loc["std"] for p in split[:3]]
    for parts in (by_hand, sk, sk_frames, [pandas_out.transform(p) for p in split[:3]], float32, by_loc):
        result = checks.task3.evaluate(ns3(split, *parts))
        assert result.status == "passed", result.message


def test_task3_wrong_answers(data, split):
    X, _ = data
    X_train, X_val, X_test = split[:3]
    right = [standardize(p, X_train) for p in split[:3]]
    secrets = [f"{v:.4f}" for v in right[2].to_numpy().ravel()[:20]]
    train_val = pd.concat([X_train, X_val])
    cases = [
        ([standardize(p, X) for p in split[:3]], "ALL rows"),
        ([right[0], standardize(X_val, X_val), right[2]], "its own rows"),
        ([(p - X_train.min()) / (X_train.max() - X_train.min()) for p in split[:3]], "min-max"),
        ([right[0], right[1], X_test], "not (x - mean) / std"),
        ([right[0], right[1], standardize(X_test, X_train, ddof=0)], "ddof=0"),
        ([standardize(p, train_val) for p in split[:3]], "TOGETHER"),
        ([right[0], right[1], right[1]], "rows"),
        ([right[0], right[1], right[2].iloc[:, :4]], "missing column"),
    ]
    for parts, words in cases:
        result = checks.task3.evaluate(ns3(split, *parts))
        assert result.status == "wrong", words
        assert words in result.message, (words, result.message)
        assert not any(s in result.message for s in secrets)


@pytest.mark.parametrize("value", [None, "X_val_n", 0.0, pd.Series([1.0, 2.0])])
def test_task3_none_and_wrong_types(split, value):
    X_train = split[0]
    ns = ns3(split, standardize(X_train, X_train), value, standardize(split[2], X_train))
    result = checks.task3.evaluate(ns)
    assert result.status == "wrong" and "X_val_n" in result.message, result.message


def test_task3_broken_split_is_named(data, split):
    X, _ = data
    X_train = split[0]
    right = [standardize(p, X_train) for p in split[:3]]
    ns = ns3(split, *right)
    ns["X_val"] = X_train.iloc[:60]
    result = checks.task3.evaluate(ns)
    assert result.status == "wrong" and "share rows" in result.message, result.message


def test_task3_not_attempted(split):
    assert checks.task3.evaluate({"X_train": split[0]}).status == "not_attempted"


def test_module_layout():
    assert checks.exercise.number == "02_05"
    assert checks.exercise.tasks == [checks.task1, checks.task2, checks.task3]
    assert all(len(t.hints) >= 2 for t in checks.exercise.tasks)


# --------------------------------------------------------------------------- the shared values judge

def judge_values(ns, ordered_message="kept the file order"):
    """``data.judge_split`` on a namespace of six parts plus ``split_seed`` (exercise 02_06's form)."""
    from course_utils.checks.core import WrongAnswer
    from course_utils.checks.data import check_house_rows, house_cached, judge_split

    X_all, y_all = house_cached()
    try:
        judge_split(tuple(ns[k] for k in PARTS[:3]), tuple(ns[k] for k in PARTS[3:]), ns["split_seed"],
                    X_all=X_all, y_all=y_all, check_rows=lambda v, n: check_house_rows(v, n, fix="split again"),
                    label_words={"one": "price", "many": "prices", "column": "the price"},
                    ordered_message=ordered_message)
    except WrongAnswer as exc:
        return str(exc)
    return None


def test_judge_split_valid_answers(data):
    from split_mistakes import valid_splits

    X, y = data
    for seed in (SEED, 0):
        for label, ns in valid_splits(X, y, seed):
            assert judge_values(ns) is None, (label, judge_values(ns))


def test_judge_split_mistakes(data):
    from split_mistakes import common_split_mistakes

    X, y = data
    right = train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=SEED)
    for ns, words in common_split_mistakes(X, y, right, SEED, ordered_words="kept the file order"):
        message = judge_values(ns)
        assert message is not None and words in message, (words, message)
        no_index_leak(message, right)


def test_judge_split_accepts_an_ordered_split_when_the_task_allows_it(data):
    X, y = data
    X_a, X_te, y_a, y_te = train_test_split(X, y, test_size=0.15, shuffle=False)
    X_tr, X_va, y_tr, y_va = train_test_split(X_a, y_a, test_size=0.15 / 0.85, shuffle=False)
    ns = dict(zip(PARTS, (X_tr, X_va, X_te, y_tr, y_va, y_te)), split_seed=0)
    assert judge_values(ns, ordered_message=None) is None
    assert "file order" in judge_values(ns)
