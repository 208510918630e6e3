"""P1 (and P5): wall time and peak memory of every practice and solution notebook.

Goals: ≤ 15 s per notebook; ≤ 120 s in total with 2 workers; ≤ 1.5 GB per kernel.
P5 rides along: while a solution runs, each check cell is timed as the student meets it
(the first, cold call) — goal < 0.2 s per check.

Each notebook runs in its own child process (``python -m benchmarks.p1_notebooks --one``)
so that the peak resident memory of its kernel is read with ``getrusage(RUSAGE_CHILDREN)``
once the kernel has exited. The serial pass gives the per-notebook figures; the parallel
pass is ``course run`` with 2 workers, timed from start to end.

    python -m benchmarks.p1_notebooks            # P1 + P5 tables
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, machine_line, print_table, verdict

CHECK_CALL = re.compile(r"checks\.task(\d+)\.check\(\)")
BENCH_MARK = "<<bench-check>>"
GOAL_NOTEBOOK_S, GOAL_TOTAL_S, GOAL_MEM_GB, GOAL_CHECK_S = 15.0, 120.0, 1.5, 0.2


def _timed_check_cells(nb) -> None:
    """Wrap each check cell so that it prints how long the check took (cold call)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            m = CHECK_CALL.search(cell.source)
            if m:
                cell.source = ("import time as _bench_time\n_bench_t0 = _bench_time.perf_counter()\n"
                               + cell.source +
                               f"\nprint({BENCH_MARK!r}, {m.group(1)}, _bench_time.perf_counter() - _bench_t0)")


def run_one(path: Path) -> dict:
    """Execute one notebook here (in this child process) and return its figures."""
    from course_utils.tools.executor import execute_notebook
    from course_utils.tools.notebook_io import read_notebook

    nb = read_notebook(path)
    _timed_check_cells(nb)
    start = time.perf_counter()
    result = execute_notebook(nb, cwd=path.parent, cell_timeout=300,
                              env={"COURSE_STRICT": "1", "COURSE_PROGRESS": "none", "MPLBACKEND": "Agg"})
    wall = time.perf_counter() - start
    checks = []
    for cell in result.nb.cells:
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines() if out.get("output_type") == "stream" else []:
                if line.startswith(BENCH_MARK):
                    _, task, seconds = line.split()
                    checks.append({"task": int(task), "seconds": float(seconds)})
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_bytes = peak_kb if sys.platform == "darwin" else peak_kb * 1024
    return {"wall": wall, "ok": result.ok, "peak_gb": peak_bytes / 1e9, "checks": checks,
            "error": result.errors[0].last_line if result.errors else ""}


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


def serial_pass() -> list[dict]:
    rows = []
    for path in notebooks():
        out = subprocess.run([sys.executable, "-m", "benchmarks.p1_notebooks", "--one", str(path)],
                             cwd=ROOT, capture_output=True, text=True)
        try:
            data = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            data = {"wall": float("nan"), "ok": False, "peak_gb": float("nan"), "checks": [],
                    "error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
        data["name"] = f"{path.parent.name}/{path.name}"
        rows.append(data)
        print(f"  ran {data['name']}: {data['wall']:.1f} s", file=sys.stderr, flush=True)
    return rows


def parallel_pass() -> tuple[float, int]:
    from course_utils.tools.course_runner import run_course

    with tempfile.TemporaryDirectory() as build:
        start = time.perf_counter()
        runs, _ = run_course(build=Path(build), workers=2, stream=open("/dev/null", "w"), site=False)
        return time.perf_counter() - start, sum(r.status != "ok" for r in runs)


def main() -> dict:
    print(f"P1 · notebook wall time and memory · {machine_line()}")
    rows = serial_pass()
    print_table(["notebook", "seconds", "peak GB", "ok"],
                [[r["name"], r["wall"], r["peak_gb"], "yes" if r["ok"] else f"NO: {r['error']}"] for r in rows])
    serial_total = sum(r["wall"] for r in rows)
    parallel_total, failed = parallel_pass()
    worst = max(r["wall"] for r in rows)
    peak = max(r["peak_gb"] for r in rows)
    p1_ok = worst <= GOAL_NOTEBOOK_S and parallel_total <= GOAL_TOTAL_S and peak <= GOAL_MEM_GB and failed == 0 \
        and all(r["ok"] for r in rows)
    print(f"total serial {serial_total:.1f} s; with 2 workers {parallel_total:.1f} s ({failed} failed)")
    print(f"P1 summary: slowest notebook {worst:.1f} s (goal ≤ {GOAL_NOTEBOOK_S:g}), 2 workers {parallel_total:.1f} s "
          f"(goal ≤ {GOAL_TOTAL_S:g}), peak {peak:.2f} GB per kernel (goal ≤ {GOAL_MEM_GB:g}) — {verdict(p1_ok)}")

    print()
    print("P5 · check latency on the solution answers (cold: the notebook's own check cell)")
    check_rows = [[r["name"].split("/")[1].removesuffix(".ipynb"), c["task"], c["seconds"]]
                  for r in rows if r["name"].startswith("solutions/") for c in r["checks"]]
    print_table(["exercise", "task", "seconds"], check_rows)
    slowest = max((c[2] for c in check_rows), default=float("nan"))
    p5_ok = bool(check_rows) and slowest < GOAL_CHECK_S
    print(f"P5 summary: {len(check_rows)} checks, slowest {slowest:.3f} s (goal < {GOAL_CHECK_S:g}) — {verdict(p5_ok)}")
    return {"P1": p1_ok, "P5": p5_ok, "serial_total": serial_total, "parallel_total": parallel_total,
            "per_notebook": {r["name"]: r["wall"] for r in rows}}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(Path(sys.argv[2]))))
    else:
        results = main()
        sys.exit(0 if results["P1"] and results["P5"] else 1)
