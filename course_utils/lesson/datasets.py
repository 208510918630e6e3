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
                f"The environment variable {ENV_VAR} is set to {env!r}, but {folder} is not a "
                f"folder. Point {ENV_VAR} at the folder that holds the course CSV files, or "
                f"unset it to use the copy that comes with the course."
            )
        return folder, f"from {ENV_VAR}", [f"{folder} (from {ENV_VAR})"]
    if _is_course_repo(_REPO_ROOT):
        return _REPO_ROOT / "datasets", "repository", [f"{_REPO_ROOT / 'datasets'} (the repository's datasets/ folder)"]
    looked.append(f"{_REPO_ROOT / 'datasets'} (no course repository around the package)")
    if _PACKAGED_DIR.is_dir():
        return _PACKAGED_DIR, "package", looked + [f"{_PACKAGED_DIR} (copy inside the installed package)"]
    looked.append(f"{_PACKAGED_DIR} (no copy inside the installed package)")
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
            "Cannot find the course data folder. Looked in:\n  - " + "\n  - ".join(looked)
            + f"\nFix: run the notebooks from a checkout of the course repository (its "
              f"datasets/ folder), reinstall the package (pip install -e . from the repository), "
              f"or set {ENV_VAR} to a folder holding the course CSV files."
        )
    return folder, how, looked


def _info(name: object) -> DatasetInfo:
    if not isinstance(name, str):
        hint = (" To load a CSV file of your own, use load_csv(path)."
                if isinstance(name, os.PathLike) else "")
        raise DatasetError(
            f"A data set name must be a string, not {type(name).__name__} {name!r}. "
            f"Known names: {', '.join(repr(n) for n in list_datasets())}.{hint}"
        )
    key = name.strip().lower()
    for info in _INFOS:
        fname = info.filename.lower()
        if key in (info.name, fname, fname.removesuffix(".csv")):
            return info
    known = ", ".join(f"{i.name!r} ({i.filename})" for i in _INFOS)
    hint = (" To load a CSV file of your own, use load_csv(path)."
            if ("/" in name or "\\" in name or key.endswith(".csv")) else "")
    close = difflib.get_close_matches(key, [i.name for i in _INFOS] + [i.filename.lower() for i in _INFOS], n=1)
    guess = f" Did you mean {close[0]!r}?" if close else ""
    raise DatasetError(f"Unknown data set {name!r}.{guess} Known data sets: {known}.{hint}")


def _restore_hint(info: DatasetInfo, folder: Path, how: str) -> str:
    if how == "repository":
        return (f"Restore it from the repository root with `git checkout -- datasets/{info.filename}` "
                f"(or copy the original {info.filename} back into {folder}).")
    if how.startswith("from"):
        return (f"Copy the original {info.filename} (from the course repository's datasets/ "
                f"folder) into {folder}, or unset {ENV_VAR} to use the course's own copy.")
    return (f"Reinstall the course package to restore it (pip install --force-reinstall "
            f"nn-basics-course), or set {ENV_VAR} to a folder holding the original {info.filename}.")


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
            f"Data set {info.name!r} is missing: there is no file {path}. "
            f"Looked in: {'; '.join(looked)}. " + _restore_hint(info, folder, how)
        )
    return path, how


# ---------------------------------------------------------------------------------------
# Reading and checking a CSV
# ---------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _line(row_position: int) -> str:
    """Describe a data row as a spreadsheet would: the header is row 1."""
    return f"row {row_position + 2} of the file (DataFrame index {row_position})"


def _names(items: Iterable[object]) -> str:
    return ", ".join(repr(x) for x in items)


def _decode(data: bytes, label: str) -> str:
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DatasetError(
            f"{label} is not a CSV text file: it looks like an Excel workbook. Open it in "
            f"your spreadsheet program and save it as 'CSV UTF-8 (comma delimited)'."
        )
    try:
        return data.decode("utf-8-sig")        # utf-8-sig: a byte-order mark is dropped
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{label} is not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} "
            f"cannot be decoded. Save the file as UTF-8 (in Excel: 'CSV UTF-8 (comma "
            f"delimited)'), then load it again."
        ) from None


def _parse(text: str, label: str) -> pd.DataFrame:
    if not text.strip():
        raise DatasetError(
            f"{label} is empty (no header, no rows). Restore the file or write a header line "
            f"and at least one row of numbers."
        )
    # Structure first, with the csv module, so that messages can name the exact row.
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DatasetError(f"{label} could not be read as CSV ({exc}). Save it again as a plain "
                           f"comma-separated text file.") from None
    if not "".join(rows[0]).strip():
        raise DatasetError(f"{label}: the first line is blank. The first line must hold the "
                           f"column names (the header); delete the blank line(s) above it.")
    header = [h.strip() for h in rows[0]]
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise DatasetError(
            f"{label}: the header names column(s) {_names(dupes)} more than once. "
            f"Give every column a distinct name in the first line of the file."
        )
    if "" in header:
        pos = header.index("")
        raise DatasetError(
            f"{label}: column {pos + 1} of the header (row 1) has no name. Give every column "
            f"a name, or delete the extra comma at the end of the first line."
        )
    blank = [not "".join(r).strip() for r in rows]
    last = len(rows)
    while last > 1 and blank[last - 1]:          # blank lines at the very end are harmless
        last -= 1
    for i in range(1, last):
        if blank[i]:
            raise DatasetError(f"{label}: {_line(i - 1)} is blank. Delete the blank line(s) "
                               f"inside the data.")
        if len(rows[i]) != len(header):
            trailing = " (a comma at the end of the line?)" if len(rows[i]) > len(header) and not rows[i][-1].strip() else ""
            raise DatasetError(
                f"{label}: {_line(i - 1)} has {len(rows[i])} value{'s' * (len(rows[i]) != 1)} "
                f"but the header has {len(header)} columns{trailing}. Every row needs one "
                f"value per column."
            )
    if last == 1:
        raise DatasetError(
            f"{label} has a header ({_names(rows[0])}) but no data rows. Add rows of "
            f"numbers below the header."
        )
    try:
        df = pd.read_csv(io.StringIO(text), skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        lines = str(exc).strip().splitlines()
        detail = lines[-1] if lines else type(exc).__name__
        raise DatasetError(
            f"{label} could not be read as CSV ({detail}). Save it again as a plain "
            f"comma-separated text file with one header line."
        ) from None
    return df


def _check_columns(df: pd.DataFrame, expected: Sequence[str], label: str) -> None:
    have = [str(c) for c in df.columns]
    missing = [c for c in expected if c not in have]
    unexpected = [c for c in have if c not in expected]
    if not missing and not unexpected:
        return
    parts = []
    if missing:
        parts.append(f"missing column(s): {_names(missing)}")
    if unexpected:
        parts.append(f"unexpected column(s): {_names(unexpected)}")
    msg = f"{label} does not have the expected columns: " + "; ".join(parts) + "."
    if missing and unexpected:
        msg += " Was a column renamed (check spelling, case and spaces)?"
        if sorted(h.strip() for h in have) == sorted(expected):
            msg += " Here the names only differ by spaces around them: remove those spaces."
    if len(have) == 1 and re.search(r"[;\t|]", have[0]):
        msg += (" The header looks separated by ';', tab or '|': save the file with commas "
                "as separators.")
    msg += f" Expected exactly: {_names(expected)}."
    raise DatasetError(msg)


def _check_numbers(df: pd.DataFrame, label: str) -> pd.DataFrame:
    """Every column numeric (not bool), every cell finite; returns the numeric frame."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            raise DatasetError(
                f"{label}: column {col!r} holds True/False values, not numbers. "
                f"Write them as 1 and 0 in the file."
            )
        if not pd.api.types.is_numeric_dtype(s):
            as_num = pd.to_numeric(s, errors="coerce")
            blank = s.isna() | (s.astype("string").str.strip() == "")    # counted as empty below
            bad = (~blank & as_num.isna()).to_numpy(dtype=bool)
            if bad.any():
                rows = np.flatnonzero(bad)
                first = int(rows[0])
                shown = "; ".join(f"{_line(int(r))}: {s.iloc[int(r)]!r}" for r in rows[:_MAX_LISTED])
                more = f" (and {len(rows) - _MAX_LISTED} more)" if len(rows) > _MAX_LISTED else ""
                sep_hint = ""
                if re.search(r"[;\t|]", str(col)):
                    sep_hint = (" The header looks separated by ';', tab or '|': save the file "
                                "with commas as separators.")
                raise DatasetError(
                    f"{label}: column {col!r} must hold numbers, but {_line(first)} has "
                    f"{s.iloc[first]!r}. Non-numeric cell(s): {shown}{more}. Fix or delete "
                    f"those cells (use a dot as the decimal separator, no units or thousands "
                    f"separators).{sep_hint}"
                )
            s = as_num
        out[col] = s
    num = pd.DataFrame(out, index=df.index)
    values = num.to_numpy(dtype="float64", na_value=np.nan)
    nan = np.isnan(values)
    if nan.any():
        cells = np.argwhere(nan)
        shown = "; ".join(f"{_line(int(r))}, column {num.columns[int(c)]!r}" for r, c in cells[:_MAX_LISTED])
        more = f" (and {len(cells) - _MAX_LISTED} more)" if len(cells) > _MAX_LISTED else ""
        raise DatasetError(
            f"{label} has {len(cells)} empty (NaN/NA) cell(s): {shown}{more}. Fill in the "
            f"missing numbers or delete those rows; the course does not guess missing values."
        )
    inf = np.isinf(values)
    if inf.any():
        cells = np.argwhere(inf)
        shown = "; ".join(f"{_line(int(r))}, column {num.columns[int(c)]!r}" for r, c in cells[:_MAX_LISTED])
        raise DatasetError(
            f"{label} has {len(cells)} infinite cell(s): {shown}. Replace them with finite numbers."
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
            f"{label} has changed: its SHA-256 is {actual}, expected {expected.lower()}. "
            f"The course checks each file so that everyone computes the same numbers. {fix}"
        )


def _read_checked(path: Path, label: str, *, columns: Sequence[str] | None,
                  rows: int | None = None, sha256: str | None = None,
                  fix: str = "") -> pd.DataFrame:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{label} cannot be read ({exc.strerror or exc}). Check the file's permissions.") from None
    suffix = f" {fix}" if fix else ""
    try:
        if not data:
            raise DatasetError(f"{label} is empty (0 bytes). Restore the file or write a header "
                               f"line and at least one row of numbers.")
        text = _decode(data, label).replace("\r\n", "\n").replace("\r", "\n")   # any line ending
        df = _parse(text, label)
        if columns is not None:
            _check_columns(df, columns, label)
        df = _check_numbers(df, label)
        if rows is not None and len(df) != rows:
            raise DatasetError(f"{label} has {len(df)} data rows, expected {rows}.")
    except DatasetError as exc:
        raise DatasetError(f"{exc}{suffix}") from None
    if sha256 is not None:
        _check_sha(data, sha256, label, fix or "Restore the original file.")
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
    label = f"Data set {info.name!r} ({path})"
    fix = ("This file differs from the course's copy. " + _restore_hint(info, path.parent, how))
    return _read_checked(path, label, columns=info.columns, rows=info.rows,
                         sha256=info.sha256, fix=fix)


def load_csv(path: str | os.PathLike, *, columns: Sequence[str] | None = None,
             sha256: str | None = None) -> pd.DataFrame:
    """Load a CSV file of your own with the same checks as the course data (lesson 02_03).

    Checks: the file exists and is UTF-8 text (a byte-order mark is fine), it has a header
    and at least one data row, every cell is a finite number (no text, no empty cells).
    Optional: ``columns`` (the exact set of column names expected; the result has them in
    that order) and ``sha256`` (the expected checksum of the file's bytes; a copy that
    differs only by Windows CRLF line endings also matches).

    Relative paths are resolved from the current working directory. Raises
    :class:`DatasetNotFoundError` when there is no such file, :class:`DatasetError`
    otherwise; messages name the row (as a spreadsheet numbers it, header = row 1), the
    column and the bad value.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise DatasetError(f"load_csv() needs a file path (str or pathlib.Path), not "
                           f"{type(path).__name__}.")
    p = Path(path).expanduser()
    full = p if p.is_absolute() else Path.cwd() / p
    if columns is not None:
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
            raise DatasetError("columns= must be a list of column names (strings), e.g. "
                               "columns=['A', 'B'].")
        columns = list(columns)
        if len(set(columns)) != len(columns):
            raise DatasetError(f"columns= names a column twice: {columns!r}.")
    if sha256 is not None and not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha256)):
        raise DatasetError(f"sha256= must be 64 hexadecimal characters (as printed by "
                           f"`sha256sum FILE`), not {sha256!r}.")
    if full.is_dir():
        raise DatasetError(f"{full} is a folder, not a CSV file. Pass the path of the file itself.")
    if not full.is_file():
        hint = ""
        for info in _INFOS:
            if p.name.lower() == info.filename.lower():
                hint = (f" This is a course data set: load_dataset({info.name!r}) finds it from "
                        f"any folder.")
        raise DatasetNotFoundError(
            f"No file at {full} (from {str(path)!r}; relative paths start at the current "
            f"working directory, {Path.cwd()}). Check the file name and folder.{hint}"
        )
    return _read_checked(full, f"CSV file {full}", columns=columns, sha256=sha256)
