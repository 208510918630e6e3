"""course_utils.lesson.datasets (lesson 02_03): registry, folder search, checks and their messages."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import course_utils.lesson.datasets as ds
from course_utils.lesson.datasets import (DATASET_INFO, dataset_path, datasets_dir, list_datasets,
                                   load_csv, load_dataset)
from course_utils.errors import DatasetError, DatasetNotFoundError

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "datasets"
TEST_CSV = (DATA / "test.csv").read_bytes()

# Independent of the module under test: the sums published in PROVENANCE / datasets/README.md.
EXPECTED = {
    "house_price": ("house_price_of_unit_area.csv", (414, 6),
                    "c8e8998bc14921b2a891c6c0e7e4d72750d70bfd1d1bd763252ab88c348d2301"),
    "boston": ("BostonHousing.csv", (506, 14),
               "79ac716620024011b03c0c44d2bf99069b8173649181926d9109c25475a3804c"),
    "test": ("test.csv", (10, 4),
             "7815624bc0133faa62426e90205b6e22e5b6bb109d42addada5d000f8f459f7f"),
}


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("COURSE_DATASETS_DIR", raising=False)


def _fake_repo(root: Path, *, without: str | None = None) -> Path:
    """A miniature course checkout: pyproject naming the package, and datasets/."""
    (root / "datasets").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "nn-basics-course"\n')
    for name in os.listdir(DATA):
        if name != without:
            shutil.copy(DATA / name, root / "datasets" / name)
    return root


def _csv(tmp_path: Path, content: str | bytes, name: str = "mine.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def _edited_test_csv(old: str, new: str) -> str:
    text = TEST_CSV.decode()
    assert old in text
    return text.replace(old, new, 1)


# --------------------------------------------------------------------------- registry

def test_list_datasets():
    assert list_datasets() == ["boston", "house_price", "test"]


def test_dataset_info_matches_the_fixed_api():
    assert DATASET_INFO["house_price"].filename == "house_price_of_unit_area.csv"
    assert DATASET_INFO["house_price"].target == "house price of unit area"
    assert DATASET_INFO["boston"].target == "MEDV"
    assert DATASET_INFO["test"].target is None
    assert DATASET_INFO["test"].columns == ("A", "B", "C", "D")
    assert DATASET_INFO["boston"].features == DATASET_INFO["boston"].columns[:-1]
    for name, (filename, shape, sha) in EXPECTED.items():
        info = DATASET_INFO[name]
        assert (info.filename, (info.rows, len(info.columns)), info.sha256) == (filename, shape, sha)
    with pytest.raises(TypeError):
        DATASET_INFO["new"] = DATASET_INFO["test"]          # read-only registry


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_files_in_repo_have_the_published_checksums(name):
    filename, _, sha = EXPECTED[name]
    assert hashlib.sha256((DATA / filename).read_bytes()).hexdigest() == sha


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_dataset_equals_plain_read_csv(name):
    filename, shape, _ = EXPECTED[name]
    df = load_dataset(name)
    assert df.shape == shape
    pd.testing.assert_frame_equal(df, pd.read_csv(DATA / filename))
    assert list(df.columns) == list(DATASET_INFO[name].columns)
    assert all(pd.api.types.is_numeric_dtype(t) for t in df.dtypes)


@pytest.mark.parametrize("spelling", ["house_price", "house_price_of_unit_area.csv",
                                      "HOUSE_PRICE", " house_price ", "house_price_of_unit_area"])
def test_load_dataset_accepts_name_or_file_name(spelling):
    assert load_dataset(spelling).shape == (414, 6)
    assert dataset_path(spelling) == DATA / "house_price_of_unit_area.csv"


def test_each_load_returns_a_fresh_frame():
    a = load_dataset("test")
    a.loc[0, "A"] = 99
    assert load_dataset("test").loc[0, "A"] == 1


@pytest.mark.parametrize("where", ["root", "notebooks", "tmp"])
def test_loads_from_any_working_directory(where, tmp_path, monkeypatch):
    folder = {"root": REPO, "notebooks": REPO / "notebooks", "tmp": tmp_path}[where]
    if where == "notebooks" and not folder.is_dir():
        folder = tmp_path                                    # notebooks/ not written yet
    monkeypatch.chdir(folder)
    for name in list_datasets():
        assert load_dataset(name).shape == EXPECTED[name][1]
    assert dataset_path("test") == DATA / "test.csv"
    assert datasets_dir() == DATA


# --------------------------------------------------------------------------- unknown names

def test_unknown_name_lists_the_known_ones():
    with pytest.raises(DatasetError) as err:
        load_dataset("titanic")
    msg = str(err.value)
    assert "'titanic'" in msg
    for name, (filename, _, _) in EXPECTED.items():
        assert repr(name) in msg and filename in msg


def test_unknown_name_suggests_the_close_one():
    with pytest.raises(DatasetError, match="Did you mean 'house_price'"):
        load_dataset("house price")


def test_path_like_name_points_to_load_csv(tmp_path):
    with pytest.raises(DatasetError, match=r"load_csv\(path\)"):
        load_dataset(tmp_path / "x.csv")
    with pytest.raises(DatasetError, match=r"load_csv\(path\)"):
        load_dataset("data/my_houses.csv")
    with pytest.raises(DatasetError, match="must be a string"):
        dataset_path(3)


# --------------------------------------------------------------------------- where files are found

def test_env_var_folder_is_used_first(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "test.csv").write_bytes(TEST_CSV)
    monkeypatch.setenv("COURSE_DATASETS_DIR", str(folder))
    assert datasets_dir() == folder.resolve()
    assert dataset_path("test") == folder.resolve() / "test.csv"
    assert load_dataset("test").shape == (10, 4)


def test_env_var_pointing_nowhere(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATASETS_DIR", str(tmp_path / "nope"))
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("test")
    msg = str(err.value)
    assert "COURSE_DATASETS_DIR" in msg and "nope" in msg and "unset" in msg


def test_missing_file_in_env_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATASETS_DIR", str(tmp_path))
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("boston")
    msg = str(err.value)
    assert str(tmp_path / "BostonHousing.csv") in msg
    assert "Copy the original BostonHousing.csv" in msg and "unset COURSE_DATASETS_DIR" in msg


def test_missing_file_in_repo_says_where_and_how_to_restore(tmp_path, monkeypatch):
    root = _fake_repo(tmp_path / "repo", without="test.csv")
    monkeypatch.setattr(ds, "_REPO_ROOT", root)
    assert load_dataset("boston").shape == (506, 14)         # the others still load
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("test")
    msg = str(err.value)
    assert str(root / "datasets" / "test.csv") in msg                  # where it looked
    assert "git checkout -- datasets/test.csv" in msg                  # how to restore
    assert "copy the original test.csv" in msg


def test_packaged_copy_is_used_outside_a_repo(tmp_path, monkeypatch):
    # An installed wheel: site-packages/ has no pyproject, but may hold an unrelated
    # top-level package called "datasets" (Hugging Face), which must not be mistaken for ours.
    site = tmp_path / "site-packages"
    (site / "datasets").mkdir(parents=True)
    packaged = site / "course_utils" / "_datasets"
    packaged.mkdir(parents=True)
    shutil.copy(DATA / "test.csv", packaged / "test.csv")
    monkeypatch.setattr(ds, "_REPO_ROOT", site)
    monkeypatch.setattr(ds, "_PACKAGED_DIR", packaged)
    assert datasets_dir() == packaged
    assert load_dataset("test").shape == (10, 4)
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("house_price")
    msg = str(err.value)
    assert str(packaged / "house_price_of_unit_area.csv") in msg and "Reinstall" in msg


def test_no_data_folder_at_all(tmp_path, monkeypatch):
    monkeypatch.setattr(ds, "_REPO_ROOT", tmp_path)
    monkeypatch.setattr(ds, "_PACKAGED_DIR", tmp_path / "course_utils" / "_datasets")
    with pytest.raises(DatasetNotFoundError) as err:
        dataset_path("test")
    msg = str(err.value)
    assert "Cannot find the course data folder" in msg
    assert str(tmp_path / "datasets") in msg and "_datasets" in msg
    assert "COURSE_DATASETS_DIR" in msg and "pip install -e ." in msg


# --------------------------------------------------------------------------- changed course files

@pytest.fixture()
def repo_copy(tmp_path, monkeypatch):
    root = _fake_repo(tmp_path / "repo")
    monkeypatch.setattr(ds, "_REPO_ROOT", root)
    return root / "datasets"


def test_checksum_mismatch_names_the_file_and_the_fix(repo_copy):
    (repo_copy / "test.csv").write_text(_edited_test_csv("2,20,200,2", "2,20,200,3"), newline="")
    with pytest.raises(DatasetError) as err:
        load_dataset("test")
    msg = str(err.value)
    actual = hashlib.sha256((repo_copy / "test.csv").read_bytes()).hexdigest()
    assert "has changed" in msg and actual in msg and EXPECTED["test"][2] in msg
    assert "git checkout -- datasets/test.csv" in msg


def test_checksum_accepts_windows_line_endings(repo_copy):
    (repo_copy / "test.csv").write_bytes(TEST_CSV.replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(load_dataset("test"), pd.read_csv(DATA / "test.csv"))


def test_byte_order_mark_changes_the_checksum_not_the_column_name(repo_copy):
    (repo_copy / "test.csv").write_bytes(b"\xef\xbb\xbf" + TEST_CSV)
    with pytest.raises(DatasetError) as err:
        load_dataset("test")
    assert "has changed" in str(err.value) and "column" not in str(err.value)


def test_renamed_column_in_course_file(repo_copy):
    (repo_copy / "test.csv").write_text(_edited_test_csv("A,B,C,D", "A,b,C,D"), newline="")
    with pytest.raises(DatasetError) as err:
        load_dataset("test")
    msg = str(err.value)
    assert "missing column(s): 'B'" in msg and "unexpected column(s): 'b'" in msg
    assert "renamed" in msg and "git checkout -- datasets/test.csv" in msg


def test_missing_column_in_course_file(repo_copy):
    lines = TEST_CSV.decode().splitlines()
    (repo_copy / "test.csv").write_text("\n".join(l.rsplit(",", 1)[0] for l in lines) + "\n")
    with pytest.raises(DatasetError) as err:
        load_dataset("test")
    assert "missing column(s): 'D'" in str(err.value) and "unexpected" not in str(err.value)


def test_text_cell_in_course_file_names_row_column_and_value(repo_copy):
    # line 5 of the file = header + 4th data row (A = 4)
    (repo_copy / "test.csv").write_text(_edited_test_csv("4,40,400,2", "4,forty,400,2"), newline="")
    with pytest.raises(DatasetError) as err:
        load_dataset("test")
    msg = str(err.value)
    assert "column 'B'" in msg and "row 5 of the file" in msg and "'forty'" in msg
    assert "git checkout -- datasets/test.csv" in msg


def test_deleted_row_in_course_file(repo_copy):
    (repo_copy / "test.csv").write_text(_edited_test_csv("4,40,400,2\n", ""), newline="")
    with pytest.raises(DatasetError, match="has 9 data rows, expected 10"):
        load_dataset("test")


def test_emptied_course_file(repo_copy):
    (repo_copy / "house_price_of_unit_area.csv").write_bytes(b"")
    with pytest.raises(DatasetError) as err:
        load_dataset("house_price")
    assert "empty" in str(err.value) and "git checkout -- datasets/house_price_of_unit_area.csv" in str(err.value)


# --------------------------------------------------------------------------- load_csv: a user's own file

def test_load_csv_happy_path_with_checks(tmp_path):
    path = _csv(tmp_path, TEST_CSV)
    sha = hashlib.sha256(TEST_CSV).hexdigest()
    df = load_csv(path, columns=["A", "B", "C", "D"], sha256=sha.upper())
    pd.testing.assert_frame_equal(df, pd.read_csv(DATA / "test.csv"))
    assert list(load_csv(str(path), columns=["D", "A", "B", "C"]).columns) == ["D", "A", "B", "C"]


def test_load_csv_relative_path_from_cwd(tmp_path, monkeypatch):
    _csv(tmp_path, "x,y\n1,2\n3,4.5\n")
    monkeypatch.chdir(tmp_path)
    df = load_csv("mine.csv")
    assert df.shape == (2, 2) and df["y"].tolist() == [2.0, 4.5]


def test_load_csv_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError) as err:
        load_csv("houses.csv")
    msg = str(err.value)
    assert str(tmp_path / "houses.csv") in msg and "current working directory" in msg


def test_load_csv_missing_course_file_points_to_load_dataset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError, match=r"load_dataset\('house_price'\)"):
        load_csv("../dataset/house_price_of_unit_area.csv")      # the slides' Colab path


def test_load_csv_folder_and_bad_arguments(tmp_path):
    with pytest.raises(DatasetError, match="is a folder"):
        load_csv(tmp_path)
    with pytest.raises(DatasetError, match="file path"):
        load_csv(42)
    path = _csv(tmp_path, TEST_CSV)
    with pytest.raises(DatasetError, match="list of column names"):
        load_csv(path, columns="A,B,C,D")
    with pytest.raises(DatasetError, match="names a column twice"):
        load_csv(path, columns=["A", "A", "B", "C"])
    with pytest.raises(DatasetError, match="64 hexadecimal"):
        load_csv(path, sha256="abc")


def test_load_csv_checksum_mismatch(tmp_path):
    path = _csv(tmp_path, TEST_CSV)
    wrong = "0" * 64
    with pytest.raises(DatasetError) as err:
        load_csv(path, sha256=wrong)
    msg = str(err.value)
    assert "has changed" in msg and wrong in msg and hashlib.sha256(TEST_CSV).hexdigest() in msg


def test_load_csv_missing_and_unexpected_columns(tmp_path):
    path = _csv(tmp_path, "A,B,E\n1,2,3\n")
    with pytest.raises(DatasetError) as err:
        load_csv(path, columns=["A", "B", "C"])
    msg = str(err.value)
    assert "missing column(s): 'C'" in msg and "unexpected column(s): 'E'" in msg
    assert "Expected exactly: 'A', 'B', 'C'" in msg


def test_load_csv_spaces_around_column_names_are_dropped(tmp_path):
    path = _csv(tmp_path, " A , B\u00a0\n1,2\n")                  # a space and a no-break space
    assert list(load_csv(path, columns=["A", "B"]).columns) == ["A", "B"]


def test_byte_order_mark_keeps_the_first_column_name(tmp_path):
    path = _csv(tmp_path, b"\xef\xbb\xbf" + TEST_CSV)
    df = load_csv(path, columns=["A", "B", "C", "D"])
    assert list(df.columns) == ["A", "B", "C", "D"]
    assert df["A"].tolist() == list(range(1, 11))


@pytest.mark.parametrize("cell, shown", [("abc", "'abc'"), ("1.5kg", "'1.5kg'"), ("3,5.1", None)])
def test_non_numeric_cell_names_row_column_value(tmp_path, cell, shown):
    text = _edited_test_csv("6,60,600,2", f'6,60,"{cell}",2')       # line 7 of the file
    with pytest.raises(DatasetError) as err:
        load_csv(_csv(tmp_path, text))
    msg = str(err.value)
    assert "column 'C'" in msg and "row 7 of the file" in msg and "DataFrame index 5" in msg
    assert (shown or repr(cell)) in msg and "must hold numbers" in msg


def test_many_bad_cells_are_counted(tmp_path):
    rows = "\n".join(f"{i},x{i}" for i in range(20))
    with pytest.raises(DatasetError, match=r"and 15 more"):
        load_csv(_csv(tmp_path, "a,b\n" + rows + "\n"))


@pytest.mark.parametrize("cell", ["", "NA", "NaN", "null", "   "])
def test_empty_or_nan_cell_names_row_and_column(tmp_path, cell):
    text = _edited_test_csv("3,30,300,2", f"3,30,{cell},2")          # line 4 of the file
    with pytest.raises(DatasetError) as err:
        load_csv(_csv(tmp_path, text))
    msg = str(err.value)
    assert "1 empty (NaN/NA) cell(s)" in msg
    assert "row 4 of the file" in msg and "column 'C'" in msg and "Fill in" in msg


def test_infinite_cell(tmp_path):
    with pytest.raises(DatasetError, match=r"infinite cell.*row 3 of the file \(DataFrame index 1\), column 'b'"):
        load_csv(_csv(tmp_path, "a,b\n1,2\n3,inf\n"))


def test_true_false_column(tmp_path):
    with pytest.raises(DatasetError, match=r"column 'flag' holds True/False.*1 and 0"):
        load_csv(_csv(tmp_path, "x,flag\n1,True\n2,False\n"))


@pytest.mark.parametrize("content, expected", [
    (b"", "empty (0 bytes)"),
    (b"\n\n  \n", "is empty (no header, no rows)"),
    (b"\xef\xbb\xbf", "is empty"),
    (b"A,B,C\n", "has a header ('A', 'B', 'C') but no data rows"),
    (b"A,B,C\n\n\n", "but no data rows"),
])
def test_empty_files(tmp_path, content, expected):
    with pytest.raises(DatasetError) as err:
        load_csv(_csv(tmp_path, content))
    assert expected in str(err.value)


def test_ragged_rows(tmp_path):
    with pytest.raises(DatasetError, match=r"row 3 of the file.*has 3 values but the header has 2"):
        load_csv(_csv(tmp_path, "a,b\n1,2\n3,4,5\n"))
    with pytest.raises(DatasetError, match=r"comma at the end of the line"):
        load_csv(_csv(tmp_path, "a,b\n1,2,\n3,4,5,\n"))
    with pytest.raises(DatasetError, match=r"row 2 of the file.*has 1 value but the header has 2"):
        load_csv(_csv(tmp_path, "a,b\n1\n"))


def test_blank_lines(tmp_path):
    with pytest.raises(DatasetError, match=r"row 3 of the file.*is blank"):
        load_csv(_csv(tmp_path, "a,b\n1,2\n\n3,4\n"))
    df = load_csv(_csv(tmp_path, "a,b\r\n1,2\r\n3,4\r\n\r\n\n"))      # trailing blanks are fine
    assert df.to_numpy().tolist() == [[1, 2], [3, 4]]
    df = load_csv(_csv(tmp_path, "a,b\r1,2\r3,4\r"))                  # old Mac line endings
    assert df.to_numpy().tolist() == [[1, 2], [3, 4]]


def test_header_problems(tmp_path):
    with pytest.raises(DatasetError, match=r"column\(s\) 'a' more than once"):
        load_csv(_csv(tmp_path, "a,b,a\n1,2,3\n"))
    with pytest.raises(DatasetError, match=r"column 3 of the header \(row 1\) has no name"):
        load_csv(_csv(tmp_path, "a,b,\n1,2,3\n"))


def test_pipe_separated_file_is_named(tmp_path):
    path = _csv(tmp_path, "a|b\n1|2\n")
    with pytest.raises(DatasetError, match="commas as separators"):
        load_csv(path)
    with pytest.raises(DatasetError, match="commas as separators"):
        load_csv(path, columns=["a", "b"])


def test_not_utf8_and_excel_files(tmp_path):
    latin1 = "prix,m²\n1,2\n".encode("latin-1")
    with pytest.raises(DatasetError, match=r"not UTF-8 text: byte 0xb2 at position 6 \(line 1\)"):
        load_csv(_csv(tmp_path, latin1))
    with pytest.raises(DatasetError, match="Excel workbook"):
        load_csv(_csv(tmp_path, b"PK\x03\x04" + bytes(range(256)), name="book.csv"))
    assert list(load_csv(_csv(tmp_path, "PKG,x\n1,2\n")).columns) == ["PKG", "x"]


def test_errors_are_course_errors_without_pandas_context(tmp_path):
    with pytest.raises(DatasetError) as err:
        load_csv(_csv(tmp_path, "a,b\n1,2\n3,4,5\n"))
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_garbage_never_leaks_a_raw_exception(tmp_path):
    """Mutated and random files either load cleanly (all finite numbers) or raise DatasetError."""
    rng = random.Random(0)
    base = TEST_CSV
    alphabet = b',;"\n\r x1.-eE\xef\xbb\xbf\x00\xff'
    loaded = failed = 0
    for i in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(data) + 1)
            op = rng.choice("ids")
            if op == "i":
                data[pos:pos] = bytes([rng.choice(alphabet)])
            elif op == "d" and pos < len(data):
                del data[pos]
            elif pos < len(data):
                data[pos] = rng.choice(alphabet)
        if i % 10 == 0:
            data = bytearray(rng.randbytes(rng.randint(0, 200)))
        path = _csv(tmp_path, bytes(data), name=f"g{i}.csv")
        try:
            df = load_csv(path)
        except DatasetError as exc:
            assert str(exc)
            failed += 1
        else:
            values = df.to_numpy(dtype=float)
            assert len(df) > 0 and np.isfinite(values).all()
            loaded += 1
    assert loaded > 0 and failed > 0


def test_import_is_light():
    code = ("import sys, course_utils.lesson.datasets, course_utils.lesson.normalize, course_utils.lesson.split; "
            "heavy = [m for m in ('tensorflow', 'keras', 'sklearn', 'matplotlib') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- a student's spreadsheet export
# Real files as spreadsheet programs write them: the bytes, separators, line endings and
# number formats of each export, built here so every quirk is on disk as a student has it.

PRICES = [[12.5, 1234.5], [7.0, 980.0], [30.25, 21000.0]]


def test_european_excel_semicolons_and_decimal_commas(tmp_path):
    # German Excel, "CSV UTF-8 (durch Trennzeichen getrennt)": BOM, ';', decimal comma,
    # '.' thousands separator, CRLF
    text = "Fläche;Preis\r\n12,5;1.234,5\r\n7;980\r\n30,25;21.000\r\n"
    df = load_csv(_csv(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert list(df.columns) == ["Fläche", "Preis"] and df.to_numpy().tolist() == PRICES
    assert df.dtypes.tolist() == [np.float64, np.float64]
    # French Excel: a no-break space as the thousands separator; Excel's "sep=;" first line
    french = "sep=;\r\nsurface;prix\r\n12,5;1\u00a0234,5\r\n7;980\r\n30,25;21\u00a0000\r\n"
    assert load_csv(_csv(tmp_path, french, "fr.csv")).to_numpy().tolist() == PRICES


def test_european_excel_in_windows_1252_names_the_encoding(tmp_path):
    # "CSV (Trennzeichen-getrennt)" without UTF-8: Windows-1252, so the ä is byte 0xe4
    path = _csv(tmp_path, "Fläche;Preis\r\n12,5;1.234,5\r\n7;980\r\n30,25;21.000\r\n".encode("cp1252"))
    with pytest.raises(DatasetError) as err:
        load_csv(path)
    msg = str(err.value)
    assert "not UTF-8 text: byte 0xe4 at position 2 (line 1)" in msg
    assert "'Fläche;Preis'" in msg and "encoding='cp1252'" in msg and "CSV UTF-8" in msg
    df = load_csv(path, encoding="cp1252")                   # the fix the message gives
    assert list(df.columns) == ["Fläche", "Preis"] and df.to_numpy().tolist() == PRICES


def test_korean_excel_cp949(tmp_path):
    # Korean Excel's "CSV (쉼표로 분리)" is cp949; a formatted price is quoted with a
    # thousands comma
    text = '면적,가격\r\n12.5,"1,234.5"\r\n7,980\r\n30.25,"21,000"\r\n'
    df = load_csv(_csv(tmp_path, text.encode("cp949")), columns=["면적", "가격"])
    assert list(df.columns) == ["면적", "가격"] and df.to_numpy().tolist() == PRICES


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_text_exports(tmp_path, codec):
    # Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated
    text = "area\tprice\r\n12.5\t1234.5\r\n7\t980\r\n30.25\t21000\r\n"
    df = load_csv(_csv(tmp_path, text.encode(codec)))
    assert list(df.columns) == ["area", "price"] and df.to_numpy().tolist() == PRICES


def test_blank_rows_above_the_header_and_row_numbers_after_them(tmp_path):
    # an empty first spreadsheet row exports as a line of separators
    path = _csv(tmp_path, ",,\n\na,b\n1,2\n3,x\n")
    with pytest.raises(DatasetError, match=r"column 'b' must hold numbers, but row 5 of the file "
                                           r"\(DataFrame index 1\) has 'x'"):
        load_csv(path)
    assert load_csv(_csv(tmp_path, ";;\r\na;b\r\n1,5;2\r\n", "e.csv")).to_numpy().tolist() == [[1.5, 2.0]]


def test_trailing_empty_columns_and_cells(tmp_path):
    # cells once touched to the right of the table export as empty trailing columns
    df = load_csv(_csv(tmp_path, "a,b,,\n1,2,,\n3,4,,\n5,6\n"))
    assert list(df.columns) == ["a", "b"] and df.to_numpy().tolist() == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(DatasetError, match=r"column 3 of the header \(row 1\) has no name"):
        load_csv(_csv(tmp_path, "a,b,,\n1,2,,\n3,4,9,\n", "data.csv"))   # not empty: refuse


def test_thousands_separators_in_a_comma_file(tmp_path):
    df = load_csv(_csv(tmp_path, 'a,b\n"1,234.5",2\n"12,000",3\n-7.5,"1,000,000"\n'))
    assert df.to_numpy().tolist() == [[1234.5, 2.0], [12000.0, 3.0], [-7.5, 1e6]]


def test_a_title_row_above_the_header_is_named(tmp_path):
    with pytest.raises(DatasetError, match=r"row 1 \('House prices 2024'\) looks like a title above the "
                                           r"table.*row 2 has 2 values.*Delete the title row"):
        load_csv(_csv(tmp_path, "House prices 2024,\nage,price\n1,2\n"))


def test_mixed_number_styles_are_refused_not_guessed(tmp_path):
    with pytest.raises(DatasetError) as err:
        load_csv(_csv(tmp_path, "a;b\n1.5;2\n2,5;3\n"))
    msg = str(err.value)
    assert "column 'a' must hold numbers, but row 3 of the file (DataFrame index 1) has '2,5'" in msg
    assert "write every number of the column the same way" in msg


def test_bad_encoding_argument(tmp_path):
    path = _csv(tmp_path, "a\n1\n")
    with pytest.raises(DatasetError, match="not an encoding Python knows"):
        load_csv(path, encoding="klingon")
    with pytest.raises(DatasetError, match="must be the name of an encoding"):
        load_csv(path, encoding=8)
    with pytest.raises(DatasetError, match=r"is not ascii text: byte 0xc3"):
        load_csv(_csv(tmp_path, "é\n1\n", "e.csv"), encoding="ascii")


def test_decimal_commas_quoted_in_a_comma_file(tmp_path):
    # Google Sheets in a European locale: commas between cells, decimal commas in quotes
    df = load_csv(_csv(tmp_path, 'area,price\n"12,5","1234,5"\n7,980\n"30,25",21000\n'))
    assert df.to_numpy().tolist() == PRICES
