"""Execute the course and build its report: the main job behind ``make run`` (instructors).

Every practice notebook (``notebooks/``) and solution (``solutions/``) runs in a fresh
kernel, two at a time, from its own folder, with ``COURSE_STRICT=1`` so a failed check or
a key figure outside its band fails the notebook. Written into the git-ignored ``build/``:

- ``build/executed/<kind>/<name>.ipynb``: the executed copies;
- ``build/html/<kind>/<name>.html``: one HTML page per notebook;
- ``build/index.html``: notebook, status, seconds and the key figures each one reports.

The committed notebooks are never written. The exit status is non-zero when any notebook
fails, and the failure names the notebook and the cell.
"""

from __future__ import annotations

import html
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import repo_root
from ..errors import NotebookError
from ..lesson.key_figures import MIMETYPE as FIGURE_MIMETYPE
from .notebook_io import read_notebook

RUN_KINDS = ("notebooks", "solutions")


@dataclass
class NotebookRun:
    kind: str
    name: str
    seconds: float = 0.0
    status: str = "pending"  # ok | failed
    failure: str = ""
    figures: list[dict] = field(default_factory=list)

    @property
    def html_path(self) -> str:
        return f"html/{self.kind}/{self.name}.html"

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.name}.ipynb"


def collect(root: Path, kinds=RUN_KINDS, names: list[str] | None = None) -> list[tuple[str, Path]]:
    """The notebooks to run: ``(kind, path)`` pairs, optionally only the lessons in ``names``."""
    found = []
    for kind in kinds:
        for path in sorted((root / kind).glob("*.ipynb")):
            if names and not any(path.stem.startswith(n) for n in names):
                continue
            found.append((kind, path))
    return found


def run_one(kind: str, path: Path, build: Path, *, cell_timeout: float = 120) -> NotebookRun:
    """Execute one notebook, write its executed copy and HTML page, return its row."""
    from .executor import execute_notebook

    run = NotebookRun(kind, path.stem)
    nb = read_notebook(path)
    env = {"COURSE_STRICT": "1", "COURSE_PROGRESS": "none", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    result = execute_notebook(nb, cwd=path.parent, cell_timeout=cell_timeout, allow_errors=True, env=env)
    run.seconds = result.seconds
    run.figures = load_figures(result.nb)
    if result.errors or result.timed_out or result.kernel_died:
        run.status = "failed"
        if result.errors:
            first = result.errors[0]
            run.failure = f"cell {first.index + 1}: {first.last_line}"
        else:
            run.failure = "the kernel died" if result.kernel_died else "timed out"
    else:
        run.status = "ok"
    executed = build / "executed" / kind / path.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    executed.write_text(json.dumps(result.nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    page = build / run.html_path
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(_to_html(result.nb), encoding="utf-8")
    return run


def _to_html(nb) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body


def write_index(runs: list[NotebookRun], build: Path) -> Path:
    """Write ``build/index.html`` listing every notebook with its status and key figures."""
    rows = []
    for r in runs:
        figs = "<br>".join(
            f"{html.escape(str(f.get('label') or f.get('key')))} = {html.escape(_short(f.get('value')))}"
            + ("" if f.get("ok", True) else " <b class='bad'>(outside band)</b>")
            for f in r.figures
        )
        status = "ok" if r.status == "ok" else f"FAILED — {html.escape(r.failure)}"
        rows.append(
            f"<tr class='{r.status}'><td><a href='{html.escape(r.html_path)}'>{html.escape(r.label)}</a></td>"
            f"<td class='status'>{status}</td><td class='num'>{r.seconds:.1f}</td><td>{figs}</td></tr>"
        )
    failed = sum(r.status != "ok" for r in runs)
    total = sum(r.seconds for r in runs)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Course run report</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}tr.failed{{background:#fdd}}
.num{{text-align:right}}.bad{{color:#a00}}</style></head><body>
<h1>Course run report</h1>
<p id="summary">{len(runs)} notebooks, {failed} failed, {total:.1f} s of kernel time.</p>
<table id="notebooks"><thead><tr><th>notebook</th><th>status</th><th>seconds</th><th>key figures</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
    index = build / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _short(value) -> str:
    """A figure for the index: floats to 4 significant digits, long lists cut after 8 items."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        items = [_short(v) for v in value[:8]] + (["…"] if len(value) > 8 else [])
        return "[" + ", ".join(items) + "]"
    return json.dumps(value, ensure_ascii=False)


def run_course(*, root: Path | None = None, build: Path | None = None, workers: int = 2,
               names: list[str] | None = None, kinds=RUN_KINDS, stream=None) -> tuple[list[NotebookRun], Path]:
    """Execute the course with ``workers`` kernels at a time; return the rows and the index path."""
    root = root or repo_root()
    build = build or root / "build"
    stream = stream or sys.stdout
    todo = collect(root, kinds, names)
    if not todo:
        raise SystemExit(f"No notebooks found under {root} ({', '.join(kinds)}).")
    runs: list[NotebookRun] = []
    bar = _progress(len(todo), stream)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(run_one, kind, path, build): (kind, path) for kind, path in todo}
        for future in as_completed(futures):
            kind, path = futures[future]
            try:
                run = future.result()
            except Exception as exc:  # an unreadable notebook: report it, keep going
                run = NotebookRun(kind, path.stem, status="failed", failure=f"{type(exc).__name__}: {exc}")
            runs.append(run)
            bar(run)
    order = {(k, p.stem): i for i, (k, p) in enumerate(todo)}
    runs.sort(key=lambda r: order[(r.kind, r.name)])
    return runs, write_index(runs, build)


def _progress(total: int, stream):
    """A progress display: tqdm on a terminal, one plain line per notebook otherwise."""
    use_bar = stream.isatty() and not os.environ.get("CI")
    state = {"done": 0}
    bar = None
    if use_bar:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="running notebooks", unit="nb", file=stream)

    def update(run: NotebookRun) -> None:
        state["done"] += 1
        line = f"[{state['done']}/{total}] {run.label}: {run.status} ({run.seconds:.1f} s)"
        if run.status != "ok":
            line += f" — {run.failure}"
        if bar is not None:
            bar.write(line)
            bar.update(1)
            if state["done"] == total:
                bar.close()
        else:
            print(line, file=stream, flush=True)

    return update


def main(workers: int = 2, names: list[str] | None = None) -> int:
    start = time.perf_counter()
    runs, index = run_course(workers=workers, names=names)
    failed = [r for r in runs if r.status != "ok"]
    print(f"\nReport: {index.resolve()}  ({len(runs)} notebooks, {time.perf_counter() - start:.0f} s wall time)")
    for r in failed:
        print(f"FAILED {r.label} at {r.failure}")
    return 1 if failed else 0


def _plain_json(obj):
    """NotebookNode (or JSON text) → plain dicts and lists."""
    if isinstance(obj, str):
        return json.loads(obj)
    return json.loads(json.dumps(obj))


def load_figures(nb) -> list[dict]:
    """All key-figure payloads in an executed notebook, in cell order (course report).

    ``nb`` is a notebook object (``nbformat.NotebookNode`` or dict) or a path to an
    ``.ipynb`` file. Returns a list of ``{key, label, value, ok, expected}`` dicts; a
    notebook without outputs gives an empty list.
    """
    if isinstance(nb, (str, os.PathLike)):
        nb = read_notebook(nb)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(
            f"load_figures: expected a notebook (nbformat.read(...) or a path to .ipynb), got {type(nb).__name__}."
        )
    figures: list[dict] = []
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data") or {}
            if FIGURE_MIMETYPE not in data:
                continue
            try:
                payload = _plain_json(data[FIGURE_MIMETYPE])
            except (TypeError, ValueError) as exc:
                raise NotebookError(f"load_figures: cell {index} holds a figure payload that is not JSON ({exc}).") from None
            if not isinstance(payload, dict) or "key" not in payload:
                raise NotebookError(f"load_figures: cell {index} holds a figure payload without a 'key': {payload!r}.")
            figures.append(payload)
    return figures
