"""Safe writing (no formula injection) and bounded, typed reading of .xlsx files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from sanxiang.lib import xlsx

RISKY = [
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "#N/A",
    "=cmd|'/C calc'!A0",
]


def _saved(rows: Sequence[Sequence[object]], *, write_only: bool = True, title: str = "Sheet") -> bytes:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet(title) if write_only else wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(xlsx.safe_row(ws, row))
    return xlsx.workbook_bytes(wb)


def _cells(data: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in ws.iter_rows()]


class SafeWritingTests(SimpleTestCase):
    def test_it_stores_formula_like_strings_as_literal_text(self) -> None:
        for write_only in (True, False):
            cells = _cells(_saved([RISKY], write_only=write_only))[0]
            for cell, value in zip(cells, RISKY, strict=True):
                with self.subTest(value=value, write_only=write_only):
                    self.assertEqual(cell.data_type, "s")  # type: ignore[attr-defined]
                    self.assertEqual(cell.value, value)  # type: ignore[attr-defined]
                    self.assertIs(cell.quotePrefix, True)  # type: ignore[attr-defined]

    def test_it_would_be_a_formula_without_the_guard(self) -> None:
        """The pitfall the guard exists for (openpyxl 3.1): a raw "=" string is saved as a formula."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet")
        ws.append(["=1+1"])
        cell = _cells(xlsx.workbook_bytes(wb))[0][0]
        self.assertEqual(cell.data_type, "f")  # type: ignore[attr-defined]

    def test_it_leaves_ordinary_values_alone(self) -> None:
        cells = _cells(_saved([["王执法", 2025, dt.date(2024, 1, 2), None, "a-b", "2024-01-01"]]))[0]
        self.assertEqual([c.value for c in cells[:2]], ["王执法", 2025])  # type: ignore[attr-defined]
        self.assertIs(cells[0].quotePrefix, False)  # type: ignore[attr-defined]
        self.assertEqual(cells[2].value, dt.datetime(2024, 1, 2))  # type: ignore[attr-defined]
        self.assertEqual(cells[2].number_format, "yyyy-mm-dd")  # type: ignore[attr-defined]
        self.assertEqual([c.value for c in cells[4:]], ["a-b", "2024-01-01"])  # type: ignore[attr-defined]

    def test_it_drops_characters_a_worksheet_cannot_hold(self) -> None:
        cells = _cells(_saved([["王\x00执\x1b法", "=\x07x"]]))[0]
        self.assertEqual(cells[0].value, "王执法")  # type: ignore[attr-defined]
        self.assertEqual((cells[1].value, cells[1].data_type), ("=x", "s"))  # type: ignore[attr-defined]


class ReadSheetTests(SimpleTestCase):
    def read(self, data: bytes, **kwargs: object) -> xlsx.Sheet:
        options: dict[str, object] = {"max_rows": 100, **kwargs}
        return xlsx.read_sheet(io.BytesIO(data), **options)  # type: ignore[arg-type]

    def assert_refused(self, data: bytes, code: str, **kwargs: object) -> None:
        with self.assertRaises(xlsx.XlsxError) as caught:
            self.read(data, **kwargs)
        self.assertEqual(caught.exception.code, code)

    def test_it_gives_rows_with_the_numbers_excel_shows(self) -> None:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append([" 姓名 ", "年份"])
        ws.append(["甲", 2024])
        ws["A5"], ws["B5"] = "乙", "  "
        ws["A7"] = "   "
        sheet = self.read(xlsx.workbook_bytes(wb))
        self.assertEqual(sheet.header[:3], ("姓名", "年份", ""))
        self.assertEqual([(r.number, r.values[:2]) for r in sheet.rows], [(2, ("甲", 2024)), (5, ("乙", "  "))])

    def test_it_prefers_the_named_sheet(self) -> None:
        wb = Workbook()
        first = wb.active
        assert first is not None
        first.append(["other"])
        wb.create_sheet("名册").append(["wanted"])
        self.assertEqual(self.read(xlsx.workbook_bytes(wb), sheet_name="名册").header[0], "wanted")
        self.assertEqual(self.read(xlsx.workbook_bytes(wb), sheet_name="missing").header[0], "other")

    def test_it_refuses_files_that_are_not_workbooks(self) -> None:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("hello.txt", "not a workbook")
        for data in (b"name,phone\n", b"PK\x03\x04broken", archive.getvalue(), b""):
            with self.subTest(data=data[:10]):
                self.assert_refused(data, xlsx.XlsxError.UNREADABLE)

    def test_it_refuses_an_empty_workbook(self) -> None:
        self.assert_refused(xlsx.workbook_bytes(Workbook()), xlsx.XlsxError.EMPTY)

    def test_it_refuses_more_rows_than_allowed(self) -> None:
        data = _saved([["h"], ["1"], ["2"], ["3"]])
        self.assertEqual(len(self.read(data, max_rows=3).rows), 3)
        self.assert_refused(data, xlsx.XlsxError.TOO_MANY_ROWS, max_rows=2)

    def test_it_refuses_a_file_that_unpacks_too_large(self) -> None:
        self.assert_refused(_saved([["h"], ["x" * 5000]]), xlsx.XlsxError.TOO_BIG, max_unpacked_bytes=4000)


class RowReaderTests(SimpleTestCase):
    def reader(self, *values: object) -> tuple[xlsx.RowReader, list[xlsx.Problem]]:
        problems: list[xlsx.Problem] = []
        index = {f"c{i}": i for i in range(len(values))}
        return xlsx.RowReader(xlsx.SheetRow(7, values), index, problems), problems

    def test_it_reads_dates_from_excel_dates_and_text(self) -> None:
        cases: list[tuple[object, dt.date | None]] = [
            (dt.datetime(2024, 1, 2, 0, 0), dt.date(2024, 1, 2)),
            (dt.date(2024, 1, 2), dt.date(2024, 1, 2)),
            ("2024-01-02", dt.date(2024, 1, 2)),
            ("2024/1/2", dt.date(2024, 1, 2)),
            ("2024年1月2日", dt.date(2024, 1, 2)),
            (None, None),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                cells, problems = self.reader(value)
                self.assertEqual(cells.date("c0"), expected)
                self.assertEqual(problems, [])

    def test_it_reports_a_bad_date_with_row_column_and_value(self) -> None:
        for value in ("2024-02-30", "next week", 45292):
            with self.subTest(value=value):
                cells, problems = self.reader(value)
                self.assertIsNone(cells.date("c0"))
                self.assertEqual([(p.row, p.column, p.value) for p in problems], [(7, "c0", str(value))])
                self.assertIs(cells.failed, True)

    def test_it_reads_text_years_and_choices(self) -> None:
        cells, problems = self.reader(12345.0, " 2025 ", "协管", "x" * 6, "1999.5", "其他", None)
        self.assertEqual(cells.text("c0"), "12345")
        self.assertEqual(cells.year("c1"), 2025)
        self.assertEqual(cells.choice("c2", {"在编": "est", "协管": "aux"}), "aux")
        self.assertEqual(problems, [])
        self.assertEqual(cells.text("c3", max_length=5), "x" * 6)
        self.assertIsNone(cells.year("c4"))
        self.assertIsNone(cells.choice("c5", {"在编": "est"}))
        self.assertIsNone(cells.choice("c6", {"在编": "est"}, required=True))
        self.assertEqual([p.column for p in problems], ["c3", "c4", "c5", "c6"])

    def test_it_matches_lists_and_reports_unknown_and_ambiguous_names(self) -> None:
        names = {"a": ["A"], "b": ["B"], "twin": ["T1", "T2"]}

        def find(token: str) -> list[str]:
            return names.get(token, [])

        cells, problems = self.reader("a、b, a，b", "a、nope、twin", "", "b")
        self.assertEqual(cells.many("c0", find), ["A", "B", "A", "B"])
        self.assertEqual(cells.many("c1", find), ["A"])
        self.assertEqual(cells.many("c2", find, required=True), [])
        self.assertEqual(cells.one("c3", find), "B")
        self.assertEqual(
            [(p.column, p.message) for p in problems][:2],
            [("c1", "Unknown: nope."), ("c1", "twin is ambiguous: use the code.")],
        )
        self.assertEqual(problems[2].column, "c2")

    def test_it_finds_columns_in_any_order(self) -> None:
        index, missing = xlsx.header_index(("b", "", "a", "extra", "a"), ["a", "b", "c"])
        self.assertEqual((index, missing), ({"a": 2, "b": 0}, ["c"]))
