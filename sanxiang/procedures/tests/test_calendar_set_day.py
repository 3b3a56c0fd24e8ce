"""calendar_set_day: one day corrected by hand, audited, with its reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanxiang.lib.daycount import add_working_days
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.procedures.actions import calendar_seed_year, calendar_set_day
from sanxiang.procedures.calendar import db_calendar
from sanxiang.procedures.models import CalendarDay, CalendarSource, DayKind
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

D = dt.date


class SetDayTests(BureauTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        calendar_seed_year(actor=cls.b.system, year=2026)

    def set(self, **overrides):
        args = {
            "actor": self.b.sysadmin,
            "date": D(2026, 10, 10),
            "is_workday": False,
            "kind": DayKind.WEEKEND,
            "name": "",
            "note": "按更正通知",
        }
        return calendar_set_day(**{**args, **overrides})

    def test_it_changes_a_deadline_and_writes_an_audit_row(self):
        # 3 WD from 09-30: 10-08, 10-09, make-up Sat 10-10. Without the make-up day: Mon 10-12.
        self.assertEqual(add_working_days(D(2026, 9, 30), 3, db_calendar()), D(2026, 10, 10))
        row = self.set()
        self.assertEqual(add_working_days(D(2026, 9, 30), 3, db_calendar()), D(2026, 10, 12))
        self.assertEqual((row.source, row.updated_by, row.note), (CalendarSource.MANUAL, self.b.sysadmin, "按更正通知"))
        event = AuditEvent.objects.get(action="calendar.set_day")
        self.assertEqual(event.actor, self.b.sysadmin)
        self.assertEqual(event.object_id, str(row.pk))
        self.assertEqual(
            event.detail,
            {
                "date": "2026-10-10",
                "before": {"is_workday": True, "kind": "makeup_workday", "name": "国庆节"},
                "after": {"is_workday": False, "kind": "weekend", "name": ""},
                "note": "按更正通知",
            },
        )

    def test_it_refuses_a_contradictory_correction(self):
        table: list[tuple[str, dict[str, Any], str]] = [
            ("kind", {"is_workday": True, "kind": DayKind.WEEKEND}, "does not agree"),
            ("kind", {"date": D(2026, 10, 9), "kind": DayKind.WEEKEND}, "Only a Saturday or Sunday"),
            ("kind", {"date": D(2026, 10, 9), "is_workday": True, "kind": DayKind.MAKEUP_WORKDAY}, "Only a Saturday"),
            ("kind", {"is_workday": True, "kind": DayKind.WORKDAY}, "is a make-up working day"),
            ("name", {"kind": DayKind.HOLIDAY, "name": " "}, "name of the holiday"),
            ("name", {"kind": DayKind.HOLIDAY, "name": "节" * 61}, "too long"),
            ("note", {"note": " "}, "reason for the correction"),
        ]
        for field, overrides, message in table:
            with self.subTest(message), self.assertRaises(ValidationFailed) as info:
                self.set(**overrides)
            self.assertIn(message, " ".join(info.exception.errors[field]))
        self.assertEqual(CalendarDay.objects.get(date=D(2026, 10, 10)).source, CalendarSource.CHINESECALENDAR)
        self.assertFalse(AuditEvent.objects.filter(action="calendar.set_day").exists())

    def test_it_refuses_everyone_but_the_system_administrator(self):
        for user in [self.b.officer, self.b.leader, self.b.secadmin]:
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                self.set(actor=user)
        self.assertIs(CalendarDay.objects.get(date=D(2026, 10, 10)).is_workday, True)

    def test_the_system_actor_may_correct(self):
        row = self.set(actor=self.b.system, date=D(2026, 3, 6), kind=DayKind.HOLIDAY, name="停工")
        self.assertIs(row.is_workday, False)
