"""The review pages through HTTP: the case panel's forms, the queue, the review page, counsel, statistics,
and who may open them (missing and not allowed are both 404)."""

from __future__ import annotations

from django.test import override_settings

from sanxiang.review import selectors
from sanxiang.review.models import CollectiveDiscussion, DecisionDraft, ReviewOpinion
from sanxiang.review.points import ReviewPoint
from sanxiang.review.tests.base import ReviewTestCase
from sanxiang.testing import FAST_HASHERS


def opinion_post(outcome: str, **problems: str) -> dict[str, str]:
    data = {"outcome": outcome, "summary": "审核意见", "return_items": ""}
    for point in ReviewPoint:
        data[f"finding_{point.value}"] = "problem" if point.value in problems else "ok"
        data[f"notes_{point.value}"] = problems.get(point.value, "")
    return data


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class CasePanelTests(ReviewTestCase):
    def test_a_handler_saves_a_draft_and_submits_it_from_the_case_page(self):
        case = self.make_major(self.waived())
        self.login(self.b.officer)
        page = self.client.get(f"/cases/{case.pk}/")
        self.assertContains(page, 'id="review"')
        self.assertContains(page, "Major decision: a legal review is required")
        data = {
            "draft-types": ["fine"],
            "draft-fine_yuan": "400",
            "draft-facts_text": "事实",
            "draft-legal_basis": "依据",
        }
        response = self.client.post(f"/review/cases/{case.pk}/draft/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DecisionDraft.objects.get(case=case).penalty["fine_fen"], 40_000)
        response = self.client.post(f"/review/cases/{case.pk}/submit/")
        self.assertEqual(response.status_code, 302)
        page = self.client.get(f"/cases/{case.pk}/")
        self.assertContains(page, 'data-status="unassigned"')
        self.assertContains(page, 'data-draft-version="1"')

    def test_a_refused_draft_is_shown_again_with_its_error(self):
        case = self.waived()
        self.login(self.b.officer)
        response = self.client.post(f"/review/cases/{case.pk}/draft/", {"draft-types": ["fine"], "draft-fine_yuan": "",
                                    "draft-facts_text": "事实", "draft-legal_basis": "依据"})  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A fine needs an amount")
        self.assertFalse(DecisionDraft.objects.exists())

    def test_those_who_may_not_write_the_case_get_404(self):
        case = self.waived()
        for user in (self.b.other_officer, self.b.reviewer, self.b.supervisor):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.post(f"/review/cases/{case.pk}/submit/")
                self.assertEqual(response.status_code, 404)

    def test_the_chair_signs_from_the_case_page(self):
        case = self.make_major(self.waived(), collective=True)
        self.draft(case)
        self.discuss(case, sign=False)
        discussion = CollectiveDiscussion.objects.get(case=case)
        self.login(self.leader2)  # not the chair
        self.assertEqual(self.client.post(f"/review/discussions/{discussion.pk}/sign/").status_code, 404)
        self.assertFalse(selectors.signed_discussion(discussion.draft))
        self.login(self.b.leader)
        self.assertContains(self.client.get(f"/cases/{case.pk}/"), "Sign the record as chair")
        self.client.post(f"/review/discussions/{discussion.pk}/sign/")
        self.assertEqual(selectors.signed_discussion(discussion.draft), discussion)


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class ReviewerPageTests(ReviewTestCase):
    def submitted(self):
        case = self.make_major(self.waived())
        self.draft(case)
        return case, self.submit(case)

    def test_the_queue_lists_unassigned_mine_and_overdue(self):
        _case, submission = self.submitted()
        self.login(self.b.reviewer)
        self.assertContains(self.client.get("/review/"), f'data-submission="{submission.pk}"')
        self.assertNotContains(self.client.get("/review/?show=mine"), f'data-submission="{submission.pk}"')
        self.assign(submission)
        self.assertContains(self.client.get("/review/?show=mine"), f'data-submission="{submission.pk}"')
        self.assertNotContains(self.client.get("/review/?show=overdue"), 'data-overdue="1"')
        self.travel("2026-06-11")
        self.login(self.b.reviewer)  # the session timed out meanwhile
        self.assertContains(self.client.get("/review/?show=overdue"), 'data-overdue="1"')
        page = self.client.get("/review/")
        self.assertContains(page, f'data-reviewer="{self.b.reviewer.pk}"')
        self.assertContains(page, "A20190001")

    def test_a_reviewer_assigns_themselves_and_answers_the_points(self):
        _case, submission = self.submitted()
        self.login(self.b.reviewer)
        self.assertEqual(
            self.client.post(
                f"/review/submissions/{submission.pk}/assign/", {"reviewer": self.b.reviewer.pk}
            ).status_code,
            302,
        )
        page = self.client.get(f"/review/submissions/{submission.pk}/")
        self.assertContains(page, 'class="review-point"', count=len(ReviewPoint))
        response = self.client.post(f"/review/submissions/{submission.pk}/opinion/", opinion_post("pass", facts="不清"))
        self.assertContains(response, "A review with a problem found cannot pass")
        self.assertFalse(ReviewOpinion.objects.exists())
        response = self.client.post(
            f"/review/submissions/{submission.pk}/opinion/", opinion_post("return", facts="不清")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(selectors.submission_status(submission), "return")

    def test_an_ineligible_assignment_is_shown_on_the_form(self):
        _case, submission = self.submitted()
        self.login(self.b.reviewer)
        response = self.client.post(f"/review/submissions/{submission.pk}/assign/", {"reviewer": self.reviewer2.pk})
        self.assertContains(response, "must hold the national legal qualification")

    def test_review_pages_are_the_legal_sections(self):
        _case, submission = self.submitted()
        for user in (self.b.officer, self.b.leader, self.b.supervisor, self.counsel):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/review/").status_code, 404)
                self.assertEqual(self.client.get(f"/review/submissions/{submission.pk}/").status_code, 404)
                self.assertEqual(
                    self.client.post(
                        f"/review/submissions/{submission.pk}/assign/", {"reviewer": self.b.reviewer.pk}
                    ).status_code,
                    404,
                )

    def test_counsel_answers_on_their_page(self):
        _case, submission = self.submitted()
        self.assign(submission)
        from sanxiang.review import actions

        referral = actions.counsel_refer(
            actor=self.b.reviewer, submission=submission, counsel=self.counsel, question="疑难问题？"
        )
        self.login(self.counsel)
        self.assertContains(self.client.get("/review/counsel/"), "疑难问题？")
        self.assertEqual(
            self.client.post(f"/review/referrals/{referral.pk}/answer/", {"text": "意见如下"}).status_code, 302
        )
        self.login(self.b.reviewer)
        self.assertContains(self.client.get(f"/review/submissions/{submission.pk}/"), "意见如下")
        self.login(self.b.officer)
        self.assertEqual(self.client.get("/review/counsel/").status_code, 404)
        self.assertEqual(self.client.post(f"/review/referrals/{referral.pk}/answer/", {"text": "x"}).status_code, 404)


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class StatsPageTests(ReviewTestCase):
    def test_the_figures_and_the_export(self):
        case = self.make_major(self.waived())
        self.reviewed(case, "return", evidence="缺少照片", facts="事实不清")
        self.travel("2026-06-03")
        self.reviewed(case, "pass")
        for user in (self.b.reviewer, self.b.leader, self.b.supervisor):
            with self.subTest(user=user.username):
                self.login(user)
                page = self.client.get("/review/stats/?start=2026-06-01&end=2026-06-30")
                self.assertEqual(page.context["stats"].total, 2)
                self.assertEqual(dict(page.context["stats"].by_outcome)["Passed"], 1)
                self.assertEqual(page.context["stats"].returns_by_unit, [("一中队", 1)])
                self.assertEqual(sorted(page.context["stats"].returns_by_point),
                                 [("Evidence conclusive and sufficient", 1), ("Main facts clear", 1)])  # fmt: skip
                self.assertEqual((page.context["stats"].days_median, page.context["stats"].days_max), (0.0, 0))
        xlsx = self.client.get("/review/stats/?format=xlsx")
        self.assertEqual(xlsx["Content-Type"][:30], "application/vnd.openxmlformats")
        self.assertEqual(self.client.get("/review/stats/?start=2026-07-01").context["stats"].total, 0)
        self.login(self.b.officer)
        self.assertEqual(self.client.get("/review/stats/").status_code, 404)
