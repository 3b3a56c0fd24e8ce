"""Public pages (no login): the verification page a document's QR code opens, and electronic service links."""

from __future__ import annotations

import hashlib

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from sanxiang.documents import actions, selectors
from sanxiang.documents.models import ElectronicService
from sanxiang.evidence.blobstore import blob_open
from sanxiang.lib.exceptions import ValidationFailed

CHUNK = 1 << 16


class CheckForm(forms.Form):
    file = forms.FileField(label=_("PDF file to compare"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Access code"), max_length=12)


def _sha256(upload: forms.Field) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks(CHUNK):  # type: ignore[attr-defined]
        digest.update(chunk)
    return digest.hexdigest()


@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Type, number, date, issuer, SHA-256 and its inclusion proof; an uploaded PDF is compared byte for byte."""
    doc = selectors.document_by_public_id(public_id)
    if doc is None:
        raise Http404
    form = CheckForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        uploaded = _sha256(form.cleaned_data["file"])
        result = {"identical": uploaded == doc.sha256, "sha256": uploaded}
    voided = hasattr(doc, "voided")
    context = {
        "doc": doc, "form": form, "result": result, "proof": selectors.inclusion_for(doc), "voided": voided,
        "corrected": doc.corrections.exists(),
    }  # fmt: skip
    return render(request, "documents/public/verify.html", context, status=200)


def proof_view(request: HttpRequest, public_id: str) -> JsonResponse:
    """The inclusion bundle (``sanxiang-inclusion/1``) for ``standalone.py inclusion``."""
    doc = selectors.document_by_public_id(public_id)
    proof = selectors.inclusion_for(doc) if doc else None
    if proof is None:
        raise Http404
    return JsonResponse(proof["bundle"], json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "POST"])
def service_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """Electronic service: with the access code sent separately, the party opens the document; it is logged."""
    service = get_object_or_404(ElectronicService.objects.select_related("document"), token=token)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.eservice_open(
                service=service, code=form.cleaned_data["code"], client=request.META.get("HTTP_USER_AGENT", "")
            )
        except ValidationFailed as exc:
            form.add_error("code", exc.message)
        else:
            doc = service.document
            name = f"{doc.title}{doc.number}.pdf"
            return FileResponse(
                blob_open(doc.sha256), as_attachment=True, filename=name, content_type="application/pdf"
            )
    return render(request, "documents/public/service.html", {"service": service, "form": form})
