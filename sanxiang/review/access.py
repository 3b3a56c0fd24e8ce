"""The only way a review page gets a submission or a referral; missing and not allowed are both 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from sanxiang.cases.access import case_get_for_user
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.review.models import CounselReferral, ReviewSubmission


def submission_get_for_user(user: Any, pk: int) -> ReviewSubmission:
    """A submission for a legal reviewer who may read its case (legal reviewers read every unit)."""
    if not has_perm(user, Perm.REVIEW_CONDUCT):
        raise Http404
    submission = ReviewSubmission.objects.select_related("draft").filter(pk=pk).first()
    if submission is None:
        raise Http404
    submission.case = case_get_for_user(user, submission.case_id)
    return submission


def referral_get_for_counsel(user: Any, pk: int) -> CounselReferral:
    """A referral addressed to ``user``, who holds the counsel permission."""
    if not has_perm(user, Perm.COUNSEL_OPINION):
        raise Http404
    referral = CounselReferral.objects.filter(pk=pk, counsel=user).first()
    if referral is None:
        raise Http404
    return referral
