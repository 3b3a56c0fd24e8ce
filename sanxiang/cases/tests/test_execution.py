"""Execution of a fine: deferred or instalment payment (APL Art. 66 para 2) and the late-payment surcharge
(APL Art. 72 (一), 73 para 3; AEL Art. 45), through the actions, the case page and the API.

The decision (a fine of 500 yuan) is served on Monday 2026-06-01, so the 15-day payment period ends on
Tuesday 2026-06-16 and the first day of surcharge is 2026-06-17.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from sanxiang.apitokens.actions import api_token_issue
from sanxiang.cases import actions, execution
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_gates_base import SMALL_FINE, GateTestCase
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed

D = dt.date
PERIOD_END = D(2026, 6, 16)
#: Two instalments of 200 and 300 yuan, approved on 2026-06-10.
INSTALMENTS = [(D(2026, 7, 1), 20_000), (D(2026, 8, 3), 30_000)]


class ExecutionTestCase(GateTestCase):
    def approve(self, case: Case, kind: str = "instalments", schedule: Any = None, reason: str = "经营困难") -> Case:
        return actions.case_approve_deferral(
            actor=self.b.unit_head, case=case, kind=kind, schedule=INSTALMENTS if schedule is None else schedule,
            reason=reason,
        )  # fmt: skip

    def pay(self, case: Case, amount: int, paid_on: dt.date | None = None) -> Case:
        return actions.case_record_payment(
            actor=self.b.officer, case=case, amount_fen=amount, paid_on=paid_on or timezone.localdate(),
            receipt_no="No.0001",
        )  # fmt: skip

    def demand(self, case: Case) -> Case:
        return actions.case_send_demand(actor=self.b.officer, case=case, served_on=timezone.localdate())

    def state(self, case: Case) -> execution.Execution:
        case.refresh_from_db()
        state = execution.case_execution(case, on=timezone.localdate())
        assert state is not None
        return state


class DeferralTests(ExecutionTestCase):
    """A head approves paying later or in instalments; the dates replace the payment period."""

    def setUp(self):
        super().setUp()
        self.case = self.served()
        self.travel("2026-06-10")

    def test_it_approves_instalments_and_moves_the_payment_deadline(self):
        case = self.approve(self.case)
        self.assertEqual(case.facts["payment_schedule"], {
            "kind": "instalments",
            "instalments": [{"due_on": "2026-07-01", "amount_fen": 20_000}, {"due_on": "2026-08-03", "amount_fen": 30_000}],
            "paid_before_fen": 0, "approved_on": "2026-06-10",
        })  # fmt: skip
        self.assertLastEvent(case, "approve_deferral", self.b.unit_head)
        self.assertEqual(case.events.get(transition="approve_deferral").payload, {"reason": "经营困难"})
        rows = list(case.deadlines.filter(code="payment_deadline").order_by("id"))
        self.assertEqual([(r.started_on, r.due_on, r.closed_at is None) for r in rows], [
            (D(2026, 6, 1), PERIOD_END, False), (D(2026, 6, 10), D(2026, 7, 1), True),
        ])  # fmt: skip
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_it_approves_a_deferral_to_one_date(self):
        case = self.approve(self.case, "deferral", [(D(2026, 9, 1), SMALL_FINE)])
        self.assertEqual(case.deadlines.get(code="payment_deadline", closed_at__isnull=True).due_on, D(2026, 9, 1))
        self.assertEqual(self.state(case).next_due_on, D(2026, 9, 1))

    def test_the_schedule_adds_up_to_what_is_still_owed(self):
        case = self.pay(self.case, 10_000)
        case = self.approve(case, schedule=[(D(2026, 7, 1), 15_000), (D(2026, 8, 3), 25_000)])
        self.assertEqual(case.facts["payment_schedule"]["paid_before_fen"], 10_000)
        state = self.state(self.pay(case, 15_000))
        self.assertEqual([(i.amount_fen, i.paid_fen, i.settled) for i in state.instalments], [
            (15_000, 15_000, True), (25_000, 0, False),
        ])  # fmt: skip
        self.assertEqual((state.paid_fen, state.outstanding_fen, state.next_due_on), (25_000, 25_000, D(2026, 8, 3)))

    def test_it_refuses_a_schedule_that_breaks_the_rules(self):
        table = [
            ("monthly", INSTALMENTS, "经营困难", "kind", "Choose deferred payment or payment in instalments."),
            ("deferral", INSTALMENTS, "经营困难", "schedule", "Deferred payment has one date"),
            ("instalments", [(D(2026, 7, 1), SMALL_FINE)], "经营困难", "schedule", "at least two dates"),
            ("instalments", [], "经营困难", "schedule", "Enter at least one date and amount."),
            ("instalments", [(D(2026, 7, 1), 0), (D(2026, 8, 3), SMALL_FINE)], "x", "schedule", "must be positive"),
            ("instalments", INSTALMENTS[::-1], "x", "schedule", "The dates must be in order"),
            ("instalments", [(D(2026, 7, 1), 20_000), (D(2026, 7, 1), 30_000)], "x", "schedule", "must be in order"),
            ("deferral", [(PERIOD_END, SMALL_FINE)], "x", "schedule",
             "Every date must be after the end of the payment period (2026-06-16) and not in the past."),
            ("instalments", [(D(2026, 7, 1), 20_000), (D(2026, 8, 3), 20_000)], "x", "schedule",
             "The amounts add up to 400.00 yuan, but 500.00 yuan is owed"),
            ("instalments", INSTALMENTS, "  ", "reason", "Record the party's reason"),
        ]  # fmt: skip
        events = self.case.events.count()
        for kind, schedule, reason, field, message in table:
            with self.subTest(kind=kind, schedule=schedule, reason=reason):
                with self.assertRaises(ValidationFailed) as refused:
                    self.approve(self.case, kind, schedule, reason)
                self.assertEqual(list(refused.exception.errors), [field])
                self.assertIn(message, refused.exception.errors[field][0])
        self.assertEqual(self.case.events.count(), events, "a refused approval records nothing")

    def test_a_date_already_past_is_refused(self):
        self.travel("2026-06-20")
        with self.assertRaisesMessage(ValidationFailed, "and not in the past"):
            self.approve(self.case, "deferral", [(D(2026, 6, 19), SMALL_FINE)])

    def test_nothing_owed_leaves_nothing_to_defer(self):
        case = self.pay(self.case, SMALL_FINE)
        with self.assertRaisesMessage(ValidationFailed, "there is nothing to defer"):
            self.approve(case, "deferral", [(D(2026, 9, 1), SMALL_FINE)])

    def test_only_a_head_approves(self):
        with self.assertRaisesMessage(AccessDenied, "Your role does not allow"):
            actions.case_approve_deferral(
                actor=self.b.officer, case=self.case, kind="deferral", schedule=[(D(2026, 9, 1), SMALL_FINE)],
                reason="经营困难",
            )  # fmt: skip


class DemandUnderScheduleTests(ExecutionTestCase):
    """Under a schedule a demand waits for an instalment to pass its date unpaid (APL Art. 66; AEL Art. 35)."""

    def setUp(self):
        super().setUp()
        self.travel("2026-06-10")
        self.case = self.approve(self.served())

    def test_no_demand_before_a_missed_instalment_and_one_after(self):
        self.travel("2026-06-17")  # the original period has passed: the schedule replaced it
        self.assertRefused(
            "Under the approved payment schedule a demand notice is served only after an instalment has passed its "
            "date unpaid: the next is due on 2026-07-01",
            self.demand,
            self.case,
        )
        self.travel("2026-07-01")
        self.assertRefused("the next is due on 2026-07-01", self.demand, self.case)
        case = self.pay(self.case, 20_000)
        self.travel("2026-07-02")
        self.assertRefused("the next is due on 2026-08-03", self.demand, case)
        self.travel("2026-08-04")
        case = self.demand(case)
        self.assertEqual(case.facts["demand_served_on"], "2026-08-04")
        self.assertLastEvent(case, "send_demand", self.b.officer)

    def test_a_partly_paid_instalment_is_missed(self):
        case = self.pay(self.case, 19_999)
        self.travel("2026-07-02")
        self.assertEqual(self.demand(case).facts["demand_served_on"], "2026-07-02")

    def test_no_demand_once_everything_is_paid(self):
        case = self.pay(self.case, SMALL_FINE)
        self.travel("2026-08-04")
        self.assertRefused("only after the payment period has passed unpaid", self.demand, case)


class SurchargeTests(ExecutionTestCase):
    """3 % of the fine per late day, at most the fine, paused during remedies (APL Art. 72 (一), 73)."""

    def setUp(self):
        super().setUp()
        self.case = self.served()

    def pauses(self, *ranges: list[str | None]) -> None:
        # The action that records a 复议/诉讼 comes with the publicity and remedy part: set the fact directly.
        facts = {**self.case.facts, "remedy_pauses": list(ranges)}
        Case.objects.filter(pk=self.case.pk).update(facts=facts)

    def test_none_on_the_last_day_of_the_period(self):
        self.travel("2026-06-16")
        state = self.state(self.case)
        self.assertEqual((state.surcharge.amount_fen, state.surcharge.days, state.surcharge_from), (0, 0, None))
        self.assertEqual((state.amount_due_fen, state.paid_fen, state.period_ends_on), (SMALL_FINE, 0, PERIOD_END))

    def test_ten_days_late_owe_150_yuan(self):
        self.travel("2026-06-26")
        state = self.state(self.case)
        self.assertEqual(
            (state.surcharge.amount_fen, state.surcharge.days, state.surcharge.capped, state.surcharge_from),
            (15_000, 10, False, D(2026, 6, 17)),
        )

    def test_forty_days_late_reach_the_cap_of_the_fine(self):
        self.travel("2026-07-26")
        state = self.state(self.case)
        self.assertEqual((state.surcharge.amount_fen, state.surcharge.days, state.surcharge.capped), (50_000, 40, True))

    def test_it_stops_on_the_day_of_payment(self):
        self.travel("2026-06-25")
        case = self.pay(self.case, SMALL_FINE, paid_on=D(2026, 6, 21))
        self.travel("2026-07-26")
        state = self.state(case)
        self.assertEqual((state.surcharge.amount_fen, state.surcharge.days, state.settled), (7_500, 5, True))

    def test_a_part_payment_does_not_stop_it(self):
        case = self.pay(self.case, SMALL_FINE - 1)
        self.travel("2026-06-26")
        self.assertEqual(self.state(case).surcharge.amount_fen, 15_000)

    def test_remedy_periods_are_not_counted(self):
        self.travel("2026-06-26")
        table: list[tuple[tuple[list[str | None], ...], int]] = [
            ((["2026-06-20", "2026-06-24"],), 5),
            ((["2026-06-20", None],), 3),  # still pending
            ((["2026-06-30", None],), 10),  # recorded ahead: nothing paused yet
        ]
        for ranges, days in table:
            with self.subTest(ranges=ranges):
                self.pauses(*ranges)
                state = self.state(self.case)
                self.assertEqual((state.surcharge.days, state.surcharge.amount_fen), (days, days * 1_500))

    def test_it_runs_on_the_fine_not_on_the_confiscation(self):
        case = actions.case_examine(actor=self.b.unit_head, case=self.concluded(), opinion="同意")
        case = actions.case_notify(
            actor=self.b.officer, case=case, types=["fine", "confiscate_income"], fine_fen=SMALL_FINE,
            confiscation_fen=20_000, served_on=timezone.localdate(), method="direct",
        )  # fmt: skip
        case = actions.case_waive_rights(actor=self.b.officer, case=case, signed_on=timezone.localdate())
        case = actions.case_decide(
            actor=self.b.unit_head, case=case, types=["fine", "confiscate_income"], fine_fen=SMALL_FINE,
            confiscation_fen=20_000,
        )  # fmt: skip
        case = self.pay(self.serve(case), SMALL_FINE)  # the fine's amount, but not the confiscation
        self.travel("2026-06-26")
        state = self.state(case)
        self.assertEqual((state.amount_due_fen, state.outstanding_fen), (70_000, 20_000))
        self.assertEqual((state.surcharge.amount_fen, state.surcharge.days), (15_000, 10))

    def test_under_a_schedule_it_runs_from_each_missed_instalment(self):
        self.travel("2026-06-10")
        case = self.approve(self.case)
        self.travel("2026-06-30")
        self.assertEqual(self.state(case).surcharge.days, 0, "the schedule replaced the period")
        self.travel("2026-07-11")
        case = self.pay(case, 20_000)  # the first instalment, 10 days late (2 July to 11 July)
        self.travel("2026-08-03")
        self.assertEqual(self.state(case).surcharge.amount_fen, 15_000)
        self.travel("2026-08-05")  # the second instalment 2 days late as well
        state = self.state(case)
        self.assertEqual((state.surcharge.days, state.surcharge.amount_fen), (12, 18_000))
        self.assertEqual(state.surcharge_from, D(2026, 7, 2))

    def test_the_case_closes_without_the_surcharge(self):
        """The surcharge is enforced only if the agency pursues it (AEL Art. 46, 53, 54): not needed to close."""
        self.travel("2026-06-26")
        case = self.pay(self.case, SMALL_FINE)
        self.assertEqual(self.state(case).surcharge.amount_fen, 15_000)
        case = actions.case_record_execution(actor=self.b.officer, case=case)
        self.assertEqual(actions.case_close(actor=self.b.unit_head, case=case, report="执行完毕").state, "closed")

    def test_no_execution_without_an_amount_to_pay(self):
        case = actions.case_decide_no_penalty(
            actor=self.b.unit_head, case=self.concluded(), ground="first_offence", reasons="首违不罚"
        )
        self.assertIsNone(execution.case_execution(self.serve(case), on=timezone.localdate()))


class SurchargeShownTests(ExecutionTestCase):
    """The case page and the API detail show what is due, paid and the surcharge so far."""

    token: str

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(at("2026-06-01"), tick=False):  # a token is valid for at most 366 days
            _, cls.token = api_token_issue(
                actor=cls.b.secadmin, user=cls.b.officer, name="test", expires_on=dt.date(2026, 12, 31)
            )

    def assertShows(self, page: str, *fragments: str) -> None:
        for fragment in fragments:
            self.assertTrue(fragment in page, f"the page lacks {fragment!r}")

    def page(self, case: Case) -> str:
        self.login(self.b.officer)
        response = self.client.get(reverse("cases:case_detail", args=[case.pk]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def detail(self, case: Case) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {self.token}"})
        self.assertEqual(response.status_code, 200)
        result: dict[str, Any] = response.json()
        return result

    def test_the_page_shows_the_surcharge_so_far(self):
        case = self.served()
        table = [
            ("2026-06-26", "150.00 yuan", "10", "No"),
            ("2026-07-26", "500.00 yuan", "40", "Yes"),
        ]
        for day, amount, days, capped in table:
            with self.subTest(day=day):
                self.travel(day)
                self.assertShows(
                    self.page(case),
                    "Late-payment surcharge so far",
                    f'<dd data-field="surcharge">{amount}</dd>',
                    f'<dd data-field="surcharge_days">{days} <span class="muted">(from 2026-06-17)',
                    f'<dd data-field="surcharge_capped">{capped}</dd>',
                    '<dd data-field="amount_due">500.00 yuan</dd>',
                    '<dd data-field="paid">0.00 yuan</dd>',
                )

    def test_the_page_shows_the_schedule(self):
        self.travel("2026-06-10")
        case = self.approve(self.served())
        self.travel("2026-07-02")
        self.assertShows(
            self.page(case),
            "<dt>Approved</dt><dd>Payment in instalments</dd>",
            '<tr data-instalment="2026-07-01" data-overdue="1">',
            '<tr data-instalment="2026-08-03">',
            "Payment in instalments: 2026-07-01 200.00 yuan、2026-08-03 300.00 yuan",
        )

    def test_the_page_has_no_payment_panel_before_service(self):
        self.assertNotIn('id="payment"', self.page(self.decided()))

    def test_the_api_detail_gives_the_surcharge_in_explicit_fields(self):
        case = self.served()
        self.assertEqual(self.detail(self.decided())["execution"], None)
        for day, surcharge, days, capped in (("2026-06-26", 15_000, 10, False), ("2026-07-26", 50_000, 40, True)):
            with self.subTest(day=day):
                self.travel(day)
                self.assertEqual(self.detail(case)["execution"], {
                    "fine_fen": SMALL_FINE, "confiscation_fen": 0, "amount_due_fen": SMALL_FINE, "paid_fen": 0,
                    "outstanding_fen": SMALL_FINE, "period_ends_on": "2026-06-16", "next_due_on": "2026-06-16",
                    "schedule_kind": None, "instalments": [], "surcharge_fen": surcharge, "surcharge_days": days,
                    "surcharge_capped": capped, "surcharge_from": "2026-06-17", "settled": False,
                })  # fmt: skip

    def test_the_api_detail_gives_the_schedule(self):
        self.travel("2026-06-10")
        case = self.pay(self.approve(self.served()), 20_000)
        result = self.detail(case)["execution"]
        self.assertEqual(result["schedule_kind"], "instalments")
        self.assertEqual(result["instalments"], [
            {"due_on": "2026-07-01", "amount_fen": 20_000, "paid_fen": 20_000},
            {"due_on": "2026-08-03", "amount_fen": 30_000, "paid_fen": 0},
        ])  # fmt: skip
        self.assertEqual((result["next_due_on"], result["outstanding_fen"]), ("2026-08-03", 30_000))

    def test_the_deferral_form_on_the_page(self):
        case = self.served()
        self.travel("2026-06-10")
        self.login(self.b.unit_head)
        data = {"kind": "instalments", "schedule": "2026-07-01 200\n2026-08-03 300.00", "reason": "经营困难"}
        url = reverse("cases:case_act", args=[case.pk, "approve_deferral"])
        bad = self.client.post(url, {f"approve_deferral-{k}": v for k, v in {**data, "schedule": "7/1 200"}.items()})
        self.assertContains(bad, "Line 1: write the date (YYYY-MM-DD) and the amount in yuan")
        self.assertContains(bad, "The amounts add up to what is owed: 500.00 yuan.")
        short = {**data, "schedule": "2026-07-01 200"}
        refused = self.client.post(url, {f"approve_deferral-{k}": v for k, v in short.items()})
        self.assertContains(refused, "Payment in instalments needs at least two dates.")
        response = self.client.post(url, {f"approve_deferral-{k}": v for k, v in data.items()})
        self.assertRedirects(response, reverse("cases:case_detail", args=[case.pk]))
        case.refresh_from_db()
        self.assertEqual(
            [(i["due_on"], i["amount_fen"]) for i in case.facts["payment_schedule"]["instalments"]],
            [("2026-07-01", 20_000), ("2026-08-03", 30_000)],
        )
