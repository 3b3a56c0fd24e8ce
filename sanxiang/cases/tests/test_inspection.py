"""Administrative inspections: walked to the archive; a violation found opens a general-procedure lead."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

import sanxiang.cases.guards_extra  # noqa: F401  (until CasesConfig.ready() imports it)
from sanxiang.cases import actions, actions_inspection
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case, CaseSource, IdType, PartyKind
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.lib.exceptions import GateRefused, ValidationFailed


class InspectionTestCase(CaseTestCase):
    def start(self, **overrides: Any) -> Case:
        party = actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        fields: dict[str, Any] = {
            "actor": self.b.officer,
            "source": CaseSource.PATROL,
            "unit": self.b.squad1,
            "category": self.b.city_appearance,
            "region": self.b.street,
            "location": "站前街道中央路12号",
            "purpose": "门前三包日常检查",
            "officers": [self.b.officer, self.b.officer2],
            "parties": [party],
        }
        fields.update(overrides)
        return actions_inspection.case_start_inspection(**fields)

    def record(self, case: Case) -> Case:
        return actions_inspection.case_record_inspection(
            actor=self.b.officer,
            case=case,
            inspected="张三经营的店铺门前",
            content="店外摆放货架占用人行道约3平方米",
            recorded_at=timezone.now(),
            place="站前街道中央路12号",
        )


class InspectionWalkTests(InspectionTestCase):
    def test_it_walks_a_compliant_inspection_to_the_archive(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.start()
            self.assertEqual((case.procedure, case.state, case.number), ("inspection", "inspecting", None))
            case = self.record(case)
            case = actions_inspection.case_conclude_inspection(
                actor=b.officer, case=case, result="compliant", findings="未发现违法行为"
            )
            case = actions.case_close(actor=b.unit_head, case=case, report="")
            dossier_issue_missing(actor=b.unit_head, case=case)  # 归档 needs the dossier's documents
            case = actions.case_archive(actor=b.unit_head, case=case)
        self.assertEqual(case.state, "archived")
        self.assertEqual(
            list(case.events.values_list("transition", flat=True)),
            ["start_inspection", "record_inspection", "conclude_inspection", "close", "archive"],
        )
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_a_violation_found_opens_a_lead_in_the_general_procedure(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            inspection = self.record(self.start())
            inspection = actions_inspection.case_conclude_inspection(
                actor=b.officer, case=inspection, result="violation_found", findings="店外占道经营",
                violation=self.violation, act_date=timezone.localdate(),
            )  # fmt: skip
            lead = Case.objects.get(pk=inspection.facts["opened_case_id"])
            self.assertEqual((lead.procedure, lead.state), ("general", "lead"))
            self.assertEqual((lead.source, lead.source_detail), (CaseSource.INSPECTION, inspection.lead_number))
            self.assertEqual(
                (lead.summary, lead.violation, lead.act_date), ("店外占道经营", self.violation, dt.date(2026, 6, 1))
            )
            self.assertEqual(list(lead.parties.all()), list(inspection.parties.all()))
            self.assertEqual(lead.events.get().transition, "register_lead")
            lead = self.register(lead)
            self.assertEqual(lead.state, "registered")
        self.assertEqual(case_replay(inspection), case_snapshot(inspection))

    def test_rectification_needs_a_future_date(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.record(self.start())
            message = "Set a future date by which the party must rectify."
            for rectify_by in (None, dt.date(2026, 6, 1)):
                with self.subTest(rectify_by=rectify_by), self.assertRaisesMessage(ValidationFailed, message):
                    actions_inspection.case_conclude_inspection(
                        actor=b.officer, case=case, result="rectification_ordered", findings="杂物堆放",
                        rectify_by=rectify_by,
                    )  # fmt: skip
            case = actions_inspection.case_conclude_inspection(
                actor=b.officer, case=case, result="rectification_ordered", findings="杂物堆放",
                rectify_by=dt.date(2026, 6, 8),
            )  # fmt: skip
        self.assertEqual((case.facts["result"], case.facts["rectify_by"]), ("rectification_ordered", "2026-06-08"))
        self.assertNotIn("opened_case_id", case.facts)


class InspectionGateTests(InspectionTestCase):
    def test_two_qualified_officers_inspect(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            for officers in ([b.officer], [b.officer, b.auxiliary]):
                with self.subTest(officers=[o.username for o in officers]):
                    with self.assertRaises(GateRefused) as refused:
                        self.start(officers=officers)
                    self.assertEqual(
                        refused.exception.reasons[0],
                        "At least two qualified enforcement officers must carry out an inspection (APL Art. 42, 55).",
                    )
        self.assertFalse(Case.objects.exists())

    def test_it_is_concluded_only_after_an_on_site_record(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.start()
            with self.assertRaises(GateRefused) as refused:
                actions_inspection.case_conclude_inspection(
                    actor=self.b.officer, case=case, result="violation_found", findings="占道"
                )
        self.assertEqual(refused.exception.reasons, ["Record the on-site inspection first (APL Art. 55)."])
        self.assertEqual(Case.objects.count(), 1, "the refused conclusion opened no lead")

    def test_an_unknown_result_is_refused(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.record(self.start())
            with self.assertRaisesMessage(ValidationFailed, "Choose the result of the inspection."):
                actions_inspection.case_conclude_inspection(
                    actor=self.b.officer, case=case, result="fine", findings="x"
                )
