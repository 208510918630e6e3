"""Execute the course and build its website: the main job behind ``make run`` (instructors).

Every practice notebook (``notebooks/``) and solution (``solutions/``) runs in a fresh
kernel, two at a time, from its own folder, with ``COURSE_STRICT=1`` so a failed check or
a key figure outside its band fails the notebook, and ``COURSE_PROGRESS=text`` so a
training run's progress bar stays visible in the executed copy. A Korean edition
(``notebooks/ko/``, ``solutions/ko/``) runs too once it exists. Written into the
git-ignored ``build/``:

- ``build/executed/<kind>/<name>.ipynb``: the executed copies, and ``runs.json`` (status,
  seconds and the failing cell of each);
- ``build/site/``: the course website (:mod:`course_utils.tools.site`): overview with the
  key-figure table, one page per notebook, search, formulas rendered offline.

The committed notebooks are never written. The exit status is non-zero when any notebook
fails (its page is still built, marked failed) or the site cannot be built, and the
failure names the notebook and the cell (``cell N`` counts every cell from 1).

    course run [02_01 …]        # execute (some lessons), then build the site
    course site                 # rebuild the site from build/executed without executing
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .catalog import repo_root
from ..checks.core import MIMETYPE as CHECK_MIMETYPE
from ..errors import NotebookError, SiteError
from ..lesson.key_figures import MIMETYPE as FIGURE_MIMETYPE
from ..lesson.notebook_setup import known_noise_options
from .notebook_io import read_notebook
from .site.builder import EDITIONS, SitePage, SiteResult, build_site, edition

RUN_KINDS = ("notebooks", "solutions")
RUNS_FILE = "runs.json"
#: The kernel's environment for ``course run``.
RUN_ENV = {"COURSE_STRICT": "1", "COURSE_PROGRESS": "text", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": ",".join(known_noise_options())}


@dataclass
class NotebookRun:
    kind: str
    name: str
    edition: str = "en"
    seconds: float = 0.0
    status: str = "pending"  # ok | failed
    failure: str = ""
    failed_cell: int | None = None  # 1-based, counting every cell
    figures: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """``notebooks`` or ``notebooks/ko``: where the notebook sits in the repository."""
        sub = edition(self.edition).folder
        return f"{self.kind}/{sub}" if sub else self.kind

    @property
    def label(self) -> str:
        return f"{self.folder}/{self.name}.ipynb"

    def executed_path(self, build: Path) -> Path:
        return build / "executed" / self.folder / f"{self.name}.ipynb"


def collect(root: Path, kinds=RUN_KINDS, names: list[str] | None = None) -> list[tuple[str, Path, str]]:
    """The notebooks to run: ``(kind, path, edition)`` triples, optionally only the lessons in ``names``."""
    found = []
    for ed in EDITIONS:
        for kind in kinds:
            folder = root / kind / ed.folder if ed.folder else root / kind
            for path in sorted(folder.glob("*.ipynb")):
                if names and not any(path.stem.startswith(n) for n in names):
                    continue
                found.append((kind, path, ed.code))
    return found


def run_one(kind: str, path: Path, build: Path, *, edition: str = "en", cell_timeout: float = 120) -> NotebookRun:
    """Execute one notebook and write its executed copy; return its row."""
    from .executor import execute_notebook

    run = NotebookRun(kind, path.stem, edition)
    nb = read_notebook(path)
    result = execute_notebook(nb, cwd=path.parent, cell_timeout=cell_timeout, allow_errors=True, env=RUN_ENV)
    run.seconds = result.seconds
    run.figures = load_figures(result.nb)
    run.checks = load_checks(result.nb)
    if result.errors or result.timed_out or result.kernel_died:
        run.status = "failed"
        first = result.errors[0] if result.errors else None
        if first is not None:
            run.failed_cell = first.index + 1
            run.failure = f"cell {first.index + 1}: {first.last_line}"
        else:
            run.failure = "the kernel died" if result.kernel_died else "timed out"
    else:
        run.status = "ok"
    executed = run.executed_path(build)
    executed.parent.mkdir(parents=True, exist_ok=True)
    tmp = executed.with_suffix(".ipynb.tmp")
    tmp.write_text(json.dumps(result.nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, executed)
    return run


def write_runs(runs: list[NotebookRun], build: Path) -> Path:
    """Record the rows of a run in ``build/executed/runs.json`` (``course site`` reads it back)."""
    path = build / "executed" / RUNS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{k: v for k, v in asdict(r).items() if k not in ("figures", "checks")} for r in runs]
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_runs(build: Path) -> list[NotebookRun]:
    """The rows of the last ``course run`` (figures and checks read from the executed copies)."""
    path = build / "executed" / RUNS_FILE
    if not path.is_file():
        raise SiteError(f"No course run recorded in {path}; run `course run` (or `make run`) first.")
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        runs = [NotebookRun(**row) for row in rows]
    except (ValueError, TypeError) as exc:
        raise SiteError(f"{path} is damaged ({exc}); run `course run` again.") from None
    for r in runs:
        executed = r.executed_path(build)
        if executed.is_file():
            r.figures, r.checks = load_figures(executed), load_checks(executed)
    return runs


def site_pages(runs: list[NotebookRun], build: Path) -> list[SitePage]:
    """The site's pages for the rows of a run (a notebook that never ran has no executed copy)."""
    pages = []
    for r in runs:
        executed = r.executed_path(build)
        pages.append(SitePage(kind=r.kind, name=r.name, edition=r.edition, status=r.status, failure=r.failure,
                              failed_cell=r.failed_cell, seconds=r.seconds,
                              executed=executed if executed.is_file() else None,
                              figures=r.figures, checks=r.checks))
    return pages


def run_course(*, root: Path | None = None, build: Path | None = None, workers: int = 2,
               names: list[str] | None = None, kinds=RUN_KINDS, stream=None,
               site: bool = True) -> tuple[list[NotebookRun], SiteResult | None]:
    """Execute the course with ``workers`` kernels at a time, then build the site.

    Returns the rows (in course order) and what the site build made (None with
    ``site=False``). Raises :class:`SiteError` when the site cannot be built; the rows are
    in ``build/executed/runs.json`` by then.
    """
    root = root or repo_root()
    build = build or root / "build"
    stream = stream or sys.stdout
    todo = collect(root, kinds, names)
    if not todo:
        raise SystemExit(f"No notebooks found under {root} ({', '.join(kinds)}).")
    runs: list[NotebookRun] = []
    bar = _progress(len(todo), stream)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(run_one, kind, path, build, edition=ed): (kind, path, ed) for kind, path, ed in todo}
        for future in as_completed(futures):
            kind, path, ed = futures[future]
            try:
                run = future.result()
            except Exception as exc:  # an unreadable notebook: report it, keep going
                run = NotebookRun(kind, path.stem, ed, status="failed", failure=f"{type(exc).__name__}: {exc}")
            runs.append(run)
            bar(run)
    order = {(k, p.stem, e): i for i, (k, p, e) in enumerate(todo)}
    runs.sort(key=lambda r: order[(r.kind, r.name, r.edition)])
    write_runs(runs, build)
    if not site:
        return runs, None
    return runs, build_site(site_pages(runs, build), root=root, build=build, jobs=workers)


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


def _report_site(result: SiteResult) -> None:
    print(f"Site: {result.index.resolve()}  ({result.size_bytes / 1e6:.1f} MB, built in {result.seconds:.1f} s; "
          f"preview: python -m http.server -d {result.site})")
    if result.warnings:
        print(f"The site build printed {len(result.warnings)} warning(s):")
        for line in result.warnings[:10]:
            print(f"  {line}")


def main(workers: int = 2, names: list[str] | None = None, site: bool = True) -> int:
    """``course run``: execute, build the site, name every failure; 0 when everything passed."""
    start = time.perf_counter()
    root = repo_root()
    try:
        runs, result = run_course(root=root, workers=workers, names=names, site=site)
        site_error = None
    except SiteError as exc:
        runs, result, site_error = load_runs(root / "build"), None, exc
    failed = [r for r in runs if r.status != "ok"]
    print(f"\nRan {len(runs)} notebooks in {time.perf_counter() - start:.0f} s wall time; {len(failed)} failed.")
    if result is not None:
        _report_site(result)
    for r in failed:
        print(f"FAILED {r.label} at {r.failure}")
    if site_error is not None:
        print(f"SITE NOT BUILT: {site_error}")
    return 1 if failed or site_error is not None else 0


def site_main(jobs: int = 2) -> int:
    """``course site``: rebuild ``build/site`` from the executed notebooks of the last run."""
    root = repo_root()
    build = root / "build"
    try:
        runs = load_runs(build)
        result = build_site(site_pages(runs, build), root=root, build=build, jobs=jobs)
    except SiteError as exc:
        print(f"SITE NOT BUILT: {exc}")
        return 1
    _report_site(result)
    failed = [r for r in runs if r.status != "ok"]
    for r in failed:
        print(f"FAILED {r.label} at {r.failure}")
    return 1 if failed else 0


def _plain_json(obj):
    """NotebookNode (or JSON text) → plain dicts and lists."""
    if isinstance(obj, str):
        return json.loads(obj)
    return json.loads(json.dumps(obj))


def _load_payloads(nb, mimetype: str, what: str) -> list[tuple[int, object]]:
    """``(cell number from 1, payload)`` for every output of ``mimetype`` in the notebook."""
    if isinstance(nb, (str, os.PathLike)):
        nb = read_notebook(nb)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(
            f"{what}: expected a notebook (nbformat.read(...) or a path to .ipynb), got {type(nb).__name__}."
        )
    found: list[tuple[int, object]] = []
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data") or {}
            if mimetype not in data:
                continue
            try:
                payload = _plain_json(data[mimetype])
            except (TypeError, ValueError) as exc:
                raise NotebookError(f"{what}: cell {index + 1} holds a payload that is not JSON ({exc}).") from None
            found.append((index + 1, payload))
    return found


def load_figures(nb) -> list[dict]:
    """All key-figure payloads in an executed notebook, in cell order (course site).

    ``nb`` is a notebook object (``nbformat.NotebookNode`` or dict) or a path to an
    ``.ipynb`` file. Returns a list of ``{key, label, value, ok, expected, text}`` dicts; a
    notebook without outputs gives an empty list.
    """
    figures = []
    for cell, payload in _load_payloads(nb, FIGURE_MIMETYPE, "load_figures"):
        if not isinstance(payload, dict) or "key" not in payload:
            raise NotebookError(f"load_figures: cell {cell} holds a figure payload without a 'key': {payload!r}.")
        figures.append(payload)
    return figures


def load_checks(nb) -> list[dict]:
    """All check-result payloads ``{exercise, task, title, status, message}`` in an executed notebook."""
    return [c for _, c in _load_payloads(nb, CHECK_MIMETYPE, "load_checks") if isinstance(c, dict)]
