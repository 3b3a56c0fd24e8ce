"""Every write to the device registry goes through these functions.

Each action takes keyword-only arguments with a required ``actor``, checks the
actor's permission and scope (``access``), the domain rules, validates with
``full_clean``, saves, and appends an audit row, all in one transaction.
Refusals raise a ``DomainError`` whose message is shown to the person.

Times of issue and return may be given (a device handed out at 08:00 and
entered at 09:00) but never lie in the future, and a device's history never
runs backwards: a new period starts no earlier than the last one ended, so the
periods never overlap and ``selectors.device_holder`` has one answer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.devices import access
from sanxiang.devices.models import (
    STATUS_TRANSITIONS,
    DeviceAssignment,
    DeviceStatus,
    DeviceType,
    RecordingDevice,
)
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.lib.validation import clean_or_fail, field_error
from sanxiang.org.models import Unit, User
from sanxiang.org.permissions import Perm, is_system, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory

#: Letters, digits and . _ - (the serial appears in dock file names ``<SERIAL>_<time>.mp4``).
SERIAL_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
DEVICE_FIELDS = ("device_type", "make", "model", "unit", "notes")
REASON_MAX = 200


def normalize_serial(serial: str) -> str:
    """The stored form of a serial number: trimmed and upper-case (serials are compared case-blind)."""
    return serial.strip().upper()


def _check_serial(serial: str) -> str:
    value = normalize_serial(serial)
    if not SERIAL_RE.match(value):
        raise field_error("serial", _("The serial number must be 1 to 64 letters, digits or . _ - characters."))
    return value


def _require_unit(actor: User, unit: Unit) -> None:
    """Refuse a unit outside the units ``actor`` manages."""
    if not access.device_units_for_user(actor).filter(pk=unit.pk).exists() and not is_system(actor):
        raise field_error("unit", _("You may register devices only in the units you manage."))


def _require_device(actor: User, device: RecordingDevice) -> None:
    require_perm(actor, Perm.DEVICE_MANAGE)
    if not is_system(actor) and not access.may_manage_device(actor, device):
        raise AccessDenied(_("You may not manage this device."))


def _when(value: dt.datetime | None, field: str) -> dt.datetime:
    """``value`` or now; refuses a naive time and a time in the future (beyond the allowed clock skew)."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        raise field_error(field, _("Give the date and time with a time zone."))
    if value > now + dt.timedelta(seconds=settings.EVIDENCE_CAPTURE_SKEW_SECONDS):
        raise field_error(field, _("The time cannot be in the future."))
    return value


def _reason(value: str, *, required: bool) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise field_error("reason", _("Give the reason."))
    if len(text) > REASON_MAX:
        raise field_error("reason", _("At most %(n)d characters.") % {"n": REASON_MAX})
    return text


# --- Registry -------------------------------------------------------------------------------


@transaction.atomic
def device_register(
    *,
    actor: User,
    serial: str,
    device_type: DeviceType | str,
    unit: Unit,
    make: str = "",
    model: str = "",
    notes: str = "",
) -> RecordingDevice:
    """Register a device in service in ``unit``; the serial number is unique (compared upper-case)."""
    require_perm(actor, Perm.DEVICE_MANAGE)
    value = _check_serial(serial)
    _require_unit(actor, unit)
    if RecordingDevice.objects.filter(serial=value).exists():
        raise field_error("serial", _("A device with this serial number is already registered."))
    device = RecordingDevice(
        serial=value,
        device_type=device_type,
        unit=unit,
        make=make.strip(),
        model=model.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    clean_or_fail(device, exclude=["serial"])
    device.save()
    detail = {"serial": value, "type": str(device_type), "unit": unit.pk}
    audit_record(actor=actor, action="device.register", category=AuditCategory.DATA, obj=device, detail=detail)
    return device


@transaction.atomic
def device_update(*, actor: User, device: RecordingDevice, **changes: Any) -> RecordingDevice:
    """Change the descriptive fields of ``device`` (``DEVICE_FIELDS``); records which fields changed.

    The serial number and the status never change here: a serial is the
    device's identity, a status has its own action.
    """
    _require_device(actor, device)
    unknown = set(changes) - set(DEVICE_FIELDS)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if "unit" in changes:
        _require_unit(actor, changes["unit"])
    for name in ("make", "model", "notes"):
        if name in changes:
            changes[name] = str(changes[name]).strip()
    changed = sorted(name for name, value in changes.items() if getattr(device, name) != value)
    if not changed:
        return device
    for name in changed:
        setattr(device, name, changes[name])
    clean_or_fail(device, exclude=["serial"])
    device.save(update_fields=changed)
    detail = {"fields": changed}
    audit_record(actor=actor, action="device.update", category=AuditCategory.DATA, obj=device, detail=detail)
    return device


def _open_assignment(device: RecordingDevice) -> DeviceAssignment | None:
    return device.assignments.select_for_update().filter(ended_at__isnull=True).first()


def _end(assignment: DeviceAssignment, *, actor: User, at: dt.datetime, reason: str) -> DeviceAssignment:
    if at < assignment.started_at:
        raise field_error("at", _("The device cannot be returned before it was issued."))
    assignment.ended_at, assignment.ended_by, assignment.end_reason = at, actor, reason
    assignment.save(update_fields=["ended_at", "ended_by", "end_reason"])
    return assignment


@transaction.atomic
def device_set_status(
    *, actor: User, device: RecordingDevice, status: DeviceStatus, reason: str, at: dt.datetime | None = None
) -> RecordingDevice:
    """Move ``device`` to ``status`` along ``STATUS_TRANSITIONS``, with a reason.

    A device that leaves service (repair, lost, retired) is no longer held by
    anyone: its open assignment ends at ``at`` (default now), and the audit
    row names the holder it was taken from.
    """
    _require_device(actor, device)
    device = RecordingDevice.objects.select_for_update().get(pk=device.pk)
    old = DeviceStatus(device.status)
    if status not in STATUS_TRANSITIONS[old]:
        message = _("A device that is %(old)s cannot become %(new)s.") % {"old": old.label, "new": status.label}
        raise field_error("status", message)
    reason = _reason(reason, required=True)
    when = _when(at, "at")
    detail: dict[str, Any] = {"from": old.value, "to": status.value, "reason": reason}
    assignment = _open_assignment(device)
    if assignment is not None:
        _end(assignment, actor=actor, at=when, reason=reason)
        detail["ended_assignment"] = assignment.pk
        detail["holder"] = assignment.holder_id
    device.status, device.status_reason = status, reason
    device.save(update_fields=["status", "status_reason"])
    audit_record(actor=actor, action="device.status", category=AuditCategory.DATA, obj=device, detail=detail)
    return device


# --- Issue and return ---------------------------------------------------------------------------


def _check_holder(actor: User, holder: User) -> None:
    """Only active established staff or auxiliaries within the actor's scope carry a device."""
    if not holder.is_active:
        raise field_error("holder", _("%(u)s has no active account.") % {"u": holder.full_name})
    if holder.staff_kind not in access.HOLDER_KINDS:
        message = _("%(u)s is neither established staff nor an auxiliary and may not carry a recording device.")
        raise field_error("holder", message % {"u": holder.full_name})
    if not is_system(actor) and not access.holder_choices(actor).filter(pk=holder.pk).exists():
        raise field_error("holder", _("You may issue devices only to staff of the units you manage."))


def _check_start(device: RecordingDevice, when: dt.datetime) -> None:
    last = device.assignments.order_by("-started_at", "-id").first()
    if last is None:
        return
    floor = last.ended_at or last.started_at
    if when < floor:
        message = _("The device's history already reaches %(t)s: the new period cannot start earlier.")
        raise field_error("at", message % {"t": timezone.localtime(floor).strftime("%Y-%m-%d %H:%M")})


@transaction.atomic
def device_assign(
    *, actor: User, device: RecordingDevice, holder: User, at: dt.datetime | None = None
) -> DeviceAssignment:
    """Issue ``device`` to ``holder`` from ``at`` (default now).

    Refuses a device that is not in service, a device someone holds (return
    it first), a holder who may not carry one, and a start before the end of
    the device's last period.
    """
    _require_device(actor, device)
    device = RecordingDevice.objects.select_for_update().get(pk=device.pk)
    if device.status != DeviceStatus.IN_SERVICE:
        message = _("Device %(s)s is %(status)s: only a device in service can be issued.")
        raise field_error("device", message % {"s": device.serial, "status": device.get_status_display()})
    current = _open_assignment(device)
    if current is not None:
        message = _("Device %(s)s is held by %(u)s: take it back first.")
        raise field_error("device", message % {"s": device.serial, "u": current.holder.full_name})
    _check_holder(actor, holder)
    when = _when(at, "at")
    _check_start(device, when)
    assignment = DeviceAssignment(device=device, holder=holder, started_at=when, assigned_by=actor)
    clean_or_fail(assignment, exclude=["device"])
    try:
        with transaction.atomic():
            assignment.save(force_insert=True)
    except IntegrityError:  # a concurrent issue won the race for the one open row
        raise field_error(
            "device", _("Device %(s)s has just been issued to someone else.") % {"s": device.serial}
        ) from None
    detail = {"device": device.pk, "serial": device.serial, "holder": holder.pk, "started_at": when.isoformat()}
    audit_record(actor=actor, action="device.assign", category=AuditCategory.DATA, obj=assignment, detail=detail)
    return assignment


@transaction.atomic
def device_return(
    *, actor: User, device: RecordingDevice, at: dt.datetime | None = None, note: str = ""
) -> DeviceAssignment:
    """Take ``device`` back from its holder at ``at`` (default now): the open period ends, once."""
    _require_device(actor, device)
    device = RecordingDevice.objects.select_for_update().get(pk=device.pk)
    assignment = _open_assignment(device)
    if assignment is None:
        raise field_error("device", _("Device %(s)s is not issued to anyone.") % {"s": device.serial})
    note = _reason(note, required=False)
    _end(assignment, actor=actor, at=_when(at, "at"), reason=note)
    detail = {"device": device.pk, "serial": device.serial, "holder": assignment.holder_id}
    detail["ended_at"] = assignment.ended_at.isoformat() if assignment.ended_at else ""
    audit_record(actor=actor, action="device.return", category=AuditCategory.DATA, obj=assignment, detail=detail)
    return assignment
