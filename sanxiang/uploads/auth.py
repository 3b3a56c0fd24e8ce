"""Who sends a tus request: a bearer token (machines: the camera dock, the mobile app) or the web session.

A token request needs no CSRF token (no cookie is involved); a session
request does (the ``X-CSRFToken`` header), and its session must have passed
the second factor, as everywhere in the internal UI.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _

from sanxiang.apitokens.actions import api_token_authenticate
from sanxiang.org.models import User
from sanxiang.uploads.protocol import TusError

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sanxiang"'}


def _unauthenticated() -> TusError:
    return TusError(401, _("Log in, or send Authorization: Bearer with a valid API token."), _CHALLENGE)


def _bearer_user(request: HttpRequest, header: str) -> User:
    scheme, _sep, token = header.partition(" ")
    user = api_token_authenticate(plaintext=token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise _unauthenticated()
    request.user = user  # the request audit names who acted
    return user


def _check_csrf(request: HttpRequest) -> None:
    # The same check as Django's middleware (the protocol view is exempt from it because of the token case).
    refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]
    if refused is not None:
        raise TusError(403, _("The CSRF check failed: send the X-CSRFToken header of the page."))


def protocol_user(request: HttpRequest) -> User:
    """The user a tus request acts as; 401 without valid credentials, 403 without the CSRF header of a session."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is not None:
        return _bearer_user(request, header)
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise _unauthenticated()
    if settings.MFA_REQUIRED and not user.is_verified():  # type: ignore[attr-defined]
        raise _unauthenticated()
    _check_csrf(request)
    return user
