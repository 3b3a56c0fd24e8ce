"""``sanxiang calendar``: seed, show and load, with clear errors on bad input."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from sanxiang.procedures.models import CalendarDay, CalendarYear
from sanxiang.record.models import AuditEvent


class CalendarCommandTests(TestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("calendar", *args, stdout=out)
        return out.getvalue()

    def notice_file(self, data: object) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "notice.json"
        path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def test_seed_one_year_and_a_range(self):
        self.run_command("seed", "--year", "2026")
        self.assertIs(CalendarYear.objects.get(year=2026).complete, True)
        self.run_command("seed", "--years", "2024-2025")
        self.assertEqual(list(CalendarYear.objects.values_list("year", flat=True)), [2024, 2025, 2026])
        self.assertEqual(CalendarDay.objects.count(), 366 + 365 + 365)
        self.assertEqual(AuditEvent.objects.filter(action="calendar.seed_year", actor__username="system").count(), 3)

    def test_show_lists_holidays_and_make_up_days(self):
        self.run_command("seed", "--year", "2026")
        out = self.run_command("show", "--year", "2026")
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("2026"))
        self.assertTrue(any(line.startswith("2026-02-14") and "春节" in line for line in lines))
        self.assertTrue(any(line.startswith("2026-10-01") and "国庆节" in line for line in lines))
        self.assertFalse(any(line.startswith("2026-03-07") for line in lines))

    def test_load_a_notice_file(self):
        path = self.notice_file({"holidays": [["2027-01-01", "元旦"]], "makeup_workdays": ["2027-02-20"]})
        self.run_command("load", "--year", "2027", "--file", path, "--note", "测试")
        year = CalendarYear.objects.get(year=2027)
        self.assertEqual((year.complete, year.note), (True, "测试"))
        self.assertIs(CalendarDay.objects.get(date=dt.date(2027, 2, 20)).is_workday, True)

    def test_bad_input_is_a_command_error(self):
        table = [
            (("seed", "--year", "2027"), "no working-day data for 2027"),
            (("seed", "--years", "2026-2024"), "increasing range"),
            (("seed", "--years", "2026"), "must look like 2024-2026"),
            (("seed",), "one of the arguments --year --years is required"),
            (("show", "--year", "2031"), "not loaded"),
            (("load", "--year", "2027", "--file", "/nonexistent/notice.json"), "Cannot read"),
            (("frobnicate",), "invalid choice"),
        ]
        for args, message in table:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.run_command(*args)

    def test_bad_notice_files_are_command_errors(self):
        table = [
            ("{not json", "is not valid JSON"),
            ({"holidays": []}, 'exactly "holidays" and "makeup_workdays"'),
            ({"holidays": {}, "makeup_workdays": []}, "must be lists"),
            ({"holidays": [["2027-13-01", "元旦"]], "makeup_workdays": []}, "holidays[0]: 2027-13-01 is not a date"),
            ({"holidays": [["2027-01-01"]], "makeup_workdays": []}, "holidays[0]: expected"),
            ({"holidays": [["2027-01-01", "元旦"]], "makeup_workdays": [20270220]}, "makeup_workdays[0]: expected"),
            ({"holidays": [["2027-01-01", "元旦"]], "makeup_workdays": ["2027-02-22"]}, "not a Saturday or Sunday"),
        ]
        for data, message in table:
            with self.subTest(message), self.assertRaisesMessage(CommandError, message):
                self.run_command("load", "--year", "2027", "--file", self.notice_file(data))
        self.assertFalse(CalendarYear.objects.exists())
