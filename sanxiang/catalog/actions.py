"""Writes to the catalogues."""

from __future__ import annotations

from django.db import transaction

from sanxiang.catalog.models import Violation
from sanxiang.lib.validation import clean_or_fail
from sanxiang.org.models import EnforcementCategory, User
from sanxiang.org.permissions import Perm, require_perm
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
