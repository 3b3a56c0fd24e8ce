"""Reads of the review: the current draft, the latest submission and its state, the reviewer's eligibility.

Statuses are never stored: each is read from the latest append-only rows.
"""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, CaseHandler, Conflict
from sanxiang.org.models import Role, User
from sanxiang.org.permissions import roles_of
from sanxiang.review.models import (
    CollectiveDiscussion,
    DecisionDraft,
    ReviewAssignment,
    ReviewOpinion,
    ReviewSubmission,
)
from sanxiang.review.points import Outcome


class SubmissionStatus(enum.StrEnum):
    INCOMPLETE = "incomplete"
    UNASSIGNED = "unassigned"
    ASSIGNED = "assigned"
    PASSED = "pass"
    RETURNED = "return"
    FAILED = "fail"


def current_draft(case: Case) -> DecisionDraft | None:
    """The latest version of the draft decision, or None."""
    return DecisionDraft.objects.filter(case=case).order_by("-version").first()


def drafts(case: Case) -> list[DecisionDraft]:
    return list(DecisionDraft.objects.filter(case=case).select_related("author").order_by("version"))


def submissions(case: Case) -> list[ReviewSubmission]:
    return list(ReviewSubmission.objects.filter(case=case).select_related("draft").order_by("at", "id"))


def latest_submission(case: Case) -> ReviewSubmission | None:
    return ReviewSubmission.objects.filter(case=case).select_related("draft").order_by("-at", "-id").first()


def latest_assignment(submission: ReviewSubmission) -> ReviewAssignment | None:
    return (
        ReviewAssignment.objects.filter(submission=submission).select_related("reviewer").order_by("-at", "-id").first()
    )


def opinion_of(submission: ReviewSubmission) -> ReviewOpinion | None:
    """The opinion on ``submission`` (at most one: an answered submission is closed)."""
    return ReviewOpinion.objects.filter(submission=submission).select_related("reviewer").order_by("-at", "-id").first()


def submission_status(submission: ReviewSubmission) -> SubmissionStatus:
    opinion = opinion_of(submission)
    if opinion is not None:
        return SubmissionStatus(opinion.outcome)
    if not submission.complete:
        return SubmissionStatus.INCOMPLETE
    if latest_assignment(submission) is None:
        return SubmissionStatus.UNASSIGNED
    return SubmissionStatus.ASSIGNED


def latest_opinion_for_draft(draft: DecisionDraft) -> ReviewOpinion | None:
    """The latest opinion given on any submission of ``draft`` (the one that counts for it)."""
    return (
        ReviewOpinion.objects.filter(submission__draft=draft)
        .select_related("reviewer", "submission")
        .order_by("-at", "-id")
        .first()
    )


def signed_discussion(draft: DecisionDraft) -> CollectiveDiscussion | None:
    """The latest collective discussion of ``draft`` that its chair signed, or None."""
    return CollectiveDiscussion.objects.filter(draft=draft, signoff__isnull=False).order_by("-at", "-id").first()


def discussions(case: Case) -> list[CollectiveDiscussion]:
    return list(CollectiveDiscussion.objects.filter(case=case).select_related("draft", "signoff").order_by("at", "id"))


# --- Who may review ------------------------------------------------------------------------------


def handler_ids_ever(case: Case) -> set[int]:
    """Everyone who is or ever was a handler (承办人/调查人员) of ``case``, from the events and the current list."""
    ids = set(CaseHandler.objects.filter(case=case).values_list("user_id", flat=True))
    for changes in case.events.filter(changes__has_key="handlers").values_list("changes", flat=True):
        ids.update(int(i) for i in changes.get("handlers", []))
    return ids


def has_reviewed_before(user: User) -> bool:
    """True once ``user`` has given a review opinion (no longer a first-time reviewer, APL Art. 58 para 2)."""
    return ReviewOpinion.objects.filter(reviewer=user).exists()


def reviewer_problems(user: User, case: Case) -> list[str]:
    """Why ``user`` may not review ``case`` (empty: eligible), each a sentence for people.

    1. Holds the legal-reviewer role (APL Art. 58; the legal section reviews, seed 二(三)2(1)).
    2. Never handled or investigated the case (separation of review from investigation, RULES.md §13.10).
    3. Did not preside over its hearing (the presider's report is part of what is reviewed).
    4. Has no recorded conflict of interest with a party (APL Art. 43).
    5. A first-time reviewer holds the national legal qualification (APL Art. 58 para 2).
    """
    name = user.full_name
    problems: list[str] = []
    if Role.LEGAL_REVIEWER not in roles_of(user):
        problems.append(_("%(u)s is not a legal reviewer of the legal section.") % {"u": name})
    if user.pk in handler_ids_ever(case):
        problems.append(_("%(u)s handled or investigated this case and may not review it.") % {"u": name})
    if case.facts.get("hearing_presider_id") == user.pk:
        problems.append(_("%(u)s presided over the hearing of this case and may not review it.") % {"u": name})
    id_numbers = list(case.parties.values_list("id_number", flat=True))
    for conflict in Conflict.objects.filter(user=user, id_number__in=id_numbers):
        problems.append(
            _("%(u)s has a recorded conflict of interest with a party: %(r)s") % {"u": name, "r": conflict.reason}
        )
    if not user.has_legal_qualification and not has_reviewed_before(user):
        problems.append(
            _("%(u)s reviews for the first time and must hold the national legal qualification (APL Art. 58).")
            % {"u": name}
        )
    return problems


def legal_reviewers() -> QuerySet[User]:
    """Active holders of the legal-reviewer role, by name."""
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.LEGAL_REVIEWER, role_grants__revoked_at__isnull=True)
        .distinct()
        .order_by("full_name")
    )


def counsels() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.COUNSEL, role_grants__revoked_at__isnull=True)
        .distinct()
        .order_by("full_name")
    )


def passed(opinion: Any) -> bool:
    return opinion is not None and opinion.outcome == Outcome.PASS
