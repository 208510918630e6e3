"""P1 (and P5): wall time, CPU time and memory of every practice and solution notebook.

Goals: ≤ 15 s per notebook; ≤ 120 s for the English course with 2 workers (``course run``);
≤ 150 s for both editions (English + Korean, 40 notebooks) with 2 workers; ≤ 1.5 GB per
kernel. P5 rides along: while a solution runs, each check cell is timed as the student meets
it (the first, cold call) — goal < 0.2 s per check.

Kernels are what ``execute_notebook`` gives by default: forked from a zygote that has already
imported TensorFlow and the rest (``course_utils.tools.kernels``), or plain ``ipykernel``
processes with ``--plain`` (``COURSE_FAST_KERNELS=0``, how every kernel started before).

- Serial pass, one notebook after another. Fast kernels: in one child process (``--serial``)
  that first starts the zygote (its cost is shown on its own line), then runs every notebook;
  a notebook's CPU seconds are its kernel's (``wait4`` in the zygote) plus the runner's, its
  memory the kernel's peak resident set. Plain kernels: each notebook in its own child process
  (``--one``), CPU and peak memory from ``getrusage(RUSAGE_CHILDREN)``.
- Course pass: ``course run --no-site`` with 2 workers in a child process (``--course``), timed
  end to end (zygote start included); CPU seconds of that process and everything under it;
  peak memory of the whole process tree (the sum of proportional set sizes, sampled every
  0.5 s: forked kernels share the zygote's pages, so their resident sets overlap).
- Both editions: when ``notebooks/ko`` exists the course pass runs it too; ``--simulate-ko``
  times a temporary copy of the course whose ``notebooks/ko``, ``solutions/ko`` are copies of
  the English notebooks (nothing is written to the repository).

    python -m benchmarks.p1_notebooks                  # P1 + P5 tables, fast kernels
    python -m benchmarks.p1_notebooks --plain          # the same with plain kernels
    python -m benchmarks.p1_notebooks --simulate-ko    # also time a two-edition course
    python -m benchmarks.p1_notebooks --course-only [--simulate-ko] [--plain]   # only the course pass(es)
    python -m benchmarks.p1_notebooks --fixed-cost [--plain]   # 40 notebooks holding only their set-up cell
    python -m benchmarks.p1_notebooks --compare        # course passes forked and plain, English and both
                                                       # editions, and every notebook's outputs compared

``--fixed-cost`` measures what every notebook pays before its lesson starts: a temporary
two-edition course in which each of the 40 notebooks keeps only its title and set-up cell,
run by ``course run`` with 2 workers.

The machine may be shared: every table shows CPU seconds beside wall seconds, and the load
average before and after.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks._common import ROOT, machine_line, print_table, verdict

CHECK_CALL = re.compile(r"checks\.task(\d+)\.check\(\)")
BENCH_MARK = "<<bench-check>>"
GOAL_NOTEBOOK_S, GOAL_TOTAL_S, GOAL_TWO_EDITIONS_S, GOAL_MEM_GB, GOAL_CHECK_S = 15.0, 120.0, 150.0, 1.5, 0.2
ENV = {"COURSE_STRICT": "1", "COURSE_PROGRESS": "none", "MPLBACKEND": "Agg"}


def _timed_check_cells(nb) -> None:
    """Wrap each check cell so that it prints how long the check took (cold call)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            m = CHECK_CALL.search(cell.source)
            if m:
                cell.source = ("import time as _bench_time\n_bench_t0 = _bench_time.perf_counter()\n"
                               + cell.source +
                               f"\nprint({BENCH_MARK!r}, {m.group(1)}, _bench_time.perf_counter() - _bench_t0)")


def _cpu(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _gb(kilobytes: float) -> float:
    return kilobytes * (1 if sys.platform == "darwin" else 1024) / 1e9


def _execute(path: Path) -> tuple[dict, object]:
    from course_utils.tools.executor import execute_notebook
    from course_utils.tools.notebook_io import read_notebook

    nb = read_notebook(path)
    _timed_check_cells(nb)
    start = time.perf_counter()
    result = execute_notebook(nb, cwd=path.parent, cell_timeout=300, env=ENV)
    wall = time.perf_counter() - start
    checks = []
    for cell in result.nb.cells:
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines() if out.get("output_type") == "stream" else []:
                if line.startswith(BENCH_MARK):
                    _, task, seconds = line.split()
                    checks.append({"task": int(task), "seconds": float(seconds)})
    return {"wall": wall, "ok": result.ok, "checks": checks,
            "error": result.errors[0].last_line if result.errors else ""}, result


def run_one(path: Path) -> dict:
    """``--one``: execute one notebook here (a plain kernel) and return its figures."""
    row, _ = _execute(path)
    row["peak_gb"] = _gb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return row


def run_serial(paths: list[Path]) -> None:
    """``--serial``: start the zygote, then run every notebook; one JSON line each."""
    from course_utils.tools import kernels

    env = {**os.environ, **ENV}
    start, cpu = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    kernels.kernel_argv(env)
    state = kernels.status()
    zygote = state["zygotes"][0] if state["zygotes"] else {}
    print(json.dumps({"zygote": True, "forked": bool(state["last_kernel_forked"]), "why": state["why_plain"],
                      "wall": time.perf_counter() - start, "cpu": _cpu(resource.RUSAGE_SELF) - cpu,
                      "import_cpu": zygote.get("import_cpu"), "peak_gb": _zygote_peak_gb(zygote.get("pid"))}), flush=True)
    for path in paths:
        before = len(kernels.finished_children(env))
        cpu_self, cpu_kids = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        row, _ = _execute(path)
        kernel = {}
        for _ in range(100):  # the kernel is killed at the end; the zygote reaps it a moment later
            finished = kernels.finished_children(env)
            if len(finished) > before:
                kernel = finished[-1]
                break
            time.sleep(0.05)
        row["cpu"] = (kernel.get("cpu", float("nan")) + _cpu(resource.RUSAGE_SELF) - cpu_self
                      + _cpu(resource.RUSAGE_CHILDREN) - cpu_kids)
        row["peak_gb"] = kernel.get("maxrss", float("nan")) / 1e9
        row["forked"] = bool(kernels.status()["last_kernel_forked"])
        row["name"] = _name(path)
        print(json.dumps(row), flush=True)


def _zygote_peak_gb(pid) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e9
    except (OSError, ValueError, TypeError):
        pass
    return float("nan")


def _name(path: Path) -> str:
    rel = path.relative_to(path.parents[1] if path.parent.name != "ko" else path.parents[2])
    return rel.as_posix()


def notebooks(root: Path = ROOT) -> list[Path]:
    """Practice then solution notebooks, English first, then the Korean edition if it exists."""
    return [path for sub in ("", "ko") for kind in ("notebooks", "solutions")
            for path in sorted((root / kind / sub).glob("*.ipynb"))]


def serial_pass(plain: bool) -> tuple[list[dict], dict | None]:
    env = {**os.environ, "COURSE_FAST_KERNELS": "0" if plain else "1"}
    rows, zygote = [], None
    if plain:
        for path in notebooks():
            before = _cpu(resource.RUSAGE_CHILDREN)
            out = subprocess.run([sys.executable, "-m", "benchmarks.p1_notebooks", "--one", str(path)],
                                 cwd=ROOT, capture_output=True, text=True, env=env)
            try:
                data = json.loads(out.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                data = {"wall": float("nan"), "ok": False, "peak_gb": float("nan"), "checks": [],
                        "error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
            data["cpu"] = _cpu(resource.RUSAGE_CHILDREN) - before
            data["name"], data["forked"] = _name(path), False
            rows.append(data)
            print(f"  ran {data['name']}: {data['wall']:.1f} s, {data['cpu']:.1f} s CPU", file=sys.stderr, flush=True)
        return rows, None
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.p1_notebooks", "--serial", *map(str, notebooks())],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    for line in proc.stdout:
        data = json.loads(line)
        if data.get("zygote"):
            zygote = data
            print(f"  zygote ready: {data['wall']:.1f} s, {data['import_cpu']} s CPU", file=sys.stderr, flush=True)
        else:
            rows.append(data)
            print(f"  ran {data['name']}: {data['wall']:.1f} s, {data['cpu']:.1f} s CPU", file=sys.stderr, flush=True)
    proc.wait()
    return rows, zygote


def run_course_here(root: Path, keep: Path | None = None) -> dict:
    """``--course ROOT [BUILD]``: ``course run --no-site`` with 2 workers, timed; peak memory of the
    tree. With BUILD the executed notebooks stay in ``BUILD/executed`` (for ``--compare``)."""
    from course_utils.tools.course_runner import collect, run_course

    sampler = _TreeMemory()
    sampler.start()
    with tempfile.TemporaryDirectory() as build:
        start = time.perf_counter()
        runs, _ = run_course(root=root, build=keep or Path(build), workers=2, stream=open(os.devnull, "w"),
                             site=False)
        wall = time.perf_counter() - start
    sampler.stop()
    from course_utils.tools import kernels

    forked = kernels.status()["last_kernel_forked"]
    return {"wall": wall, "failed": [f"{r.label}: {r.failure}" for r in runs if r.status != "ok"], "count": len(runs),
            "editions": sorted({e for _, _, e in collect(root)}), "peak_pss_gb": sampler.peak_pss / 1e9,
            "peak_rss_gb": sampler.peak_rss / 1e9, "forked": forked,
            "slowest": max(((r.seconds, r.label) for r in runs), default=(0.0, ""))}


class _TreeMemory:
    """Peak of the summed proportional set size (Pss) of this process and its descendants."""

    def __init__(self, every: float = 0.5):
        self.every, self.peak_pss, self.peak_rss = every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            pss = 0
            for pid in self._tree():
                fields = _smaps_rollup(pid)
                pss += fields.get("Pss", 0)
                self.peak_rss = max(self.peak_rss, fields.get("Rss", 0))
            self.peak_pss = max(self.peak_pss, pss)

    @staticmethod
    def _tree() -> list[int]:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    pass
        tree, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(child for child, parent in parents.items() if parent == pid)
        return tree


def _smaps_rollup(pid: int) -> dict:
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024
    except OSError:
        pass
    return fields


def course_pass(plain: bool, root: Path = ROOT, keep: Path | None = None) -> dict:
    """Run ``--course`` in a child process; add its CPU seconds (everything under it)."""
    env = {**os.environ, "COURSE_FAST_KERNELS": "0" if plain else "1"}
    before = _cpu(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-m", "benchmarks.p1_notebooks", "--course", str(root),
                          *([str(keep)] if keep else [])], cwd=ROOT, capture_output=True, text=True, env=env)
    try:
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise SystemExit(f"the course pass failed:\n{out.stderr[-3000:]}") from None
    data["cpu"] = _cpu(resource.RUSAGE_CHILDREN) - before
    return data


def simulated_two_editions() -> tempfile.TemporaryDirectory:
    """A temporary course whose Korean edition is a copy of the English notebooks."""
    tmp = tempfile.TemporaryDirectory(prefix="p1-two-editions-")
    for kind in ("notebooks", "solutions"):
        for target in (Path(tmp.name) / kind, Path(tmp.name) / kind / "ko"):
            target.mkdir(parents=True, exist_ok=True)
            for path in sorted((ROOT / kind).glob("*.ipynb")):
                shutil.copy2(path, target / path.name)
    return tmp


def english_only() -> tempfile.TemporaryDirectory:
    """A temporary course holding only the English practice and solution notebooks."""
    tmp = tempfile.TemporaryDirectory(prefix="p1-english-")
    for kind in ("notebooks", "solutions"):
        target = Path(tmp.name) / kind
        target.mkdir(parents=True)
        for path in sorted((ROOT / kind).glob("*.ipynb")):
            shutil.copy2(path, target / path.name)
    return tmp


#: What may differ between two runs of the same notebook: Keras' per-epoch durations, a
#: progress bar's elapsed time and rate, a duration the lesson prints ("about 0.26 s per epoch").
_TIMING = re.compile(r"\b\d+(?:\.\d+)?(?:ms|us|µs|s)(?:/step)?\b|\b\d+\.\d+ s\b|\b\d+:\d\d(?::\d\d)?\b|[\d.?]+ ?[a-z]+/(?:s|it)\b")


#: A text progress bar's line (tqdm: "  40%|████▌   | 401/1000 [...]").
_BAR = re.compile(r"\d+%\|")
#: A warning names the cell's file, which holds the kernel's process id.
_KERNEL_FILE = re.compile(r"ipykernel_\d+")


def comparable_outputs(nb) -> list[list[dict]]:
    """Each code cell's outputs, consecutive stream outputs joined (how a stream is cut into
    messages depends on timing); text progress bars (which states they show depends on timing
    too), execution counts, timings, widget ids and process ids left out."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept: list[dict] = []
        for out in cell.get("outputs", []):
            out = {k: v for k, v in out.items() if k not in ("execution_count", "metadata")}
            if out["output_type"] == "stream" and kept and kept[-1].get("name") == out["name"]:
                kept[-1]["text"] += out["text"]
            else:
                kept.append(dict(out))
        for out in kept:
            if "text" in out:  # a progress bar's states depend on timing: its lines are left out
                text = "\n".join(line for line in out["text"].split("\n") if not _BAR.search(line))
                out["text"] = _KERNEL_FILE.sub("ipykernel_<pid>", _TIMING.sub("<time>", text))
            widget = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if widget:  # a progress bar's widget: a new random id in every run
                out["data"] = {**out["data"], "application/vnd.jupyter.widget-view+json": {**widget, "model_id": "<id>"}}
        cells.append(kept)
    return cells


def compare_runs(forked: Path, plain: Path) -> tuple[int, list[str]]:
    """Compare the executed notebooks of two course passes: (how many compared, which differ and where)."""
    from course_utils.tools.notebook_io import read_notebook

    differ, count = [], 0
    for path in sorted((forked / "executed").rglob("*.ipynb")):
        rel = path.relative_to(forked / "executed")
        other = plain / "executed" / rel
        if not other.is_file():
            differ.append(f"{rel}: no plain run")
            continue
        count += 1
        a, b = comparable_outputs(read_notebook(path)), comparable_outputs(read_notebook(other))
        if a != b:
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            differ.append(f"{rel}: code cell {first + 1} differs")
    return count, differ


def fixed_cost_course() -> tempfile.TemporaryDirectory:
    """A temporary two-edition course: every notebook cut down to its title and set-up cell."""
    from course_utils.tools.notebook_io import read_notebook, write_notebook

    tmp = simulated_two_editions()
    for path in Path(tmp.name).rglob("*.ipynb"):
        nb = read_notebook(path)
        nb.cells = [nb.cells[0]] + [c for c in nb.cells if c.cell_type == "code" and "setup_notebook(" in c.source][:1]
        write_notebook(nb, path)
    return tmp


def _load() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _course_line(label: str, data: dict, goal: float) -> bool:
    ok = data["wall"] <= goal and not data["failed"]
    kind = "forked" if data["forked"] else "plain"
    print(f"{label}: {data['count']} notebooks ({'+'.join(data['editions'])}, {kind} kernels), 2 workers: "
          f"{data['wall']:.1f} s wall, {data['cpu']:.1f} s CPU (goal ≤ {goal:g} s wall); slowest notebook "
          f"{data['slowest'][0]:.1f} s ({data['slowest'][1]}); peak memory of the run {data['peak_pss_gb']:.2f} GB "
          f"(Pss), largest process {data['peak_rss_gb']:.2f} GB; {len(data['failed'])} failed"
          + (f": {data['failed'][:3]}" if data["failed"] else ""))
    return ok


def main(argv: list[str] | None = None) -> dict:
    argv = list(argv or [])
    plain, simulate, course_only = "--plain" in argv, "--simulate-ko" in argv, "--course-only" in argv
    kind = "plain kernels" if plain else "fast (forked) kernels"
    print(f"P1 · notebook time and memory, {kind} · {machine_line()} · load {_load()}")
    results: dict = {}
    if "--fixed-cost" in argv:
        with fixed_cost_course() as tmp:
            fixed = course_pass(plain, Path(tmp))
        _course_line("set-up cells only (the fixed cost of every notebook)", fixed, float("inf"))
        print(f"fixed cost per notebook: {fixed['cpu'] / fixed['count']:.2f} s CPU, "
              f"{2 * fixed['wall'] / fixed['count']:.2f} s of a worker's wall time; load {_load()}")
        return {"fixed_wall": fixed["wall"], "fixed_cpu": fixed["cpu"]}
    if "--compare" in argv:
        return compare_main()
    p1_ok = True
    if not course_only:
        rows, zygote = serial_pass(plain)
        if zygote:
            print(f"zygote (imports once for all kernels): ready after {zygote['wall']:.1f} s wall, "
                  f"{zygote['import_cpu']} s CPU, peak {zygote['peak_gb']:.2f} GB"
                  + ("" if zygote["forked"] else f" — NOT USED: {zygote['why']}"))
        print_table(["notebook", "seconds", "CPU s", "peak GB", "forked", "ok"],
                    [[r["name"], r["wall"], r["cpu"], r["peak_gb"], "yes" if r.get("forked") else "no",
                      "yes" if r["ok"] else f"NO: {r['error']}"] for r in rows])
        serial_total = sum(r["wall"] for r in rows) + (zygote["wall"] if zygote else 0)
        serial_cpu = sum(r["cpu"] for r in rows) + ((zygote.get("import_cpu") or 0) if zygote else 0)
        worst = max(r["wall"] for r in rows)
        peak = max(r["peak_gb"] for r in rows)
        print(f"total serial {serial_total:.1f} s wall, {serial_cpu:.1f} s CPU (zygote start included)")
        p1_ok = worst <= GOAL_NOTEBOOK_S and peak <= GOAL_MEM_GB and all(r["ok"] for r in rows)
        results.update(serial_total=serial_total, serial_cpu=serial_cpu,
                       per_notebook={r["name"]: r["wall"] for r in rows})
    if (ROOT / "notebooks" / "ko").is_dir():  # the English edition on its own, then both
        with english_only() as tmp:
            alone = course_pass(plain, Path(tmp))
        p1_ok = _course_line("course run, English edition", alone, GOAL_TOTAL_S) and p1_ok
        results.update(english_total=alone["wall"], english_cpu=alone["cpu"])
    english = course_pass(plain)
    p1_ok = _course_line("course run", english, GOAL_TWO_EDITIONS_S if len(english["editions"]) > 1 else GOAL_TOTAL_S) \
        and p1_ok
    results.update(parallel_total=english["wall"], parallel_cpu=english["cpu"])
    if simulate:
        with simulated_two_editions() as tmp:
            both = course_pass(plain, Path(tmp))
        two_ok = _course_line("two editions (simulated: Korean = copies of the English notebooks)", both,
                              GOAL_TWO_EDITIONS_S)
        results.update(two_editions_total=both["wall"], two_editions_cpu=both["cpu"], P1_two_editions=two_ok)
    if not course_only:
        print(f"P1 summary: slowest notebook {worst:.1f} s (goal ≤ {GOAL_NOTEBOOK_S:g}), 2 workers {english['wall']:.1f} s "
              f"(goal ≤ {GOAL_TOTAL_S:g}), peak {peak:.2f} GB per kernel (goal ≤ {GOAL_MEM_GB:g}); load {_load()} "
              f"— {verdict(p1_ok)}")
    results["P1"] = p1_ok
    if course_only:
        return results

    print()
    print("P5 · check latency on the solution answers (cold: the notebook's own check cell)")
    check_rows = [[r["name"].removeprefix("solutions/").removesuffix(".ipynb"), c["task"], c["seconds"]]
                  for r in rows if r["name"].startswith("solutions/") for c in r["checks"]]
    print_table(["exercise", "task", "seconds"], check_rows)
    slowest = max((c[2] for c in check_rows), default=float("nan"))
    p5_ok = bool(check_rows) and slowest < GOAL_CHECK_S
    print(f"P5 summary: {len(check_rows)} checks, slowest {slowest:.3f} s (goal < {GOAL_CHECK_S:g}) — {verdict(p5_ok)}")
    results["P5"] = p5_ok
    return results


def compare_main() -> dict:
    """``--compare``: the course passes with forked and with plain kernels, English only and both
    editions, side by side; then every executed notebook of the two-edition passes compared."""
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="p1-compare-") as keep, english_only() as english:
        keep = Path(keep)
        for label, root, goal in (("English course", Path(english), GOAL_TOTAL_S),
                                  ("both editions", ROOT, GOAL_TWO_EDITIONS_S)):
            for plain in (False, True):
                kind = "plain" if plain else "forked"
                data = course_pass(plain, root, keep / f"{label}-{kind}" if root == ROOT else None)
                ok = _course_line(f"{label}, {kind} kernels", data, goal)
                print(f"  load average after: {_load()}", flush=True)
                results[f"{label}, {kind}"] = data
                if not plain:
                    results[f"P1 {label}"] = ok and data["slowest"][0] <= GOAL_NOTEBOOK_S
        count, differ = compare_runs(keep / "both editions-forked", keep / "both editions-plain")
    print(f"outputs, forked vs plain kernels: {count - len(differ)} of {count} notebooks identical"
          + (f"; differ: {differ}" if differ else "") + f" — {verdict(not differ and count > 0)}")
    results["P1 outputs"] = not differ and count > 0
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(Path(sys.argv[2]))))
    elif len(sys.argv) >= 2 and sys.argv[1] == "--serial":
        run_serial([Path(p) for p in sys.argv[2:]])
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "--course":
        print(json.dumps(run_course_here(Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) == 4 else None)))
    else:
        results = main(sys.argv[1:])
        sys.exit(0 if all(v for k, v in results.items() if k.startswith("P")) else 1)
