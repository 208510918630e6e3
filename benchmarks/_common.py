"""Shared bits of the benchmark scripts: machine facts and table printing."""

from __future__ import annotations

import datetime as _dt
import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("COURSE_PROGRESS", "none")


def machine_line() -> str:
    """Date, CPU count, Python and library versions (without importing TensorFlow)."""
    from importlib.metadata import version

    libs = " ".join(f"{n} {version(n)}" for n in ("tensorflow", "keras", "numpy", "pandas", "scikit-learn"))
    return (f"{_dt.date.today().isoformat()} · {platform.machine()} · {os.cpu_count()} CPUs · "
            f"Python {platform.python_version()} · {libs}")


def print_table(headers: list[str], rows: list[list], title: str | None = None) -> None:
    """Print a plain-text table with right-aligned numbers."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    if title:
        print(title)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(r, widths)))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _numeric(text: str) -> bool:
    try:
        float(text.replace("×", "").replace("%", ""))
        return True
    except ValueError:
        return False
