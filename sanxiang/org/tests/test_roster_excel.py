"""Excel export, template and all-or-nothing import of the staff and certificate roster, through HTTP."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from sanxiang.lib.xlsx import workbook_bytes
from sanxiang.org import actions
from sanxiang.org import roster_excel as rx
from sanxiang.org.models import Certificate, CertificateStatus, StaffKind, User
from sanxiang.org.selectors import EnforcementAct, officer_qualification
from sanxiang.record.models import AuditCategory, AuditEvent, AuditOutcome
from sanxiang.testing import TODAY, BureauTestCase

EXPORT = reverse("org:roster_export")
TEMPLATE = reverse("org:roster_template")
IMPORT = reverse("org:roster_import")


def person(username: str, name: str, **values: Any) -> dict[str, Any]:
    """One row of the import file, as {column title: value}; certificate columns only when given."""
    row = {rx.NAME: name, rx.USERNAME: username, rx.UNIT: "一中队", rx.KIND: "在编"}
    return row | values


def certificate(number: str, **values: Any) -> dict[str, Any]:
    row = {
        rx.CERT_NO: number,
        rx.AUTHORITY: "吉林省人民政府",
        rx.CATEGORIES: "市容环境卫生",
        rx.REGIONS: "铁西区",
        rx.VALID_FROM: dt.date(2024, 1, 1),
        rx.VALID_TO: dt.date(2028, 12, 31),
        rx.INSPECTION_YEAR: 2025,
    }
    return row | values


def workbook(rows: list[dict[str, Any]], headers: tuple[str, ...] = rx.HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_rows(data: bytes) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [str(c.value) for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


class RosterTestCase(BureauTestCase):
    def counts(self) -> tuple[int, int]:
        return User.objects.count(), Certificate.objects.count()

    def upload(self, data: bytes, name: str = "名册.xlsx") -> Any:
        self.login(self.b.sysadmin)
        return self.client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})

    def problems(self, response: Any) -> list[tuple[int, str]]:
        self.assertEqual(response.status_code, 200)
        return [(p.row, p.column) for p in response.context["problems"]]

    def last_import_audit(self) -> AuditEvent:
        event = AuditEvent.objects.filter(action="roster.import").order_by("-id").first()
        assert event is not None
        return event


class ExportTests(RosterTestCase):
    def test_it_exports_one_row_per_person_and_certificate_of_the_visible_units(self) -> None:
        actions.certificate_create(
            actor=self.b.system,
            holder=self.b.officer,
            number="22030099",
            issuing_authority="吉林省人民政府",
            categories=[self.b.city_appearance, self.b.planning],
            regions=[self.b.district, self.b.street],
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2029, 12, 31),
        )
        self.login(self.b.officer)
        response = self.client.get(EXPORT)
        self.assertEqual(response.status_code, 200)
        rows = sheet_rows(response.content)
        self.assertEqual(
            sorted((r[rx.USERNAME], r[rx.CERT_NO]) for r in rows),
            [("aux", None), ("officer", "22030001"), ("officer", "22030099"), ("officer2", "22030002")],
        )
        second = next(r for r in rows if r[rx.CERT_NO] == "22030099")
        self.assertEqual(second[rx.CATEGORIES], "城乡规划、市容环境卫生")  # in code order
        self.assertEqual(second[rx.REGIONS], "铁西区、站前街道")
        self.assertEqual(
            (second[rx.VALID_FROM], second[rx.STATUS], second[rx.KIND]), (dt.datetime(2025, 1, 1), "有效", "在编")
        )
        self.assertEqual(next(r for r in rows if r[rx.USERNAME] == "aux")[rx.KIND], "协管")

    def test_it_names_the_file_and_freezes_the_header(self) -> None:
        self.login(self.b.leader)
        response = self.client.get(EXPORT)
        day = timezone.localdate().isoformat()
        self.assertEqual(
            response["Content-Disposition"],
            f"attachment; filename=\"roster-{day}.xlsx\"; filename*=UTF-8''{quote(f'执法人员名册-{day}.xlsx')}",
        )
        self.assertEqual(response["Content-Type"], rx.XLSX_CONTENT_TYPE)
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertEqual(tuple(c.value for c in ws[1]), rx.HEADERS)
        self.assertEqual(ws.column_dimensions["K"].width, 24)
        valid_from = next(c for c in ws["M"][1:] if c.value is not None)
        self.assertEqual((valid_from.is_date, valid_from.number_format), (True, "yyyy-mm-dd"))
        usernames = {r[rx.USERNAME] for r in sheet_rows(response.content)}
        self.assertNotIn("system", usernames)
        self.assertEqual(len(usernames), User.objects.exclude(username="system").count())

    def test_it_writes_formula_like_names_as_literal_text(self) -> None:
        names = ['=HYPERLINK("http://x.example","y")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|'/C calc'!A0"]
        for number, name in enumerate(names):
            actions.staff_create(
                actor=self.b.system, username=f"inj{number}", full_name=name, staff_kind=StaffKind.CONTRACT
            )
        self.login(self.b.sysadmin)
        ws = load_workbook(io.BytesIO(self.client.get(EXPORT).content)).worksheets[0]
        cells = {c.value: c for c in ws["A"]}
        for name in names:
            with self.subTest(name=name):
                self.assertIn(name, cells)
                self.assertEqual(cells[name].data_type, "s")
                self.assertIs(cells[name].quotePrefix, True)

    def test_it_runs_a_fixed_number_of_queries_whatever_the_roster_size(self) -> None:
        self.login(self.b.sysadmin)
        self.client.get(EXPORT)  # warm the session and role caches
        with self.assertNumQueries(14) as first:
            self.client.get(EXPORT)
        for n in range(5):
            staff = actions.staff_create(
                actor=self.b.system, username=f"more{n}", full_name="新人", staff_kind=StaffKind.ESTABLISHED
            )
            actions.certificate_create(
                actor=self.b.system, holder=staff, number=f"2203100{n}", issuing_authority="省政府",
                categories=[self.b.city_appearance], regions=[self.b.district],
                valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2028, 1, 1),
            )  # fmt: skip
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(EXPORT)

    def test_it_is_hidden_from_those_without_a_roster_scope(self) -> None:
        self.login(self.b.auditadmin)
        self.assertEqual(self.client.get(EXPORT).status_code, 404)
        self.assertEqual(self.client.get(TEMPLATE).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(EXPORT).status_code, 302)


class TemplateTests(RosterTestCase):
    def test_it_gives_the_header_an_example_and_the_explanations(self) -> None:
        self.login(self.b.sysadmin)
        response = self.client.get(TEMPLATE)
        self.assertEqual(response.status_code, 200)
        self.assertIn("filename*=UTF-8''", response["Content-Disposition"])
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb.sheetnames, [rx.SHEET_TITLE, rx.HELP_TITLE])
        ws, help_sheet = wb.worksheets
        self.assertEqual(tuple(c.value for c in ws[1]), rx.HEADERS)
        self.assertEqual(ws.max_row, 2)
        texts = [c.value for row in help_sheet.iter_rows() for c in row if c.value]
        for expected in ("市容环境卫生", "城乡规划", "铁西区", "站前街道", "一中队", "b1s1", *rx.HEADERS):
            self.assertIn(expected, texts)
        self.assertTrue(any("在编、协管、合同" in str(t) for t in texts))
        self.assertTrue(any("有效、暂扣、吊销、过期" in str(t) for t in texts))
        rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
        self.assertEqual(rules["F2"], '"在编,协管,合同"')
        self.assertEqual(rules["P2"], '"有效,暂扣,吊销,过期"')
        first, last = (int(part.split("$")[-1]) for part in rules["D2"].split("!")[1].split(":"))
        units = [help_sheet.cell(row=r, column=1).value for r in range(first, last + 1)]
        self.assertEqual(sorted(units), sorted(["局机关", "法制科", "一大队", "一中队", "二中队"]))

    def test_it_imports_its_own_example_row(self) -> None:
        self.login(self.b.sysadmin)
        data = self.client.get(TEMPLATE).content
        response = self.upload(data, "模板.xlsx")
        self.assertRedirects(response, IMPORT)
        self.assertEqual(Certificate.objects.get(number="22039999").holder.username, "zhangsan")


class ImportTests(RosterTestCase):
    def test_it_changes_nothing_when_reimporting_its_own_export(self) -> None:
        actions.certificate_create(
            actor=self.b.system, holder=self.b.officer, number="22030099", issuing_authority="吉林省人民政府",
            categories=[self.b.planning, self.b.city_appearance], regions=[self.b.street],
            valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31),
        )  # fmt: skip
        cert = Certificate.objects.get(number="22030002")
        actions.certificate_set_status(
            actor=self.b.system, certificate=cert, status=CertificateStatus.WITHHELD, reason="未年审"
        )
        actions.staff_create(actor=self.b.system, username="inj", full_name="=1+2", staff_kind=StaffKind.CONTRACT)
        self.login(self.b.sysadmin)
        exported = self.client.get(EXPORT).content
        data_events = AuditEvent.objects.filter(category=AuditCategory.DATA)
        before, audit_before = self.counts(), data_events.count()
        response = self.upload(exported, "执法人员名册.xlsx")
        self.assertRedirects(response, IMPORT, fetch_redirect_response=False)
        self.assertEqual(self.counts(), before)
        event = self.last_import_audit()
        self.assertEqual(event.outcome, AuditOutcome.SUCCESS)
        self.assertEqual(
            event.detail,
            {
                "rows": len(sheet_rows(exported)),
                "staff_created": 0,
                "staff_updated": 0,
                "certificates_created": 0,
                "certificates_updated": 0,
            },
        )
        self.assertEqual(data_events.count(), audit_before + 1)  # no staff or certificate change was recorded
        page = self.client.get(IMPORT)
        self.assertContains(page, "0 staff created, 0 updated; 0 certificates created, 0 updated")
        self.assertEqual(User.objects.get(username="inj").full_name, "=1+2")

    def test_it_creates_staff_and_certificates_that_then_qualify(self) -> None:
        rows = [
            person("newbie", "刘新人", **{rx.EMPLOYEE_NO: 2001, rx.PHONE: 13900000000})
            | certificate(
                "22035001", **{rx.VALID_FROM: "2024-03-01", rx.CATEGORIES: "srhw, cxgh", rx.REGIONS: "tiexi"}
            ),
            person("helper", "陈协管", **{rx.KIND: "协管", rx.UNIT: "b1s2"}),
            person("officer2", "李执法", **{rx.PHONE: "13700000000"}) | certificate("22030002", **{rx.STATUS: "暂扣"}),
        ]
        before = self.counts()
        response = self.upload(workbook(rows))
        self.assertRedirects(response, IMPORT)
        self.assertEqual(self.counts(), (before[0] + 2, before[1] + 1))
        newbie = User.objects.get(username="newbie")
        self.assertEqual(
            (newbie.full_name, newbie.employee_no, newbie.phone, newbie.unit),
            ("刘新人", "2001", "13900000000", self.b.squad1),
        )
        self.assertIs(newbie.has_usable_password(), False)
        for category in (self.b.city_appearance, self.b.planning):
            answer = officer_qualification(
                newbie, act=EnforcementAct.INSPECT, category=category, region=self.b.street, on=TODAY
            )
            self.assertIs(answer.allowed, True, answer.reasons)
        self.assertEqual(User.objects.get(username="helper").staff_kind, StaffKind.AUXILIARY)
        self.assertEqual(User.objects.get(username="officer2").phone, "13700000000")
        withheld = Certificate.objects.get(number="22030002")
        self.assertEqual((withheld.status, withheld.status_reason), (CertificateStatus.WITHHELD, "Excel 导入"))
        self.assertEqual(
            self.last_import_audit().detail,
            {"rows": 3, "staff_created": 2, "staff_updated": 1, "certificates_created": 1, "certificates_updated": 1},
        )

    def test_it_refuses_a_file_with_bad_rows_and_saves_nothing(self) -> None:
        rows = [
            person("good1", "好一") | certificate("22036001"),
            person("bad1", "坏一", **{rx.UNIT: "三中队"}),
            person("good2", "好二"),
            person("bad2", "坏二")
            | certificate("22036002", **{rx.VALID_FROM: dt.date(2028, 1, 1), rx.VALID_TO: "2027-12-31"}),
            person("bad3", "坏三", **{rx.KIND: "协管"}) | certificate("22036003"),
            person("good3", "好三", **{rx.KIND: "合同", rx.UNIT: None}),
        ]
        before = self.counts()
        response = self.upload(workbook(rows))
        self.assertEqual(self.problems(response), [(3, rx.UNIT), (5, rx.VALID_TO), (6, rx.KIND)])
        self.assertContains(response, "Nothing was imported")
        self.assertContains(response, "三中队")
        self.assertContains(response, "Unknown: 三中队.")
        self.assertContains(response, "The end of validity is before its start.")
        self.assertContains(response, "Only established staff (在编) may hold an enforcement certificate.")
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.last_import_audit().outcome, AuditOutcome.FAILURE)

    def test_it_reports_every_kind_of_row_problem(self) -> None:
        cases = [
            (person("x", "短名"), rx.USERNAME),
            (person("system", "系统"), rx.USERNAME),
            (person("has space", "空格"), rx.USERNAME),
            (person("noname", ""), rx.NAME),
            (person("nokind", "无类别", **{rx.KIND: None}), rx.KIND),
            (person("oddkind", "怪类别", **{rx.KIND: "临时"}), rx.KIND),
            (person("contract", "合同工", **{rx.KIND: "合同"}) | certificate("22037001"), rx.KIND),
            (person("nocat", "无类别证") | certificate("22037002", **{rx.CATEGORIES: None}), rx.CATEGORIES),
            (person("badregion", "错区域") | certificate("22037003", **{rx.REGIONS: "铁西区、火星"}), rx.REGIONS),
            (person("baddate", "错日期") | certificate("22037004", **{rx.VALID_TO: "2028-13-01"}), rx.VALID_TO),
            (person("nodate", "无日期") | certificate("22037005", **{rx.VALID_FROM: None}), rx.VALID_FROM),
            (person("year", "年审") | certificate("22037006", **{rx.INSPECTION_YEAR: 2030}), rx.INSPECTION_YEAR),
            (person("status", "状态") | certificate("22037007", **{rx.STATUS: "注销"}), rx.STATUS),
            (person("nonumber", "无证号", **{rx.AUTHORITY: "吉林省人民政府"}), rx.CERT_NO),
            (person("taken", "冒用") | certificate("22030001"), rx.CERT_NO),
        ]
        for row, column in cases:
            with self.subTest(column=column, username=row[rx.USERNAME]):
                before = self.counts()
                self.assertEqual(self.problems(self.upload(workbook([row]))), [(2, column)])
                self.assertEqual(self.counts(), before)

    def test_it_refuses_repeated_login_names_and_certificate_numbers(self) -> None:
        rows = [
            person("twice", "两次") | certificate("22038001"),
            person("twice", "两次") | certificate("22038002"),  # another certificate of the same person: fine
            person("twice", "两次", **{rx.PHONE: "1"}) | certificate("22038003"),  # different personal data
            person("once", "一次"),
            person("once", "一次"),
            person("other", "别人") | certificate("22038001"),
        ]
        problems = self.problems(self.upload(workbook(rows)))
        self.assertEqual(problems, [(4, rx.USERNAME), (6, rx.USERNAME), (7, rx.CERT_NO)])

    def test_it_rolls_back_everything_when_an_action_refuses_a_row(self) -> None:
        cert = Certificate.objects.get(number="22030002")
        actions.certificate_set_status(
            actor=self.b.system, certificate=cert, status=CertificateStatus.REVOKED, reason="出借"
        )
        rows = [
            person("first", "先建"),
            person("officer2", "李执法") | certificate("22030002", **{rx.STATUS: "有效"}),
        ]
        before = self.counts()
        response = self.upload(workbook(rows))
        self.assertEqual(self.problems(response), [(3, rx.STATUS)])
        self.assertContains(response, "row 3 was refused")
        self.assertEqual(self.counts(), before)
        self.assertFalse(User.objects.filter(username="first").exists())

    def test_it_ignores_blank_rows_extra_columns_and_column_order(self) -> None:
        headers = tuple(reversed(rx.HEADERS)) + ("备注",)
        rows = [person("spaced", "空行后", 备注="任意") | certificate("22039001"), {}, {}, person("last", "最后")]
        response = self.upload(workbook(rows, headers))
        self.assertRedirects(response, IMPORT)
        self.assertTrue(User.objects.filter(username__in=["spaced", "last"]).count() == 2)

    def test_it_explains_files_it_cannot_use(self) -> None:
        headers_only = workbook([])
        missing_column = workbook([person("a1", "甲")], rx.HEADERS[:-1])
        cases = [
            (b"name,phone\n", "roster.csv", "Upload an Excel workbook ending in .xlsx"),
            (b"not a zip at all", "roster.xlsx", "The file is not an Excel workbook (.xlsx) or it is damaged."),
            (b"PK\x03\x04 but broken", "roster.xlsx", "The file is not an Excel workbook (.xlsx) or it is damaged."),
            (workbook_bytes(Workbook()), "empty.xlsx", "The workbook is empty"),
            (headers_only, "headers.xlsx", "The workbook has column headers but no rows to import."),
            (missing_column, "old.xlsx", "These columns are missing"),
        ]
        for data, name, message in cases:
            with self.subTest(name=name):
                response = self.upload(data, name)
                self.assertContains(response, message, status_code=200)

    def test_it_refuses_files_that_are_too_large_or_too_long(self) -> None:
        response = self.upload(b"PK\x03\x04" + b"0" * rx.MAX_UPLOAD_BYTES, "big.xlsx")
        self.assertContains(response, "The file is larger than 5.0", status_code=200)
        with override_settings(IMPORT_MAX_ROWS=2):
            response = self.upload(workbook([person(f"p{n}", "某人") for n in range(3)]))
        self.assertContains(response, "The file has more than 2 rows")
        self.assertFalse(User.objects.filter(username="p0").exists())

    def test_it_is_hidden_from_those_who_may_not_import(self) -> None:
        for user in (self.b.officer, self.b.supervisor, self.b.leader, self.b.reviewer, self.b.secadmin):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(IMPORT).status_code, 404)
                upload = SimpleUploadedFile("名册.xlsx", workbook([person("sneak", "偷偷")]))
                self.assertEqual(self.client.post(IMPORT, {"file": upload}).status_code, 404)
        self.assertFalse(User.objects.filter(username="sneak").exists())
        self.login(self.b.sysadmin)
        self.assertContains(self.client.get(IMPORT), reverse("org:roster_template"))
