"""Writing and reading .xlsx files safely (openpyxl), independent of any model.

Writing: openpyxl stores a string that starts with "=" as a formula, and
Excel evaluates a cell that starts with = + - @ (or a tab or CR before one of
them) once a person edits it; a name such as ``=HYPERLINK(...)`` in a roster
would run on the reader's machine (CSV/formula injection, OWASP). Every string
goes through ``text_value``: a risky one is stored as an inline string with
the "quote prefix" style, which is what Excel itself does when a person types
a leading apostrophe, so it shows as text, stays text when edited, and reads
back unchanged.

Reading: ``read_sheet`` opens an upload in read-only mode with bounded work
(declared unpacked size, rows, columns) and returns plain values with the row
numbers Excel shows; ``RowReader`` turns one row's cells into typed values and
collects a ``Problem`` (row, column, value, message) for each bad cell.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, TypeVar

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Strings openpyxl would store as an error cell instead of text.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
# Control characters that XML 1.0 (and so a worksheet) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Consecutive blank rows after which a sheet is taken to end: Excel often
# records formatting down to row 1,048,576.
_BLANK_RUN_LIMIT = 1000


def is_risky_text(value: str) -> bool:
    """True when Excel could treat ``value`` as a formula or an error code."""
    return value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES


def clean_text(value: str) -> str:
    """Return ``value`` without the control characters a worksheet cannot store (32,767 characters at most)."""
    return _ILLEGAL.sub("", value)[:32767]


def text_value(ws: Any, value: object) -> object:
    """Return what to put in a write-only row for ``value``: strings are always stored as text.

    A risky string becomes a cell with ``data_type`` "s" and the quote-prefix
    style; other values (numbers, dates, None, safe strings) pass unchanged.
    """
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not is_risky_text(text):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # openpyxl made "=..." a formula ("f") and "#N/A" an error ("e")
    cell.quotePrefix = True
    return cell


def safe_row(ws: Any, values: Iterable[object]) -> list[object]:
    """Return a row for ``ws.append`` (write-only or normal sheet) in which no string can become a formula."""
    return [text_value(ws, v) for v in values]


def workbook_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` and return the file's bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class XlsxError(Exception):
    """The upload cannot be read as a sheet; ``code`` is one of the ``XlsxError.*`` constants."""

    UNREADABLE = "unreadable"
    TOO_BIG = "too_big"
    EMPTY = "empty"
    TOO_MANY_ROWS = "too_many_rows"

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row: ``number`` as Excel shows it (the header is row 1)."""

    number: int
    values: tuple[object, ...]


@dataclass(frozen=True)
class Sheet:
    header: tuple[str, ...]
    rows: list[SheetRow]


def _is_blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _check_unpacked_size(source: IO[bytes], max_unpacked_bytes: int) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XlsxError(XlsxError.UNREADABLE) from None
    finally:
        source.seek(0)
    if total > max_unpacked_bytes:
        raise XlsxError(XlsxError.TOO_BIG)


def _open(source: IO[bytes]) -> Workbook:
    try:
        return load_workbook(source, read_only=True, data_only=True)
    # openpyxl raises whatever its zip and XML layers raise on a damaged file
    # (KeyError, ValueError, TypeError, BadZipFile, ParseError, ...).
    except Exception:
        raise XlsxError(XlsxError.UNREADABLE) from None


def _rows(ws: Any, max_rows: int, max_cols: int) -> list[SheetRow]:
    rows: list[SheetRow] = []
    blank_run = 0
    for number, values in enumerate(ws.iter_rows(min_row=2, max_col=max_cols, values_only=True), start=2):
        if _is_blank(values):
            blank_run += 1
            if blank_run >= _BLANK_RUN_LIMIT:
                break
            continue
        blank_run = 0
        if len(rows) >= max_rows:
            raise XlsxError(XlsxError.TOO_MANY_ROWS)
        rows.append(SheetRow(number, tuple(values)))
    return rows


def _pick_sheet(wb: Workbook, sheet_name: str | None) -> Any:
    sheets = [ws for ws in wb.worksheets if isinstance(ws, ReadOnlyWorksheet)]
    named = [ws for ws in sheets if ws.title == sheet_name]
    if not sheets:
        raise XlsxError(XlsxError.EMPTY)
    return (named or sheets)[0]


def _read(wb: Workbook, sheet_name: str | None, max_rows: int, max_cols: int) -> Sheet:
    ws = _pick_sheet(wb, sheet_name)
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=max_cols, values_only=True), ())
    if _is_blank(first):
        raise XlsxError(XlsxError.EMPTY)
    header = tuple(shown(v) for v in first)
    return Sheet(header, _rows(ws, max_rows, max_cols))


def read_sheet(
    source: IO[bytes],
    *,
    max_rows: int,
    sheet_name: str | None = None,
    max_cols: int = 64,
    max_unpacked_bytes: int = 100 * 1024 * 1024,
) -> Sheet:
    """Read the sheet ``sheet_name`` (else the first sheet) of an .xlsx upload.

    Guarantees: row 1 is returned as the stripped header; blank rows are
    skipped; at most ``max_rows`` data rows (else ``XlsxError`` TOO_MANY_ROWS);
    formulas give their cached value (None when never calculated); the
    workbook is closed before returning. Raises ``XlsxError`` for a file that
    is not a readable workbook, unpacks to more than ``max_unpacked_bytes``,
    or has no header row.
    """
    _check_unpacked_size(source, max_unpacked_bytes)
    wb = _open(source)
    try:
        return _read(wb, sheet_name, max_rows, max_cols)
    except XlsxError:
        raise
    except Exception:  # a damaged sheet part surfaces only while iterating
        raise XlsxError(XlsxError.UNREADABLE) from None
    finally:
        wb.close()


# --- Typed reading of one row -----------------------------------------------------------

T = TypeVar("T")
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_YEAR_RE = re.compile(r"^\d{4}$")
_LIST_SPLIT = re.compile(r"[、,，]")


@dataclass(frozen=True)
class Problem:
    """One bad cell: ``row`` as Excel shows it (1: the header, 0: the whole file), column title, value, message."""

    row: int
    column: str
    value: str
    message: str


def shown(value: object) -> str:
    """A cell value as text: dates as YYYY-MM-DD, whole floats without ".0", strings stripped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_index(header: Sequence[str], columns: Iterable[str]) -> tuple[dict[str, int], list[str]]:
    """Return the position of each of ``columns`` in ``header`` and the columns missing from it."""
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        if title and title not in index:
            index[title] = position
    wanted = list(columns)
    return {c: index[c] for c in wanted if c in index}, [c for c in wanted if c not in index]


class RowReader:
    """Typed access to the cells of one row, by column title.

    Each accessor returns the parsed value, or an empty value after adding a
    ``Problem`` to ``problems`` (and setting ``failed``); it never raises.
    """

    def __init__(self, row: SheetRow, index: Mapping[str, int], problems: list[Problem]) -> None:
        self.number = row.number
        self.problems = problems
        self.raw = {c: row.values[i] if i < len(row.values) else None for c, i in index.items()}
        self.shown = {c: shown(v) for c, v in self.raw.items()}
        self.failed = False

    def fail(self, column: str, message: str) -> None:
        """Record a problem with this row's cell in ``column``."""
        self.failed = True
        self.problems.append(Problem(self.number, column, self.shown.get(column, ""), message))

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        """The stripped text of the cell ("" when blank)."""
        value = self.shown[column]
        if required and not value:
            self.fail(column, _("This column is required."))
        elif max_length and len(value) > max_length:
            self.fail(column, _("At most %(n)s characters.") % {"n": max_length})
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        """An Excel date, or text YYYY-MM-DD (also with / . or 年月日); None when blank."""
        value = self.raw[column]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not self.shown[column]:
            self._missing(column, required)
            return None
        match = _DATE_RE.match(self.shown[column])
        try:
            if match:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
        self.fail(column, _("Enter a date (an Excel date or YYYY-MM-DD)."))
        return None

    def _missing(self, column: str, required: bool) -> None:
        if required:
            self.fail(column, _("This column is required."))

    def year(self, column: str) -> int | None:
        """A four-digit year; None when blank."""
        value = self.shown[column]
        if not value:
            return None
        if not _YEAR_RE.match(value):
            self.fail(column, _("Enter a year such as 2025."))
            return None
        return int(value)

    def choice(self, column: str, labels: Mapping[str, T], *, required: bool = False) -> T | None:
        """The value whose label (or value) is in the cell; None when blank."""
        value = self.shown[column]
        if not value:
            self._missing(column, required)
            return None
        found = labels.get(value)
        if found is None:
            found = next((v for v in labels.values() if v == value), None)
        if found is None:
            self.fail(column, _("Use one of: %(v)s.") % {"v": "、".join(labels)})
        return found

    def one(self, column: str, find: Callable[[str], list[T]], *, required: bool = False) -> T | None:
        """The object named in the cell, which must match exactly one; None when blank."""
        value = self.shown[column]
        if not value:
            self._missing(column, required)
            return None
        return self._match(column, value, find)

    def many(self, column: str, find: Callable[[str], list[T]], *, required: bool = False) -> list[T]:
        """The objects named in the cell, separated by 、 or a comma; each must match exactly one."""
        tokens = [t.strip() for t in _LIST_SPLIT.split(self.shown[column]) if t.strip()]
        if not tokens:
            self._missing(column, required)
        found = [self._match(column, token, find) for token in tokens]
        return [f for f in found if f is not None]

    def _match(self, column: str, token: str, find: Callable[[str], list[T]]) -> T | None:
        matches = find(token)
        if len(matches) == 1:
            return matches[0]
        if matches:
            self.fail(column, _("%(v)s is ambiguous: use the code.") % {"v": token})
        else:
            self.fail(column, _("Unknown: %(v)s.") % {"v": token})
        return None


# --- Template and import sheets shared by every Excel import (roster, devices…) -------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
EXAMPLE_FONT = Font(italic=True, color="808080")


def start_sheet(ws: Any, widths: Sequence[int]) -> None:
    """Set the column widths and freeze the header row."""
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    ws.freeze_panes = "A2"


def header_cells(ws: Any, titles: Iterable[str]) -> list[object]:
    """Bold, shaded header cells for a write-only sheet."""
    cells: list[object] = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    return cells


def add_choice(ws: Any, column: int, formula: str, *, strict: bool, max_rows: int) -> None:
    """A drop-down on data rows 2.. of the 0-based ``column``; ``strict`` refuses other values, else warns."""
    letter = get_column_letter(column + 1)
    style: Literal["stop", "warning"] = "stop" if strict else "warning"
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle=style)
    rule.showErrorMessage = True
    rule.add(f"{letter}2:{letter}{max_rows + 1}")
    ws.add_data_validation(rule)


def open_import_sheet(
    source: IO[bytes], *, sheet_name: str, max_rows: int, refuse: Callable[[str], Exception]
) -> Sheet:
    """Read an uploaded import file's sheet; every unreadable file becomes ``refuse(message)`` (raised)."""
    messages = {
        XlsxError.UNREADABLE: _("The file is not an Excel workbook (.xlsx) or it is damaged."),
        XlsxError.TOO_BIG: _("The workbook is too large to import."),
        XlsxError.EMPTY: _("The workbook is empty: row 1 must hold the column headers of the template."),
        XlsxError.TOO_MANY_ROWS: _("The file has more than %(n)s rows: split it into several files.") % {"n": max_rows},
    }
    try:
        sheet = read_sheet(source, max_rows=max_rows, sheet_name=sheet_name)
    except XlsxError as exc:
        raise refuse(messages[exc.code]) from None
    if not sheet.rows:
        raise refuse(_("The workbook has column headers but no rows to import."))
    return sheet
