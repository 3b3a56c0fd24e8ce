"""Shared set-up of the discretion tests: the personas' bureau, a violation, and baselines built through the actions.

Time is frozen on 2026-06-01 (Asia/Shanghai) and only moves forward (``travel``);
``approved(…)`` drafts a version and has the leader approve it at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import time_machine

from sanxiang.cases.models import Case, IdType, PartyKind
from sanxiang.cases.penalties import PenaltyType
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.catalog.actions import violation_create
from sanxiang.catalog.models import Violation
from sanxiang.discretion.actions import ItemSpec, TierSpec, baseline_approve, baseline_create
from sanxiang.discretion.models import Baseline, Level

W, F = PenaltyType.WARNING, PenaltyType.FINE
TODAY = "2026-06-01"
ORG_CODE = "91220303MA0000001A"  # a unified social credit code with a valid check character


def standard_tiers() -> list[TierSpec]:
    """轻微 no penalty; 一般 warning or fine 100–500 yuan (org 1,000–5,000); 严重 fine 500–1,000 (org 5,000–10,000)."""
    return [
        TierSpec("轻微", Level.NO_PENALTY),
        TierSpec("一般", Level.ORDINARY, frozenset({W, F}), 10_000, 50_000, 100_000, 500_000),
        TierSpec("严重", Level.HEAVIER, frozenset({F}), 50_000, 100_000, 500_000, 1_000_000),
    ]


class DiscretionTestCase(CaseTestCase):
    other_violation: Violation

    @classmethod
    def setUpTestData(cls) -> None:
        # Built before the tests' day, so that the record log's times keep increasing (``verify`` checks it).
        with time_machine.travel(at("2026-04-01"), tick=False):
            cls._build()

    @classmethod
    def _build(cls) -> None:
        super().setUpTestData()
        cls.other_violation = violation_create(
            actor=cls.b.reviewer,
            code="srhw-009",
            title="乱涂乱画",
            category=cls.b.city_appearance,
            violated_provisions="《城市市容和环境卫生管理条例》第十七条",
            penalty_provisions="《城市市容和环境卫生管理条例》第三十四条",
        )

    def setUp(self) -> None:
        super().setUp()
        self.traveller = time_machine.travel(at(TODAY), tick=False)
        self.clock = self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def draft(
        self,
        version: str,
        effective_from: str = TODAY,
        tiers: Sequence[TierSpec] | None = None,
        violation: Violation | None = None,
    ) -> Baseline:
        item = ItemSpec(violation or self.violation, list(tiers or standard_tiers()))
        return baseline_create(
            actor=self.b.reviewer, version=version, effective_from=dt.date.fromisoformat(effective_from), items=[item]
        )

    def approved(self, version: str, effective_from: str = TODAY, **kwargs: Any) -> Baseline:
        """Draft and approve (now) ``version`` in force from ``effective_from``, which must not be in the past.

        Time only moves forward within a test: the record log refuses entries older than the one before.
        """
        baseline = self.draft(version, effective_from, **kwargs)
        baseline_approve(actor=self.b.leader, baseline=baseline)
        return baseline

    def travel(self, day: str) -> None:
        self.clock.move_to(at(day))

    def person_case(self, **overrides: Any) -> Case:
        case: Case = self.new_lead(**overrides)
        return case

    def org_case(self) -> Case:
        from sanxiang.cases.actions import party_build

        org = party_build(
            kind=PartyKind.ORGANISATION, name="某餐饮有限公司", id_type=IdType.CREDIT_CODE, id_number=ORG_CODE
        )
        case: Case = self.new_lead(parties=[org])
        return case
