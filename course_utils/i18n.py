"""The language of messages: English by default, Korean on request (all lessons, tooling).

Every student-facing message of the checks and the tools goes through :func:`_` (a message
kept in a constant is marked with :func:`N_` and translated where it is shown)::

    from course_utils.i18n import _
    raise WrongAnswer(_("`{name}` is None — did you forget to assign it?").format(name=name))

The English text is the message id; translations live in gettext PO catalogues under
``course_utils/locale/<lang>/LC_MESSAGES/course.po``. The language is, in order: the one
given to :func:`speaking` in this thread (the grader grades a Korean notebook in Korean), the
one given to :func:`set_language`, the environment variable ``COURSE_LANG``, then English. A
message without a translation is shown in English.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

__all__ = ["LANGUAGES", "N_", "_", "current_language", "set_language", "speaking"]

#: Languages the course speaks.
LANGUAGES = ("en", "ko")

_chosen: str | None = None
_thread = threading.local()


def set_language(lang: str | None) -> str | None:
    """Speak ``lang`` ("en" or "ko") from now on; ``None`` goes back to ``COURSE_LANG``.
    Returns the previous choice, to restore it with ``set_language(previous)``."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}.")
    previous, _chosen = _chosen, lang
    return previous


@contextmanager
def speaking(lang: str | None):
    """``with speaking("ko"):`` messages of this thread are Korean inside the block (``None``: unchanged)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}.")
    previous = getattr(_thread, "lang", None)
    _thread.lang = lang if lang is not None else previous
    try:
        yield
    finally:
        _thread.lang = previous


def current_language() -> str:
    """The language messages are shown in now."""
    local = getattr(_thread, "lang", None)
    if local is not None:
        return local
    if _chosen is not None:
        return _chosen
    env = os.environ.get("COURSE_LANG", "").strip().lower()[:2]
    return env if env in LANGUAGES else "en"


_CATALOGUES: dict[str, dict[str, str]] = {}


def _catalogue(lang: str) -> dict[str, str]:
    """Translations of ``lang``: message id → text (translated, not fuzzy), read once."""
    if lang not in _CATALOGUES:
        from pathlib import Path

        path = Path(__file__).resolve().parent / "locale" / lang / "LC_MESSAGES" / "course.po"
        table: dict[str, str] = {}
        if path.is_file():
            import polib

            table = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgstr and not e.fuzzy and not e.obsolete}
        _CATALOGUES[lang] = table
    return _CATALOGUES[lang]


def N_(message: str) -> str:
    """Mark a message kept in a constant for the catalogue, unchanged; translate it where it is
    shown: ``_WORDS = {"one": N_("price")}`` … ``_(_WORDS["one"])`` (gettext's ``gettext_noop``)."""
    return message


def _(message: str) -> str:
    """``message`` in the current language (English when no translation exists)."""
    lang = current_language()
    if lang == "en":
        return message
    return _catalogue(lang).get(message) or message
