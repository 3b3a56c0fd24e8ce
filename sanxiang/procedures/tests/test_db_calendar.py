"""db_calendar with sanxiang.lib.daycount: the deadlines of RULES.md §14 on the seeded 2026 calendar."""

from __future__ import annotations

import datetime as dt

from sanxiang.lib.daycount import CalendarMissing, add_calendar_days, add_months, add_working_days
from sanxiang.procedures.actions import calendar_load_year, calendar_seed_year, calendar_set_day
from sanxiang.procedures.calendar import calendar_cache_clear, db_calendar
from sanxiang.procedures.models import DayKind
from sanxiang.testing import BureauTestCase

D = dt.date

# Invented test data: NOT the real 2027 notice (a stand-in shaped like one).
HOLIDAYS_2027 = [(D(2027, 1, 1), "元旦"), *[(D(2027, 2, d), "春节") for d in range(5, 14)]]
MAKEUP_2027 = [D(2027, 2, 20)]


class DbCalendarTests(BureauTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        calendar_seed_year(actor=cls.b.system, year=2026)

    def setUp(self):
        calendar_cache_clear()

    def test_working_day_deadlines_2026(self):
        cal = db_calendar()
        table = [
            # (why, start, working days, expected)
            ("先行登记保存 decision, 7 WD across the Spring Festival", D(2026, 2, 10), 7, D(2026, 2, 26)),
            ("hearing request, 5 WD across National Day", D(2026, 9, 29), 5, D(2026, 10, 12)),
            ("withdrawal, 3 WD across National Day ends on make-up Sat", D(2026, 9, 30), 3, D(2026, 10, 10)),
            ("service, 7 WD after 元旦 counting Sun 01-04", D(2026, 1, 1), 7, D(2026, 1, 12)),
            ("2 WD over Labour Day", D(2026, 4, 30), 2, D(2026, 5, 7)),
            ("5 WD over Labour Day ends on Sat 05-09", D(2026, 4, 29), 5, D(2026, 5, 9)),
        ]
        for why, start, n, expected in table:
            with self.subTest(why):
                self.assertEqual(add_working_days(start, n, cal), expected)

    def test_calendar_day_deadlines_roll_past_holidays(self):
        cal = db_calendar()
        table = [
            ("pay fine, 15 CD ending on 10-01", D(2026, 9, 16), 15, D(2026, 10, 8)),
            ("15 CD ending on the Spring Festival", D(2026, 2, 1), 15, D(2026, 2, 24)),
            ("15 CD ending on make-up Sat 02-28 stays", D(2026, 2, 13), 15, D(2026, 2, 28)),
            ("90 CD from filing", D(2026, 7, 3), 90, D(2026, 10, 8)),
        ]
        for why, start, n, expected in table:
            with self.subTest(why):
                self.assertEqual(add_calendar_days(start, n, cal), expected)
        self.assertEqual(add_months(D(2026, 7, 4), 3, cal), D(2026, 10, 8))

    def test_a_deadline_in_2027_raises_calendar_missing_naming_the_year(self):
        cal = db_calendar()
        with self.assertRaisesMessage(CalendarMissing, "calendar for 2027 is not loaded") as info:
            add_working_days(D(2026, 12, 28), 5, cal)
        self.assertEqual(info.exception.year, 2027)

    def test_after_loading_the_2027_notice_it_computes(self):
        calendar_load_year(actor=self.b.sysadmin, year=2027, holidays=HOLIDAYS_2027, makeup_workdays=MAKEUP_2027)
        cal = db_calendar()
        # 12-29, 12-30, 12-31, (01-01 off, 01-02/03 weekend), 01-04, 01-05.
        self.assertEqual(add_working_days(D(2026, 12, 28), 5, cal), D(2027, 1, 5))
        # 02-04 Thu, (02-05..13 off), 02-15 Mon ... make-up Sat 02-20 counts.
        self.assertEqual(add_working_days(D(2027, 2, 3), 7, cal), D(2027, 2, 20))

    def test_it_reads_each_year_once(self):
        cal = db_calendar()
        add_working_days(D(2026, 1, 5), 5, cal)  # warm the cache
        with self.assertNumQueries(1):
            cal = db_calendar()
            add_working_days(D(2026, 1, 5), 200, cal)

    def test_a_correction_is_seen_at_once(self):
        cal = db_calendar()
        self.assertEqual(add_working_days(D(2026, 3, 5), 1, cal), D(2026, 3, 6))
        calendar_set_day(
            actor=self.b.sysadmin, date=D(2026, 3, 6), is_workday=False, kind=DayKind.HOLIDAY, name="停工", note="t"
        )
        self.assertEqual(add_working_days(D(2026, 3, 5), 1, db_calendar()), D(2026, 3, 9))

    def test_a_year_with_only_a_correction_is_still_missing(self):
        calendar_set_day(
            actor=self.b.sysadmin, date=D(2027, 1, 1), is_workday=False, kind=DayKind.HOLIDAY, name="元旦", note="t"
        )
        with self.assertRaises(CalendarMissing):
            db_calendar()(D(2027, 1, 4))
