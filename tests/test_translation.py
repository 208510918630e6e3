"""The Korean edition from one source (course_utils/tools/translate.py): PO catalogues per
notebook, stale translations marked fuzzy and shown as pending, the package's messages in Korean."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import polib
import pytest

from course_utils.i18n import _, current_language, set_language
from course_utils.tools import translate

ROOT = Path(__file__).resolve().parents[1]


def english(*texts, code="from course_utils.lesson import setup_notebook\nsetup_notebook(seed=0)"):
    cells = [nbformat.v4.new_markdown_cell(t) for t in texts] + [nbformat.v4.new_code_cell(code)]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"
    return nbformat.v4.new_notebook(cells=cells, metadata={"course": {"lesson": "02_99", "kind": "practice"}})


def translate_all(po, mapping):
    for entry in po:
        entry.msgstr = mapping[entry.msgid]
    return po


def test_a_new_notebook_gets_one_empty_entry_per_markdown_cell():
    po = translate.update_catalogue(english("# Title", "Some text"), None, kind="notebooks", stem="02_99_x")
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in po] == [("cell-00", "# Title", ""), ("cell-01", "Some text", "")]


def test_build_uses_the_korean_text_and_sets_the_language():
    nb = english("# Title", "Some text")
    po = translate_all(translate.update_catalogue(nb, None, kind="notebooks", stem="x"),
                       {"# Title": "# 제목", "Some text": "어떤 글"})
    ko, pending = translate.build_notebook(nb, po)
    assert pending == 0
    assert [c.source for c in ko.cells[:2]] == ["# 제목", "어떤 글"]
    assert 'setup_notebook(lang="ko", seed=0)' in ko.cells[2].source
    assert ko.metadata["course"]["lang"] == "ko"
    assert translate.build_notebook(ko, po)[0].cells[2].source.count("lang=") == 1   # idempotent


def test_a_changed_english_cell_turns_fuzzy_and_shows_pending():
    nb = english("# Title", "Some text")
    po = translate_all(translate.update_catalogue(nb, None, kind="notebooks", stem="x"),
                       {"# Title": "# 제목", "Some text": "어떤 글"})
    changed = english("# Title", "Some NEW text")
    po2 = translate.update_catalogue(changed, po, kind="notebooks", stem="x")
    entry = po2.find("Some NEW text", msgctxt="cell-01")
    assert entry.fuzzy and entry.msgstr == "어떤 글" and entry.previous_msgid == "Some text"
    ko, pending = translate.build_notebook(changed, po2)
    assert pending == 1 and ko.cells[1].source.startswith("어떤 글") and "번역 대기 중" in ko.cells[1].source
    # an untranslated cell shows the English with the same note
    po3 = translate.update_catalogue(english("# Title", "Some NEW text", "Brand new"), po2, kind="notebooks", stem="x")
    ko, pending = translate.build_notebook(english("# Title", "Some NEW text", "Brand new"), po3)
    assert pending == 2 and ko.cells[2].source.startswith("Brand new") and "translation pending" in ko.cells[2].source


def test_removed_cells_become_obsolete_and_po_round_trips(tmp_path):
    nb = english("# Title", "Gone soon")
    po = translate_all(translate.update_catalogue(nb, None, kind="notebooks", stem="x"),
                       {"# Title": "# 제목", "Gone soon": "곧 사라짐"})
    po2 = translate.update_catalogue(english("# Title"), po, kind="notebooks", stem="x")
    assert [e.msgid for e in po2 if e.obsolete] == ["Gone soon"]
    path = tmp_path / "x.po"
    translate._save(po2, path)
    assert str(polib.pofile(str(path), wrapwidth=0)) == str(po2)


def test_messages_speak_korean_when_asked(monkeypatch):
    try:
        set_language("ko")
        assert current_language() == "ko"
        assert _("correct!") != "correct!" or not translate.messages_path(ROOT).is_file()
    finally:
        set_language(None)
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert current_language() == "ko"
    monkeypatch.setenv("COURSE_LANG", "xx")
    assert current_language() == "en"
    with pytest.raises(ValueError, match="ko"):
        set_language("fr")


def test_the_package_messages_are_found():
    found = translate.package_messages(ROOT)
    assert "correct!" in found and "not yet — {message}" in found
    assert any("Task" not in m for m in found)


def test_messages_kept_in_constants_are_found_and_translated_where_shown():
    """``N_()`` marks a constant for the catalogue; the check translates it when it speaks."""
    import numpy as np

    from course_utils.checks import data, ex02_00
    from course_utils.checks.core import WrongAnswer

    found = translate.package_messages(ROOT)
    assert "NAND outputs 1 for every input except (1, 1)" in found and "house data" in found
    try:
        set_language("ko")
        result = ex02_00.exercise.tasks[0].evaluate({"nand_w": np.array([1.0, 1.0]), "nand_b": -1.5})
        assert result.status == "wrong" and "NAND는" in result.message and "outputs" not in result.message
        assert "과제 1 (NAND 가중치)" in result.text
        with pytest.raises(WrongAnswer) as err:
            data.check_labels("abc", pd.DataFrame({"a": [1.0, 2.0]}), "y_train", "X_train",
                              y_all=pd.Series([5.0, 6.0], name="price"))
        assert "집값" in str(err.value) and "price" not in str(err.value)
    finally:
        set_language(None)
    english = ex02_00.exercise.tasks[0].evaluate({"nand_w": np.array([1.0, 1.0]), "nand_b": -1.5})
    assert "NAND outputs 1 for every input except (1, 1)" in english.message


def test_korean_plot_text_renders_with_a_real_font():
    """Korean labels must never come out as empty boxes: every glyph is in the font matplotlib picks."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    from course_utils.lesson.korean_font import use_korean_font

    assert use_korean_font() == "NanumGothic"
    label = "손실 함수 (loss): 학습 데이터와 검증 데이터, 에포크 -1"
    fig, ax = plt.subplots()
    ax.plot([-3, -1, 2], [-0.5, 0.25, 1.5], label="검증 손실")
    ax.set_title(label)
    ax.set_xlabel("에포크")
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    assert not [w for w in caught if "missing from" in str(w.message)], [str(w.message) for w in caught]
    font = FT2Font(findfont(FontProperties(family=matplotlib.rcParams["font.family"])))
    missing = [ch for ch in label if not ch.isspace() and font.get_char_index(ord(ch)) == 0]
    assert not missing, f"{font.fname} has no glyph for {missing}"


def test_the_korean_font_comes_back_after_rcdefaults():
    """A second call selects the font again, after something reset matplotlib's settings."""
    import matplotlib

    from course_utils.lesson.korean_font import use_korean_font

    use_korean_font()
    matplotlib.rcdefaults()
    try:
        assert use_korean_font() == "NanumGothic"
    finally:
        matplotlib.rcdefaults()


def test_the_korean_edition_is_complete_and_up_to_date():
    """Fails while any English cell or message lacks a current Korean translation, or while a
    Korean notebook differs from what `course translate build` writes."""
    status = translate.check_all(ROOT)
    assert status.ok, "\n".join(status.untranslated[:10] + status.fuzzy[:10] + status.drifted[:10])
