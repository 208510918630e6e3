"""What batch grading writes: the gradebook CSV, a feedback page per submission, the cache
of finished grades, and the progress display (grading; used by ``course grade``).

``OUT/gradebook.csv`` has one row per submission: ``submission, exercise, status, score,
max_score, seconds, task1 … taskN`` (each task's status), ``solution_shown`` (the tasks
whose solution the notebook displayed, e.g. ``2 4``) and ``problem``. ``status`` is
``graded``, ``ungradable`` (with the reason in ``problem``) or ``tampering``.
``OUT/feedback/<submission>.html`` shows, per task, the status, the message, the first
hint, and the student's code for tasks that did not pass. ``OUT/index.html`` links them.
Every file is written beside its target, then renamed (a crash never leaves half a file).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import LANGUAGES, N_, _, current_language, speaking

if TYPE_CHECKING:
    from .grader import GradeReport, Submission

__all__ = ["Cache", "Progress", "write_atomic", "write_outputs", "feedback_name"]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def feedback_name(submission: str) -> str:
    """The feedback page's file name for a submission name (safe on every file system)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", submission.removesuffix(".ipynb")).strip("._")[:80] or "submission"
    return f"{stem}-{hashlib.sha256(submission.encode()).hexdigest()[:6]}.html"


def _status(report: "GradeReport") -> str:
    """The submission's status word in gradebook.csv (English; shown translated in the pages)."""
    if report.tampering:
        return N_("tampering")
    return N_("ungradable") if report.problem else N_("graded")


class Cache:
    """Grades already written for this course and these limits, by submission and content hash."""

    def __init__(self, path: Path, settings: str) -> None:
        self.path, self.settings = path, settings
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.entries: dict[str, Any] = data.get("entries", {}) if data.get("settings") == settings else {}

    def get(self, submission: "Submission") -> "GradeReport | None":
        from .grader import GradeReport

        entry = self.entries.get(submission.name)
        try:
            digest = hashlib.sha256(submission.path.read_bytes()).hexdigest()
        except OSError:
            return None
        if not entry or entry.get("sha256") != digest or entry.get("exercise_option") != submission.exercise:
            return None
        return GradeReport.from_dict(entry["report"])

    def put(self, report: "GradeReport", exercise_option: str | None = None) -> None:
        if report.sha256 and not report.tampering:
            self.entries[report.submission] = {"sha256": report.sha256, "exercise_option": exercise_option,
                                               "report": report.to_dict()}
            self.save()

    def save(self) -> None:
        write_atomic(self.path, json.dumps({"settings": self.settings, "entries": self.entries}, ensure_ascii=False))


class Progress:
    """A bar on one line (redrawn in a terminal) and one line per finished submission."""

    def __init__(self, total: int, stream=None, *, enabled: bool = True) -> None:
        self.total, self.stream, self.enabled = total, stream or sys.stderr, enabled
        self.seen: set[str] = set()
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def done(self, report: "GradeReport", *, cached: bool = False) -> None:
        again = report.submission in self.seen
        self.seen.add(report.submission)
        if not self.enabled:
            return
        if report.problem:
            what = f"{_status(report)}: {report.problem}"
        else:
            what = f"{report.passed}/{len(report.tasks)} passed"
        note = " (unchanged, not run again)" if cached else " (graded again, alone)" if again else ""
        line = f"{report.submission}: {what} · {report.seconds:.1f} s{note}"
        done = len(self.seen)
        width = 30
        filled = int(width * done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} · {elapsed:.0f} s"
        if self.tty:
            self.stream.write("\r\x1b[K" + line + "\n" + bar)
        else:
            self.stream.write(line + "\n" + bar + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def write_outputs(reports: list["GradeReport"], out: Path, exercises: dict[str, list]) -> None:
    """Write ``gradebook.csv``, ``feedback/*.html`` and ``index.html`` into ``out``."""
    width = max([len(r.tasks) for r in reports] + [len(exercises.get(r.exercise or "", [])) for r in reports] + [0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "exercise", "status", "score", "max_score", "seconds",
                     *[f"task{n}" for n in range(1, width + 1)], "solution_shown", "problem"])
    for r in reports:
        total = len(r.tasks) or len(exercises.get(r.exercise or "", []))
        statuses = [t.status for t in r.tasks] + [""] * (width - len(r.tasks))
        writer.writerow([r.submission, r.exercise or "", _status(r), r.passed, total, f"{r.seconds:.1f}",
                         *statuses, " ".join(map(str, r.solutions_shown)), r.problem or ""])
    write_atomic(out / "gradebook.csv", buffer.getvalue())
    for r in reports:
        write_atomic(out / "feedback" / feedback_name(r.submission), feedback_page(r))
    rows = "".join(
        f"<tr><td><a href=\"feedback/{html.escape(feedback_name(r.submission))}\">{html.escape(r.submission)}</a></td>"
        f"<td>{html.escape(r.exercise or '')}</td><td>{html.escape(_(_status(r)))}</td>"
        f"<td>{r.passed} / {len(r.tasks)}</td></tr>" for r in reports)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in (_("submission"), _("exercise"), _("status"), _("score")))
    write_atomic(out / "index.html", _page(_("Gradebook"), f"<h1>{html.escape(_('Gradebook'))}</h1>"
                                           f"<table><tr>{head}</tr>{rows}</table>"
                                           "<p><a href=\"gradebook.csv\">gradebook.csv</a></p>"))


_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}"
        ".passed{color:#1a7f37}.wrong,.error{color:#cf222e}.not_attempted{color:#9a6700}"
        "pre{background:#f6f8fa;padding:.8rem;overflow-x:auto}section{border-top:1px solid #ddd;margin-top:1rem}")


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang=\"{current_language()}\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{body}</body></html>\n")


def feedback_page(report: "GradeReport") -> str:
    """The HTML feedback page of one submission, in the report's language (everything from the
    notebook is escaped)."""
    with speaking(report.lang if report.lang in LANGUAGES else None):
        return _feedback_page(report)


def _feedback_page(report: "GradeReport") -> str:
    e = html.escape
    labels = {"passed": _("✅ passed"), "wrong": _("❌ wrong"), "not_attempted": _("✏️ not attempted"),
              "error": _("⚠️ error")}
    parts = [f"<h1>{e(_('Feedback'))}: {e(report.submission)}</h1>",
             f"<p>{e(_('Exercise'))} {e(report.exercise or '?')} · {report.passed} / {len(report.tasks)} "
             f"{e(_('tasks passed'))} · {report.seconds:.1f} s</p>"]
    if report.problem:
        parts.append(f"<p class=\"error\"><strong>{e(_('Cannot grade'))}:</strong> {e(report.problem)}</p>")
    for t in report.tasks:
        parts.append(f"<section><h2>{e(_('Task {n}').format(n=t.task))} · {e(t.title)}</h2>"
                     f"<p class=\"{e(t.status)}\"><strong>{e(labels.get(t.status, t.status))}</strong>"
                     + (f" — {e(t.message)}" if t.message and t.status != "passed" else "") + "</p>")
        if t.status != "passed" and t.hint:
            parts.append(f"<p>💡 {e(_('Hint'))}: {e(t.hint)}</p>")
        if t.solution_shown:
            parts.append(f"<p>🔑 {e(_('The notebook displayed the solution of this task.'))}</p>")
        if t.status != "passed" and t.code:
            parts.append(f"<details open><summary>{e(_('Your code'))}</summary><pre><code>{e(t.code)}</code></pre></details>")
        parts.append("</section>")
    return _page(f"{_('Feedback')} · {report.submission}", "".join(parts))
