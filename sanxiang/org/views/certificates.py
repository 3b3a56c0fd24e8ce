"""Scaffolding: every view here is replaced by its real implementation."""

from django.http import Http404, HttpRequest, HttpResponse


def certificate_list_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def certificate_create_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def certificate_detail_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def certificate_edit_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def certificate_status_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def certificate_photo_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
