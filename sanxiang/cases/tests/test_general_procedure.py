"""A general-procedure case walked from the lead to the archive, every step leaving its event."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import CaseSource, IdType, PartyKind
from sanxiang.catalog.actions import violation_create
from sanxiang.catalog.models import Violation
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.lib.exceptions import GateRefused, InvalidTransition
from sanxiang.procedures.actions import calendar_seed_year
from sanxiang.testing import BureauTestCase

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


class CaseTestCase(BureauTestCase):
    """The bureau plus the 2026 calendar and a violation of the 市容 category."""

    violation: Violation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        calendar_seed_year(actor=cls.b.system, year=2026)
        cls.violation = violation_create(
            actor=cls.b.reviewer,
            code="srhw-001",
            title="擅自占用城市道路摆摊设点",
            category=cls.b.city_appearance,
            violated_provisions="《城市市容和环境卫生管理条例》第十四条",
            penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
        )

    def new_lead(self, **overrides):
        party = actions.party_build(
            kind=PartyKind.PERSON,
            name="张三",
            id_type=IdType.RESIDENT_ID,
            id_number="11010519491231002X",
            address="铁西区某街1号",
        )
        fields: dict[str, Any] = {
            "actor": self.b.officer,
            "source": CaseSource.PATROL,
            "unit": self.b.squad1,
            "category": self.b.city_appearance,
            "region": self.b.street,
            "location": "站前街道中央路",
            "summary": "占道经营",
            "discovered_on": timezone.localdate(),
            "act_date": timezone.localdate(),
            "violation": self.violation,
            "parties": [party],
        }
        fields.update(overrides)
        return actions.case_register_lead(**fields)

    def register(self, case):
        return actions.case_register(actor=self.b.unit_head, case=case, handlers=[self.b.officer, self.b.officer2])


class GeneralProcedureWalkTests(CaseTestCase):
    def test_it_walks_a_case_from_lead_to_archive(self):
        b = self.b
        with time_machine.travel(at("2026-06-01"), tick=False):
            case = self.new_lead()
            self.assertEqual(case.state, "lead")
            self.assertEqual(case.lead_number, "铁西城管案源〔2026〕1号")
            case = self.register(case)
            self.assertEqual((case.state, case.number), ("registered", "铁西城管立〔2026〕1号"))
            self.assertEqual(case.deadlines.get(code="decision_period").due_on, dt.date(2026, 8, 31))
            case = actions.case_record_transcript(
                actor=b.officer,
                case=case,
                kind="questioning",
                interviewee="张三",
                content="问：……答：……",
                recorded_at=timezone.now(),
                place="站前街道",
            )
            case = actions.case_conclude_investigation(
                actor=b.officer, case=case, report="事实清楚", proposal="罚款500元"
            )
            case = actions.case_examine(actor=b.unit_head, case=case, opinion="同意")
            case = actions.case_notify(
                actor=b.officer,
                case=case,
                types=["fine"],
                fine_fen=50_000,
                served_on=timezone.localdate(),
                method="direct",
            )
            self.assertIs(case.facts["hearing_eligible"], False)
            with self.assertRaises(GateRefused) as refused:
                actions.case_decide(actor=b.unit_head, case=case, types=["fine"], fine_fen=50_000)
            self.assertIn("2026-06-04", refused.exception.reasons[0])
        with time_machine.travel(at("2026-06-05"), tick=False):
            case = actions.case_decide(actor=b.unit_head, case=case, types=["fine"], fine_fen=50_000)
            case = actions.case_serve(
                actor=b.officer, case=case, method="direct", served_on=timezone.localdate(), recipient="张三"
            )
            self.assertEqual(case.deadlines.get(code="payment_deadline").due_on, dt.date(2026, 6, 22))
            case = actions.case_record_payment(
                actor=b.officer, case=case, amount_fen=50_000, paid_on=timezone.localdate(), receipt_no="No.0001"
            )
            case = actions.case_record_execution(actor=b.officer, case=case)
            case = actions.case_close(actor=b.unit_head, case=case, report="已执行完毕")
            dossier_issue_missing(actor=b.unit_head, case=case)  # 归档 needs the dossier's documents
            case = actions.case_archive(actor=b.unit_head, case=case)
        self.assertEqual(case.state, "archived")
        events = list(case.events.values_list("transition", flat=True))
        self.assertEqual(
            events,
            ["register_lead", "register", "record_transcript", "conclude_investigation", "examine", "notify", "decide",
             "serve", "record_payment", "record_execution", "close", "archive"],
        )  # fmt: skip
        self.assertEqual(list(case.events.values_list("seq", flat=True)), list(range(1, 13)))
        self.maxDiff = None
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_a_move_the_definition_does_not_have_is_refused(self):
        with time_machine.travel(at("2026-06-01"), tick=False):
            case = self.new_lead()
            with self.assertRaises(InvalidTransition):
                actions.case_decide(actor=self.b.unit_head, case=case, types=["warning"])
            self.assertEqual(case.events.count(), 1)
