"""The case endpoints of the JSON API, through HTTP with bearer tokens.

A general-procedure case is walked from the lead to the archive, and each
kind of refusal is checked for its status, its code and its reason.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine
from django.utils import timezone

from sanxiang.apitokens.actions import api_token_issue
from sanxiang.cases import actions
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.org.models import User

BASE = "/api/v1/cases/"
ID_NUMBER = "11010519491231002X"
STEPS = [
    "register", "dismiss_lead", "record_transcript", "attach_evidence", "preserve_evidence", "decide_preservation",
    "conclude_investigation", "examine", "decide_no_penalty", "transfer", "notify", "record_statement",
    "waive_rights", "request_hearing", "schedule_hearing", "hold_hearing", "decide", "serve", "record_payment",
    "send_demand", "apply_court_enforcement", "record_execution", "close", "archive", "approve_deferral",
]  # fmt: skip
OTHER_STEPS = [
    "collect_on_the_spot", "hand_in_cash", "deposit_cash", "file_record", "record_inspection", "conclude_inspection",
    "approve_emergency", "apply_measure", "extend_measure", "release_measure", "decide_disposal",
]  # fmt: skip
STARTS = [
    "simple/decide_on_the_spot", "inspection/start_inspection", "compulsory/approve_measure", "compulsory/emergency_measure",
]  # fmt: skip


def lead_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "patrol", "unit": "b1s1", "category": "srhw", "region": "tiexi-zq",
        "location": "站前街道中央路", "summary": "占道经营", "discovered_on": "2026-06-01", "act_date": "2026-06-01",
        "violation": "srhw-001",
        "parties": [{"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": ID_NUMBER,
                     "address": "铁西区某街1号", "phone": "13800001234"}],
    }  # fmt: skip
    body.update(overrides)
    return body


@time_machine.travel(at("2026-06-01"), tick=False)
class CaseApiTestCase(CaseTestCase):
    """Personas of ``sanxiang.testing`` each with an API token (``tokens`` by login name)."""

    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        b = cls.b
        cls.tokens = {}
        for user in (b.officer, b.officer2, b.other_officer, b.unit_head, b.leader, b.supervisor, b.reviewer):
            _, plaintext = api_token_issue(actor=b.secadmin, user=user, name="test", expires_on=dt.date(2026, 12, 31))
            cls.tokens[user.username] = plaintext

    def call(self, user: User, method: str, path: str, body: Any = None, *, raw: str | None = None) -> Any:
        """Send a request as ``user``; ``body`` is sent as JSON, ``raw`` as it is."""
        headers = {"Authorization": f"Bearer {self.tokens[user.username]}"}
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.client.generic(method, path, data, content_type="application/json", headers=headers)

    def step(self, user: User, case_id: int, code: str, body: Any = None, *, status: int = 200) -> dict[str, Any]:
        response = self.call(user, "POST", f"{BASE}{case_id}/{code}", body if body is not None else {})
        self.assertEqual(response.status_code, status, response.content.decode())
        result: dict[str, Any] = response.json()
        return result

    def api_lead(self, user: User | None = None, **overrides: Any) -> dict[str, Any]:
        response = self.call(user or self.b.officer, "POST", BASE, lead_body(**overrides))
        self.assertEqual(response.status_code, 201, response.content.decode())
        result: dict[str, Any] = response.json()
        return result

    def notified_case(self, fine_fen: int = 50_000) -> Case:
        """A case registered, investigated, examined and notified today (through the actions)."""
        b = self.b
        case = self.register(self.new_lead())
        case = actions.case_conclude_investigation(actor=b.officer, case=case, report="事实清楚", proposal="罚款")
        case = actions.case_examine(actor=b.unit_head, case=case, opinion="同意")
        return actions.case_notify(
            actor=b.officer, case=case, types=["fine"], fine_fen=fine_fen, served_on=timezone.localdate(),
            method="direct",
        )  # fmt: skip


class GeneralProcedureThroughApiTests(CaseApiTestCase):
    def test_it_walks_a_case_from_lead_to_archive(self):
        b = self.b
        case = self.api_lead()
        self.assertEqual((case["state"], case["lead_number"]), ("lead", "铁西城管案源〔2026〕1号"))
        self.assertEqual(case["parties"][0]["id_number"], ID_NUMBER)
        cid = case["id"]
        case = self.step(b.unit_head, cid, "register", {"handlers": ["officer", "officer2"]})
        self.assertEqual((case["state"], case["number"]), ("registered", "铁西城管立〔2026〕1号"))
        self.assertEqual(
            [(h["username"], h["role"]) for h in case["handlers"]], [("officer", "lead"), ("officer2", "assist")]
        )
        self.assertEqual([(d["code"], d["due_on"]) for d in case["deadlines"]], [("decision_period", "2026-08-31")])
        transcript = {"kind": "questioning", "interviewee": "张三", "content": "问：……答：……",
                      "recorded_at": "2026-06-01T09:00:00+08:00", "place": "站前街道"}  # fmt: skip
        self.step(b.officer, cid, "record_transcript", transcript)
        self.step(
            b.officer, cid, "attach_evidence", {"kind": "视听资料", "description": "摊位照片", "sha256": "a" * 64}
        )
        self.step(b.officer, cid, "conclude_investigation", {"report": "事实清楚", "proposal": "罚款500元"})
        self.step(b.unit_head, cid, "examine", {"opinion": "同意"})
        notice = {"types": ["fine"], "fine_fen": 50_000, "served_on": "2026-06-01", "method": "direct"}
        case = self.step(b.officer, cid, "notify", notice)
        self.assertIs(case["facts"]["hearing_eligible"], False)
        self.step(b.officer, cid, "record_statement", {"statement": "摊位是临时的", "recheck": "理由不成立"})
        refused = self.step(b.unit_head, cid, "decide", {"types": ["fine"], "fine_fen": 50_000}, status=409)
        self.assertEqual(refused["error"], "gate_refused")
        self.assertIn("2026-06-04", refused["reasons"][0])
        with time_machine.travel(at("2026-06-05"), tick=False):
            self.step(b.unit_head, cid, "decide", {"types": ["fine"], "fine_fen": 50_000, "reasons": "事实清楚"})
            case = self.step(
                b.officer, cid, "serve", {"method": "direct", "served_on": "2026-06-05", "recipient": "张三"}
            )
            self.assertIn(("payment_deadline", "2026-06-22"), [(d["code"], d["due_on"]) for d in case["deadlines"]])
            payment = {"amount_fen": 50_000, "paid_on": "2026-06-05", "receipt_no": "No.0001"}
            case = self.step(b.officer, cid, "record_payment", payment)
            self.assertEqual(case["facts"]["paid_fen"], 50_000)
            self.step(b.officer, cid, "record_execution", {})
            self.step(b.unit_head, cid, "close", {"report": "已执行完毕"})
            dossier_issue_missing(actor=b.unit_head, case=Case.objects.get(pk=cid))  # 归档 needs the documents
            case = self.step(b.unit_head, cid, "archive")
        self.assertEqual(case["state"], "archived")
        events = self.call(b.officer, "GET", f"{BASE}{cid}/events").json()
        self.assertEqual(
            [e["transition"] for e in events],
            ["register_lead", "register", "record_transcript", "attach_evidence", "conclude_investigation", "examine",
             "notify", "record_statement", "decide", "serve", "record_payment", "record_execution", "close", "archive"],
        )  # fmt: skip
        self.assertEqual(events, case["events"])
        self.assertEqual(events[2]["payload"]["content"], "问：……答：……")
        self.assertEqual(events[0]["actor"], str(b.officer))
        stored = Case.objects.get(pk=cid)
        self.assertEqual(case_replay(stored), case_snapshot(stored))

    def test_a_waiver_lets_the_decision_come_at_once(self):
        case = self.notified_case()
        self.step(self.b.officer, case.pk, "waive_rights", {"signed_on": "2026-06-01", "note": "当事人放弃"})
        decided = self.step(self.b.unit_head, case.pk, "decide", {"types": ["fine"], "fine_fen": 50_000})
        self.assertEqual(decided["state"], "decided")

    def test_a_hearing_is_requested_when_the_fine_is_large(self):
        case = self.notified_case(fine_fen=2_000_000)
        result = self.step(self.b.officer, case.pk, "request_hearing", {"requested_on": "2026-06-02"})
        self.assertEqual((result["state"], result["facts"]["hearing_requested_on"]), ("hearing", "2026-06-02"))

    def test_a_small_fine_gives_no_hearing(self):
        case = self.notified_case()
        refused = self.step(self.b.officer, case.pk, "request_hearing", {"requested_on": "2026-06-01"}, status=409)
        self.assertEqual(refused["error"], "gate_refused")
        self.assertIn("APL Art. 63", refused["reasons"][0])


class CaseReadTests(CaseApiTestCase):
    def test_detail_masks_personal_data_for_those_who_may_not_write(self):
        cid = self.api_lead()["id"]
        for user, masked in ((self.b.officer, False), (self.b.supervisor, True), (self.b.reviewer, True)):
            with self.subTest(user=user.username):
                case = self.call(user, "GET", f"{BASE}{cid}").json()
                party = case["parties"][0]
                self.assertIs(case["personal_data_masked"], masked)
                expected = ("**************002X", "*******1234") if masked else (ID_NUMBER, "13800001234")
                self.assertEqual((party["id_number"], party["phone"]), expected)

    def test_detail_publishes_the_chosen_fields(self):
        case = self.api_lead()
        self.assertEqual(
            sorted(case),
            sorted([
                "id", "number", "lead_number", "procedure", "state", "state_label", "unit", "category", "region",
                "location", "discovered_on", "registered_on", "created_at", "updated_at", "source", "source_detail",
                "summary", "act_date", "violation", "facts", "personal_data_masked", "handlers", "parties",
                "deadlines", "events", "execution",
            ]),
        )  # fmt: skip
        self.assertEqual(case["unit"], {"code": "b1s1", "name": "一中队"})
        self.assertEqual(case["violation"], {"code": "srhw-001", "title": "擅自占用城市道路摆摊设点"})
        self.assertEqual(case["state_label"], "Lead registered")

    def test_list_is_scoped_filtered_and_paged(self):
        first = self.api_lead()["id"]
        second = self.api_lead()["id"]
        other = self.api_lead(self.b.other_officer, unit="b1s2")["id"]
        self.step(self.b.unit_head, first, "register", {"handlers": ["officer", "officer2"]})
        cases = [
            (self.b.officer, "", 2, [second, first]),
            (self.b.other_officer, "", 1, [other]),
            (self.b.unit_head, "", 3, [other, second, first]),
            (self.b.supervisor, "?limit=1&offset=1", 3, [second]),
            (self.b.leader, "?state=registered", 1, [first]),
            (self.b.leader, "?unit=b1s2", 1, [other]),
            (self.b.leader, "?procedure=simple", 0, []),
        ]
        for user, query, total, ids in cases:
            with self.subTest(user=user.username, query=query):
                page = self.call(user, "GET", f"{BASE}{query}").json()
                self.assertEqual((page["total"], [c["id"] for c in page["items"]]), (total, ids))

    def test_list_costs_six_queries_however_many_cases(self):
        """The token (in a savepoint), the roles, the count and the page."""
        self.api_lead()
        self.call(self.b.leader, "GET", BASE)  # the first use of a token also notes it (last_used_at)
        for count in (1, 4):
            while Case.objects.count() < count:
                self.api_lead()
            with self.subTest(cases=count), self.assertNumQueries(6):
                self.assertEqual(len(self.call(self.b.leader, "GET", BASE).json()["items"]), count)

    def test_a_bad_page_is_an_input_error(self):
        for query in ("?limit=0", "?limit=201", "?offset=-1", "?limit=x"):
            with self.subTest(query=query):
                response = self.call(self.b.leader, "GET", f"{BASE}{query}")
                self.assertEqual((response.status_code, response.json()["error"]), (422, "invalid_input"))


class CaseRefusalTests(CaseApiTestCase):
    def test_a_move_the_state_does_not_allow_is_an_invalid_transition(self):
        cid = self.api_lead()["id"]
        refused = self.step(self.b.unit_head, cid, "decide", {"types": ["warning"]}, status=409)
        self.assertEqual(refused["error"], "invalid_transition")
        self.assertIn("is not possible while the case is", refused["message"])
        self.assertEqual(Case.objects.get(pk=cid).event_count, 1)

    def test_a_move_the_role_does_not_allow_is_forbidden(self):
        cid = self.api_lead()["id"]
        refused = self.step(self.b.officer, cid, "register", {"handlers": ["officer", "officer2"]}, status=403)
        self.assertEqual(refused["error"], "access_denied")
        self.assertIn("Your role does not allow", refused["message"])

    def test_a_rule_of_the_action_is_a_validation_error_by_field(self):
        case = self.register(self.new_lead())
        self.step(self.b.officer, case.pk, "conclude_investigation", {"report": "事实清楚"})
        self.step(self.b.unit_head, case.pk, "examine", {})
        body = {"types": ["warning"], "fine_fen": 100, "served_on": "2026-06-01", "method": "direct"}
        refused = self.step(self.b.officer, case.pk, "notify", body, status=422)
        self.assertEqual(refused["error"], "validation_failed")
        self.assertEqual(list(refused["errors"]), ["fine_fen"])
        later = {**body, "types": ["fine"], "served_on": "2026-06-02"}
        refused = self.step(self.b.officer, case.pk, "notify", later, status=422)
        self.assertEqual(refused["errors"], {"served_on": ["The service date cannot be in the future."]})

    def test_input_off_the_schema_is_an_input_error_by_field(self):
        cid = self.api_lead()["id"]
        cases = [
            ({"reason": "x", "extra": 1}, "extra"),
            ({"reason": ""}, "reason"),
            ({"reason": "a\x00b"}, "reason"),
            ({}, "reason"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                refused = self.step(self.b.unit_head, cid, "dismiss_lead", body, status=422)
                self.assertEqual(refused["error"], "invalid_input")
                self.assertIn(field, refused["errors"])

    def test_amounts_are_integer_fen_and_dates_iso(self):
        case = self.register(self.new_lead())
        cases = [
            ({"types": ["fine"], "fine_fen": 500.5, "served_on": "2026-06-01", "method": "direct"}, "fine_fen"),
            ({"types": ["fine"], "fine_fen": -1, "served_on": "2026-06-01", "method": "direct"}, "fine_fen"),
            ({"types": ["fine"], "fine_fen": 10**13, "served_on": "2026-06-01", "method": "direct"}, "fine_fen"),
            ({"types": ["fine"], "fine_fen": 100, "served_on": "01.06.2026", "method": "direct"}, "served_on"),
            ({"types": ["fine"], "fine_fen": 100, "served_on": "9999-12-31", "method": "direct"}, "served_on"),
            ({"types": ["fine"], "fine_fen": 100, "served_on": "2026-06-01", "method": "pigeon"}, "method"),
            ({"types": ["bribe"], "fine_fen": 100, "served_on": "2026-06-01", "method": "direct"}, "types.0"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                refused = self.step(self.b.officer, case.pk, "notify", body, status=422)
                self.assertIn(field, refused["errors"])

    def test_a_transcript_time_needs_its_time_zone(self):
        case = self.register(self.new_lead())
        body = {"kind": "questioning", "content": "问答", "recorded_at": "2026-06-01T09:00:00"}
        refused = self.step(self.b.officer, case.pk, "record_transcript", body, status=422)
        self.assertIn("recorded_at", refused["errors"])

    def test_a_body_that_is_not_json_is_an_input_error(self):
        cid = self.api_lead()["id"]
        for raw in ("{not json", "\xff\xfe", '{"reason": '):
            with self.subTest(raw=raw):
                response = self.call(self.b.unit_head, "POST", f"{BASE}{cid}/dismiss_lead", raw=raw)
                self.assertEqual((response.status_code, response.json()["error"]), (422, "invalid_json"))

    def test_a_body_that_is_json_but_not_an_object_is_an_input_error(self):
        cid = self.api_lead()["id"]
        for raw in ("[]", '"reason"', "null", "1"):
            with self.subTest(raw=raw):
                response = self.call(self.b.unit_head, "POST", f"{BASE}{cid}/dismiss_lead", raw=raw)
                self.assertEqual(response.status_code, 422)

    def test_unknown_references_are_validation_errors(self):
        cases = [
            ({"unit": "nowhere"}, "unit"),
            ({"category": "nothing"}, "category"),
            ({"region": "mars"}, "region"),
            ({"violation": "srhw-999"}, "violation"),
        ]
        for overrides, field in cases:
            with self.subTest(field=field):
                response = self.call(self.b.officer, "POST", BASE, lead_body(**overrides))
                self.assertEqual((response.status_code, list(response.json()["errors"])), (422, [field]))
        refused = self.step(self.b.unit_head, self.api_lead()["id"], "register", {"handlers": ["officer", "ghost"]}, status=422)  # fmt: skip
        self.assertEqual(refused["errors"], {"handlers": ["No active staff member has the login name ghost."]})

    def test_a_bad_party_is_named_by_its_position(self):
        party = {"kind": "person", "name": "李四", "id_type": "resident_id", "id_number": "110105194912310021"}
        response = self.call(self.b.officer, "POST", BASE, lead_body(parties=[lead_body()["parties"][0], party]))
        self.assertEqual((response.status_code, list(response.json()["errors"])), (422, ["parties.1.id_number"]))
        self.assertIs(Case.objects.exists(), False)

    def test_a_lead_of_another_unit_is_refused(self):
        response = self.call(self.b.officer, "POST", BASE, lead_body(unit="b1s2"))
        self.assertEqual((response.status_code, response.json()["error"]), (403, "access_denied"))
        self.assertIs(Case.objects.exists(), False)

    def test_another_units_case_is_not_found_like_a_missing_one(self):
        cid = self.api_lead()["id"]
        missing = self.call(self.b.other_officer, "GET", f"{BASE}{cid + 1000}")
        for method, path in (("GET", f"{BASE}{cid}"), ("GET", f"{BASE}{cid}/events"), ("POST", f"{BASE}{cid}/archive")):
            with self.subTest(method=method, path=path):
                response = self.call(self.b.other_officer, method, path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json(), missing.json())
        self.assertEqual(missing.json(), {"error": "not_found", "message": "Not found.", "reasons": [], "errors": {}})

    def test_the_supervisor_reads_but_any_write_is_not_found(self):
        cid = self.api_lead()["id"]
        self.assertEqual(self.call(self.b.supervisor, "GET", f"{BASE}{cid}").status_code, 200)
        refused = self.step(self.b.supervisor, cid, "dismiss_lead", {"reason": "不予立案"}, status=404)
        self.assertEqual(refused["error"], "not_found")
        self.assertEqual(Case.objects.get(pk=cid).state, "lead")

    def test_a_handler_only_case_is_not_writable_by_other_officers_of_the_unit(self):
        cid = self.api_lead()["id"]
        self.step(self.b.unit_head, cid, "register", {"handlers": ["officer", "unit_head".replace("unit_", "")]})
        self.assertEqual(self.call(self.b.officer2, "GET", f"{BASE}{cid}").status_code, 200)
        self.step(self.b.officer2, cid, "attach_evidence", {"kind": "书证", "description": "x"}, status=404)

    def test_out_of_range_ids_are_input_errors(self):
        for path in (f"{BASE}0", f"{BASE}{2**63}", f"{BASE}abc", f"{BASE}{2**64}/archive"):
            with self.subTest(path=path):
                method = "POST" if path.endswith("archive") else "GET"
                self.assertEqual(self.call(self.b.leader, method, path).status_code, 422)


class OpenApiDocumentTests(CaseApiTestCase):
    def test_it_lists_every_operation_with_its_errors_and_the_bearer_scheme(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema["components"]["securitySchemes"], {"BearerToken": {"type": "http", "scheme": "bearer"}})
        # The case operations (the public record-log endpoints have their own tests).
        paths = {path: ops for path, ops in schema["paths"].items() if path.startswith(BASE)}
        expected = {BASE: {"get", "post"}, f"{BASE}{{case_id}}": {"get"}, f"{BASE}{{case_id}}/events": {"get"}}
        expected.update({f"{BASE}{{case_id}}/{code}": {"post"} for code in STEPS + OTHER_STEPS})
        expected.update({f"{BASE}{start}": {"post"} for start in STARTS})
        self.assertEqual({path: set(ops) for path, ops in paths.items()}, expected)
        for path, operations in paths.items():
            for method, operation in operations.items():
                with self.subTest(path=path, method=method):
                    errors = {"401", "422"} | ({"404"} if "{case_id}" in path else set())
                    errors |= {"403", "404", "409"} if method == "post" else set()
                    self.assertEqual(set(operation["responses"]) - {"200", "201"}, errors)
                    self.assertEqual(operation["security"], [{"BearerToken": []}])
        self.assertEqual(set(paths[BASE]["post"]["responses"]), {"201", "401", "403", "404", "409", "422"})
