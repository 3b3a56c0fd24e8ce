"""Hard gates before the decision: prior notice, hearing, no heavier penalty (RULES.md §13.7, §13.8, §13.9).

Unless a test travels elsewhere, the prior notice is served on Monday 2026-06-01: the statement window
(settings.STATEMENT_WINDOW_WORKING_DAYS = 3) ends on 2026-06-04, the hearing request window (5 working
days) on 2026-06-08.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.tests.test_gates_base import HEARING_FINE, SMALL_FINE, GateTestCase
from sanxiang.review.testing import pass_review


class PriorNoticeTests(GateTestCase):
    """No decision until the windows after the notice close, or the party waived (APL Art. 44, 62, 64)."""

    def test_it_refuses_a_decision_while_statements_may_still_be_made(self):
        case = self.notified()
        self.assertIs(case.facts["hearing_eligible"], False)
        self.travel("2026-06-04")
        self.assertRefused("may still make statements or request a hearing until 2026-06-04", self.decide, case)
        self.travel("2026-06-05")
        case = self.decide(case)
        self.assertEqual(case.state, "decided")
        self.assertLastEvent(case, "decide", self.b.unit_head)

    def test_a_recorded_waiver_allows_the_decision_at_once(self):
        case = self.notified()
        case = actions.case_waive_rights(
            actor=self.b.officer, case=case, signed_on=dt.date(2026, 6, 1), note="当场放弃"
        )
        self.assertEqual(self.decide(case).state, "decided")

    def test_a_hearing_eligible_case_waits_for_the_hearing_window(self):
        case = self.notified(HEARING_FINE)
        self.assertIs(case.facts["hearing_eligible"], True)
        self.travel("2026-06-08")
        self.assertRefused("until 2026-06-08", self.decide, case, fine_fen=HEARING_FINE)
        self.travel("2026-06-09")
        self.assertEqual(self.decide(case, HEARING_FINE).state, "decided")

    def test_a_waiver_does_not_carry_over_to_a_new_notice(self):
        case = self.notified()
        case = actions.case_waive_rights(actor=self.b.officer, case=case, signed_on=dt.date(2026, 6, 1))
        self.travel("2026-06-02")
        case = self.notify(case, 40_000)
        self.assertRefused("until 2026-06-05", self.decide, case, fine_fen=40_000)


class HearingTests(GateTestCase):
    """A hearing requested in time is held before the decision, noticed 7 working days ahead (APL Art. 64, 65)."""

    def hearing_case(self, requested: str = "2026-06-02"):
        """A hearing-eligible case notified today, the hearing requested on ``requested``."""
        case = self.notified(HEARING_FINE)
        self.travel(requested)
        return actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())

    def schedule(self, case, hearing_on, presider=None, notice_served_on=None):
        return actions.case_schedule_hearing(
            actor=self.b.unit_head, case=case, hearing_on=hearing_on, presider=presider or self.b.leader,
            notice_served_on=notice_served_on or timezone.localdate(), place="局听证室",
        )  # fmt: skip

    def hold(self, case):
        return actions.case_hold_hearing(actor=self.b.unit_head, case=case, record="听证笔录……", report="维持")

    def test_a_request_on_the_last_day_of_the_window_opens_the_hearing(self):
        case = self.hearing_case(requested="2026-06-08")
        self.assertEqual((case.state, case.facts["hearing_requested_on"]), ("hearing", "2026-06-08"))
        self.assertLastEvent(case, "request_hearing", self.b.officer)

    def test_a_request_after_the_window_is_refused(self):
        case = self.notified(HEARING_FINE)
        self.travel("2026-06-09")
        self.assertRefused(
            "A hearing must be requested within 5 working days after the prior notice",
            actions.case_request_hearing,
            case,
            actor=self.b.officer,
            requested_on=dt.date(2026, 6, 9),
        )

    def test_a_request_is_refused_when_the_penalty_gives_no_right_to_a_hearing(self):
        case = self.notified(SMALL_FINE)
        self.assertRefused(
            "does not give a right to a hearing",
            actions.case_request_hearing,
            case,
            actor=self.b.officer,
            requested_on=dt.date(2026, 6, 1),
        )

    def test_the_hearing_notice_counts_working_days_across_holidays(self):
        """Labour Day (1-5 May, Sat 9 May worked) and the Dragon Boat Festival (19-21 June 2026)."""
        table = [
            ("2026-04-20", "2026-04-21", dt.date(2026, 4, 28), dt.date(2026, 5, 8), "2026-05-11"),
            ("2026-06-01", "2026-06-02", dt.date(2026, 6, 12), dt.date(2026, 6, 23), "2026-06-24"),
        ]
        for start, requested, notice_on, too_early, earliest in table:
            with self.subTest(notice_on=notice_on):
                self.travel(start)
                case = self.hearing_case(requested)
                self.travel(notice_on.isoformat())
                self.assertRefused(
                    f"at least 7 working days before the hearing: the earliest date is {earliest}",
                    self.schedule,
                    case,
                    hearing_on=too_early,
                )
                case = self.schedule(case, dt.date.fromisoformat(earliest))
                self.assertEqual(case.facts["hearing_on"], earliest)

    def test_a_handler_cannot_preside(self):
        case = self.hearing_case()
        for handler in (self.b.officer, self.b.officer2):
            with self.subTest(presider=handler.username):
                self.assertRefused(
                    "The presider must not be an investigator of the case",
                    self.schedule,
                    case,
                    hearing_on=dt.date(2026, 6, 11),
                    presider=handler,
                )
        case = self.schedule(case, dt.date(2026, 6, 11), presider=self.b.leader)
        self.assertEqual(case.facts["hearing_presider_id"], self.b.leader.pk)

    def test_the_hearing_is_recorded_only_once_scheduled_and_not_before_its_day(self):
        case = self.hearing_case()
        self.assertRefused("Schedule the hearing first.", self.hold, case)
        case = self.schedule(case, dt.date(2026, 6, 11))
        self.travel("2026-06-10")
        self.assertRefused("The hearing is scheduled for 2026-06-11", self.hold, case)
        self.travel("2026-06-11")
        self.assertIs(self.hold(case).facts["hearing_held"], True)

    def test_no_decision_after_a_request_until_the_hearing_record(self):
        case = self.schedule(self.hearing_case(), dt.date(2026, 6, 11))
        self.travel("2026-06-11")
        self.assertRefused(
            "The party requested a hearing: decide only after the hearing record",
            self.decide,
            case,
            fine_fen=HEARING_FINE,
        )
        case = self.hold(case)
        # A hearing was held: the decision is major and waits for a passed legal review (APL Art. 58 (二)).
        self.assertRefused("needs a passed legal review", self.decide, case, fine_fen=HEARING_FINE)
        pass_review(case=case, author=self.b.officer, reviewer=self.b.reviewer)
        case = self.decide(case, HEARING_FINE)
        self.assertEqual(case.state, "decided")

    def test_a_new_notice_and_a_new_request_need_a_new_hearing(self):
        case = self.schedule(self.hearing_case(), dt.date(2026, 6, 11))
        self.travel("2026-06-11")
        case = self.hold(case)
        case = self.notify(case, 2 * HEARING_FINE)
        self.assertEqual(case.state, "notified")
        self.travel("2026-06-12")
        case = actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())
        self.travel("2026-06-17")
        self.assertRefused("decide only after the hearing record", self.decide, case, fine_fen=2 * HEARING_FINE)
        self.assertRefused("Schedule the hearing first.", self.hold, case)


class NotHeavierThanNotifiedTests(GateTestCase):
    """The decided penalty is never heavier than the notified one, unless a new notice is served (APL Art. 45)."""

    def setUp(self):
        super().setUp()
        self.case = self.notified(SMALL_FINE)
        self.travel("2026-06-05")

    def test_a_higher_fine_or_an_added_type_is_refused(self):
        attempts = [
            (("fine",), SMALL_FINE + 1),
            (("fine", "warning"), SMALL_FINE),
            (("fine", "confiscate_property"), SMALL_FINE),
            # Any type not notified counts as heavier, even a warning instead of the fine (a conservative
            # reading of APL Art. 45: the party was told of a fine only).
            (("warning",), 0),
        ]
        for types, fine in attempts:
            with self.subTest(types=types, fine=fine):
                self.assertRefused(
                    "The penalty is heavier than the one notified: serve a new prior notice first",
                    self.decide,
                    self.case,
                    fine_fen=fine,
                    types=types,
                )

    def test_the_same_penalty_is_allowed(self):
        case = self.decide(self.case, SMALL_FINE)
        self.assertEqual(
            case.facts["decided_penalty"], {"types": ["fine"], "fine_fen": SMALL_FINE, "confiscation_fen": 0}
        )

    def test_a_lower_penalty_is_allowed(self):
        self.assertEqual(self.decide(self.case, SMALL_FINE - 10_000).facts["decided_penalty"]["fine_fen"], 40_000)

    def test_a_fine_after_a_warning_only_notice_is_refused(self):
        case = self.notified(0, ("warning",))
        self.travel("2026-06-11")
        self.assertRefused("heavier than the one notified", self.decide, case, fine_fen=100)

    def test_a_new_notice_allows_the_heavier_penalty(self):
        case = self.notify(self.case, 60_000)
        self.assertEqual(case.facts["notified_penalty"]["fine_fen"], 60_000)
        self.assertEqual(list(case.events.values_list("transition", flat=True)).count("notify"), 2)
        self.travel("2026-06-11")
        self.assertEqual(self.decide(case, 60_000).facts["decided_penalty"]["fine_fen"], 60_000)
