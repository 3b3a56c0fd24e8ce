"""Scaffolding: every view here is replaced by its real implementation."""

from django.http import Http404, HttpRequest, HttpResponse


def roster_export_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def roster_template_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def roster_import_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
