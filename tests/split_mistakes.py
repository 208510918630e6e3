"""Shared wrong answers for the split tasks of exercises 02_05 (house data) and 02_06 (Boston),
which both use the one split judge ``course_utils.checks.ex02_05.judge_split``.

Each case is ``(namespace, words)``: a student namespace with one typical mistake and the words
the check's message must contain. The data-specific cases (target column, feature count) stay
in each test file.
"""

from __future__ import annotations

import pandas as pd

from course_utils.lesson.split import train_val_test_split


def split_namespace(s, seed: int) -> dict:
    """The namespace of a right answer to the split task, from a ``train_val_test_split`` result."""
    return {"X_train": s.X_train, "X_val": s.X_val, "X_test": s.X_test,
            "y_train": s.y_train, "y_val": s.y_val, "y_test": s.y_test, "split_seed": seed}


def no_index_leak(message: str, s) -> None:
    """The message must not list the rows of the expected split."""
    rows = ", ".join(str(i) for i in s.X_test.index[:3])
    assert rows not in message


def common_split_mistakes(X, y, split, seed: int, *, ordered_words: str) -> list[tuple[dict, str]]:
    """Seven mistakes every split task must catch; ``ordered_words``: the message's words for the
    slides' unshuffled split, which differ between the two data sets."""
    ns1 = lambda s, sd=seed: split_namespace(s, sd)  # noqa: E731
    cases = [(ns1(split, seed + 1), "does not reproduce")]
    # the slides' ordered split (no shuffling)
    cases.append((ns1(train_val_test_split(X, y, val_size=0.15, test_size=0.15, shuffle=False)), ordered_words))
    # wrong fractions (80 / 10 / 10)
    cases.append((ns1(train_val_test_split(X, y, val_size=0.1, test_size=0.1, seed=seed)), "rows"))
    # X and y split in two different calls
    other = train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=seed + 5)
    ns = ns1(split)
    ns.update(y_train=other.y_train, y_val=other.y_val, y_test=other.y_test)
    cases.append((ns, "SAME call"))
    # overlapping parts (validation rows copied into the test part)
    ns = ns1(split)
    ns["X_test"] = pd.concat([split.X_test.iloc[:-5], split.X_val.iloc[:5]])
    ns["y_test"] = pd.concat([split.y_test.iloc[:-5], split.y_val.iloc[:5]])
    cases.append((ns, "two parts"))
    # rows missing (test part cut short)
    ns = ns1(split)
    ns["X_test"], ns["y_test"] = split.X_test.iloc[:-1], split.y_test.iloc[:-1]
    cases.append((ns, "no part"))
    # index reset (rows cannot be traced back)
    ns = ns1(split)
    ns["X_val"] = split.X_val.reset_index(drop=True)
    cases.append((ns, "index"))
    return cases
