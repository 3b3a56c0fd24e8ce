"""The registry's actions: registering, issuing, taking back, status changes; who may; what is audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sanxiang.devices import actions
from sanxiang.devices.models import DeviceAssignment, DeviceStatus, RecordingDevice
from sanxiang.devices.selectors import current_assignment, device_holder, device_status_history
from sanxiang.devices.tests.base import DeviceTestCase
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.org import actions as org_actions
from sanxiang.org.models import StaffKind


class RegisterTests(DeviceTestCase):
    def test_it_registers_with_the_serial_upper_case_and_audits(self):
        device = self.device(" dsj-0001 ", make="海康", model="DSJ-V9")
        self.assertEqual((device.serial, device.status, device.unit), ("DSJ-0001", "in_service", self.b.squad1))
        [audit] = self.audits("device.register")
        self.assertEqual((audit.actor, audit.object_id), (self.b.sysadmin, str(device.pk)))
        self.assertEqual(audit.detail["serial"], "DSJ-0001")

    def test_a_serial_is_registered_once_whatever_its_case(self):
        self.device("DSJ-0001")
        with self.assertRaisesMessage(ValidationFailed, "already registered"):
            self.device("dsj-0001")
        self.assertEqual(RecordingDevice.objects.count(), 1)

    def test_a_bad_serial_is_refused(self):
        for bad in ("", "DSJ 0001", "设备1", "X" * 65, "-DSJ"):
            with self.subTest(bad=bad), self.assertRaises(ValidationFailed) as refused:
                self.device(bad)
            self.assertIn("serial", refused.exception.errors)

    def test_a_unit_head_registers_only_in_the_units_they_head(self):
        device = actions.device_register(
            actor=self.b.unit_head, serial="DSJ-0002", device_type="body_camera", unit=self.b.squad2
        )
        self.assertEqual(device.unit, self.b.squad2)
        with self.assertRaises(ValidationFailed) as refused:
            actions.device_register(
                actor=self.b.unit_head, serial="DSJ-0003", device_type="body_camera", unit=self.b.legal_section
            )
        self.assertIn("unit", refused.exception.errors)

    def test_people_without_the_permission_are_refused(self):
        for user in (self.b.officer, self.b.leader, self.b.supervisor, self.b.secadmin, self.b.auditadmin):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                actions.device_register(actor=user, serial="DSJ-0009", device_type="camera", unit=self.b.squad1)
        self.assertFalse(RecordingDevice.objects.exists())

    def test_an_update_records_the_fields_changed(self):
        device = self.device()
        actions.device_update(actor=self.b.sysadmin, device=device, make="大华", model="", notes="")
        [audit] = self.audits("device.update")
        self.assertEqual(audit.detail["fields"], ["make"])
        with self.assertRaises(ValidationFailed):
            actions.device_update(actor=self.b.sysadmin, device=device, serial="OTHER")


class AssignTests(DeviceTestCase):
    def test_it_issues_and_takes_back_with_audit_rows(self):
        device = self.device()
        assignment = self.assign(device, self.b.officer, hour=8)
        self.assertEqual((assignment.holder, assignment.started_at), (self.b.officer, self.morning(8)))
        self.assertEqual(current_assignment(device), assignment)
        returned = actions.device_return(actor=self.b.sysadmin, device=device, at=self.morning(8.5), note="下班")
        self.assertEqual(
            (returned.ended_at, returned.ended_by, returned.end_reason), (self.morning(8.5), self.b.sysadmin, "下班")
        )
        self.assertIsNone(current_assignment(device))
        [issued] = self.audits("device.assign")
        [back] = self.audits("device.return")
        self.assertEqual(issued.detail["holder"], self.b.officer.pk)
        self.assertEqual((back.object_id, back.detail["holder"]), (str(assignment.pk), self.b.officer.pk))

    def test_a_device_has_at_most_one_holder(self):
        device = self.device()
        self.assign(device, self.b.officer)
        with self.assertRaisesMessage(ValidationFailed, "is held by 王执法"):
            self.assign(device, self.b.officer2)
        self.assertEqual(DeviceAssignment.objects.filter(device=device).count(), 1)

    def test_the_database_refuses_a_second_open_period(self):
        device = self.device()
        first = self.assign(device, self.b.officer)
        with self.assertRaises(IntegrityError), transaction.atomic():
            DeviceAssignment.objects.create(
                device=device, holder=self.b.officer2, started_at=first.started_at, assigned_by=self.b.sysadmin
            )

    def test_only_a_device_in_service_is_issued(self):
        for status in (DeviceStatus.UNDER_REPAIR, DeviceStatus.LOST, DeviceStatus.RETIRED):
            with self.subTest(status=status):
                device = self.device(f"DSJ-{status}")
                actions.device_set_status(actor=self.b.sysadmin, device=device, status=status, reason="测试")
                with self.assertRaisesMessage(ValidationFailed, "only a device in service can be issued"):
                    self.assign(device, self.b.officer)
        self.assertFalse(DeviceAssignment.objects.exists())

    def test_who_may_carry_a_device(self):
        contract = org_actions.staff_create(
            actor=self.b.system, username="driver", full_name="司机", staff_kind=StaffKind.CONTRACT, unit=self.b.squad1
        )
        inactive = org_actions.staff_create(
            actor=self.b.system, username="gone", full_name="离职", staff_kind=StaffKind.ESTABLISHED, unit=self.b.squad1
        )
        inactive.is_active = False
        inactive.save(update_fields=["is_active"])
        for holder, message in (
            (contract, "neither established staff nor an auxiliary"),
            (inactive, "no active account"),
        ):
            with self.subTest(holder=holder.username), self.assertRaisesMessage(ValidationFailed, message):
                self.assign(self.device(f"DSJ-{holder.username}"), holder)
        # An auxiliary records alongside officers and may carry one.
        self.assertEqual(self.assign(self.device("DSJ-AUX"), self.b.auxiliary).holder, self.b.auxiliary)

    def test_a_unit_head_issues_only_to_staff_of_their_units(self):
        device = self.device(unit=self.b.squad2)
        with self.assertRaisesMessage(ValidationFailed, "only to staff of the units you manage"):
            actions.device_assign(actor=self.b.unit_head, device=device, holder=self.b.reviewer)
        issued = actions.device_assign(actor=self.b.unit_head, device=device, holder=self.b.officer)
        self.assertEqual(issued.assigned_by, self.b.unit_head)
        outside = self.device("DSJ-LEGAL", unit=self.b.legal_section)
        with self.assertRaises(AccessDenied):
            actions.device_assign(actor=self.b.unit_head, device=outside, holder=self.b.officer)

    def test_times_never_lie_in_the_future_nor_run_backwards(self):
        device = self.device()
        with self.assertRaisesMessage(ValidationFailed, "cannot be in the future"):
            self.assign(device, self.b.officer, hour=20)
        self.assign(device, self.b.officer, hour=7)
        with self.assertRaisesMessage(ValidationFailed, "before it was issued"):
            actions.device_return(actor=self.b.sysadmin, device=device, at=self.morning(6))
        actions.device_return(actor=self.b.sysadmin, device=device, at=self.morning(8))
        with self.assertRaisesMessage(ValidationFailed, "cannot start earlier"):
            self.assign(device, self.b.officer2, hour=7.5)
        self.assertEqual(self.assign(device, self.b.officer2, hour=8).holder, self.b.officer2)

    def test_returning_a_device_nobody_holds_is_refused(self):
        with self.assertRaisesMessage(ValidationFailed, "is not issued to anyone"):
            actions.device_return(actor=self.b.sysadmin, device=self.device())


class StatusTests(DeviceTestCase):
    def test_leaving_service_takes_the_device_back_and_is_audited(self):
        device = self.device()
        assignment = self.assign(device, self.b.officer, hour=7)
        actions.device_set_status(
            actor=self.b.sysadmin, device=device, status=DeviceStatus.LOST, reason="巡查中遗失", at=self.morning(8)
        )
        device.refresh_from_db()
        assignment.refresh_from_db()
        self.assertEqual((device.status, device.status_reason), ("lost", "巡查中遗失"))
        self.assertEqual(assignment.ended_at, self.morning(8))
        [audit] = self.audits("device.status")
        self.assertEqual(audit.detail["from"], "in_service")
        self.assertEqual(audit.detail["to"], "lost")
        self.assertEqual(audit.detail["holder"], self.b.officer.pk)
        [change] = device_status_history(device)
        self.assertEqual((change.old, change.new, change.reason), ("In service", "Lost", "巡查中遗失"))
        self.assertEqual(device_holder("DSJ-0001", self.morning(7.5)), self.b.officer)
        self.assertIsNone(device_holder("DSJ-0001", self.morning(8)))

    def test_the_status_table_is_followed_and_retired_is_final(self):
        device = self.device()
        moves = [
            (DeviceStatus.UNDER_REPAIR, True), (DeviceStatus.IN_SERVICE, True), (DeviceStatus.LOST, True),
            (DeviceStatus.UNDER_REPAIR, False), (DeviceStatus.IN_SERVICE, True), (DeviceStatus.RETIRED, True),
            (DeviceStatus.IN_SERVICE, False), (DeviceStatus.LOST, False),
        ]  # fmt: skip
        for status, allowed in moves:
            with self.subTest(status=status, allowed=allowed):
                before = RecordingDevice.objects.get(pk=device.pk).status
                if allowed:
                    actions.device_set_status(actor=self.b.sysadmin, device=device, status=status, reason="原因")
                    self.assertEqual(RecordingDevice.objects.get(pk=device.pk).status, status)
                else:
                    with self.assertRaises(ValidationFailed):
                        actions.device_set_status(actor=self.b.sysadmin, device=device, status=status, reason="原因")
                    self.assertEqual(RecordingDevice.objects.get(pk=device.pk).status, before)
        self.assertEqual(len(self.audits("device.status")), 5)

    def test_a_status_change_needs_a_reason(self):
        device = self.device()
        with self.assertRaises(ValidationFailed) as refused:
            actions.device_set_status(actor=self.b.sysadmin, device=device, status=DeviceStatus.RETIRED, reason="  ")
        self.assertIn("reason", refused.exception.errors)


class HolderTests(DeviceTestCase):
    def test_device_holder_follows_the_history(self):
        device = self.device()
        self.assign(device, self.b.officer, hour=6)
        actions.device_return(actor=self.b.sysadmin, device=device, at=self.morning(7))
        self.assign(device, self.b.officer2, hour=7)  # handed on at once: periods are half-open
        actions.device_return(actor=self.b.sysadmin, device=device, at=self.morning(8))
        self.assign(device, self.b.auxiliary, hour=8.5)
        table = [
            (5.99, None), (6, self.b.officer), (6.99, self.b.officer), (7, self.b.officer2), (7.99, self.b.officer2),
            (8, None), (8.25, None), (8.5, self.b.auxiliary), (8.9, self.b.auxiliary),
        ]  # fmt: skip
        for hour, holder in table:
            with self.subTest(hour=hour):
                self.assertEqual(device_holder("DSJ-0001", self.morning(hour)), holder)
        self.assertEqual(device_holder("dsj-0001", self.morning(6.5)), self.b.officer)
        self.assertIsNone(device_holder("NO-SUCH", self.morning(6.5)))
        self.assertIsNone(device_holder("", self.morning(6.5)))
