"""The review actions: drafts, package and clock, assignment, the opinion's points, counsel, discussion.

Each refused call records nothing (no row, no log entry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from sanxiang.lib.exceptions import AccessDenied, DomainError, GateRefused, ValidationFailed
from sanxiang.org.actions import role_grant
from sanxiang.org.models import Role
from sanxiang.review import actions, selectors
from sanxiang.review.models import DecisionDraft, ReviewFinding, ReviewOpinion
from sanxiang.review.points import ReviewPoint
from sanxiang.review.tests.base import ALL_OK, ReviewTestCase, findings


class RefusalMixin(ReviewTestCase):
    def assertNothingRecorded(self, exc: type[DomainError], message: str, call: Callable[[], Any]) -> DomainError:
        entries = self.log_count()
        with self.assertRaises(exc) as raised:
            call()
        error = raised.exception
        text = "\n".join([error.message, *getattr(error, "reasons", []),
                          *(m for ms in getattr(error, "errors", {}).values() for m in ms)])  # fmt: skip
        self.assertIn(message, text)
        self.assertEqual(self.log_count(), entries, "a refused call must not be logged")
        return error


class DraftTests(RefusalMixin):
    def test_versions_are_kept_and_numbered(self):
        case = self.waived()
        first = self.draft(case)
        second = self.draft(case, 40_000)
        self.assertEqual([d.version for d in selectors.drafts(case)], [1, 2])
        self.assertEqual(selectors.current_draft(case), second)
        self.assertEqual(first.penalty["fine_fen"], 50_000)
        self.assertLogged(second)

    def test_a_draft_needs_facts_basis_and_a_valid_penalty(self):
        case = self.waived()
        self.assertNothingRecorded(
            ValidationFailed,
            "Write the facts",
            lambda: actions.draft_save(
                actor=self.b.officer, case=case, types=["fine"], fine_fen=100, facts_text=" ", legal_basis="x"
            ),
        )
        self.assertNothingRecorded(
            ValidationFailed,
            "A fine needs an amount",
            lambda: actions.draft_save(
                actor=self.b.officer, case=case, types=["fine"], fine_fen=0, facts_text="x", legal_basis="x"
            ),
        )
        self.assertFalse(DecisionDraft.objects.exists())

    def test_only_those_who_write_the_case_draft_it(self):
        case = self.waived()
        for user in (self.b.reviewer, self.b.other_officer, self.b.supervisor):
            with self.subTest(user=user.username):
                self.assertNothingRecorded(
                    AccessDenied,
                    "You may not change this case.",
                    lambda u=user: actions.draft_save(  # type: ignore[misc]
                        actor=u, case=case, types=["warning"], facts_text="x", legal_basis="x"
                    ),
                )

    def test_no_draft_before_the_investigation_ends(self):
        case = self.registered()
        self.assertNothingRecorded(GateRefused, "after the investigation is concluded", lambda: self.draft(case))

    def test_the_draft_keeps_the_determination(self):
        case = self.make_major(self.waived())
        draft = self.draft(case)
        self.assertIs(draft.determination["major"], True)
        self.assertEqual([m["source"] for m in draft.determination["matches"]], ["manual"])


class SubmissionTests(RefusalMixin):
    def test_a_complete_package_starts_the_clock(self):
        case = self.waived()
        self.draft(case)
        submission = self.submit(case)
        self.assertIs(submission.complete, True)
        self.assertEqual(submission.missing, [])
        self.assertEqual(submission.clock_start, dt.date(2026, 6, 1))
        self.assertEqual(submission.due_on, dt.date(2026, 6, 10))  # 7 working days, start day not counted
        self.assertEqual(submission.package["investigation_report"]["text"], "事实清楚")
        self.assertEqual(submission.package["evidence"][0]["step"], "record_transcript")
        self.assertEqual(selectors.submission_status(submission), "unassigned")

    def test_a_missing_hearing_record_keeps_the_clock_waiting(self):
        from sanxiang.cases import actions as case_actions
        from sanxiang.cases.tests.test_gates_base import HEARING_FINE

        case = self.notified(HEARING_FINE)
        self.travel("2026-06-02")
        case = case_actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())
        self.draft(case, HEARING_FINE)
        submission = self.submit(case)
        self.assertEqual(
            (submission.complete, submission.missing, submission.due_on), (False, ["Hearing record"], None)
        )
        self.assertEqual(selectors.submission_status(submission), "incomplete")
        self.assign(submission)
        self.assertNothingRecorded(ValidationFailed, "The package is incomplete", lambda: self.opinion(submission))
        case = case_actions.case_schedule_hearing(
            actor=self.b.unit_head, case=case, hearing_on=dt.date(2026, 6, 11), presider=self.b.leader,
            notice_served_on=timezone.localdate(), place="局听证室",
        )  # fmt: skip
        self.travel("2026-06-11")
        case_actions.case_hold_hearing(actor=self.b.unit_head, case=case, record="听证笔录……", report="维持")
        again = self.submit(case)
        self.assertEqual(
            (again.complete, again.clock_start, again.due_on), (True, dt.date(2026, 6, 11), dt.date(2026, 6, 23))
        )  # 19 June: 端午节
        self.assertEqual(again.package["hearing_record"]["report"], "维持")

    def test_nothing_to_submit_and_no_double_submission(self):
        case = self.waived()
        self.assertNothingRecorded(
            GateRefused, "Save a draft decision before submitting it.", lambda: self.submit(case)
        )
        self.draft(case)
        self.submit(case)
        self.assertNothingRecorded(
            GateRefused, "Version 1 is already waiting for its review.", lambda: self.submit(case)
        )


class AssignmentTests(RefusalMixin):
    def test_a_handler_of_the_case_never_reviews_it(self):
        role_grant(actor=self.b.system, user=self.b.officer2, role=Role.LEGAL_REVIEWER)
        self.b.officer2.has_legal_qualification = True
        self.b.officer2.save(update_fields=["has_legal_qualification"])
        case = self.waived()
        self.draft(case)
        submission = self.submit(case)
        self.assertNothingRecorded(GateRefused, "李执法 handled or investigated this case and may not review it.",
                                   lambda: self.assign(submission, self.b.officer2))  # fmt: skip

    def test_a_first_time_reviewer_needs_the_legal_qualification(self):
        case = self.waived()
        self.draft(case)
        submission = self.submit(case)
        self.assertNothingRecorded(GateRefused, "郑新审 reviews for the first time and must hold the national legal qualification",
                                   lambda: self.assign(submission, self.reviewer2))  # fmt: skip

    def test_an_experienced_reviewer_without_the_qualification_may_review(self):
        case = self.waived()
        self.draft(case)
        self.assertEqual(selectors.reviewer_problems(self.reviewer2, case)[-1][:3], "郑新审"[:3])
        submission = self.submit(case)
        self.reviewer2.has_legal_qualification = True
        self.reviewer2.save(update_fields=["has_legal_qualification"])
        self.assign(submission, self.reviewer2)
        self.opinion(submission, "pass", self.reviewer2)
        self.reviewer2.has_legal_qualification = False
        self.reviewer2.save(update_fields=["has_legal_qualification"])
        self.assertEqual(selectors.reviewer_problems(self.reviewer2, case), [])

    def test_the_presider_and_a_conflicted_reviewer_are_refused(self):
        from sanxiang.cases.models import Conflict

        case = self.waived()
        self.draft(case)
        submission = self.submit(case)
        case.facts["hearing_presider_id"] = self.b.reviewer.pk
        self.assertIn("周法制 presided over the hearing of this case and may not review it.",
                      selectors.reviewer_problems(self.b.reviewer, case))  # fmt: skip
        Conflict.objects.create(
            user=self.b.reviewer, id_number="11010519491231002X", reason="亲属", recorded_by=self.b.leader
        )
        self.assertNothingRecorded(GateRefused, "recorded conflict of interest", lambda: self.assign(submission))

    def test_only_the_legal_section_assigns_and_only_legal_reviewers_are_assigned(self):
        case = self.waived()
        self.draft(case)
        submission = self.submit(case)
        self.assertNothingRecorded(
            AccessDenied,
            "Only the legal section assigns reviews.",
            lambda: actions.review_assign(actor=self.b.leader, submission=submission, reviewer=self.b.reviewer),
        )
        self.assertNothingRecorded(
            GateRefused,
            "吴局长 is not a legal reviewer",
            lambda: actions.review_assign(actor=self.b.reviewer, submission=submission, reviewer=self.b.leader),
        )


class OpinionTests(RefusalMixin):
    def submitted(self):
        case = self.waived()
        self.draft(case)
        submission = self.submit(case)
        self.assign(submission)
        return case, submission

    def test_every_point_is_answered_and_recorded(self):
        _case, submission = self.submitted()
        opinion = self.opinion(submission, "return", evidence="缺少现场照片", documents="文书编号不规范")
        rows = ReviewFinding.objects.filter(opinion=opinion)
        self.assertEqual(rows.count(), len(ReviewPoint))
        self.assertEqual(
            sorted(rows.filter(finding="problem").values_list("point", flat=True)), ["documents", "evidence"]
        )
        for row in rows:
            self.assertLogged(row)
        self.assertEqual(opinion.working_days, 0)
        self.assertEqual(selectors.submission_status(submission), "return")

    def test_a_missing_point_or_an_unexplained_problem_is_refused(self):
        _case, submission = self.submitted()
        partial = {k: v for k, v in ALL_OK.items() if k != "crime"}
        self.assertNothingRecorded(
            ValidationFailed,
            "Answer the point",
            lambda: actions.review_opinion_give(
                actor=self.b.reviewer, submission=submission, findings=partial, outcome="pass", summary="x"
            ),
        )
        bare = {**ALL_OK, "facts": ("problem", " ")}
        self.assertNothingRecorded(
            ValidationFailed,
            "Say what the problem is",
            lambda: actions.review_opinion_give(
                actor=self.b.reviewer, submission=submission, findings=bare, outcome="return", summary="x"
            ),
        )
        self.assertFalse(ReviewOpinion.objects.exists())

    def test_outcomes_agree_with_the_findings(self):
        _case, submission = self.submitted()
        self.assertNothingRecorded(
            ValidationFailed,
            "cannot pass",
            lambda: actions.review_opinion_give(
                actor=self.b.reviewer, submission=submission, findings=findings(law="错"), outcome="pass", summary="x"
            ),
        )
        self.assertNothingRecorded(
            ValidationFailed,
            "Mark the points",
            lambda: actions.review_opinion_give(
                actor=self.b.reviewer, submission=submission, findings=ALL_OK, outcome="return", summary="x"
            ),
        )

    def test_only_the_assigned_reviewer_answers_and_only_once(self):
        _case, submission = self.submitted()
        self.assertNothingRecorded(
            AccessDenied, "Only the reviewer assigned", lambda: self.opinion(submission, "pass", self.reviewer2)
        )
        self.opinion(submission)
        self.assertNothingRecorded(GateRefused, "This submission is closed", lambda: self.opinion(submission))

    def test_counsel_answers_a_referral_and_the_opinion_joins_the_review(self):
        _case, submission = self.submitted()
        referral = actions.counsel_refer(
            actor=self.b.reviewer, submission=submission, counsel=self.counsel, question="是否构成连续违法？"
        )
        self.assertNothingRecorded(
            AccessDenied,
            "Only the counsel",
            lambda: actions.counsel_opinion_give(actor=self.b.reviewer, referral=referral, text="x"),
        )
        answer = actions.counsel_opinion_give(
            actor=self.counsel, referral=referral, text="构成连续违法，追责期限自终了之日起算。"
        )
        self.assertLogged(answer)
        self.assertNothingRecorded(
            GateRefused,
            "already been answered",
            lambda: actions.counsel_opinion_give(actor=self.counsel, referral=referral, text="y"),
        )
        self.assertNothingRecorded(
            ValidationFailed,
            "is not counsel",
            lambda: actions.counsel_refer(
                actor=self.b.reviewer, submission=submission, counsel=self.b.leader, question="q"
            ),
        )


class DiscussionTests(RefusalMixin):
    def test_the_chair_is_a_leader_and_enough_people_take_part(self):
        case = self.waived()
        self.draft(case)
        record = lambda chair, people: actions.discussion_record(  # noqa: E731
            actor=self.b.unit_head, case=case, chair=chair, participants=people, held_on=timezone.localdate(),
            minutes="m", conclusion="c")  # fmt: skip
        self.assertNothingRecorded(ValidationFailed, "The chair of a collective discussion is a leader",
                                   lambda: record(self.b.unit_head, [self.b.leader, self.leader2]))  # fmt: skip
        self.assertNothingRecorded(
            ValidationFailed, "at least 3 participants", lambda: record(self.b.leader, [self.b.leader, self.leader2])
        )
        discussion = record(self.b.leader, [self.leader2, self.b.unit_head])
        self.assertEqual(len(discussion.participants), 3)
        self.assertNothingRecorded(
            AccessDenied,
            "Only the chair signs",
            lambda: actions.discussion_sign(actor=self.leader2, discussion=discussion),
        )
        actions.discussion_sign(actor=self.b.leader, discussion=discussion)
        self.assertEqual(selectors.signed_discussion(discussion.draft), discussion)
