"""Read-only questions behind the certificate pages: filters, the shown status, status history.

The shown status (``CertificateBadge``) is computed from the stored status and
the dates, because a certificate whose validity ended is expired on the day
after ``valid_to`` even before ``certificates_expire_due`` has marked it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sanxiang.org.access import Purpose, staff_list_for_user, unit_scope
from sanxiang.org.models import Certificate, CertificateStatus, EnforcementCategory, Region, StaffKind, Unit, User
from sanxiang.record.models import AuditEvent

#: A valid certificate is shown as "expiring" this many days before ``valid_to``.
EXPIRING_DAYS = 60

CERTIFICATE_OBJECT_TYPE = Certificate._meta.label
STATUS_ACTION = "certificate.status"


class CertificateBadge(models.TextChoices):
    """The status shown on the pages; the value is also the CSS class of the badge."""

    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    WITHHELD = "withheld", _("Withheld")
    REVOKED = "revoked", _("Revoked")


def certificate_badge(cert: Certificate, today: dt.date) -> CertificateBadge:
    """Return the status to show: revoked and withheld as stored, else expired/expiring/valid by date."""
    if cert.status == CertificateStatus.REVOKED:
        return CertificateBadge.REVOKED
    if cert.status == CertificateStatus.WITHHELD:
        return CertificateBadge.WITHHELD
    if cert.status == CertificateStatus.EXPIRED or cert.valid_to < today:
        return CertificateBadge.EXPIRED
    if cert.valid_to <= today + dt.timedelta(days=EXPIRING_DAYS):
        return CertificateBadge.EXPIRING
    return CertificateBadge.VALID


def status_condition(status: str, today: dt.date) -> Q:
    """A filter matching the shown status ``status`` (an expired date counts as expired)."""
    expired_by_date = Q(status=CertificateStatus.VALID, valid_to__lt=today)
    if status == CertificateStatus.VALID:
        return Q(status=CertificateStatus.VALID, valid_to__gte=today)
    if status == CertificateStatus.EXPIRED:
        return Q(status=CertificateStatus.EXPIRED) | expired_by_date
    return Q(status=status)


def expiring_condition(days: int, today: dt.date) -> Q:
    """Valid certificates whose validity ends between today and ``days`` days from today."""
    return Q(status=CertificateStatus.VALID, valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=days))


def search_condition(text: str) -> Q:
    """Match the certificate number or the holder's full name or login name."""
    return Q(number__icontains=text) | Q(holder__full_name__icontains=text) | Q(holder__username__icontains=text)


def covering_region_condition(region: Region) -> Q:
    """Certificates that cover ``region``: listing it or one of the regions above it."""
    ids = [int(part) for part in region.path.strip("/").split("/") if part.isdigit()]
    holders = Certificate.regions.through.objects.filter(region_id__in=ids).values("certificate_id")
    return Q(pk__in=holders)


@dataclass(frozen=True)
class CertificateFilters:
    """The list's filters; ``None`` or empty means "do not filter on this"."""

    q: str = ""
    status: str = ""
    category: EnforcementCategory | None = None
    region: Region | None = None
    unit: Unit | None = None
    expiring: int | None = None


def certificate_filter(
    certs: QuerySet[Certificate], filters: CertificateFilters, today: dt.date
) -> QuerySet[Certificate]:
    """Narrow ``certs`` by ``filters``; each row appears once, with categories and regions prefetched."""
    condition = Q()
    if filters.q:
        condition &= search_condition(filters.q)
    if filters.status:
        condition &= status_condition(filters.status, today)
    if filters.category is not None:
        # One category per filter: the join yields each certificate at most once.
        condition &= Q(categories=filters.category)
    if filters.region is not None:
        condition &= covering_region_condition(filters.region)
    if filters.unit is not None:
        condition &= Q(holder__unit__path__startswith=filters.unit.path)
    if filters.expiring is not None:
        condition &= expiring_condition(filters.expiring, today)
    return certs.filter(condition).prefetch_related("categories", "regions")


def units_for_user(user: User) -> QuerySet[Unit]:
    """Units whose certificates ``user`` may list (for the unit filter's choices)."""
    scope = unit_scope(user, Purpose.ROSTER)
    if scope.all_units:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for path in scope.unit_paths:
        condition |= Q(path__startswith=path) if scope.subtree else Q(path=path)
    return Unit.objects.filter(condition)


@dataclass(frozen=True)
class StatusChange:
    at: dt.datetime
    actor: str
    old: str
    new: str
    reason: str


def _status_label(value: object) -> str:
    try:
        return str(CertificateStatus(str(value)).label)
    except ValueError:
        return str(value)


def certificate_status_history(cert: Certificate) -> list[StatusChange]:
    """The certificate's status changes from the audit trail, newest first."""
    events = AuditEvent.objects.filter(
        object_type=CERTIFICATE_OBJECT_TYPE, object_id=str(cert.pk), action=STATUS_ACTION
    ).order_by("-at", "-id")
    return [
        StatusChange(
            at=event.at,
            actor=event.actor_label,
            old=_status_label(event.detail.get("from", "")),
            new=_status_label(event.detail.get("to", "")),
            reason=str(event.detail.get("reason", "")),
        )
        for event in events
    ]


def certificate_holder_choices(user: User) -> QuerySet[User]:
    """Staff ``user`` may record a certificate for: active established staff within their scope."""
    return staff_list_for_user(user).filter(staff_kind=StaffKind.ESTABLISHED, is_active=True)
