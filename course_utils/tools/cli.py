"""The ``course`` command: one entry point for students and instructors (tooling).

    course list                       lessons and their notebooks
    course start 02_00 [--new]        copy an exercise into work/ (never overwrites)
    course grade FILE [--json]        run a filled notebook in a fresh kernel and grade it
    course grade DIR|ZIP… --out grades/   grade a class: gradebook.csv + feedback pages
    course export-autograder 02_00 -o autograder.zip   the grader for Gradescope
    course run [--workers 2] [02_01…] execute the course, build the site in build/site/
    course site                       rebuild build/site/ from the last run (no execution)
    course generate [--check]         make exercises/ from solutions/
    course translate update|build|check  the Korean edition from its PO catalogues
    course clean FILE…                strip outputs so a notebook can be committed
    course badges [--check]           Colab badges and install cells in every notebook, launch links in README
    course links --hub URL [02_00…]   Colab and nbgitpuller (JupyterHub) links for each lesson

The command works on the course around the current folder (searching up from it); ``course
--course PATH …`` names another one. Outside any checkout it uses the copy shipped with the
package (``pip install nn-basics-course``) and puts your copies in ``./work``; it says which
course it uses whenever that is not the one around you. ``nn-course`` is the same command,
for when another package owns the name ``course``; ``python -m course_utils.tools.cli`` works too.
Every problem ends as one line on stderr (``error: ...``) and exit status 2, never a
traceback: a course error, a system error (permission denied, disk full, a file where a
folder should be) or a bad option (``--timeout 0``, ``--workers -1``, rejected by argparse).
"""

from __future__ import annotations

import argparse
import errno
import math
import sys

from ..errors import CourseError

#: Modules of the `tools` extra: a missing one means `pip install "nn-basics-course[tools]"`.
_TOOL_MODULES = {"nbformat", "nbclient", "nbconvert", "ipykernel", "jupyter_client", "jupyter_core"}


def _course_in_use():
    """The course this command works on; says which one on stderr when that is not obvious."""
    from .catalog import find_course

    course = find_course()
    if not course.obvious:
        note = f"course: using {course.describe()}"
        if course.packaged:
            from .workspace import work_dir

            note += f"; your copies go to {work_dir(course)}"
        print(note, file=sys.stderr)
    return course


def _cmd_list(args) -> int:
    from .catalog import lessons

    course = _course_in_use()
    for lesson in lessons(course.root):
        print(f"{lesson.number}  {lesson.title:<34} notebooks/{lesson.stem}.ipynb")
    return 0


def _cmd_start(args) -> int:
    from .workspace import start_exercise

    result = start_exercise(args.number, new=args.new, root=_course_in_use())
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
    p.add_argument("--timeout", type=positive_float, default=60, help="seconds allowed per cell (default 60)")
    p.add_argument("--total-timeout", type=positive_float, default=900, help="seconds allowed per notebook (default 900)")
    p.add_argument("--workers", type=positive_int, default=None, help="submissions graded at once (default: the CPU cores)")
    p.add_argument("--out", help="folder for gradebook.csv and feedback/ (default for many: grades/)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("export-autograder", help="package the grader for a hosted autograder (Gradescope)")
    p.add_argument("exercise", help="exercise number, e.g. 02_00")
    p.add_argument("--format", choices=["gradescope"], default="gradescope")
    p.add_argument("-o", "--output", default=None, help="zip to write (default autograder-02_NN.zip)")
    p.add_argument("--timeout", type=positive_float, default=60, help="seconds allowed per cell (default 60)")
    p.add_argument("--total-timeout", type=positive_float, default=900, help="seconds allowed per notebook (default 900)")
    p.set_defaults(func=_cmd_export_autograder)

# --- end of grading commands ---------------------------------------------------------------


def _cmd_run(args) -> int:
    from .course_runner import main as run_main

    return run_main(workers=args.workers, names=args.lessons or None, site=not args.no_site)


def _cmd_site(args) -> int:
    from .course_runner import site_main

    return site_main(jobs=args.workers)


def _cmd_generate(args) -> int:
    from .catalog import repo_root
    from .generator import run

    return run(repo_root(), args.names, check=args.check, fix="course generate")


def _cmd_badges(args) -> int:
    from .catalog import repo_root
    from .launch import main as launch_main

    return launch_main(["--root", str(repo_root())] + (["--check"] if args.check else []))


def _cmd_links(args) -> int:
    from .catalog import repo_root
    from .launch import print_links

    return print_links(repo_root(), args.lessons, hub=args.hub, branch=args.branch)


def _cmd_clean(args) -> int:
    from .notebook_io import read_notebook, write_notebook

    for path in args.files:
        write_notebook(read_notebook(path), path)
    return 0


def positive_float(text: str) -> float:
    """argparse type: a finite number of seconds above 0 (``--timeout 0`` is refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, e.g. 60, not {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, e.g. 60, not {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number from 1 up (``--workers 0`` or ``-1`` is refused)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 up, e.g. 2, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 up, e.g. 2, not {text!r}")
    return value


_OS_HINTS = {
    errno.EACCES: "check the permissions of the file and its folder",
    errno.EPERM: "check the permissions of the file and its folder",
    errno.EROFS: "the disk is read-only; work in a folder you can write to",
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    getattr(errno, "EDQUOT", -1): "your disk quota is used up; free some space and run the command again",
    errno.EFBIG: "the file grew past the size limit of this system or account",
    errno.ENOTDIR: "a file is where a folder should be; rename or remove that file",
    errno.EEXIST: "a file is where a folder should be; rename or remove that file",
    errno.EISDIR: "a folder is where a file should be; give the path of a file",
    errno.ENOENT: "check the path (is it relative to the folder you are in?)",
}


def describe_os_error(exc: OSError) -> str:
    """One line saying what the system refused, on which file, and what to do about it."""
    what = exc.strerror or str(exc) or type(exc).__name__
    where = f": {exc.filename}" if exc.filename else ""
    if exc.filename2:
        where += f" -> {exc.filename2}"
    hint = _OS_HINTS.get(exc.errno or 0)
    return f"{what}{where}" + (f" ({hint})" if hint else "")


def _cmd_translate(args) -> int:
    from .catalog import repo_root
    from .translate import main as translate_main

    return translate_main([args.action], repo_root())


def build_parser() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--course", metavar="PATH", default=argparse.SUPPRESS,
                       help="work on the course in PATH (default: the one around the current folder)")
    parser = argparse.ArgumentParser(prog="course", description=__doc__.split("\n\n")[0], parents=[where])
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="list the lessons", parents=[where]).set_defaults(func=_cmd_list)

    p = sub.add_parser("start", help="copy an exercise into your work folder (never overwrites)", parents=[where])
    p.add_argument("number", help="lesson number, e.g. 02_00")
    p.add_argument("--new", action="store_true", help="make a fresh numbered copy even if one exists")
    p.set_defaults(func=_cmd_start)

    _add_grading_commands(sub)

    p = sub.add_parser("run", help="execute every practice and solution notebook, build the site in build/site/",
                       parents=[where])
    p.add_argument("lessons", nargs="*", help="only these lessons (e.g. 02_01)")
    p.add_argument("--workers", type=positive_int, default=2, help="notebooks run at once (default 2)")
    p.add_argument("--no-site", action="store_true", help="only execute; do not build the site")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("site", help="rebuild the site in build/site/ from the last `course run` (no execution)")
    p.add_argument("--workers", type=int, default=2, help="Sphinx processes (default 2)")
    p.set_defaults(func=_cmd_site)

    p = sub.add_parser("generate", help="generate exercises/ from solutions/", parents=[where])
    p.add_argument("names", nargs="*")
    p.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser("translate", help="the Korean edition: update PO catalogues, build the notebooks, check")
    p.add_argument("action", choices=("update", "build", "check"))
    p.set_defaults(func=_cmd_translate)

    p = sub.add_parser("clean", help="strip outputs from notebooks before committing")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=_cmd_clean)

    p = sub.add_parser("badges", parents=[where],
                       help="write the Colab badge and install cell into every notebook, the launch links into README.md")
    p.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    p.set_defaults(func=_cmd_badges)

    p = sub.add_parser("links", parents=[where], help="print Colab and JupyterHub (nbgitpuller) links for each lesson")
    p.add_argument("lessons", nargs="*", help="only these lessons (e.g. 02_01)")
    p.add_argument("--hub", help="your JupyterHub's address, e.g. https://hub.example.edu (adds nbgitpuller links)")
    p.add_argument("--branch", default="main", help="the branch nbgitpuller pulls (default: main)")
    p.set_defaults(func=_cmd_links)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "course", None):
            from .catalog import use_course

            use_course(args.course)
        return args.func(args)
    except CourseError as exc:
        message = " ".join(str(exc).split())  # one line, even for a multi-line message
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in _TOOL_MODULES:
            raise
        message = (f"`course {args.command}` needs Jupyter's tools ({exc.name} is not installed). "
                   'Install them with: pip install "nn-basics-course[tools]"')
    except OSError as exc:
        message = describe_os_error(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        from .catalog import use_course

        use_course(None)
    print(f"error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
