"""The course website built by ``make run`` (``course run``; ``course site`` rebuilds it).

Sphinx + myst-nb + sphinx-book-theme turn the executed notebooks into a static site in
``build/site/``: an overview with the key-figure table, one page per notebook titled by its
lesson, sidebar and previous/next links in course order, full-text search, launch (Colab,
Binder) and download buttons, and formulas typeset by a copy of MathJax served by the site
itself. It works offline (``python -m http.server -d build/site``) and on GitHub Pages.

- ``builder``: the generated Sphinx sources and the build (:func:`build_site`);
- ``conf.py``, ``extension``, ``_templates/``, ``_static/``: the Sphinx project;
- ``outputs``: check results and key figures on the pages (a myst-nb mime renderer);
- ``links``: the repository address (one place) and the Colab/Binder links;
- ``browser``: headless Chromium for the tests and ``python -m course_utils.tools.site.browser``
  (screenshots).
"""
