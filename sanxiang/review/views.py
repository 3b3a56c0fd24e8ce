"""The legal section's pages: the queue, a submission's review page (assign, the eleven points, counsel),
counsel's referrals, and the statistics (``views_stats``).

Access: the queue and review pages need ``Perm.REVIEW_CONDUCT`` and a case the user may read
(``access.submission_get_for_user``); counsel sees only the referrals addressed to them. Missing and not
allowed are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sanxiang.lib.exceptions import AccessDenied, DomainError
from sanxiang.org.http import request_user
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.review import actions, selectors
from sanxiang.review.access import referral_get_for_counsel, submission_get_for_user
from sanxiang.review.forms import AssignForm, CounselOpinionForm, OpinionForm, ReferralForm
from sanxiang.review.models import CounselReferral, ReviewSubmission
from sanxiang.review.panel import draft_rows, submission_row
from sanxiang.review.queue import QUEUE_VIEWS, queue_rows, reviewer_rows

QUEUE_PAGE = 25


@login_required
@require_safe
def queue_view(request: HttpRequest) -> HttpResponse:
    """待审核: unassigned, mine, overdue or all open submissions, and the reviewers with their training."""
    user = request_user(request)
    if not has_perm(user, Perm.REVIEW_CONDUCT):
        raise Http404
    show = request.GET.get("show", "unassigned")
    if show not in QUEUE_VIEWS:
        show = "unassigned"
    page = Paginator(queue_rows(user, show, timezone.localdate()), QUEUE_PAGE).get_page(request.GET.get("page"))
    context = {"show": show, "views": QUEUE_VIEWS, "page_obj": page, "rows": page.object_list,
               "reviewers": reviewer_rows()}  # fmt: skip
    return render(request, "review/queue.html", context)


def _render_review(request: HttpRequest, submission: ReviewSubmission, **forms: Any) -> HttpResponse:
    user = request_user(request)
    assignment = selectors.latest_assignment(submission)
    open_ = selectors.submission_status(submission) in {"incomplete", "unassigned", "assigned"}
    latest = selectors.latest_submission(submission.case)
    open_ = open_ and latest is not None and latest.pk == submission.pk
    mine = open_ and assignment is not None and assignment.reviewer_id == user.pk
    context = {
        "submission": submission, "case": submission.case, "row": submission_row(submission),
        "drafts": draft_rows(submission.case), "open": open_, "mine": mine,
        "problems": selectors.reviewer_problems(user, submission.case) if open_ else [],
        "assign_form": forms.get("assign_form") or (AssignForm(initial={"reviewer": user.pk}) if open_ else None),
        "opinion_form": forms.get("opinion_form") or (OpinionForm() if mine else None),
        "referral_form": forms.get("referral_form") or (ReferralForm() if mine else None),
    }  # fmt: skip
    return render(request, "review/review.html", context)


@login_required
@require_safe
def submission_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page of one submission: package, drafts, assignment, the eleven points, counsel."""
    return _render_review(request, submission_get_for_user(request_user(request), pk))


def _refused(form: Any, exc: DomainError) -> None:
    if hasattr(form, "add_refusal"):
        form.add_refusal(exc)
    else:
        for reason in [exc.message, *getattr(exc, "reasons", [])]:
            form.add_error(None, reason)


@login_required
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    submission = submission_get_for_user(user, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            actions.review_assign(actor=user, submission=submission, reviewer=form.cleaned_data["reviewer"])
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The reviewer is assigned."))
            return redirect("review:submission", pk=submission.pk)
    return _render_review(request, submission, assign_form=form)


@login_required
@require_POST
def opinion_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    submission = submission_get_for_user(user, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.review_opinion_give(actor=user, submission=submission, findings=form.findings(),
                                        outcome=data["outcome"], summary=data["summary"],
                                        return_items=data["return_items"])  # fmt: skip
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("The review opinion is recorded."))
            return redirect("review:submission", pk=submission.pk)
    return _render_review(request, submission, opinion_form=form)


@login_required
@require_POST
def refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    submission = submission_get_for_user(user, pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            actions.counsel_refer(actor=user, submission=submission, **form.cleaned_data)
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The question is referred to counsel."))
            return redirect("review:submission", pk=submission.pk)
    return _render_review(request, submission, referral_form=form)


@login_required
@require_safe
def counsel_view(request: HttpRequest) -> HttpResponse:
    """法律顾问: the questions referred to me, with the draft they concern and a form to answer."""
    user = request_user(request)
    if not has_perm(user, Perm.COUNSEL_OPINION):
        raise Http404
    referrals = CounselReferral.objects.filter(counsel=user).select_related("submission__draft", "opinion")
    page = Paginator(referrals.order_by("-at", "-id"), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "review/counsel.html", {"page_obj": page, "rows": page.object_list, "form": CounselOpinionForm()}
    )


@login_required
@require_POST
def counsel_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    referral = referral_get_for_counsel(user, pk)
    form = CounselOpinionForm(request.POST)
    if form.is_valid():
        try:
            actions.counsel_opinion_give(actor=user, referral=referral, text=form.cleaned_data["text"])
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, " ".join([exc.message, *getattr(exc, "reasons", [])]))
        else:
            messages.success(request, _("Your opinion is recorded and joins the review."))
    else:
        messages.error(request, _("Write the opinion."))
    return redirect("review:counsel")
