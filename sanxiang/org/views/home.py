"""The home page: what each role needs to see first."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sanxiang.org.access import Purpose, certificate_list_for_user, staff_list_for_user, unit_scope
from sanxiang.org.models import CertificateStatus
from sanxiang.org.permissions import Perm, has_perm, roles_of
from sanxiang.record.models import AuditEvent


def _roster_summary(request: HttpRequest) -> dict[str, int]:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=60)
    certs = certificate_list_for_user(request.user).aggregate(
        valid=Count("id", filter=Q(status=CertificateStatus.VALID, valid_to__gte=today)),
        expiring=Count("id", filter=Q(status=CertificateStatus.VALID, valid_to__gte=today, valid_to__lte=soon)),
        withheld=Count("id", filter=Q(status=CertificateStatus.WITHHELD)),
        expired=Count(
            "id", filter=Q(status=CertificateStatus.EXPIRED) | Q(status=CertificateStatus.VALID, valid_to__lt=today)
        ),
    )
    certs["staff"] = staff_list_for_user(request.user).filter(is_active=True).count()
    return certs


def _security_summary() -> dict[str, int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sanxiang.org.models import User

    now = timezone.now()
    active = User.objects.filter(is_active=True).exclude(username="system")
    return {
        "locked": active.filter(locked_until__gt=now).count(),
        "without_mfa": active.exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")).count(),
    }


def _audit_summary() -> dict[str, int]:
    since = timezone.now() - dt.timedelta(days=1)
    recent = AuditEvent.objects.filter(at__gte=since)
    return {
        "events_24h": recent.count(),
        "login_failures_24h": recent.filter(action="login.failure").count(),
        "lockouts_24h": recent.filter(action="account.lock").count(),
    }


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"roles": sorted(roles_of(request.user), key=str)}
    if not unit_scope(request.user, Purpose.ROSTER).is_empty:
        context["roster"] = _roster_summary(request)
    if has_perm(request.user, Perm.ACCOUNT_UNLOCK):
        context["security"] = _security_summary()
    if has_perm(request.user, Perm.AUDIT_READ):
        context["audit"] = _audit_summary()
    return render(request, "org/home.html", context)
