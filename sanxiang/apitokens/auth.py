"""The bearer-token check of the JSON API (``Authorization: Bearer sx_…``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from sanxiang.apitokens.actions import api_token_authenticate
from sanxiang.org.models import User


class BearerToken(HttpBearer):
    """Authenticate a request by its API token; the request then acts as the token's user.

    ``request.user`` is set too, so that the request audit
    (``record.middleware.AuditRequestMiddleware``) names who acted.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(plaintext=token)
        if user is not None:
            request.user = user
        return user


def request_actor(request: HttpRequest) -> User:
    """The user a token-authenticated request acts as (``BearerToken`` put it on the request)."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User), "the endpoint is authenticated by BearerToken"
    return user
