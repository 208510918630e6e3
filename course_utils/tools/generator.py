"""Generate the student exercises from the solution notebooks (tooling, exercises 02_00 … 02_09).

A solution notebook marks each answer with nbgrader's markers, so the notebooks stay
portable to nbgrader for graded classes::

    ### BEGIN SOLUTION
    nand_w = np.array([-2, -2])
    ### END SOLUTION

In the exercise, a code block becomes (same indentation as the ``BEGIN`` line)::

    # YOUR CODE HERE
    raise NotImplementedError("Task: replace this line with your code")

and a markdown block becomes ``_YOUR ANSWER HERE_``. Everything outside the markers is
kept as it is, so every cell keeps its place and id. A marker is exactly ``### BEGIN
SOLUTION`` or ``### END SOLUTION`` on a line of its own (indentation allowed). Nested,
unterminated or stray markers, and any line that looks like a marker but is not exact
(``### Begin Solution``, ``x = 1  ### BEGIN SOLUTION``, ``## END SOLUTION``), are errors
naming the notebook, the cell (``cell N``: its 1-based position, with its id) and the
line; so is a solution without any marker (an exercise needs blanks). Generation is
all-or-nothing: every selected solution is checked first, and if one is broken no
exercise is written. It is deterministic and idempotent; files are written atomically
through :func:`course_utils.tools.notebook_io.write_notebook`.

:func:`restore_solutions` puts the solution blocks back into an exercise (the tests use it
to prove an exercise differs from its solution only in the blanks), and
:func:`exercise_run_problems` judges an executed exercise: every blank raises
``NotImplementedError``, every other cell runs, every check says "not attempted".

Command line (from the project root)::

    python -m course_utils.tools.generator                # solutions/*.ipynb -> exercises/
    python -m course_utils.tools.generator 02_00 02_01    # only these (lesson, stem or file name)
    python -m course_utils.tools.generator --check        # write nothing; exit 1 if exercises/ drifted
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import nbformat

from ..errors import NotebookError
from .notebook_io import cell_label, clean_notebook, dumps_notebook, read_notebook, write_notebook

if TYPE_CHECKING:
    from .executor import ExecutionResult

__all__ = [
    "BEGIN",
    "END",
    "CODE_BLANK",
    "MARKDOWN_BLANK",
    "generate_exercise",
    "restore_solutions",
    "generate_all",
    "run",
    "exercise_run_problems",
    "nbgrader_metadata",
    "main",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
#: What replaces a solution block in a code cell (each line indented like the BEGIN line).
CODE_BLANK = ("# YOUR CODE HERE", 'raise NotImplementedError("Task: replace this line with your code")')
#: What replaces a solution block in a markdown cell.
MARKDOWN_BLANK = ("_YOUR ANSWER HERE_",)

_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (?:BEGIN|END) SOLUTION)[ \t]*$")
# Any line that mentions a marker in any case, spacing or place but is not exactly one
# (``### Begin Solution``, ``x = 1  ### BEGIN SOLUTION``, ``## END SOLUTION``, ``#BEGIN_SOLUTION``):
# copying it into an exercise as plain code would leak the answer.
_NEAR_MARKER = re.compile(r"(?i)(?<![a-z])(?:begin|end)[ \t_-]*solution(?![a-z])")


def _where(name: str, index: int, cell: nbformat.NotebookNode, line: int | None = None) -> str:
    place = f"{name}, {cell_label(index, cell)}"
    return f"{place}, line {line}" if line is not None else place


def _blocks(name: str, index: int, cell: nbformat.NotebookNode) -> list[tuple[int, int, str]]:
    """The solution blocks of one cell as (begin line, end line, indentation), 0-based lines."""
    blocks: list[tuple[int, int, str]] = []
    open_at: int | None = None
    indent = ""
    lines = cell.source.split("\n")
    for number, line in enumerate(lines):
        match = _MARKER.match(line)
        if match is None:
            if _NEAR_MARKER.search(line):
                raise NotebookError(
                    f"{_where(name, index, cell, number + 1)}: {line.strip()!r} looks like a solution "
                    f"marker but is not one, so the answer could leak into the exercise. Write exactly "
                    f"`{BEGIN}` or `{END}` (upper case, three #) on a line of its own, with no code "
                    "before or after it."
                )
            continue
        if match["marker"] == BEGIN:
            if open_at is not None:
                raise NotebookError(
                    f"{_where(name, index, cell, number + 1)}: `{BEGIN}` inside the solution block opened "
                    f"on line {open_at + 1}. Blocks cannot be nested: close the first one with `{END}`."
                )
            open_at, indent = number, match["indent"]
        else:
            if open_at is None:
                raise NotebookError(
                    f"{_where(name, index, cell, number + 1)}: `{END}` without a `{BEGIN}` before it "
                    "in the same cell. Remove it or add the missing BEGIN line."
                )
            blocks.append((open_at, number, indent))
            open_at = None
    if open_at is not None:
        raise NotebookError(
            f"{_where(name, index, cell, open_at + 1)}: `{BEGIN}` is never closed. "
            f"Add `{END}` after the answer, in the same cell."
        )
    if blocks and cell.cell_type not in ("code", "markdown"):
        raise NotebookError(
            f"{_where(name, index, cell)}: solution markers only work in code and markdown cells, "
            f"this is a {cell.cell_type} cell."
        )
    return blocks


def _blank(cell_type: str, indent: str) -> list[str]:
    lines = CODE_BLANK if cell_type == "code" else MARKDOWN_BLANK
    return [indent + line for line in lines]


def generate_exercise(solution_nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Return the exercise made from ``solution_nb`` (cleaned; ``course.kind = "exercise"``).

    ``name`` (the notebook's file name) is used in error messages.
    """
    nb = copy.deepcopy(solution_nb)  # cleaned at the end; errors name the cell ids as they are
    total = 0
    for index, cell in enumerate(nb.cells):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        blocks = _blocks(name, index, cell)
        if not blocks:
            continue
        total += len(blocks)
        lines = cell.source.split("\n")
        for begin, end, indent in reversed(blocks):
            lines[begin : end + 1] = _blank(cell.cell_type, indent)
        cell.source = "\n".join(lines)
    if total == 0:
        raise NotebookError(
            f"{name}: no `{BEGIN}` … `{END}` block, so its exercise would have no blanks. "
            "Mark the answer code of each task in the solution notebook."
        )
    course = dict(nb.metadata.get("course", {}))
    course["kind"] = "exercise"
    nb.metadata["course"] = course
    _mark_exercise_cells(nb)
    return clean_notebook(nb)


#: The cell tag that lets nbval, nbmake and ``nbconvert --execute`` run past a blank.
RAISES_TAG = "raises-exception"


def _mark_exercise_cells(nb: nbformat.NotebookNode) -> None:
    """Tag every code cell holding a blank ``raises-exception``, so that nbval, nbmake and
    ``nbconvert --execute`` run an exercise through to its checks, and point the title
    cell's Colab badge at ``exercises/``. In place."""
    from .launch import retarget_links

    blank = CODE_BLANK[1].strip()
    for cell in nb.cells:
        if cell.cell_type == "code" and any(line.strip() == blank for line in cell.source.split("\n")):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if RAISES_TAG not in tags:
                tags.append(RAISES_TAG)
    retarget_links(nb, "exercises")


def _unmark_exercise_cells(exercise: nbformat.NotebookNode, solution: nbformat.NotebookNode) -> None:
    """Undo :func:`_mark_exercise_cells` on a restored exercise (tags the solution lacks). In place."""
    from .launch import retarget_links

    for ex_cell, sol_cell in zip(exercise.cells, solution.cells):
        tags = ex_cell.get("metadata", {}).get("tags", [])
        if RAISES_TAG in tags and RAISES_TAG not in sol_cell.get("metadata", {}).get("tags", []):
            tags.remove(RAISES_TAG)
            if not tags:
                del ex_cell.metadata["tags"]
    retarget_links(exercise, "solutions")


def restore_solutions(exercise_nb: nbformat.NotebookNode, solution_nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Put the solution blocks of ``solution_nb`` back into the blanks of ``exercise_nb``.

    Used by the tests: when the exercise was generated from the solution and nothing else
    was edited, the result has exactly the solution's cells. Raises NotebookError when the
    two notebooks do not line up (different cells, or a blank missing or extra).
    """
    exercise = clean_notebook(exercise_nb)
    solution = clean_notebook(solution_nb)
    if len(exercise.cells) != len(solution.cells):
        raise NotebookError(
            f"The exercise has {len(exercise.cells)} cells but the solution has {len(solution.cells)}: "
            "regenerate the exercise (python -m course_utils.tools.generator)."
        )
    for index, (ex_cell, sol_cell) in enumerate(zip(exercise.cells, solution.cells)):
        if ex_cell.cell_type != sol_cell.cell_type:
            raise NotebookError(
                f"C{cell_label(index, ex_cell)[1:]}: {ex_cell.cell_type} in the exercise but "
                f"{sol_cell.cell_type} in the solution."
            )
        blocks = _blocks("solution", index, sol_cell)
        if not blocks:
            continue
        sol_lines = sol_cell.source.split("\n")
        ex_lines = ex_cell.source.split("\n")
        restored: list[str] = []
        position = 0
        for begin, end, indent in blocks:
            blank = _blank(sol_cell.cell_type, indent)
            found = _find(ex_lines, blank, position)
            if found is None:
                raise NotebookError(
                    f"C{cell_label(index, ex_cell)[1:]}: the exercise lacks the blank for the solution "
                    f"block on line {begin + 1}: regenerate the exercise (python -m course_utils.tools.generator)."
                )
            restored += ex_lines[position:found] + sol_lines[begin : end + 1]
            position = found + len(blank)
        ex_cell.source = "\n".join(restored + ex_lines[position:])
    course = dict(exercise.metadata.get("course", {}))
    if "kind" in solution.metadata.get("course", {}):
        course["kind"] = solution.metadata["course"]["kind"]
    else:
        course.pop("kind", None)
    if course:
        exercise.metadata["course"] = course
    else:
        exercise.metadata.pop("course", None)
    _unmark_exercise_cells(exercise, solution)
    return clean_notebook(exercise)


def _find(lines: list[str], blank: list[str], start: int) -> int | None:
    for i in range(start, len(lines) - len(blank) + 1):
        if lines[i : i + len(blank)] == blank:
            return i
    return None


def _blank_raises(source: str) -> bool:
    """True when running ``source`` hits a ``raise NotImplementedError`` at top level; False when
    every such raise sits inside a function body (defining the function raises nothing)."""
    import ast

    try:
        from IPython.core.inputtransformer2 import TransformerManager

        tree = ast.parse(TransformerManager().transform_cell(source))
    except Exception:  # not parseable: fall back to the indentation of the raise line
        return any(line.startswith("raise NotImplementedError") for line in source.split("\n"))
    in_functions = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for node in ast.walk(function)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None and id(node) not in in_functions:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
    return False


def exercise_run_problems(result: "ExecutionResult") -> list[str]:
    """What is wrong with an executed exercise (an empty list means it behaves as it should).

    ``result`` comes from :func:`course_utils.tools.executor.execute_notebook` run with
    ``COURSE_STRICT=0``. A code cell with a top-level ``raise NotImplementedError`` blank
    must fail with ``NotImplementedError``; a cell whose blanks all sit inside a function
    body may run clean (or fail with ``NotImplementedError`` if it calls the function);
    every other code cell must run without error; every check shown must say
    ``not_attempted``, and a cell that calls ``.check()`` must show one.
    """
    from ..checks.core import MIMETYPE  # light: no TensorFlow

    problems: list[str] = []
    if result.timed_out:
        problems.append("the run timed out: " + "; ".join(e.last_line for e in result.errors if e.ename == "CellTimeoutError"))
    if result.kernel_died:
        problems.append("the kernel died: " + "; ".join(e.last_line for e in result.errors if e.ename == "DeadKernelError"))
    errors = {error.index: error for error in result.errors}
    for index, cell in enumerate(result.nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        error = errors.get(index)
        if error is not None and error.ename in ("CellTimeoutError", "DeadKernelError"):
            break  # reported above; later cells never ran
        where = cell_label(index, cell)
        has_blank = "raise NotImplementedError" in cell.source
        failed = "ran without error" if error is None else f"failed with {error.last_line}"
        if has_blank and _blank_raises(cell.source):
            if error is None or error.ename != "NotImplementedError":
                problems.append(f"{where} has a blank but {failed}; a blank must raise NotImplementedError")
        elif has_blank:
            if error is not None and error.ename != "NotImplementedError":
                problems.append(f"{where} (a blank inside a function) {failed}; it should only define the function")
        elif error is not None:
            problems.append(
                f"{where} {failed}; only blanks may fail (does it use a name defined in a solution "
                "block? then make it a check cell or put it inside the block)"
            )
        payloads = [
            out["data"][MIMETYPE]
            for out in cell.get("outputs", [])
            if out.get("output_type") in ("display_data", "execute_result") and MIMETYPE in out.get("data", {})
        ]
        for payload in payloads:
            if payload.get("status") != "not_attempted":
                problems.append(
                    f"{where}: check of task {payload.get('task')} says {payload.get('status')!r} on the untouched "
                    "exercise; it should say 'not_attempted' (is a name it checks defined outside the blanks?)"
                )
        if ".check()" in cell.source and not has_blank and error is None and not payloads:
            problems.append(f"{where} calls .check() but shows no check result")
    return problems


# --------------------------------------------------------------------------- nbgrader metadata (issue 11)

_CHECK_CALL = re.compile(r"\btask(\d+)\s*\.\s*check\s*\(")


def nbgrader_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the solution ``nb`` with nbgrader 0.9's cell metadata: every cell holding a
    ``### BEGIN SOLUTION`` block is a solution cell, every cell calling ``checks.taskN.check()``
    an autograded test worth one point per task it checks (locked); other cells carry no
    nbgrader metadata. ``grade_id`` values are stable (``taskN-check``, ``cell-NN-answer``)."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        source = "".join(cell.source) if isinstance(cell.get("source"), list) else cell.get("source", "")
        meta = dict(cell.get("metadata", {}))
        meta.pop("nbgrader", None)
        tasks = [int(n) for n in _CHECK_CALL.findall(source)] if cell.cell_type == "code" else []
        base = {"schema_version": 3, "task": False}
        if any(_MARKER.match(line) for line in source.split("\n")):
            meta["nbgrader"] = {**base, "grade": False, "grade_id": f"cell-{index:02d}-answer",
                                "locked": False, "solution": True}
        elif tasks:
            meta["nbgrader"] = {**base, "grade": True, "grade_id": "-".join(f"task{n}" for n in tasks) + "-check",
                                "locked": True, "points": len(tasks), "solution": False}
        cell["metadata"] = nbformat.NotebookNode(meta)
    return nb


# --------------------------------------------------------------------------- whole course


def _select(solutions: list[Path], names: Iterable[str] | None) -> list[Path]:
    if not names:
        return solutions
    chosen: list[Path] = []
    for raw in names:
        key = Path(raw).name.removesuffix(".ipynb")
        matches = [p for p in solutions if p.stem == key] or [p for p in solutions if p.stem.startswith(key + "_")]
        if len(matches) != 1:
            known = ", ".join(p.stem for p in solutions) or "none"
            why = "matches several" if matches else "matches no"
            raise NotebookError(f"{raw!r} {why} solution notebook. Known: {known}.")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def generate_all(root: str | Path, names: Iterable[str] | None = None, check: bool = False) -> list[str]:
    """Generate ``exercises/X.ipynb`` from every (or each named) ``solutions/X.ipynb`` under ``root``.

    All-or-nothing: every selected solution is read and turned into its exercise first;
    if any of them is broken, a :class:`NotebookError` names each broken one and nothing
    is written. Returns paths relative to ``root``: with ``check=False`` the files that
    were (re)written because they changed; with ``check=True`` nothing is written and the
    list holds every exercise that is missing, differs from what the generator makes, or
    (when no names are given) has no solution any more.
    """
    root = Path(root)
    solutions_dir, exercises_dir = root / "solutions", root / "exercises"
    if not solutions_dir.is_dir():
        raise NotebookError(
            f"No solutions/ folder in {root.resolve()}: run the command from the course folder "
            "(the one that holds solutions/ and exercises/)."
        )
    solutions = sorted(solutions_dir.glob("*.ipynb"))
    selected = _select(solutions, names)
    made: list[tuple[Path, nbformat.NotebookNode, Path, nbformat.NotebookNode, str]] = []
    broken: list[NotebookError] = []
    for solution_path in selected:  # 1. check every solution; write nothing yet
        try:
            solution = nbgrader_metadata(read_notebook(solution_path))
            exercise = generate_exercise(solution, solution_path.name)
        except NotebookError as exc:
            broken.append(exc)
            continue
        made.append((solution_path, solution, exercises_dir / solution_path.name, exercise,
                     dumps_notebook(clean_notebook(exercise))))
    if broken:
        others = "" if len(broken) == 1 else f" ({len(broken) - 1} more broken: " + " | ".join(map(str, broken[1:])) + ")"
        raise NotebookError(f"{broken[0]}{others} Nothing was written: fix the solution(s), then generate again.")
    listed: list[str] = []
    for solution_path, solution, target, exercise, text in made:  # 2. write what changed
        if dumps_notebook(clean_notebook(solution)) != solution_path.read_text(encoding="utf-8"):
            if not check:
                write_notebook(solution, solution_path)   # its nbgrader metadata was missing or stale
            listed.append(solution_path.relative_to(root).as_posix())
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        if not check:
            write_notebook(exercise, target)
        listed.append(target.relative_to(root).as_posix())
    if check and not names and exercises_dir.is_dir():
        known = {p.name for p in solutions}
        listed += [p.relative_to(root).as_posix() for p in sorted(exercises_dir.glob("*.ipynb")) if p.name not in known]
    return listed


def run(root: str | Path, names: Iterable[str] | None = None, *, check: bool = False, fix: str = "course generate") -> int:
    """Generate (or with ``check=True`` only compare) the exercises under ``root`` and print
    what happened; returns the exit status. ``fix`` is the command a message suggests."""
    root = Path(root)
    listed = generate_all(root, list(names) if names else None, check=check)
    if not any((root / "solutions").glob("*.ipynb")):
        print("solutions/ holds no notebook yet: nothing to generate.")
        return 0
    if check:
        for path in listed:
            has_solution = (root / "solutions" / Path(path).name).is_file()
            print(f"out of date: {path}" if has_solution else f"no solution for: {path} (delete it or add the solution)")
        if listed:
            print(f"Run `{fix}` to regenerate exercises/ from solutions/.")
            return 1
        print("exercises/ is up to date.")
        return 0
    for path in listed:
        print(f"wrote {path}")
    if not listed:
        print("exercises/ is up to date (nothing written).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.tools.generator",
        description="Generate exercises/*.ipynb from solutions/*.ipynb (### BEGIN/END SOLUTION blocks become blanks).",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="lesson (02_00), stem or file name; default: all")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any exercise is out of date")
    parser.add_argument("--root", default=".", help="project root holding solutions/ and exercises/ (default: .)")
    args = parser.parse_args(argv)
    try:
        return run(args.root, args.names, check=args.check, fix="python -m course_utils.tools.generator")
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or args.root}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
