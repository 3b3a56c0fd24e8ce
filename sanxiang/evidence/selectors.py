"""Reads of the evidence app: a case's evidence, an item with its case, and who may see the custody log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sanxiang.cases.access import case_get_for_user, may_write_case
from sanxiang.cases.models import Case
from sanxiang.evidence.models import Evidence, EvidenceAccess
from sanxiang.org.models import Role
from sanxiang.org.permissions import roles_of

#: Besides those who may write the case: the roles that oversee it read its chain of custody.
CUSTODY_READERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.LEGAL_REVIEWER})


def evidence_for_case(case: Case) -> QuerySet[Evidence]:
    """The evidence items of ``case``, oldest capture first (the caller has already checked access to the case)."""
    return (
        Evidence.objects.filter(case=case).select_related("object", "captured_by", "case").order_by("captured_at", "pk")
    )


def evidence_get_for_user(user: Any, pk: int) -> Evidence:
    """One evidence item, if ``user`` may read its case; 404 when missing or out of scope (as for cases)."""
    evidence = Evidence.objects.select_related("object", "captured_by", "added_by").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    evidence.case = case_get_for_user(user, evidence.case_id)
    return evidence


def may_see_custody(user: Any, case: Case) -> bool:
    """Those who work on the case and those who oversee it see who opened its evidence."""
    return bool(roles_of(user) & CUSTODY_READERS) or may_write_case(user, case)


def custody_log(evidence: Evidence) -> QuerySet[EvidenceAccess]:
    return evidence.accesses.select_related("actor").order_by("-at", "-pk")
