"""The ``course`` command: one entry point for students and instructors (tooling).

    course list                       lessons and their notebooks
    course start 02_00 [--new]        copy an exercise into work/ (never overwrites)
    course grade FILE [--json]        run a filled notebook in a fresh kernel and grade it
    course grade DIR|ZIP… --out grades/   grade a class: gradebook.csv + feedback pages
    course export-autograder 02_00 -o autograder.zip   the grader for Gradescope
    course run [--workers 2] [02_01…] execute the course, write build/index.html
    course generate [--check]         make exercises/ from solutions/
    course clean FILE…                strip outputs so a notebook can be committed

Installed with the package (``pip install -e .``); ``python -m course_utils.tools.cli`` works too.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import CourseError


def _cmd_list(args) -> int:
    from .catalog import lessons

    for lesson in lessons():
        print(f"{lesson.number}  {lesson.title:<34} notebooks/{lesson.stem}.ipynb")
    return 0


def _cmd_start(args) -> int:
    from .workspace import start_exercise

    result = start_exercise(args.number, new=args.new)
    print(result.message)
    if result.created:
        print("Open it in Jupyter (jupyter lab), fill in the blanks and run each check cell.")
        print(f"When you are done: course grade {result.path}")
    return 0


# --- grading (issue 11): course grade, course export-autograder -----------------------------


def _cmd_grade(args) -> int:
    from pathlib import Path

    from .grader import grade_notebook, grade_submissions

    paths = args.submissions
    single = len(paths) == 1 and not Path(paths[0]).is_dir() and not paths[0].lower().endswith(".zip")
    if single and args.out is None:
        report = grade_notebook(paths[0], exercise=args.exercise, cell_timeout=args.timeout,
                                total_timeout=args.total_timeout)
        print(report.to_json() if args.json else report.to_text())
        return report.exit_code
    out = Path(args.out or "grades")
    reports = grade_submissions(paths, out, exercise=args.exercise, workers=args.workers, cell_timeout=args.timeout,
                                total_timeout=args.total_timeout, progress=not args.quiet)
    if args.json:
        import json

        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        graded = sum(r.problem is None for r in reports)
        print(f"{len(reports)} submissions: {graded} graded, {len(reports) - graded} not gradable or tampering. "
              f"Gradebook: {out / 'gradebook.csv'} · feedback pages: {out / 'feedback'}/ · {out / 'index.html'}")
    return max((r.exit_code for r in reports), default=0)


def _cmd_export_autograder(args) -> int:
    from .autograder import export_gradescope

    path = export_gradescope(args.exercise, args.output, cell_timeout=args.timeout, total_timeout=args.total_timeout)
    print(f"wrote {path} (Gradescope autograder for exercise {args.exercise}; upload it as the assignment's "
          "autograder, Ubuntu base image)")
    return 0


def _add_grading_commands(sub) -> None:
    p = sub.add_parser("grade", help="grade exercise notebooks: one file, folders or zips of a whole class "
                                     "(files are never modified)")
    p.add_argument("submissions", nargs="+", metavar="FILE|FOLDER|ZIP")
    p.add_argument("--exercise", help="the exercise number, if the file names do not say it")
    p.add_argument("--timeout", type=float, default=60, help="seconds allowed per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=900, help="seconds allowed per notebook (default 900)")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: the CPU cores)")
    p.add_argument("--out", help="folder for gradebook.csv and feedback/ (default for many: grades/)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("export-autograder", help="package the grader for a hosted autograder (Gradescope)")
    p.add_argument("exercise", help="exercise number, e.g. 02_00")
    p.add_argument("--format", choices=["gradescope"], default="gradescope")
    p.add_argument("-o", "--output", default=None, help="zip to write (default autograder-02_NN.zip)")
    p.add_argument("--timeout", type=float, default=60, help="seconds allowed per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=900, help="seconds allowed per notebook (default 900)")
    p.set_defaults(func=_cmd_export_autograder)

# --- end of grading commands ---------------------------------------------------------------


def _cmd_run(args) -> int:
    from .course_runner import main as run_main

    return run_main(workers=args.workers, names=args.lessons or None)


def _cmd_generate(args) -> int:
    from .generator import main as generate_main

    return generate_main((["--check"] if args.check else []) + list(args.names))


def _cmd_clean(args) -> int:
    from .notebook_io import main as nbtools_main

    return nbtools_main(["clean", *args.files])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="list the lessons").set_defaults(func=_cmd_list)

    p = sub.add_parser("start", help="copy an exercise into your work folder (never overwrites)")
    p.add_argument("number", help="lesson number, e.g. 02_00")
    p.add_argument("--new", action="store_true", help="make a fresh numbered copy even if one exists")
    p.set_defaults(func=_cmd_start)

    _add_grading_commands(sub)

    p = sub.add_parser("run", help="execute every practice and solution notebook, write build/index.html")
    p.add_argument("lessons", nargs="*", help="only these lessons (e.g. 02_01)")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("generate", help="generate exercises/ from solutions/")
    p.add_argument("names", nargs="*")
    p.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser("clean", help="strip outputs from notebooks before committing")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=_cmd_clean)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
