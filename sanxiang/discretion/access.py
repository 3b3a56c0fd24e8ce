"""Who sees which baseline version: missing and not allowed are the same 404.

An approved version is public once in force (APL Art. 34: baselines must be
published), so every staff member with a role may read approved versions;
drafts are the legal section's (``Perm.CATALOG_MANAGE``) and the leaders'
who approve them (``Perm.CATALOG_APPROVE``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sanxiang.discretion.models import Baseline
from sanxiang.org.permissions import Perm, has_perm, roles_of


def can_see_drafts(user: Any) -> bool:
    return has_perm(user, Perm.CATALOG_MANAGE) or has_perm(user, Perm.CATALOG_APPROVE)


def can_read(user: Any) -> bool:
    """Any active staff member holding a role reads the approved versions."""
    return bool(roles_of(user))


def baselines_for_user(user: Any) -> QuerySet[Baseline]:
    """The versions ``user`` may read (none without a role)."""
    if not can_read(user):
        return Baseline.objects.none()
    if can_see_drafts(user):
        return Baseline.objects.all()
    return Baseline.objects.filter(approval__isnull=False)


def baseline_get_for_user(user: Any, pk: int) -> Baseline:
    """The version ``pk`` if ``user`` may read it, else ``Http404``."""
    baseline = baselines_for_user(user).select_related("created_by").filter(pk=pk).first()
    if baseline is None:
        raise Http404
    return baseline
