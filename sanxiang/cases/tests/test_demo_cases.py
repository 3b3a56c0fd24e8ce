"""``sanxiang demo_data`` also builds a calendar, a catalogue and cases in each typical state, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import chinese_calendar
import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case, CaseEvent, CaseHandler, Deadline, IdType, Party
from sanxiang.catalog.demo import VIOLATIONS
from sanxiang.catalog.models import Violation
from sanxiang.lib.idnumbers import credit_code_problem, id_number_problem
from sanxiang.org.demo import CATEGORIES
from sanxiang.org.selectors import EnforcementAct, officer_qualification, system_user
from sanxiang.procedures.actions import calendar_load_year, calendar_set_day
from sanxiang.procedures.demo import LUNAR_DATES, PROVISIONAL_NOTE, demo_calendar_ensure, statutory_holidays
from sanxiang.procedures.models import CalendarDay, CalendarSource, CalendarYear, DayKind

TZ = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 11, 24, 10, 0, tzinfo=TZ)  # a Tuesday, a working day
NIGHT = dt.datetime(2026, 11, 24, 23, 0, tzinfo=TZ)
NEXT_MORNING = dt.datetime(2026, 11, 25, 9, 30, tzinfo=TZ)

# Argon2 hashes 35 demo passwords per run: a fast hasher keeps these tests quick.
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])

# (procedure, state) of the demo cases (a)-(j), and the lead that inspection (i) opened.
EXPECTED = [
    ("general", "lead"),
    ("general", "registered"),
    ("general", "notified"),
    ("general", "served"),
    ("general", "archived"),
    ("general", "no_penalty"),
    ("simple", "filed"),
    ("inspection", "concluded"),
    ("inspection", "concluded"),
    ("general", "lead"),
    ("compulsory", "applied"),
]


def run_demo() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Case, CaseEvent, CaseHandler, Deadline, Party, Violation, CalendarDay, CalendarYear)
    return {model.__name__: model.objects.count() for model in models}


def case_with(summary_part: str) -> Case:
    return Case.objects.get(summary__contains=summary_part)


@FAST_HASHER
@time_machine.travel(DAYTIME, tick=False)
class DemoCasesTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = run_demo()

    def test_it_builds_one_case_in_each_state_and_nothing_twice(self):
        states = sorted(Case.objects.values_list("procedure", "state"))
        self.assertEqual(states, sorted(EXPECTED))
        before = counts()
        output = run_demo()
        self.assertEqual(counts(), before)
        self.assertNotIn("Created", output)
        self.assertIn("Demo cases:", output)

    def test_it_prints_a_line_per_case_and_the_calendar_warning(self):
        self.assertIn("Created 11 demo cases.", self.output)
        for case in Case.objects.all():
            with self.subTest(case=str(case)):
                self.assertIn(str(case), self.output)
        self.assertIn(f"Provisional calendar for 2027: {PROVISIONAL_NOTE}", self.output)
        self.assertNotIn("seizure was not applied", self.output)

    def test_every_case_replays_to_what_is_stored(self):
        self.maxDiff = None
        for case in Case.objects.all():
            with self.subTest(case=str(case)):
                self.assertEqual(case_replay(case), case_snapshot(case))

    def test_the_handlers_are_two_qualified_officers(self):
        today = timezone.localdate()
        for case in Case.objects.exclude(handler_links=None):
            with self.subTest(case=str(case)):
                handlers = [link.user for link in case.handler_links.select_related("user")]
                self.assertEqual(len(handlers), 2)
                for user in handlers:
                    answer = officer_qualification(
                        user, act=EnforcementAct.INVESTIGATE, category=case.category, region=case.region, on=today
                    )
                    self.assertIs(answer.allowed, True, answer.reasons)

    def test_the_cases_are_spread_over_units_and_the_parties_have_valid_numbers(self):
        self.assertGreaterEqual(Case.objects.values("unit").distinct().count(), 5)
        for party in Party.objects.all():
            with self.subTest(party=party.name):
                if party.id_type == IdType.CREDIT_CODE:
                    self.assertIsNone(credit_code_problem(party.id_number))
                else:
                    self.assertIsNone(id_number_problem(party.id_number, today=timezone.localdate()))

    def test_the_registered_case_has_a_questioning_record_photos_and_a_decision_period_into_2027(self):
        case = Case.objects.get(procedure="general", state="registered")
        events = list(case.events.values_list("transition", flat=True))
        self.assertEqual(events, ["register_lead", "register", "record_transcript", "attach_evidence"])
        self.assertEqual(case.events.get(transition="record_transcript").payload["kind"], "questioning")
        self.assertIn("照片", case.events.get(transition="attach_evidence").payload["description"])
        self.assertEqual(case.deadlines.get(code="decision_period").due_on, dt.date(2027, 2, 22))

    def test_the_notified_case_is_hearing_eligible_with_its_windows_open(self):
        case = Case.objects.get(procedure="general", state="notified")
        self.assertIs(case.facts["hearing_eligible"], True)
        self.assertGreaterEqual(case.facts["notified_penalty"]["fine_fen"], 10_000 * 100)
        windows = case.deadlines.filter(closed_at__isnull=True, code__in=["statement_window", "hearing_request_window"])
        self.assertEqual(windows.count(), 2)
        self.assertTrue(all(w.due_on > timezone.localdate() for w in windows))

    def test_the_decided_case_was_waived_served_in_person_and_awaits_payment(self):
        case = Case.objects.get(procedure="general", state="served")
        self.assertIs(case.facts["waived"], True)
        self.assertEqual(case.facts["service"]["method"], "direct")
        self.assertNotIn("paid_fen", case.facts)
        self.assertTrue(case.deadlines.filter(code="payment_deadline", closed_at__isnull=True).exists())

    def test_the_archived_case_was_paid_with_a_receipt(self):
        case = Case.objects.get(procedure="general", state="archived")
        payment = case.events.get(transition="record_payment").payload
        self.assertTrue(payment["receipt_no"])
        self.assertEqual(payment["amount_fen"], case.facts["decided_penalty"]["fine_fen"])

    def test_the_other_outcomes(self):
        self.assertEqual(Case.objects.get(state="no_penalty").facts["no_penalty_ground"], "first_offence")
        simple = Case.objects.get(procedure="simple")
        self.assertEqual(simple.facts["decided_penalty"]["fine_fen"], 100 * 100)
        self.assertEqual(simple.facts["paid_fen"], 100 * 100)
        results = set(Case.objects.filter(procedure="inspection").values_list("facts__result", flat=True))
        self.assertEqual(results, {"compliant", "violation_found"})
        found = Case.objects.get(procedure="inspection", facts__result="violation_found")
        lead = Case.objects.get(pk=found.facts["opened_case_id"])
        self.assertEqual((lead.source, lead.source_detail), ("inspection", found.lead_number))
        seizure = Case.objects.get(procedure="compulsory")
        self.assertEqual(seizure.facts["measure_kind"], "seize")
        self.assertTrue(seizure.deadlines.filter(code="measure_period", closed_at__isnull=True).exists())

    def test_the_catalogue_cites_provisions_under_the_demo_categories(self):
        codes = {code for code, _name in CATEGORIES}
        self.assertGreaterEqual(len(VIOLATIONS), 12)
        for violation in Violation.objects.filter(code__in=[v.code for v in VIOLATIONS]).select_related("category"):
            with self.subTest(violation=violation.title):
                self.assertIn(violation.category.code, codes)
                self.assertIn("《", violation.violated_provisions)
                self.assertIn("第", violation.penalty_provisions)
        self.assertTrue(Violation.objects.filter(involves_safety=True).exists())

    def test_2027_is_provisional_with_the_statutory_holidays_and_no_make_up_days(self):
        year = CalendarYear.objects.get(year=2027)
        self.assertEqual((year.complete, year.source, year.note), (True, CalendarSource.MANUAL, PROVISIONAL_NOTE))
        days = CalendarDay.objects.filter(date__year=2027)
        self.assertEqual(days.count(), 365)
        self.assertFalse(days.filter(kind=DayKind.MAKEUP_WORKDAY).exists())
        holidays = dict(days.filter(kind=DayKind.HOLIDAY).values_list("date", "name"))
        self.assertEqual(holidays[dt.date(2027, 2, 5)], "春节")  # 除夕
        self.assertEqual(holidays[dt.date(2027, 10, 3)], "国庆节")
        for year_seeded in (2024, 2025, 2026):
            with self.subTest(year=year_seeded):
                row = CalendarYear.objects.get(year=year_seeded)
                self.assertEqual((row.complete, row.source), (True, CalendarSource.CHINESECALENDAR))


@FAST_HASHER
class DemoCasesAtNightTests(TestCase):
    def test_it_skips_the_seizure_at_night_and_adds_it_the_next_morning(self):
        with time_machine.travel(NIGHT, tick=False):
            output = run_demo()
        self.assertFalse(Case.objects.filter(procedure="compulsory").exists())
        self.assertIn("The demo seizure was not applied now", output)
        self.assertIn("at night", output)
        self.assertEqual(Case.objects.count(), len(EXPECTED) - 1)
        with time_machine.travel(NEXT_MORNING, tick=False):
            output = run_demo()
        self.assertIn("Created 1 demo case.", output)
        self.assertEqual(Case.objects.get(procedure="compulsory").state, "applied")
        self.assertEqual(Case.objects.count(), len(EXPECTED))


NOTICE_2027_HOLIDAYS = [(dt.date(2027, 1, 1), "元旦"), (dt.date(2027, 2, 5), "春节"), (dt.date(2027, 2, 6), "春节")]


class DemoCalendarTests(TestCase):
    def test_the_statutory_rules_give_days_that_the_notices_of_2025_and_2026_also_gave_off(self):
        for year in (2025, 2026):
            for day, name in statutory_holidays(year, LUNAR_DATES[year]):
                with self.subTest(day=day):
                    self.assertIs(chinese_calendar.is_holiday(day), True, name)

    def test_2027_has_the_statutory_days_and_their_make_up_days_off(self):
        days = [day.isoformat()[5:] for day, _name in statutory_holidays(2027, LUNAR_DATES[2027])]
        self.assertEqual(
            days,
            ["01-01", "02-05", "02-06", "02-07", "02-08", "02-09", "02-10", "04-05", "05-01", "05-02", "05-03",
             "05-04", "06-09", "09-15", "10-01", "10-02", "10-03", "10-04", "10-05"],
        )  # fmt: skip

    @time_machine.travel(DAYTIME, tick=False)
    def test_it_leaves_a_year_loaded_from_the_notice_alone(self):
        system = system_user()
        makeup = [dt.date(2027, 2, 20)]
        calendar_load_year(
            actor=system, year=2027, holidays=NOTICE_2027_HOLIDAYS, makeup_workdays=makeup, note="国办发明电"
        )
        before = CalendarYear.objects.get(year=2027).revision
        report = demo_calendar_ensure(actor=system, today=timezone.localdate())
        year = CalendarYear.objects.get(year=2027)
        self.assertEqual(
            (year.revision, year.source, year.note), (before, CalendarSource.STATE_COUNCIL_NOTICE, "国办发明电")
        )
        self.assertIs(CalendarDay.objects.get(date=dt.date(2027, 2, 20)).is_workday, True)
        self.assertEqual(report.provisional, [])

    @time_machine.travel(DAYTIME, tick=False)
    def test_it_does_not_replace_hand_corrections_of_a_year_not_loaded(self):
        system = system_user()
        calendar_set_day(
            actor=system, date=dt.date(2027, 3, 8), is_workday=False, kind=DayKind.HOLIDAY, name="补休", note="测试"
        )
        report = demo_calendar_ensure(actor=system, today=timezone.localdate())
        self.assertEqual(report.missing, [2027])
        self.assertIs(CalendarYear.objects.get(year=2027).complete, False)

    @time_machine.travel(DAYTIME, tick=False)
    def test_a_second_run_changes_nothing(self):
        system = system_user()
        first = demo_calendar_ensure(actor=system, today=timezone.localdate())
        revisions = dict(CalendarYear.objects.values_list("year", "revision"))
        second = demo_calendar_ensure(actor=system, today=timezone.localdate())
        self.assertEqual(dict(CalendarYear.objects.values_list("year", "revision")), revisions)
        self.assertEqual((first.seeded, first.provisional), ([2024, 2025, 2026], [2027]))
        self.assertEqual((second.seeded, second.provisional), ([], [2027]))
