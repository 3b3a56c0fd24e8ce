"""Evidence pages: an item's facts and custody log, opening it (reason first, logged first), adding a small file.

Evidence bytes leave the platform only through ``evidence_download_view``:
after the access check (404 as for cases), after the reason is given, and
after the access entry is committed to the record log. Storage URLs are never
shown. Large recordings are uploaded through the resumable (tus) endpoint.
"""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sanxiang.cases.access import case_get_for_user, may_write_case
from sanxiang.cases.models import Case
from sanxiang.evidence import actions, blobstore, replay, selectors
from sanxiang.evidence.forms import AccessForm, EvidenceAddForm
from sanxiang.evidence.models import AccessAction, Evidence, EvidenceAccess
from sanxiang.lib.byteranges import Unsatisfiable, parse_range
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.forms.staff import add_domain_errors
from sanxiang.org.http import request_user
from sanxiang.org.models import User

#: Media types a browser may show in place; anything else (HTML, SVG, scripts...) is always a download.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "audio/mpeg",
        "audio/mp4",
        "audio/wav",
        "audio/ogg",
        "video/mp4",
        "video/webm",
        "video/ogg",
        "application/pdf",
        "text/plain",
    }
)


def digest_headers(sha256: str) -> dict[str, str]:
    """``ETag``, ``Digest`` (RFC 3230) and ``Repr-Digest`` (RFC 9530) of a file with this SHA-256."""
    b64 = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
    return {"ETag": f'"{sha256}"', "Digest": f"sha-256={b64}", "Repr-Digest": f"sha-256=:{b64}:"}


def _detail_context(user: User, evidence: Evidence, form: AccessForm) -> dict[str, Any]:
    case = evidence.case
    custody = selectors.may_see_custody(user, case)
    return {
        "evidence": evidence,
        "case": case,
        "form": form,
        "custody": list(selectors.custody_log(evidence)[:200]) if custody else None,
    }


@login_required
@require_safe
def evidence_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence item's facts, its hashes and (for those allowed) its chain of custody; no bytes."""
    user = request_user(request)
    evidence = selectors.evidence_get_for_user(user, pk)
    return render(request, "evidence/detail.html", _detail_context(user, evidence, AccessForm()))


def _serve(evidence: Evidence, action: str) -> FileResponse:
    sha256 = evidence.object_id
    handle = blobstore.blob_open(sha256)
    media_type = evidence.media_type or "application/octet-stream"
    inline = action == AccessAction.VIEW and media_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_name or sha256,
        content_type=media_type,
    )
    response["Content-Length"] = str(evidence.object.size)
    for header, value in digest_headers(sha256).items():
        response[header] = value
    response["Cache-Control"] = "private, no-store"
    # A stored file is never a page of this site: no scripts, no plugins, even when shown in place.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Ask the reason, record the access durably, then stream the file (fail-closed: no record, no bytes)."""
    user = request_user(request)
    evidence = selectors.evidence_get_for_user(user, pk)
    if request.method != "POST":
        return render(request, "evidence/access_form.html", _detail_context(user, evidence, AccessForm()))
    form = AccessForm(request.POST)
    status = 400
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            # durable=True: the access entry is committed before the first byte leaves.
            with transaction.atomic(durable=True):
                access = actions.evidence_access(
                    evidence=evidence, actor=user, action=action, reason=form.cleaned_data["reason"]
                )
        except DomainError as exc:
            add_domain_errors(form, exc)
        except DatabaseError:
            form.add_error(None, _("The access could not be recorded, so the file is not served. Try again later."))
            status = 503
        else:
            if action == AccessAction.VIEW and replay.is_replayable(evidence):
                return _player(request, user, evidence, access)
            try:
                return _serve(evidence, action)
            except FileNotFoundError:
                form.add_error(None, _("The file is missing from the evidence store: report it to the administrator."))
                status = 503
    return render(request, "evidence/access_form.html", _detail_context(user, evidence, form), status=status)


def _media_type(upload: Any) -> str:
    declared = str(getattr(upload, "content_type", "") or "")
    if actions.media_type_valid(declared):
        return declared
    return mimetypes.guess_type(str(upload.name))[0] or ""


def _add(user: User, case: Case, form: EvidenceAddForm) -> Evidence | None:
    """Check, store the file, record the item; a refusal goes onto the form and returns None."""
    data = form.cleaned_data
    upload = data["file"]
    fields: dict[str, Any] = {
        "case": case,
        "step": data["step"],
        "kind": data["kind"],
        "actor": user,
        "captured_at": data["captured_at"],
        "device_serial": data["device_serial"],
        "location": data["location"],
        "original_name": str(upload.name)[:255],
        "media_type": _media_type(upload),
        "description": data["description"],
    }
    try:
        actions.evidence_precheck(**fields)
        blob = blobstore.blob_put_stream(upload, expected_sha256=data["sha256"] or None)
        return actions.evidence_add(blob=blob, **fields)
    except blobstore.BlobMismatch as exc:
        form.add_error("sha256", exc.message)
    except DomainError as exc:
        add_domain_errors(form, exc, aliases={"original_name": "file", "media_type": "file"})
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add one small file as evidence of a step of the case (handlers and those above them)."""
    user = request_user(request)
    case = case_get_for_user(user, case_id, need_write=True)
    if request.method == "POST":
        form = EvidenceAddForm(request.POST, request.FILES, case=case)
        if form.is_valid() and (evidence := _add(user, case, form)) is not None:
            messages.success(request, _("The evidence is recorded."))
            return redirect("evidence:evidence_detail", pk=evidence.pk)
        return render(request, "evidence/add_form.html", {"case": case, "form": form}, status=400)
    form = EvidenceAddForm(case=case)
    return render(request, "evidence/add_form.html", {"case": case, "form": form})


def case_evidence_context(user: User, case: Case) -> dict[str, Any]:
    """The context ``evidence/_case_evidence.html`` needs (for the case page)."""
    return {
        "case": case,
        "evidence_list": selectors.evidence_for_case(case),
        "evidence_writable": may_write_case(user, case),
    }


def _player(request: HttpRequest, user: User, evidence: Evidence, access: EvidenceAccess) -> HttpResponse:
    """The player page of a recording: its source is a signed grant for ranged GETs (``evidence.replay``)."""
    context = _detail_context(user, evidence, AccessForm())
    context["stream_url"] = reverse("evidence:evidence_replay", args=[replay.grant_token(access)])
    context["replay_minutes"] = settings.EVIDENCE_REPLAY_MINUTES
    response = render(request, "evidence/player.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _ranged_headers(response: HttpResponseBase, evidence: Evidence, length: int) -> None:
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(length)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; media-src 'self'; sandbox"
    response["Content-Disposition"] = "inline"
    response["ETag"] = f'"{evidence.object_id}"'


@login_required
@require_safe
def evidence_replay_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """Serve a recording to its player, whole or one byte range at a time (206), under a grant from a recorded view.

    The grant must be authentic, unexpired and the requesting user's, and the
    user must still be allowed to read the item: otherwise 404, as for any
    evidence the user may not see.
    """
    user = request_user(request)
    grant = replay.grant_check(token, user)
    if grant is None:
        raise Http404
    evidence = selectors.evidence_get_for_user(user, grant.evidence_id)
    size = evidence.object.size
    try:
        byte_range = parse_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = (byte_range.first, byte_range.last) if byte_range else (0, size - 1)
    try:
        body = blobstore.blob_read_range(evidence.object_id, first, last) if size and request.method == "GET" else None
    except FileNotFoundError:
        return HttpResponse(_("The file is missing from the evidence store."), status=503)
    response = StreamingHttpResponse(
        body if body is not None else iter(()),
        status=206 if byte_range else 200,
        content_type=evidence.media_type or "application/octet-stream",
    )
    _ranged_headers(response, evidence, last - first + 1 if size else 0)
    if byte_range:
        response["Content-Range"] = byte_range.content_range
    return response
