"""The simple (on-the-spot) procedure: decided, cash collected and banked, filed, closed, archived; its gates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

import sanxiang.cases.guards_extra  # noqa: F401  (until CasesConfig.ready() imports it)
from sanxiang.cases import actions, actions_simple
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case, IdType, PartyKind
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.lib.exceptions import GateRefused, InvalidTransition, ValidationFailed
from sanxiang.testing import AGENCY_CREDIT_CODE


class SimpleTestCase(CaseTestCase):
    def person(self):
        return actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )

    def organisation(self):
        return actions.party_build(
            kind=PartyKind.ORGANISATION, name="某商贸有限公司", id_type=IdType.CREDIT_CODE, id_number=AGENCY_CREDIT_CODE
        )

    def decide(self, **overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "actor": self.b.officer,
            "unit": self.b.squad1,
            "category": self.b.city_appearance,
            "region": self.b.street,
            "location": "站前街道中央路",
            "summary": "占道经营",
            "party": self.person(),
            "violation": self.violation,
            "officers": [self.b.officer, self.b.officer2],
            "types": ["fine"],
            "fine_fen": 5_000,
            "form_number": f"No.{Case.objects.count() + 1:06d}",
            "facts_conclusive": True,
        }
        fields.update(overrides)
        return actions_simple.case_decide_on_the_spot(**fields)

    def refused(self, fn: Any, **kwargs: Any) -> list[str]:
        with self.assertRaises(GateRefused) as refused:
            fn(**kwargs)
        return refused.exception.reasons


class SimpleProcedureWalkTests(SimpleTestCase):
    def test_it_walks_a_cash_fine_from_the_spot_to_the_archive(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide()
            self.assertEqual((case.procedure, case.state), ("simple", "decided_on_spot"))
            self.assertEqual(case.lead_number, "铁西城管案源〔2026〕1号")
            self.assertEqual(case.number, "铁西城管简〔2026〕1号")
            self.assertIs(case.facts["review_first_notice"], True)
            remedy = case.events.get(transition="decide_on_the_spot").payload["remedy"]
            self.assertEqual((remedy["review_body"], remedy["review_period_days"]), ("四平市铁西区人民政府", 60))
            self.assertEqual(case.deadlines.get(code="payment_deadline").due_on, dt.date(2026, 6, 16))
            case = actions_simple.case_collect_on_the_spot(actor=b.officer, case=case, receipt_no="财政票据0001")
            self.assertEqual(case.facts["paid_fen"], 5_000)
            self.assertIsNotNone(case.deadlines.get(code="payment_deadline").closed_at)
            self.assertEqual(case.deadlines.get(code="cash_hand_in").due_on, dt.date(2026, 6, 3))
            case = actions_simple.case_file_record(actor=b.officer, case=case)
            case = actions_simple.case_hand_in_cash(actor=b.officer, case=case, received_by="财务科")
            self.assertEqual(case.deadlines.get(code="cash_deposit").due_on, dt.date(2026, 6, 3))
            case = actions_simple.case_deposit_cash(actor=b.unit_head, case=case, bank_receipt_no="BANK-1")
            case = actions.case_close(actor=b.unit_head, case=case, report="已缴纳")
            dossier_issue_missing(actor=b.unit_head, case=case)  # 归档 needs the dossier's documents
            case = actions.case_archive(actor=b.unit_head, case=case)
        self.assertEqual(case.state, "archived")
        self.assertEqual(
            list(case.events.values_list("transition", flat=True)),
            ["decide_on_the_spot", "collect_on_the_spot", "file_record", "hand_in_cash", "deposit_cash", "close",
             "archive"],
        )  # fmt: skip
        self.assertFalse(case.deadlines.filter(closed_at__isnull=True).exists())
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_it_walks_a_warning_with_no_payment(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(types=["warning"], fine_fen=0)
            self.assertFalse(case.deadlines.exists())
            case = actions_simple.case_file_record(actor=b.officer, case=case, note="已报备")
            case = actions.case_close(actor=b.unit_head, case=case, report="警告已送达")
            dossier_issue_missing(actor=b.unit_head, case=case)  # 归档 needs the dossier's documents
            case = actions.case_archive(actor=b.unit_head, case=case)
        self.assertEqual(case.state, "archived")
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_a_fine_paid_at_the_bank_settles_the_case(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(fine_fen=20_000)
            case = actions_simple.case_file_record(actor=b.officer, case=case)
            reasons = self.refused(actions.case_close, actor=b.unit_head, case=case, report="")
            self.assertEqual(reasons, ["The fine is not fully paid or enforced."])
            case = actions.case_record_payment(
                actor=b.officer, case=case, amount_fen=20_000, paid_on=timezone.localdate(), receipt_no="BANK-2"
            )
            case = actions.case_close(actor=b.unit_head, case=case, report="已缴纳")
        self.assertEqual(case.state, "closed")
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_it_must_be_filed_before_it_is_closed(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(types=["warning"], fine_fen=0)
            with self.assertRaises(InvalidTransition):
                actions.case_close(actor=self.b.unit_head, case=case, report="")


class SimpleProcedureGateTests(SimpleTestCase):
    def test_the_fine_limits_of_apl_art_51(self):
        person = "A fine decided on the spot may not exceed 200 yuan for a natural person (APL Art. 51)."
        organisation = "A fine decided on the spot may not exceed 3,000 yuan for an organisation (APL Art. 51)."
        table = [
            (self.person, 20_000, None),
            (self.person, 20_100, person),
            (self.organisation, 300_000, None),
            (self.organisation, 300_100, organisation),
        ]
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            for party, fine_fen, refusal in table:
                with self.subTest(party=party.__name__, fine_fen=fine_fen):
                    if refusal is None:
                        case = self.decide(party=party(), fine_fen=fine_fen)
                        self.assertEqual(case.facts["decided_penalty"]["fine_fen"], fine_fen)
                    else:
                        before = Case.objects.count()
                        self.assertEqual(self.refused(self.decide, party=party(), fine_fen=fine_fen), [refusal])
                        self.assertEqual(Case.objects.count(), before)

    def test_only_a_warning_or_a_fine_is_decided_on_the_spot(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            for types in (["fine", "confiscate_property"], ["suspend_licence"], ["criticism"]):
                with self.subTest(types=types):
                    fine = 5_000 if "fine" in types else 0
                    reasons = self.refused(self.decide, types=types, fine_fen=fine)
                    self.assertEqual(
                        reasons,
                        [
                            "Only a warning or a fine may be decided on the spot (APL Art. 51): use the general procedure."
                        ],
                    )

    def test_a_refused_decision_leaves_no_case_and_no_number(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            self.refused(self.decide, fine_fen=30_000)
            case = self.decide()
        self.assertEqual((case.lead_number, case.number), ("铁西城管案源〔2026〕1号", "铁西城管简〔2026〕1号"))

    def test_two_qualified_officers_are_needed(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            for officers in ([b.officer], [b.officer, b.auxiliary]):
                with self.subTest(officers=[o.username for o in officers]):
                    reasons = self.refused(self.decide, officers=officers)
                    self.assertEqual(
                        reasons[0],
                        "At least two qualified enforcement officers must decide a penalty on the spot (APL Art. 42, 52).",
                    )

    def test_facts_must_be_conclusive_and_a_violation_chosen(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            reasons = self.refused(self.decide, facts_conclusive=False, violation=None)
        self.assertEqual(
            reasons,
            [
                "A penalty is decided on the spot only when the facts are conclusive (APL Art. 51).",
                "Choose the violation, whose penalty provisions are the legal basis (APL Art. 51).",
            ],
        )

    def test_the_pre_numbered_form_is_required_and_used_once(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            self.assertEqual(
                self.refused(self.decide, form_number=" "),
                ["Enter the number of the pre-printed decision form (APL Art. 52)."],
            )
            self.decide(form_number="No.000042")
            self.assertEqual(
                self.refused(self.decide, form_number="No.000042"), ["Decision form No.000042 has already been used."]
            )

    def test_a_refusal_to_sign_must_be_noted(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            with self.assertRaisesMessage(ValidationFailed, "Note on the form that the party refused to sign"):
                self.decide(party_signed=False)
            case = self.decide(party_signed=False, refusal_note="当事人拒绝签收，执法人员现场注明")
        self.assertIs(case.events.get().payload["party_signed"], False)


class OnTheSpotCashTests(SimpleTestCase):
    over_100 = (
        "Cash is collected on the spot only for a fine of 100 yuan or less, or when the fine would be hard to "
        "collect later: record why (APL Art. 68)."
    )

    def test_cash_above_100_yuan_needs_the_hard_to_collect_reason(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(fine_fen=10_100)
            reasons = self.refused(actions_simple.case_collect_on_the_spot, actor=b.officer, case=case, receipt_no="R1")
            self.assertEqual(reasons, [self.over_100])
            case = actions_simple.case_collect_on_the_spot(
                actor=b.officer, case=case, receipt_no="R1", hard_to_collect_reason="外地流动摊贩，事后难以执行"
            )
        self.assertEqual(case.facts["cash"]["hard_to_collect_reason"], "外地流动摊贩，事后难以执行")

    def test_100_yuan_is_collected_without_a_reason(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(fine_fen=10_000)
            case = actions_simple.case_collect_on_the_spot(actor=self.b.officer, case=case, receipt_no="R2")
        self.assertEqual(case.facts["paid_fen"], 10_000)

    def test_the_official_receipt_is_mandatory(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(fine_fen=5_000)
            reasons = self.refused(
                actions_simple.case_collect_on_the_spot, actor=self.b.officer, case=case, receipt_no=" "
            )
        self.assertEqual(
            reasons,
            [
                "Issue the finance department's official receipt and enter its number: without it the party may "
                "refuse to pay (APL Art. 70)."
            ],
        )

    def test_nothing_to_collect_for_a_warning_or_a_paid_fine(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            warning = self.decide(types=["warning"], fine_fen=0)
            reasons = self.refused(
                actions_simple.case_collect_on_the_spot, actor=b.officer, case=warning, receipt_no="R"
            )
            self.assertEqual(reasons, ["The decision imposes no fine."])
            case = self.decide(fine_fen=5_000)
            case = actions_simple.case_collect_on_the_spot(actor=b.officer, case=case, receipt_no="R3")
            reasons = self.refused(actions_simple.case_collect_on_the_spot, actor=b.officer, case=case, receipt_no="R4")
        self.assertEqual(reasons, ["The fine is already paid."])

    def test_cash_must_be_handed_in_and_banked_before_closing(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(fine_fen=5_000)
            case = actions_simple.case_collect_on_the_spot(actor=b.officer, case=case, receipt_no="R5")
            case = actions_simple.case_file_record(actor=b.officer, case=case)
            reasons = self.refused(actions.case_close, actor=b.unit_head, case=case, report="")
            self.assertEqual(
                reasons,
                [
                    "Hand the cash collected on the spot in to the agency and deposit it at the bank first "
                    "(APL Art. 71)."
                ],
            )
            reasons = self.refused(actions_simple.case_deposit_cash, actor=b.unit_head, case=case, bank_receipt_no="B")
            self.assertEqual(reasons, ["No cash handed in is waiting to be deposited at the bank."])

    def test_cash_is_collected_only_on_the_spot(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.decide(fine_fen=5_000)
            case = actions_simple.case_file_record(actor=b.officer, case=case)
            with self.assertRaises(InvalidTransition):
                actions_simple.case_collect_on_the_spot(actor=b.officer, case=case, receipt_no="R6")
            reasons = self.refused(actions_simple.case_hand_in_cash, actor=b.officer, case=case, received_by="财务科")
        self.assertEqual(reasons, ["No cash collected on the spot is waiting to be handed in."])
