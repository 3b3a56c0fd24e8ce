"""The only way a view gets organisation objects: one access function per type.

"Not found" and "not allowed" both raise ``Http404``, so a person cannot
learn that a record exists outside their scope. One condition per line.

Scope of records (ARCHITECTURE.md §1): an officer sees their own unit; a unit
head sees their unit and the units below it; leaders, the supervisor and the
legal section see every unit; the three administrators see no case content.
``unit_scope`` answers this for any record that belongs to a unit, so the
case, review and document parts use the same rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sanxiang.org.models import ADMIN_ROLES, Certificate, Role, TrainingRecord, Unit, User
from sanxiang.org.permissions import Perm, has_perm, roles_of


class Purpose(enum.StrEnum):
    ROSTER = "roster"  # staff, certificates, training
    CASE_CONTENT = "case"  # cases, evidence, documents, reviews


@dataclass(frozen=True)
class UnitScope:
    """Which units' records a user may read: all, some (by materialised path prefix), or none."""

    all_units: bool = False
    unit_paths: tuple[str, ...] = ()
    subtree: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.all_units and not self.unit_paths

    def q(self, unit_field: str) -> Q:
        """A filter for a queryset whose rows have a unit at ``unit_field``."""
        if self.all_units:
            return Q()
        if not self.unit_paths:
            return Q(pk__in=[])
        lookup = f"{unit_field}__path__startswith" if self.subtree else f"{unit_field}__path"
        condition = Q()
        for path in self.unit_paths:
            condition |= Q(**{lookup: path})
        return condition


_ALL_CASES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.LEGAL_REVIEWER})


def unit_scope(user: Any, purpose: Purpose) -> UnitScope:
    """Return the units whose records of ``purpose`` the user may read."""
    roles = roles_of(user)
    if not roles:
        return UnitScope()
    if purpose == Purpose.CASE_CONTENT and roles <= ADMIN_ROLES:
        return UnitScope()
    if purpose == Purpose.ROSTER and has_perm(user, Perm.ROSTER_VIEW_ALL):
        return UnitScope(all_units=True)
    if purpose == Purpose.CASE_CONTENT and roles & _ALL_CASES:
        return UnitScope(all_units=True)
    unit: Unit | None = user.unit
    if unit is None:
        return UnitScope()
    if Role.UNIT_HEAD in roles:
        return UnitScope(unit_paths=(unit.path,), subtree=True)
    if roles & {Role.OFFICER, Role.PUBLICITY_OFFICER, Role.COUNSEL}:
        return UnitScope(unit_paths=(unit.path,))
    return UnitScope()


def staff_list_for_user(user: Any) -> QuerySet[User]:
    """Staff the user may see (the system account is never listed)."""
    scope = unit_scope(user, Purpose.ROSTER)
    return User.objects.filter(scope.q("unit")).exclude(username="system").select_related("unit")


def staff_get_for_user(user: Any, staff_id: int, *, need_write: bool = False) -> User:
    """Return one staff member for ``user``; 404 when missing or out of scope."""
    staff = staff_list_for_user(user).filter(pk=staff_id).first()
    if staff is None:
        raise Http404
    if need_write and not has_perm(user, Perm.STAFF_MANAGE):
        raise Http404
    return staff


def certificate_list_for_user(user: Any) -> QuerySet[Certificate]:
    scope = unit_scope(user, Purpose.ROSTER)
    return Certificate.objects.filter(scope.q("holder__unit")).select_related("holder", "holder__unit")


def certificate_get_for_user(user: Any, certificate_id: int, *, need_write: bool = False) -> Certificate:
    """Return one certificate for ``user``; 404 when missing or out of scope."""
    cert = certificate_list_for_user(user).filter(pk=certificate_id).first()
    if cert is None:
        raise Http404
    if need_write and not has_perm(user, Perm.CERTIFICATE_MANAGE):
        raise Http404
    return cert


def training_list_for_user(user: Any) -> QuerySet[TrainingRecord]:
    scope = unit_scope(user, Purpose.ROSTER)
    return TrainingRecord.objects.filter(scope.q("user__unit")).select_related("user")


def training_get_for_user(user: Any, training_id: int, *, need_write: bool = False) -> TrainingRecord:
    record = training_list_for_user(user).filter(pk=training_id).first()
    if record is None:
        raise Http404
    if need_write and not has_perm(user, Perm.TRAINING_RECORD):
        raise Http404
    return record
