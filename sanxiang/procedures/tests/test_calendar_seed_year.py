"""calendar_seed_year: the whole year from the chinesecalendar package, idempotent, keeping corrections."""

from __future__ import annotations

import datetime as dt

from sanxiang.lib.exceptions import AccessDenied, DomainError
from sanxiang.procedures.actions import calendar_seed_year, calendar_set_day
from sanxiang.procedures.models import CalendarDay, CalendarSource, CalendarYear, DayKind
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

D = dt.date


class SeedYearTests(BureauTestCase):
    def test_it_loads_every_day_of_2026_with_kinds_and_names(self):
        year = calendar_seed_year(actor=self.b.sysadmin, year=2026)
        self.assertIs(year.complete, True)
        self.assertEqual(year.source, CalendarSource.CHINESECALENDAR)
        self.assertEqual(year.loaded_by, self.b.sysadmin)
        self.assertEqual(CalendarDay.objects.filter(date__year=2026).count(), 365)
        table = [
            (D(2026, 1, 1), False, DayKind.HOLIDAY, "元旦"),
            (D(2026, 1, 4), True, DayKind.MAKEUP_WORKDAY, "元旦"),
            (D(2026, 2, 14), True, DayKind.MAKEUP_WORKDAY, "春节"),
            (D(2026, 2, 15), False, DayKind.HOLIDAY, "春节"),
            (D(2026, 2, 23), False, DayKind.HOLIDAY, "春节"),
            (D(2026, 2, 24), True, DayKind.WORKDAY, ""),
            (D(2026, 2, 28), True, DayKind.MAKEUP_WORKDAY, "春节"),
            (D(2026, 3, 7), False, DayKind.WEEKEND, ""),
            (D(2026, 5, 9), True, DayKind.MAKEUP_WORKDAY, "劳动节"),
            (D(2026, 9, 20), True, DayKind.MAKEUP_WORKDAY, "国庆节"),
            (D(2026, 10, 7), False, DayKind.HOLIDAY, "国庆节"),
            (D(2026, 10, 8), True, DayKind.WORKDAY, ""),
            (D(2026, 10, 10), True, DayKind.MAKEUP_WORKDAY, "国庆节"),
        ]
        for day, is_workday, kind, name in table:
            with self.subTest(day=day):
                row = CalendarDay.objects.get(date=day)
                self.assertEqual((row.is_workday, row.kind, row.name), (is_workday, kind, name))

    def test_it_writes_an_audit_row_with_the_counts(self):
        calendar_seed_year(actor=self.b.sysadmin, year=2026)
        event = AuditEvent.objects.get(action="calendar.seed_year")
        self.assertEqual(event.actor, self.b.sysadmin)
        self.assertEqual(event.detail, {"year": 2026, "created": 365, "updated": 0, "kept": 0})

    def test_a_rerun_changes_nothing(self):
        first = calendar_seed_year(actor=self.b.sysadmin, year=2026)
        stamps = dict(CalendarDay.objects.values_list("date", "updated_at"))
        again = calendar_seed_year(actor=self.b.system, year=2026)
        self.assertEqual(
            (again.revision, again.loaded_at, again.loaded_by), (first.revision, first.loaded_at, first.loaded_by)
        )
        self.assertEqual(dict(CalendarDay.objects.values_list("date", "updated_at")), stamps)
        last = AuditEvent.objects.filter(action="calendar.seed_year").first()
        assert last is not None
        self.assertEqual(last.detail, {"year": 2026, "created": 0, "updated": 0, "kept": 0})

    def test_it_keeps_a_manual_correction(self):
        calendar_seed_year(actor=self.b.sysadmin, year=2026)
        calendar_set_day(
            actor=self.b.sysadmin, date=D(2026, 3, 6), is_workday=False, kind=DayKind.HOLIDAY, name="停工", note="test"
        )
        calendar_seed_year(actor=self.b.sysadmin, year=2026)
        self.assertIs(CalendarDay.objects.get(date=D(2026, 3, 6)).is_workday, False)
        last = AuditEvent.objects.filter(action="calendar.seed_year").first()
        assert last is not None
        self.assertEqual(last.detail["kept"], 1)

    def test_it_completes_a_year_that_only_had_a_correction(self):
        calendar_set_day(
            actor=self.b.sysadmin, date=D(2026, 3, 6), is_workday=False, kind=DayKind.HOLIDAY, name="停工", note="test"
        )
        self.assertIs(CalendarYear.objects.get(year=2026).complete, False)
        year = calendar_seed_year(actor=self.b.sysadmin, year=2026)
        self.assertIs(year.complete, True)
        self.assertEqual(year.source, CalendarSource.CHINESECALENDAR)

    def test_it_refuses_a_year_the_package_does_not_know(self):
        with self.assertRaisesMessage(DomainError, "no working-day data for 2027"):
            calendar_seed_year(actor=self.b.sysadmin, year=2027)
        self.assertFalse(CalendarYear.objects.filter(year=2027).exists())
        self.assertFalse(CalendarDay.objects.filter(date__year=2027).exists())

    def test_it_refuses_a_year_out_of_range(self):
        with self.assertRaisesMessage(DomainError, "between 2000 and 2100"):
            calendar_seed_year(actor=self.b.sysadmin, year=1999)

    def test_it_refuses_everyone_but_the_system_administrator(self):
        for user in [self.b.officer, self.b.leader, self.b.secadmin, self.b.auditadmin, self.b.reviewer]:
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                calendar_seed_year(actor=user, year=2026)
        self.assertFalse(CalendarDay.objects.exists())

    def test_it_loads_a_leap_year(self):
        calendar_seed_year(actor=self.b.system, year=2024)
        self.assertEqual(CalendarDay.objects.filter(date__year=2024).count(), 366)
