"""Drafting, editing and approving versions of the 法制审核目录清单."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanxiang.catalog.actions_review import (
    review_catalogue_approve,
    review_catalogue_create,
    review_rule_add,
    review_rule_remove,
)
from sanxiang.catalog.models import ReviewCatalogueApproval, RuleKind
from sanxiang.catalog.selectors import VersionStatus, review_catalogue_in_force, review_catalogue_status
from sanxiang.catalog.tests.base import DAY, CatalogueTestCase, log_kinds
from sanxiang.lib.exceptions import AccessDenied, DomainError, ValidationFailed
from sanxiang.record.log import entry_seq
from sanxiang.record.verify import Options, verify


class ApprovalTests(CatalogueTestCase):
    def draft(self, version: str = "2027", effective_from: dt.date = dt.date(2026, 7, 1)):
        return review_catalogue_create(
            actor=self.b.reviewer, version=version, effective_from=effective_from, copy_from=self.catalogue
        )

    def test_a_new_draft_copies_the_rules_of_the_version_in_force(self):
        draft = self.draft()
        self.assertEqual(
            sorted(draft.rules.values_list("code", flat=True)),
            sorted(self.catalogue.rules.values_list("code", flat=True)),
        )
        self.assertEqual(self.catalogue.rules.count(), 8, "the copy leaves the original alone")
        self.assertEqual(review_catalogue_status(draft, DAY), VersionStatus.DRAFT)

    def test_only_the_legal_section_drafts_and_only_a_leader_approves(self):
        with self.assertRaises(AccessDenied):
            review_catalogue_create(actor=self.b.officer, version="x", effective_from=DAY)
        draft = self.draft()
        for user in (self.b.reviewer, self.b.officer, self.b.unit_head, self.b.supervisor):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                review_catalogue_approve(actor=user, catalogue=draft)
        approved = review_catalogue_approve(actor=self.b.leader, catalogue=draft)
        self.assertEqual(approved.approved_by, self.b.leader)
        self.assertEqual(review_catalogue_status(approved, DAY), VersionStatus.PENDING)
        self.assertEqual(review_catalogue_in_force(dt.date(2026, 7, 1)), approved)

    def test_a_second_approval_an_empty_version_and_a_past_date_are_refused(self):
        with self.assertRaisesMessage(DomainError, "never changed"):
            review_catalogue_approve(actor=self.b.leader, catalogue=self.catalogue)
        empty = review_catalogue_create(actor=self.b.reviewer, version="empty", effective_from=dt.date(2026, 7, 1))
        with self.assertRaisesMessage(DomainError, "without rules"):
            review_catalogue_approve(actor=self.b.leader, catalogue=empty)
        late = self.draft("late", dt.date(2026, 5, 1))
        with self.assertRaisesMessage(DomainError, "has passed"):
            review_catalogue_approve(actor=self.b.leader, catalogue=late)
        self.assertEqual(ReviewCatalogueApproval.objects.count(), 1)

    def test_an_approved_version_is_never_edited(self):
        rule = self.catalogue.rules.first()
        assert rule is not None
        with self.assertRaisesMessage(DomainError, "never changed"):
            review_rule_add(
                actor=self.b.reviewer, catalogue=self.catalogue, code="new", label="new", ground="agency",
                kind=RuleKind.CONFISCATION, amount_yuan=1,
            )  # fmt: skip
        with self.assertRaisesMessage(DomainError, "never changed"):
            review_rule_remove(actor=self.b.reviewer, rule=rule)
        self.assertEqual(self.catalogue.rules.count(), 8)

    def test_rules_are_edited_on_a_draft_and_need_their_parameter(self):
        draft = self.draft()
        rule = draft.rules.get(code="fine-person")
        review_rule_remove(actor=self.b.reviewer, rule=rule)
        self.assertFalse(draft.rules.filter(code="fine-person").exists())
        table: list[tuple[dict[str, Any], str]] = [
            ({"kind": RuleKind.FINE_PERSON}, "amount_yuan"),
            ({"kind": RuleKind.PENALTY_TYPE, "penalty_type": "nope"}, "penalty_type"),
            ({"kind": RuleKind.VIOLATION}, "violation"),
            ({"kind": RuleKind.CASE_FLAG}, "flag"),
            ({"kind": RuleKind.CONFISCATION, "amount_yuan": 5, "code": "complex"}, "code"),
        ]
        for kwargs, field in table:
            with self.subTest(field=field), self.assertRaises(ValidationFailed) as refused:
                args: dict[str, Any] = {"code": "r", "label": "r", "ground": "agency", **kwargs}
                review_rule_add(actor=self.b.reviewer, catalogue=draft, **args)
            self.assertIn(field, refused.exception.errors)
        rule = review_rule_add(
            actor=self.b.reviewer, catalogue=draft, code="r", label="r", ground="agency", kind=RuleKind.CONFISCATION,
            amount_yuan=7, penalty_type="warning", flag="complex",
        )  # fmt: skip
        self.assertEqual((rule.amount_yuan, rule.penalty_type, rule.flag), (7, "", ""), "unused parameters are cleared")

    def test_the_approval_is_in_the_log_and_commits_to_the_rules(self):
        self.assertEqual(log_kinds().count("catalog.review_catalogue_approve"), 1)
        self.assertIsNotNone(entry_seq(self.catalogue.approval))
        self.assertEqual(self.row_problems(), [])
        self.catalogue.rules.filter(code="fine-person").update(amount_yuan=1)  # behind the actions' back
        problems = self.row_problems()
        self.assertEqual(len(problems), 1)
        self.assertIn("differs", problems[0].message)

    def row_problems(self):
        report = verify(Options(fetch_witnesses=False, cases=False))
        return [p for p in report.problems if p.check == "rows"]
