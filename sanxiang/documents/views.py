"""Staff pages of documents: issue from the case page, print (download) one document or the whole dossier,
void a number, record an electronic-service consent, serve electronically, archive and export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sanxiang.cases.access import case_get_for_user
from sanxiang.cases.models import Case, CaseEvent
from sanxiang.documents import actions, export
from sanxiang.documents.dossier import dossier_pdf, preview_index_pdf
from sanxiang.documents.models import IssuedDocument
from sanxiang.evidence.blobstore import blob_open
from sanxiang.lib.exceptions import AccessDenied, DomainError
from sanxiang.org.http import request_user


class IssueForm(forms.Form):
    doc_type = forms.CharField(max_length=40)
    event = forms.IntegerField(required=False)
    refers_to = forms.IntegerField(required=False)
    corrects = forms.IntegerField(required=False)
    source = forms.IntegerField(required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class ConsentForm(forms.Form):
    party = forms.IntegerField()
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[("email", gettext_lazy("E-mail")), ("sms", gettext_lazy("SMS")),
                 ("platform", gettext_lazy("Government service platform"))],
    )  # fmt: skip
    address = forms.CharField(label=gettext_lazy("Address for service"), max_length=200)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"))
    signed_copy_sha256 = forms.CharField(label=gettext_lazy("SHA-256 of the signed copy"), max_length=64)


def _doc_for_user(request: HttpRequest, pk: int) -> IssuedDocument:
    doc = get_object_or_404(IssuedDocument, pk=pk)
    case_get_for_user(request_user(request), doc.case_id)  # 404 when the case is out of the user's scope
    return doc


def _back(case: Case) -> HttpResponse:
    return redirect(f"/cases/{case.pk}/#documents")


def _refused(request: HttpRequest, exc: DomainError) -> None:
    reasons = getattr(exc, "reasons", None) or []
    messages.error(request, " ".join([exc.message, *[str(r) for r in reasons if r != exc.message]]))


def _related(case: Case, pk: int | None) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(case=case, pk=pk).first() if pk else None


@login_required
@require_POST
def issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a document of the case (number, PDF, signature, log), then back to the case page."""
    case = case_get_for_user(request_user(request), pk, need_write=True)
    form = IssueForm(request.POST)
    if not form.is_valid():
        raise Http404
    event = (
        CaseEvent.objects.filter(case=case, pk=form.cleaned_data["event"]).first()
        if form.cleaned_data["event"]
        else None
    )
    try:
        doc = actions.document_issue(
            actor=request_user(request), case=case, doc_type=form.cleaned_data["doc_type"], event=event,
            refers_to=_related(case, form.cleaned_data["refers_to"]), corrects=_related(case, form.cleaned_data["corrects"]),
            source=form.cleaned_data["source"],
        )  # fmt: skip
    except AccessDenied:
        raise Http404 from None
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("“%(title)s” %(number)s is issued.") % {"title": doc.title, "number": doc.number})
    return _back(case)


@login_required
@require_safe
def pdf_view(request: HttpRequest, pk: int) -> FileResponse:
    """The issued PDF (signed bytes as stored), inline so the browser prints it."""
    doc = _doc_for_user(request, pk)
    name = f"{doc.title}{doc.number or doc.public_id}.pdf"
    return FileResponse(blob_open(doc.sha256), filename=name, content_type="application/pdf")


@login_required
@require_POST
def void_view(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _doc_for_user(request, pk)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
        else:
            actions.document_void(actor=request_user(request), document=doc, reason=form.cleaned_data["reason"])
            messages.success(request, _("The number %(n)s is void.") % {"n": doc.number})
    except AccessDenied:
        raise Http404 from None
    except DomainError as exc:
        _refused(request, exc)
    return _back(doc.case)


@login_required
@require_safe
def dossier_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole dossier as one PDF for printing: the index (the archived one, or a preview), then each document."""
    case = case_get_for_user(request_user(request), pk)
    archived = getattr(case, "dossier_archive", None) if hasattr(case, "dossier_archive") else None
    index = export.stored_bytes(archived.index) if archived else preview_index_pdf(case)
    response = HttpResponse(dossier_pdf(case, index), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dossier-{case.pk}.pdf"'
    return response


@login_required
@require_POST
def archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    """归档 with the dossier index and retention; refused with the missing documents named."""
    case = case_get_for_user(request_user(request), pk, need_write=True)
    try:
        actions.dossier_archive(actor=request_user(request), case=case)
    except AccessDenied:
        raise Http404 from None
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The dossier is archived and locked."))
    return _back(case)


@login_required
@require_safe
def export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The archive export of one case (ZIP, verifiable offline with standalone.py archive)."""
    case = case_get_for_user(request_user(request), pk)
    data = export.case_export(actor=request_user(request), case=case)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.export_name(case)}"'
    return response


@login_required
@require_POST
def consent_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(request_user(request), pk, need_write=True)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()))
        return _back(case)
    party = case.parties.filter(pk=form.cleaned_data.pop("party")).first()
    if party is None:
        raise Http404
    try:
        actions.consent_record(actor=request_user(request), case=case, party=party, **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The consent to electronic service is recorded."))
    return _back(case)


@login_required
@require_POST
def eservice_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a document electronically: the link and the access code are shown once, to be sent separately."""
    doc = _doc_for_user(request, pk)
    try:
        service, code = actions.eservice_create(actor=request_user(request), document=doc)
    except AccessDenied:
        raise Http404 from None
    except DomainError as exc:
        _refused(request, exc)
    else:
        link = request.build_absolute_uri(f"/d/s/{service.token}/")
        messages.success(
            request,
            _("Send the link %(link)s and, by another channel, the access code %(code)s. It is shown only now.")
            % {"link": link, "code": code},
        )
    return _back(doc.case)
