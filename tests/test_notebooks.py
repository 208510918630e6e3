"""Every practice and solution notebook runs clean, and every number its prose states is printed.

Each notebook runs top to bottom in a fresh kernel with ``COURSE_STRICT=1`` (a check that does
not pass, or a key figure outside its band, fails it). Then every decimal number and every
percentage written in a markdown cell must be backed by the notebook itself: it appears, at the
precision the prose gives, in an output, or in the source of a code cell (a setting shown in
code), or in the notebook's short allow-list ``metadata.course.allow_numbers`` (numbers from the
slides or other sources, each with its reason). Integers are not checked (lesson numbers, layer
sizes and counts of things are everywhere). Numbers inside inline code, formulas and links are
not claims and are skipped.

The executed copies are kept in ``build/test-executed/`` for a look after a failure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course_utils.tools.executor import execute_notebook
from course_utils.tools.notebook_io import read_notebook

ROOT = Path(__file__).resolve().parents[1]
# Both editions: the English notebooks and the Korean ones (notebooks/ko, solutions/ko).
NOTEBOOKS = sorted(p for kind in ("notebooks", "solutions") for pattern in ("*.ipynb", "ko/*.ipynb")
                   for p in (ROOT / kind).glob(pattern))
ENV = {"COURSE_STRICT": "1", "COURSE_PROGRESS": "plain", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
       "TF_CPP_MIN_LOG_LEVEL": "3"}

_SKIP = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$\n]*\$|\]\([^)]*\)|https?://\S+|<[^>]+>", re.S)
# ASCII word characters only: a Korean particle right after a number ("0.5를") still ends it
_CLAIM = re.compile(r"(?<![0-9A-Za-z_.])([+\-−]?\d+(?:\.\d+)?(?:[eE][+\-−]?\d+)?)(\s?%)?(?![0-9A-Za-z_])")
_NUMBER = re.compile(r"[+\-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+\-]?\d+)?")


def prose_claims(markdown: str) -> list[tuple[str, float, int, bool]]:
    """(text, value, decimals, is_percent) for each decimal or percentage in ``markdown``."""
    claims = []
    for match in _CLAIM.finditer(_SKIP.sub(" ", markdown)):
        text, percent = match.group(1).replace("−", "-"), bool(match.group(2))
        mantissa = re.split(r"[eE]", text)[0]
        if "." not in mantissa and not percent and not re.search(r"[eE]", text):
            continue                                   # an integer: not checked
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        claims.append((match.group(0).strip(), float(text), decimals, percent))
    return claims


def backing_numbers(nb) -> list[float]:
    """Every number printed in the outputs or written in the code cells of ``nb``."""
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts.append(cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            for value in (out.get("data") or {}).values():
                texts.append(value if isinstance(value, str) else json.dumps(value))
            texts.append(out.get("evalue", ""))
    numbers = []
    for text in texts:
        for token in _NUMBER.findall(text):
            try:
                numbers.append(float(token))
            except ValueError:
                pass
    return numbers


def unbacked(nb, allow: dict | list | None = None) -> list[str]:
    """The prose numbers of ``nb`` that nothing in the notebook backs (see the module docstring)."""
    allowed = {str(a) for a in (allow or [])}
    numbers = backing_numbers(nb)
    missing = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "markdown":
            continue
        for text, value, decimals, percent in prose_claims(cell.source):
            if text in allowed or text.lstrip("+") in allowed:
                continue
            # "0.14" is backed by a number that rounds to 0.14; "25 %" by 25 (or 25.0) or by 0.25
            targets = [(value, decimals)] + ([(value / 100, decimals + 2)] if percent else [])
            if not any(abs(n - target) <= 0.5 * 10 ** -d + 1e-12 for n in numbers for target, d in targets):
                missing.append(f"cell {index}: {text!r}")
    return missing


def test_claims_parser():
    md = "Loss 0.693 (ln 2), accuracy 75 %, lr `0.5`, $0.25$, [link](http://x/1.5), 43 weights, −0.10."
    assert [c[0] for c in prose_claims(md)] == ["0.693", "75 %", "−0.10"]
    assert [c[0] for c in prose_claims("학습률 0.00004를 쓰고 정확도 8 %를 얻었습니다 (v1.5a 아님)")] == ["0.00004", "8 %"]


def test_unbacked_finds_a_claim_no_output_prints():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("The error is 0.14 and the accuracy 25 %; the loss is 0.69."),
        nbformat.v4.new_code_cell("print(0.131)"),
    ])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.131 0.25\nloss 0.6931\n")]
    assert unbacked(nb) == ["cell 1: '0.14'"]
    assert unbacked(nb, allow=["0.14"]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).with_suffix("").as_posix())
def test_notebook_runs_and_its_prose_numbers_are_printed(path):
    assert NOTEBOOKS, "no notebooks found"
    result = execute_notebook(path, cwd=path.parent, cell_timeout=300, env=ENV, allow_errors=False)
    out = ROOT / "build" / "test-executed" / path.relative_to(ROOT)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.nb, ensure_ascii=False, indent=1), encoding="utf-8")
    assert result.ok, "; ".join(e.last_line for e in result.errors) or "timed out or kernel died"
    allow = (read_notebook(path).metadata.get("course") or {}).get("allow_numbers")
    missing = unbacked(result.nb, allow)
    assert not missing, f"{path.name}: prose numbers that no output prints: {missing}"


def test_every_notebook_folder_has_notebooks():
    for kind in ("notebooks", "solutions", "exercises"):
        assert list((ROOT / kind).glob("02_*.ipynb")), f"{kind}/ has no notebooks"
