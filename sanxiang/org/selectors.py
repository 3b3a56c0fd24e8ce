"""Questions about the organisation, answered without side effects."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from sanxiang.org.models import (
    Certificate,
    CertificateStatus,
    EnforcementCategory,
    Region,
    StaffKind,
    User,
)
from sanxiang.org.permissions import SYSTEM_USERNAME


class EnforcementAct(enum.StrEnum):
    """Acts that only a certified officer may carry out (APL Art. 42, 52, 55; AEL Art. 18)."""

    INVESTIGATE = "investigate"  # 调查取证
    INSPECT = "inspect"  # 行政检查
    COMPULSORY_MEASURE = "compulsory_measure"  # 查封、扣押
    ON_THE_SPOT_PENALTY = "on_the_spot_penalty"  # 当场处罚
    HEARING = "hearing"  # 听证 (appearing for the investigators)
    SERVE = "serve"  # 送达
    EXECUTE = "execute"  # 强制执行


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


@dataclass(frozen=True)
class Qualification:
    """The answer of ``officer_qualification``: allowed, or refused with every reason."""

    allowed: bool
    certificate: Certificate | None = None
    refusals: tuple[Refusal, ...] = field(default_factory=tuple)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.refusals)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.message for r in self.refusals)


def required_inspection_year(cert: Certificate, on: dt.date) -> int | None:
    """Return the annual-inspection year that ``cert`` must have passed by ``on``, or None.

    The previous year's inspection is due by the end of the month set in
    ``CERT_ANNUAL_INSPECTION_DUE_MONTH`` (the Jilin calendar is UNCONFIRMED,
    RULES.md §15.9); before then the year before that counts. A certificate
    issued after the required year needs no inspection yet.
    """
    if not settings.CERT_REQUIRE_ANNUAL_INSPECTION:
        return None
    due_month: int = settings.CERT_ANNUAL_INSPECTION_DUE_MONTH
    required = on.year - 1 if on.month > due_month else on.year - 2
    return required if cert.valid_from.year <= required else None


def _region_covered(cert_regions: list[Region], region: Region) -> bool:
    return any(region.path.startswith(r.path) for r in cert_regions)


def certificate_problems(
    cert: Certificate, *, category: EnforcementCategory, region: Region, on: dt.date
) -> list[Refusal]:
    """List why ``cert`` does not cover ``category`` in ``region`` on ``on`` (empty: it does)."""
    problems: list[Refusal] = []
    number = cert.number
    if cert.status == CertificateStatus.WITHHELD:
        problems.append(Refusal("withheld", _("Certificate %(n)s is withheld.") % {"n": number}))
    elif cert.status == CertificateStatus.REVOKED:
        problems.append(Refusal("revoked", _("Certificate %(n)s is revoked.") % {"n": number}))
    if cert.status == CertificateStatus.EXPIRED or on > cert.valid_to:
        problems.append(
            Refusal("expired", _("Certificate %(n)s expired on %(d)s.") % {"n": number, "d": cert.valid_to.isoformat()})
        )
    if on < cert.valid_from:
        problems.append(
            Refusal(
                "not_yet_valid",
                _("Certificate %(n)s is valid only from %(d)s.") % {"n": number, "d": cert.valid_from.isoformat()},
            )
        )
    year = required_inspection_year(cert, on)
    if year is not None and (cert.annual_inspection_year or 0) < year:
        problems.append(
            Refusal(
                "annual_inspection",
                _("Certificate %(n)s has not passed the annual inspection for %(y)s.") % {"n": number, "y": year},
            )
        )
    if category.pk not in {c.pk for c in cert.categories.all()}:
        problems.append(
            Refusal(
                "category",
                _("Certificate %(n)s does not cover the category %(c)s.") % {"n": number, "c": category.name},
            )
        )
    if not _region_covered(list(cert.regions.all()), region):
        problems.append(
            Refusal("region", _("Certificate %(n)s does not cover the region %(r)s.") % {"n": number, "r": region.name})
        )
    return problems


def officer_qualification(
    user: User,
    *,
    act: EnforcementAct,
    category: EnforcementCategory,
    region: Region,
    on: dt.date,
) -> Qualification:
    """May ``user`` carry out ``act`` in ``category`` and ``region`` on ``on``? (RULES.md §13.1)

    1. The account must be active and belong to established staff: auxiliaries
       (协管) and contract staff never enforce, whatever papers they hold.
    2. At least one of the user's certificates must have no problem (status,
       validity dates, annual inspection, category, region).
    3. When none qualifies, the reasons of the closest certificate (fewest
       problems) are returned, so the person sees what to fix.

    ``act`` names the act in the refusal; every act in ``EnforcementAct``
    requires a certificate.
    """
    if not user.is_active:
        return Qualification(
            False, refusals=(Refusal("inactive", _("The account of %(u)s is disabled.") % {"u": user.full_name}),)
        )
    if user.staff_kind == StaffKind.AUXILIARY:
        return Qualification(
            False,
            refusals=(
                Refusal(
                    "auxiliary",
                    _("%(u)s is an auxiliary and may not carry out enforcement acts.") % {"u": user.full_name},
                ),
            ),
        )
    if user.staff_kind != StaffKind.ESTABLISHED:
        return Qualification(
            False,
            refusals=(
                Refusal(
                    "not_established",
                    _("%(u)s is not established staff and may not hold a certificate.") % {"u": user.full_name},
                ),
            ),
        )
    certificates = list(user.certificates.prefetch_related("categories", "regions").order_by("-valid_to"))
    if not certificates:
        return Qualification(
            False,
            refusals=(Refusal("no_certificate", _("%(u)s holds no enforcement certificate.") % {"u": user.full_name}),),
        )
    best: list[Refusal] | None = None
    for cert in certificates:
        problems = certificate_problems(cert, category=category, region=region, on=on)
        if not problems:
            return Qualification(True, certificate=cert)
        if best is None or len(problems) < len(best):
            best = problems
    assert best is not None
    return Qualification(False, refusals=tuple(best))


def system_user() -> User:
    """Return the system actor for automated steps (no password, cannot log in)."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "full_name": "系统",
            "staff_kind": StaffKind.CONTRACT,
            "is_active": False,
            "must_change_password": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def valid_certificate_count(*, on: dt.date) -> int:
    """Count certificates usable on ``on`` by status and dates (for dashboards)."""
    return Certificate.objects.filter(status=CertificateStatus.VALID, valid_from__lte=on, valid_to__gte=on).count()
