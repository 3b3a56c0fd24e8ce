"""The only way a view gets a case: scoped to the user's units; missing and forbidden are both 404.

Reading follows ``org.access.unit_scope(user, CASE_CONTENT)``: officers their
unit, unit heads their subtree, leaders / legal reviewers / the supervisor
every unit, administrators nothing. Writing needs more than reading: a
handler of the case, a unit head above the case's unit, or a leader; the
supervisor never writes. Before handlers are assigned, officers of the
handling unit may work on a lead.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sanxiang.cases.models import Case
from sanxiang.org.access import Purpose, unit_scope
from sanxiang.org.models import Role
from sanxiang.org.permissions import is_system, roles_of


def case_list_for_user(user: Any) -> QuerySet[Case]:
    """Cases the user may read."""
    scope = unit_scope(user, Purpose.CASE_CONTENT)
    return Case.objects.filter(scope.q("unit")).select_related("unit", "category", "region")


def may_write_case(user: Any, case: Case) -> bool:
    """True when ``user`` may change ``case`` (the engine still checks the move's roles)."""
    if is_system(user):
        return True
    roles = roles_of(user)
    if Role.SUPERVISOR in roles:
        return False
    if Role.LEADER in roles:
        return True
    if Role.UNIT_HEAD in roles and user.unit is not None and case.unit.path.startswith(user.unit.path):
        return True
    if Role.OFFICER not in roles:
        return False
    # Before 立案 assigns handlers, any officer of the handling unit works on the lead.
    if not case.handler_links.exists():
        return user.unit_id is not None and user.unit_id == case.unit_id
    # A recused officer (APL Art. 43) no longer acts on the case, even while still listed.
    return case.handler_links.filter(user=user).exists() and not case.recusals.filter(user=user, recused=True).exists()


def case_get_for_user(user: Any, case_id: int, *, need_write: bool = False) -> Case:
    """Return one case for ``user``; 404 when missing, out of scope, or (``need_write``) not writable."""
    case = case_list_for_user(user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    if need_write and not may_write_case(user, case):
        raise Http404
    return case
