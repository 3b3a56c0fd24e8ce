"""Scaffolding: replaced by the audit trail page."""

from django.http import Http404, HttpRequest, HttpResponse


def audit_list_view(request: HttpRequest) -> HttpResponse:
    raise Http404
