"""The staff list and profile pages: who sees whom, search, filters, pagination, query count."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanxiang.org import actions
from sanxiang.org.models import Certificate, CertificateStatus, Role, StaffKind, User
from sanxiang.testing import BureauTestCase

LIST = reverse("org:staff_list")
_ROW_NAME = re.compile(r'<th scope="row"><a href="/org/staff/\d+/">([^<]+)</a></th>')


def detail(user: User) -> str:
    return reverse("org:staff_detail", args=[user.pk])


class StaffPageTestCase(BureauTestCase):
    def names(self, response) -> set[str]:
        """The names in the rows of a staff list page."""
        return set(_ROW_NAME.findall(response.content.decode()))


class StaffScopeTests(StaffPageTestCase):
    def test_it_shows_the_officer_only_the_staff_of_their_squad(self):
        self.login(self.b.officer)
        response = self.client.get(LIST)
        self.assertEqual(self.names(response), {"王执法", "李执法", "钱协管"})

    def test_it_hides_another_squads_staff_member_from_the_officer(self):
        self.login(self.b.officer)
        self.assertEqual(self.client.get(detail(self.b.other_officer)).status_code, 404)
        self.assertEqual(self.client.get(detail(self.b.unit_head)).status_code, 404)
        self.assertEqual(self.client.get(detail(self.b.officer2)).status_code, 200)

    def test_it_offers_the_officer_only_their_unit_in_the_unit_filter(self):
        self.login(self.b.officer)
        units = list(self.client.get(LIST).context["form"].fields["unit"].queryset)
        self.assertEqual(units, [self.b.squad1])

    def test_it_shows_the_unit_head_both_squads(self):
        self.login(self.b.unit_head)
        response = self.client.get(LIST)
        self.assertEqual(self.names(response), {"王执法", "李执法", "钱协管", "赵执法", "孙大队长"})
        self.assertEqual(self.client.get(detail(self.b.other_officer)).status_code, 200)
        self.assertEqual(self.client.get(detail(self.b.reviewer)).status_code, 404)

    def test_it_shows_the_supervisor_everyone(self):
        self.login(self.b.supervisor)
        response = self.client.get(LIST)
        everyone = set(User.objects.exclude(username="system").values_list("full_name", flat=True))
        self.assertEqual(self.names(response), everyone)
        self.assertEqual(len(everyone), 11)
        self.assertEqual(self.client.get(detail(self.b.sysadmin)).status_code, 200)

    def test_it_gives_the_audit_admin_an_empty_list_and_no_profiles(self):
        self.login(self.b.auditadmin)
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.names(response), set())
        self.assertContains(response, "No staff match.")
        self.assertEqual(self.client.get(detail(self.b.officer)).status_code, 404)
        self.assertEqual(self.client.get(detail(self.b.auditadmin)).status_code, 404)

    def test_it_sends_an_anonymous_visitor_to_the_login_page(self):
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_it_shows_the_buttons_that_the_permissions_allow(self):
        self.login(self.b.sysadmin)
        response = self.client.get(LIST)
        self.assertContains(response, reverse("org:staff_create"))
        self.assertContains(response, reverse("org:roster_import"))
        self.assertContains(response, reverse("org:roster_export"))
        self.login(self.b.supervisor)
        response = self.client.get(LIST)
        self.assertNotContains(response, reverse("org:staff_create"))
        self.assertNotContains(response, reverse("org:roster_import"))
        self.assertContains(response, reverse("org:roster_export"))


class StaffListTests(StaffPageTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.b.supervisor)

    def listed(self, **params: str) -> set[str]:
        response = self.client.get(LIST, params)
        self.assertEqual(response.status_code, 200)
        return self.names(response)

    def test_it_searches_name_login_name_employee_and_certificate_number(self):
        actions.staff_update(actor=self.b.system, staff=self.b.officer2, employee_no="TX-0042")
        for q, expected in [
            ("王执", {"王执法"}),
            ("OTHER", {"赵执法"}),
            ("tx-004", {"李执法"}),
            ("22030004", {"孙大队长"}),
            ("  ", None),
            ("无此人", set()),
        ]:
            with self.subTest(q=q):
                found = self.listed(q=q)
                self.assertEqual(found, expected if expected is not None else self.listed())

    def test_it_filters_by_unit_including_sub_units(self):
        self.assertEqual(self.listed(unit=str(self.b.squad2.pk)), {"赵执法"})
        self.assertEqual(self.listed(unit=str(self.b.brigade.pk)), {"王执法", "李执法", "钱协管", "赵执法", "孙大队长"})

    def test_it_filters_by_staff_kind_and_role(self):
        self.assertEqual(self.listed(kind=StaffKind.AUXILIARY), {"钱协管"})
        self.assertEqual(self.listed(role=Role.UNIT_HEAD), {"孙大队长"})
        self.assertEqual(self.listed(role=Role.OFFICER, unit=str(self.b.squad1.pk)), {"王执法", "李执法"})

    def test_it_does_not_count_a_revoked_role(self):
        actions.role_revoke(actor=self.b.system, user=self.b.unit_head, role=Role.UNIT_HEAD)
        self.assertEqual(self.listed(role=Role.UNIT_HEAD), set())

    def test_it_filters_by_enabled_disabled_and_locked(self):
        actions.staff_set_active(actor=self.b.system, staff=self.b.officer2, active=False, reason="调离")
        User.objects.filter(pk=self.b.other_officer.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
        User.objects.filter(pk=self.b.officer.pk).update(locked_until=timezone.now() - dt.timedelta(minutes=5))
        self.assertEqual(self.listed(active="0"), {"李执法"})
        self.assertNotIn("李执法", self.listed(active="1"))
        self.assertEqual(self.listed(locked="1"), {"赵执法"})
        response = self.client.get(LIST, {"q": "执法"})
        self.assertContains(response, '<span class="badge revoked">Disabled</span>', count=1, html=True)
        self.assertContains(response, '<span class="badge locked">Locked</span>', count=1, html=True)

    def test_it_ignores_junk_parameters(self):
        everyone = self.listed()
        for params in [
            {"page": "abc"},
            {"page": "-3"},
            {"page": "99999"},
            {"unit": "xyz"},
            {"unit": "999999"},
            {"kind": "wizard"},
            {"role": "king"},
            {"active": "maybe"},
            {"locked": "0"},
            {"locked": "yes"},
            {"q": "x" * 500},
        ]:
            with self.subTest(params=params):
                response = self.client.get(LIST, params)
                self.assertEqual(response.status_code, 200)
                if "q" not in params:
                    self.assertEqual(self.names(response), everyone)

    def test_it_pages_by_25_and_keeps_the_filters_in_the_page_links(self):
        for i in range(30):
            actions.staff_create(
                actor=self.b.system, username=f"bulk{i:02d}", full_name=f"批量{i:02d}", staff_kind=StaffKind.CONTRACT
            )
        first = self.client.get(LIST, {"kind": StaffKind.CONTRACT})
        self.assertEqual(len(first.context["rows"]), 25)
        self.assertEqual(first.context["page_obj"].paginator.count, 31)  # the supervisor is contract staff too
        self.assertContains(first, "Page 1 of 2")
        self.assertContains(first, "?kind=contract&amp;page=2")
        second = self.client.get(LIST, {"kind": StaffKind.CONTRACT, "page": "2"})
        self.assertEqual(len(second.context["rows"]), 6)
        self.assertTrue(self.names(first).isdisjoint(self.names(second)))
        last = self.client.get(LIST, {"kind": StaffKind.CONTRACT, "page": "junk"})
        self.assertEqual(last.context["page_obj"].number, 1)

    def test_it_shows_certificate_status_by_status_and_dates(self):
        today = timezone.localdate()
        cert = Certificate.objects.get(number="22030002")
        actions.certificate_set_status(
            actor=self.b.system, certificate=cert, status=CertificateStatus.WITHHELD, reason="未年检"
        )
        Certificate.objects.filter(number="22030003").update(valid_to=today + dt.timedelta(days=10))
        Certificate.objects.filter(number="22030004").update(
            valid_from=today - dt.timedelta(days=400), valid_to=today - dt.timedelta(days=1)
        )
        response = self.client.get(LIST)
        badges = {b.certificate.number: (b.css, b.label) for row in response.context["rows"] for b in row.certificates}
        self.assertEqual(
            badges,
            {
                "22030001": ("valid", "Valid"),
                "22030002": ("withheld", "Withheld"),
                "22030003": ("expiring", "Expiring"),
                "22030004": ("expired", "Expired"),
            },
        )
        self.assertContains(response, '<span class="badge withheld">Withheld</span>', html=True)

    def test_it_lists_any_number_of_rows_with_the_same_queries(self):
        for i in range(8):
            staff = actions.staff_create(
                actor=self.b.system,
                username=f"q{i}",
                full_name=f"查询{i}",
                staff_kind=StaffKind.ESTABLISHED,
                unit=self.b.squad1,
            )
            actions.role_grant(actor=self.b.system, user=staff, role=Role.OFFICER)
        with CaptureQueriesContext(connection) as one:
            response = self.client.get(LIST, {"q": "赵执法"})
        self.assertEqual(len(response.context["rows"]), 1)
        # Session, user, second factor, roles, count, rows, role grants, certificates,
        # the unit filter's options, and the session save (savepoint, update, release).
        with self.assertNumQueries(12):
            response = self.client.get(LIST)
        self.assertEqual(len(response.context["rows"]), 19)
        self.assertEqual(len(one.captured_queries), 12)
