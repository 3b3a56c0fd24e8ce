"""Property: no sequence of draft / submit / assign / opinion / decide calls decides a major case without a
passing review of the decided draft, by an eligible reviewer (APL Art. 58; RULES.md §13.10)."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Case
from sanxiang.cases.penalties import Penalty
from sanxiang.lib.exceptions import DomainError
from sanxiang.review import actions, selectors
from sanxiang.review.tests.base import ReviewTestCase, findings

FINES = (30_000, 40_000, 50_000)
STEP = st.one_of(
    st.tuples(st.just("draft"), st.sampled_from(FINES)),
    st.tuples(st.just("submit"), st.just(0)),
    st.tuples(st.just("assign"), st.sampled_from((0, 1))),
    st.tuples(st.just("opinion"), st.sampled_from(("pass", "return", "fail"))),
    st.tuples(st.just("decide"), st.sampled_from(FINES)),
)


class NoDecisionWithoutReviewTests(HypothesisTestCase, ReviewTestCase):
    def run_step(self, case: Case, step: tuple[str, object]) -> None:
        kind, value = step
        submission = selectors.latest_submission(case)
        if kind == "draft":
            self.draft(case, int(value))  # type: ignore[call-overload]
        elif kind == "submit":
            self.submit(case)
        elif kind == "assign" and submission is not None:
            self.assign(submission, (self.b.reviewer, self.reviewer2)[int(value)])  # type: ignore[call-overload]
        elif kind == "opinion" and submission is not None:
            assignment = selectors.latest_assignment(submission)
            reviewer = assignment.reviewer if assignment else self.b.reviewer
            problems = {} if value == "pass" else {"facts": "事实不清"}
            actions.review_opinion_give(actor=reviewer, submission=submission, findings=findings(**problems),
                                        outcome=str(value), summary="意见")  # fmt: skip
        elif kind == "decide":
            case_actions.case_decide(actor=self.b.unit_head, case=case, types=["fine"], fine_fen=int(value))  # type: ignore[call-overload]

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=st.lists(STEP, min_size=1, max_size=10))
    def test_a_decided_major_case_always_has_a_passing_review_of_the_decided_draft(self, steps):
        case = self.make_major(self.waived())
        for step in steps:
            with contextlib.suppress(DomainError):
                self.run_step(case, step)
            case.refresh_from_db()
            if case.state == "decided":
                break
        event("decided" if case.state == "decided" else "not decided")
        if case.state == "decided":
            draft = selectors.current_draft(case)
            assert draft is not None
            self.assertEqual(Penalty.from_json(draft.penalty), Penalty.from_json(case.facts["decided_penalty"]))
            opinion = selectors.latest_opinion_for_draft(draft)
            assert opinion is not None
            self.assertTrue(selectors.passed(opinion))
            self.assertEqual(selectors.reviewer_problems(opinion.reviewer, case), [])
