"""The baseline Excel file: import a new draft (all or nothing, with a per-row report), export, round trip."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook

from sanxiang.discretion import excel
from sanxiang.discretion.actions import TierSpec
from sanxiang.discretion.models import Baseline, Level
from sanxiang.discretion.selectors import baseline_content
from sanxiang.discretion.tests.base import DiscretionTestCase, F, W
from sanxiang.lib import xlsx
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.record.models import AuditEvent

JULY_1 = dt.date(2026, 7, 1)


def workbook(rows: Sequence[Sequence[object]], headers: Sequence[str] = excel.HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = excel.SHEET_TITLE
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    return io.BytesIO(xlsx.workbook_bytes(wb))


def row(code: str, circ: str, level: str, types: str, *amounts: object, title: str = "", **cols: str) -> list[object]:
    fines = list(amounts) + [None] * (4 - len(amounts))
    return [code, title, cols.get("violated", ""), cols.get("penalty", ""), circ, level, types, *fines,
            cols.get("description", ""), cols.get("note", "")]  # fmt: skip


GOOD = [
    row("srhw-001", "轻微", "不予处罚", "", title="擅自占用城市道路摆摊设点", note="首违不罚"),
    row("srhw-001", "一般", "一般", "警告、罚款", 100, "500.50", "1,000元", 5000),
    row("srhw-001", "严重", "从重", "罚款", 500.5, 1000, 5000, 10000),
    row(
        "srhw-009", "一般", "一般处罚", "通报批评、责令关闭", violated="第十七条（自拟）", penalty="第三十四条（自拟）"
    ),
]


class ImportTests(DiscretionTestCase):
    def import_(self, source: io.BytesIO, version: str = "2026-X") -> Baseline:
        return excel.baseline_import(actor=self.b.reviewer, source=source, version=version, effective_from=JULY_1)

    def test_a_good_file_becomes_a_draft_version(self) -> None:
        baseline = self.import_(workbook(GOOD))
        self.assertFalse(hasattr(baseline, "approval"))
        self.assertEqual(baseline.effective_from, JULY_1)
        first, second = baseline.items.order_by("violation__code")
        self.assertEqual((first.violated_provisions, first.note), (self.violation.violated_provisions, "首违不罚"))
        tiers = list(first.tiers.all())
        self.assertEqual([(t.circumstance, t.level) for t in tiers],
                         [("轻微", "no_penalty"), ("一般", "ordinary"), ("严重", "heavier")])  # fmt: skip
        self.assertEqual(
            (tiers[1].types, tiers[1].person_min_fen, tiers[1].person_max_fen, tiers[1].org_min_fen),
            (["warning", "fine"], 10_000, 50_050, 100_000),
        )
        self.assertEqual(tiers[2].person_min_fen, 50_050)
        self.assertEqual(second.violated_provisions, "第十七条（自拟）")
        self.assertEqual(second.tiers.get().types, ["criticism", "restrict_activity"])

    def test_a_file_with_errors_writes_nothing_and_names_each_row(self) -> None:
        rows = [
            GOOD[1],  # row 2: fine
            row("nope-1", "一般", "一般", "罚款", 1, 2),  # row 3: unknown code
            row("srhw-001", "较重", "一般", "罚款", 1, 2, title="别的名字"),  # row 4: title mismatch
            row("srhw-001", "严重", "特别严重", "罚款", 1, 2),  # row 5: bad level
            row("srhw-001", "甲", "一般", "罚款", "abc", 2),  # row 6: bad amount
            row("srhw-001", "乙", "一般", "罚款", 9, 2),  # row 7: max below min
            row("srhw-001", "一般", "一般", "警告"),  # row 8: circumstance twice
            row("srhw-001", "丙", "一般", "罚金"),  # row 9: unknown type
            row("srhw-001", "丁", "不予处罚", "警告"),  # row 10: no penalty with a type
            row("srhw-001", "戊", "一般", "警告", 1, 2),  # row 11: amounts without a fine
            row("srhw-001", "己", "一般", "罚款", 1.005, 2),  # row 12: three decimals
            row("srhw-001", "庚", "一般", "罚款", violated="另一条"),  # row 13: no range / provisions differ
        ]
        with self.assertRaises(excel.BaselineImportRefused) as refused:
            self.import_(workbook(rows))
        found = {(p.row, p.column) for p in refused.exception.problems}
        expected = {
            (3, excel.CODE), (4, excel.TITLE), (5, excel.LEVEL), (6, excel.P_MIN), (7, excel.P_MAX),
            (8, excel.CIRCUMSTANCE), (9, excel.TYPES), (10, excel.TYPES), (11, excel.TYPES), (12, excel.P_MIN),
            (13, excel.P_MIN),
        }  # fmt: skip
        self.assertEqual(found - {(13, excel.VIOLATED)}, expected)
        self.assertNotIn(2, {p.row for p in refused.exception.problems})
        self.assertFalse(Baseline.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="baseline.import", outcome="failure").exists())

    def test_a_provision_differing_between_rows_of_a_violation_is_reported(self) -> None:
        rows = [
            row("srhw-009", "一般", "一般", "警告", violated="甲"),
            row("srhw-009", "严重", "从重", "警告", violated="乙"),
        ]
        with self.assertRaises(excel.BaselineImportRefused) as refused:
            self.import_(workbook(rows))
        self.assertEqual([(p.row, p.column) for p in refused.exception.problems], [(3, excel.VIOLATED)])

    def test_it_refuses_files_that_are_not_the_template(self) -> None:
        cases = [
            ("not a workbook", io.BytesIO(b"PK\x03\x04 not really a zip"), "not an Excel workbook"),
            ("missing columns", workbook([["srhw-001"]], headers=[excel.CODE]), "columns of the template"),
            ("no rows", workbook([]), "no rows"),
        ]
        for label, source, message in cases:
            with self.subTest(label), self.assertRaisesMessage(excel.BaselineImportRefused, message):
                self.import_(source)
        self.assertFalse(Baseline.objects.exists())

    def test_a_version_name_in_use_is_refused_on_the_version(self) -> None:
        self.import_(workbook(GOOD))
        with self.assertRaises(ValidationFailed) as refused:
            self.import_(workbook(GOOD))
        self.assertIn("version", refused.exception.errors)
        self.assertNotIsInstance(refused.exception, excel.BaselineImportRefused)


class ExportTests(DiscretionTestCase):
    def test_export_then_import_gives_the_same_content(self) -> None:
        tiers = [
            TierSpec("轻微", Level.NO_PENALTY, description='=HYPERLINK("http://x")'),
            TierSpec("一般", Level.ORDINARY, frozenset({W, F}), 10_050, 50_000, None, None, "+1 情节"),
        ]
        source = self.approved("2026-A", tiers=tiers)
        data = excel.baseline_workbook(source)
        copy = excel.baseline_import(
            actor=self.b.reviewer, source=io.BytesIO(data), version="2026-B", effective_from=JULY_1
        )
        self.assertEqual(baseline_content(copy), baseline_content(source))

    def test_no_exported_string_becomes_a_formula(self) -> None:
        source = self.approved("2026-A", tiers=[TierSpec("轻微", Level.NO_PENALTY, description="=1+1")])
        ws = load_workbook(io.BytesIO(excel.baseline_workbook(source)))[excel.SHEET_TITLE]
        cell = ws.cell(row=2, column=excel.HEADERS.index(excel.DESCRIPTION) + 1)
        self.assertEqual((cell.value, cell.data_type), ("=1+1", "s"))

    def test_the_template_lists_the_catalogue_and_its_example_row_imports(self) -> None:
        wb = load_workbook(io.BytesIO(excel.template_workbook()))
        self.assertEqual([c.value for c in wb[excel.SHEET_TITLE][1]], list(excel.HEADERS))
        codes = [r[0] for r in wb[excel.HELP_TITLE].iter_rows(values_only=True)]
        self.assertIn("srhw-001", codes)
        baseline = excel.baseline_import(
            actor=self.b.reviewer, source=io.BytesIO(excel.template_workbook()), version="t", effective_from=JULY_1
        )
        self.assertEqual(baseline.items.get().tiers.get().person_min_fen, 50_000)
