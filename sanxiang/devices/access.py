"""The only way a view gets a recording device: scoped like the roster, missing and forbidden both 404.

Who may see and manage the registry (``Perm.DEVICE_MANAGE``):

- the system administrator: every unit's devices (the bureau's equipment register);
- a unit head: the devices of the unit they head and of the units below it,
  and may issue them only to staff of that subtree (in most bureaus the 大队/
  中队 issues and takes back its own 执法记录仪).

Everyone else sees no device page: officers learn which device they carry from
the person who issues it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sanxiang.devices.models import RecordingDevice
from sanxiang.org.access import Purpose, UnitScope, staff_list_for_user, unit_scope
from sanxiang.org.models import StaffKind, Unit, User
from sanxiang.org.permissions import Perm, has_perm

#: Who may carry a device: established officers and auxiliaries (协管 record alongside officers on patrol;
#: recording is not an enforcement act). Contract and temporary staff (drivers, clerks) carry none.
HOLDER_KINDS = frozenset({StaffKind.ESTABLISHED, StaffKind.AUXILIARY})


def device_scope(user: Any) -> UnitScope:
    """The units whose devices ``user`` manages (empty without ``Perm.DEVICE_MANAGE``)."""
    if not has_perm(user, Perm.DEVICE_MANAGE):
        return UnitScope()
    return unit_scope(user, Purpose.ROSTER)


def device_units_for_user(user: Any) -> QuerySet[Unit]:
    """Units ``user`` may register devices in (the unit filter and the register form offer these)."""
    scope = device_scope(user)
    if scope.all_units:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for path in scope.unit_paths:
        condition |= Q(path__startswith=path) if scope.subtree else Q(path=path)
    return Unit.objects.filter(condition)


def device_list_for_user(user: Any) -> QuerySet[RecordingDevice]:
    """Devices ``user`` may see and manage."""
    return RecordingDevice.objects.filter(device_scope(user).q("unit")).select_related("unit")


def device_get_for_user(user: Any, device_id: int) -> RecordingDevice:
    """Return one device for ``user``; 404 when missing or out of scope."""
    device = device_list_for_user(user).filter(pk=device_id).first()
    if device is None:
        raise Http404
    return device


def may_manage_device(user: Any, device: RecordingDevice) -> bool:
    """True when ``device`` is within the units ``user`` manages."""
    return device_list_for_user(user).filter(pk=device.pk).exists()


def holder_choices(user: Any) -> QuerySet[User]:
    """Staff ``user`` may issue a device to: active established staff or auxiliaries within their scope."""
    if device_scope(user).is_empty:
        return User.objects.none()
    return staff_list_for_user(user).filter(is_active=True, staff_kind__in=HOLDER_KINDS)
