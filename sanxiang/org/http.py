"""Helpers for views: the acting user, typed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from sanxiang.org.models import User


def request_user(request: HttpRequest) -> User:
    """Return the logged-in staff member (views are behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
