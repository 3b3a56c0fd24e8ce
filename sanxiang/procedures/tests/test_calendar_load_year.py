"""calendar_load_year: a year from the State Council notice, checked before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.procedures.actions import calendar_load_year, calendar_seed_year, calendar_set_day
from sanxiang.procedures.models import CalendarDay, CalendarSource, CalendarYear, DayKind
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

D = dt.date

# Invented test data: NOT the real 2027 notice (a stand-in shaped like one).
HOLIDAYS_2027 = [(D(2027, 1, 1), "元旦"), *[(D(2027, 2, d), "春节") for d in range(5, 14)]]
MAKEUP_2027 = [D(2027, 2, 20)]


class LoadYearTests(BureauTestCase):
    def load(self, **overrides):
        args = {
            "actor": self.b.sysadmin,
            "year": 2027,
            "holidays": HOLIDAYS_2027,
            "makeup_workdays": MAKEUP_2027,
            "note": "测试用通知",
        }
        return calendar_load_year(**{**args, **overrides})

    def test_it_loads_every_day_and_marks_the_year_complete(self):
        year = self.load()
        self.assertIs(year.complete, True)
        self.assertEqual(
            (year.source, year.note, year.loaded_by),
            (CalendarSource.STATE_COUNCIL_NOTICE, "测试用通知", self.b.sysadmin),
        )
        self.assertEqual(CalendarDay.objects.filter(date__year=2027).count(), 365)
        table = [
            (D(2027, 1, 1), False, DayKind.HOLIDAY, "元旦"),  # a Friday
            (D(2027, 1, 2), False, DayKind.WEEKEND, ""),
            (D(2027, 1, 4), True, DayKind.WORKDAY, ""),
            (D(2027, 2, 7), False, DayKind.HOLIDAY, "春节"),  # a Sunday inside the break
            (D(2027, 2, 20), True, DayKind.MAKEUP_WORKDAY, ""),
            (D(2027, 2, 21), False, DayKind.WEEKEND, ""),
        ]
        for day, is_workday, kind, name in table:
            with self.subTest(day=day):
                row = CalendarDay.objects.get(date=day)
                self.assertEqual(
                    (row.is_workday, row.kind, row.name, row.source), (is_workday, kind, name, year.source)
                )
        event = AuditEvent.objects.get(action="calendar.load_year")
        self.assertEqual(event.detail["holidays"], 10)
        self.assertEqual(event.detail["created"], 365)

    def test_a_reload_replaces_the_days_and_corrections(self):
        self.load()
        calendar_set_day(
            actor=self.b.sysadmin, date=D(2027, 3, 1), is_workday=False, kind=DayKind.HOLIDAY, name="停工", note="t"
        )
        revision = CalendarYear.objects.get(year=2027).revision
        self.load(holidays=[(D(2027, 1, 1), "元旦")], makeup_workdays=[])
        self.assertIs(CalendarDay.objects.get(date=D(2027, 3, 1)).is_workday, True)
        self.assertIs(CalendarDay.objects.get(date=D(2027, 2, 8)).is_workday, True)
        self.assertIs(CalendarDay.objects.get(date=D(2027, 2, 20)).is_workday, False)
        self.assertNotEqual(CalendarYear.objects.get(year=2027).revision, revision)

    def test_a_notice_load_overrides_the_package_and_seeding_keeps_it(self):
        # A 2026 "notice" that keeps 2026-03-06 off: seeding afterwards keeps every notice day.
        holidays = [(D(2026, 1, 1), "元旦"), (D(2026, 3, 6), "测试")]
        calendar_load_year(actor=self.b.sysadmin, year=2026, holidays=holidays, makeup_workdays=[])
        year = calendar_seed_year(actor=self.b.sysadmin, year=2026)
        self.assertIs(CalendarDay.objects.get(date=D(2026, 3, 6)).is_workday, False)
        self.assertEqual(year.source, CalendarSource.STATE_COUNCIL_NOTICE)

    def test_it_refuses_a_notice_that_cannot_be_right(self):
        table: list[tuple[str, dict[str, Any], str]] = [
            ("holidays", {"holidays": []}, "at least one holiday"),
            ("holidays", {"holidays": [(D(2026, 12, 31), "元旦")]}, "is not in 2027"),
            ("holidays", {"holidays": [(D(2027, 1, 1), " ")]}, "Give the holiday name"),
            ("holidays", {"holidays": [(D(2027, 1, 1), "元旦"), (D(2027, 1, 1), "元旦")]}, "listed twice"),
            ("makeup_workdays", {"makeup_workdays": [D(2027, 2, 22)]}, "not a Saturday or Sunday"),
            ("makeup_workdays", {"makeup_workdays": [D(2027, 2, 6)]}, "also listed as a holiday"),
            ("makeup_workdays", {"makeup_workdays": [D(2028, 1, 1)]}, "is not in 2027"),
            ("makeup_workdays", {"makeup_workdays": [D(2027, 2, 20), D(2027, 2, 20)]}, "listed twice"),
        ]
        for field, overrides, message in table:
            with self.subTest(message), self.assertRaises(ValidationFailed) as info:
                self.load(**overrides)
            self.assertIn(message, " ".join(info.exception.errors[field]))
        self.assertFalse(CalendarDay.objects.exists())
        self.assertFalse(CalendarYear.objects.exists())

    def test_it_refuses_the_package_as_a_source(self):
        with self.assertRaisesMessage(ValidationFailed, "seed action"):
            self.load(source=CalendarSource.CHINESECALENDAR)

    def test_it_refuses_everyone_but_the_system_administrator(self):
        with self.assertRaises(AccessDenied):
            self.load(actor=self.b.reviewer)
        self.assertFalse(CalendarDay.objects.exists())
