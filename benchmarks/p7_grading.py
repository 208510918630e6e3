"""P7: batch grading speed with isolation on, against nbgrader's ``autograde`` (issue 11).

30 submissions of exercise 02_00: 12 right, 8 wrong (a different task wrong in turn), 6 blank
(the untouched exercise) and 4 with an endless loop in task 2's answer. The same 30 are
graded three times in one run, each with a 5 s cell limit:

- ``course grade`` with 2 workers (isolated: private copies, pristine export, judge process);
- ``course grade`` with 1 worker;
- nbgrader 0.9 ``autograde`` (sequential, its own temporary course, ``COURSE_STRICT=1`` so
  that a check that does not pass fails its autograded cell).

Goals: ≤ 3.5 s per submission with 2 workers; with 1 worker, faster than nbgrader.

Wall time moves with the machine's load, so each run also reports the CPU seconds it used
(this process and all its children: kernels, judges, nbgrader), read with ``getrusage``; on
an idle machine with 2 cores, CPU seconds / 2 bounds the 2-worker wall time from below.

    python -m benchmarks.p7_grading            # all three
    python -m benchmarks.p7_grading --no-nbgrader
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks._common import ROOT, machine_line, print_table, verdict

STEM = "02_00_perceptron_logic_gates"
CELL_TIMEOUT = 5.0
GOAL_PARALLEL_S = 3.5
# (text that finds the answer cell, what replaces the answer in it): one task wrong each
WRONG_EDITS = [("nand_w = (-2, -2)", "nand_w, nand_b = (2, 2), -3"),
               ("or_w = (2, 2)", "or_w, or_b = (1, 1), 5"),
               ("or_w = (2, 2)", "or_w, or_b = (2, 2), -3"),
               ("xor_neuron_accuracy = float", "xor_neuron_accuracy = 1.0")]


def make_submissions(folder: Path) -> list[Path]:
    """Write the 30 submissions (see the module docstring) and return their paths."""
    from course_utils.tools.notebook_io import write_notebook

    solution = nbformat.read(ROOT / "solutions" / f"{STEM}.ipynb", as_version=4)
    exercise = nbformat.read(ROOT / "exercises" / f"{STEM}.ipynb", as_version=4)
    made = []

    def save(kind: str, number: int, nb) -> None:
        made.append(write_notebook(nb, folder / f"{kind}{number:02d}" / f"{STEM}.ipynb", clean=False))

    for n in range(12):
        save("right", n, solution)
    for n in range(8):
        nb = nbformat.reads(nbformat.writes(solution), 4)
        find, replace = WRONG_EDITS[n % len(WRONG_EDITS)]
        cell = next(c for c in nb.cells if c.cell_type == "code" and find in c.source)
        lines = cell.source.split("\n")
        at = next(i for i, line in enumerate(lines) if find in line)
        if find.startswith("xor"):
            lines[at] = replace
        else:   # the two lines of weights and bias become one wrong line
            lines[at:at + 2] = [replace]
        cell.source = "\n".join(lines)
        save("wrong", n, nb)
    for n in range(6):
        save("blank", n, exercise)
    for n in range(4):
        nb = nbformat.reads(nbformat.writes(solution), 4)
        cell = next(c for c in nb.cells if c.cell_type == "code" and "or_w = (2, 2)" in c.source)
        cell.source = "while True:\n    pass\n" + cell.source
        save("loop", n, nb)
    return made


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    try:
        return "load %.1f" % os.getloadavg()[0]
    except OSError:
        return ""


def run_course(folder: Path, workers: int) -> tuple[float, list]:
    from course_utils.tools.grader import GradingSession, find_submissions

    start = time.perf_counter()
    subs = find_submissions([folder], folder.parent / f"scratch-{workers}")
    with GradingSession(workers=workers, cell_timeout=CELL_TIMEOUT, total_timeout=300) as session:
        reports = session.grade(subs)
    return time.perf_counter() - start, reports


def run_nbgrader(paths: list[Path], base: Path) -> tuple[float, dict]:
    course = base / "nbgrader-course"
    (course / "source" / "ps1").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / f"{STEM}.ipynb", course / "source" / "ps1")
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.ExecutePreprocessor.timeout = {int(CELL_TIMEOUT)}\n")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
           "COURSE_STRICT": "1", "COURSE_PROGRESS": "none", "MPLBACKEND": "Agg"}
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run([*nbgrader, "generate_assignment", "ps1", "--force"], cwd=course, env=env,
                   capture_output=True, check=True)
    for path in paths:
        target = course / "submitted" / path.parent.name / "ps1" / path.name
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
    start = time.perf_counter()
    done = subprocess.run([*nbgrader, "autograde", "ps1", "--create", "--force"], cwd=course, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for path in paths:
            try:
                scores[path.parent.name] = gradebook.find_submission("ps1", path.parent.name).score
            except Exception:  # noqa: BLE001 - nbgrader gave up on this one
                scores[path.parent.name] = None
    if done.returncode != 0:
        print(f"(nbgrader autograde exited {done.returncode})")
    return seconds, scores


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    print(f"P7 grading · {machine_line()}")
    base = Path(tempfile.mkdtemp(prefix="p6-"))
    try:
        paths = make_submissions(base / "subs")
        n = len(paths)
        rows, results = [], {}
        cpu, loads = cpu_seconds(), [load()]
        two, reports = run_course(base / "subs", 2)
        cpu_two, cpu = cpu_seconds() - cpu, cpu_seconds()
        loads.append(load())
        print(f"course grade, 2 workers: {two:.1f} s ({cpu_two:.0f} CPU s)", flush=True)
        kinds = {}
        for r in reports:
            kind = r.submission.split("/")[0].rstrip("0123456789")
            kinds.setdefault(kind, []).append(f"{r.passed}/{len(r.tasks)}")
        rows.append(["course grade, 2 workers", n, round(two, 1), round(two / n, 2), round(cpu_two / n, 2)])
        one, _ = run_course(base / "subs", 1)
        cpu_one, cpu = cpu_seconds() - cpu, cpu_seconds()
        loads.append(load())
        print(f"course grade, 1 worker: {one:.1f} s ({cpu_one:.0f} CPU s)", flush=True)
        rows.append(["course grade, 1 worker", n, round(one, 1), round(one / n, 2), round(cpu_one / n, 2)])
        nb_seconds = None
        if "--no-nbgrader" not in argv:
            nb_seconds, scores = run_nbgrader(paths, base)
            cpu_nb = cpu_seconds() - cpu
            loads.append(load())
            rows.append(["nbgrader autograde (sequential)", n, round(nb_seconds, 1), round(nb_seconds / n, 2),
                         round(cpu_nb / n, 2)])
            right = [s for k, s in scores.items() if k.startswith("right")]
            print(f"nbgrader scores: right {sorted(set(right))}, blank "
                  f"{sorted(set(s for k, s in scores.items() if k.startswith('blank')))}")
        print_table(["grader", "submissions", "total s", "s per submission", "CPU s per submission"], rows)
        print("machine load (1-min average) before and after each run: " + ", ".join(loads))
        print("scores by kind (course grade): " + "; ".join(f"{k}: {sorted(set(v))}" for k, v in kinds.items()))
        results["P7a"] = two / n <= GOAL_PARALLEL_S
        summary = f"P7: {two / n:.2f} s per submission with 2 workers (goal ≤ {GOAL_PARALLEL_S}) — {verdict(results['P7a'])}"
        if nb_seconds is not None:
            results["P7b"] = one < nb_seconds
            summary += (f"; 1 worker {one / n:.2f} s vs nbgrader {nb_seconds / n:.2f} s per submission — "
                        f"{verdict(results['P7b'])}")
        print(summary)
        return results
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if all(outcome.values()) else 1)
