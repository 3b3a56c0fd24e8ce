"""Writing through the staff pages: create, edit, enable/disable, password, roles, unlock, second factor, training."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.org import actions
from sanxiang.org.models import Role, RoleGrant, StaffKind, TrainingRecord, User
from sanxiang.org.permissions import roles_of
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

STRONG = "Temp-Passw0rd-2026"
CREATE = reverse("org:staff_create")


def url(name: str, user: User) -> str:
    return reverse(f"org:{name}", args=[user.pk])


def audited(action: str, obj: User) -> bool:
    return AuditEvent.objects.filter(action=action, object_type="org.User", object_id=str(obj.pk)).exists()


def new_staff(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "newbie",
        "full_name": "林新人",
        "employee_no": "TX-0100",
        "unit": "",
        "position": "科员",
        "staff_kind": StaffKind.ESTABLISHED,
        "phone": "13912345678",
        "legal_qualification_no": "",
        "password": "",
        "password2": "",
    }
    data.update(changes)
    return data


class StaffCreateTests(BureauTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.b.sysadmin)

    def test_it_creates_a_staff_member_who_cannot_log_in_without_a_password(self):
        response = self.client.post(CREATE, new_staff(unit=str(self.b.squad2.pk)))
        staff = User.objects.get(username="newbie")
        self.assertRedirects(response, url("staff_detail", staff))
        self.assertEqual((staff.full_name, staff.unit, staff.employee_no), ("林新人", self.b.squad2, "TX-0100"))
        self.assertIs(staff.has_usable_password(), False)
        self.assertTrue(audited("staff.create", staff))

    def test_it_sets_an_initial_password_that_must_be_changed(self):
        self.client.post(CREATE, new_staff(password=STRONG, password2=STRONG))
        staff = User.objects.get(username="newbie")
        self.assertIs(staff.check_password(STRONG), True)
        self.assertIs(staff.must_change_password, True)

    def test_it_shows_field_errors_and_creates_nothing(self):
        cases = [
            ({"username": "officer"}, "username"),
            ({"username": "has space"}, "username"),
            ({"username": "system"}, "username"),
            ({"phone": "12345"}, "phone"),
            ({"phone": "1291234567"}, "phone"),
            ({"employee_no": "TX-0001"}, "employee_no"),
            ({"password": STRONG, "password2": STRONG + "x"}, "password2"),
            ({"password": "short", "password2": "short"}, "password"),
            ({"has_legal_qualification": "on"}, "legal_qualification_no"),
            ({"full_name": ""}, "full_name"),
            ({"unit": "99999"}, "unit"),
        ]
        actions.staff_update(actor=self.b.system, staff=self.b.officer, employee_no="TX-0001")
        before = User.objects.count()
        for changes, field in cases:
            with self.subTest(changes=changes):
                response = self.client.post(CREATE, new_staff(**changes))
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
                self.assertContains(response, 'class="errorlist"')
        self.assertEqual(User.objects.count(), before)

    def test_it_accepts_a_landline(self):
        self.client.post(CREATE, new_staff(phone="0434-1234567"))
        self.assertEqual(User.objects.get(username="newbie").phone, "0434-1234567")

    def test_it_edits_a_profile(self):
        response = self.client.post(
            url("staff_edit", self.b.officer2),
            new_staff(full_name="李执法", position="副中队长", unit=str(self.b.squad2.pk), phone="0434-7654321"),
        )
        self.assertRedirects(response, url("staff_detail", self.b.officer2))
        staff = User.objects.get(pk=self.b.officer2.pk)
        self.assertEqual(
            (staff.position, staff.unit, staff.phone, staff.username),
            ("副中队长", self.b.squad2, "0434-7654321", "officer2"),
        )
        event = AuditEvent.objects.get(action="staff.update", object_id=str(staff.pk))
        self.assertEqual(set(event.detail["fields"]), {"position", "unit", "phone", "employee_no"})

    def test_it_shows_the_edit_form_filled_in(self):
        response = self.client.get(url("staff_edit", self.b.reviewer))
        self.assertContains(response, 'value="周法制"')
        self.assertContains(response, 'value="A20190001"')
        self.assertNotIn("username", response.context["form"].fields)

    def test_it_shows_a_domain_refusal_on_the_edit_form(self):
        response = self.client.post(
            url("staff_edit", self.b.officer), new_staff(full_name="王执法", staff_kind=StaffKind.AUXILIARY)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("staff_kind", response.context["form"].errors)
        self.assertEqual(User.objects.get(pk=self.b.officer.pk).staff_kind, StaffKind.ESTABLISHED)

    def test_it_refuses_a_taken_employee_number_on_edit_but_keeps_ones_own(self):
        actions.staff_update(actor=self.b.system, staff=self.b.officer, employee_no="TX-0001")
        taken = self.client.post(
            url("staff_edit", self.b.officer2), new_staff(full_name="李执法", employee_no="TX-0001")
        )
        self.assertIn("employee_no", taken.context["form"].errors)
        own = self.client.post(url("staff_edit", self.b.officer), new_staff(full_name="王执法", employee_no="TX-0001"))
        self.assertEqual(own.status_code, 302)

    def test_it_hides_create_and_edit_from_everyone_else(self):
        for persona in ("officer", "unit_head", "reviewer", "leader", "supervisor", "secadmin", "auditadmin"):
            with self.subTest(persona=persona):
                self.login(getattr(self.b, persona))
                self.assertEqual(self.client.get(CREATE).status_code, 404)
                self.assertEqual(self.client.post(CREATE, new_staff()).status_code, 404)
                self.assertEqual(self.client.get(url("staff_edit", self.b.officer)).status_code, 404)
                self.assertEqual(self.client.post(url("staff_edit", self.b.officer), new_staff()).status_code, 404)
        self.assertFalse(User.objects.filter(username="newbie").exists())
        self.assertEqual(User.objects.get(pk=self.b.officer.pk).position, "")


class StaffAccountTests(BureauTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.b.sysadmin)

    def test_it_disables_and_enables_an_account_with_a_reason(self):
        response = self.client.post(
            url("staff_set_active", self.b.officer2), {"active": "0", "reason": "调离本局"}, follow=True
        )
        self.assertRedirects(response, url("staff_detail", self.b.officer2))
        self.assertContains(response, "The account of 李执法 is disabled.")
        self.assertIs(User.objects.get(pk=self.b.officer2.pk).is_active, False)
        event = AuditEvent.objects.get(action="staff.disable", object_id=str(self.b.officer2.pk))
        self.assertEqual(event.detail["reason"], "调离本局")
        self.client.post(url("staff_set_active", self.b.officer2), {"active": "1", "reason": "返岗"})
        self.assertIs(User.objects.get(pk=self.b.officer2.pk).is_active, True)
        self.assertTrue(audited("staff.enable", self.b.officer2))

    def test_it_asks_for_a_reason(self):
        response = self.client.post(url("staff_set_active", self.b.officer2), {"active": "0", "reason": " "})
        self.assertEqual(response.status_code, 200)
        self.assertIn("reason", response.context["active_form"].errors)
        self.assertIs(User.objects.get(pk=self.b.officer2.pk).is_active, True)

    def test_it_refuses_to_disable_ones_own_account(self):
        response = self.client.post(
            url("staff_set_active", self.b.sysadmin), {"active": "0", "reason": "试试"}, follow=True
        )
        self.assertContains(response, "You cannot disable your own account.")
        self.assertIs(User.objects.get(pk=self.b.sysadmin.pk).is_active, True)

    def test_it_resets_a_password_that_must_be_changed(self):
        response = self.client.post(
            url("staff_reset_password", self.b.officer), {"password": STRONG, "password2": STRONG}, follow=True
        )
        self.assertContains(response, "it must be changed at the next login")
        staff = User.objects.get(pk=self.b.officer.pk)
        self.assertIs(staff.check_password(STRONG), True)
        self.assertIs(staff.must_change_password, True)
        self.assertTrue(audited("password.reset", staff))

    def test_it_shows_why_a_password_is_refused(self):
        for password, again, field, message in [
            ("abc", "abc", "password", "The password must have at least"),
            ("alllowercaseletters", "alllowercaseletters", "password", "at least three of"),
            (STRONG, STRONG + "!", "password2", "The two passwords differ."),
        ]:
            with self.subTest(password=password):
                response = self.client.post(
                    url("staff_reset_password", self.b.officer), {"password": password, "password2": again}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["password_form"].errors)
                self.assertContains(response, message)
        staff = User.objects.get(pk=self.b.officer.pk)
        self.assertIs(staff.must_change_password, False)
        self.assertFalse(audited("password.reset", staff))

    def test_it_answers_405_to_a_get_on_every_post_only_page(self):
        for name in ("staff_set_active", "staff_reset_password", "staff_roles", "staff_unlock", "staff_mfa_reset"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(url(name, self.b.officer)).status_code, 405)

    def test_it_never_shows_a_password_hash_or_an_otp_secret(self):
        device = TOTPDevice.objects.create(user=self.b.officer, name="phone", confirmed=True)
        for persona in ("sysadmin", "secadmin", "supervisor"):
            with self.subTest(persona=persona):
                self.login(getattr(self.b, persona))
                page = self.client.get(url("staff_detail", self.b.officer)).content.decode()
                self.assertNotIn(User.objects.get(pk=self.b.officer.pk).password, page)
                self.assertNotIn("argon2", page)
                self.assertNotIn(device.key, page)


class RefusedWritesTests(BureauTestCase):
    """The supervisor reads everything and changes nothing; the sysadmin holds no security interface."""

    def post_everything(self, target: User) -> list[int]:
        posts = [
            (CREATE, new_staff()),
            (url("staff_edit", target), new_staff(full_name="改名")),
            (url("staff_set_active", target), {"active": "0", "reason": "x"}),
            (url("staff_reset_password", target), {"password": STRONG, "password2": STRONG}),
            (url("staff_roles", target), {"action": "grant", "role": Role.COUNSEL}),
            (url("staff_roles", target), {"action": "revoke", "role": Role.OFFICER}),
            (url("staff_unlock", target), {}),
            (url("staff_mfa_reset", target), {}),
            (url("training_create", target), {"date": "2026-01-05", "hours": "4", "subject": "x", "kind": "other"}),
        ]
        return [self.client.post(path, data).status_code for path, data in posts]

    def test_it_refuses_the_supervisor_every_write_and_changes_nothing(self):
        TOTPDevice.objects.create(user=self.b.officer, name="phone", confirmed=True)
        User.objects.filter(pk=self.b.officer.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=9))
        events = AuditEvent.objects.exclude(category="request").count()
        self.login(self.b.supervisor)
        self.assertEqual(self.post_everything(self.b.officer), [404] * 9)
        self.assertEqual(self.client.get(url("training_create", self.b.officer)).status_code, 404)
        staff = User.objects.get(pk=self.b.officer.pk)
        self.assertEqual((staff.full_name, staff.is_active, staff.must_change_password), ("王执法", True, False))
        self.assertIsNotNone(staff.locked_until)
        self.assertEqual(roles_of(staff), {Role.OFFICER})
        self.assertEqual(TOTPDevice.objects.filter(user=staff, name="phone").count(), 1)
        self.assertFalse(TrainingRecord.objects.exists())
        self.assertEqual(AuditEvent.objects.exclude(category="request").count(), events)

    def test_it_refuses_the_system_administrator_roles_unlock_and_second_factor(self):
        TOTPDevice.objects.create(user=self.b.officer, name="phone", confirmed=True)
        self.login(self.b.sysadmin)
        for name, data in [
            ("staff_roles", {"action": "grant", "role": Role.COUNSEL}),
            ("staff_unlock", {}),
            ("staff_mfa_reset", {}),
        ]:
            with self.subTest(name=name):
                self.assertEqual(self.client.post(url(name, self.b.officer), data).status_code, 404)
        self.assertEqual(roles_of(User.objects.get(pk=self.b.officer.pk)), {Role.OFFICER})
        self.assertTrue(TOTPDevice.objects.filter(user=self.b.officer, name="phone").exists())
        self.assertNotContains(self.client.get(url("staff_detail", self.b.officer)), "Login security")

    def test_it_refuses_the_security_administrator_profile_changes(self):
        self.login(self.b.secadmin)
        self.assertEqual(
            self.client.post(url("staff_set_active", self.b.officer), {"active": "0", "reason": "x"}).status_code, 404
        )
        self.assertIs(User.objects.get(pk=self.b.officer.pk).is_active, True)

    def test_it_answers_404_for_an_unknown_staff_member(self):
        self.login(self.b.secadmin)
        self.assertEqual(self.client.post(reverse("org:staff_unlock", args=[999999])).status_code, 404)


class RoleTests(BureauTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.b.secadmin)

    def change(self, user: User, action: str, role: str):
        return self.client.post(url("staff_roles", user), {"action": action, "role": role}, follow=True)

    def test_it_grants_and_revokes_a_role(self):
        response = self.change(self.b.officer2, "grant", Role.COUNSEL)
        self.assertRedirects(response, url("staff_detail", self.b.officer2))
        self.assertContains(response, "李执法 now holds the role Counsel.")
        grant = RoleGrant.objects.get(user=self.b.officer2, role=Role.COUNSEL, revoked_at__isnull=True)
        self.assertEqual(grant.granted_by, self.b.secadmin)
        self.assertTrue(audited("role.grant", self.b.officer2))
        response = self.change(self.b.officer2, "revoke", Role.COUNSEL)
        self.assertContains(response, "李执法 no longer holds the role Counsel.")
        self.assertEqual(roles_of(User.objects.get(pk=self.b.officer2.pk)), {Role.OFFICER})
        self.assertTrue(audited("role.revoke", self.b.officer2))

    def test_it_shows_the_separation_of_administrators(self):
        response = self.change(self.b.sysadmin, "grant", Role.OFFICER)
        self.assertContains(response, "An administrator holds no other role.")
        response = self.change(self.b.officer, "grant", Role.AUDIT_ADMIN)
        self.assertContains(response, "An administrator role must be held alone")
        self.assertEqual(roles_of(User.objects.get(pk=self.b.sysadmin.pk)), {Role.SYSTEM_ADMIN})
        self.assertEqual(roles_of(User.objects.get(pk=self.b.officer.pk)), {Role.OFFICER})

    def test_it_refuses_changes_to_ones_own_roles(self):
        response = self.change(self.b.secadmin, "grant", Role.AUDIT_ADMIN)
        self.assertContains(response, "You cannot change your own roles.")
        response = self.change(self.b.secadmin, "revoke", Role.SECURITY_ADMIN)
        self.assertContains(response, "You cannot change your own roles.")
        self.assertEqual(roles_of(User.objects.get(pk=self.b.secadmin.pk)), {Role.SECURITY_ADMIN})

    def test_it_explains_other_refusals(self):
        for user, action, role, message in [
            (self.b.auxiliary, "grant", Role.OFFICER, "Only established staff may be enforcement officers"),
            (self.b.officer, "grant", Role.OFFICER, "already holds this role"),
            (self.b.officer, "revoke", Role.LEADER, "does not hold this role"),
            (self.b.officer, "grant", "king", "Choose a role to grant or revoke."),
            (self.b.officer, "promote", Role.LEADER, "Choose a role to grant or revoke."),
        ]:
            with self.subTest(action=action, role=role):
                self.assertContains(self.change(user, action, role), message)
        self.assertEqual(roles_of(User.objects.get(pk=self.b.officer.pk)), {Role.OFFICER})

    def test_it_offers_only_roles_not_held_and_no_controls_on_ones_own_page(self):
        response = self.client.get(url("staff_detail", self.b.unit_head))
        offered = {value for value, _label in response.context["grant_form"].fields["role"].choices}
        self.assertNotIn(Role.OFFICER, offered)
        self.assertNotIn(Role.UNIT_HEAD, offered)
        self.assertIn(Role.LEADER, offered)
        self.assertContains(response, "Revoke the role Unit head")
        own = self.client.get(url("staff_detail", self.b.secadmin))
        self.assertNotContains(own, "Grant role")
        self.assertNotContains(own, "Revoke the role")


class SecurityTests(BureauTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.b.secadmin)

    def test_it_shows_the_security_state_to_the_security_administrator_only(self):
        User.objects.filter(pk=self.b.officer.pk).update(
            locked_until=timezone.now() + dt.timedelta(minutes=20), failed_login_count=3
        )
        response = self.client.get(url("staff_detail", self.b.officer))
        self.assertContains(response, "Login security")
        self.assertContains(response, "Not enrolled")
        self.assertContains(response, "<dt>Failed logins</dt><dd>3</dd>", html=True)
        self.assertContains(response, "Unlock account")
        self.assertEqual(response.context["security"].failed_login_count, 3)
        for persona in ("officer", "unit_head", "leader", "supervisor", "sysadmin", "reviewer"):
            with self.subTest(persona=persona):
                self.login(getattr(self.b, persona))
                self.assertNotContains(self.client.get(url("staff_detail", self.b.officer)), "Login security")

    def test_it_unlocks_a_locked_account(self):
        User.objects.filter(pk=self.b.officer.pk).update(
            locked_until=timezone.now() + dt.timedelta(minutes=20), failed_login_count=2
        )
        self.assertEqual(
            self.client.get(reverse("org:staff_list"), {"locked": "1"}).context["page_obj"].paginator.count, 1
        )
        response = self.client.post(url("staff_unlock", self.b.officer), follow=True)
        self.assertContains(response, "The account of 王执法 is unlocked.")
        staff = User.objects.get(pk=self.b.officer.pk)
        self.assertEqual((staff.locked_until, staff.failed_login_count), (None, 0))
        self.assertTrue(audited("account.unlock", staff))

    def test_it_offers_no_unlock_or_reset_on_ones_own_page(self):
        User.objects.filter(pk=self.b.secadmin.pk).update(failed_login_count=2)
        response = self.client.get(url("staff_detail", self.b.secadmin))
        self.assertContains(response, "Login security")
        self.assertTrue(response.context["security"].mfa_enrolled)
        self.assertNotContains(response, "Reset second factor")
        self.assertNotContains(response, "Unlock account")

    def test_it_resets_the_second_factor(self):
        TOTPDevice.objects.create(user=self.b.officer, name="phone", confirmed=True)
        self.assertContains(self.client.get(url("staff_detail", self.b.officer)), "Reset second factor")
        response = self.client.post(url("staff_mfa_reset", self.b.officer), follow=True)
        self.assertContains(response, "The second factor of 王执法 has been removed")
        self.assertFalse(TOTPDevice.objects.filter(user=self.b.officer).exists())
        self.assertTrue(audited("mfa.reset", self.b.officer))
        self.assertContains(response, "Not enrolled")


class TrainingTests(BureauTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.b.reviewer)

    def record(self, **changes: str):
        data = {
            "date": "2026-03-10",
            "hours": "6.5",
            "subject": "行政处罚法专题",
            "kind": "enforcement",
            "organizer": "市司法局",
        }
        data.update(changes)
        return self.client.post(url("training_create", self.b.officer), data)

    def test_it_records_a_training_and_totals_the_hours_per_year(self):
        self.assertRedirects(self.record(), url("staff_detail", self.b.officer))
        self.record(date="2026-05-01", hours="2")
        self.record(date="2025-12-31", hours="4")
        record = TrainingRecord.objects.get(date=dt.date(2026, 3, 10))
        self.assertEqual(
            (record.hours, record.subject, record.created_by), (Decimal("6.5"), "行政处罚法专题", self.b.reviewer)
        )
        self.assertTrue(AuditEvent.objects.filter(action="training.create", object_id=str(record.pk)).exists())
        response = self.client.get(url("staff_detail", self.b.officer))
        self.assertEqual(response.context["training_years"], [(2026, Decimal("8.5")), (2025, Decimal("4"))])
        self.assertContains(response, "2026: 8.5 h")
        self.assertContains(response, "市司法局")

    def test_it_refuses_bad_dates_and_hours(self):
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        for changes, field in [
            ({"date": tomorrow}, "date"),
            ({"date": "2026-02-30"}, "date"),
            ({"hours": "0"}, "hours"),
            ({"hours": "-2"}, "hours"),
            ({"hours": "200.5"}, "hours"),
            ({"hours": "abc"}, "hours"),
            ({"subject": ""}, "subject"),
            ({"kind": "party"}, "kind"),
        ]:
            with self.subTest(changes=changes):
                response = self.record(**changes)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
        self.assertContains(self.record(date=tomorrow), "A training cannot be recorded before it happened.")
        self.assertEqual(self.record(hours="200").status_code, 302)
        self.assertEqual(TrainingRecord.objects.count(), 1)

    def test_it_lets_only_training_recorders_in(self):
        self.assertContains(
            self.client.get(url("staff_detail", self.b.officer)), url("training_create", self.b.officer)
        )
        for persona in ("officer", "unit_head", "leader", "secadmin"):
            with self.subTest(persona=persona):
                self.login(getattr(self.b, persona))
                self.assertEqual(self.client.get(url("training_create", self.b.officer)).status_code, 404)
                self.assertEqual(self.record().status_code, 404)
        self.assertFalse(TrainingRecord.objects.exists())
