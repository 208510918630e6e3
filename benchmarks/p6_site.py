"""P6: the course site: time to build it from executed notebooks, and its size.

Goals: building ``build/site`` from the executed notebooks takes ≤ 30 s on 2 cores (Sphinx
with 2 processes, as ``course run`` does); the whole site is < 15 MB.

The executed notebooks of the last ``course run`` (``build/executed``) are used when they
are there; otherwise the course is executed first (without timing that part). The site is
built into a temporary folder three times and the median is reported, with the size of
each part of the site.

    python -m benchmarks.p6_site
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, machine_line, print_table, verdict

GOAL_SECONDS, GOAL_MB, REPEATS = 30.0, 15.0, 3


def _runs(build: Path):
    from course_utils.tools.course_runner import load_runs, run_course

    if (build / "executed" / "runs.json").is_file():
        return load_runs(build), build
    print("  no build/executed/runs.json: executing the course first (not timed)", file=sys.stderr, flush=True)
    runs, _ = run_course(root=ROOT, build=build, workers=2, stream=open("/dev/null", "w"), site=False)
    return runs, build


def _parts(site: Path) -> list[list]:
    def mb(path: Path) -> float:
        files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
        return sum(f.stat().st_size for f in files) / 1e6

    static = site / "_static"
    rows = [["pages (*.html, search index)", sum(f.stat().st_size for f in site.rglob("*.html")) / 1e6
             + mb(site / "searchindex.js")],
            ["_images (plots)", mb(site / "_images")],
            ["_sources (download .ipynb)", mb(site / "_sources")],
            ["_downloads (exercises)", mb(site / "_downloads")],
            ["_static/mathjax", mb(static / "mathjax")],
            ["_static (theme, other)", mb(static) - mb(static / "mathjax")]]
    return [[name, round(size, 2)] for name, size in rows]


def main() -> dict:
    from course_utils.tools.course_runner import site_pages
    from course_utils.tools.site.builder import build_site

    print(f"P6 · course site build time and size · {machine_line()}")
    runs, build = _runs(ROOT / "build")
    times, result = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEATS):
            result = build_site(site_pages(runs, build), root=ROOT, build=Path(tmp), jobs=2)
            times.append(result.seconds)
            print(f"  build {i + 1}: {result.seconds:.1f} s", file=sys.stderr, flush=True)
        size_mb = result.size_bytes / 1e6
        parts = _parts(result.site)
        pages = len(list(result.site.rglob("*.html")))
        warnings = len(result.warnings)
    median = statistics.median(times)
    print_table(["part", "MB"], parts + [["whole site", round(size_mb, 2)]])
    ok = median <= GOAL_SECONDS and size_mb < GOAL_MB and warnings == 0
    print(f"{len(runs)} notebooks, {pages} HTML files, {warnings} Sphinx warnings; builds: "
          + ", ".join(f"{t:.1f}" for t in times) + " s")
    print(f"P6 summary: site build {median:.1f} s median of {REPEATS} (goal ≤ {GOAL_SECONDS:g}), "
          f"{size_mb:.1f} MB (goal < {GOAL_MB:g}) — {verdict(ok)}")
    return {"P6": ok, "seconds": median, "size_mb": size_mb}


if __name__ == "__main__":
    sys.exit(0 if main()["P6"] else 1)
