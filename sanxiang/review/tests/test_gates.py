"""The decision's gates of 法制审核 and 集体讨论 (RULES.md §13.10, §13.11; APL Art. 57, 58).

Every refused decision leaves no case event and no log entry (``assertDecisionRefused``).
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Case, Conflict
from sanxiang.cases.tests.test_gates_base import SMALL_FINE
from sanxiang.review import actions
from sanxiang.review.models import CollectiveDiscussion
from sanxiang.review.tests.base import ReviewTestCase

LEAD = "The decision is major and needs a passed legal review (APL Art. 58)."


class LegalReviewGateTests(ReviewTestCase):
    def assertDecisionRefused(self, case: Case, reason: str, fine_fen: int = SMALL_FINE) -> None:
        entries = self.log_count()
        refused = self.assertRefused(reason, self.decide, case, fine_fen=fine_fen)
        self.assertEqual(self.log_count(), entries, "a refused decision must not be logged")
        case.refresh_from_db()
        self.assertEqual(case.state, "notified")
        self.assertNotIn("decided_penalty", case.facts)
        self.assertTrue(refused.reasons)

    def test_a_case_that_is_not_major_is_decided_without_review(self):
        case = self.waived()
        case = self.decide(case)
        self.assertEqual(case.state, "decided")
        self.assertLastEvent(case, "decide", self.b.unit_head)

    def test_a_major_case_is_not_decided_without_a_review(self):
        case = self.make_major(self.waived())
        self.assertDecisionRefused(case, "No draft decision has been written and reviewed.")
        self.draft(case)
        self.assertDecisionRefused(case, "Draft version 1 has not been reviewed yet.")
        self.submit(case)
        self.assertDecisionRefused(case, LEAD)

    def test_a_failed_review_blocks_the_decision(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "fail", law="适用法律错误")
        self.assertDecisionRefused(case, "The latest review of draft version 1 did not pass: Not passed.")

    def test_a_returned_review_blocks_the_decision(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "return", evidence="缺少现场勘验笔录")
        self.assertDecisionRefused(case, "did not pass: Returned for supplementary investigation or correction.")

    def test_a_pass_of_an_older_draft_does_not_count(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "pass")
        self.draft(case, 40_000)  # version 2, changed after the pass
        self.assertDecisionRefused(case, "Draft version 2 has not been reviewed yet.", fine_fen=40_000)
        self.assertDecisionRefused(case, "The penalty differs from draft version 2 that was reviewed")

    def test_the_decision_must_be_the_reviewed_draft(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "pass")
        self.assertDecisionRefused(case, "The penalty differs from draft version 1", fine_fen=40_000)
        self.assertEqual(self.decide(case).state, "decided")

    def test_a_pass_after_a_return_allows_the_decision(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "return", facts="事实不清")
        self.reviewed(case, "pass")
        case = self.decide(case)
        self.assertEqual(case.state, "decided")

    def test_a_reviewer_who_became_ineligible_no_longer_counts(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "pass")
        Conflict.objects.create(
            user=self.b.reviewer, id_number="11010519491231002X", reason="当事人系其表兄", recorded_by=self.b.leader
        )
        self.assertDecisionRefused(case, "周法制 has a recorded conflict of interest with a party: 当事人系其表兄")

    def test_a_hearing_held_makes_the_case_major_and_the_decision_cites_the_record(self):
        from sanxiang.cases.tests.test_gates_base import HEARING_FINE

        case = self.notified(HEARING_FINE)
        self.travel("2026-06-02")
        case = case_actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())
        case = case_actions.case_schedule_hearing(
            actor=self.b.unit_head, case=case, hearing_on=timezone.localdate().replace(day=11),
            presider=self.b.leader, notice_served_on=timezone.localdate(), place="局听证室",
        )  # fmt: skip
        self.travel("2026-06-11")
        case = case_actions.case_hold_hearing(actor=self.b.unit_head, case=case, record="听证笔录……", report="维持")
        self.assertRefused(LEAD, self.decide, case, fine_fen=HEARING_FINE)
        self.reviewed(case, "pass", HEARING_FINE)
        case = self.decide(case, HEARING_FINE)
        event = case.events.order_by("-seq").first()
        assert event is not None
        hearing = case.events.get(transition="hold_hearing")
        self.assertEqual(event.payload["hearing_record_event"], hearing.seq)


class CollectiveDiscussionGateTests(ReviewTestCase):
    def test_a_flagged_case_needs_a_signed_discussion(self):
        case = self.make_major(self.waived(), collective=True)
        self.reviewed(case, "pass")
        lead = "The case must be decided collectively"
        self.assertRefused(lead, self.decide, case)
        self.discuss(case, sign=False)
        self.assertRefused("No signed collective discussion of draft version 1 exists.", self.decide, case)
        discussion = CollectiveDiscussion.objects.get(case=case)
        actions.discussion_sign(actor=self.b.leader, discussion=discussion)
        self.assertEqual(self.decide(case).state, "decided")

    def test_a_discussion_of_an_older_draft_does_not_count(self):
        case = self.make_major(self.waived(), collective=True)
        self.reviewed(case, "pass")
        self.discuss(case)
        self.reviewed(case, "pass", 40_000)
        self.assertRefused("No signed collective discussion of draft version 2", self.decide, case, fine_fen=40_000)
