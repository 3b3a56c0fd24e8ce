"""Every write to the organisation goes through these functions.

Each action takes keyword-only arguments with a required ``actor``, checks
the actor's permission and the domain rules, validates with ``full_clean``,
saves, and appends an audit row, all in one transaction. Refusals raise a
``DomainError`` whose message is shown to the person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.lib.idnumbers import credit_code_problem
from sanxiang.lib.validation import clean_or_fail, field_error
from sanxiang.org.models import (
    ADMIN_ROLES,
    Agency,
    Certificate,
    CertificateStatus,
    EnforcementCategory,
    Region,
    Role,
    RoleGrant,
    StaffKind,
    TrainingKind,
    TrainingRecord,
    Unit,
    UnitKind,
    User,
)
from sanxiang.org.permissions import SYSTEM_USERNAME, Perm, forget_roles, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,64}$")

STAFF_FIELDS = (
    "full_name",
    "employee_no",
    "unit",
    "position",
    "staff_kind",
    "phone",
    "has_legal_qualification",
    "legal_qualification_no",
)
CERTIFICATE_FIELDS = ("issuing_authority", "valid_from", "valid_to", "annual_inspection_year")


_clean = clean_or_fail
_fail = field_error


# --- Agency, units, regions, categories -------------------------------------------------


@transaction.atomic
def agency_create(*, actor: User, name: str, credit_code: str, **fields: Any) -> Agency:
    """Create the enforcement body; its credit code must carry a valid check character."""
    require_perm(actor, Perm.STAFF_MANAGE)
    code = credit_code.strip().upper()
    if credit_code_problem(code) is not None:
        raise _fail("credit_code", _("The unified social credit code is not valid."))
    agency = Agency(name=name, credit_code=code, **fields)
    _clean(agency)
    agency.save()
    audit_record(actor=actor, action="agency.create", category=AuditCategory.DATA, obj=agency)
    return agency


def _tree_path(parent: Unit | Region | None, pk: int) -> str:
    return f"{parent.path if parent else '/'}{pk}/"


@transaction.atomic
def unit_create(
    *,
    actor: User,
    agency: Agency,
    name: str,
    kind: UnitKind,
    code: str,
    parent: Unit | None = None,
    sort_order: int = 0,
) -> Unit:
    """Create a unit under ``parent`` (or at the top of the agency's tree)."""
    require_perm(actor, Perm.STAFF_MANAGE)
    if parent is not None and parent.agency_id != agency.pk:
        raise _fail("parent", _("The parent unit belongs to another agency."))
    unit = Unit(agency=agency, parent=parent, name=name, kind=kind, code=code, sort_order=sort_order, path="/")
    _clean(unit, exclude=["path"])
    unit.save()
    unit.path = _tree_path(parent, unit.pk)
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="unit.create", category=AuditCategory.DATA, obj=unit)
    return unit


@transaction.atomic
def region_create(*, actor: User, code: str, name: str, parent: Region | None = None) -> Region:
    """Create an enforcement region under ``parent``."""
    require_perm(actor, Perm.CERTIFICATE_MANAGE)
    region = Region(code=code, name=name, parent=parent, path="/")
    _clean(region, exclude=["path"])
    region.save()
    region.path = _tree_path(parent, region.pk)
    region.save(update_fields=["path"])
    audit_record(actor=actor, action="region.create", category=AuditCategory.DATA, obj=region)
    return region


@transaction.atomic
def category_create(*, actor: User, code: str, name: str) -> EnforcementCategory:
    """Create an enforcement category."""
    require_perm(actor, Perm.CERTIFICATE_MANAGE)
    category = EnforcementCategory(code=code, name=name)
    _clean(category)
    category.save()
    audit_record(actor=actor, action="category.create", category=AuditCategory.DATA, obj=category)
    return category


# --- Staff accounts -------------------------------------------------------------------------


def _check_staff_rules(staff: User) -> None:
    if staff.employee_no and User.objects.filter(employee_no=staff.employee_no).exclude(pk=staff.pk).exists():
        raise _fail("employee_no", _("Another staff member has this employee number."))
    if staff.has_legal_qualification and not staff.legal_qualification_no.strip():
        raise _fail("legal_qualification_no", _("Enter the number of the legal qualification certificate."))
    if (
        staff.pk
        and staff.staff_kind != StaffKind.ESTABLISHED
        and staff.certificates.exclude(status=CertificateStatus.REVOKED).exists()
    ):
        raise _fail("staff_kind", _("Only established staff may hold a certificate: revoke the certificate first."))


@transaction.atomic
def staff_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    staff_kind: StaffKind,
    unit: Unit | None = None,
    position: str = "",
    employee_no: str = "",
    phone: str = "",
    has_legal_qualification: bool = False,
    legal_qualification_no: str = "",
    password: str | None = None,
) -> User:
    """Create a staff account. Without ``password`` the account cannot log in until one is set."""
    require_perm(actor, Perm.STAFF_MANAGE)
    username = username.strip()
    if not USERNAME_RE.match(username) or username == SYSTEM_USERNAME:
        raise _fail("username", _("The login name must be 2 to 64 letters, digits or . _ - and not a reserved name."))
    staff = User(
        username=username,
        full_name=full_name.strip(),
        staff_kind=staff_kind,
        unit=unit,
        position=position.strip(),
        employee_no=employee_no.strip(),
        phone=phone.strip(),
        has_legal_qualification=has_legal_qualification,
        legal_qualification_no=legal_qualification_no.strip(),
    )
    if password is None:
        staff.set_unusable_password()
    else:
        _validate_password(password, staff)
        staff.set_password(password)
        staff.password_changed_at = timezone.now()
    _clean(staff, exclude=["password"])
    _check_staff_rules(staff)
    staff.save()
    audit_record(actor=actor, action="staff.create", category=AuditCategory.DATA, obj=staff)
    return staff


@transaction.atomic
def staff_update(*, actor: User, staff: User, **changes: Any) -> User:
    """Change profile fields of ``staff`` (see ``STAFF_FIELDS``); records which fields changed."""
    require_perm(actor, Perm.STAFF_MANAGE)
    unknown = set(changes) - set(STAFF_FIELDS)
    if unknown:
        raise ValueError(f"staff_update does not change {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(staff, name) != value]
    for name in changed:
        setattr(staff, name, changes[name])
    if not changed:
        return staff
    _clean(staff, exclude=["password"])
    _check_staff_rules(staff)
    staff.save(update_fields=changed)
    audit_record(actor=actor, action="staff.update", category=AuditCategory.DATA, obj=staff, detail={"fields": changed})
    return staff


@transaction.atomic
def staff_set_active(*, actor: User, staff: User, active: bool, reason: str) -> User:
    """Enable or disable an account; a disabled account cannot log in or act."""
    require_perm(actor, Perm.STAFF_MANAGE)
    if staff.pk == actor.pk:
        raise AccessDenied(_("You cannot disable your own account."))
    if not reason.strip():
        raise _fail("reason", _("Give a reason."))
    staff.is_active = active
    staff.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="staff.enable" if active else "staff.disable",
        category=AuditCategory.SECURITY,
        obj=staff,
        detail={"reason": reason.strip()},
    )
    return staff


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("The password is not strong enough."), {"password": exc.messages}) from None


@transaction.atomic
def staff_reset_password(*, actor: User, staff: User, password: str) -> User:
    """Set a temporary password; the staff member must change it at the next login."""
    require_perm(actor, Perm.STAFF_MANAGE)
    _validate_password(password, staff)
    staff.set_password(password)
    staff.must_change_password = True
    staff.password_changed_at = timezone.now()
    staff.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(actor=actor, action="password.reset", category=AuditCategory.SECURITY, obj=staff)
    return staff


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The user changes their own password; the old one must be given and the new one must differ."""
    if not actor.check_password(old_password):
        audit_record(
            actor=actor,
            action="password.change",
            category=AuditCategory.SECURITY,
            outcome=AuditOutcome.FAILURE,
            obj=actor,
        )
        raise _fail("old_password", _("The current password is not correct."))
    if old_password == new_password:
        raise _fail("new_password", _("The new password must differ from the current one."))
    _validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.password_changed_at = timezone.now()
    actor.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(actor=actor, action="password.change", category=AuditCategory.SECURITY, obj=actor)
    return actor


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, actor: User, user: User, role: Role) -> RoleGrant:
    """Grant ``role`` to ``user``.

    Separation of duties (GB/T 22239-2019 8.1.5): an administrator role is
    held alone; nobody grants a role to themselves; only established staff
    may be officers, and an auxiliary holds no role that acts.
    """
    require_perm(actor, Perm.ROLE_GRANT)
    if user.pk == actor.pk:
        raise AccessDenied(_("You cannot change your own roles."))
    # Read the grants directly: ``roles_of`` is empty for a disabled account,
    # which would let a disabled administrator collect a second role.
    current = frozenset(
        Role(r) for r in user.role_grants.filter(revoked_at__isnull=True).values_list("role", flat=True)
    )
    if role in current:
        raise _fail("role", _("%(u)s already holds this role.") % {"u": user.full_name})
    if role in ADMIN_ROLES and current:
        raise _fail("role", _("An administrator role must be held alone: revoke the other roles first."))
    if current & ADMIN_ROLES:
        raise _fail("role", _("An administrator holds no other role."))
    if role in {Role.OFFICER, Role.UNIT_HEAD} and user.staff_kind != StaffKind.ESTABLISHED:
        raise _fail("role", _("Only established staff may be enforcement officers or unit heads."))
    if user.staff_kind == StaffKind.AUXILIARY and role not in {Role.PUBLICITY_OFFICER}:
        raise _fail("role", _("An auxiliary may not hold this role."))
    grant = RoleGrant.objects.create(user=user, role=role, granted_by=actor)
    forget_roles(user)
    audit_record(
        actor=actor, action="role.grant", category=AuditCategory.PERMISSION, obj=user, detail={"role": str(role)}
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: User, user: User, role: Role) -> RoleGrant:
    """Revoke an active role; the grant stays as history."""
    require_perm(actor, Perm.ROLE_GRANT)
    if user.pk == actor.pk:
        raise AccessDenied(_("You cannot change your own roles."))
    grant = RoleGrant.objects.select_for_update().filter(user=user, role=role, revoked_at__isnull=True).first()
    if grant is None:
        raise _fail("role", _("%(u)s does not hold this role.") % {"u": user.full_name})
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    forget_roles(user)
    audit_record(
        actor=actor, action="role.revoke", category=AuditCategory.PERMISSION, obj=user, detail={"role": str(role)}
    )
    return grant


# --- Certificates ---------------------------------------------------------------------------


def _check_certificate(cert: Certificate, categories: list[EnforcementCategory], regions: list[Region]) -> None:
    if cert.holder.staff_kind != StaffKind.ESTABLISHED:
        raise _fail("holder", _("Only established staff may hold an enforcement certificate."))
    if not categories:
        raise _fail("categories", _("Choose at least one enforcement category."))
    if not regions:
        raise _fail("regions", _("Choose at least one enforcement region."))
    if cert.annual_inspection_year is not None and not (
        cert.valid_from.year <= cert.annual_inspection_year <= cert.valid_to.year
    ):
        raise _fail("annual_inspection_year", _("The annual inspection year must lie within the validity period."))


@transaction.atomic
def certificate_create(
    *,
    actor: User,
    holder: User,
    number: str,
    issuing_authority: str,
    categories: Iterable[EnforcementCategory],
    regions: Iterable[Region],
    valid_from: dt.date,
    valid_to: dt.date,
    annual_inspection_year: int | None = None,
    photo: UploadedFile | None = None,
) -> Certificate:
    """Record a certificate issued to ``holder`` (established staff only, RULES.md §6)."""
    require_perm(actor, Perm.CERTIFICATE_MANAGE)
    cats, regs = list(categories), list(regions)
    cert = Certificate(
        holder=holder,
        number=number.strip(),
        issuing_authority=issuing_authority.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        annual_inspection_year=annual_inspection_year,
    )
    if photo is not None:
        cert.photo = photo
    _clean(cert)
    _check_certificate(cert, cats, regs)
    cert.save()
    cert.categories.set(cats)
    cert.regions.set(regs)
    audit_record(actor=actor, action="certificate.create", category=AuditCategory.DATA, obj=cert)
    return cert


@transaction.atomic
def certificate_update(
    *,
    actor: User,
    certificate: Certificate,
    categories: Iterable[EnforcementCategory] | None = None,
    regions: Iterable[Region] | None = None,
    photo: UploadedFile | None = None,
    **changes: Any,
) -> Certificate:
    """Change a certificate's data (``CERTIFICATE_FIELDS``, categories, regions, photo)."""
    require_perm(actor, Perm.CERTIFICATE_MANAGE)
    unknown = set(changes) - set(CERTIFICATE_FIELDS)
    if unknown:
        raise ValueError(f"certificate_update does not change {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(certificate, name) != value]
    for name in changed:
        setattr(certificate, name, changes[name])
    if photo is not None:
        certificate.photo = photo
        changed.append("photo")
    cats = list(categories) if categories is not None else list(certificate.categories.all())
    regs = list(regions) if regions is not None else list(certificate.regions.all())
    _clean(certificate)
    _check_certificate(certificate, cats, regs)
    certificate.updated_at = timezone.now()
    certificate.save(update_fields=[*changed, "updated_at"])
    if categories is not None and set(cats) != set(certificate.categories.all()):
        certificate.categories.set(cats)
        changed.append("categories")
    if regions is not None and set(regs) != set(certificate.regions.all()):
        certificate.regions.set(regs)
        changed.append("regions")
    audit_record(
        actor=actor,
        action="certificate.update",
        category=AuditCategory.DATA,
        obj=certificate,
        detail={"fields": changed},
    )
    return certificate


# Allowed status changes: a revoked certificate stays revoked (Jilin rules:
# no re-application for 2 years, and then it is a new certificate).
_CERT_MOVES: dict[str, frozenset[str]] = {
    CertificateStatus.VALID: frozenset(
        {CertificateStatus.WITHHELD, CertificateStatus.REVOKED, CertificateStatus.EXPIRED}
    ),
    CertificateStatus.WITHHELD: frozenset(
        {CertificateStatus.VALID, CertificateStatus.REVOKED, CertificateStatus.EXPIRED}
    ),
    CertificateStatus.EXPIRED: frozenset({CertificateStatus.REVOKED}),
    CertificateStatus.REVOKED: frozenset(),
}


@transaction.atomic
def certificate_set_status(
    *, actor: User, certificate: Certificate, status: CertificateStatus, reason: str
) -> Certificate:
    """Withhold, revoke, reinstate or expire a certificate, with a reason."""
    require_perm(actor, Perm.CERTIFICATE_MANAGE)
    if status not in _CERT_MOVES[certificate.status]:
        raise _fail(
            "status",
            _("A certificate that is %(old)s cannot become %(new)s.")
            % {"old": certificate.get_status_display(), "new": CertificateStatus(status).label},
        )
    if not reason.strip():
        raise _fail("reason", _("Give a reason."))
    old = certificate.status
    certificate.status = status
    certificate.status_reason = reason.strip()[:200]
    certificate.updated_at = timezone.now()
    certificate.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="certificate.status",
        category=AuditCategory.DATA,
        obj=certificate,
        detail={"from": old, "to": str(status), "reason": certificate.status_reason},
    )
    return certificate


@transaction.atomic
def certificates_expire_due(*, actor: User, today: dt.date) -> int:
    """Mark valid or withheld certificates whose validity ended before ``today`` as expired."""
    require_perm(actor, Perm.CERTIFICATE_MANAGE)
    due = list(
        Certificate.objects.select_for_update().filter(
            status__in=[CertificateStatus.VALID, CertificateStatus.WITHHELD], valid_to__lt=today
        )
    )
    for cert in due:
        certificate_set_status(
            actor=actor, certificate=cert, status=CertificateStatus.EXPIRED, reason=_("Validity ended.")
        )
    return len(due)


# --- Training -------------------------------------------------------------------------------


@transaction.atomic
def training_record_create(
    *,
    actor: User,
    user: User,
    date: dt.date,
    hours: Decimal,
    subject: str,
    kind: TrainingKind = TrainingKind.ENFORCEMENT,
    organizer: str = "",
) -> TrainingRecord:
    """Record a training attended by ``user``."""
    require_perm(actor, Perm.TRAINING_RECORD)
    record = TrainingRecord(
        user=user,
        date=date,
        hours=hours,
        subject=subject.strip(),
        kind=kind,
        organizer=organizer.strip(),
        created_by=actor,
    )
    _clean(record)
    if date > timezone.localdate():
        raise _fail("date", _("A training cannot be recorded before it happened."))
    record.save()
    audit_record(actor=actor, action="training.create", category=AuditCategory.DATA, obj=record)
    return record
