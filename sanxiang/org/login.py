"""Login security actions (RULES.md §11, §13.20; GB/T 22239-2019 L3 身份鉴别).

- Passwords are checked against argon2 hashes (settings.PASSWORD_HASHERS).
- ``LOCKOUT_THRESHOLD`` consecutive failures (password or second factor) lock
  the account for ``LOCKOUT_MINUTES``; a security administrator may unlock.
- The second factor is TOTP (RFC 6238) through django-otp; it is required of
  every staff account unless ``MFA_REQUIRED`` is switched off (demo only).
- Every login, logout, failure, lockout, unlock and factor change is audited.

A failure is committed before the refusal is raised: the counter must count
even though the login fails.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.lib.exceptions import AccessDenied, DomainError
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, is_system, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

# A hash computed for unknown users, so that a wrong name costs as long as a wrong password.
_DUMMY = User(username="-")


class LoginRefused(DomainError):
    """The login attempt is refused; the message is safe to show."""


def _bad_credentials() -> LoginRefused:
    return LoginRefused(_("The login name or password is not correct."))


def _locked_message(user: User) -> LoginRefused:
    assert user.locked_until is not None
    until = formats.date_format(timezone.localtime(user.locked_until), "Y-m-d H:i")
    return LoginRefused(_("This account is locked after too many failed attempts, until %(t)s.") % {"t": until})


def _register_failure(user: User, *, step: str) -> User:
    """Count one failure, lock the account at the threshold; commits on its own."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count", "locked_until"])
        audit_record(
            actor=user,
            action="login.failure",
            category=AuditCategory.AUTH,
            outcome=AuditOutcome.FAILURE,
            detail={"step": step},
        )
        if user.failed_login_count >= settings.LOCKOUT_THRESHOLD:
            user.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
            user.failed_login_count = 0
            user.save(update_fields=["locked_until", "failed_login_count"])
            audit_record(
                actor=user,
                action="account.lock",
                category=AuditCategory.SECURITY,
                outcome=AuditOutcome.DENIED,
                detail={"until": user.locked_until.isoformat(), "minutes": settings.LOCKOUT_MINUTES},
            )
    return user


def login_check_password(*, username: str, password: str) -> User:
    """Return the user when name and password are right and the account may log in; else raise."""
    user = User.objects.filter(username=username.strip()).first()
    if user is None or not user.is_active or is_system(user) or not user.has_usable_password():
        _DUMMY.set_password(password)
        with transaction.atomic():
            audit_record(
                actor=None,
                actor_label=username.strip()[:150],
                action="login.failure",
                category=AuditCategory.AUTH,
                outcome=AuditOutcome.FAILURE,
                detail={"step": "password", "reason": "unknown_or_disabled"},
            )
        raise _bad_credentials()
    if user.is_locked():
        with transaction.atomic():
            audit_record(actor=user, action="login.locked", category=AuditCategory.AUTH, outcome=AuditOutcome.DENIED)
        raise _locked_message(user)
    if not user.check_password(password):
        _register_failure(user, step="password")
        raise _locked_message(user) if user.is_locked() else _bad_credentials()
    return user


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def mfa_needed(user: User) -> bool:
    """True when the user must pass a second factor: required by setting, or enrolled anyway."""
    return settings.MFA_REQUIRED or confirmed_totp_device(user) is not None


def login_verify_totp(*, user: User, token: str) -> TOTPDevice:
    """Check a TOTP code of the user's confirmed device; a wrong code counts as a failed login."""
    if user.is_locked():
        raise _locked_message(user)
    device = confirmed_totp_device(user)
    if device is None or not token.strip().isdigit() or not device.verify_token(token.strip()):
        _register_failure(user, step="totp")
        if user.is_locked():
            raise _locked_message(user)
        raise LoginRefused(_("The verification code is not correct."))
    return device


@transaction.atomic
def login_succeeded(*, user: User, method: str) -> User:
    """Reset the failure counter and audit a successful login (``method``: password or password+totp)."""
    user.failed_login_count = 0
    user.last_login = timezone.now()
    user.save(update_fields=["failed_login_count", "last_login"])
    audit_record(actor=user, action="login.success", category=AuditCategory.AUTH, detail={"method": method})
    return user


@transaction.atomic
def logout_record(*, user: User, reason: str) -> None:
    """Audit the end of a session: ``logout`` by the user, ``idle_timeout`` or ``mfa_missing`` by the platform."""
    audit_record(actor=user, action=f"session.{reason}", category=AuditCategory.AUTH)


@transaction.atomic
def totp_enroll_start(*, user: User) -> TOTPDevice:
    """Create a fresh unconfirmed TOTP device for ``user`` (dropping earlier unconfirmed ones)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def totp_enroll_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; replaces an earlier confirmed device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise LoginRefused(_("Start the set-up again."))
    if not token.strip().isdigit() or not device.verify_token(token.strip()):
        audit_record(actor=user, action="mfa.enroll", category=AuditCategory.SECURITY, outcome=AuditOutcome.FAILURE)
        raise LoginRefused(_("The verification code is not correct."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="mfa.enroll", category=AuditCategory.SECURITY)
    return device


def _refuse_self(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise AccessDenied(_("You cannot change the security state of your own account."))


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> User:
    """A security administrator lifts a lockout (never their own: separation of duties)."""
    require_perm(actor, Perm.ACCOUNT_UNLOCK)
    _refuse_self(actor, user)
    user.locked_until = None
    user.failed_login_count = 0
    user.save(update_fields=["locked_until", "failed_login_count"])
    audit_record(actor=actor, action="account.unlock", category=AuditCategory.SECURITY, obj=user)
    return user


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> None:
    """A security administrator removes a user's second factor (lost phone); the user enrols again."""
    require_perm(actor, Perm.ACCOUNT_UNLOCK)
    _refuse_self(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="mfa.reset", category=AuditCategory.SECURITY, obj=user)
