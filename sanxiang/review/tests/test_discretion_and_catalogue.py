"""The draft and the decision against the discretion baseline (RULES.md §7) and the review catalogue (§3.3)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.cases.tests.test_gates_base import SMALL_FINE
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.review import actions
from sanxiang.review.models import DecisionDraft
from sanxiang.review.tests.base import ReviewTestCase


class DiscretionTests(ReviewTestCase):
    def test_a_draft_outside_the_baseline_without_a_reason_is_refused(self):
        self.baseline(20_000, 40_000)
        case = self.waived()
        entries = self.log_count()
        with self.assertRaises(ValidationFailed) as refused:
            self.draft(case, SMALL_FINE)
        self.assertIn("discretion_reason", refused.exception.errors)
        self.assertIn("above the maximum of 400.00 yuan", refused.exception.errors["discretion_reason"][0])
        self.assertEqual((self.log_count(), DecisionDraft.objects.count()), (entries, 0))
        draft = self.draft(case, SMALL_FINE, discretion_reason="多次违法，拒不改正")
        self.assertIs(draft.within_baseline, False)
        self.assertEqual(draft.discretion_reason, "多次违法，拒不改正")

    def test_a_decision_outside_the_baseline_needs_a_reason(self):
        self.baseline(20_000, 40_000)
        case = self.waived()
        message = "The penalty is outside the discretion baseline: give the reason for departing from it"
        self.assertRefused(message, self.decide, case)
        from sanxiang.cases import actions as case_actions

        case = case_actions.case_decide(
            actor=self.b.unit_head, case=case, types=["fine"], fine_fen=SMALL_FINE, discretion_reason="情节严重"
        )
        self.assertEqual(case.events.order_by("-seq")[0].payload["discretion_reason"], "情节严重")

    def test_the_reason_of_the_draft_counts_for_the_same_penalty(self):
        self.baseline(20_000, 40_000)
        case = self.waived()
        self.draft(case, SMALL_FINE, discretion_reason="多次违法")
        self.assertEqual(self.decide(case).state, "decided")

    def test_a_draft_tier_of_a_superseded_baseline_is_judged_against_the_version_in_force(self):
        from sanxiang.cases.penalties import PenaltyType
        from sanxiang.discretion.actions import ItemSpec, TierSpec, baseline_approve, baseline_create
        from sanxiang.discretion.models import Level

        self.baseline(20_000, 60_000)
        case = self.waived()
        self.assertTrue(self.draft(case).tier_code, "the draft names its tier")
        tier = TierSpec("一般", Level.ORDINARY, frozenset({PenaltyType.FINE}), 20_000, 30_000, 20_000, 30_000)
        newer = baseline_create(
            actor=self.b.reviewer, version="2026-2", effective_from=timezone.localdate() + dt.timedelta(days=1),
            items=[ItemSpec(self.violation, [tier])],
        )  # fmt: skip
        baseline_approve(actor=self.b.leader, baseline=newer)
        self.travel("2026-06-02")
        # The draft's tier is gone with the old version: no crash, the decision is held to the new range.
        self.assertRefused("outside the discretion baseline", self.decide, case)

    def test_within_the_baseline_no_reason_is_needed(self):
        self.baseline(20_000, 60_000)
        case = self.waived()
        draft = self.draft(case)
        self.assertIs(draft.within_baseline, True)
        self.assertEqual(self.decide(case).state, "decided")


class CatalogueTests(ReviewTestCase):
    def test_the_determination_lists_the_rules_that_matched(self):
        self.catalogue(400)
        case = self.waived()
        draft = self.draft(case)
        self.assertIs(draft.determination["major"], True)
        self.assertEqual(draft.determination["catalogue_version"], "2026版")
        self.assertEqual(
            [(m["code"], m["source"]) for m in draft.determination["matches"]], [("fine-person", "catalogue")]
        )
        self.assertRefused("needs a passed legal review", self.decide, case)

    def test_below_the_catalogue_threshold_no_review_is_needed(self):
        self.catalogue(1000)
        case = self.waived()
        self.assertIs(self.draft(case).determination["major"], False)
        self.assertEqual(self.decide(case).state, "decided")

    def test_a_collective_rule_needs_the_discussion_too(self):
        self.catalogue(400, collective=True)
        case = self.waived()
        self.reviewed(case)
        self.assertRefused("must be decided collectively", self.decide, case)
        self.discuss(case)
        self.assertEqual(self.decide(case).state, "decided")

    def test_drafts_record_the_determination_so_that_it_stays(self):
        self.catalogue(400)
        case = self.waived()
        self.draft(case)
        actions.draft_save(actor=self.b.officer, case=case, types=["warning"], facts_text="x", legal_basis="y")
        self.assertRefused("needs a passed legal review", self.decide, case, fine_fen=0, types=["warning"])
