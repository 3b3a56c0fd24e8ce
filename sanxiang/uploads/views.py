"""The tus 1.0.0 endpoint (core, creation, expiration, checksum, termination) and the uploader page.

Plain Django views, not the JSON API: a PATCH body is streamed from the
request in 1 MiB reads (``request.read``), never through ``request.body``
(which would hold the whole chunk in memory and is capped by
``DATA_UPLOAD_MAX_MEMORY_SIZE``). Every refusal is a plain-text sentence
saying why, with the status the protocol prescribes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_safe

from sanxiang.cases.access import case_get_for_user
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.uploads import actions
from sanxiang.uploads.auth import protocol_user
from sanxiang.uploads.models import Upload, UploadStatus
from sanxiang.uploads.protocol import (
    CHECKSUM_ALGORITHMS,
    EXTENSIONS,
    PATCH_CONTENT_TYPE,
    TUS_VERSION,
    TusError,
    encode_metadata,
    parse_checksum,
    parse_length,
    parse_metadata,
)
from sanxiang.uploads.selectors import upload_get_for_user

_REASONS = {460: "Checksum Mismatch"}

Handler = Callable[..., HttpResponse]


def _response(status: int, headers: dict[str, str] | None = None, text: str = "") -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8", reason=_REASONS.get(status))
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _options() -> HttpResponse:
    return _response(
        204,
        {
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": ",".join(EXTENSIONS),
            "Tus-Max-Size": str(settings.UPLOAD_MAX_SIZE),
            "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
        },
    )


def _method(request: HttpRequest) -> str:
    method = (request.method or "").upper()
    override = request.META.get("HTTP_X_HTTP_METHOD_OVERRIDE")
    return override.strip().upper() if method == "POST" and override else method


def _protocol(handlers: dict[str, Handler]) -> Callable[..., HttpResponse]:
    """A view answering OPTIONS itself and dispatching the other methods after the version and the credentials."""

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: uuid.UUID) -> HttpResponse:
        method = _method(request)
        if method == "OPTIONS":
            return _options()
        try:
            if request.META.get("HTTP_TUS_RESUMABLE") != TUS_VERSION:
                raise TusError(
                    412, _("Send the header Tus-Resumable: %(v)s.") % {"v": TUS_VERSION}, {"Tus-Version": TUS_VERSION}
                )
            handler = handlers.get(method)
            if handler is None:
                allowed = ", ".join(["OPTIONS", *handlers])
                raise TusError(405, _("Allowed methods: %(allowed)s.") % {"allowed": allowed}, {"Allow": allowed})
            return handler(request, protocol_user(request), **kwargs)
        except TusError as exc:
            return _response(exc.status, exc.headers, "" if method == "HEAD" else exc.message + "\n")
        except DomainError as exc:
            return _response(409, None, "" if method == "HEAD" else exc.message + "\n")

    return view


def _expires(upload: Upload) -> dict[str, str]:
    if upload.status != UploadStatus.ACTIVE:
        return {}
    return {"Upload-Expires": http_date(upload.expires_at.timestamp())}


def _result(upload: Upload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), **_expires(upload)}
    if upload.sha256:
        headers["Sanxiang-Sha256"] = upload.sha256
    if upload.evidence_id is not None:
        headers["Sanxiang-Evidence"] = str(upload.evidence_id)
    return headers


def _create(request: HttpRequest, user: User) -> HttpResponse:
    if request.META.get("HTTP_UPLOAD_DEFER_LENGTH") is not None:
        raise TusError(400, _("Upload-Defer-Length is not supported: send Upload-Length."))
    if (request.META.get("CONTENT_LENGTH") or "0").strip() != "0":
        raise TusError(400, _("Send the file with PATCH requests after creating the upload; a creation has no body."))
    length = parse_length(request.META.get("HTTP_UPLOAD_LENGTH"), "Upload-Length")
    metadata = parse_metadata(request.META.get("HTTP_UPLOAD_METADATA"))
    upload = actions.upload_create(actor=user, length=length, metadata=metadata)
    location = request.build_absolute_uri(reverse("uploads_tus_upload", kwargs={"upload_id": upload.id}))
    return _response(201, {"Location": location, **_result(upload)})


def _head(request: HttpRequest, user: User, upload_id: uuid.UUID) -> HttpResponse:
    upload = upload_get_for_user(user, upload_id)
    actions.upload_check_open(upload)
    headers = {"Upload-Length": str(upload.length), **_result(upload)}
    if upload.metadata:
        headers["Upload-Metadata"] = encode_metadata(upload.metadata)
    return _response(200, headers)


def _content_length(request: HttpRequest) -> int:
    raw = request.META.get("CONTENT_LENGTH")
    if raw:
        return parse_length(raw, "Content-Length")
    # No length and no Transfer-Encoding is an empty body (HTTP/1.1); a chunked body cannot be
    # bounded before it is read (Django's request stream reads nothing without a length).
    if request.META.get("HTTP_TRANSFER_ENCODING"):
        raise TusError(411, _("Send the Content-Length header with each chunk."))
    return 0


def _patch(request: HttpRequest, user: User, upload_id: uuid.UUID) -> HttpResponse:
    if request.content_type != PATCH_CONTENT_TYPE:
        raise TusError(415, _("A chunk must be sent as Content-Type: %(type)s.") % {"type": PATCH_CONTENT_TYPE})
    offset = parse_length(request.META.get("HTTP_UPLOAD_OFFSET"), "Upload-Offset")
    count = _content_length(request)
    checksum = parse_checksum(request.META.get("HTTP_UPLOAD_CHECKSUM"))
    upload = actions.upload_append(
        actor=user, upload_id=upload_id, offset=offset, read=request.read, count=count, checksum=checksum
    )
    return _response(204, _result(upload))


def _delete(request: HttpRequest, user: User, upload_id: uuid.UUID) -> HttpResponse:
    actions.upload_terminate(actor=user, upload_id=upload_id)
    return _response(204)


tus_collection_view = _protocol({"POST": _create})
tus_upload_view = _protocol({"HEAD": _head, "PATCH": _patch, "DELETE": _delete})


@login_required
@require_safe
@ensure_csrf_cookie
def case_uploader_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """A page with the uploader for one case (the case page includes the same partial)."""
    case = case_get_for_user(request_user(request), case_id, need_write=True)
    return render(request, "uploads/case_uploader.html", {"case": case})
