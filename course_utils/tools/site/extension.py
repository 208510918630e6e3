"""Sphinx extension of the course site: course settings, language switch, offline MathJax (site).

Loaded by ``conf.py``. It reads ``_course.json`` from the generated source folder (written
by :mod:`course_utils.tools.site.builder`) and sets the repository, launch buttons and
editions; gives every page the links of its language switch (shown once a second edition,
such as the Korean one, exists); and copies MathJax 3 from the ``django-static-mathjax``
package into ``_static/mathjax/`` so that formulas render without any network.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ...errors import SiteError

SETTINGS_FILE = "_course.json"

#: What of MathJax's ``es5/`` folder the site needs (~2 MB of the package's 35 MB).
MATHJAX_FILES = (
    "tex-mml-chtml.js",
    "output/chtml/fonts/woff-v2/*.woff",
    "input/tex/extensions/*.js",
    "ui/*.js",
    "a11y/*.js",
)
_MATHJAX_SKIP = {"all-packages.js", "sre.js"}


def mathjax_source() -> Path:
    """The ``es5/`` folder of the installed MathJax 3 (package ``django-static-mathjax``)."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    folder = None
    if spec is not None and spec.submodule_search_locations:
        folder = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if folder is None or not (folder / "tex-mml-chtml.js").is_file():
        raise SiteError(
            "MathJax is not installed, so the site's formulas could not render offline. Install the "
            "site extra: pip install -e \".[site]\" (make run does it); it brings django-static-mathjax."
        )
    return folder


def copy_mathjax(dest: Path) -> int:
    """Copy the MathJax files the site uses into ``dest``; return how many bytes were copied."""
    src = mathjax_source()
    total = 0
    for pattern in MATHJAX_FILES:
        for path in sorted(src.glob(pattern)):
            if path.name in _MATHJAX_SKIP:
                continue
            target = dest / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            total += path.stat().st_size
    license_file = src.parent / "LICENSE"
    if license_file.is_file():
        shutil.copyfile(license_file, dest / "LICENSE")
    return total


def read_settings(srcdir: str | Path) -> dict:
    path = Path(srcdir) / SETTINGS_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _on_config_inited(app, config) -> None:
    settings = read_settings(app.srcdir)
    config.course_settings = settings
    if not settings:
        return
    config.project = settings.get("title", config.project)
    config.html_title = settings.get("title", config.project)
    options = dict(config.html_theme_options)
    repo = settings.get("repository") or {}
    if repo.get("url"):
        options["repository_url"] = repo["url"]
        options["repository_branch"] = repo.get("branch", "main")
        options["launch_buttons"] = {
            "colab_url": settings.get("colab", "https://colab.research.google.com"),
            "binderhub_url": settings.get("binder", "https://mybinder.org"),
            "notebook_interface": "jupyterlab",
        }
    config.html_theme_options = options
    context = dict(config.html_context)
    context["course_edition"] = settings.get("edition", "en")
    context["course_editions"] = settings.get("editions", [])
    config.html_context = context


def canonical_page(docname: str, folder: str) -> str:
    """``notebooks/ko/02_00_x`` (edition folder ``ko``) → ``notebooks/02_00_x``; the English name of a page."""
    if not folder:
        return docname
    parts = docname.split("/")
    return "/".join(p for i, p in enumerate(parts) if not (i == 1 and p == folder))


def edition_page(canonical: str, folder: str) -> str:
    """``notebooks/02_00_x`` → ``notebooks/ko/02_00_x`` for the edition in folder ``ko``."""
    if not folder or "/" not in canonical:
        return canonical
    kind, rest = canonical.split("/", 1)
    return f"{kind}/{folder}/{rest}"


def language_links(pagename: str, edition: str, editions: list[dict]) -> list[dict]:
    """Links from ``pagename`` to the same page in every edition (its overview when it has none).

    Each edition is ``{code, label, folder, pages}``; English sits at the site root, another
    edition in the sub-folder named by its code (``build/site/ko/``).
    """
    current = next((e for e in editions if e["code"] == edition), None)
    if current is None or len(editions) < 2:
        return []
    canonical = canonical_page(pagename, current.get("folder", ""))
    to_site_root = "../" * pagename.count("/") + ("../" if current.get("folder") else "")
    links = []
    for e in editions:
        target = edition_page(canonical, e.get("folder", ""))
        if target not in e.get("pages", []):
            target = "index"
        base = f"{e['code']}/" if e.get("folder") else ""
        links.append({"code": e["code"], "label": e["label"], "current": e["code"] == edition,
                      "href": f"{to_site_root}{base}{target}.html"})
    return links


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    settings = getattr(app.config, "course_settings", {}) or {}
    context["course_language_links"] = language_links(
        pagename, settings.get("edition", "en"), settings.get("editions", []))


def _on_build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_mathjax(Path(app.outdir) / "_static" / "mathjax")


def setup(app):
    app.add_config_value("course_settings", {}, "html")
    app.connect("config-inited", _on_config_inited, priority=100)
    app.connect("html-page-context", _on_page_context)
    app.connect("build-finished", _on_build_finished)
    mathjax_source()  # fail at start, with the fix, when MathJax is missing
    return {"parallel_read_safe": True, "parallel_write_safe": True}
