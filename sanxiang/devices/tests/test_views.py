"""The device pages through HTTP: scope, filters, forms, Excel export and import."""

from __future__ import annotations

import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sanxiang.devices import actions, excel
from sanxiang.devices.models import DeviceAssignment, DeviceStatus, RecordingDevice
from sanxiang.devices.tests.base import DeviceTestCase
from sanxiang.record.models import AuditEvent


def xlsx_upload(rows: list[list[object]], headers: tuple[str, ...] = excel.HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = excel.SHEET_TITLE
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "devices.xlsx"
    return buffer


class DeviceViewTestCase(DeviceTestCase):
    def setUp(self):
        super().setUp()
        self.cam1 = self.device("DSJ-0001", make="海康")
        self.cam2 = self.device("DSJ-0002", unit=self.b.squad2)
        self.drone = self.device("UAV-01", device_type="drone", unit=self.b.squad2)
        self.legal = self.device("REC-LEGAL", device_type="audio_recorder", unit=self.b.legal_section)
        self.assign(self.cam1, self.b.officer, hour=8)
        actions.device_set_status(
            actor=self.b.sysadmin, device=self.cam2, status=DeviceStatus.UNDER_REPAIR, reason="屏幕坏"
        )

    def listed(self, **params) -> list[str]:
        response = self.client.get(reverse("devices:device_list"), params)
        self.assertEqual(response.status_code, 200)
        return [device.serial for device, _holder in response.context["rows"]]


class ListTests(DeviceViewTestCase):
    def test_the_system_administrator_sees_every_unit_and_a_unit_head_their_own(self):
        self.login(self.b.sysadmin)
        self.assertEqual(self.listed(), ["DSJ-0001", "DSJ-0002", "REC-LEGAL", "UAV-01"])
        self.login(self.b.unit_head)
        self.assertEqual(self.listed(), ["DSJ-0001", "DSJ-0002", "UAV-01"])

    def test_the_filters(self):
        self.login(self.b.sysadmin)
        table: list[tuple[dict[str, Any], list[str]]] = [
            ({"q": "dsj"}, ["DSJ-0001", "DSJ-0002"]),
            ({"q": "王执法"}, ["DSJ-0001"]),  # the current holder
            ({"q": "officer"}, ["DSJ-0001"]),  # the holder's login name
            ({"q": "海康"}, ["DSJ-0001"]),
            ({"status": "under_repair"}, ["DSJ-0002"]),
            ({"device_type": "drone"}, ["UAV-01"]),
            ({"unit": self.b.squad2.pk}, ["DSJ-0002", "UAV-01"]),
            ({"unit": self.b.brigade.pk, "status": "in_service"}, ["DSJ-0001", "UAV-01"]),
            ({"status": "nonsense"}, ["DSJ-0001", "DSJ-0002", "REC-LEGAL", "UAV-01"]),  # ignored, shown as an error
        ]
        for params, serials in table:
            with self.subTest(params=params):
                self.assertEqual(self.listed(**params), serials)

    def test_a_unit_head_cannot_filter_on_a_unit_outside_their_scope(self):
        self.login(self.b.unit_head)
        self.assertEqual(self.listed(unit=self.b.legal_section.pk), ["DSJ-0001", "DSJ-0002", "UAV-01"])

    def test_the_list_pages(self):
        for n in range(30):
            self.device(f"BULK-{n:02d}")
        self.login(self.b.sysadmin)
        self.assertEqual(len(self.listed()), 25)
        self.assertEqual(len(self.listed(page=2)), 34 - 25)

    def test_it_lists_a_page_in_a_constant_number_of_queries(self):
        self.login(self.b.sysadmin)
        self.client.get(reverse("devices:device_list"))  # warm the session
        with CaptureQueriesContext(connection) as first:
            self.client.get(reverse("devices:device_list"))
        for n in range(20):
            device = self.device(f"MORE-{n:02d}")
            if n % 2:
                self.assign(device, self.b.officer2)
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.client.get(reverse("devices:device_list"))
        self.assertEqual(len(response.context["rows"]), 24)

    def test_people_without_the_permission_get_404_everywhere(self):
        pages = [
            reverse("devices:device_list"),
            reverse("devices:device_create"),
            reverse("devices:device_export"),
            reverse("devices:device_template"),
            reverse("devices:device_import"),
            reverse("devices:device_detail", args=[self.cam1.pk]),
            reverse("devices:device_edit", args=[self.cam1.pk]),
        ]
        for user in (self.b.officer, self.b.auxiliary, self.b.leader, self.b.supervisor, self.b.auditadmin):
            self.login(user)
            for url in pages:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            response = self.client.post(reverse("devices:device_return", args=[self.cam1.pk]))
            self.assertEqual(response.status_code, 404)
        self.assertTrue(DeviceAssignment.objects.filter(device=self.cam1, ended_at__isnull=True).exists())

    def test_a_device_outside_the_unit_heads_scope_is_404(self):
        self.login(self.b.unit_head)
        self.assertEqual(self.client.get(reverse("devices:device_detail", args=[self.legal.pk])).status_code, 404)
        response = self.client.post(
            reverse("devices:device_status", args=[self.legal.pk]), {"status": "retired", "reason": "x"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(RecordingDevice.objects.get(pk=self.legal.pk).status, "in_service")

    def test_the_menu_links_the_registry_for_those_who_manage_it(self):
        self.login(self.b.unit_head)
        self.assertContains(self.client.get(reverse("home")), reverse("devices:device_list"))
        self.login(self.b.officer)
        self.assertNotContains(self.client.get(reverse("home")), reverse("devices:device_list"))


class FormTests(DeviceViewTestCase):
    def test_register_then_issue_return_and_change_status(self):
        self.login(self.b.unit_head)
        response = self.client.post(
            reverse("devices:device_create"),
            {"serial": "dsj-0100", "device_type": "body_camera", "unit": self.b.squad1.pk, "make": "", "model": ""},
        )
        device = RecordingDevice.objects.get(serial="DSJ-0100")
        self.assertRedirects(response, reverse("devices:device_detail", args=[device.pk]))
        detail = self.client.get(reverse("devices:device_detail", args=[device.pk]))
        self.assertContains(detail, "Issue the device")
        response = self.client.post(reverse("devices:device_assign", args=[device.pk]), {"holder": self.b.officer2.pk})
        self.assertRedirects(response, reverse("devices:device_detail", args=[device.pk]))
        self.assertContains(self.client.get(reverse("devices:device_detail", args=[device.pk])), "李执法")
        response = self.client.post(reverse("devices:device_return", args=[device.pk]), {"note": "归还"})
        self.assertRedirects(response, reverse("devices:device_detail", args=[device.pk]))
        response = self.client.post(
            reverse("devices:device_status", args=[device.pk]), {"status": "retired", "reason": "老化"}
        )
        self.assertRedirects(response, reverse("devices:device_detail", args=[device.pk]))
        device.refresh_from_db()
        self.assertEqual(device.status, "retired")
        actions_seen = set(
            AuditEvent.objects.filter(object_type__startswith="devices.").values_list("action", flat=True)
        )
        self.assertTrue({"device.register", "device.assign", "device.return", "device.status"} <= actions_seen)

    def test_refusals_are_form_errors_not_500(self):
        self.login(self.b.sysadmin)
        response = self.client.post(
            reverse("devices:device_create"),
            {"serial": "DSJ-0001", "device_type": "body_camera", "unit": self.b.squad1.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "already registered")
        # Issuing a device under repair: the refusal is shown on the issue form.
        response = self.client.post(
            reverse("devices:device_assign", args=[self.cam2.pk]), {"holder": self.b.officer.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "only a device in service can be issued")
        response = self.client.post(
            reverse("devices:device_assign", args=[self.drone.pk]), {"holder": "abc", "at": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["assign_form"].errors)
        response = self.client.post(reverse("devices:device_status", args=[self.cam1.pk]), {"status": "retired"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("reason", response.context["status_form"].errors)
        self.assertFalse(DeviceAssignment.objects.filter(device__in=[self.cam2, self.drone]).exists())

    def test_edit_keeps_the_serial(self):
        self.login(self.b.sysadmin)
        response = self.client.post(
            reverse("devices:device_edit", args=[self.cam1.pk]),
            {"device_type": "camera", "unit": self.b.squad2.pk, "make": "索尼", "model": "A7", "notes": ""},
        )
        self.assertRedirects(response, reverse("devices:device_detail", args=[self.cam1.pk]))
        self.cam1.refresh_from_db()
        self.assertEqual((self.cam1.serial, self.cam1.make, self.cam1.unit), ("DSJ-0001", "索尼", self.b.squad2))


class ExcelTests(DeviceViewTestCase):
    def test_the_export_opens_and_follows_the_filters(self):
        self.login(self.b.sysadmin)
        response = self.client.get(reverse("devices:device_export"), {"unit": self.b.squad1.pk})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        ws = load_workbook(io.BytesIO(response.content)).active
        assert ws is not None
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(rows[0], excel.EXPORT_HEADERS)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][:6], ("DSJ-0001", "执法记录仪", "海康", None, "一中队", "在用"))
        self.assertEqual(rows[1][7], "王执法（officer）")

    def test_the_template_opens_with_the_users_units(self):
        self.login(self.b.unit_head)
        response = self.client.get(reverse("devices:device_template"))
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(next(wb[excel.SHEET_TITLE].iter_rows(values_only=True)), excel.HEADERS)
        help_text = [c for row in wb[excel.HELP_TITLE].iter_rows(values_only=True) for c in row if c]
        self.assertIn("一中队", help_text)
        self.assertNotIn("法制科", help_text)

    def test_an_import_registers_and_updates_all_or_nothing(self):
        self.login(self.b.sysadmin)
        upload = xlsx_upload(
            [
                ["dsj-0200", "执法记录仪", "海康", "V9", "一中队", "", ""],
                ["DSJ-0001", "执法记录仪", "海康", "V10", "b1s1", "", "更新型号"],
                ["UAV-01", "无人机", "", "", "二中队", "报废", ""],
            ]
        )
        response = self.client.post(reverse("devices:device_import"), {"file": upload})
        self.assertRedirects(response, reverse("devices:device_import"))
        self.assertEqual(RecordingDevice.objects.get(serial="DSJ-0200").model, "V9")
        self.assertEqual(RecordingDevice.objects.get(serial="DSJ-0001").model, "V10")
        self.assertEqual(RecordingDevice.objects.get(serial="UAV-01").status, "retired")
        [audit] = self.audits("device.import")
        self.assertEqual(audit.detail, {"rows": 3, "created": 1, "updated": 2})

    def test_an_import_with_bad_rows_reports_them_and_writes_nothing(self):
        self.login(self.b.unit_head)
        before = list(RecordingDevice.objects.values_list("serial", "model", "status"))
        upload = xlsx_upload(
            [
                ["DSJ-0300", "执法记录仪", "", "", "一中队", "", ""],  # fine alone
                ["DSJ 0301", "手电筒", "", "", "法制科", "", ""],  # bad serial, type, unit outside scope
                ["DSJ-0300", "相机", "", "", "一中队", "", ""],  # repeated serial
                ["REC-LEGAL", "录音笔", "", "", "一中队", "", ""],  # a device of a unit not managed
                ["DSJ-0002", "执法记录仪", "", "", "二中队", "遗失", ""],  # allowed: repair -> lost
                ["UAV-01", "无人机", "", "", "二中队", "bogus", ""],
            ]
        )
        response = self.client.post(reverse("devices:device_import"), {"file": upload})
        self.assertEqual(response.status_code, 200)
        problems = {(p.row, p.column) for p in response.context["problems"]}
        expected = {(3, "序列号"), (3, "类型"), (3, "单位"), (4, "序列号"), (5, "序列号"), (7, "状态")}
        self.assertEqual(problems, expected)
        self.assertContains(response, "Nothing was imported")
        self.assertEqual(list(RecordingDevice.objects.values_list("serial", "model", "status")), before)
        [audit] = self.audits("device.import")
        self.assertEqual(audit.outcome, "failure")

    def test_an_action_refusing_a_row_rolls_everything_back(self):
        self.login(self.b.sysadmin)
        retired = self.device("OLD-1")
        actions.device_set_status(actor=self.b.sysadmin, device=retired, status=DeviceStatus.RETIRED, reason="报废")
        upload = xlsx_upload(
            [["NEW-1", "相机", "", "", "一中队", "", ""], ["OLD-1", "相机", "", "", "一中队", "在用", ""]]
        )
        response = self.client.post(reverse("devices:device_import"), {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([p.row for p in response.context["problems"]], [3])
        self.assertFalse(RecordingDevice.objects.filter(serial="NEW-1").exists())

    def test_a_file_that_is_not_a_workbook_is_a_form_error(self):
        self.login(self.b.sysadmin)
        upload = io.BytesIO(b"serial,type\nX,Y\n")
        upload.name = "devices.xlsx"
        response = self.client.post(reverse("devices:device_import"), {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "not an Excel workbook")
        missing = xlsx_upload([["X-1"]], headers=("序列号",))
        response = self.client.post(reverse("devices:device_import"), {"file": missing})
        self.assertContains(response, "does not have the columns of the template")
