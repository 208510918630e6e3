"""Run every benchmark (P1-P7) in one go and print a summary (goal: ≤ 10 minutes for P1-P6; P7 adds ~15).

    make bench            # or: .venv/bin/python -m benchmarks.run_all [P2 P3 ...]

Each part prints its own table and summary line; the last lines list PASS/MISS per goal.
Record results in benchmarks/README.md with the date, machine and versions printed.
"""

from __future__ import annotations

import importlib
import sys
import time

from benchmarks._common import machine_line

PARTS = {
    "P2": "benchmarks.p2_xor",
    "P3": "benchmarks.p3_house_cv",
    "P4": "benchmarks.p4_boston_protocol",
    "P1": "benchmarks.p1_notebooks",  # also reports P5 (check latency) from the same run
    "P6": "benchmarks.p6_site",       # after P1: builds the site from build/executed (or runs the course)
    "P7": "benchmarks.p7_grading",    # batch grading with isolation vs nbgrader (issue 11)
}


def main(argv: list[str]) -> int:
    wanted = [p.upper() for p in argv] or list(PARTS)
    print(f"Benchmarks {' '.join(wanted)} · {machine_line()}\n")
    start = time.perf_counter()
    verdicts: dict[str, bool] = {}
    for part in wanted:
        module = PARTS.get(part) or (PARTS["P1"] if part == "P5" else None)
        if module is None:
            print(f"unknown part {part}; choose from {', '.join(PARTS)} or P5")
            return 2
        t0 = time.perf_counter()
        results = importlib.import_module(module).main()
        verdicts.update({k: v for k, v in results.items() if k.startswith("P") and isinstance(v, bool)})
        print(f"({part} took {time.perf_counter() - t0:.0f} s)\n", flush=True)
    total = time.perf_counter() - start
    print("Summary: " + ", ".join(f"{k} {'PASS' if v else 'MISS'}" for k, v in sorted(verdicts.items()))
          + f" · whole run {total:.0f} s (goal ≤ 600 s)")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
