"""Questions about recording devices, answered without side effects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from sanxiang.cases.models import Case, CaseEvent, CaseHandler, Recusal
from sanxiang.devices.actions import normalize_serial
from sanxiang.devices.models import DeviceAssignment, DeviceStatus, RecordingDevice
from sanxiang.org.models import Unit, User
from sanxiang.record.models import AuditEvent


def device_by_serial(serial: str) -> RecordingDevice | None:
    """The registered device with this serial number (compared upper-case), or None."""
    value = normalize_serial(serial)
    return RecordingDevice.objects.filter(serial=value).first() if value else None


def assignment_at(device: RecordingDevice, at: dt.datetime) -> DeviceAssignment | None:
    """The period of ``device`` that contains ``at`` (``started_at <= at < ended_at``, or still open)."""
    return (
        device.assignments.filter(started_at__lte=at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .select_related("holder")
        .order_by("-started_at", "-id")
        .first()
    )


def device_holder(serial: str, at: dt.datetime) -> User | None:
    """Who held the device ``serial`` at the moment ``at``, from the issue history; None if nobody (or no device).

    Periods are half-open: a device returned at 12:00 and issued again at
    12:00 is held by the second person at 12:00.
    """
    device = device_by_serial(serial)
    if device is None:
        return None
    assignment = assignment_at(device, at)
    return assignment.holder if assignment is not None else None


def current_assignment(device: RecordingDevice) -> DeviceAssignment | None:
    return device.assignments.filter(ended_at__isnull=True).select_related("holder").first()


def device_history(device: RecordingDevice) -> QuerySet[DeviceAssignment]:
    """Every period of ``device``, newest first."""
    return device.assignments.select_related("holder", "assigned_by", "ended_by").order_by("-started_at", "-id")


@dataclass(frozen=True)
class DeviceFilters:
    """The list's filters; empty or ``None`` means "do not filter on this"."""

    q: str = ""
    unit: Unit | None = None
    status: str = ""
    device_type: str = ""


def _open_for(holder_condition: Q) -> Exists:
    open_rows = DeviceAssignment.objects.filter(device=OuterRef("pk"), ended_at__isnull=True)
    return Exists(open_rows.filter(holder_condition))


def device_filter(devices: QuerySet[RecordingDevice], filters: DeviceFilters) -> QuerySet[RecordingDevice]:
    """Narrow ``devices``: the search matches the serial, make, model, or the current holder's name or login."""
    condition = Q()
    if filters.q:
        text = filters.q
        holder = Q(holder__full_name__icontains=text) | Q(holder__username__icontains=text)
        condition &= (
            Q(serial__icontains=text) | Q(make__icontains=text) | Q(model__icontains=text) | Q(_open_for(holder))
        )
    if filters.unit is not None:
        condition &= Q(unit__path__startswith=filters.unit.path)
    if filters.status:
        condition &= Q(status=filters.status)
    if filters.device_type:
        condition &= Q(device_type=filters.device_type)
    return devices.filter(condition)


def holders_of(devices: list[RecordingDevice]) -> dict[int, User]:
    """The current holder of each device in ``devices`` that is issued (one query)."""
    rows = DeviceAssignment.objects.filter(device__in=devices, ended_at__isnull=True).select_related("holder")
    return {row.device_id: row.holder for row in rows}


@dataclass(frozen=True)
class StatusChange:
    at: dt.datetime
    actor: str
    old: str
    new: str
    reason: str


def _status_label(value: object) -> str:
    try:
        return str(DeviceStatus(str(value)).label)
    except ValueError:
        return str(value)


def device_status_history(device: RecordingDevice) -> list[StatusChange]:
    """The device's status changes from the audit trail, newest first."""
    events = AuditEvent.objects.filter(
        object_type=RecordingDevice._meta.label, object_id=str(device.pk), action="device.status"
    ).order_by("-at", "-id")
    return [
        StatusChange(
            at=event.at,
            actor=event.actor_label,
            old=_status_label(event.detail.get("from", "")),
            new=_status_label(event.detail.get("to", "")),
            reason=str(event.detail.get("reason", "")),
        )
        for event in events
    ]


@dataclass(frozen=True)
class StepMatch:
    """The case step nearest to a moment: ``case`` and ``step``; or the equally near cases (``tied``); or nothing."""

    case: Case | None = None
    step: str = ""
    event_at: dt.datetime | None = None
    tied: tuple[Case, ...] = ()


def case_step_near(officer: User, at: dt.datetime, window: dt.timedelta) -> StepMatch:
    """The step (``CaseEvent.transition``) nearest to ``at`` within ``window``, among the cases ``officer`` handles.

    1. The cases: those with ``officer`` among the handlers, less those the
       officer is recused from (APL Art. 43).
    2. Their events with ``at - window <= event.at <= at + window``.
    3. The nearest one wins. Equally near events of one case: the later step
       (the one the case had reached). Equally near events of different
       cases: no answer, the cases are returned in ``tied``.
    """
    recused = Recusal.objects.filter(user=officer, recused=True).values("case_id")
    handled = CaseHandler.objects.filter(user=officer).exclude(case_id__in=recused).values("case_id")
    events = list(
        CaseEvent.objects.filter(case_id__in=handled, at__gte=at - window, at__lte=at + window)
        .select_related("case")
        .order_by("at", "seq")
    )
    if not events:
        return StepMatch()
    nearest = min(abs(e.at - at) for e in events)
    closest = [e for e in events if abs(e.at - at) == nearest]
    cases = {e.case_id: e.case for e in closest}
    if len(cases) > 1:
        return StepMatch(tied=tuple(cases.values()))
    event = closest[-1]
    return StepMatch(case=event.case, step=event.transition, event_at=event.at)
