"""Hard gates after the decision: service, demand, court enforcement, closing (RULES.md §13.14, §13.15, §13.18).

The decision is served on Monday 2026-06-01 unless a test says otherwise, so the 15-day payment period
ends on Tuesday 2026-06-16.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.engine import transition_blockers
from sanxiang.cases.tests.test_gates_base import HEARING_FINE, SMALL_FINE, GateTestCase
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.procedures import definitions
from sanxiang.procedures.actions import calendar_load_year
from sanxiang.review.testing import pass_review

# The 2027 State Council notice is not in the chinesecalendar package (data up to 2026). These days are
# invented but plausible (New Year, Spring Festival from 除夕 2027-02-05, Qingming, Labour Day, Dragon Boat,
# Mid-Autumn, National Day, with make-up Saturdays), only so that periods can be counted into 2027.
HOLIDAYS_2027 = [
    *[(dt.date(2027, 1, d), "元旦") for d in (1, 2, 3)],
    *[(dt.date(2027, 2, d), "春节") for d in range(5, 14)],
    *[(dt.date(2027, 4, d), "清明节") for d in (3, 4, 5)],
    *[(dt.date(2027, 5, d), "劳动节") for d in range(1, 6)],
    *[(dt.date(2027, 6, d), "端午节") for d in (9, 10, 11)],
    *[(dt.date(2027, 9, d), "中秋节") for d in (15, 16, 17)],
    *[(dt.date(2027, 10, d), "国庆节") for d in range(1, 8)],
]
MAKEUP_2027 = [dt.date(2027, 2, 20), dt.date(2027, 5, 8), dt.date(2027, 9, 26), dt.date(2027, 10, 9)]


class ServiceTests(GateTestCase):
    """Electronic service needs a signed consent; public notice a reason; leaving it witnesses (APL 61; CPL 89-95)."""

    def setUp(self):
        super().setUp()
        self.case = self.decided()

    def test_direct_service_starts_the_payment_period(self):
        case = self.serve(self.case)
        self.assertEqual(case.state, "served")
        self.assertEqual(case.facts["service"]["effective_on"], "2026-06-01")
        self.assertEqual(case.deadlines.get(code="payment_deadline").due_on, dt.date(2026, 6, 16))
        self.assertLastEvent(case, "serve", self.b.officer)

    def test_electronic_service_needs_the_signed_consent(self):
        self.assertRefused(
            "Electronic service needs the party's signed consent", self.serve, self.case, method="electronic"
        )
        case = self.serve(self.case, "electronic", electronic_consent="电子送达地址确认书 2026-0601")
        self.assertEqual(case.facts["service"]["electronic_consent"], "电子送达地址确认书 2026-0601")

    def test_public_notice_needs_a_reason_and_takes_effect_30_days_later(self):
        self.assertRefused("Public notice is allowed only when the party cannot be found", self.serve, self.case,
                           method="public_notice", public_notice_reason="  ")  # fmt: skip
        case = self.serve(self.case, "public_notice", public_notice_reason="当事人下落不明，直接送达、邮寄送达均未成功")
        self.assertEqual(case.facts["service"], {
            "method": "public_notice", "served_on": "2026-06-01", "effective_on": "2026-07-01", "recipient": "张三",
        })  # fmt: skip
        self.assertEqual(case.deadlines.get(code="payment_deadline").due_on, dt.date(2026, 7, 16))

    def test_public_notice_ending_on_a_weekend_takes_effect_on_the_next_working_day(self):
        self.travel("2026-06-05")
        case = self.serve(self.case, "public_notice", public_notice_reason="下落不明")
        self.assertEqual(case.facts["service"]["effective_on"], "2026-07-06")  # 2026-07-05 is a Sunday

    def test_leaving_the_document_needs_witnesses_or_a_recording(self):
        self.assertRefused("needs witnesses or an audio-visual record", self.serve, self.case, method="left")
        for extra in ({"witnesses": ["社区主任 刘某"]}, {"recording": "执法记录仪 DSJ-07 20260601-0931"}):
            with self.subTest(**extra):
                case = self.serve(self.decided(), "left", **extra)
                self.assertEqual(case.state, "served")

    def test_an_unknown_method_is_invalid_input(self):
        with self.assertRaisesMessage(ValidationFailed, "Choose a method of service."):
            self.serve(self.case, "fax")


class DemandAndCourtTests(GateTestCase):
    """A demand only after the payment period; the court only 10 working days after it and in the window (AEL 53, 54)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        calendar_load_year(
            actor=cls.b.system, year=2027, holidays=HOLIDAYS_2027, makeup_workdays=MAKEUP_2027,
            note="Invented for the tests: the real 2027 notice is not available to them.",
        )  # fmt: skip

    def demand(self, case, served_on=None):
        return actions.case_send_demand(actor=self.b.officer, case=case, served_on=served_on or timezone.localdate())

    def apply(self, case):
        return actions.case_apply_court_enforcement(actor=self.b.unit_head, case=case, court="四平市铁西区人民法院")

    def test_no_demand_before_the_payment_period_has_passed(self):
        case = self.served()
        self.travel("2026-06-16")
        self.assertRefused("only after the payment period has passed unpaid", self.demand, case)
        self.travel("2026-06-17")
        case = self.demand(case)
        self.assertEqual(case.facts["demand_served_on"], "2026-06-17")
        self.assertLastEvent(case, "send_demand", self.b.officer)

    def test_no_demand_dated_inside_the_payment_period_or_in_the_future(self):
        case = self.served()
        self.travel("2026-06-20")
        self.assertRefused("only after the payment period", self.demand, case, served_on=dt.date(2026, 6, 16))
        with self.assertRaisesMessage(ValidationFailed, "The service date cannot be in the future."):
            self.demand(case, served_on=dt.date(2026, 6, 21))

    def test_no_demand_when_the_fine_is_paid(self):
        case = self.served()
        case = actions.case_record_payment(
            actor=self.b.officer, case=case, amount_fen=SMALL_FINE, paid_on=timezone.localdate(), receipt_no="No.1"
        )
        self.travel("2026-06-17")
        self.assertRefused("only after the payment period has passed unpaid", self.demand, case)

    def test_the_court_application_window(self):
        """Demand 2026-06-17: 10 working days (the Dragon Boat Festival 19 June not counted) end 2 July;
        the remedy periods end 6 months after service (2026-12-01); the application is due 3 months later."""
        first, last, late = (self.served() for _ in range(3))
        self.travel("2026-06-17")
        first, last, late = (self.demand(case) for case in (first, last, late))
        refusals = [
            ("2026-07-01", "no earlier than 10 working days after the demand notice was served: from 2026-07-02"),
            ("2026-07-02", "The periods for reconsideration and litigation end on 2026-12-01"),
            ("2026-12-01", "The periods for reconsideration and litigation end on 2026-12-01"),
        ]
        for day, reason in refusals:
            with self.subTest(day=day):
                self.travel(day)
                self.assertRefused(reason, self.apply, first)
        self.travel("2026-12-02")
        self.assertEqual(self.apply(first).state, "enforcement")
        self.travel("2027-03-01")
        self.assertEqual(self.apply(last).state, "enforcement")
        self.travel("2027-03-02")
        self.assertRefused("The 3-month period for applying to the court ended on 2027-03-01", self.apply, late)

    def test_court_enforcement_settles_only_after_an_application(self):
        case = self.served()
        self.travel("2026-06-17")
        case = self.demand(case)
        self.assertRefused("The fine is not fully paid or enforced.", actions.case_record_execution, case,
                           actor=self.b.officer, court_enforced=True)  # fmt: skip
        self.travel("2026-12-02")
        case = self.apply(case)
        case = actions.case_record_execution(actor=self.b.officer, case=case, court_enforced=True, note="法院已执行")
        self.assertEqual(case.state, "executed")
        self.assertEqual(
            actions.case_close(actor=self.b.unit_head, case=case, report="法院强制执行完毕").state, "closed"
        )


class ClosingTests(GateTestCase):
    """结案 only with the fine settled and the dossier complete; 归档 only with the dossier complete (§13.18)."""

    def pay(self, case, amount):
        return actions.case_record_payment(
            actor=self.b.officer, case=case, amount_fen=amount, paid_on=timezone.localdate(), receipt_no="No.0001"
        )

    def close(self, case):
        return actions.case_close(actor=self.b.unit_head, case=case, report="执行完毕")

    def test_no_closing_while_the_fine_is_unpaid(self):
        case = self.served()
        self.assertRefused("The fine is not fully paid or enforced.", self.close, case)
        case = self.pay(case, SMALL_FINE - 1)
        self.assertRefused("The fine is not fully paid or enforced.", self.close, case)
        self.assertRefused("The fine is not fully paid or enforced.", actions.case_record_execution, case,
                           actor=self.b.officer)  # fmt: skip
        case = self.close(self.pay(case, 1))
        self.assertEqual(case.state, "closed")
        dossier_issue_missing(actor=self.b.unit_head, case=case)  # 归档 needs the dossier's documents
        self.assertEqual(actions.case_archive(actor=self.b.unit_head, case=case).state, "archived")

    def test_a_requested_hearing_without_its_record_blocks_closing_and_archiving(self):
        """The decision gate already waits for the hearing record, so the checklist is a second line: shown
        here through ``transition_blockers`` on a case whose hearing was requested but not held."""
        case = self.notified(HEARING_FINE)
        self.travel("2026-06-02")
        case = actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())
        proc = definitions.get("general")
        for code in ("close", "archive"):
            with self.subTest(move=code):
                blockers = transition_blockers(case, proc.transition(code), self.b.unit_head)
                self.assertEqual(blockers[0], "The dossier lacks: Hearing record.")
        # 归档 also needs the issued documents (documents.guards ``dossier_complete``), the hearing record among them.
        self.assertIn("Hearing record", transition_blockers(case, proc.transition("archive"), self.b.unit_head)[1])

    def test_a_complete_dossier_with_a_hearing_closes_and_archives(self):
        case = self.notified(HEARING_FINE)
        self.travel("2026-06-02")
        case = actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())
        case = actions.case_schedule_hearing(
            actor=self.b.unit_head, case=case, hearing_on=dt.date(2026, 6, 11), presider=self.b.leader,
            notice_served_on=timezone.localdate(), place="局听证室",
        )  # fmt: skip
        self.travel("2026-06-11")
        case = actions.case_hold_hearing(actor=self.b.unit_head, case=case, record="听证笔录", report="维持")
        pass_review(case=case, author=self.b.officer, reviewer=self.b.reviewer)  # major after a hearing (APL Art. 58)
        case = self.pay(self.serve(self.decide(case, HEARING_FINE)), HEARING_FINE)
        case = self.close(case)
        dossier_issue_missing(actor=self.b.unit_head, case=case)  # 归档 needs the dossier's documents
        case = actions.case_archive(actor=self.b.unit_head, case=case)
        self.assertEqual(case.state, "archived")

    def test_a_served_no_penalty_decision_closes(self):
        case = actions.case_decide_no_penalty(
            actor=self.b.unit_head,
            case=self.concluded(),
            ground="first_offence",
            reasons="初次违法且危害后果轻微并及时改正",
        )
        self.assertEqual(self.close(self.serve(case)).state, "closed")
