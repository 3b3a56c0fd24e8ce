"""Questions about API tokens, answered without side effects."""

from __future__ import annotations

from django.db.models import QuerySet

from sanxiang.apitokens.models import ApiToken
from sanxiang.org.models import User


def api_token_list(*, user: User | None = None, include_revoked: bool = False) -> QuerySet[ApiToken]:
    """Tokens, newest first: of ``user`` (or everyone's), without the revoked ones unless asked."""
    tokens = ApiToken.objects.select_related("user", "created_by")
    if user is not None:
        tokens = tokens.filter(user=user)
    if not include_revoked:
        tokens = tokens.filter(revoked_at__isnull=True)
    return tokens
