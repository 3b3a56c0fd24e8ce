"""Internal publicity pages (/publicity/): the overdue board, a publication with its original beside the
redacted text, the workflow buttons, the lists to prepare, and the 纠错 reports.

Only the publicity officer (PUBLICITY_EDIT) and leaders (PUBLICITY_APPROVE)
see these pages; anyone else gets a 404. Refusals show as messages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sanxiang.cases.models import Case
from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.publicity import actions, corrections, guides
from sanxiang.publicity.content import decision_content
from sanxiang.publicity.exports import DECISION_COLUMNS as FIELD_LABELS
from sanxiang.publicity.forms import EditForm, ReasonForm, ReplyForm
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.models import CorrectionReport, Publication, PublicationKind, PublicationState
from sanxiang.publicity.selectors import overdue_board


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not (has_perm(user, Perm.PUBLICITY_EDIT) or has_perm(user, Perm.PUBLICITY_APPROVE)):
        raise Http404
    return user


@login_required
@require_safe
def board_view(request: HttpRequest) -> HttpResponse:
    """The overdue board, the publications in progress, the lists, and the open 纠错 reports."""
    _staff(request)
    state = request.GET.get("state", "")
    pubs = Publication.objects.exclude(kind=PublicationKind.LIST).order_by("-created_at")
    if state in PublicationState.values:
        pubs = pubs.filter(state=state)
    lists = {p.list_code: p for p in Publication.objects.filter(kind=PublicationKind.LIST)}
    context = {
        "board": overdue_board(),
        "pubs": pubs.select_related("case")[:100],
        "states": PublicationState.choices,
        "state": state,
        "sources": [(s, lists.get(s.code)) for s in SOURCES.values()],
        "reports": CorrectionReport.objects.select_related("publication").prefetch_related("replies")[:100],
    }
    return render(request, "publicity/board.html", context)


@login_required
@require_safe
def publication_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A publication: the original case text beside the redacted text, the fields, history and buttons."""
    user = _staff(request)
    pub = get_object_or_404(Publication.objects.select_related("case", "latest_version"), pk=pk)
    version = pub.latest_version
    original = decision_content(pub.case).original if pub.case and pub.case.facts else ""
    context = {
        "pub": pub,
        "version": version,
        "original": original,
        "events": pub.events.select_related("version").order_by("at", "id"),
        "edit_form": EditForm(initial={"body": version.body if version else ""}),
        "reason_form": ReasonForm(),
        "may_edit": has_perm(user, Perm.PUBLICITY_EDIT),
        "may_approve": has_perm(user, Perm.PUBLICITY_APPROVE),
        "field_labels": {key: str(label) for key, label in FIELD_LABELS},
        "can": {to: actions.publication_check_transition(pub, to) for to in PublicationState.values},
    }
    return render(request, "publicity/publication.html", context)


def _run(request: HttpRequest, done: str, call: Callable[[], object]) -> None:
    try:
        call()
    except ValidationFailed as exc:
        errors = [m for ms in exc.errors.values() for m in ms] or [exc.message]
        for message in errors:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@login_required
@require_POST
def publication_act_view(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    """One workflow button: edit, submit, return, approve, publish or withdraw."""
    user = _staff(request)
    pub = get_object_or_404(Publication, pk=pk)
    data = request.POST
    calls: dict[str, tuple[str, Callable[[], object]]] = {
        "edit": (_("Saved."), lambda: actions.publication_edit(
            actor=user, publication=pub, body=data.get("body", ""), change_note=data.get("change_note", ""))),
        "submit": (_("Submitted for approval."), lambda: actions.publication_submit(actor=user, publication=pub)),
        "return": (_("Returned to draft."), lambda: actions.publication_return(
            actor=user, publication=pub, reason=data.get("reason", ""))),
        "approve": (_("Approved."), lambda: actions.publication_approve(actor=user, publication=pub)),
        "publish": (_("Published."), lambda: actions.publication_publish(actor=user, publication=pub)),
        "withdraw": (_("Withdrawn."), lambda: actions.publication_withdraw(
            actor=user, publication=pub, reason=data.get("reason", ""))),
    }  # fmt: skip
    if act not in calls:
        raise Http404
    done, call = calls[act]
    _run(request, done, call)
    return redirect("publicity:publication", pk=pub.pk)


@login_required
@require_POST
def prepare_case_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = _staff(request)
    case = get_object_or_404(Case, pk=case_pk)
    pub = None

    def call() -> None:
        nonlocal pub
        pub = actions.publication_prepare_for_case(actor=user, case=case)

    _run(request, _("Publication prepared."), call)
    return redirect("publicity:publication", pk=pub.pk) if pub else redirect("publicity:board")


@login_required
@require_POST
def prepare_all_view(request: HttpRequest) -> HttpResponse:
    """Prepare drafts for every decided case that has none (what ``sanxiang publicity_sweep`` does)."""
    user = _staff(request)
    count = sum(1 for row in overdue_board() if row.publication is None and row.case is not None
                and actions.publication_prepare_for_case(actor=user, case=row.case))  # fmt: skip
    messages.success(request, _("%(n)d publications prepared.") % {"n": count})
    return redirect("publicity:board")


@login_required
@require_POST
def prepare_list_view(request: HttpRequest, code: str) -> HttpResponse:
    """Snapshot the internal data of list ``code`` as a new draft version."""
    user = _staff(request)
    source = SOURCES.get(code)
    if source is None:
        raise Http404
    pub = None

    def call() -> None:
        nonlocal pub
        pub = actions.publication_prepare_list(
            actor=user, list_code=code, title=str(source.title), rows=source.rows(), note=request.POST.get("note", "")
        )

    _run(request, _("A new version of the list was drafted."), call)
    return redirect("publicity:publication", pk=pub.pk) if pub else redirect("publicity:board")


@login_required
@require_POST
def correction_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    report = get_object_or_404(CorrectionReport, pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome and write the reply."))
    else:
        data = form.cleaned_data
        _run(request, _("Reply recorded."), lambda: corrections.correction_reply(
            actor=user, report=report, outcome=data["outcome"], reply=data["reply"]))  # fmt: skip
    return redirect("publicity:board")


@login_required
@require_safe
def guides_template_view(request: HttpRequest) -> HttpResponse:
    """The Excel template of the service guides."""
    _staff(request)
    response = HttpResponse(
        guides.guides_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="guides.xlsx"'
    return response


@login_required
@require_POST
def guides_import_view(request: HttpRequest) -> HttpResponse:
    """Import the service guides from Excel as a new draft version (every bad row is listed)."""
    user = _staff(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the Excel file."))
        return redirect("publicity:board")
    pub = None

    def call() -> None:
        nonlocal pub
        pub = guides.guides_import(actor=user, source=upload, note=request.POST.get("note", ""))

    _run(request, _("A new version of the service guides was drafted."), call)
    return redirect("publicity:publication", pk=pub.pk) if pub else redirect("publicity:board")
