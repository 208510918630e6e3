"""Hints teach rather than tell: for every task of every exercise,

- there are at least two tiers (``hint()`` a nudge, ``hint(2)`` more);
- the first tier contains no line of the task's solution code (as ``solution()`` shows it),
  and does not assign any name the task asks for.
"""

from __future__ import annotations

import importlib
import re

import pytest

from course_utils.checks.core import solution_blocks

TASKS = [
    (f"02_0{n}", task)
    for n in range(10)
    for task in importlib.import_module(f"course_utils.checks.ex02_0{n}").exercise.tasks
]


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("exercise, task", TASKS, ids=[f"{e}-task{t.number}" for e, t in TASKS])
def test_first_hint_is_a_nudge_not_the_answer(exercise, task):
    assert len(task.hints) >= 2, f"{exercise} task {task.number}: give at least two hint tiers"
    first = _normal(task.hints[0])
    for block in solution_blocks(exercise, task.number):
        for line in block.split("\n"):
            code = line.split("#", 1)[0].strip()
            if len(_normal(code)) >= 8:
                assert _normal(code) not in first, f"{exercise} task {task.number}: hint 1 contains {code!r}"
    for name in task.names:
        assert not re.search(rf"\b{re.escape(name)}\s*=[^=]", task.hints[0]), (
            f"{exercise} task {task.number}: hint 1 assigns {name}")
