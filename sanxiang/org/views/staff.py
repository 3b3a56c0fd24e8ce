"""Scaffolding: every view here is replaced by its real implementation."""

from django.http import Http404, HttpRequest, HttpResponse


def staff_list_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_create_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_detail_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_edit_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_set_active_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_reset_password_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_roles_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_unlock_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def staff_mfa_reset_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def training_create_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
