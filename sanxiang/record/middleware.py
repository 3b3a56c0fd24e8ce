"""Request context and the audit of every request that changes data."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.ipv6 import clean_ipv6_address

from sanxiang.record import context
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def client_ip(request: HttpRequest) -> str | None:
    """Return the client address; behind a proxy, the one the proxy saw (REMOTE_ADDR set by it)."""
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        return None
    # The form GenericIPAddressField stores (Django's IPv6 normalisation), so a row's logged commitment matches it.
    return clean_ipv6_address(raw) if ":" in raw else raw


class RequestContextMiddleware:
    """Make the request id, client IP and user agent available to the domain layer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = context.RequestContext(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            channel="api" if request.path.startswith("/api/") else "web",
        )
        token = context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-Id"] = ctx.request_id
        return response


class AuditRequestMiddleware:
    """Record every data-changing request with its outcome (the status code).

    The body is never stored (it may hold passwords); the domain actions write
    their own rows with what changed, linked by the request id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in _SAFE_METHODS:
            user = getattr(request, "user", None)
            status = response.status_code
            audit_record(
                actor=user if user is not None and user.is_authenticated else None,
                action="request",
                category=AuditCategory.REQUEST,
                outcome=AuditOutcome.SUCCESS
                if status < 400
                else (AuditOutcome.DENIED if status in (401, 403, 404) else AuditOutcome.FAILURE),
                detail={"method": request.method, "path": request.path[:300], "status": status},
            )
        return response
