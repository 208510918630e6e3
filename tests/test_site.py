"""The course site (course_utils/tools/site): built by `course run`, checked in headless Chromium.

A tiny course (tests/tiny_course.py) is executed and built once for this module; the
browser tests then open its pages with the system Chromium (CI installs it: .ci/run),
record every request, and check what a reader sees. One test builds the site of the real
course from its committed notebooks (no execution) to check titles, order and formulas.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from course_utils.errors import SiteError
from course_utils.tools import course_runner
from course_utils.tools.site import browser, builder, extension, links, outputs

from tiny_course import BROKEN_TITLE, KO_TITLE, LESSON_TITLE, REPOSITORY, SOLUTION_TITLE, make_tiny_course

REPO = Path(__file__).resolve().parent.parent
needs_chromium = pytest.mark.skipif(
    browser.find_chromium() is None and not os.environ.get("CI"),
    reason="Chromium is not installed (CI installs it: apt-get install chromium)")


# ----------------------------------------------------------------------------- unit tests

def test_repository_comes_from_pyproject_else_the_installed_metadata(tmp_path):
    from course_utils.tools.launch import read_config

    ours = read_config(Path(__file__).resolve().parents[1]).repository
    assert links.repository(tmp_path) == links.Repository(ours)                       # no pyproject.toml
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert links.repository(tmp_path).url == ours                                     # no [project.urls]
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.urls]\nHomepage = "https://x.org"\nRepository = "https://github.com/o/r.git/"\n')
    repo = links.repository(tmp_path)
    assert repo.url == "https://github.com/o/r" and repo.from_pyproject and repo.owner_repo == ("o", "r")
    assert links.colab_url(repo, "exercises/02_00_x.ipynb") == \
        "https://colab.research.google.com/github/o/r/blob/main/exercises/02_00_x.ipynb"
    assert links.binder_url(repo, "notebooks/02_00_x.ipynb") == \
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab%2Ftree%2Fnotebooks%2F02_00_x.ipynb"
    (tmp_path / "pyproject.toml").write_text('[project.urls]\nRepository = "https://gitlab.com/o/r"\n')
    with pytest.raises(SiteError, match="not a GitHub address.*pyproject.toml"):
        links.repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project\n')
    with pytest.raises(SiteError, match="not valid TOML"):
        links.repository(tmp_path)


@pytest.mark.parametrize("payload, text, classes", [
    ({"exercise": "02_00", "task": 1, "title": "NAND weights", "status": "passed", "message": "correct!"},
     "✅ Task 1 (NAND weights): correct!", ["course-check", "passed"]),
    ({"exercise": "02_00", "task": 2, "title": "", "status": "wrong", "message": "w2 has the wrong sign."},
     "❌ Task 2: not yet — w2 has the wrong sign.", ["course-check", "wrong"]),
    ('{"task": 3, "title": "XOR", "status": "not_attempted", "message": "define xor"}',
     "✏️ Task 3 (XOR): not attempted yet — define xor", ["course-check", "not_attempted"]),
    ({"task": 4, "status": "exploded", "message": "?"}, "Task 4: ?", ["course-check", "unknown"]),
    ("not json", "a check result that could not be read", ["course-check", "unreadable"]),
])
def test_check_lines(payload, text, classes):
    assert outputs.check_line(payload) == (text, classes)


@pytest.mark.parametrize("payload, text, classes", [
    ({"key": "02_01.xor_accuracy", "label": "XOR accuracy", "value": 1.0, "ok": True, "expected": "1.0",
      "text": "XOR accuracy = 1.0000"}, "XOR accuracy = 1.0000", ["course-figure", "ok"]),
    ({"key": "02_03.test_mae", "label": "test mae", "value": 0.123456, "ok": False, "expected": "[0, 0.1]"},
     "test mae = 0.1235", ["course-figure", "off"]),                    # older payload: no text
    ({"key": "02_00.table", "value": list(range(10))}, "table = [0, 1, 2, 3, 4, 5, 6, 7, …]", ["course-figure", "ok"]),
    ([1, 2], "a key figure that could not be read", ["course-figure", "unreadable"]),
])
def test_figure_lines_never_show_the_band(payload, text, classes):
    assert outputs.figure_line(payload) == (text, classes)
    assert "[0, 0.1]" not in outputs.figure_line(payload)[0]


def test_notebook_title_is_the_first_level_one_heading():
    md = lambda text: {"cell_type": "markdown", "source": text}   # noqa: E731
    nb = {"cells": [{"cell_type": "code", "source": "# not a title"},
                    md("Intro\n```\n# in a fence\n```\n## Second level"),
                    md(["# 02_07 · Split, normalize and drop `B` <br> (정규화)\n", "text"])]}
    assert builder.notebook_title(nb, "fallback") == "02_07 · Split, normalize and drop B (정규화)"
    assert builder.notebook_title({"cells": [md("no heading")]}, "02_00_x") == "02_00_x"


def test_markdown_escape_keeps_text_literal():
    assert builder.md_escape("a_b *c* [d](e) $x$ | `f`") == r"a\_b \*c\* \[d\]\(e\) \$x\$ \| \`f\`"


def test_streams_merge_and_carriage_returns_keep_the_final_state():
    stream = lambda text, name="stdout": {"output_type": "stream", "name": name, "text": text}   # noqa: E731
    outputs = [stream("\rbar   0%"), stream("\rbar  50%"), stream("\rbar 100%"), stream("\n"), stream("warn\n", "stderr"),
               stream(["done\r\n", "next\n"]), {"output_type": "display_data", "data": {}}, stream("after\n")]
    assert builder.merge_streams(outputs) == [
        stream("bar 100%\n"), stream("warn\n", "stderr"), stream("done\nnext\n"),
        {"output_type": "display_data", "data": {}}, stream("after\n")]
    assert outputs[0]["text"] == "\rbar   0%"                 # the executed copy is not changed


def test_language_links_pair_the_editions():
    editions = [{"code": "en", "label": "English", "folder": "", "pages": ["index", "notebooks/02_00_x", "solutions/02_00_x"]},
                {"code": "ko", "label": "한국어", "folder": "ko", "pages": ["index", "notebooks/ko/02_00_x"]}]
    assert extension.canonical_page("notebooks/ko/02_00_x", "ko") == "notebooks/02_00_x"
    assert extension.edition_page("notebooks/02_00_x", "ko") == "notebooks/ko/02_00_x"
    en = extension.language_links("notebooks/02_00_x", "en", editions)
    assert [(l["code"], l["href"], l["current"]) for l in en] == [
        ("en", "../notebooks/02_00_x.html", True), ("ko", "../ko/notebooks/ko/02_00_x.html", False)]
    ko = extension.language_links("notebooks/ko/02_00_x", "ko", editions)
    assert [l["href"] for l in ko] == ["../../../notebooks/02_00_x.html", "../../../ko/notebooks/ko/02_00_x.html"]
    # no Korean solution yet: its switch goes to the Korean overview
    assert extension.language_links("solutions/02_00_x", "en", editions)[1]["href"] == "../ko/index.html"
    assert extension.language_links("index", "ko", editions)[0]["href"] == "../index.html"
    assert extension.language_links("index", "en", editions[:1]) == []       # one edition: no switch


def test_missing_site_packages_are_named_with_the_fix(monkeypatch):
    monkeypatch.setattr(builder, "SITE_PACKAGES", ("sphinx", "no_such_package_for_the_site"))
    with pytest.raises(SiteError, match=r"no_such_package_for_the_site.*pip install -e \"\.\[site\]\""):
        builder.check_site_packages()


# ------------------------------------------------------------------- the tiny course's site

@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory):
    root = make_tiny_course(tmp_path_factory.mktemp("tiny") / "course")
    build = root / "build"
    old = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    try:
        runs, result = course_runner.run_course(root=root, build=build, workers=2)
    finally:
        if old is None:
            os.environ.pop("COURSE_ROOT", None)
        else:
            os.environ["COURSE_ROOT"] = old
    return root, runs, result


def _html(result, page: str) -> str:
    return (result.site / page).read_text(encoding="utf-8")


def test_site_files_and_no_warnings(tiny_site):
    root, runs, result = tiny_site
    assert result.site == root / "build" / "site" and result.index.is_file()
    assert result.warnings == []                       # no "unknown mime type", no broken reference
    assert result.editions == ["en", "ko"]
    for page in ("notebooks/02_00_tiny.html", "solutions/02_00_tiny.html", "solutions/02_01_broken.html",
                 "search.html", "ko/index.html", "ko/notebooks/ko/02_00_tiny.html"):
        assert (result.site / page).is_file(), page
    assert (result.site / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()
    assert (result.site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    assert not list(result.site.rglob("*.map")) and not (root / "build" / ".site-new").exists()
    assert (root / "build" / "site-src" / "en" / "index.md").is_file()


def test_pages_load_nothing_from_the_internet(tiny_site):
    _, _, result = tiny_site
    for page in result.site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", text):
            assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", tag), f"{page.name}: {tag}"


def test_launch_and_download_buttons_use_the_repository_in_pyproject(tiny_site):
    _, _, result = tiny_site
    text = _html(result, "notebooks/02_00_tiny.html")
    assert "https://colab.research.google.com/github/example-org/tiny-course/blob/main/notebooks/02_00_tiny.ipynb" in text
    assert "https://mybinder.org/v2/gh/example-org/tiny-course/main?urlpath=lab/tree/notebooks/02_00_tiny.ipynb" in text
    assert 'href="../_sources/notebooks/02_00_tiny.ipynb"' in text
    assert (result.site / "_sources" / "notebooks" / "02_00_tiny.ipynb").is_file()
    ko = _html(result, "ko/notebooks/ko/02_00_tiny.html")
    assert "blob/main/notebooks/ko/02_00_tiny.ipynb" in ko
    assert f'href="{REPOSITORY}"' in _html(result, "index.html")          # the repository button


def test_course_outputs_render_as_their_lines(tiny_site):
    _, _, result = tiny_site
    solution = _html(result, "solutions/02_00_tiny.html")
    assert re.search(r'class="[^"]*course-check passed[^"]*">\s*<p>✅ Task 1 \(NAND weights\): correct!</p>', solution)
    assert "✏️ Task 2 (XOR table): not attempted yet — define xor_table" in solution
    plain_outputs = re.findall(r'<div class="output text_plain.*?</pre>', solution, re.S)
    assert not any("check 1" in o for o in plain_outputs)     # the text/plain copy is not shown too
    assert "<b>an html copy</b>" not in solution              # nor a text/html one: the JSON decides
    lesson = _html(result, "notebooks/02_00_tiny.html")
    assert re.search(r'class="[^"]*course-figure ok[^"]*">\s*<p>the answer = 42</p>', lesson)
    assert "expected" not in lesson.split('class="bd-article"')[1]     # the band stays out of sight
    assert re.search(r'<img[^>]+src="../_images/[^"]+\.png"', lesson)    # the plot
    assert "tiny net: 100%" in lesson and "tiny net:  50%" not in lesson   # the bar's final state only


def test_overview_has_the_key_figure_table_and_check_results(tiny_site):
    _, _, result = tiny_site
    text = _html(result, "index.html")
    assert "Tiny course 작은 강좌" in text and "4 notebooks ran" not in text and "3 notebooks ran: 2 passed, 1 failed" in text
    table = text[text.index("course-overview"):]
    assert "the answer = 42" in table and "✅ Task 1 (NAND weights): correct!" in table
    assert "failed at cell 3" in table and "broken on purpose" in table
    assert re.search(r'href="_downloads/[0-9a-f]+/02_00_tiny.ipynb"', text)          # the exercise
    assert "https://colab.research.google.com/github/example-org/tiny-course/blob/main/exercises/02_00_tiny.ipynb" in text


def test_a_failed_notebook_still_gets_its_page_marked_failed(tiny_site):
    _, _, result = tiny_site
    text = _html(result, "solutions/02_01_broken.html")
    assert "This notebook failed when the course ran" in text and "first error is at cell 3" in text
    assert 'class="error course-failed admonition"' in text
    assert "tag_course-failed-cell" in text and "broken on purpose" in text
    assert f"{BROKEN_TITLE} ✗" in _html(result, "index.html")          # marked in the sidebar too


def test_course_site_rebuilds_from_the_last_run(tiny_site, monkeypatch, capsys):
    root, _, result = tiny_site
    monkeypatch.setenv("COURSE_ROOT", str(root))
    before = _html(result, "index.html")
    assert course_runner.site_main() == 1                 # the broken notebook still counts as failed
    out = capsys.readouterr().out
    assert "Site: " in out and "FAILED solutions/02_01_broken.ipynb at cell 3" in out
    assert _html(result, "index.html") == before


# --------------------------------------------------------------------------- in Chromium

def _sidebar(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal", "els => els.map(e => [e.textContent.trim(), e.href])")


@needs_chromium
def test_in_chromium_overview_links_search_and_no_request_leaves(tiny_site):
    _, _, result = tiny_site
    with browser.SiteServer(result.site) as server, browser.browser_context() as context:
        log = browser.RequestLog(context)
        page = context.new_page()
        page.goto(server.url)
        assert page.locator("h1").first.inner_text().startswith("Tiny course")
        rows = page.locator("table.course-overview tbody tr")
        assert rows.count() == 3
        assert "the answer = 42" in rows.nth(0).inner_text()
        # the sidebar: overview, then the lessons and the solutions in course order, by title
        sidebar = _sidebar(page)
        assert [t for t, _ in sidebar] == ["Tiny course 작은 강좌", LESSON_TITLE, SOLUTION_TITLE, f"{BROKEN_TITLE} ✗"]
        # every lesson link works: the page answers and is titled by its lesson
        links = {href for _, href in sidebar[1:]}
        links |= set(page.eval_on_selector_all("table.course-overview a.reference.internal", "els => els.map(e => e.href)"))
        assert len(links) == 3
        titles = []
        for href in sorted(links):
            response = page.goto(href)
            assert response.ok, href
            heading = page.locator("h1").first.inner_text().rstrip("#").strip()
            assert page.title().startswith(heading)                  # the browser tab names the lesson too
            titles.append(heading)
        assert sorted(titles) == sorted([LESSON_TITLE, SOLUTION_TITLE, BROKEN_TITLE])
        # previous/next links walk the course in order
        page.goto(server.url)
        walked = []
        while page.locator("a.right-next").count():
            before = page.url
            page.locator("a.right-next").first.click()
            page.wait_for_url(lambda url: url != before)
            page.wait_for_load_state()
            walked.append(page.locator("h1").first.inner_text().rstrip("#").strip())
        assert walked == [LESSON_TITLE, SOLUTION_TITLE, BROKEN_TITLE]
        assert page.locator("a.left-prev").count() == 1
        # search finds "XOR", typed into the search dialog as a reader would
        page.goto(server.url)
        page.keyboard.press("Control+k")
        page.keyboard.type("XOR")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q=XOR"))
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        # each hit fetches its page for the snippet; let those fetches end before leaving the page,
        # or the browser aborts them and they count as failed requests
        page.wait_for_function("[...document.querySelectorAll('#search-results ul.search li')]"
                               ".every(li => li.querySelector('p.context, span'))", timeout=20_000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
        assert any(h.endswith("notebooks/02_00_tiny.html") or "notebooks/02_00_tiny.html?" in h for h in hits), hits
        # check results and key figures keep their colours
        page.goto(server.url + "solutions/02_00_tiny.html")
        colour = page.eval_on_selector("div.course-check.passed p", "e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(218, 251, 225)"
        # the language switch goes to the Korean page and back
        page.goto(server.url + "notebooks/02_00_tiny.html")
        page.locator("nav.course-language-switch a[hreflang=ko]").click()
        page.wait_for_url(re.compile(r"/ko/notebooks/ko/02_00_tiny\.html$"))
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().rstrip("#").strip() == KO_TITLE
        page.locator("nav.course-language-switch a[hreflang=en]").click()
        page.wait_for_url(re.compile(r"/notebooks/02_00_tiny\.html$"))
        page.wait_for_load_state()
        assert "/ko/" not in page.url
        # the download button serves the executed notebook
        href = page.eval_on_selector("a[href$='_sources/notebooks/02_00_tiny.ipynb']", "e => e.href")
        assert page.request.get(href).ok
    assert log.urls and log.leaving() == [], log.leaving()
    assert log.failed == [], log.failed


@needs_chromium
def test_in_chromium_formulas_are_typeset_offline(tiny_site):
    """file:// pages, the network cut: MathJax comes from _static/mathjax and typesets both formulas."""
    _, _, result = tiny_site
    with browser.browser_context(offline=True) as context:
        log = browser.RequestLog(context)
        page = context.new_page()
        page.goto((result.site / "notebooks" / "02_00_tiny.html").as_uri())
        page.wait_for_function("document.querySelectorAll('mjx-container').length >= 2", timeout=30_000)
        assert page.locator("mjx-container[display=true]").count() == 1
        body = page.locator("article").inner_text()
        assert "\\Sigma" not in body and "$$" not in body
        assert page.evaluate("typeof MathJax === 'object' && !!MathJax.version && MathJax.version.startsWith('3')")
    mathjax = [u for u in log.urls if "/_static/mathjax/" in u]
    assert mathjax and all(u.startswith("file://") for u in mathjax)
    assert log.leaving() == [] and log.failed == [], (log.leaving(), log.failed)


# ------------------------------------------------------------------ the real course's site

def test_real_course_site_from_the_committed_notebooks(tmp_path):
    """The real notebooks (not executed here: nbval runs them) give a clean site in course order."""
    pages = [builder.SitePage(kind=kind, name=path.stem, executed=path)
             for kind in ("notebooks", "solutions") for path in sorted((REPO / kind).glob("02_*.ipynb"))]
    assert len(pages) == 20
    result = builder.build_site(pages, root=REPO, build=tmp_path, jobs=2)
    assert result.warnings == []
    index = (result.site / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<li class="toctree-l1"><a class="reference internal" href="(?:notebooks|solutions)/[^"]+">([^<]+)</a>', index)
    assert titles == [p.title for p in pages]
    assert titles[0].startswith("02_00 · ") and titles[9].startswith("02_09 · ") and titles[10].startswith("02_00 · ")
    if browser.find_chromium() is None and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed")
    page_with_math = next(p for p in sorted((result.site / "notebooks").glob("*.html"))
                          if "tex-mml-chtml.js" in p.read_text(encoding="utf-8"))
    with browser.browser_context(offline=True) as context:
        log = browser.RequestLog(context)
        page = context.new_page()
        page.goto(page_with_math.as_uri())
        page.wait_for_selector("mjx-container", timeout=30_000)
    assert log.leaving() == [] and log.failed == []
