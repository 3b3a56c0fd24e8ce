"""Writes to the catalogues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog.models import AVList, AVListItem, AVRequirementLevel, Violation
from sanxiang.lib.exceptions import AccessDenied, DomainError, ValidationFailed
from sanxiang.lib.validation import clean_or_fail
from sanxiang.org.models import EnforcementCategory, Role, User
from sanxiang.org.permissions import Perm, require_perm, roles_of
from sanxiang.procedures import definitions
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory


@transaction.atomic
def violation_create(
    *,
    actor: User,
    code: str,
    title: str,
    category: EnforcementCategory,
    violated_provisions: str,
    penalty_provisions: str,
    involves_safety: bool = False,
) -> Violation:
    """Add a violation to the catalogue (the legal section maintains it)."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    violation = Violation(
        code=code.strip(),
        title=title.strip(),
        category=category,
        violated_provisions=violated_provisions.strip(),
        penalty_provisions=penalty_provisions.strip(),
        involves_safety=involves_safety,
    )
    clean_or_fail(violation)
    violation.save()
    audit_record(actor=actor, action="violation.create", category=AuditCategory.DATA, obj=violation)
    return violation


@dataclass(frozen=True)
class AVItemSpec:
    procedure: str
    transition: str
    level: str
    basis: str = ""


@transaction.atomic
def av_list_create(
    *, actor: User, version: str, effective_from: dt.date, items: list[AVItemSpec], note: str = ""
) -> AVList:
    """Draft a new version of the 音像记录事项清单 (the legal section); it takes effect once a leader approves it."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    procedures = definitions.all_procedures()
    for n, item in enumerate(items, 1):
        key = f"items.{n}"
        proc = procedures.get(item.procedure)
        if proc is None:
            errors.setdefault(key, []).append(_("Unknown procedure “%(code)s”.") % {"code": item.procedure})
            continue
        if item.transition not in {t.code for t in proc.transitions}:
            errors.setdefault(key, []).append(_("The procedure has no step “%(code)s”.") % {"code": item.transition})
        if item.level not in AVRequirementLevel.values:
            errors.setdefault(key, []).append(_("Choose required or as circumstances require."))
        if (item.procedure, item.transition) in seen:
            errors.setdefault(key, []).append(_("This step is listed twice."))
        seen.add((item.procedure, item.transition))
    if not version.strip():
        errors.setdefault("version", []).append(_("Name the version."))
    elif AVList.objects.filter(version=version.strip()).exists():
        errors.setdefault("version", []).append(_("This version exists already."))
    if errors:
        raise ValidationFailed(_("The recording list cannot be saved."), errors)
    av_list = AVList.objects.create(
        version=version.strip(), effective_from=effective_from, note=note.strip(), created_by=actor
    )
    AVListItem.objects.bulk_create(
        AVListItem(
            av_list=av_list, procedure=i.procedure, transition=i.transition, level=i.level, basis=i.basis.strip()
        )
        for i in items
    )
    audit_record(
        actor=actor, action="av_list.create", category=AuditCategory.DATA, obj=av_list, detail={"items": len(items)}
    )
    return av_list


@transaction.atomic
def av_list_approve(*, actor: User, av_list: AVList) -> AVList:
    """A leader approves a drafted list; from its ``effective_from`` on it is the list in force."""
    if Role.LEADER not in roles_of(actor):
        raise AccessDenied(_("Only a bureau leader approves the recording list."))
    av_list = AVList.objects.select_for_update().get(pk=av_list.pk)
    if av_list.approved_at is not None:
        raise DomainError(_("This version is approved already."))
    if not av_list.items.exists():
        raise DomainError(_("A list without items cannot be approved."))
    av_list.approved_by = actor
    av_list.approved_at = timezone.now()
    av_list.save(update_fields=["approved_by", "approved_at"])
    audit_record(actor=actor, action="av_list.approve", category=AuditCategory.DATA, obj=av_list)
    return av_list
