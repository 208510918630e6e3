"""Tests for course_utils.tools.generator: blanks, errors, determinism, restore round trip, CLI,
and that the committed exercises/ is exactly what the generator makes from solutions/."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import nbformat.v4 as v4
import pytest

from course_utils.errors import NotebookError
from course_utils.tools.generator import (
    CODE_BLANK,
    MARKDOWN_BLANK,
    generate_all,
    generate_exercise,
    main,
    nbgrader_metadata,
    restore_solutions,
)
from course_utils.tools.notebook_io import clean_notebook, dumps_notebook, read_notebook, write_notebook
from helpers import make_notebook

ROOT = Path(__file__).resolve().parents[1]
RAISE = 'raise NotImplementedError("Task: replace this line with your code")'


def solution_notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    """A clean solution notebook of lesson 02_99; cell i has the id cell-0i."""
    return clean_notebook(make_notebook(*cells, metadata={"course": {"lesson": "02_99", "kind": "solution"}}))


SAMPLE = solution_notebook(
    ("markdown", "# 02_99 · Sample\nDefine `w`."),
    ("code", "import numpy as np\nx = np.array([1.0, 2.0])"),
    ("code", "### BEGIN SOLUTION\nw = np.array([3.0, 4.0])\nb = 1.0\n### END SOLUTION\nprint('kept')"),
    ("code", "def f(x):\n    ### BEGIN SOLUTION\n    return x @ w + b\n    ### END SOLUTION\n\nresult = None"),
    ("markdown", "**Question**: why?\n\n### BEGIN SOLUTION\nBecause the bias shifts the line.\n### END SOLUTION"),
    ("code", "checks.task1.check()"),
)


def test_code_block_becomes_the_blank():
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    assert ex.cells[2].source == f"# YOUR CODE HERE\n{RAISE}\nprint('kept')"
    assert CODE_BLANK == ("# YOUR CODE HERE", RAISE)


def test_blank_keeps_the_indentation_and_code_outside_stays():
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    assert ex.cells[3].source == f"def f(x):\n    # YOUR CODE HERE\n    {RAISE}\n\nresult = None"
    assert ex.cells[1].source == SAMPLE.cells[1].source
    assert ex.cells[5].source == "checks.task1.check()"


def test_markdown_block_becomes_answer_blank():
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    assert ex.cells[4].source == "**Question**: why?\n\n_YOUR ANSWER HERE_"
    assert MARKDOWN_BLANK == ("_YOUR ANSWER HERE_",)
    assert ex.cells[0].source == SAMPLE.cells[0].source


def test_no_solution_text_survives_and_metadata_says_exercise():
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    text = dumps_notebook(ex)
    for secret in ("np.array([3.0, 4.0])", "b = 1.0", "return x @ w + b", "bias shifts", "SOLUTION"):
        assert secret not in text
    assert ex.metadata["course"] == {"lesson": "02_99", "kind": "exercise"}
    assert [c.id for c in ex.cells] == [c.id for c in SAMPLE.cells]
    assert SAMPLE.metadata["course"]["kind"] == "solution"  # input not modified
    assert "### BEGIN SOLUTION" in SAMPLE.cells[2].source


def test_several_blocks_in_one_cell_and_tabs():
    nb = solution_notebook(
        ("code", "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\nc = 3\n\t### BEGIN SOLUTION\n\td = 4\n\t### END SOLUTION")
    )
    ex = generate_exercise(nb, "two.ipynb")
    assert ex.cells[0].source == f"a = 1\n# YOUR CODE HERE\n{RAISE}\nc = 3\n\t# YOUR CODE HERE\n\t{RAISE}"


def test_list_sources_are_accepted():
    nb = copy.deepcopy(SAMPLE)
    nb.cells[2]["source"] = ["### BEGIN SOLUTION\n", "w = 1\n", "### END SOLUTION"]
    ex = generate_exercise(nb, "list.ipynb")
    assert ex.cells[2].source == f"# YOUR CODE HERE\n{RAISE}"


@pytest.mark.parametrize(
    "source, line, words",
    [
        ("### BEGIN SOLUTION\na = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n### END SOLUTION", 3, "nested"),
        ("x = 0\n### BEGIN SOLUTION\na = 1", 2, "never closed"),
        ("a = 1\n### END SOLUTION", 2, "without a `### BEGIN SOLUTION`"),
        ("## BEGIN SOLUTION\na = 1\n### END SOLUTION", 1, "looks like a solution marker"),
        ("### BEGIN SOLUTION\na = 1\n### END SOLUTION.", 3, "looks like a solution marker"),
    ],
)
def test_malformed_markers_name_notebook_cell_and_line(source, line, words):
    nb = solution_notebook(("markdown", "# title"), ("code", "import os"), ("code", source))
    with pytest.raises(NotebookError) as info:
        generate_exercise(nb, "02_99_broken.ipynb")
    message = str(info.value)
    # the third cell: "cell 3" as a person counts, with its id as it is in the file
    assert message.startswith(f"02_99_broken.ipynb, cell 3 (id cell-02), line {line}: ")
    assert words in message


@pytest.mark.parametrize(
    "kind, line",
    [
        ("code", "### Begin Solution"),                 # another case
        ("code", "### begin solution"),
        ("code", "### END solution"),
        ("code", "secret = 42  ### BEGIN SOLUTION"),    # after code on the same line
        ("code", "### BEGIN SOLUTION  # task 1"),       # something after the marker
        ("code", "#BEGIN SOLUTION"),
        ("code", "##  BEGIN  SOLUTION"),
        ("code", "### BEGIN_SOLUTION"),
        ("code", "    ## END SOLUTION"),
        ("markdown", "<!-- BEGIN SOLUTION -->"),
        ("markdown", "**End solution**"),
    ],
)
def test_a_line_that_looks_like_a_marker_stops_generation(kind, line):
    # Before the fix these lines were copied into the exercise as they were, answer included.
    nb = solution_notebook(
        ("markdown", "# title"),
        ("code", "### BEGIN SOLUTION\nw = 1\n### END SOLUTION"),
        (kind, f"keep = 0\n{line}\nsecret = 42"),
    )
    with pytest.raises(NotebookError) as info:
        generate_exercise(nb, "02_99_leak.ipynb")
    message = str(info.value)
    assert message.startswith("02_99_leak.ipynb, cell 3 (id cell-02), line 2: ")
    assert repr(line.strip()) in message and "looks like a solution marker but is not one" in message
    assert "upper case, three #" in message


def test_prose_that_only_mentions_solutions_is_not_a_marker():
    nb = solution_notebook(
        ("markdown", "In the end, solutions differ; a blended solution is fine. Begin: solution below."),
        ("code", "### BEGIN SOLUTION\nw = 1\n### END SOLUTION\n# trend solution and appendSolution stay"),
    )
    ex = generate_exercise(nb, "prose.ipynb")
    assert ex.cells[0].source == nb.cells[0].source
    assert ex.cells[1].source.endswith("# trend solution and appendSolution stay")


def test_error_names_the_cell_id_as_it_is_in_the_file():
    nb = v4.new_notebook(cells=[v4.new_code_cell("### END SOLUTION")])
    nb.cells[0]["id"] = "my-odd-id"
    with pytest.raises(NotebookError, match=r"x.ipynb, cell 1 \(id my-odd-id\), line 1"):
        generate_exercise(nb, "x.ipynb")


def test_markers_in_markdown_are_checked_too():
    nb = solution_notebook(("markdown", "### BEGIN SOLUTION\nanswer"))
    with pytest.raises(NotebookError, match="never closed"):
        generate_exercise(nb, "md.ipynb")


def test_a_solution_without_markers_is_an_error():
    nb = solution_notebook(("code", "x = 1"), ("markdown", "text"))
    with pytest.raises(NotebookError, match="no `### BEGIN SOLUTION`"):
        generate_exercise(nb, "02_99_none.ipynb")


def test_generation_is_deterministic_and_idempotent(tmp_path):
    first = dumps_notebook(generate_exercise(SAMPLE, "s.ipynb"))
    second = dumps_notebook(generate_exercise(read_notebook(write_notebook(SAMPLE, tmp_path / "s.ipynb")), "s.ipynb"))
    assert first == second
    path = write_notebook(generate_exercise(SAMPLE, "s.ipynb"), tmp_path / "e.ipynb")
    again = write_notebook(generate_exercise(SAMPLE, "s.ipynb"), tmp_path / "e2.ipynb")
    assert path.read_bytes() == again.read_bytes() == first.encode("utf-8")


def test_restore_solutions_round_trip():
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    restored = restore_solutions(ex, SAMPLE)
    assert restored.cells == SAMPLE.cells
    assert restored.metadata == SAMPLE.metadata
    assert dumps_notebook(restored) == dumps_notebook(SAMPLE)


def test_restore_detects_an_edited_exercise():
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    ex.cells[1].source += "\ny = 5"  # a change outside the blanks
    assert restore_solutions(ex, SAMPLE).cells != SAMPLE.cells
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    ex.cells[2].source = "w = 1"  # the blank was removed
    with pytest.raises(NotebookError, match="lacks the blank"):
        restore_solutions(ex, SAMPLE)
    ex = generate_exercise(SAMPLE, "sample.ipynb")
    ex.cells.pop()
    with pytest.raises(NotebookError, match="cells"):
        restore_solutions(ex, SAMPLE)


# --------------------------------------------------------------------------- generate_all / CLI


def make_project(tmp_path: Path) -> Path:
    write_notebook(SAMPLE, tmp_path / "solutions" / "02_99_sample.ipynb")
    other = solution_notebook(("code", "### BEGIN SOLUTION\nz = 1\n### END SOLUTION"))
    write_notebook(other, tmp_path / "solutions" / "02_98_other.ipynb")
    return tmp_path


def test_generate_all_writes_then_reports_nothing_to_do(tmp_path):
    root = make_project(tmp_path)
    assert generate_all(root, check=True) == ["exercises/02_98_other.ipynb", "exercises/02_99_sample.ipynb"]
    assert not (root / "exercises").exists()  # check mode writes nothing
    assert generate_all(root) == ["exercises/02_98_other.ipynb", "exercises/02_99_sample.ipynb"]
    written = (root / "exercises" / "02_99_sample.ipynb").read_bytes()
    # the solution gains nbgrader metadata first (generator.nbgrader_metadata), the exercise inherits it
    assert written == dumps_notebook(generate_exercise(nbgrader_metadata(SAMPLE), "x")).encode("utf-8")
    assert generate_all(root) == []
    assert generate_all(root, check=True) == []
    assert (root / "exercises" / "02_99_sample.ipynb").read_bytes() == written


def test_generate_all_selects_names_and_detects_drift_and_orphans(tmp_path):
    root = make_project(tmp_path)
    assert generate_all(root, ["02_99"]) == ["exercises/02_99_sample.ipynb"]
    assert generate_all(root, ["02_98_other.ipynb"]) == ["exercises/02_98_other.ipynb"]
    target = root / "exercises" / "02_99_sample.ipynb"
    target.write_text(target.read_text(encoding="utf-8").replace("kept", "changed"), encoding="utf-8")
    (root / "exercises" / "02_97_orphan.ipynb").write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
    assert generate_all(root, check=True) == ["exercises/02_99_sample.ipynb", "exercises/02_97_orphan.ipynb"]
    with pytest.raises(NotebookError, match="matches no solution notebook"):
        generate_all(root, ["02_50"])
    with pytest.raises(NotebookError, match="No solutions/ folder"):
        generate_all(root / "nowhere")


def test_cli_check_exits_1_listing_drift_and_0_when_clean(tmp_path, capsys):
    root = make_project(tmp_path)
    assert main(["--check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "out of date: exercises/02_99_sample.ipynb" in out and "out of date: exercises/02_98_other.ipynb" in out
    assert not (root / "exercises").exists()
    assert main(["--root", str(root)]) == 0
    assert "wrote exercises/02_99_sample.ipynb" in capsys.readouterr().out
    assert main(["--check", "--root", str(root)]) == 0
    assert main(["--check", "--root", str(root), "02_99_sample"]) == 0


def test_cli_reports_marker_errors_with_exit_2(tmp_path, capsys):
    root = make_project(tmp_path)
    write_notebook(solution_notebook(("code", "x = 1")), root / "solutions" / "02_96_none.ipynb")
    assert main(["--root", str(root)]) == 2
    assert "02_96_none.ipynb: no `### BEGIN SOLUTION`" in capsys.readouterr().err


def test_generation_is_all_or_nothing(tmp_path):
    root = make_project(tmp_path)
    generate_all(root)
    before = {p.name: p.read_bytes() for p in (root / "exercises").glob("*.ipynb")}
    # a change that would rewrite 02_98's exercise, and a broken 02_99 sorted after it
    write_notebook(solution_notebook(("code", "### BEGIN SOLUTION\nz = 2\n### END SOLUTION\nprint('new')")),
                   root / "solutions" / "02_98_other.ipynb")
    broken = copy.deepcopy(SAMPLE)
    broken.cells[1].source += "\nanswer = 42  ### END SOLUTION"
    write_notebook(broken, root / "solutions" / "02_99_sample.ipynb")
    with pytest.raises(NotebookError) as info:
        generate_all(root)
    message = str(info.value)
    assert message.startswith("02_99_sample.ipynb, cell 2 (id cell-01), line 3: ")
    assert "Nothing was written" in message
    after = {p.name: p.read_bytes() for p in (root / "exercises").glob("*.ipynb")}
    assert after == before
    # two broken solutions: both are named
    write_notebook(solution_notebook(("code", "x = 1")), root / "solutions" / "02_98_other.ipynb")
    with pytest.raises(NotebookError, match=r"02_98_other.ipynb: no `### BEGIN SOLUTION`.*1 more broken: 02_99_sample"):
        generate_all(root)
    assert {p.name: p.read_bytes() for p in (root / "exercises").glob("*.ipynb")} == before


def test_course_generate_names_the_broken_cell_and_writes_nothing(course_folder, capsys):
    from course_utils.tools import cli

    write_notebook(SAMPLE, course_folder / "solutions" / "02_99_sample.ipynb")
    assert cli.main(["generate"]) == 0
    exercise = course_folder / "exercises" / "02_99_sample.ipynb"
    before = exercise.read_bytes()
    leaky = copy.deepcopy(SAMPLE)
    leaky.cells[2].source = leaky.cells[2].source.replace("### END SOLUTION", "### End Solution")
    write_notebook(leaky, course_folder / "solutions" / "02_99_sample.ipynb")
    capsys.readouterr()
    assert cli.main(["generate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: 02_99_sample.ipynb, cell 3 (id cell-02), line 4: ")
    assert "Traceback" not in err and exercise.read_bytes() == before


def test_options_the_messages_suggest_exist(tmp_path, monkeypatch, capsys):
    from course_utils.tools import cli

    from course_utils.errors import NotebookError
    from course_utils.tools.generator import run

    with pytest.raises(NotebookError, match="No solutions/ folder") as info:   # no solutions/ here
        run(tmp_path, fix="course generate")
    err = str(info.value)
    generate_parser = next(a for a in cli.build_parser()._subparsers._group_actions[0].choices.items()
                           if a[0] == "generate")[1]
    accepted = {opt for action in generate_parser._actions for opt in action.option_strings}
    suggested = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", err))
    assert suggested <= accepted, f"the message suggests {suggested - accepted}, which `course generate` rejects"


# --------------------------------------------------------------------------- the real course


SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb")) or [None]  # None: fail, never skip


def test_course_folders_hold_the_lessons():
    """An empty notebooks/, solutions/ or exercises/ fails the suite (nbval would find nothing)."""
    stems = {kind: sorted(p.stem for p in (ROOT / kind).glob("*.ipynb")) for kind in ("notebooks", "solutions", "exercises")}
    for kind, found in stems.items():
        assert found, f"{kind}/ holds no notebook"
    assert stems["notebooks"] == stems["solutions"] == stems["exercises"]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem if p else "none")
def test_committed_exercise_matches_its_solution(solution):
    assert solution is not None, "solutions/ holds no notebook"
    exercise = ROOT / "exercises" / solution.name
    assert exercise.is_file(), f"{exercise} is missing: run `python -m course_utils.tools.generator`"
    expected = dumps_notebook(generate_exercise(read_notebook(solution), solution.name))
    assert exercise.read_text(encoding="utf-8") == expected, (
        f"{exercise.name} drifted from solutions/: run `python -m course_utils.tools.generator {solution.stem}`"
    )


def test_every_committed_exercise_has_a_solution():
    orphans = sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb") if not (ROOT / "solutions" / p.name).is_file())
    assert orphans == []


def test_cli_with_no_solutions_says_so(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    assert main(["--check", "--root", str(tmp_path)]) == 0
    assert "solutions/ holds no notebook yet" in capsys.readouterr().out
    assert main(["--root", str(tmp_path / "missing")]) == 2
    assert "No solutions/ folder" in capsys.readouterr().err
