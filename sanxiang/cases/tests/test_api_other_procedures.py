"""The simple, inspection and compulsory procedures through the JSON API, with bearer tokens.

Each procedure is started by its own POST and walked to the archive, each
event checked as it lands; the main gates' refusals (a fine above the
on-the-spot limit, cash without a receipt, a seizure at night) answer 409
``gate_refused`` with their reasons. Generated requests to these operations
never get a server error.
"""

from __future__ import annotations

from typing import Any

import time_machine

import sanxiang.cases.tests.test_api_schemathesis as fuzzing
from sanxiang.api import api
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_api import BASE, CaseApiTestCase, lead_body
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.actions import violation_create
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.evidence.testing import attach_recording
from sanxiang.org.models import User

SIMPLE = f"{BASE}simple/decide_on_the_spot"
INSPECTION = f"{BASE}inspection/start_inspection"
APPROVE = f"{BASE}compulsory/approve_measure"
EMERGENCY = f"{BASE}compulsory/emergency_measure"
#: The operations that start a case, by path.
STARTS = {
    SIMPLE: "case_decide_on_the_spot",
    INSPECTION: "case_start_inspection",
    APPROVE: "case_approve_measure",
    EMERGENCY: "case_emergency_measure",
}
#: The per-case steps these procedures add (``record_payment``, ``close`` and ``archive`` are shared).
OTHER_STEPS = [
    "collect_on_the_spot", "hand_in_cash", "deposit_cash", "file_record", "record_inspection", "conclude_inspection",
    "approve_emergency", "apply_measure", "extend_measure", "release_measure", "decide_disposal",
]  # fmt: skip

PARTY = lead_body()["parties"][0]
NIGHT = "No compulsory measure at night (22:00-06:00) unless there is an emergency: record it (AEL Art. 43)."
RECEIPT = (
    "Issue the finance department's official receipt and enter its number: without it the party may refuse to "
    "pay (APL Art. 70)."
)
PERSON_LIMIT = "A fine decided on the spot may not exceed 200 yuan for a natural person (APL Art. 51)."
LEGAL_BASIS = "《城市市容和环境卫生管理条例》第三十六条"


def where(**overrides: Any) -> dict[str, Any]:
    body = {"unit": "b1s1", "category": "srhw", "region": "tiexi-zq", "location": "站前街道中央路"}
    body.update(overrides)
    return body


def on_the_spot(**overrides: Any) -> dict[str, Any]:
    body = {
        **where(), "summary": "占道经营", "violation": "srhw-001", "party": PARTY, "officers": ["officer", "officer2"],
        "types": ["fine"], "fine_fen": 5_000, "form_number": "No.000001", "facts_conclusive": True,
    }  # fmt: skip
    body.update(overrides)
    return body


def inspection(**overrides: Any) -> dict[str, Any]:
    body = {**where(), "purpose": "门前三包检查", "officers": ["officer", "officer2"]}
    body.update(overrides)
    return body


def measure(**overrides: Any) -> dict[str, Any]:
    body = {
        **where(), "reasons": "流动摊贩占道经营，拒不改正", "parties": [PARTY], "measure": "seize",
        "legal_basis": LEGAL_BASIS, "officers": ["officer", "officer2"],
    }  # fmt: skip
    body.update(overrides)
    return body


def emergency(**overrides: Any) -> dict[str, Any]:
    body = measure(
        items=["烧烤炉一台"], emergency_reason="夜间占道烧烤，当事人拟携物离开", party_present=False, witness="李四"
    )
    body.update(overrides)
    return body


class OtherProcedureApiTestCase(CaseApiTestCase):
    def start(self, user: User, path: str, body: dict[str, Any], *, status: int = 201) -> dict[str, Any]:
        response = self.call(user, "POST", path, body)
        self.assertEqual(response.status_code, status, response.content.decode())
        result: dict[str, Any] = response.json()
        return result

    def walk(self, cid: int, steps: list[tuple[User, str, dict[str, Any]]]) -> dict[str, Any]:
        """Post each step; each must land as the case's last event. Answers the last case detail."""
        case: dict[str, Any] = {}
        for user, code, body in steps:
            with self.subTest(step=code):
                if code == "archive":  # 归档 needs the dossier's documents, issued from the documents panel
                    dossier_issue_missing(actor=user, case=Case.objects.get(pk=cid))
                case = self.step(user, cid, code, body)
                self.assertEqual(case["events"][-1]["transition"], code)
        return case

    def transitions(self, cid: int) -> list[str]:
        return [e["transition"] for e in self.call(self.b.leader, "GET", f"{BASE}{cid}/events").json()]

    def assert_replays(self, cid: int) -> None:
        stored = Case.objects.get(pk=cid)
        self.assertEqual(case_replay(stored), case_snapshot(stored))


# --- 简易程序 ---------------------------------------------------------------------------------------


class SimpleProcedureApiTests(OtherProcedureApiTestCase):
    def test_it_walks_a_cash_fine_from_the_spot_to_the_archive(self):
        b = self.b
        case = self.start(b.officer, SIMPLE, on_the_spot())
        cid = case["id"]
        self.assertEqual(
            (case["procedure"], case["state"], case["number"]), ("simple", "decided_on_spot", "铁西城管简〔2026〕1号")
        )
        self.assertEqual(
            [(h["username"], h["role"]) for h in case["handlers"]], [("officer", "lead"), ("officer2", "assist")]
        )
        self.assertEqual([(d["code"], d["due_on"]) for d in case["deadlines"]], [("payment_deadline", "2026-06-16")])
        refused = self.step(b.officer, cid, "collect_on_the_spot", {}, status=409)
        self.assertEqual((refused["error"], refused["reasons"]), ("gate_refused", [RECEIPT]))
        case = self.walk(
            cid,
            [
                (b.officer, "collect_on_the_spot", {"receipt_no": "财政票据0001", "place": "站前街道中央路"}),
                (b.officer, "file_record", {"note": "已报备"}),
                (b.officer, "hand_in_cash", {"received_by": "财务科"}),
                (b.unit_head, "deposit_cash", {"bank_receipt_no": "BANK-1"}),
                (b.unit_head, "close", {"report": "已缴纳"}),
                (b.unit_head, "archive", {}),
            ],
        )
        self.assertEqual((case["state"], case["facts"]["paid_fen"]), ("archived", 5_000))
        self.assertEqual(
            self.transitions(cid),
            ["decide_on_the_spot", "collect_on_the_spot", "file_record", "hand_in_cash", "deposit_cash", "close",
             "archive"],
        )  # fmt: skip
        self.assert_replays(cid)

    def test_a_fine_above_the_limit_is_refused_with_its_reason_and_leaves_no_case(self):
        refused = self.start(self.b.officer, SIMPLE, on_the_spot(fine_fen=20_001), status=409)
        self.assertEqual((refused["error"], refused["reasons"]), ("gate_refused", [PERSON_LIMIT]))
        self.assertIs(Case.objects.exists(), False)
        refused = self.start(self.b.officer, SIMPLE, on_the_spot(types=["criticism"], fine_fen=0), status=409)
        self.assertIn("Only a warning or a fine may be decided on the spot", refused["reasons"][0])
        self.assertEqual(
            self.start(self.b.officer, SIMPLE, on_the_spot(fine_fen=20_000))["lead_number"], "铁西城管案源〔2026〕1号"
        )

    def test_a_warning_is_filed_and_a_bank_payment_settles_a_fine(self):
        b = self.b
        warning = self.start(b.officer, SIMPLE, on_the_spot(types=["warning"], fine_fen=0))
        case = self.walk(warning["id"], [(b.officer, "file_record", {}), (b.unit_head, "close", {"report": "警告"})])
        self.assertEqual(case["state"], "closed")
        fine = self.start(b.officer, SIMPLE, on_the_spot(form_number="No.000002"))
        refused = self.step(b.unit_head, fine["id"], "close", {"report": "x"}, status=409)
        self.assertEqual(refused["error"], "invalid_transition")
        payment = {"amount_fen": 5_000, "paid_on": "2026-06-01", "receipt_no": "BANK-2"}
        steps: list[tuple[User, str, dict[str, Any]]] = [
            (b.officer, "file_record", {}),
            (b.officer, "record_payment", payment),
            (b.unit_head, "close", {"report": "已缴纳"}),
        ]
        case = self.walk(fine["id"], steps)
        self.assertEqual((case["state"], case["facts"]["paid_fen"]), ("closed", 5_000))

    def test_input_errors_name_their_fields(self):
        cases = [
            (on_the_spot(party={**PARTY, "id_number": "110105194912310021"}), 422, ["party.id_number"]),
            (on_the_spot(officers=["officer", "ghost"]), 422, ["officers"]),
            (on_the_spot(violation="srhw-999"), 422, ["violation"]),
            (on_the_spot(party_signed=False), 422, ["refusal_note"]),
            (on_the_spot(act_date="2026-06-02"), 422, ["act_date"]),
            (on_the_spot(fine_fen=0), 422, ["fine_fen"]),
            ({k: v for k, v in on_the_spot().items() if k != "facts_conclusive"}, 422, ["facts_conclusive"]),
            (on_the_spot(fine_fen=1.5), 422, ["fine_fen"]),
        ]
        for body, status, fields in cases:
            with self.subTest(fields=fields):
                refused = self.start(self.b.officer, SIMPLE, body, status=status)
                self.assertEqual(list(refused["errors"]), fields)
        self.assertIs(Case.objects.exists(), False)

    def test_an_officer_may_not_decide_for_another_unit(self):
        refused = self.start(self.b.officer, SIMPLE, on_the_spot(unit="b1s2"), status=403)
        self.assertEqual(refused["error"], "access_denied")
        self.assertIs(Case.objects.exists(), False)

    def test_another_units_officer_gets_404_on_the_steps(self):
        cid = self.start(self.b.officer, SIMPLE, on_the_spot())["id"]
        refused = self.step(self.b.other_officer, cid, "collect_on_the_spot", {"receipt_no": "R"}, status=404)
        self.assertEqual(refused["error"], "not_found")
        self.assertEqual(self.transitions(cid), ["decide_on_the_spot"])


# --- 行政检查 ---------------------------------------------------------------------------------------


class InspectionApiTests(OtherProcedureApiTestCase):
    def test_it_walks_an_inspection_that_finds_a_violation_to_the_archive(self):
        b = self.b
        case = self.start(b.officer, INSPECTION, inspection())
        cid = case["id"]
        self.assertEqual((case["procedure"], case["state"], case["parties"]), ("inspection", "inspecting", []))
        refused = self.step(b.officer, cid, "conclude_inspection", {"result": "compliant", "findings": "x"}, status=409)
        self.assertEqual(refused["reasons"], ["Record the on-site inspection first (APL Art. 55)."])
        record = {"inspected": "店铺门前", "content": "店外摆放货架占用人行道", "recorded_at": "2026-06-01T09:30:00+08:00",
                  "place": "站前街道中央路12号"}  # fmt: skip
        conclusion = {"result": "violation_found", "findings": "店外占道经营", "violation": "srhw-001",
                      "act_date": "2026-06-01"}  # fmt: skip
        case = self.walk(
            cid,
            [
                (b.officer, "record_inspection", record),
                (b.officer, "conclude_inspection", conclusion),
                (b.unit_head, "close", {"report": "已移交立案"}),
                (b.unit_head, "archive", {}),
            ],
        )
        self.assertEqual(case["state"], "archived")
        lead = self.call(b.officer, "GET", f"{BASE}{case['facts']['opened_case_id']}").json()
        self.assertEqual((lead["procedure"], lead["state"], lead["source"]), ("general", "lead", "inspection"))
        self.assertEqual((lead["violation"]["code"], lead["source_detail"]), ("srhw-001", case["lead_number"]))
        self.assert_replays(cid)

    def test_the_violation_must_be_of_the_inspections_category(self):
        violation_create(
            actor=self.b.reviewer, code="cxgh-001", title="未批先建", category=self.b.planning,
            violated_provisions="《城乡规划法》第四十条", penalty_provisions="《城乡规划法》第六十四条",
        )  # fmt: skip
        cid = self.start(self.b.officer, INSPECTION, inspection(parties=[PARTY]))["id"]
        record = {"content": "现场检查", "recorded_at": "2026-06-01T09:30:00+08:00"}
        self.step(self.b.officer, cid, "record_inspection", record)
        body = {"result": "violation_found", "findings": "违法建设", "violation": "cxgh-001"}
        refused = self.step(self.b.officer, cid, "conclude_inspection", body, status=422)
        self.assertEqual(list(refused["errors"]), ["violation"])
        later = {"result": "rectification_ordered", "findings": "杂物", "rectify_by": "2026-06-01"}
        refused = self.step(self.b.officer, cid, "conclude_inspection", later, status=422)
        self.assertEqual(refused["errors"], {"rectify_by": ["Set a future date by which the party must rectify."]})

    def test_one_officer_is_refused_with_the_gates_reason(self):
        refused = self.start(self.b.officer, INSPECTION, inspection(officers=["officer", "aux"]), status=409)
        self.assertEqual(
            refused["reasons"][:2],
            [
                "At least two qualified enforcement officers must carry out an inspection (APL Art. 42, 55).",
                "钱协管 is an auxiliary and may not carry out enforcement acts.",
            ],
        )
        self.assertIs(Case.objects.exists(), False)


# --- 行政强制措施 -----------------------------------------------------------------------------------


class CompulsoryApiTests(OtherProcedureApiTestCase):
    def test_it_walks_an_approved_seizure_to_a_decision_on_the_items_and_the_archive(self):
        b = self.b
        penalty_case = self.register(self.new_lead())
        case = self.start(b.unit_head, APPROVE, measure())
        cid = case["id"]
        self.assertEqual(
            (case["procedure"], case["state"], case["facts"]["measure_approved"]), ("compulsory", "approved", True)
        )
        on_site = {"items": ["三轮车一辆", "遮阳伞一把"], "party_present": True}
        attach_recording(Case.objects.get(pk=cid), "apply_measure", b.officer)  # 查封扣押 on video (RULES §3.2)
        with time_machine.travel(at("2026-06-01", 23), tick=False):
            refused = self.step(b.officer, cid, "apply_measure", on_site, status=409)
        self.assertEqual((refused["error"], refused["reasons"]), ("gate_refused", [NIGHT]))
        case = self.step(b.officer, cid, "apply_measure", on_site)
        self.assertEqual([(d["code"], d["due_on"]) for d in case["deadlines"]], [("measure_period", "2026-07-01")])
        with time_machine.travel(at("2026-06-29", 10), tick=False):
            extension = {"days": 31, "reasons": "需进一步核实物品权属", "notice_served_on": "2026-06-29"}
            refused = self.step(b.unit_head, cid, "extend_measure", extension, status=409)
            self.assertEqual(refused["reasons"], ["The measure may be extended by at most 30 days (AEL Art. 25)."])
            disposal = {"disposal": "confiscate", "decision": "依法没收", "penalty_case": penalty_case.pk}
            case = self.walk(
                cid,
                [
                    (b.unit_head, "extend_measure", {**extension, "days": 20}),
                    (b.unit_head, "decide_disposal", disposal),
                    (b.unit_head, "close", {"report": "已作出处理决定"}),
                    (b.unit_head, "archive", {}),
                ],
            )
        self.assertEqual((case["state"], case["facts"]["penalty_case_id"]), ("archived", penalty_case.pk))
        self.assertEqual(
            self.transitions(cid),
            ["approve_measure", "apply_measure", "extend_measure", "decide_disposal", "close", "archive"],
        )
        self.assert_replays(cid)

    def test_an_emergency_seizure_at_night_is_approved_afterwards_and_released(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 23), tick=False):
            case = self.start(b.officer, EMERGENCY, emergency())
            attach_recording(Case.objects.get(pk=case["id"]), "emergency_measure", b.officer)
        cid = case["id"]
        self.assertEqual((case["state"], case["facts"]["report_due_at"]), ("applied", "2026-06-02T15:00:00+00:00"))
        with time_machine.travel(at("2026-06-02", 10), tick=False):
            case = self.walk(
                cid,
                [
                    (b.unit_head, "approve_emergency", {"opinion": "同意"}),
                    (b.unit_head, "release_measure", {"ground": "not_needed", "note": "物品已发还"}),
                    (b.unit_head, "close", {"report": "已解除扣押"}),
                    (b.unit_head, "archive", {}),
                ],
            )
        self.assertEqual((case["state"], case["facts"]["release_ground"]), ("archived", "not_needed"))
        self.assert_replays(cid)

    def test_an_officer_may_not_approve_a_measure(self):
        refused = self.start(self.b.officer, APPROVE, measure(), status=403)
        self.assertEqual(refused["error"], "access_denied")
        self.assertIs(Case.objects.exists(), False)

    def test_input_errors_name_their_fields(self):
        related = self.register(self.new_lead())
        other_units = self.new_lead(actor=self.b.other_officer, unit=self.b.squad2)
        cases = [
            (emergency(items=[]), "items"),
            (emergency(emergency_reason=""), "emergency_reason"),
            (emergency(party_present=False, witness=" "), "witness"),
            (emergency(items=[" "]), "items"),
            (emergency(related_case=10**9), "related_case"),
            (emergency(measure="burn"), "measure"),
        ]
        for body, field in cases:
            with self.subTest(field=field):
                refused = self.start(self.b.officer, EMERGENCY, body, status=422)
                self.assertEqual(list(refused["errors"]), [field])
        refused = self.start(self.b.officer, EMERGENCY, emergency(related_case=other_units.pk), status=422)
        self.assertEqual(refused["errors"], {"related_case": [f"No case you may read has the id {other_units.pk}."]})
        case = self.start(self.b.unit_head, APPROVE, measure(related_case=related.pk))
        self.assertEqual((case["facts"]["related_case_id"], case["source_detail"]), (related.pk, related.number))


# --- The OpenAPI document and generated requests -----------------------------------------------------


class OtherProcedureOpenApiTests(OtherProcedureApiTestCase):
    def test_it_documents_each_operation_with_its_errors(self):
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        expected = dict(STARTS)
        expected.update({f"{BASE}{{case_id}}/{code}": f"case_{code}" for code in OTHER_STEPS})
        for path, operation_id in expected.items():
            with self.subTest(path=path):
                self.assertEqual(set(paths[path]), {"post"})
                operation = paths[path]["post"]
                self.assertEqual(operation["operationId"], operation_id)
                success = "201" if path in STARTS else "200"
                self.assertEqual(set(operation["responses"]), {success, "401", "403", "404", "409", "422"})
                self.assertEqual(operation["security"], [{"BearerToken": []}])


class OtherProcedureFuzzTests(fuzzing.ApiFuzzTests):
    def test_no_generated_request_gets_a_server_error(self):
        """This module's operations, fed cases of their procedures in several states (see ``ApiFuzzTests``)."""
        b = self.b
        starts = [(b.officer, SIMPLE, on_the_spot()), (b.officer, INSPECTION, inspection()),
                  (b.unit_head, APPROVE, measure()), (b.officer, EMERGENCY, emergency())]  # fmt: skip
        case_ids = [self.call(user, "POST", path, body).json()["id"] for user, path, body in starts]
        mine = {*STARTS, *(f"{BASE}{{case_id}}/{code}" for code in OTHER_STEPS)}
        schema = fuzzing.schemathesis.openapi.from_dict(api.get_openapi_schema())
        operations = [result.ok() for result in schema.get_all_operations()]
        operations = [operation for operation in operations if operation.path in mine]
        self.assertEqual(len(operations), len(mine))
        for operation in operations:
            for mode in (fuzzing.schemathesis.GenerationMode.POSITIVE, fuzzing.schemathesis.GenerationMode.NEGATIVE):
                with self.subTest(operation=operation.label, mode=str(mode)):
                    self.fuzz(operation, mode, case_ids)
