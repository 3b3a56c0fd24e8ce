"""The shared set-up of the gate tests (test_gates_*.py): a case walked to any step of the general procedure.

Time is frozen on a working day of 2026 (``travel``); the walk uses the
personas of ``sanxiang.testing``: ``officer`` and ``officer2`` handle, the
``unit_head`` approves, the ``leader`` presides over hearings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import time_machine
from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.catalog.actions import violation_create
from sanxiang.catalog.models import Violation
from sanxiang.lib.exceptions import GateRefused

#: A fine that gives a natural person the right to a hearing (settings.HEARING_FINE_THRESHOLD_PERSON is
#: 10,000 yuan by default); amounts are in fen.
HEARING_FINE = 1_000_000
SMALL_FINE = 50_000


class GateTestCase(CaseTestCase):
    """``CaseTestCase`` plus frozen time, a safety violation and helpers that walk a case forward."""

    safety_violation: Violation
    _coordinates: Any = None

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.safety_violation = violation_create(
            actor=cls.b.reviewer,
            code="srhw-002",
            title="擅自设置大型户外广告危及公共安全",
            category=cls.b.city_appearance,
            violated_provisions="《城市市容和环境卫生管理条例》第十一条",
            penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
            involves_safety=True,
        )

    def setUp(self) -> None:
        super().setUp()
        self._coordinates = None
        self.travel("2026-06-01")

    def travel(self, day: str, hour: int = 9) -> None:
        """Freeze time at ``day`` (Asia/Shanghai), moving the running traveller if there is one."""
        if self._coordinates is None:
            traveller = time_machine.travel(at(day, hour), tick=False)
            self._coordinates = traveller.start()
            self.addCleanup(traveller.stop)
        else:
            self._coordinates.move_to(at(day, hour))

    # --- Assertions -------------------------------------------------------------------------

    def assertRefused(self, reason: str, action: Callable[..., Case], case: Case, **kwargs: Any) -> GateRefused:
        """``action`` raises ``GateRefused`` with a reason containing ``reason`` and records nothing."""
        events = case.events.count()
        with self.assertRaises(GateRefused) as refused:
            action(case=case, **kwargs)
        self.assertIn(reason, "\n".join(refused.exception.reasons))
        self.assertEqual(case.events.count(), events, "a refused move must not leave an event")
        return refused.exception

    def assertLastEvent(self, case: Case, transition: str, actor: Any = None) -> None:
        event = case.events.order_by("-seq").first()
        assert event is not None
        self.assertEqual((event.transition, event.seq), (transition, case.event_count))
        if actor is not None:
            self.assertEqual(event.actor_id, actor.pk)

    # --- Walking a case forward -------------------------------------------------------------

    def registered(self, **lead: Any) -> Case:
        return actions.case_register(
            actor=self.b.unit_head, case=self.new_lead(**lead), handlers=[self.b.officer, self.b.officer2]
        )

    def concluded(self, **lead: Any) -> Case:
        case = self.registered(**lead)
        case = actions.case_record_transcript(
            actor=self.b.officer,
            case=case,
            kind="questioning",
            interviewee="张三",
            content="问：……答：……",
            recorded_at=timezone.now(),
            place="站前街道",
        )
        return actions.case_conclude_investigation(actor=self.b.officer, case=case, report="事实清楚", proposal="罚款")

    def notify(self, case: Case, fine_fen: int = SMALL_FINE, types: Sequence[str] = ("fine",)) -> Case:
        return actions.case_notify(
            actor=self.b.officer,
            case=case,
            types=list(types),
            fine_fen=fine_fen,
            served_on=timezone.localdate(),
            method="direct",
        )

    def notified(self, fine_fen: int = SMALL_FINE, types: Sequence[str] = ("fine",)) -> Case:
        case = actions.case_examine(actor=self.b.unit_head, case=self.concluded(), opinion="同意")
        return self.notify(case, fine_fen, types)

    def decide(self, case: Case, fine_fen: int = SMALL_FINE, types: Sequence[str] = ("fine",)) -> Case:
        return actions.case_decide(actor=self.b.unit_head, case=case, types=list(types), fine_fen=fine_fen)

    def decided(self, fine_fen: int = SMALL_FINE) -> Case:
        """Notified on the current day, decided after a waiver the same day."""
        case = self.notified(fine_fen)
        case = actions.case_waive_rights(actor=self.b.officer, case=case, signed_on=timezone.localdate())
        return self.decide(case, fine_fen)

    def serve(self, case: Case, method: str = "direct", **kwargs: Any) -> Case:
        return actions.case_serve(
            actor=self.b.officer, case=case, method=method, served_on=timezone.localdate(), recipient="张三", **kwargs
        )

    def served(self, fine_fen: int = SMALL_FINE) -> Case:
        return self.serve(self.decided(fine_fen))
