"""Load the course data sets by name, from any folder (lesson 02_03).

Lesson 02_03 (house price, raw) introduces this module; every later lesson loads its data
through it::

    from course_utils.lesson.datasets import list_datasets, load_dataset
    list_datasets()                    # ['boston', 'house_price', 'test']
    df = load_dataset("house_price")   # or load_dataset("house_price_of_unit_area.csv")

Each course file is checked before it is returned: the columns, the row count, that every
cell is a finite number, and its SHA-256 sum, so that every student computes the same
numbers. :func:`load_csv` gives a CSV of your own the same checks (numbers only, no empty
cells, at least one row; columns and checksum when you pass them).

Where the files are found (first match wins):

1. the folder named by the environment variable ``COURSE_DATASETS_DIR``, when it is set;
2. the repository's ``datasets/`` folder next to the ``course_utils`` package (a git
   checkout or an editable install, ``pip install -e .``);
3. the copy packaged inside an installed wheel, ``course_utils/_datasets/``.

Problems raise :class:`~course_utils.errors.DatasetError` (or its subclass
:class:`~course_utils.errors.DatasetNotFoundError`) with a message that says what is wrong
and how to fix it; a raw pandas traceback never reaches the notebook.

This module imports only pandas and NumPy (no TensorFlow).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DatasetError, DatasetNotFoundError
from ..i18n import _

__all__ = [
    "DATASET_INFO",
    "DatasetInfo",
    "ENV_VAR",
    "dataset_path",
    "datasets_dir",
    "list_datasets",
    "load_csv",
    "load_dataset",
]

ENV_VAR = "COURSE_DATASETS_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent     # course_utils/
_PACKAGED_DIR = _PACKAGE_DIR / "_datasets"          # filled by setup.py when a wheel is built
_REPO_ROOT = _PACKAGE_DIR.parent
_MAX_LISTED = 5                                     # how many bad cells a message lists


@dataclass(frozen=True)
class DatasetInfo:
    """What the course knows about one of its data files (lesson 02_03).

    ``columns`` is the exact header, in file order; ``target`` the column a model predicts
    (``None`` for ``test.csv``); ``sha256`` the checksum of the file's bytes; ``rows`` the
    number of data rows (header not counted).
    """

    name: str
    filename: str
    columns: tuple[str, ...]
    target: str | None
    sha256: str
    rows: int
    title: str
    source: str
    license: str

    @property
    def features(self) -> tuple[str, ...]:
        """The columns other than the target (all columns when there is no target)."""
        return tuple(c for c in self.columns if c != self.target)


_INFOS = (
    DatasetInfo(
        name="boston",
        filename="BostonHousing.csv",
        columns=("CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX",
                 "PTRATIO", "B", "LSTAT", "MEDV"),
        target="MEDV",
        sha256="79ac716620024011b03c0c44d2bf99069b8173649181926d9109c25475a3804c",
        rows=506,
        title="Boston housing (Harrison & Rubinfeld 1978): 13 features, median home value",
        source="Harrison & Rubinfeld (1978), J. Environ. Economics & Management 5, 81-102; "
               "StatLib (Carnegie Mellon University). Column B encodes race: see datasets/README.md.",
        license="no explicit license on the StatLib original; cite the paper",
    ),
    DatasetInfo(
        name="house_price",
        filename="house_price_of_unit_area.csv",
        columns=("house age", "distance to the nearest MRT station",
                 "number of convenience stores", "latitude", "longitude",
                 "house price of unit area"),
        target="house price of unit area",
        sha256="c8e8998bc14921b2a891c6c0e7e4d72750d70bfd1d1bd763252ab88c348d2301",
        rows=414,
        title="Real estate valuation, Sindian District, New Taipei City (UCI id 477)",
        source="UCI Machine Learning Repository, Real estate valuation data set, "
               "doi:10.24432/C5J30W; I-Cheng Yeh and Tzung-Kuang Hsu",
        license="CC BY 4.0",
    ),
    DatasetInfo(
        name="test",
        filename="test.csv",
        columns=("A", "B", "C", "D"),
        target=None,
        sha256="7815624bc0133faa62426e90205b6e22e5b6bb109d42addada5d000f8f459f7f",
        rows=10,
        title="Normalization toy table: A = 1..10, B = 10A, C = 100A, D = 2 (constant)",
        source="made for the course",
        license="same as the course package (MIT)",
    ),
)

#: Read-only registry ``name -> DatasetInfo`` of the course's data files.
DATASET_INFO: Mapping[str, DatasetInfo] = MappingProxyType({i.name: i for i in _INFOS})


def list_datasets() -> list[str]:
    """Names of the course data sets, sorted: ``['boston', 'house_price', 'test']``."""
    return sorted(DATASET_INFO)


# ---------------------------------------------------------------------------------------
# Finding the files
# ---------------------------------------------------------------------------------------

def _is_course_repo(root: Path) -> bool:
    """True when *root* is the course's source tree (not, e.g., a site-packages folder,
    where an unrelated top-level package called ``datasets`` may live)."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return (root / "datasets").is_dir() and re.search(r'name\s*=\s*"nn[-_]basics[-_]course"', text) is not None


def _locate() -> tuple[Path | None, str, list[str]]:
    """Return ``(folder or None, how it was found, places looked at)``."""
    looked: list[str] = []
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        folder = Path(env).expanduser().resolve()
        if not folder.is_dir():
            raise DatasetNotFoundError(
                _("The environment variable {variable} is set to {env!r}, but {folder} is not a "
                  "folder. Point {variable} at the folder that holds the course CSV files, or "
                  "unset it to use the copy that comes with the course.").format(
                      variable=ENV_VAR, env=env, folder=folder)
            )
        return folder, f"from {ENV_VAR}", [_("{folder} (from {variable})").format(folder=folder, variable=ENV_VAR)]
    if _is_course_repo(_REPO_ROOT):
        return _REPO_ROOT / "datasets", "repository", [
            _("{folder} (the repository's datasets/ folder)").format(folder=_REPO_ROOT / "datasets")]
    looked.append(_("{folder} (no course repository around the package)").format(folder=_REPO_ROOT / "datasets"))
    if _PACKAGED_DIR.is_dir():
        return _PACKAGED_DIR, "package", looked + [
            _("{folder} (copy inside the installed package)").format(folder=_PACKAGED_DIR)]
    looked.append(_("{folder} (no copy inside the installed package)").format(folder=_PACKAGED_DIR))
    return None, "", looked


def datasets_dir() -> Path:
    """The folder the course CSV files are loaded from (lesson 02_03; search order in the
    module docstring).

    Raises :class:`DatasetNotFoundError` when no such folder exists.
    """
    return _find_dir()[0]


def _find_dir() -> tuple[Path, str, list[str]]:
    folder, how, looked = _locate()
    if folder is None:
        raise DatasetNotFoundError(
            _("Cannot find the course data folder. Looked in:\n  - {places}\nFix: run the notebooks from a "
              "checkout of the course repository (its datasets/ folder), reinstall the package (pip install -e . "
              "from the repository), or set {variable} to a folder holding the course CSV files.").format(
                  places="\n  - ".join(looked), variable=ENV_VAR)
        )
    return folder, how, looked


def _info(name: object) -> DatasetInfo:
    if not isinstance(name, str):
        hint = (_(" To load a CSV file of your own, use load_csv(path).")
                if isinstance(name, os.PathLike) else "")
        raise DatasetError(
            _("A data set name must be a string, not {type} {name!r}. "
              "Known names: {known}.{hint}").format(
                  type=type(name).__name__, name=name, known=", ".join(repr(n) for n in list_datasets()), hint=hint)
        )
    key = name.strip().lower()
    for info in _INFOS:
        fname = info.filename.lower()
        if key in (info.name, fname, fname.removesuffix(".csv")):
            return info
    known = ", ".join(f"{i.name!r} ({i.filename})" for i in _INFOS)
    hint = (_(" To load a CSV file of your own, use load_csv(path).")
            if ("/" in name or "\\" in name or key.endswith(".csv")) else "")
    close = difflib.get_close_matches(key, [i.name for i in _INFOS] + [i.filename.lower() for i in _INFOS], n=1)
    guess = _(" Did you mean {name!r}?").format(name=close[0]) if close else ""
    raise DatasetError(_("Unknown data set {name!r}.{guess} Known data sets: {known}.{hint}").format(
        name=name, guess=guess, known=known, hint=hint))


def _restore_hint(info: DatasetInfo, folder: Path, how: str) -> str:
    if how == "repository":
        return _("Restore it from the repository root with `git checkout -- datasets/{file}` "
                 "(or copy the original {file} back into {folder}).").format(file=info.filename, folder=folder)
    if how.startswith("from"):
        return _("Copy the original {file} (from the course repository's datasets/ "
                 "folder) into {folder}, or unset {variable} to use the course's own copy.").format(
                     file=info.filename, folder=folder, variable=ENV_VAR)
    return _("Reinstall the course package to restore it (pip install --force-reinstall "
             "nn-basics-course), or set {variable} to a folder holding the original {file}.").format(
                 variable=ENV_VAR, file=info.filename)


def dataset_path(name: str) -> Path:
    """Absolute path of a course data file, e.g. ``dataset_path("test")`` (lesson 02_03).

    *name* is a data set name (``"house_price"``) or its file name
    (``"house_price_of_unit_area.csv"``). Raises :class:`DatasetError` for an unknown name
    and :class:`DatasetNotFoundError` when the file is missing (the message says where it
    looked and how to restore the file).
    """
    return _path_and_origin(_info(name))[0]


def _path_and_origin(info: DatasetInfo) -> tuple[Path, str]:
    folder, how, looked = _find_dir()
    path = folder / info.filename
    if not path.is_file():
        raise DatasetNotFoundError(
            _("Data set {name!r} is missing: there is no file {path}. Looked in: {places}. {fix}").format(
                name=info.name, path=path, places="; ".join(looked), fix=_restore_hint(info, folder, how))
        )
    return path, how


# ---------------------------------------------------------------------------------------
# Reading and checking a CSV
# ---------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _row_line(row_position: int, header_row: int = 1) -> str:
    """Describe a data row as a spreadsheet would (the header is row ``header_row``, 1 unless
    blank lines come first)."""
    return _("row {row} of the file (DataFrame index {index})").format(
        row=row_position + header_row + 1, index=row_position)


def _names(items: Iterable[object]) -> str:
    return ", ".join(repr(x) for x in items)


_BOMS = (  # longest first: the UTF-32 marks begin like the UTF-16 ones
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def _decode(data: bytes, label: str, encoding: str | None = None) -> str:
    """The file's text. Without ``encoding``: UTF-8 (a byte-order mark is fine), UTF-16/32
    with a byte-order mark or UTF-16 without one (Excel's 'Unicode text'), or cp949 when
    every non-ASCII character it gives is Hangul (Korean Excel's 'CSV'); anything else is
    refused with the encoding it looks like."""
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DatasetError(
            _("{label} is not a CSV text file: it looks like an Excel workbook. Open it in "
              "your spreadsheet program and save it as 'CSV UTF-8 (comma delimited)'.").format(label=label)
        )
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise DatasetError(_("encoding={encoding!r} is not an encoding Python knows; try "
                                 "'utf-8', 'cp949', 'latin-1' or 'utf-16'.").format(encoding=encoding)) from None
        except UnicodeDecodeError as exc:
            raise DatasetError(
                _("{label} is not {encoding} text: byte 0x{byte:02x} at position "
                  "{position} cannot be decoded. Leave encoding= out to let the course guess, "
                  "or save the file as 'CSV UTF-8 (comma delimited)'.").format(
                      label=label, encoding=encoding, byte=data[exc.start], position=exc.start)
            ) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError:
                break                              # not really that encoding: report below
    if data.count(b"\x00") * 3 > len(data) and len(data) % 2 == 0:   # UTF-16 without a mark
        codec = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = exc
    try:
        korean = data.decode("cp949")
    except UnicodeDecodeError:
        korean = None
    if korean is not None and all(_HANGUL.match(ch) for ch in korean if ord(ch) > 127):
        return korean                              # Korean Excel saves 'CSV' in cp949 (EUC-KR)
    where = error.start
    line = data.count(b"\n", 0, where) + 1
    start = data.rfind(b"\n", 0, where) + 1
    stop = data.find(b"\n", where)
    as_latin1 = data[start:stop if stop != -1 else len(data)].decode("cp1252", "replace").strip()
    raise DatasetError(
        _("{label} is not UTF-8 text: byte 0x{byte:02x} at position {position} (line {line}) "
          "cannot be decoded. Read as Windows/Latin-1 (cp1252) that line is {as_latin1!r}. Save "
          "the file as UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)'), or, if that line looks "
          "right, load it with load_csv(path, encoding='cp1252').").format(
              label=label, byte=data[where], position=where, line=line, as_latin1=as_latin1)
    ) from None


_SEPARATORS = (",", ";", "\t")


def _sep_name(sep: str) -> str:
    """A separator's name in the current language ("comma", "semicolon", "tab")."""
    return {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}.get(sep, repr(sep))


# Number formats of spreadsheet exports, for cells that float() refuses.
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")               # 1,234.5
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:[. \u00a0\u202f]\d{3})+|\d*),\d+$|"  # 1.234,5  1 234,5  0,5
                            r"^[+-]?\d{1,3}(?:[. \u00a0\u202f]\d{3})+$")                 # 1.234 (with ',' decimals)


def _split_rows(text: str, sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def _separator(lines: list[str]) -> str:
    """The separator that splits the header and the first data row into the same number of
    fields (more than one): comma first, then semicolon (European Excel), then tab."""
    for sep in _SEPARATORS:
        try:
            head = _split_rows("\n".join(lines[:2]), sep)
        except csv.Error:
            continue
        if len(head) >= 1 and len(head[0]) > 1 and (len(head) == 1 or len(head[1]) == len(head[0])):
            return sep
    return ","


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _spreadsheet_numbers(values: list[str], sep: str) -> list[str] | None:
    """``values`` rewritten as plain numbers when they follow one spreadsheet convention
    (thousands separators, decimal commas), else None. A ``;`` or tab file reads ``1,234``
    as 1.234 (European Excel); a comma file reads a quoted ``"1,234"`` as 1234."""
    odd = [v.strip() for v in values if v.strip() and not _is_number(v.strip())]
    if not odd:
        return None
    plain = [v.strip() for v in values if v.strip() and _is_number(v.strip())]
    thousands = all(_THOUSANDS_COMMA.match(v) for v in odd)
    decimal = (all(_DECIMAL_COMMA.match(v) for v in odd)
               and all("." not in v or _DECIMAL_COMMA.match(v) for v in plain))
    if decimal and (sep != "," or not thousands):
        def fix(v: str) -> str:
            v = v.strip()
            return re.sub(r"[. \u00a0\u202f]", "", v).replace(",", ".") if v else v
    elif thousands:
        def fix(v: str) -> str:
            return v.strip().replace(",", "")
    else:
        return None
    return [fix(v) for v in values]


def _parse(text: str, label: str) -> tuple[pd.DataFrame, int]:
    """The CSV as a DataFrame, and the file row that holds its header (1 unless blank rows
    come first). Spreadsheet quirks are read correctly: a ``sep=`` line, ``;`` or tab
    separators, decimal commas and thousands separators, spaces around column names, blank
    rows above the header, empty columns and empty cells trailing on the right."""
    if not text.strip():
        raise DatasetError(
            _("{label} is empty (no header, no rows). Restore the file or write a header line "
              "and at least one row of numbers.").format(label=label)
        )
    lines = text.split("\n")
    forced = re.fullmatch(r"sep=(.)", lines[0].strip())          # Excel's separator hint line
    skipped = 1 if forced else 0
    sep = forced.group(1) if forced else None
    # Structure first, with the csv module, so that messages can name the exact row.
    body = [line for line in lines[skipped:]]
    first = next((i for i, line in enumerate(body) if line.strip(" \t,;")), None)
    if first is None:
        raise DatasetError(_("{label} holds no header and no rows, only separators. Write a "
                             "header line and at least one row of numbers.").format(label=label))
    if sep is None:
        sep = _separator(body[first:first + 2])
    try:
        rows = _split_rows("\n".join(body), sep)
    except csv.Error as exc:
        raise DatasetError(_("{label} could not be read as CSV ({exc}). Save it again as a plain "
                             "comma-separated text file.").format(label=label, exc=exc)) from None
    blank = [not "".join(r).strip() for r in rows]
    top = blank.index(False)                      # blank rows above the header are skipped
    header_row = skipped + top + 1
    rows = rows[top:]
    blank = blank[top:]
    filled = [c.strip() for c in rows[0] if c.strip()]
    if len(filled) == 1 and len(rows) > 1 and len([c for c in rows[1] if c.strip()]) > 1:
        raise DatasetError(
            _("{label}: row {header_row} ({title!r}) looks like a title above the table, not "
              "the header: it names one column but row {next_row} has "
              "{count} values. Delete the title row so that the "
              "column names come first.").format(
                  label=label, header_row=header_row, title=filled[0], next_row=header_row + 1,
                  count=len([c for c in rows[1] if c.strip()]))
        )
    last = len(rows)
    while last > 1 and blank[last - 1]:          # blank lines at the very end are harmless
        last -= 1
    rows = rows[:last]
    width = len(rows[0])                          # empty columns trailing on the right go
    while width > 1 and not rows[0][width - 1].strip() and all(
            len(r) < width or not r[width - 1].strip() for r in rows[1:]):
        width -= 1
    header = [h.strip() for h in rows[0][:width]]
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise DatasetError(
            _("{label}: the header names column(s) {names} more than once. "
              "Give every column a distinct name in row {header_row} of the file.").format(
                  label=label, names=_names(dupes), header_row=header_row)
        )
    if "" in header:
        pos = header.index("")
        raise DatasetError(
            _("{label}: column {column} of the header (row {header_row}) has no name. Give "
              "every column a name, or delete that column.").format(label=label, column=pos + 1, header_row=header_row)
        )
    data: list[list[str]] = []
    for i in range(1, len(rows)):
        row = rows[i]
        if blank[i]:
            raise DatasetError(_("{label}: {row} is blank. Delete the blank "
                                 "line(s) inside the data.").format(label=label, row=_row_line(i - 1, header_row)))
        if len(row) > width and not "".join(row[width:]).strip():
            row = row[:width]                     # empty cells trailing on the right
        if len(row) != width:
            trailing = (_(" (a {separator} at the end of the line?)").format(separator=_sep_name(sep))
                        if len(row) > width and not row[-1].strip() else "")
            message = (_("{label}: {row} has {count} value but the header has {width} columns{trailing}. "
                         "Every row needs one value per column.") if len(row) == 1 else
                       _("{label}: {row} has {count} values but the header has {width} columns{trailing}. "
                         "Every row needs one value per column."))
            raise DatasetError(message.format(label=label, row=_row_line(i - 1, header_row), count=len(row),
                                              width=width, trailing=trailing))
        data.append(row)
    if not data:
        raise DatasetError(
            _("{label} has a header ({names}) but no data rows. Add rows of "
              "numbers below the header.").format(label=label, names=_names(rows[0][:width]))
        )
    for col in range(width):
        fixed = _spreadsheet_numbers([r[col] for r in data], sep)
        if fixed is not None:
            for r, value in zip(data, fixed):
                r[col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *data])
    try:
        df = pd.read_csv(io.StringIO(out.getvalue()), skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        lines = str(exc).strip().splitlines()
        detail = lines[-1] if lines else type(exc).__name__
        raise DatasetError(
            _("{label} could not be read as CSV ({detail}). Save it again as a plain "
              "comma-separated text file with one header line.").format(label=label, detail=detail)
        ) from None
    return df, header_row


def _check_columns(df: pd.DataFrame, expected: Sequence[str], label: str) -> None:
    have = [str(c) for c in df.columns]
    missing = [c for c in expected if c not in have]
    unexpected = [c for c in have if c not in expected]
    if not missing and not unexpected:
        return
    parts = []
    if missing:
        parts.append(_("missing column(s): {names}").format(names=_names(missing)))
    if unexpected:
        parts.append(_("unexpected column(s): {names}").format(names=_names(unexpected)))
    msg = _("{label} does not have the expected columns: {problems}.").format(label=label, problems="; ".join(parts))
    if missing and unexpected:
        msg += _(" Was a column renamed (check spelling, case and spaces)?")
        if sorted(h.strip() for h in have) == sorted(expected):
            msg += _(" Here the names only differ by spaces around them: remove those spaces.")
    if len(have) == 1 and re.search(r"[;\t|]", have[0]):
        msg += _(" The header looks separated by ';', tab or '|': save the file with commas "
                 "as separators.")
    msg += _(" Expected exactly: {names}.").format(names=_names(expected))
    raise DatasetError(msg)


def _more(count: int) -> str:
    """`` (and N more)`` when ``count`` items were more than the listed ones."""
    return _(" (and {count} more)").format(count=count - _MAX_LISTED) if count > _MAX_LISTED else ""


def _check_numbers(df: pd.DataFrame, label: str, header_row: int = 1) -> pd.DataFrame:
    """Every column numeric (not bool), every cell finite; returns the numeric frame."""
    def _line(row_position: int) -> str:
        return _row_line(row_position, header_row)

    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            raise DatasetError(
                _("{label}: column {col!r} holds True/False values, not numbers. "
                  "Write them as 1 and 0 in the file.").format(label=label, col=col)
            )
        if not pd.api.types.is_numeric_dtype(s):
            as_num = pd.to_numeric(s, errors="coerce")
            blank = s.isna() | (s.astype("string").str.strip() == "")    # counted as empty below
            bad = (~blank & as_num.isna()).to_numpy(dtype=bool)
            if bad.any():
                rows = np.flatnonzero(bad)
                first = int(rows[0])
                shown = "; ".join(f"{_line(int(r))}: {s.iloc[int(r)]!r}" for r in rows[:_MAX_LISTED])
                more = _more(len(rows))
                sep_hint = ""
                looks = [str(s.iloc[int(r)]).strip() for r in rows]
                if any(_DECIMAL_COMMA.match(v) or _THOUSANDS_COMMA.match(v) for v in looks):
                    sep_hint = _(" Some cells of this column look like numbers with a decimal comma "
                                 "or thousands separators, but others use another style, so the "
                                 "course cannot tell which one is meant: write every number of the "
                                 "column the same way (e.g. 1234.5).")
                if re.search(r"[;\t|]", str(col)):
                    sep_hint = _(" The header looks separated by '|' or a mix of separators: save "
                                 "the file with commas as separators.")
                raise DatasetError(
                    _("{label}: column {col!r} must hold numbers, but {row} has "
                      "{value!r}. Non-numeric cell(s): {shown}{more}. Fix or delete "
                      "those cells (use a dot as the decimal separator, no units or thousands "
                      "separators).{sep_hint}").format(
                          label=label, col=col, row=_line(first), value=s.iloc[first], shown=shown, more=more,
                          sep_hint=sep_hint)
                )
            s = as_num
        out[col] = s
    num = pd.DataFrame(out, index=df.index)

    def _cell(r, c) -> str:
        return _("{row}, column {column!r}").format(row=_line(int(r)), column=num.columns[int(c)])

    values = num.to_numpy(dtype="float64", na_value=np.nan)
    nan = np.isnan(values)
    if nan.any():
        cells = np.argwhere(nan)
        shown = "; ".join(_cell(r, c) for r, c in cells[:_MAX_LISTED])
        more = _more(len(cells))
        raise DatasetError(
            _("{label} has {count} empty (NaN/NA) cell(s): {shown}{more}. Fill in the "
              "missing numbers or delete those rows; the course does not guess missing values.").format(
                  label=label, count=len(cells), shown=shown, more=more)
        )
    inf = np.isinf(values)
    if inf.any():
        cells = np.argwhere(inf)
        shown = "; ".join(_cell(r, c) for r, c in cells[:_MAX_LISTED])
        raise DatasetError(
            _("{label} has {count} infinite cell(s): {shown}. Replace them with finite numbers.").format(
                label=label, count=len(cells), shown=shown)
        )
    return num


def _check_sha(data: bytes, expected: str, label: str, fix: str) -> None:
    """Compare checksums. A copy whose only change is Windows line endings (CRLF, e.g. from
    git's ``core.autocrlf``) still matches: its sum is also taken with LF line endings."""
    actual = _sha256(data)
    if actual != expected.lower() and b"\r\n" in data:
        if _sha256(data.replace(b"\r\n", b"\n")) == expected.lower():
            return
    if actual != expected.lower():
        raise DatasetError(
            _("{label} has changed: its SHA-256 is {actual}, expected {expected}. "
              "The course checks each file so that everyone computes the same numbers. {fix}").format(
                  label=label, actual=actual, expected=expected.lower(), fix=fix)
        )


def _read_checked(path: Path, label: str, *, columns: Sequence[str] | None,
                  rows: int | None = None, sha256: str | None = None,
                  fix: str = "", encoding: str | None = None) -> pd.DataFrame:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(_("{label} cannot be read ({error}). Check the file's permissions.").format(
            label=label, error=exc.strerror or exc)) from None
    suffix = f" {fix}" if fix else ""
    try:
        if not data:
            raise DatasetError(_("{label} is empty (0 bytes). Restore the file or write a header "
                                 "line and at least one row of numbers.").format(label=label))
        text = _decode(data, label, encoding).replace("\r\n", "\n").replace("\r", "\n")   # any line ending
        df, header_row = _parse(text, label)
        if columns is not None:
            _check_columns(df, columns, label)
        df = _check_numbers(df, label, header_row)
        if rows is not None and len(df) != rows:
            raise DatasetError(_("{label} has {count} data rows, expected {rows}.").format(
                label=label, count=len(df), rows=rows))
    except DatasetError as exc:
        raise DatasetError(f"{exc}{suffix}") from None
    if sha256 is not None:
        _check_sha(data, sha256, label, fix or _("Restore the original file."))
    if columns is not None:
        df = df[list(columns)]
    return df


def load_dataset(name: str) -> pd.DataFrame:
    """Load a course data set by name, checked (lesson 02_03).

    *name*: ``"house_price"``, ``"boston"`` or ``"test"`` (see :func:`list_datasets`), or
    the file name (``"house_price_of_unit_area.csv"``). Works from any working directory.

    The returned DataFrame has the columns of ``DATASET_INFO[name].columns`` in file order
    and a 0..n-1 index. Before it is returned the columns, the row count, every cell
    (a finite number) and the file's SHA-256 sum are checked; any difference raises a
    :class:`DatasetError` that says what changed and how to restore the file.
    """
    info = _info(name)
    path, how = _path_and_origin(info)
    label = _("Data set {name!r} ({path})").format(name=info.name, path=path)
    fix = _("This file differs from the course's copy. {fix}").format(fix=_restore_hint(info, path.parent, how))
    return _read_checked(path, label, columns=info.columns, rows=info.rows,
                         sha256=info.sha256, fix=fix)


def load_csv(path: str | os.PathLike, *, columns: Sequence[str] | None = None,
             sha256: str | None = None, encoding: str | None = None) -> pd.DataFrame:
    """Load a CSV file of your own with the same checks as the course data (lesson 02_03).

    Checks: the file exists and is text, it has a header and at least one data row, every
    cell is a finite number (no text, no empty cells). Optional: ``columns`` (the exact set
    of column names expected; the result has them in that order), ``sha256`` (the expected
    checksum of the file's bytes; a copy that differs only by Windows CRLF line endings
    also matches) and ``encoding`` (e.g. ``'cp1252'``; by default the course guesses).

    Spreadsheet exports load as they are: UTF-8 with or without a byte-order mark, UTF-16
    ('Unicode text'), Korean Excel's cp949; comma, semicolon or tab separators (and
    Excel's ``sep=`` line); decimal commas (``1,5`` in a ``;`` file) and thousands
    separators (``1.234,5``; ``"1,234"`` in a comma file); spaces around column names;
    blank rows above the header; empty columns and cells trailing on the right. Anything
    else it cannot read safely (another encoding, a title row above the header) gets a
    message saying what to change.

    Relative paths are resolved from the current working directory. Raises
    :class:`DatasetNotFoundError` when there is no such file, :class:`DatasetError`
    otherwise; messages name the row (as a spreadsheet numbers it, header = row 1), the
    column and the bad value.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise DatasetError(_("load_csv() needs a file path (str or pathlib.Path), not "
                             "{type}.").format(type=type(path).__name__))
    p = Path(path).expanduser()
    full = p if p.is_absolute() else Path.cwd() / p
    if columns is not None:
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
            raise DatasetError(_("columns= must be a list of column names (strings), e.g. "
                                 "columns=['A', 'B']."))
        columns = list(columns)
        if len(set(columns)) != len(columns):
            raise DatasetError(_("columns= names a column twice: {columns!r}.").format(columns=columns))
    if sha256 is not None and not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha256)):
        raise DatasetError(_("sha256= must be 64 hexadecimal characters (as printed by "
                             "`sha256sum FILE`), not {sha256!r}.").format(sha256=sha256))
    if full.is_dir():
        raise DatasetError(_("{path} is a folder, not a CSV file. Pass the path of the file itself.").format(
            path=full))
    if not full.is_file():
        hint = ""
        for info in _INFOS:
            if p.name.lower() == info.filename.lower():
                hint = _(" This is a course data set: load_dataset({name!r}) finds it from "
                         "any folder.").format(name=info.name)
        raise DatasetNotFoundError(
            _("No file at {full} (from {path!r}; relative paths start at the current "
              "working directory, {cwd}). Check the file name and folder.{hint}").format(
                  full=full, path=str(path), cwd=Path.cwd(), hint=hint)
        )
    if encoding is not None and not isinstance(encoding, str):
        raise DatasetError(_("encoding= must be the name of an encoding, e.g. 'cp949', not {encoding!r}.").format(
            encoding=encoding))
    return _read_checked(full, _("CSV file {path}").format(path=full), columns=columns, sha256=sha256,
                         encoding=encoding)
