"""Shared answers for the split tasks judged by ``course_utils.checks.data.judge_split`` (the
70 / 15 / 15 split given as six parts plus ``split_seed``: exercise 02_06's task 1, and the
shared judge's own tests in ``test_checks_ex02_05.py``).

``common_split_mistakes`` gives ``(namespace, words)`` pairs: a student namespace with one typical
mistake and the words the check's message must contain. ``valid_splits`` gives namespaces of
right answers made in different ways (the course helper, two scikit-learn ``train_test_split``
calls in several orders, NumPy labels). The data-specific cases (target column, feature count)
stay in each test file.
"""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split

from course_utils.lesson.split import train_val_test_split


def split_namespace(s, seed: int) -> dict:
    """The namespace of a right answer to the split task, from six parts (a ``Split`` or a tuple
    ``X_train, X_val, X_test, y_train, y_val, y_test``)."""
    X_train, X_val, X_test, y_train, y_val, y_test = s
    return {"X_train": X_train, "X_val": X_val, "X_test": X_test,
            "y_train": y_train, "y_val": y_val, "y_test": y_test, "split_seed": seed}


def no_index_leak(message: str, s) -> None:
    """The message must not list the rows of the expected split."""
    rows = ", ".join(str(i) for i in s[2].index[:3])
    assert rows not in message


def valid_splits(X, y, seed: int) -> list[tuple[str, dict]]:
    """Right answers made in different ways, each with ``random_state``/``seed`` = ``seed``."""

    def two_calls(first_size, second_size, order):
        X_a, X_b, y_a, y_b = train_test_split(X, y, test_size=first_size, random_state=seed)
        X_c, X_d, y_c, y_d = train_test_split(X_a, y_a, test_size=second_size, random_state=seed)
        if order == "test first":            # b = test, then c = train, d = val
            return X_c, X_d, X_b, y_c, y_d, y_b
        if order == "val first":             # b = val, then c = train, d = test
            return X_c, X_b, X_d, y_c, y_b, y_d
        raise ValueError(order)

    def hold_out_then_halve(val_second):
        X_tr, X_h, y_tr, y_h = train_test_split(X, y, train_size=0.7, random_state=seed)
        X_a, X_b, y_a, y_b = train_test_split(X_h, y_h, test_size=0.5, random_state=seed)
        return (X_tr, X_b, X_a, y_tr, y_b, y_a) if val_second else (X_tr, X_a, X_b, y_tr, y_a, y_b)

    helper = train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=seed)
    numpy_labels = tuple(helper[:3]) + tuple(part.to_numpy() for part in helper[3:])
    return [
        ("course helper", split_namespace(helper, seed)),
        ("course helper, NumPy labels", split_namespace(numpy_labels, seed)),
        ("train_test_split twice, test rows first", split_namespace(two_calls(0.15, 0.15 / 0.85, "test first"), seed)),
        ("train_test_split twice, rounded fraction", split_namespace(two_calls(0.15, 0.18, "test first"), seed)),
        ("train_test_split twice, validation rows first", split_namespace(two_calls(0.15, 0.15 / 0.85, "val first"), seed)),
        ("train_test_split, 30 % held out then halved", split_namespace(hold_out_then_halve(False), seed)),
        ("train_test_split, 30 % held out then halved (test first)", split_namespace(hold_out_then_halve(True), seed)),
    ]


def common_split_mistakes(X, y, split, seed: int, *, ordered_words: str) -> list[tuple[dict, str]]:
    """Nine mistakes every split task must catch; ``ordered_words``: the message's words for the
    slides' unshuffled split, which differ between the data sets. ``split`` is a right answer
    (six parts) made with ``seed``."""
    ns1 = lambda s, sd=seed: split_namespace(s, sd)  # noqa: E731
    cases = [(ns1(split, seed + 1), "does not reproduce")]
    # the slides' ordered split (no shuffling), with the course helper and with scikit-learn
    cases.append((ns1(train_val_test_split(X, y, val_size=0.15, test_size=0.15, shuffle=False)), ordered_words))
    X_a, X_te, y_a, y_te = train_test_split(X, y, test_size=0.15, shuffle=False)
    X_tr, X_va, y_tr, y_va = train_test_split(X_a, y_a, test_size=0.15 / 0.85, random_state=seed)
    cases.append((ns1((X_tr, X_va, X_te, y_tr, y_va, y_te)), ordered_words))   # only the second call shuffles
    # wrong fractions (80 / 10 / 10)
    cases.append((ns1(train_val_test_split(X, y, val_size=0.1, test_size=0.1, seed=seed)), "rows"))
    # X and y split in two different calls
    other = train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=seed + 5)
    ns = ns1(split)
    ns.update(y_train=other.y_train, y_val=other.y_val, y_test=other.y_test)
    cases.append((ns, "SAME call"))
    # overlapping parts (validation rows copied into the test part)
    ns = ns1(split)
    ns["X_test"] = pd.concat([ns["X_test"].iloc[:-5], ns["X_val"].iloc[:5]])
    ns["y_test"] = pd.concat([ns["y_test"].iloc[:-5], ns["y_val"].iloc[:5]])
    cases.append((ns, "two parts"))
    # rows missing (test part cut short)
    ns = ns1(split)
    ns["X_test"], ns["y_test"] = ns["X_test"].iloc[:-1], ns["y_test"].iloc[:-1]
    cases.append((ns, "no part"))
    # index reset (rows cannot be traced back)
    ns = ns1(split)
    ns["X_val"] = ns["X_val"].reset_index(drop=True)
    cases.append((ns, "index"))
    # the second train_test_split call given the fraction of ALL rows
    X_a, X_te, y_a, y_te = train_test_split(X, y, test_size=0.15, random_state=seed)
    X_tr, X_va, y_tr, y_va = train_test_split(X_a, y_a, test_size=0.15, random_state=seed)
    cases.append((ns1((X_tr, X_va, X_te, y_tr, y_va, y_te)), "rows that are left"))
    return cases
