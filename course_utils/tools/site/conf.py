"""Sphinx configuration of the course site (used by ``course run`` / ``course site``).

Sphinx reads this file with ``-c course_utils/tools/site``; the source tree it builds is
generated under ``build/site-src/<language>/`` by :mod:`course_utils.tools.site.builder`,
which also writes ``_course.json`` there (title, repository, editions). The extension
:mod:`course_utils.tools.site.extension` reads that file and fills in the settings that
depend on the course; everything fixed lives here.

Stack: Sphinx + myst-nb (renders the already executed notebooks, never executes) +
sphinx-book-theme (sidebar, prev/next, launch and download buttons) + Sphinx's own
search, with MathJax 3 copied into ``_static/mathjax/`` so formulas render offline.
"""

# -- the site's parts ---------------------------------------------------------------------
extensions = [
    "myst_nb",
    "sphinx_book_theme",
    "sphinx.ext.githubpages",           # .nojekyll, so GitHub Pages serves _static/
    "course_utils.tools.site.extension",
]
project = "Course"              # replaced by the course title from _course.json
author = ""
html_show_copyright = False
html_show_sphinx = False
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["course.css"]
exclude_patterns = ["_exercises", "_course.json", "**/.ipynb_checkpoints"]
root_doc = "index"

# -- notebooks: show what `course run` executed, never execute here -----------------------
nb_execution_mode = "off"
nb_merge_streams = False                # the builder joins consecutive streams and applies "\r" itself
nb_output_stderr = "show"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]     # notebooks may go from # to ### on purpose

# -- formulas: MathJax 3 from the site itself, never from a CDN ----------------------------
# A relative mathjax_path is relative to _static/; the extension copies MathJax there.
mathjax_path = "mathjax/tex-mml-chtml.js"

# -- HTML theme --------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_copy_source = True                 # the download button serves the executed .ipynb
html_sourcelink_suffix = ""
html_last_updated_fmt = None
html_sidebars = {
    "**": ["navbar-logo.html", "search-button-field.html", "language-switch.html", "sbt-sidebar-nav.html"],
}
html_theme_options = {
    # repository_url, repository_branch and launch_buttons are set from _course.json
    "path_to_docs": "",
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": True,
    "use_source_button": False,
    "use_issues_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "navbar_persistent": [],            # search lives in the sidebar; no second bar on top
}
