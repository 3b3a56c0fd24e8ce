"""The 音像记录事项清单 enforced: required steps need an audio/video recording first; the list adds, never lowers."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from sanxiang.cases import actions, actions_compulsory
from sanxiang.cases.tests.test_compulsory import CompulsoryTestCase
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.actions import AVItemSpec, av_list_approve, av_list_create
from sanxiang.catalog.av import av_requirements
from sanxiang.catalog.models import AVRequirementLevel
from sanxiang.evidence.av import av_status
from sanxiang.evidence.models import EvidenceKind
from sanxiang.evidence.testing import attach_recording
from sanxiang.lib.exceptions import AccessDenied, GateRefused, ValidationFailed


@time_machine.travel(at("2026-06-01"), tick=False)
class AVGateTests(CompulsoryTestCase):
    def refusal(self, fn, *args, **kwargs):
        with self.assertRaises(GateRefused) as refused:
            fn(*args, **kwargs)
        return " ".join(refused.exception.reasons)

    def test_a_seizure_cannot_be_applied_without_its_video_and_the_refusal_names_the_step(self):
        case = self.approve()
        reason = self.refusal(
            actions_compulsory.case_apply_measure, actor=self.b.officer, case=case, items=["三轮车"], party_present=True
        )
        self.assertIn("“Apply the measure on site” must be recorded on audio or video", reason)
        attach_recording(case, "apply_measure", self.b.officer, kind=EvidenceKind.PHOTO)  # a photo is not enough
        self.assertTrue(
            self.refusal(
                actions_compulsory.case_apply_measure,
                actor=self.b.officer,
                case=case,
                items=["三轮车"],
                party_present=True,
            )
        )
        attach_recording(case, "apply_measure", self.b.officer, kind=EvidenceKind.AUDIO)
        case = actions_compulsory.case_apply_measure(
            actor=self.b.officer, case=case, items=["三轮车"], party_present=True
        )
        self.assertEqual(case.state, "applied")

    def test_an_emergency_seizure_needs_its_recording_before_any_further_step(self):
        case = self.emergency_unrecorded()
        reason = self.refusal(
            actions_compulsory.case_approve_emergency, actor=self.b.unit_head, case=case, opinion="同意"
        )
        self.assertIn(
            "The audio/video recording of “Take a compulsory measure in an emergency” (2026-06-01) is missing", reason
        )
        self.assertEqual([(s.label, s.recorded) for s in av_status(case, timezone.localdate())], [])
        attach_recording(case, "emergency_measure", self.b.officer)
        case = actions_compulsory.case_approve_emergency(actor=self.b.unit_head, case=case, opinion="同意")
        self.assertTrue(case.facts["measure_approved"])

    def test_the_list_adds_steps_from_its_effective_date_once_approved(self):
        day = timezone.localdate()
        draft = av_list_create(
            actor=self.b.reviewer,
            version="2026-1",
            effective_from=day,
            items=[AVItemSpec("general", "record_transcript", AVRequirementLevel.REQUIRED, "办案场所询问全程录像")],
        )
        self.assertNotIn("record_transcript", av_requirements("general", day))  # not approved yet
        with self.assertRaises(AccessDenied):
            av_list_approve(actor=self.b.reviewer, av_list=draft)
        av_list_approve(actor=self.b.leader, av_list=draft)
        self.assertTrue(av_requirements("general", day)["record_transcript"].required)
        self.assertNotIn("record_transcript", av_requirements("general", day - dt.timedelta(days=1)))
        case = self.register(self.new_lead())
        statuses = av_status(case, day)
        self.assertEqual([(s.requirement.transition, s.recorded) for s in statuses], [("record_transcript", False)])
        fields = {
            "actor": self.b.officer,
            "case": case,
            "kind": "questioning",
            "interviewee": "张三",
            "content": "问答",
            "recorded_at": timezone.now(),
            "place": "办案场所",
        }
        self.assertIn("must be recorded on audio or video", self.refusal(actions.case_record_transcript, **fields))
        attach_recording(case, "record_transcript", self.b.officer)
        actions.case_record_transcript(**fields)

    def test_a_list_never_lowers_the_statutory_floor_and_recommendations_do_not_block(self):
        day = timezone.localdate()
        av_list_approve(
            actor=self.b.leader,
            av_list=av_list_create(
                actor=self.b.reviewer,
                version="2026-2",
                effective_from=day,
                items=[
                    AVItemSpec("compulsory", "apply_measure", AVRequirementLevel.RECOMMENDED),
                    AVItemSpec("general", "record_transcript", AVRequirementLevel.RECOMMENDED, "现场执法视情况录像"),
                ],
            ),
        )
        requirements = av_requirements("compulsory", day)
        self.assertTrue(requirements["apply_measure"].required and requirements["apply_measure"].statutory)
        self.assertFalse(av_requirements("general", day)["record_transcript"].required)
        case = self.register(self.new_lead())
        actions.case_record_transcript(
            actor=self.b.officer,
            case=case,
            kind="questioning",
            interviewee="张三",
            content="问答",
            recorded_at=timezone.now(),
            place="现场",
        )

    def test_a_bad_list_is_refused_item_by_item(self):
        with self.assertRaises(ValidationFailed) as failed:
            av_list_create(
                actor=self.b.reviewer,
                version="bad",
                effective_from=timezone.localdate(),
                items=[
                    AVItemSpec("nope", "x", AVRequirementLevel.REQUIRED),
                    AVItemSpec("general", "fly", AVRequirementLevel.REQUIRED),
                    AVItemSpec("general", "register", "always"),
                ],
            )
        self.assertEqual(set(failed.exception.errors), {"items.1", "items.2", "items.3"})
        with self.assertRaises(AccessDenied):
            av_list_create(actor=self.b.officer, version="x", effective_from=timezone.localdate(), items=[])
