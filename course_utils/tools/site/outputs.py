"""The course's own notebook outputs on the site: check results and key figures (site).

Two mimetypes carry them in an executed notebook:

- ``application/vnd.course.check+json`` ``{exercise, task, title, status, message}``,
  emitted by every ``checks.taskN.check()``;
- ``application/vnd.course.figure+json`` ``{key, label, value, ok, expected, text}``,
  emitted by ``report_figure``.

:func:`check_line` and :func:`figure_line` turn a payload into the line a reader sees
and its CSS classes; :class:`CourseOutputRenderer` is the myst-nb mime renderer (an entry
point in ``pyproject.toml``, group ``myst_nb.mime_renderers``) that puts those lines on
the site's pages, so no "unknown mime type" warning is printed and the line never depends
on a ``text/html`` copy being in the output.
"""

from __future__ import annotations

import json
import math
from typing import Any

CHECK_MIMETYPE = "application/vnd.course.check+json"
FIGURE_MIMETYPE = "application/vnd.course.figure+json"

_CHECK_ICONS = {"passed": "✅", "wrong": "❌", "not_attempted": "✏️"}
# myst-nb picks, per output, the mimetype with the lowest number (text/html is 30, text/plain 120).
_PRIORITY = 5
_HTML_BUILDERS = ("html", "dirhtml", "singlehtml", "readthedocs", "readthedocsdirhtml")


def as_payload(data: Any) -> dict | None:
    """A payload as a dict (it may be stored as JSON text); None when it is not an object."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError:
            return None
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items()}
    return None


def check_line(payload: Any) -> tuple[str, list[str]]:
    """``("✅ Task 1 (NAND weights): correct!", ["course-check", "passed"])`` for a check payload."""
    p = as_payload(payload)
    if p is None:
        return "a check result that could not be read", ["course-check", "unreadable"]
    status = str(p.get("status", ""))
    task = p.get("task")
    title = str(p.get("title") or "").strip()
    label = f"Task {task}" if task not in (None, "") else "Check"
    if title:
        label += f" ({title})"
    message = str(p.get("message") or "").strip()
    if status == "passed":
        text = f"{_CHECK_ICONS[status]} {label}: {message or 'correct!'}"
    elif status == "wrong":
        text = f"{_CHECK_ICONS[status]} {label}: not yet — {message}".rstrip(" —")
    elif status == "not_attempted":
        text = f"{_CHECK_ICONS[status]} {label}: not attempted yet — {message}".rstrip(" —")
    else:
        status = "unknown"
        text = f"{label}: {message}".rstrip(": ")
    return text, ["course-check", status]


def format_value(value: Any) -> str:
    """A figure value for reading: floats to 4 significant digits, long lists cut after 8 items."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        items = [format_value(v) for v in value[:8]] + (["…"] if len(value) > 8 else [])
        return "[" + ", ".join(items) + "]"
    return json.dumps(value, ensure_ascii=False)


def figure_line(payload: Any) -> tuple[str, list[str]]:
    """``("XOR accuracy = 1.0000", ["course-figure", "ok"])`` for a key-figure payload (never its band)."""
    p = as_payload(payload)
    if p is None:
        return "a key figure that could not be read", ["course-figure", "unreadable"]
    ok = p.get("ok", True) is not False
    text = p.get("text")
    if not isinstance(text, str) or not text.strip():
        label = p.get("label") or str(p.get("key", "figure")).split(".", 1)[-1].replace("_", " ")
        text = f"{label} = {format_value(p.get('value'))}"
    return text, ["course-figure", "ok" if ok else "off"]


class CourseOutputRenderer:
    """myst-nb mime renderer for check results and key figures (entry point ``course``)."""

    mime_priority_overrides = [(builder, mime, _PRIORITY)
                               for builder in _HTML_BUILDERS for mime in (CHECK_MIMETYPE, FIGURE_MIMETYPE)]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        """Docutils nodes for one of our mimetypes, or None to let myst-nb handle it."""
        if data.mime_type == CHECK_MIMETYPE:
            text, classes = check_line(data.content)
        elif data.mime_type == FIGURE_MIMETYPE:
            text, classes = figure_line(data.content)
        else:
            return None
        from docutils import nodes

        if inline:
            return [nodes.inline(text=text, classes=classes)]
        return [nodes.container("", nodes.paragraph(text=text), classes=["output", *classes])]
