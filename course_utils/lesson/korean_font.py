"""Korean text in plots: a bundled font, so labels never come out as empty boxes (Korean edition).

``setup_notebook(lang="ko")`` calls :func:`use_korean_font`; call it yourself in a script::

    from course_utils.lesson.korean_font import use_korean_font
    use_korean_font()

It selects NanumGothic, shipped by the ``koreanize-matplotlib`` package (no download), and
writes minus signs as ASCII hyphens: NanumGothic has no Unicode minus (U+2212), which
matplotlib uses in tick labels by default.
"""

from __future__ import annotations

__all__ = ["use_korean_font"]


def use_korean_font() -> str:
    """Make matplotlib draw Korean text; return the font family now in use."""
    import koreanize_matplotlib  # noqa: F401  - registers the bundled NanumGothic (on first import)
    import matplotlib

    # Selected on every call: the import selects it only once, and rcdefaults() or a style undo that.
    matplotlib.rc("font", family="NanumGothic")
    matplotlib.rcParams["axes.unicode_minus"] = False
    family = matplotlib.rcParams["font.family"]
    return family[0] if isinstance(family, list) else str(family)
