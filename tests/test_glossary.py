"""One Korean term per concept: the glossary (course_utils/locale/glossary.tsv) against the notebooks.

- every concept's Korean term appears in the practice notebook of the lesson that introduces it,
  beside its English term;
- no notebook (practice, solution, exercise) uses a variant the glossary says to avoid;
- the README's glossary table lists the same terms.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "course_utils" / "locale" / "glossary.tsv"


def glossary() -> list[dict[str, str]]:
    lines = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def markdown_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb["cells"] if c["cell_type"] == "markdown")


def english_notebooks() -> list[Path]:
    return sorted(p for kind in ("notebooks", "solutions", "exercises") for p in (ROOT / kind).glob("*.ipynb"))


def test_glossary_is_well_formed():
    rows = glossary()
    assert len(rows) >= 25
    assert len({r["ko"] for r in rows}) == len(rows), "a Korean term is listed twice"
    assert len({r["en"] for r in rows}) == len(rows), "an English term is listed twice"
    lessons = {p.name[:5] for p in (ROOT / "notebooks").glob("02_*.ipynb")}
    assert lessons, "no practice notebooks found"
    for r in rows:
        assert r["lesson"] in lessons, r


@pytest.mark.parametrize("row", glossary(), ids=lambda r: r["en"])
def test_each_concept_is_named_in_korean_where_it_is_introduced(row):
    [practice] = (ROOT / "notebooks").glob(f"{row['lesson']}_*.ipynb")
    text = markdown_text(practice)
    assert row["ko"] in text, f"{practice.name} introduces {row['en']!r} without its Korean term {row['ko']!r}"


def test_no_notebook_uses_an_avoided_variant():
    found = []
    for path in english_notebooks():
        text = markdown_text(path)
        for row in glossary():
            for variant in filter(None, row["avoid"].split("|")):
                if variant in text:
                    found.append(f"{path.relative_to(ROOT)}: {variant!r} (write {row['ko']!r})")
    assert not found, "\n".join(found)


def test_readme_glossary_lists_the_same_terms():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [r["ko"] for r in glossary() if f"| {r['ko']} |" not in readme]
    assert not missing, f"README glossary lacks {missing}"
