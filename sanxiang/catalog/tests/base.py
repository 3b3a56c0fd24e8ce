"""Shared set-up of the catalogue tests: the gate tests' bureau plus a catalogue approved on 2026-06-01.

Rules of ``CATALOGUE`` (version "2026"): fine >= 10,000 yuan on a person,
>= 100,000 yuan on an organisation, confiscation >= 50,000, revocation,
order to suspend or close, the safety violation, and the demolition and
complex flags (both also requiring a collective discussion).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Case, IdType, PartyKind
from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.cases.tests.test_gates_base import GateTestCase
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.actions_review import review_catalogue_approve, review_catalogue_create, review_rule_add
from sanxiang.catalog.models import CaseFlag, MajorGround, ReviewCatalogue, RuleKind
from sanxiang.record.models import LogEntry
from sanxiang.record.sequencer import sequence_pending
from sanxiang.testing import AGENCY_CREDIT_CODE

DAY = dt.date(2026, 6, 1)

RULES: tuple[dict[str, Any], ...] = (
    {"code": "fine-person", "ground": MajorGround.AGENCY, "kind": RuleKind.FINE_PERSON, "amount_yuan": 10_000},
    {"code": "fine-org", "ground": MajorGround.AGENCY, "kind": RuleKind.FINE_ORGANISATION, "amount_yuan": 100_000},
    {"code": "confiscation", "ground": MajorGround.AGENCY, "kind": RuleKind.CONFISCATION, "amount_yuan": 50_000},
    {"code": "revoke", "ground": MajorGround.AGENCY, "kind": RuleKind.PENALTY_TYPE, "penalty_type": "revoke_licence"},
    {"code": "close", "ground": MajorGround.AGENCY, "kind": RuleKind.PENALTY_TYPE, "penalty_type": "restrict_activity"},
    {"code": "safety", "ground": MajorGround.PUBLIC_INTEREST, "kind": RuleKind.VIOLATION},
    {"code": "demolition", "ground": MajorGround.PUBLIC_INTEREST, "kind": RuleKind.CASE_FLAG,
     "flag": CaseFlag.DEMOLITION, "collective": True},
    {"code": "complex", "ground": MajorGround.COMPLEX, "kind": RuleKind.CASE_FLAG, "flag": CaseFlag.COMPLEX,
     "collective": True},
)  # fmt: skip


def log_kinds() -> list[str]:
    """The kinds of the record log's entries, in order (outbox mode: after sequencing what waits)."""
    sequence_pending()
    return [json.loads(bytes(e.body))["kind"] for e in LogEntry.objects.order_by("seq")]


def fine(yuan: float, *types: PenaltyType) -> Penalty:
    return Penalty(types=frozenset({PenaltyType.FINE, *types}), fine_fen=round(yuan * 100))


class CatalogueTestCase(GateTestCase):
    """The bureau, the violations of the gate tests, and ``catalogue`` approved by the leader, in force from DAY."""

    catalogue: ReviewCatalogue

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(at("2026-05-20"), tick=False):
            cls.catalogue = cls.build_catalogue("2026", DAY)

    @classmethod
    def build_catalogue(cls, version: str, effective_from: dt.date, rules: Any = RULES) -> ReviewCatalogue:
        catalogue = review_catalogue_create(actor=cls.b.reviewer, version=version, effective_from=effective_from)
        for spec in rules:
            extra: dict[str, Any] = {"violation": cls.safety_violation} if spec["kind"] == RuleKind.VIOLATION else {}
            review_rule_add(actor=cls.b.reviewer, catalogue=catalogue, label=f"rule {spec['code']}", **spec, **extra)
        return review_catalogue_approve(actor=cls.b.leader, catalogue=catalogue)

    def case(self, *, organisation: bool = False, **overrides: Any) -> Case:
        """A registered case (handlers officer and officer2) of a person or an organisation."""
        if organisation:
            party = case_actions.party_build(
                kind=PartyKind.ORGANISATION,
                name="某某商贸有限公司",
                id_type=IdType.CREDIT_CODE,
                id_number=AGENCY_CREDIT_CODE,
                legal_representative="李四",
            )
            overrides["parties"] = [party]
        case: Case = self.register(self.new_lead(**overrides))
        return case
