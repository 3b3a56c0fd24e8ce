"""The audit trail page: only the audit administrator reads it, filters and exports it, and nobody changes it."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from sanxiang.record import context, verify_views, views
from sanxiang.record import urls as record_urls
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditEvent, AuditOutcome
from sanxiang.testing import PASSWORD, BureauTestCase

URL = "/audit/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def event(at: dt.datetime, action: str = "test.event", *, ip: str | None = None, **kwargs) -> AuditEvent:
    """Append an audit event as if it happened at ``at`` from ``ip``."""
    token = context.activate(context.RequestContext(ip=ip, channel="web"))
    try:
        with time_machine.travel(at, tick=False):
            kwargs.setdefault("category", AuditCategory.DATA)
            kwargs.setdefault("actor", None)
            return audit_record(action=action, **kwargs)
    finally:
        context.deactivate(token)


# Argon2 is slow by design: the personas' passwords are hashed with a fast hasher here.
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def shown_ids(response) -> list[int]:
    return [row.event.pk for row in response.context["rows"]]


@FAST_HASHER
class AuditPageAccessTests(BureauTestCase):
    def test_it_is_not_found_for_everyone_but_the_audit_administrator(self):
        for name in ("officer", "unit_head", "reviewer", "leader", "supervisor", "sysadmin", "secadmin"):
            with self.subTest(name):
                self.login(getattr(self.b, name))
                self.assertEqual(self.client.get(URL).status_code, 404)
                self.assertEqual(self.client.get(URL + "?format=xlsx").status_code, 404)

    def test_it_sends_an_anonymous_visitor_to_the_login_page(self):
        response = self.client.get(URL)
        self.assertRedirects(response, "/login/?next=/audit/", fetch_redirect_response=False)

    def test_it_opens_for_the_audit_administrator(self):
        self.login(self.b.auditadmin)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "record/audit_list.html")
        self.assertTrue(response.context["filtered"])
        self.assertContains(response, "?format=xlsx")

    @override_settings(MFA_REQUIRED=False)
    def test_it_shows_the_login_successes_and_failures_of_the_login_page(self):
        Client().post("/login/", {"username": "officer", "password": "wrong-password"})
        Client().post("/login/", {"username": "officer", "password": PASSWORD})
        Client().post("/login/", {"username": "nobody-here", "password": "x"})
        self.login(self.b.auditadmin)
        response = self.client.get(URL, {"action": "login.*"})
        actions = [(row.event.actor_label, row.event.action, row.event.outcome) for row in response.context["rows"]]
        self.assertEqual(
            actions,
            [
                ("nobody-here", "login.failure", AuditOutcome.FAILURE),
                ("officer", "login.success", AuditOutcome.SUCCESS),
                ("officer", "login.failure", AuditOutcome.FAILURE),
            ],
        )
        self.assertContains(response, "nobody-here")


@FAST_HASHER
class AuditPageFilterTests(BureauTestCase):
    e1: AuditEvent
    e2: AuditEvent
    e3: AuditEvent
    e4: AuditEvent

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        day = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
        cls.e1 = event(day, "login.failure", actor=cls.b.officer, category=AuditCategory.AUTH,
                       outcome=AuditOutcome.FAILURE, ip="10.1.1.1")  # fmt: skip
        cls.e2 = event(
            day + dt.timedelta(hours=14, minutes=59),
            "login.success",
            actor=cls.b.officer,
            category=AuditCategory.AUTH,
            ip="10.1.1.2",
        )  # fmt: skip  (23:59 local, still 10 March)
        cls.e3 = event(day + dt.timedelta(days=1), "role.grant", actor=cls.b.secadmin,
                       category=AuditCategory.PERMISSION, ip="10.1.1.1")  # fmt: skip
        cls.e4 = event(day + dt.timedelta(days=2), "login", actor=cls.b.reviewer, category=AuditCategory.AUTH,
                       outcome=AuditOutcome.DENIED)  # fmt: skip

    def setUp(self) -> None:
        self.login(self.b.auditadmin)

    def ids(self, **params: str) -> list[int]:
        response = self.client.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-31", **params})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["filtered"], response.context["form"].errors)
        return shown_ids(response)

    def test_it_lists_newest_first(self):
        self.assertEqual(self.ids(), [self.e4.pk, self.e3.pk, self.e2.pk, self.e1.pk])

    def test_it_filters_each_field(self):
        e1, e2, e3, e4 = self.e1.pk, self.e2.pk, self.e3.pk, self.e4.pk
        cases = [
            ({"date_from": "2026-03-11"}, [e4, e3]),
            ({"date_to": "2026-03-10"}, [e2, e1]),
            ({"date_from": "2026-03-11", "date_to": "2026-03-11"}, [e3]),
            ({"user": "OFFIC"}, [e2, e1]),
            ({"user": "secadmin"}, [e3]),
            ({"action": "login.failure"}, [e1]),
            ({"action": "login"}, [e4]),
            ({"action": "login.*"}, [e2, e1]),
            ({"action": "login."}, [e2, e1]),
            ({"category": "permission"}, [e3]),
            ({"outcome": "denied"}, [e4]),
            ({"outcome": "success"}, [e3, e2]),
            ({"ip": "10.1.1.1"}, [e3, e1]),
            ({"ip": "10.1.1.1", "category": "auth"}, [e1]),
        ]
        for params, expected in cases:
            with self.subTest(params=params):
                self.assertEqual(self.ids(**params), expected)

    def test_it_shows_form_errors_for_junk_parameters_and_never_fails(self):
        cases = [
            {"date_from": "yesterday"},
            {"date_to": "2026-02-30"},
            {"date_from": "0001-01-01"},
            {"date_to": "9999-12-31"},
            {"date_from": "2026-03-12", "date_to": "2026-03-01"},
            {"category": "nonsense"},
            {"outcome": "maybe"},
            {"ip": "999.1.1.1"},
            {"user": "x" * 500},
            {"action": "a" * 100},
            {"ip": "10.1.1.1", "format": "xlsx", "date_from": "junk"},
        ]
        for params in cases:
            with self.subTest(params=params):
                response = self.client.get(URL, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
                self.assertTrue(response.context["form"].errors)
                self.assertEqual(response.context["rows"], [])
                self.assertContains(response, 'class="errorlist"')

    def test_it_tolerates_junk_pages_and_formats(self):
        for params in ({"page": "abc"}, {"page": "-1"}, {"page": "99999"}, {"format": "pdf"}, {"zzz": "1"}):
            with self.subTest(params=params):
                response = self.client.get(URL, params)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["filtered"])

    def test_it_pages_fifty_events_at_a_time(self):
        start = dt.datetime(2026, 5, 1, 8, 0, tzinfo=SHANGHAI)
        made = [event(start + dt.timedelta(minutes=i), "bulk.event").pk for i in range(120)]
        first = self.client.get(URL, {"action": "bulk.event"})
        self.assertEqual(first.context["page_obj"].paginator.count, 120)
        self.assertEqual(shown_ids(first), made[::-1][:50])
        self.assertContains(first, "page=2")
        last = self.client.get(URL, {"action": "bulk.event", "page": "3"})
        self.assertEqual(shown_ids(last), made[::-1][100:])

    def test_it_runs_the_same_queries_for_one_row_or_fifty(self):
        start = dt.datetime(2026, 5, 1, 8, 0, tzinfo=SHANGHAI)
        for i in range(60):
            event(start + dt.timedelta(minutes=i), "bulk.event", actor=self.b.officer)
        self.client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as one:
            self.client.get(URL, {"action": "role.grant", "date_from": "2026-03-11", "date_to": "2026-03-11"})
        with CaptureQueriesContext(connection) as fifty:
            self.client.get(URL, {"action": "bulk.event"})
        self.assertEqual(len(one), len(fifty))


@FAST_HASHER
class AuditExportTests(BureauTestCase):
    def setUp(self) -> None:
        self.login(self.b.auditadmin)

    def export(self, **params: str):
        response = self.client.get(URL, {"format": "xlsx", **params})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertIn("attachment;", response["Content-Disposition"])
        return load_workbook(io.BytesIO(response.content)).active

    def test_it_exports_the_filtered_rows_newest_first(self):
        at = dt.datetime(2026, 6, 1, 10, 30, tzinfo=SHANGHAI)
        event(at, "export.test", actor=self.b.officer, ip="192.0.2.7", detail={"reason": "测试"})
        event(at + dt.timedelta(hours=1), "export.test", actor=self.b.reviewer)
        event(at, "other.event")
        sheet = self.export(action="export.test")
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 3)
        self.assertEqual(len(rows[0]), 13)
        self.assertEqual([r[1] for r in rows[1:]], ["reviewer", "officer"])
        self.assertEqual(rows[2][0], dt.datetime(2026, 6, 1, 10, 30))
        self.assertEqual((rows[2][3], rows[2][8]), ("export.test", "192.0.2.7"))
        self.assertIn("测试", rows[2][12])

    def test_it_writes_formula_like_text_as_text(self):
        event(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), "login.failure",
              actor_label='=HYPERLINK("http://x","y")\x07', category=AuditCategory.AUTH)  # fmt: skip
        sheet = self.export(action="login.failure")
        cell = sheet.cell(row=2, column=2)
        self.assertEqual(cell.value, '=HYPERLINK("http://x","y")')
        self.assertEqual(cell.data_type, "s")

    def test_it_caps_the_export_with_a_note(self):
        start = dt.datetime(2026, 6, 1, 8, 0, tzinfo=SHANGHAI)
        for i in range(5):
            event(start + dt.timedelta(minutes=i), "cap.event")
        with mock.patch.object(views, "EXPORT_MAX_ROWS", 3):
            rows = list(self.export(action="cap.event").iter_rows(values_only=True))
        self.assertIn("3", rows[0][0])
        self.assertEqual(len(rows), 1 + 1 + 3)  # note, header, three newest rows
        self.assertEqual(rows[2][0], dt.datetime(2026, 6, 1, 8, 4))
        record = AuditEvent.objects.get(action="audit.export")
        self.assertEqual((record.detail["rows"], record.detail["capped"]), (3, True))
        with mock.patch.object(views, "EXPORT_MAX_ROWS", 5):  # exactly at the cap: nothing left out
            rows = list(self.export(action="cap.event").iter_rows(values_only=True))
        self.assertEqual(len(rows), 1 + 5)
        self.assertEqual([r[3] for r in rows[1:]], ["cap.event"] * 5)

    def test_it_audits_the_export_with_its_filters(self):
        self.export(action="login.*", outcome="failure")
        record = AuditEvent.objects.get(action="audit.export")
        self.assertEqual(record.actor, self.b.auditadmin)
        self.assertEqual(record.detail["filters"], {"action": "login.*", "outcome": "failure"})
        self.assertIs(record.detail["capped"], False)


@FAST_HASHER
class AuditTrailIsReadOnlyTests(BureauTestCase):
    def snapshot(self) -> dict[int, tuple[object, ...]]:
        fields = [f.attname for f in AuditEvent._meta.concrete_fields]
        return {row[0]: row for row in AuditEvent.objects.values_list(*fields)}

    def test_it_refuses_every_writing_method_and_changes_nothing(self):
        self.login(self.b.auditadmin)
        before = self.snapshot()
        self.assertTrue(before)
        target = next(iter(before))
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(URL, {"id": target, "action": "x"})
                self.assertEqual(response.status_code, 405)
        after = self.snapshot()
        self.assertEqual({k: after[k] for k in before}, before)
        added = AuditEvent.objects.exclude(pk__in=before)
        self.assertEqual(set(added.values_list("action", flat=True)), {"request"})  # the refused requests, recorded

    def test_it_answers_writing_methods_of_others_with_not_found(self):
        self.login(self.b.sysadmin)
        self.assertEqual(self.client.post(URL).status_code, 404)

    def test_it_has_no_url_but_the_list(self):
        # …and the integrity check, which only reads the record (and audits that it ran: test_verify_page).
        self.assertEqual(
            [(str(p.pattern), p.name) for p in record_urls.urlpatterns], [("", "audit_list"), ("verify/", "verify")]
        )

        def walk(patterns, prefix=""):
            for p in patterns:
                if isinstance(p, URLResolver):
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
                elif isinstance(p, URLPattern):
                    yield prefix + str(p.pattern), p.callback

        record_views = [(route, cb) for route, cb in walk(get_resolver().url_patterns)
                        if cb.__module__.startswith("sanxiang.record")]  # fmt: skip
        self.assertEqual([route for route, _ in record_views], ["audit/", "audit/verify/"])
        self.assertIs(record_views[0][1], views.audit_list_view)
        self.assertIs(record_views[1][1], verify_views.verify_view)
