"""Issuing, revoking and checking API tokens; every issue, revocation and refused token is audited.

A token reads ``sx_<prefix>_<secret>``: ``prefix`` (8 hex digits) names the
row, ``secret`` is 32 random bytes (URL-safe base64). The database keeps the
SHA-256 digest of the whole token, never the token itself, and compares it
with ``hmac.compare_digest``.

Issuing and revoking belong to the security administrator (``Perm.ROLE_GRANT``):
a token hands a user's roles to a machine, which is the same decision as
granting a role. The system actor (the ``sanxiang api_token`` command) may
do both as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.apitokens.models import ApiToken
from sanxiang.lib.exceptions import AccessDenied
from sanxiang.lib.validation import clean_or_fail, field_error
from sanxiang.org.models import ADMIN_ROLES, RoleGrant, User
from sanxiang.org.permissions import Perm, is_system, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

#: The longest validity of a token: a leaked token must die on its own within a year.
MAX_LIFETIME_DAYS = 366
#: ``last_used_at`` is written at most once per this period, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

TOKEN_RE = re.compile(r"^sx_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")


def token_digest(plaintext: str) -> str:
    """The stored form of a token: its SHA-256 digest in hexadecimal."""
    return hashlib.sha256(plaintext.encode("ascii")).hexdigest()


def _new_plaintext() -> tuple[str, str]:
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix, f"sx_{prefix}_{secrets.token_urlsafe(32)}"


def _check_holder(actor: User, user: User) -> None:
    if is_system(user) or not user.is_active:
        raise field_error("user", _("A token can act only as an active staff member."))
    if user.pk == actor.pk:
        raise AccessDenied(_("You cannot issue a token for yourself."))
    # Administrators work only through the interactive login with its second
    # factor (GB/T 22239-2019 8.1.4.1); a bearer token has no second factor.
    roles = set(RoleGrant.objects.filter(user=user, revoked_at__isnull=True).values_list("role", flat=True))
    if roles & {str(r) for r in ADMIN_ROLES}:
        raise field_error("user", _("An administrator's account cannot have API tokens."))


def _check_expiry(expires_on: dt.date) -> None:
    today = timezone.localdate()
    if expires_on < today:
        raise field_error("expires_on", _("The last day of validity cannot be in the past."))
    if expires_on > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise field_error("expires_on", _("A token is valid for at most %(days)s days.") % {"days": MAX_LIFETIME_DAYS})


@transaction.atomic
def api_token_issue(*, actor: User, user: User, name: str, expires_on: dt.date) -> tuple[ApiToken, str]:
    """Issue a token acting as ``user`` until the end of ``expires_on``; return it with its plaintext.

    The plaintext is returned once and stored nowhere: the caller shows it to
    the person who installs it in the client.
    """
    require_perm(actor, Perm.ROLE_GRANT)
    _check_holder(actor, user)
    _check_expiry(expires_on)
    prefix, plaintext = _new_plaintext()
    token = ApiToken(
        name=name.strip(),
        user=user,
        prefix=prefix,
        digest=token_digest(plaintext),
        created_by=actor,
        expires_on=expires_on,
    )
    clean_or_fail(token)
    token.save()
    audit_record(
        actor=actor,
        action="api_token.issue",
        category=AuditCategory.SECURITY,
        obj=token,
        detail={"user": user.username, "expires_on": expires_on.isoformat()},
    )
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke ``token``: it is refused from the next request on (the row stays as history)."""
    require_perm(actor, Perm.ROLE_GRANT)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise field_error("token", _("The token is already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        category=AuditCategory.SECURITY,
        obj=token,
        detail={"user": token.user.username},
    )
    return token


def _refusal(token: ApiToken | None, now: dt.datetime) -> str:
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if token.is_expired(timezone.localdate(now)):
        return "expired"
    if not token.user.is_active:
        return "account_disabled"
    return ""


def _find(plaintext: str) -> tuple[ApiToken | None, str]:
    match = TOKEN_RE.match(plaintext)
    if match is None:
        return None, ""
    token = ApiToken.objects.select_related("user").filter(prefix=match["prefix"]).first()
    # Compare even when no row matched, so that a wrong prefix costs as long as a wrong secret.
    stored = token.digest if token is not None else "0" * 64
    if not hmac.compare_digest(stored, token_digest(plaintext)):
        return None, match["prefix"]
    return token, match["prefix"]


@transaction.atomic
def api_token_authenticate(*, plaintext: str) -> User | None:
    """Return the user that ``plaintext`` acts as, or None (audited) when the token is not valid now.

    1. Check the shape, find the row by its prefix, compare the digests.
    2. Refuse a revoked or expired token, or one whose account is disabled.
    3. Note the use (at most once a minute) and return a fresh user, whose
       roles are read again on this request.
    """
    now = timezone.now()
    token, prefix = _find(plaintext)
    reason = "malformed" if token is None and not prefix else _refusal(token, now)
    if reason:
        audit_record(
            actor=token.user if token is not None else None,
            action="api_token.refused",
            category=AuditCategory.AUTH,
            outcome=AuditOutcome.DENIED,
            detail={"reason": reason, "prefix": prefix},
        )
        return None
    assert token is not None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
