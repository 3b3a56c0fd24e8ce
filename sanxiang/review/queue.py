"""The legal section's queue (待审核) and its reviewers with their qualification and training."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import TrainingKind, TrainingRecord, User
from sanxiang.review import selectors
from sanxiang.review.models import ReviewAssignment, ReviewOpinion, ReviewSubmission

QUEUE_VIEWS = {
    "unassigned": _("Unassigned"),
    "mine": _("Assigned to me"),
    "overdue": _("Overdue"),
    "open": _("All open"),
}


def open_submissions() -> Any:
    """Submissions not answered and not replaced by a later submission of their case, by due day."""
    later = ReviewSubmission.objects.filter(case=OuterRef("case"), at__gt=OuterRef("at"))
    answered = ReviewOpinion.objects.filter(submission=OuterRef("pk"))
    return (
        ReviewSubmission.objects.annotate(replaced=Exists(later), answered=Exists(answered))
        .filter(replaced=False, answered=False)
        .select_related("case", "case__unit", "draft")
        .order_by("due_on", "at")
    )


@dataclass
class QueueRow:
    submission: ReviewSubmission
    reviewer: str
    overdue: bool


def queue_rows(user: User, show: str, today: dt.date) -> list[QueueRow]:
    rows = []
    assigned = ReviewAssignment.objects.filter(submission=OuterRef("pk"))
    base = open_submissions().annotate(assigned=Exists(assigned))
    if show == "unassigned":
        base = base.filter(assigned=False)
    elif show == "overdue":
        base = base.filter(Q(due_on__lt=today))
    for submission in base:
        assignment = selectors.latest_assignment(submission)
        if show == "mine" and (assignment is None or assignment.reviewer_id != user.pk):
            continue
        overdue = submission.due_on is not None and submission.due_on < today
        rows.append(QueueRow(submission, assignment.reviewer_label if assignment else "", overdue))
    return rows


@dataclass
class ReviewerRow:
    user: User
    reviews: int
    trainings: list[TrainingRecord]


def reviewer_rows() -> list[ReviewerRow]:
    """Each legal reviewer: qualification, opinions given, and legal-review training (org's TrainingRecord)."""
    return [
        ReviewerRow(
            user,
            ReviewOpinion.objects.filter(reviewer=user).count(),
            list(TrainingRecord.objects.filter(user=user, kind=TrainingKind.LEGAL_REVIEW).order_by("-date")[:5]),
        )
        for user in selectors.legal_reviewers()
    ]
