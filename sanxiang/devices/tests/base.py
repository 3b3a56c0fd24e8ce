"""Device test set-up: the personas' bureau, time on 1 June 2026 (moving forward), and helpers."""

from __future__ import annotations

import datetime as dt

import time_machine

from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.devices import actions
from sanxiang.devices.models import DeviceAssignment, DeviceType, RecordingDevice
from sanxiang.org.models import Unit, User
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase


@time_machine.travel(at("2026-06-01"), tick=True)
class DeviceTestCase(BureauTestCase):
    """Now is 1 June 2026 09:00 (Asia/Shanghai) and moves on, so the record log's times never run backwards."""

    def device(self, serial: str = "DSJ-0001", unit: Unit | None = None, **extra) -> RecordingDevice:
        return actions.device_register(
            actor=self.b.sysadmin,
            serial=serial,
            device_type=extra.pop("device_type", DeviceType.BODY_CAMERA),
            unit=unit or self.b.squad1,
            **extra,
        )

    def assign(self, device: RecordingDevice, holder: User, hour: float | None = None) -> DeviceAssignment:
        when = None if hour is None else self.morning(hour)
        return actions.device_assign(actor=self.b.sysadmin, device=device, holder=holder, at=when)

    @staticmethod
    def morning(hour: float, day: str = "2026-06-01") -> dt.datetime:
        """``hour`` o'clock (fractions are minutes) of ``day``, Asia/Shanghai."""
        return at(day, 0) + dt.timedelta(hours=hour)

    def audits(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("id"))
