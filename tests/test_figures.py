"""Tests for course_utils.lesson.key_figures: report_figure and load_figures (all lessons)."""

import json

import IPython
import IPython.display
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils.errors import FigureOutOfBand, NotebookError
from course_utils.errors import FigureArgumentError
from course_utils.lesson.key_figures import MIMETYPE, report_figure, strict_mode
from course_utils.tools.course_runner import load_figures


@pytest.fixture
def lax(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "0")


@pytest.fixture
def strict(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "1")


@pytest.fixture
def rich(monkeypatch):
    """Pretend to run inside IPython; collect what would be displayed."""
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    return shown


def line(capsys):
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1, out
    return out[:-1]


# --- text display ---------------------------------------------------------------------------

def test_example_line_and_return_value(lax, capsys):
    value = 1.0
    out = report_figure("02_01.xor_accuracy", value, expect=1.0, label="XOR accuracy", fmt="{:.4f}")
    assert out is value
    assert line(capsys) == "XOR accuracy = 1.0000"          # the value only: the band stays hidden


@pytest.mark.parametrize(
    "value, kwargs, text",
    [
        (0.123456789, {}, "0.1235"),                          # default {:.4g}
        (np.float32(2.5), {}, "2.5"),
        (12345.678, {"fmt": "{:.1f}"}, "12345.7"),
        (43, {}, "43"),                                       # ints plainly
        (np.int64(43), {}, "43"),
        (True, {}, "True"),
        (np.bool_(False), {}, "False"),
        ([0, 0, 0, 1], {}, "[0, 0, 0, 1]"),                   # lists plainly
        ([0.5, 0.25], {}, "[0.5, 0.25]"),
        (np.array([0.123456, 2.0]), {}, "[0.1235, 2]"),       # float arrays rounded with fmt
        (np.array([[1, 2], [3, 4]]), {}, "[[1, 2],\n [3, 4]]"),
        ("relu", {}, "relu"),
        (float("nan"), {}, "nan"),
    ],
)
def test_value_formatting_without_check(value, kwargs, text, lax, capsys):
    report_figure("02_02.some_value", value, **kwargs)
    out = capsys.readouterr().out
    assert out == f"some value = {text}\n"


@pytest.mark.parametrize("kwargs", [{"low": 0, "high": 10}, {"low": 1.5}, {"high": 5}, {"expect": 4.25, "tol": 0.01}, {}])
def test_default_label_is_the_key_name_and_the_band_is_never_shown(kwargs, lax, capsys):
    report_figure("02_03.test_mae", 4.25, **kwargs)
    assert line(capsys) == "test mae = 4.25"


# --- checks -----------------------------------------------------------------------------------

def test_out_of_band_non_strict_prints_warning(lax, capsys):
    out = report_figure("02_01.xor_accuracy", 0.5, expect=1.0, label="XOR accuracy")
    assert out == 0.5
    text = line(capsys)
    assert text.startswith("⚠ XOR accuracy = 0.5: not the result this lesson gets. Re-run the notebook")
    assert "expected" not in text and "1.0" not in text and "✓" not in text
    report_figure("02_03.test_mae", 12.0, low=0, high=10)
    text = line(capsys)
    assert text.startswith("⚠ test mae = 12: ") and "[0, 10]" not in text and "10" not in text


def test_out_of_band_strict_raises_naming_key_value_band(strict, capsys):
    with pytest.raises(FigureOutOfBand) as info:
        report_figure("02_03.test_mae", 12.5, low=0, high=10)
    message = str(info.value)
    assert "02_03.test_mae" in message and "12.5" in message and "[0, 10]" in message
    with pytest.raises(FigureOutOfBand, match=r"02_01\.xor_accuracy = 0\.75.*expected 1\.0"):
        report_figure("02_01.xor_accuracy", 0.75, expect=1.0)
    # in band: no error, in strict mode too
    assert report_figure("02_03.test_mae", 10.0, low=0, high=10) == 10.0


@pytest.mark.parametrize("env, expected", [("1", True), ("true", True), ("0", False), ("", False)])
def test_strict_mode_env(monkeypatch, env, expected):
    monkeypatch.setenv("COURSE_STRICT", env)
    assert strict_mode() is expected


def test_strict_mode_unset(monkeypatch):
    monkeypatch.delenv("COURSE_STRICT", raising=False)
    assert strict_mode() is False
    report_figure("02_03.loss", 99.0, high=1.0)          # warns, does not raise


def test_band_is_inclusive_and_one_sided(strict):
    report_figure("02_03.loss", 0.0, low=0.0, high=1.0)
    report_figure("02_03.loss", 1.0, low=0.0, high=1.0)
    report_figure("02_03.loss", 1e9, low=0.0)
    report_figure("02_03.loss", -1e9, high=0.0)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", -1e-12, low=0.0, high=1.0)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", 1.0 + 1e-12, low=0.0, high=1.0)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", 0.5, low=0.6)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", 0.5, high=0.4)


def test_band_on_arrays_needs_every_element_inside(strict):
    report_figure("02_08.probabilities", np.array([0.0, 0.3, 1.0]), low=0, high=1)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_08.probabilities", np.array([0.0, 1.3]), low=0, high=1)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_08.probabilities", [0.2, float("nan")], low=0, high=1)


def test_nan_always_fails(strict):
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", float("nan"), low=0)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", np.float32("nan"), low=-np.inf, high=np.inf)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.loss", float("nan"), expect=1.0, tol=1e9)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.table", [0.0, np.nan], expect=[0, 0], tol=1.0)


def test_expect_numbers_with_tolerance(strict):
    report_figure("02_01.acc", 1.0 + 5e-7, expect=1.0)         # default tol 1e-6
    with pytest.raises(FigureOutOfBand):
        report_figure("02_01.acc", 1.0 + 2e-6, expect=1.0)
    report_figure("02_01.acc", 1.0005, expect=1.0, tol=1e-3)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_01.acc", 1.002, expect=1.0, tol=1e-3)
    report_figure("02_01.params", 43, expect=43)
    report_figure("02_01.params", np.int64(43), expect=43)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_01.params", 42, expect=43)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_01.params", "43", expect=43)          # text is not the number
    with pytest.raises(FigureOutOfBand):
        report_figure("02_01.params", None, expect=43)


def test_expect_exact_lists_and_arrays(strict):
    report_figure("02_00.and_table", [0, 0, 0, 1], expect=[0, 0, 0, 1])
    report_figure("02_00.and_table", np.array([0, 0, 0, 1]), expect=[0, 0, 0, 1])
    report_figure("02_00.and_table", np.array([False, False, False, True]), expect=[0, 0, 0, 1])
    report_figure("02_01.predictions", np.array([0.0, 1.0 - 1e-8]), expect=[0.0, 1.0])
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.and_table", [0, 0, 1, 1], expect=[0, 0, 0, 1])
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.and_table", [0, 0, 0], expect=[0, 0, 0, 1])          # wrong length
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.and_table", [[0, 0], [0, 1]], expect=[0, 0, 0, 1])   # wrong shape
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.and_table", ["0", "0", "0", "1"], expect=[0, 0, 0, 1])
    report_figure("02_01.predictions", [0.1, 0.9], expect=[0.0, 1.0], tol=0.1 + 1e-12)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_01.predictions", [0.1, 0.8], expect=[0.0, 1.0], tol=0.1 + 1e-12)
    report_figure("02_02.names", ["relu", "elu"], expect=("relu", "elu"))
    with pytest.raises(FigureOutOfBand):
        report_figure("02_02.names", ["relu", "tanh"], expect=["relu", "elu"])


def test_expect_bools_and_strings(strict):
    report_figure("02_00.xor_separable", False, expect=False)
    report_figure("02_00.xor_separable", np.bool_(False), expect=False)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.xor_separable", True, expect=False)
    with pytest.raises(FigureOutOfBand):
        report_figure("02_00.xor_separable", 0, expect=False)
    report_figure("02_02.best", "relu", expect="relu")
    with pytest.raises(FigureOutOfBand):
        report_figure("02_02.best", "tanh", expect="relu")


# --- argument validation --------------------------------------------------------------------

@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("02_01.acc", 1.0), {"expect": 1.0, "low": 0.9}, "either expect"),
        (("02_01.acc", 1.0), {"expect": 1.0, "high": 1.0}, "either expect"),
        (("02_01.acc", "high"), {"low": 0.9}, r"band.*needs a number.*str 'high'"),
        (("02_01.acc", None), {"low": 0.9}, "needs a number"),
        (("02_01.acc", True), {"low": 0.5}, "needs a number"),
        (("02_01.acc", [0.1, "x"]), {"low": 0.0}, "needs a number"),
        (("02_01.acc", np.array([])), {"low": 0.0}, "empty"),
        (("02_01.acc", 1.0), {"low": 2.0, "high": 1.0}, r"low \(2\.0\) is larger than high \(1\.0\)"),
        (("02_01.acc", 1.0), {"low": "0.5"}, "low must be a number"),
        (("02_01.acc", 1.0), {"high": float("nan")}, "high must be a number"),
        (("02_01.acc", 1.0), {"low": 0.5, "tol": 0.1}, "tol= only applies to expect"),
        (("02_01.acc", 1.0), {"expect": 1.0, "tol": -1}, "tol must be a number >= 0"),
        (("02_01.acc", 1.0), {"expect": float("nan")}, "NaN can never match"),
        (("02_01.acc", 1.0), {"expect": {"a": 1}}, "expect must be"),
        (("XOR accuracy", 1.0), {}, "key must look like '02_NN.snake_name'"),
        (("02_01.XorAccuracy", 1.0), {}, "key must look like"),
        (("2_1.acc", 1.0), {}, "key must look like"),
        ((None, 1.0), {}, "key must look like"),
        (("02_01.acc", 1.0), {"fmt": "{:.2q}"}, "fmt must be a format string"),
        (("02_01.acc", 1.0), {"fmt": 4}, "fmt must be a format string"),
        (("02_01.acc", 1.0), {"label": 3}, "label must be text"),
    ],
)
def test_bad_arguments_are_clear_errors(args, kwargs, match, strict, capsys):
    with pytest.raises(FigureArgumentError, match=match):
        report_figure(*args, **kwargs)
    assert capsys.readouterr().out == ""                  # nothing shown for a broken call


# --- rich display and payload -----------------------------------------------------------------

def test_rich_display_inside_ipython(rich, lax, capsys):
    report_figure("02_01.xor_accuracy", np.float64(1.0), expect=1.0, label="XOR accuracy", fmt="{:.4f}")
    assert capsys.readouterr().out == ""                  # displayed, not printed
    (args, kwargs), = rich
    assert kwargs == {"raw": True}
    (bundle,) = args
    assert set(bundle) == {"text/plain", MIMETYPE}
    assert bundle["text/plain"] == "XOR accuracy = 1.0000"
    assert bundle[MIMETYPE] == {      # the band travels in the payload, for the tools only
        "key": "02_01.xor_accuracy", "label": "XOR accuracy", "value": 1.0, "ok": True, "expected": "1.0",
        "text": "XOR accuracy = 1.0000",
    }


def test_rich_payload_out_of_band_then_strict_raise(rich, strict):
    with pytest.raises(FigureOutOfBand):
        report_figure("02_03.test_mae", np.float32(12.5), low=0, high=10)
    payload = rich[0][0][0][MIMETYPE]
    assert payload["ok"] is False and payload["value"] == 12.5 and payload["expected"] == "[0, 10]"
    assert rich[0][0][0]["text/plain"] == payload["text"]
    assert payload["text"].startswith("⚠ test mae = 12.5: ") and "[0, 10]" not in payload["text"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (np.float32(0.5), 0.5),
        (np.int64(7), 7),
        (np.bool_(True), True),
        (np.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]]),
        (np.array([0.5, np.nan, np.inf, -np.inf]), [0.5, "nan", "inf", "-inf"]),
        ([np.float64(0.25), np.int32(3)], [0.25, 3]),
        ((1, 2), [1, 2]),
        (float("nan"), "nan"),
        ("relu", "relu"),
        (None, None),
    ],
)
def test_payload_value_is_json_safe(value, expected, rich, lax):
    report_figure("02_02.value", value)
    payload = rich[-1][0][0][MIMETYPE]
    assert payload["value"] == expected
    assert type(payload["value"]) is type(expected)
    assert payload["ok"] is True and payload["expected"] is None
    json.dumps(payload, allow_nan=False)                   # strict JSON, no NaN literals


# --- load_figures -----------------------------------------------------------------------------

def figure_output(payload, kind="display_data", as_text=False):
    data = {"text/plain": "…", MIMETYPE: json.dumps(payload) if as_text else payload}
    if kind == "execute_result":
        return new_output("execute_result", data=data, execution_count=1)
    return new_output("display_data", data=data)


def test_load_figures_from_hand_built_notebook(tmp_path):
    p1 = {"key": "02_01.a", "label": "a", "value": 1, "ok": True, "expected": "1"}
    p2 = {"key": "02_01.b", "label": "b", "value": [0.5, "nan"], "ok": False, "expected": "[0, 1]"}
    p3 = {"key": "02_01.c", "label": "c", "value": "relu", "ok": True, "expected": None}
    nb = new_notebook(cells=[
        new_markdown_cell("# title"),
        new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="hello\n")]),
        new_code_cell("report(...)", outputs=[
            figure_output(p1),
            new_output("display_data", data={"text/plain": "other", "image/png": "AAAA"}),
            figure_output(p2, kind="execute_result"),
        ]),
        new_code_cell("no outputs"),
        new_code_cell("report(...)", outputs=[figure_output(p3, as_text=True)]),
    ])
    assert load_figures(nb) == [p1, p2, p3]
    assert all(type(f) is dict for f in load_figures(nb))
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    assert load_figures(path) == [p1, p2, p3]
    assert load_figures(str(path)) == [p1, p2, p3]
    assert load_figures(new_notebook(cells=[new_code_cell("1")])) == []


def test_load_figures_errors(tmp_path):
    with pytest.raises(NotebookError, match="expected a notebook"):
        load_figures(42)
    with pytest.raises(NotebookError, match="not found"):
        load_figures(tmp_path / "missing.ipynb")
    bad = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("display_data", data={MIMETYPE: "{not json"})])])
    with pytest.raises(NotebookError, match="cell 1 holds a payload that is not JSON"):
        load_figures(bad)
    no_key = new_notebook(cells=[new_code_cell("x", outputs=[figure_output({"value": 1})])])
    with pytest.raises(NotebookError, match="without a 'key'"):
        load_figures(no_key)


def test_load_figures_from_a_really_executed_notebook(tmp_path):
    """End to end: a real kernel runs report_figure; load_figures reads what it emitted."""
    from nbclient import NotebookClient

    nb = new_notebook(cells=[
        new_markdown_cell("# figures"),
        new_code_cell(
            "import os\nos.environ['COURSE_STRICT'] = '0'\nimport numpy as np\n"
            "from course_utils.lesson.key_figures import report_figure"
        ),
        new_code_cell("report_figure('02_01.xor_accuracy', np.float32(1.0), expect=1.0, label='XOR accuracy')"),
        new_code_cell("report_figure('02_03.test_mae', 12.5, low=0, high=10)\nprint('after')"),
        new_code_cell("os.environ['COURSE_STRICT'] = '1'\n"
                      "report_figure('02_00.and_table', np.array([0, 1, 1, 1]), expect=[0, 0, 0, 1])"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    figures = load_figures(nb)
    assert [f["key"] for f in figures] == ["02_01.xor_accuracy", "02_03.test_mae", "02_00.and_table"]
    assert figures[0] == {"key": "02_01.xor_accuracy", "label": "XOR accuracy", "value": 1.0,
                          "ok": True, "expected": "1.0", "text": "XOR accuracy = 1"}
    assert figures[1]["ok"] is False and figures[1]["value"] == 12.5
    assert {k: v for k, v in figures[2].items() if k != "text"} == {
        "key": "02_00.and_table", "label": "and table", "value": [0, 1, 1, 1], "ok": False, "expected": "[0, 0, 0, 1]"}
    # the rich display carries readable text too, and the strict cell ended in FigureOutOfBand
    texts = [o["data"]["text/plain"] for o in nb.cells[2].outputs if o.get("output_type") == "display_data"]
    assert texts == ["XOR accuracy = 1"]
    errors = [o for o in nb.cells[4].outputs if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "FigureOutOfBand"
    assert [o for o in nb.cells[3].outputs if o["output_type"] == "error"] == []
