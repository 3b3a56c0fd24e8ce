"""Session security: idle timeout, the second factor, and forced password change."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sanxiang.org.login import logout_record

LAST_SEEN_KEY = "sanxiang_last_seen"
_OPEN_PREFIXES = ("/static/", "/login/", "/logout/", "/i18n/")


class SessionSecurityMiddleware:
    """Ends idle sessions and sessions without the second factor; sends expired passwords to the change page.

    Idle timeout is the GB/T 22239 "auto-logout on connection timeout"; the
    factor check is defence in depth behind the login view, which only logs a
    user in after the second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - float(last_seen) > settings.SESSION_IDLE_MINUTES * 60:
            return self._end(request, "idle_timeout", _("You were logged out after a period without activity."))
        if settings.MFA_REQUIRED and not user.is_verified():  # type: ignore[attr-defined]
            return self._end(request, "mfa_missing", _("Log in again with your verification code."))
        request.session[LAST_SEEN_KEY] = now
        change_url = reverse("password_change")
        if user.password_expired() and request.path != change_url and not request.path.startswith(_OPEN_PREFIXES):
            messages.warning(request, _("Your password has expired or must be changed: choose a new one."))
            return redirect(change_url)
        return self.get_response(request)

    def _end(self, request: HttpRequest, reason: str, message: str) -> HttpResponse:
        user = request.user
        logout_record(user=user, reason=reason)  # type: ignore[arg-type]
        logout(request)
        messages.info(request, message)
        login_url = reverse("login")
        if request.method == "GET" and not request.path.startswith(_OPEN_PREFIXES):
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login_url)
