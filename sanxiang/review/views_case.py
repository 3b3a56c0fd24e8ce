"""The review panel's forms on the case page: drafts, submission, collective discussion and its signature.

A refused form is shown again on the case page with its errors: the bound form is handed to the
panel's inclusion tag on the request (``request.review_forms``), the rest of the page is the case's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.cases.access import case_get_for_user
from sanxiang.cases.forms.base import ActionForm
from sanxiang.cases.models import Case
from sanxiang.cases.views.case import render_case
from sanxiang.lib.exceptions import AccessDenied, DomainError
from sanxiang.org.http import request_user
from sanxiang.review import actions
from sanxiang.review.forms import DiscussionForm, DraftForm
from sanxiang.review.models import CollectiveDiscussion


def _back(case: Case) -> HttpResponse:
    return redirect(f"/cases/{case.pk}/#review")


def _show_again(request: HttpRequest, case: Case, name: str, form: ActionForm) -> HttpResponse:
    request.review_forms = {name: form}  # type: ignore[attr-defined]
    return render_case(request, case)


@login_required
@require_POST
def draft_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = case_get_for_user(user, pk, need_write=True)
    form = DraftForm(request.POST, prefix="draft", case=case, actor=user)
    if form.is_valid():
        try:
            draft = actions.draft_save(actor=user, case=case, **form.action_kwargs())
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("Draft version %(v)d is saved.") % {"v": draft.version})
            return _back(case)
    return _show_again(request, case, "draft", form)


@login_required
@require_POST
def submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = case_get_for_user(user, pk, need_write=True)
    try:
        submission = actions.review_submit(actor=user, case=case, note=request.POST.get("note", ""))
    except AccessDenied:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *getattr(exc, "reasons", [])]))
    else:
        if submission.complete:
            messages.success(
                request, _("Submitted for legal review; the review is due on %(d)s.") % {"d": submission.due_on}
            )
        else:
            messages.warning(request, _("Submitted, but the package lacks: %(m)s. The review clock starts when it is complete.")
                             % {"m": "、".join(submission.missing)})  # fmt: skip
    return _back(case)


@login_required
@require_POST
def discussion_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = case_get_for_user(user, pk, need_write=True)
    form = DiscussionForm(request.POST, prefix="discussion", case=case, actor=user)
    if form.is_valid():
        try:
            actions.discussion_record(actor=user, case=case, **form.action_kwargs())
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_refusal(exc)
        else:
            messages.success(request, _("The collective discussion is recorded; it binds once the chair signs it."))
            return _back(case)
    return _show_again(request, case, "discussion", form)


@login_required
@require_POST
def discussion_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    discussion = get_object_or_404(CollectiveDiscussion, pk=pk)
    case = case_get_for_user(user, discussion.case_id)
    try:
        actions.discussion_sign(actor=user, discussion=discussion)
    except AccessDenied:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *getattr(exc, "reasons", [])]))
    else:
        messages.success(request, _("The record of the collective discussion is signed."))
    return _back(case)
