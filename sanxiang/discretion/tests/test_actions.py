"""Drafting, copying, approving and discarding versions: who may, what is refused, what the record keeps."""

from __future__ import annotations

import datetime as dt
import json

from django.test import override_settings

from sanxiang.discretion.actions import (
    ItemSpec,
    TierSpec,
    baseline_approve,
    baseline_copy,
    baseline_create,
    baseline_discard,
)
from sanxiang.discretion.models import Baseline, BaselineApproval, Level, Tier
from sanxiang.discretion.selectors import baseline_digest, baseline_in_force, baseline_unchanged
from sanxiang.discretion.tests.base import DiscretionTestCase, F, W, standard_tiers
from sanxiang.lib.exceptions import AccessDenied, DomainError, ValidationFailed
from sanxiang.record.models import AuditEvent, LogEntry
from sanxiang.record.verify import Options, verify

JUNE_1 = dt.date(2026, 6, 1)


class CreateTests(DiscretionTestCase):
    def test_it_writes_the_items_and_tiers_in_order_with_catalogue_provisions(self) -> None:
        baseline = self.draft("2026-A")
        [item] = baseline.items.all()
        self.assertEqual(item.violated_provisions, self.violation.violated_provisions)
        self.assertEqual([t.circumstance for t in item.tiers.all()], ["轻微", "一般", "严重"])
        self.assertEqual([t.code for t in item.tiers.all()], [f"{item.pk}-1", f"{item.pk}-2", f"{item.pk}-3"])
        self.assertEqual(item.tiers.get(order=2).types, ["warning", "fine"])
        self.assertTrue(AuditEvent.objects.filter(action="baseline.create", object_id=str(baseline.pk)).exists())

    def test_only_the_legal_section_drafts(self) -> None:
        for user in (self.b.officer, self.b.leader, self.b.supervisor):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                baseline_create(actor=user, version="x", effective_from=JUNE_1, items=[])

    def test_it_refuses_bad_tiers_naming_each_problem(self) -> None:
        tiers = [
            TierSpec("", Level.ORDINARY, frozenset({F}), 100, 50),
            TierSpec("一般", Level.NO_PENALTY, frozenset({W})),
            TierSpec("较重", Level.ORDINARY, frozenset({F})),
            TierSpec("严重", Level.HEAVIER, frozenset({W}), 1, 2),
            TierSpec("严重", Level.HEAVIER, frozenset({F}), 1, None),
        ]
        with self.assertRaises(ValidationFailed) as refused:
            baseline_create(
                actor=self.b.reviewer, version="x", effective_from=JUNE_1, items=[ItemSpec(self.violation, tiers)]
            )
        errors = refused.exception.errors
        self.assertEqual(
            sorted(errors),
            [
                "items.1.tiers.1.circumstance", "items.1.tiers.1.person_max_fen", "items.1.tiers.2.types",
                "items.1.tiers.3.person_min_fen", "items.1.tiers.4.types", "items.1.tiers.5.circumstance",
                "items.1.tiers.5.person_max_fen",
            ],
        )  # fmt: skip
        self.assertFalse(Baseline.objects.exists())

    def test_a_version_name_is_used_once(self) -> None:
        self.draft("2026-A")
        with self.assertRaises(ValidationFailed) as refused:
            self.draft("2026-A")
        self.assertIn("version", refused.exception.errors)


class ApproveTests(DiscretionTestCase):
    @override_settings(RECORD_LOG_MODE="direct")  # the entry is written at once (outbox mode: at commit)
    def test_a_leader_approves_and_the_log_keeps_the_digest(self) -> None:
        baseline = self.draft("2026-A")
        approval = baseline_approve(actor=self.b.leader, baseline=baseline)
        self.assertEqual(approval.content_digest, baseline_digest(baseline))
        [entry] = [e for e in (json.loads(bytes(b)) for b in LogEntry.objects.values_list("body", flat=True))
                   if e.get("seq") == approval.log_seq]  # fmt: skip
        self.assertEqual(entry["kind"], "discretion.approve")
        self.assertIn(approval.content_digest, json.dumps(entry))
        self.assertIs(verify(Options(fetch_witnesses=False)).ok, True)
        self.assertEqual(baseline_in_force(JUNE_1), baseline)
        self.assertIs(baseline_unchanged(baseline), True)

    def test_only_a_leader_approves(self) -> None:
        baseline = self.draft("2026-A")
        for user in (self.b.reviewer, self.b.officer, self.b.unit_head, self.b.supervisor):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                baseline_approve(actor=user, baseline=baseline)
        self.assertFalse(BaselineApproval.objects.exists())

    def test_a_version_is_approved_once(self) -> None:
        baseline = self.approved("2026-A")
        with self.assertRaisesMessage(DomainError, "approved already"):
            baseline_approve(actor=self.b.leader, baseline=baseline)

    def test_it_refuses_a_version_that_would_apply_before_its_approval(self) -> None:
        baseline = self.draft("2026-A", "2026-05-31")
        with self.assertRaises(ValidationFailed) as refused:
            baseline_approve(actor=self.b.leader, baseline=baseline)
        self.assertIn("effective_from", refused.exception.errors)

    def test_a_change_after_approval_shows(self) -> None:
        baseline = self.approved("2026-A")
        Tier.objects.filter(item__baseline=baseline, order=2).update(person_max_fen=99_999_999)
        self.assertIs(baseline_unchanged(baseline), False)
        report = verify(Options(fetch_witnesses=False))
        self.assertEqual([(p.check, p.where) for p in report.problems], [("discretion baselines", "baseline 2026-A")])

    def test_the_approval_row_is_append_only(self) -> None:
        from django.db import DatabaseError, transaction

        approval = baseline_approve(actor=self.b.leader, baseline=self.draft("2026-A"))
        with self.assertRaises(DatabaseError), transaction.atomic():
            BaselineApproval.objects.filter(pk=approval.pk).update(content_digest="0" * 64)


class CopyAndDiscardTests(DiscretionTestCase):
    def test_a_copy_is_a_new_draft_with_the_same_content(self) -> None:
        source = self.approved("2026-A")
        copy = baseline_copy(actor=self.b.reviewer, source=source, version="2026-B", effective_from=dt.date(2026, 7, 1))
        self.assertFalse(hasattr(copy, "approval"))
        self.assertNotEqual(baseline_digest(copy), baseline_digest(source), "the date is part of the digest")
        baseline_approve(actor=self.b.leader, baseline=copy)
        self.assertEqual(
            [(t.circumstance, t.types, t.person_min_fen) for t in Tier.objects.filter(item__baseline=copy)],
            [(t.circumstance, t.types, t.person_min_fen) for t in Tier.objects.filter(item__baseline=source)],
        )

    def test_a_draft_can_be_discarded_an_approved_version_cannot(self) -> None:
        draft = self.draft("2026-A", tiers=standard_tiers())
        baseline_discard(actor=self.b.reviewer, baseline=draft)
        self.assertFalse(Baseline.objects.filter(version="2026-A").exists())
        approved = self.approved("2026-B")
        with self.assertRaisesMessage(DomainError, "never deleted"):
            baseline_discard(actor=self.b.reviewer, baseline=approved)
        with self.assertRaises(AccessDenied):
            baseline_discard(actor=self.b.leader, baseline=self.draft("2026-C"))
