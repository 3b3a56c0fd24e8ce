"""Compulsory measures (查封/扣押): approval, application, extension, release or disposal; their gates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

import sanxiang.cases.guards_extra  # noqa: F401  (until CasesConfig.ready() imports it)
from sanxiang.cases import actions, actions_compulsory
from sanxiang.cases.actions_compulsory import MeasureSubject
from sanxiang.cases.engine import case_replay, case_snapshot
from sanxiang.cases.models import Case, CaseSource, IdType, PartyKind
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.evidence.testing import attach_recording
from sanxiang.lib.exceptions import GateRefused, ValidationFailed
from sanxiang.procedures.definitions import compulsory

NIGHT = "No compulsory measure at night (22:00-06:00) unless there is an emergency: record it (AEL Art. 43)."


class CompulsoryTestCase(CaseTestCase):
    def subject(self) -> MeasureSubject:
        party = actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        return MeasureSubject(
            source=CaseSource.PATROL,
            unit=self.b.squad1,
            category=self.b.city_appearance,
            region=self.b.street,
            location="站前街道中央路",
            reasons="流动摊贩占道经营，拒不改正",
            parties=[party],
        )

    def approve(self, officers: list[Any] | None = None) -> Case:
        return actions_compulsory.case_approve_measure(
            actor=self.b.unit_head,
            subject=self.subject(),
            measure="seize",
            legal_basis="《城市市容和环境卫生管理条例》第三十六条",
            officers=officers or [self.b.officer, self.b.officer2],
        )

    def apply(self, case: Case, **overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "actor": self.b.officer,
            "case": case,
            "items": ["三轮车一辆", "遮阳伞一把"],
            "party_present": True,
        }
        fields.update(overrides)
        # 查封扣押 is recorded on video from start to end (RULES.md §3.2): the recording comes first.
        attach_recording(case, "apply_measure", fields["actor"])
        return actions_compulsory.case_apply_measure(**fields)

    def emergency(self) -> Case:
        case = self.emergency_unrecorded()
        attach_recording(case, "emergency_measure", self.b.officer)
        return case

    def emergency_unrecorded(self) -> Case:
        return actions_compulsory.case_emergency_measure(
            actor=self.b.officer,
            subject=self.subject(),
            measure="seize",
            legal_basis="《城市市容和环境卫生管理条例》第三十六条",
            officers=[self.b.officer, self.b.officer2],
            items=["烧烤炉一台"],
            emergency_reason="夜间占道烧烤，当事人拟携物离开",
            party_present=False,
            witness="李四（路人）",
        )

    def extend(self, case: Case, days: int = 20) -> Case:
        return actions_compulsory.case_extend_measure(
            actor=self.b.unit_head,
            case=case,
            days=days,
            reasons="需进一步核实物品权属",
            notice_served_on=timezone.localdate(),
        )

    def refused(self, fn: Any, *args: Any, **kwargs: Any) -> list[str]:
        with self.assertRaises(GateRefused) as refused:
            fn(*args, **kwargs)
        return refused.exception.reasons

    def period(self, case: Case) -> dt.date:
        return case.deadlines.get(code="measure_period", closed_at__isnull=True).due_on


class CompulsoryWalkTests(CompulsoryTestCase):
    def test_it_walks_a_seizure_with_its_extension_and_release(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.approve()
            self.assertEqual((case.procedure, case.state), ("compulsory", "approved"))
            case = self.apply(case)
            self.assertEqual(case.state, "applied")
            self.assertEqual(self.period(case), dt.date(2026, 7, 1))
        with time_machine.travel(at("2026-06-29", 10), tick=False):
            case = self.extend(case, days=20)
            self.assertEqual(self.period(case), dt.date(2026, 7, 21))
            self.assertEqual(case.deadlines.filter(code="measure_period").count(), 2)
        with time_machine.travel(at("2026-07-10", 10), tick=False):
            case = actions_compulsory.case_release_measure(
                actor=b.unit_head, case=case, ground="not_needed", note="物品已发还"
            )
            case = actions.case_close(actor=b.unit_head, case=case, report="已解除扣押")
            dossier_issue_missing(actor=b.unit_head, case=case)  # 归档 needs the dossier's documents
            case = actions.case_archive(actor=b.unit_head, case=case)
        self.assertEqual(case.state, "archived")
        self.assertEqual(
            list(case.events.values_list("transition", flat=True)),
            ["approve_measure", "apply_measure", "extend_measure", "release_measure", "close", "archive"],
        )
        self.assertFalse(case.deadlines.filter(closed_at__isnull=True).exists())
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_it_walks_a_seizure_to_a_decision_on_the_items(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.apply(self.approve())
            case = actions_compulsory.case_decide_disposal(
                actor=b.unit_head, case=case, disposal="destroy", decision="依法销毁"
            )
            case = actions.case_close(actor=b.unit_head, case=case, report="")
        self.assertEqual((case.state, case.facts["disposal"]), ("closed", "destroy"))
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_an_emergency_measure_is_approved_within_24_hours(self):
        b = self.b
        with time_machine.travel(at("2026-06-01", 23), tick=False):
            case = self.emergency()
            self.assertEqual((case.state, case.facts["measure_approved"]), ("applied", False))
            self.assertEqual(case.facts["report_due_at"], "2026-06-02T15:00:00+00:00")
            reasons = self.refused(self.extend, case)
            self.assertEqual(reasons, ["The head has not approved the emergency measure (AEL Art. 19)."])
        with time_machine.travel(at("2026-06-02", 22), tick=False):
            case = actions_compulsory.case_approve_emergency(actor=b.unit_head, case=case, opinion="同意")
            self.assertIs(case.facts["measure_approved"], True)
            self.assertEqual(
                self.refused(actions_compulsory.case_approve_emergency, actor=b.unit_head, case=case, opinion=""),
                ["The measure is already approved."],
            )
        self.assertEqual(case_replay(case), case_snapshot(case))

    def test_the_apply_step_requires_audio_video(self):
        proc = compulsory.PROCEDURE
        self.assertIs(proc.step(proc.transition("apply_measure").target or "").av_required, True)
        self.assertIs(proc.step(proc.transition("emergency_measure").target or "").av_required, True)


class CompulsoryGateTests(CompulsoryTestCase):
    def test_no_enforcement_at_night_unless_an_emergency_is_recorded(self):
        for hour, minute in ((23, 0), (22, 0), (5, 59)):
            with self.subTest(time=f"{hour:02d}:{minute:02d}"):
                approved = self.approve()
                moment = at("2026-06-01", hour).replace(minute=minute)
                with time_machine.travel(moment, tick=False):
                    self.assertEqual(self.refused(self.apply, approved), [NIGHT])
                    case = self.apply(approved, emergency_reason="当事人正在转移物品")
                self.assertEqual(case.facts["emergency_reason"], "当事人正在转移物品")

    def test_enforcement_from_6_to_22_is_allowed(self):
        for hour, minute in ((6, 0), (21, 59)):
            with self.subTest(time=f"{hour:02d}:{minute:02d}"):
                with time_machine.travel(at("2026-06-01", hour).replace(minute=minute), tick=False):
                    case = self.apply(self.approve())
                self.assertEqual(case.state, "applied")

    def test_no_enforcement_on_a_statutory_holiday_unless_an_emergency_is_recorded(self):
        with time_machine.travel(at("2026-10-01", 10), tick=False):
            approved = self.approve()
            self.assertEqual(
                self.refused(self.apply, approved),
                [
                    "No compulsory measure on a statutory holiday (2026-10-01) unless there is an emergency: "
                    "record it (AEL Art. 43)."
                ],
            )
            case = self.apply(approved, emergency_reason="物品易腐，须立即扣押")
        self.assertEqual(case.state, "applied")

    def test_an_ordinary_weekend_or_make_up_working_day_is_not_a_holiday(self):
        for day in ("2026-06-06", "2026-10-10"):
            with self.subTest(day=day), time_machine.travel(at(day, 10), tick=False):
                self.assertEqual(self.apply(self.approve()).state, "applied")

    def test_two_qualified_officers_apply_the_measure(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            approved = self.approve(officers=[self.b.officer, self.b.auxiliary])
            reasons = self.refused(self.apply, approved)
        self.assertEqual(
            reasons[0], "At least two qualified enforcement officers must apply a compulsory measure (AEL Art. 18)."
        )
        self.assertIn("钱协管 is an auxiliary and may not carry out enforcement acts.", reasons)

    def test_the_list_and_a_witness_for_an_absent_party_are_required(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            approved = self.approve()
            with self.assertRaisesMessage(ValidationFailed, "List the items sealed up or seized (AEL Art. 24)."):
                self.apply(approved, items=[" "])
            with self.assertRaisesMessage(ValidationFailed, "The party is absent: a witness signs the on-site record"):
                self.apply(approved, party_present=False)

    def test_it_is_extended_only_once(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.extend(self.apply(self.approve()), days=30)
            self.assertEqual(self.period(case), dt.date(2026, 7, 31))
            self.assertEqual(
                self.refused(self.extend, case, days=5), ["The measure may be extended only once (AEL Art. 25)."]
            )

    def test_it_is_extended_by_at_most_30_days(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.apply(self.approve())
            self.assertEqual(
                self.refused(self.extend, case, days=31),
                ["The measure may be extended by at most 30 days (AEL Art. 25)."],
            )

    def test_it_is_extended_only_before_the_period_ends(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            on_time, late = self.apply(self.approve()), self.apply(self.approve())
        with time_machine.travel(at("2026-07-01", 10), tick=False):
            self.assertEqual(self.period(self.extend(on_time, days=1)), dt.date(2026, 7, 2))
        with time_machine.travel(at("2026-07-02", 10), tick=False):
            reasons = self.refused(self.extend, late)
        self.assertEqual(
            reasons, ["An extension must be approved before the period ends; it ended on 2026-07-01 (AEL Art. 25)."]
        )

    def test_the_items_are_decided_on_within_the_period(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.apply(self.approve())
        with time_machine.travel(at("2026-07-02", 10), tick=False):
            reasons = self.refused(
                actions_compulsory.case_decide_disposal,
                actor=self.b.unit_head, case=case, disposal="confiscate", decision="没收",
            )  # fmt: skip
            self.assertEqual(
                reasons, ["The period of the measure ended on 2026-07-01: release the items (AEL Art. 27, 28)."]
            )
            case = actions_compulsory.case_release_measure(actor=self.b.unit_head, case=case, ground="period_expired")
        self.assertEqual(case.state, "released")

    def test_an_emergency_measure_not_approved_within_24_hours_must_be_released(self):
        with time_machine.travel(at("2026-06-01", 23), tick=False):
            case = self.emergency()
        with time_machine.travel(at("2026-06-02", 23).replace(minute=1), tick=False):
            reasons = self.refused(
                actions_compulsory.case_approve_emergency, actor=self.b.unit_head, case=case, opinion=""
            )
            self.assertEqual(
                reasons,
                [
                    "The emergency measure had to be reported and approved by 2026-06-02 23:00 (24 hours, "
                    "AEL Art. 19): release it."
                ],
            )
            case = actions_compulsory.case_release_measure(actor=self.b.unit_head, case=case, ground="not_needed")
        self.assertEqual(case.state, "released")

    def test_only_an_emergency_measure_is_approved_afterwards(self):
        with time_machine.travel(at("2026-06-01", 10), tick=False):
            case = self.apply(self.approve())
            reasons = self.refused(
                actions_compulsory.case_approve_emergency, actor=self.b.unit_head, case=case, opinion=""
            )
        self.assertEqual(reasons, ["Only a measure taken in an emergency is approved afterwards."])

    def test_an_emergency_measure_needs_its_reason(self):
        message = "Record why the measure could not wait for approval"
        with time_machine.travel(at("2026-06-01", 10), tick=False), self.assertRaisesMessage(ValidationFailed, message):
            actions_compulsory.case_emergency_measure(
                actor=self.b.officer, subject=self.subject(), measure="seize", legal_basis="x",
                officers=[self.b.officer, self.b.officer2], items=["a"], emergency_reason=" ", party_present=True,
            )  # fmt: skip
        self.assertFalse(Case.objects.exists())
