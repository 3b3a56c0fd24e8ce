"""Every hard gate of test_gates_*.py refused through the JSON API too: 409 ``gate_refused`` with its reason.

Each row of ``GATES`` sets a case up through the actions (as in the gate tests, from Monday 2026-06-01),
then asks for the refused step through the API with a bearer token, and checks the answer, that nothing
was recorded, and, where the row has one, that the allowed variant of the same request passes. Rows run
in a savepoint each, so that a certificate withheld for one row does not leak into the next.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import time_machine
from django.db import transaction
from django.utils import timezone

from sanxiang.apitokens.actions import api_token_issue
from sanxiang.cases import actions
from sanxiang.cases.models import Case, Conflict, Recusal
from sanxiang.cases.tests.test_gates_base import HEARING_FINE, SMALL_FINE, GateTestCase
from sanxiang.cases.tests.test_gates_service_execution import HOLIDAYS_2027, MAKEUP_2027
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.org.actions import certificate_set_status, certificate_update
from sanxiang.org.models import Certificate, CertificateStatus, User
from sanxiang.procedures.actions import calendar_load_year

BASE = "/api/v1/cases/"
PARTY_ID = "11010519491231002X"  # the party of ``new_lead``
TWO = ["officer", "officer2"]


class ApiGateTestCase(GateTestCase):
    """``GateTestCase`` with an API token per persona that acts on cases (by login name)."""

    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        calendar_load_year(
            actor=cls.b.system, year=2027, holidays=HOLIDAYS_2027, makeup_workdays=MAKEUP_2027,
            note="Invented for the tests: the real 2027 notice is not available to them.",
        )  # fmt: skip
        cls.tokens = {}
        with time_machine.travel(at("2026-06-01"), tick=False):  # a token is valid for at most 366 days
            for user in (cls.b.officer, cls.b.officer2, cls.b.unit_head, cls.b.leader):
                _, cls.tokens[user.username] = api_token_issue(
                    actor=cls.b.secadmin, user=user, name="test", expires_on=dt.date(2027, 5, 31)
                )

    def post(self, user: User, case: Case, code: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"{BASE}{case.pk}/{code}", json.dumps(body), content_type="application/json",
            headers={"Authorization": f"Bearer {self.tokens[user.username]}"},
        )  # fmt: skip

    def assertApiRefused(self, user: User, case: Case, code: str, body: dict[str, Any], reason: str) -> None:
        """The step answers 409 ``gate_refused`` with a reason containing ``reason``, and records nothing."""
        events = case.events.count()
        response = self.post(user, case, code, body)
        self.assertEqual(response.status_code, 409, response.content.decode())
        answer = response.json()
        self.assertEqual(answer["error"], "gate_refused")
        self.assertIn(reason, "\n".join(answer["reasons"]))
        self.assertEqual(case.events.count(), events, "a refused step must not leave an event")

    def assertApiAllowed(self, user: User, case: Case, code: str, body: dict[str, Any]) -> None:
        response = self.post(user, case, code, body)
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(response.json()["events"][-1]["transition"], code)

    # --- Set-ups shared by the rows ----------------------------------------------------------

    def lead(self, **overrides: Any) -> Case:
        case: Case = self.new_lead(**overrides)
        return case

    def certificate(self, user: User) -> Certificate:
        return Certificate.objects.get(holder=user)

    def withhold_officer2(self) -> None:
        certificate_set_status(
            actor=self.b.reviewer, certificate=self.certificate(self.b.officer2), status=CertificateStatus.WITHHELD,
            reason="违规执法，暂扣",
        )  # fmt: skip

    def hearing_case(self) -> Case:
        """A hearing-eligible case notified on 2026-06-01, the hearing requested on 2026-06-02 (today)."""
        case = self.notified(HEARING_FINE)
        self.travel("2026-06-02")
        return actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())

    def scheduled_hearing(self) -> Case:
        return actions.case_schedule_hearing(
            actor=self.b.unit_head, case=self.hearing_case(), hearing_on=dt.date(2026, 6, 11),
            presider=self.b.leader, notice_served_on=timezone.localdate(), place="局听证室",
        )  # fmt: skip

    def demanded(self) -> Case:
        """Served 2026-06-01, unpaid, a demand notice served 2026-06-17."""
        case = self.served()
        self.travel("2026-06-17")
        return actions.case_send_demand(actor=self.b.officer, case=case, served_on=timezone.localdate())

    def at(self, day: str, case: Case) -> Case:
        self.travel(day)
        return case


@dataclass(frozen=True)
class Gate:
    """A row: the guard, how to set the case up, who asks for which step with what, and the reason expected.

    ``actor`` is a login name; ``allowed`` is a request of the same step that then passes (login name and
    body), if the row has one.
    """

    guard: str
    name: str
    arrange: Callable[[ApiGateTestCase], Case]
    actor: str
    code: str
    body: dict[str, Any]
    reason: str
    allowed: tuple[str, dict[str, Any]] | None = None


def _register(*handlers: str, **extra: Any) -> dict[str, Any]:
    return {"handlers": list(handlers), **extra}


def _lead(**overrides: Any) -> Callable[[ApiGateTestCase], Case]:
    return lambda t: t.lead(**overrides)


def _withheld_lead(t: ApiGateTestCase) -> Case:
    t.withhold_officer2()
    return t.lead()


def _expired_lead(t: ApiGateTestCase) -> Case:
    certificate_update(actor=t.b.reviewer, certificate=t.certificate(t.b.officer2), valid_to=dt.date(2026, 5, 31))
    return t.lead()


def _other_category_lead(t: ApiGateTestCase) -> Case:
    certificate_update(actor=t.b.reviewer, certificate=t.certificate(t.b.officer2), categories=[t.b.planning])
    return t.lead()


def _conflict_lead(t: ApiGateTestCase) -> Case:
    Conflict.objects.create(user=t.b.officer2, id_number=PARTY_ID, reason="配偶之兄", recorded_by=t.b.leader)
    return t.lead()


def _recused_lead(t: ApiGateTestCase) -> Case:
    lead = t.lead()
    Recusal.objects.create(case=lead, user=t.b.officer2, reason="当事人申请回避", recused=True, decided_by=t.b.leader)
    return lead


def _recused_after_registration(t: ApiGateTestCase) -> Case:
    case = t.registered()
    Recusal.objects.create(case=case, user=t.b.officer2, reason="亲属关系", recused=True, decided_by=t.b.leader)
    return case


def _withheld_after_registration(t: ApiGateTestCase) -> Case:
    case = t.registered()
    t.withhold_officer2()
    return case


def _old_act(act_date: dt.date | None) -> Callable[[ApiGateTestCase], Case]:
    return lambda t: t.lead(act_date=act_date)


def _decided(t: ApiGateTestCase) -> Case:
    return t.decided()


def _preserving(t: ApiGateTestCase) -> Case:
    return actions.case_preserve_evidence(actor=t.b.unit_head, case=t.registered(), items=["货物一批"])


def _instalments_due_today(t: ApiGateTestCase) -> Case:
    """Served 2026-06-01; instalments approved on 2026-06-10, the first due on 2026-07-01 (today)."""
    case = t.served()
    t.travel("2026-06-10")
    case = actions.case_approve_deferral(
        actor=t.b.unit_head, case=case, kind="instalments", reason="经营困难",
        schedule=[(dt.date(2026, 7, 1), 20_000), (dt.date(2026, 8, 3), 30_000)],
    )  # fmt: skip
    t.travel("2026-07-01")
    return case


TRANSCRIPT = {"kind": "inspection", "content": "现场检查……", "recorded_at": "2026-06-01T09:00:00+08:00"}
OVERRIDE = "违法行为处于连续状态，终了日期待查"
SERVICE = {"served_on": "2026-06-01", "recipient": "张三"}

REGISTRATION_GATES = [
    Gate("handlers_qualified", "two qualified officers", _lead(), "head", "register", _register("officer"),
         "At least two qualified enforcement officers must handle the case (APL Art. 42).",
         allowed=("head", _register(*TWO))),
    Gate("handlers_qualified", "the same officer twice", _lead(), "head", "register", _register("officer", "officer"), "At least two"),
    Gate("handlers_qualified", "an auxiliary never counts", _lead(), "head", "register", _register("officer", "aux"),
         "钱协管 is an auxiliary and may not carry out enforcement acts."),
    Gate("handlers_qualified", "an expired certificate", _expired_lead, "head", "register", _register(*TWO),
         "Certificate 22030002 expired on 2026-05-31.", allowed=("head", _register("officer", "head"))),
    Gate("handlers_qualified", "a withheld certificate", _withheld_lead, "head", "register", _register(*TWO),
         "Certificate 22030002 is withheld."),
    Gate("handlers_qualified", "a certificate without the category", _other_category_lead, "head", "register", _register(*TWO),
         "Certificate 22030002 does not cover the category 市容环境卫生."),
    Gate("handlers_qualified", "a certificate without the region", lambda t: t.lead(region=t.b.other_district), "head", "register",
         _register(*TWO), "Certificate 22030001 does not cover the region 铁东区."),
    Gate("no_recusal_conflict", "a conflict with the party", _conflict_lead, "head", "register", _register(*TWO),
         "李执法 has a recorded conflict of interest with a party: 配偶之兄",
         allowed=("head", _register("officer", "head"))),
    Gate("no_recusal_conflict", "a recusal on the lead", _recused_lead, "head", "register", _register(*TWO),
         "李执法 has been recused from this case."),
    Gate("handlers_qualified", "a recusal after registration", _recused_after_registration, "officer", "attach_evidence",
         {"kind": "photo", "description": "现场照片"}, "李执法 has been recused from this case."),
    Gate("handlers_qualified", "investigation steps check the certificates again", _withheld_after_registration, "officer",
         "record_transcript", TRANSCRIPT, "Certificate 22030002 is withheld."),
    Gate("within_limitation_period", "the 2-year limitation period", _old_act(dt.date(2024, 5, 31)), "head", "register", _register(*TWO),
         "The act ended on 2024-05-31 and was discovered on 2026-06-01, after the 2-year limitation period"),
    Gate("within_limitation_period", "the 5-year limitation period", lambda t: t.lead(act_date=dt.date(2021, 5, 31),
         violation=t.safety_violation), "head", "register", _register(*TWO, harmful_consequences=True),
         "after the 5-year limitation period"),
    Gate("within_limitation_period", "the limitation override is a leader's", _old_act(dt.date(2023, 1, 1)), "head", "register",
         _register(*TWO, limitation_override_reason=OVERRIDE), "only a leader may override, with a reason",
         allowed=("leader", _register(*TWO, limitation_override_reason=OVERRIDE))),
    Gate("within_limitation_period", "the limitation override needs a reason", _old_act(dt.date(2023, 1, 1)), "leader", "register",
         _register(*TWO, limitation_override_reason="  "), "only a leader may override, with a reason"),
    Gate("within_limitation_period", "the date of the act", _old_act(None), "head", "register", _register(*TWO),
         "Record the date of the act"),
    Gate("preservation_open", "a decision on preservation needs items preserved", lambda t: t.registered(), "head",
         "decide_preservation", {"decision": "退还"}, "No evidence is under preservation."),
    Gate("no_open_preservation", "no conclusion while items are preserved", _preserving, "officer",
         "conclude_investigation", {"report": "事实清楚"},
         "Decide on the preserved evidence first (within 7 working days, APL Art. 56)."),
]  # fmt: skip

DECISION_GATES = [
    Gate("prior_notice_complete", "the statement window", lambda t: t.notified(), "head", "decide", {"types": ["fine"], "fine_fen": SMALL_FINE},
         "may still make statements or request a hearing until 2026-06-04"),
    Gate("hearing_request_in_time", "the hearing request window", lambda t: t.at("2026-06-09", t.notified(HEARING_FINE)), "officer",
         "request_hearing", {"requested_on": "2026-06-09"},
         "A hearing must be requested within 5 working days after the prior notice"),
    Gate("hearing_eligible", "a hearing needs a hearing-eligible penalty", lambda t: t.notified(), "officer", "request_hearing",
         {"requested_on": "2026-06-01"}, "The intended penalty does not give a right to a hearing (APL Art. 63)."),
    Gate("hearing_notice_in_time", "the hearing notice 7 working days ahead", ApiGateTestCase.hearing_case, "head", "schedule_hearing",
         {"hearing_on": "2026-06-10", "presider": "leader", "notice_served_on": "2026-06-02", "place": "局听证室"},
         "at least 7 working days before the hearing: the earliest date is 2026-06-11",
         allowed=("head", {"hearing_on": "2026-06-11", "presider": "leader", "notice_served_on": "2026-06-02",
                           "place": "局听证室"})),
    Gate("hearing_presider_independent", "the presider did not investigate", ApiGateTestCase.hearing_case, "head", "schedule_hearing",
         {"hearing_on": "2026-06-11", "presider": "officer2", "notice_served_on": "2026-06-02", "place": "局听证室"},
         "The presider must not be an investigator of the case"),
    Gate("hearing_scheduled", "a hearing recorded only once scheduled", ApiGateTestCase.hearing_case, "head", "hold_hearing",
         {"record": "听证笔录……"}, "Schedule the hearing first."),
    Gate("hearing_scheduled", "a hearing recorded not before its day", ApiGateTestCase.scheduled_hearing, "head", "hold_hearing",
         {"record": "听证笔录……"}, "The hearing is scheduled for 2026-06-11"),
    Gate("hearing_held_if_requested", "no decision before the hearing is held", lambda t: t.at("2026-06-11", t.scheduled_hearing()), "head",
         "decide", {"types": ["fine"], "fine_fen": HEARING_FINE},
         "The party requested a hearing: decide only after the hearing record (APL Art. 65)."),
    Gate("not_heavier_than_notified", "no heavier penalty than notified", lambda t: t.at("2026-06-05", t.notified()), "head", "decide",
         {"types": ["fine"], "fine_fen": SMALL_FINE + 1},
         "The penalty is heavier than the one notified: serve a new prior notice first (APL Art. 45).",
         allowed=("head", {"types": ["fine"], "fine_fen": SMALL_FINE})),
    Gate("not_heavier_than_notified", "no type added to the notified penalty", lambda t: t.at("2026-06-05", t.notified()), "head", "decide",
         {"types": ["fine", "warning"], "fine_fen": SMALL_FINE}, "The penalty is heavier than the one notified"),
]  # fmt: skip

EXECUTION_GATES = [
    Gate("service_method_allowed", "electronic service without consent", _decided, "officer", "serve", {"method": "electronic", **SERVICE},
         "Electronic service needs the party's signed consent (APL Art. 61).",
         allowed=("officer", {"method": "electronic", "electronic_consent": "电子送达地址确认书 2026-0601", **SERVICE})),
    Gate("service_method_allowed", "public notice without a reason", _decided, "officer", "serve",
         {"method": "public_notice", "public_notice_reason": "  ", **SERVICE},
         "Public notice is allowed only when the party cannot be found or other methods failed",
         allowed=("officer", {"method": "public_notice", "public_notice_reason": "下落不明", **SERVICE})),
    Gate("service_method_allowed", "left without witnesses", _decided, "officer", "serve", {"method": "left", **SERVICE},
         "Leaving the document at the residence needs witnesses or an audio-visual record (CPL Art. 89).",
         allowed=("officer", {"method": "left", "witnesses": ["社区主任 刘某"], **SERVICE})),
    Gate("payment_overdue", "a demand before the payment period has passed", lambda t: t.at("2026-06-16", t.served()), "officer",
         "send_demand", {"served_on": "2026-06-16"},
         "A demand notice is served only after the payment period has passed unpaid (AEL Art. 35, 54).",
),
    Gate("payment_overdue", "a demand dated inside the payment period", lambda t: t.at("2026-06-20", t.served()), "officer",
         "send_demand", {"served_on": "2026-06-16"}, "only after the payment period has passed unpaid",
         allowed=("officer", {"served_on": "2026-06-17"})),
    Gate("payment_overdue", "a demand before a missed instalment", _instalments_due_today, "officer", "send_demand",
         {"served_on": "2026-07-01"}, "the next is due on 2026-07-01"),
    Gate("court_application_window", "the court too early", lambda t: t.at("2026-07-01", t.demanded()), "head", "apply_court_enforcement",
         {"court": "四平市铁西区人民法院"},
         "Apply to the court no earlier than 10 working days after the demand notice was served: from 2026-07-02"),
    Gate("court_application_window", "the court during the remedy periods", lambda t: t.at("2026-12-01", t.demanded()), "head",
         "apply_court_enforcement", {"court": "四平市铁西区人民法院"},
         "The periods for reconsideration and litigation end on 2026-12-01",
),
    Gate("court_application_window", "the court too late", lambda t: t.at("2027-03-02", t.demanded()), "head", "apply_court_enforcement",
         {"court": "四平市铁西区人民法院"}, "The 3-month period for applying to the court ended on 2027-03-01"),
    Gate("obligations_settled", "closing unpaid", lambda t: t.served(), "head", "close", {"report": "执行完毕"},
         "The fine is not fully paid or enforced."),
    Gate("obligations_settled", "executed unpaid", lambda t: t.served(), "officer", "record_execution", {},
         "The fine is not fully paid or enforced."),
    Gate("obligations_settled", "court enforcement without an application", lambda t: t.demanded(), "officer", "record_execution",
         {"court_enforced": True}, "The fine is not fully paid or enforced."),
]  # fmt: skip


def _waived_major(t: ApiGateTestCase, *, collective: bool = False) -> Case:
    """Notified and waived today, marked major by hand (APL Art. 58 (三)), collectively decided if ``collective``."""
    from sanxiang.catalog.major import major_ground_add

    case = actions.case_waive_rights(actor=t.b.officer, case=t.notified(), signed_on=timezone.localdate())
    major_ground_add(actor=t.b.unit_head, case=case, ground="complex", reason="涉及多个法律关系", collective=collective)
    return case


def _reviewed_collective(t: ApiGateTestCase) -> Case:
    from sanxiang.review.testing import pass_review

    case = _waived_major(t, collective=True)
    pass_review(case=case, author=t.b.officer, reviewer=t.b.reviewer)
    return case


def _outside_baseline(t: ApiGateTestCase) -> Case:
    """A baseline of 200–400 yuan for the case's violation; 500 yuan notified and waived."""
    from sanxiang.cases.penalties import PenaltyType
    from sanxiang.discretion.actions import ItemSpec, TierSpec, baseline_approve, baseline_create
    from sanxiang.discretion.models import Level

    tier = TierSpec("一般", Level.ORDINARY, frozenset({PenaltyType.FINE}), 20_000, 40_000, 20_000, 40_000)
    baseline = baseline_create(actor=t.b.reviewer, version="2026-1", effective_from=timezone.localdate(),
                               items=[ItemSpec(t.violation, [tier])])  # fmt: skip
    baseline_approve(actor=t.b.leader, baseline=baseline)
    return actions.case_waive_rights(actor=t.b.officer, case=t.notified(), signed_on=timezone.localdate())


FINE = {"types": ["fine"], "fine_fen": SMALL_FINE}
REVIEW_GATES = [
    Gate("legal_review_passed", "a major decision needs a passed legal review", _waived_major, "head", "decide", FINE,
         "The decision is major and needs a passed legal review (APL Art. 58)."),
    Gate("collective_discussion_held", "a collective decision needs a signed discussion", _reviewed_collective, "head",
         "decide", FINE, "The case must be decided collectively"),
    Gate("discretion_reason_if_outside", "outside the baseline only with a reason", _outside_baseline, "head", "decide",
         FINE, "The penalty is outside the discretion baseline",
         allowed=("head", {"types": ["fine"], "fine_fen": 40_000})),
    Gate("discretion_reason_if_outside", "outside the baseline with a reason in the request", _outside_baseline, "head",
         "decide", FINE, "The penalty is outside the discretion baseline",
         allowed=("head", {**FINE, "discretion_reason": "多次违法，情节严重"})),
]  # fmt: skip


def _closed_without_documents(t: ApiGateTestCase) -> Case:
    """Paid, executed and closed, but no document of the dossier issued yet."""
    case = t.served()
    case = actions.case_record_payment(
        actor=t.b.officer, case=case, amount_fen=SMALL_FINE, paid_on=timezone.localdate(), receipt_no="No.1"
    )
    case = actions.case_record_execution(actor=t.b.officer, case=case)
    return actions.case_close(actor=t.b.unit_head, case=case, report="执行完毕")


DOSSIER_GATES = [
    Gate("dossier_complete", "归档 needs every issued document of the dossier", _closed_without_documents, "head",
         "archive", {}, "The dossier lacks these issued documents"),
]  # fmt: skip

GATES = REGISTRATION_GATES + DECISION_GATES + REVIEW_GATES + EXECUTION_GATES + DOSSIER_GATES


class EveryGateThroughTheApiTests(ApiGateTestCase):
    def test_every_gate_is_refused_through_the_api(self):
        for gate in GATES:
            with self.subTest(gate=gate.name), transaction.atomic():
                self.travel("2026-06-01")
                case = gate.arrange(self)
                actor = User.objects.get(username=gate.actor)
                self.assertApiRefused(actor, case, gate.code, gate.body, gate.reason)
                if gate.allowed is not None:
                    allowed_actor, body = gate.allowed
                    self.assertApiAllowed(User.objects.get(username=allowed_actor), case, gate.code, body)
                transaction.set_rollback(True)

    def test_the_table_covers_every_guard_of_the_general_procedure(self):
        """Each guard the general procedure names has a row, but the dossier checklist: a case cannot reach
        closing with a document missing through the steps (the decision waits for the hearing record), so
        test_gates_service_execution shows that gate through ``transition_blockers``."""
        from sanxiang.procedures import definitions

        guards = {g for move in definitions.get("general").transitions for g in move.guards}
        self.assertEqual(guards - {gate.guard for gate in GATES}, {"checklist_complete"})


class DeferralThroughTheApiTests(ApiGateTestCase):
    """暂缓或者分期缴纳 through the API: approval, its validation errors, and the demand it holds back."""

    BODY: ClassVar[dict[str, Any]] = {
        "kind": "instalments",
        "schedule": [{"due_on": "2026-07-01", "amount_fen": 20_000}, {"due_on": "2026-08-03", "amount_fen": 30_000}],
        "reason": "经营困难",
    }

    def setUp(self):
        super().setUp()
        self.case = self.served()
        self.travel("2026-06-10")

    def test_a_head_approves_and_the_demand_waits_for_a_missed_instalment(self):
        response = self.post(self.b.unit_head, self.case, "approve_deferral", self.BODY)
        self.assertEqual(response.status_code, 200, response.content.decode())
        detail = response.json()
        self.assertEqual(detail["facts"]["payment_schedule"]["kind"], "instalments")
        self.assertIn(("payment_deadline", "2026-07-01", None), [
            (d["code"], d["due_on"], d["closed_at"]) for d in detail["deadlines"]
        ])  # fmt: skip
        self.assertEqual(detail["execution"]["next_due_on"], "2026-07-01")
        self.travel("2026-07-01")
        self.assertApiRefused(
            self.b.officer, self.case, "send_demand", {"served_on": "2026-07-01"}, "the next is due on 2026-07-01"
        )
        self.travel("2026-07-02")
        self.assertApiAllowed(self.b.officer, self.case, "send_demand", {"served_on": "2026-07-02"})

    def test_a_bad_schedule_is_a_validation_error(self):
        table: list[tuple[dict[str, Any], str]] = [
            ({"schedule": [{"due_on": "2026-07-01", "amount_fen": 50_000}]}, "at least two dates"),
            ({"kind": "deferral"}, "Deferred payment has one date"),
            ({"schedule": self.BODY["schedule"][::-1]}, "The dates must be in order"),
            ({"schedule": [{"due_on": "2026-06-16", "amount_fen": 20_000}, self.BODY["schedule"][1]]},
             "after the end of the payment period (2026-06-16)"),
            ({"schedule": [{"due_on": "2026-07-01", "amount_fen": 1}, self.BODY["schedule"][1]]},
             "The amounts add up to 300.01 yuan, but 500.00 yuan is owed"),
        ]  # fmt: skip
        for change, message in table:
            with self.subTest(change=change):
                response = self.post(self.b.unit_head, self.case, "approve_deferral", {**self.BODY, **change})
                self.assertEqual(response.status_code, 422, response.content.decode())
                answer = response.json()
                self.assertEqual(answer["error"], "validation_failed")
                self.assertIn(message, answer["errors"]["schedule"][0])

    def test_input_off_the_schema_and_the_role(self):
        cases: list[tuple[dict[str, Any], str]] = [
            ({"kind": "later"}, "kind"),
            ({"schedule": []}, "schedule"),
            ({"schedule": [{"due_on": "2026-07-01", "amount_fen": -1}]}, "schedule.0.amount_fen"),
            ({"reason": ""}, "reason"),
        ]
        for change, field_name in cases:
            with self.subTest(change=change):
                response = self.post(self.b.unit_head, self.case, "approve_deferral", {**self.BODY, **change})
                self.assertEqual((response.status_code, response.json()["error"]), (422, "invalid_input"))
                self.assertIn(field_name, response.json()["errors"])
        response = self.post(self.b.officer, self.case, "approve_deferral", self.BODY)
        self.assertEqual((response.status_code, response.json()["error"]), (403, "access_denied"))
