"""Login security through HTTP: two factors, lockout, idle timeout, password expiry, audit rows."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.org import login as login_actions
from sanxiang.org.models import User
from sanxiang.record.models import AuditEvent
from sanxiang.testing import PASSWORD, BureauTestCase


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for ``device``."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


class LoginFlowTests(BureauTestCase):
    def post_password(self, username: str = "officer", password: str = PASSWORD):
        return self.client.post(reverse("login"), {"username": username, "password": password})

    def actions_of(self, user: User) -> list[str]:
        return list(AuditEvent.objects.filter(actor=user).order_by("id").values_list("action", flat=True))

    def test_it_requires_the_second_factor_by_default(self):
        response = self.post_password()
        self.assertRedirects(response, reverse("otp_setup"), fetch_redirect_response=False)
        # The password alone does not give a session: the home page still sends to login.
        self.assertRedirects(
            self.client.get(reverse("home")), reverse("login") + "?next=/", fetch_redirect_response=False
        )

    def test_it_enrols_the_authenticator_and_logs_in(self):
        self.post_password()
        page = self.client.get(reverse("otp_setup"))
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.b.officer, confirmed=False)
        response = self.client.post(reverse("otp_setup"), {"token": current_code(device)})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.assertIn("mfa.enroll", self.actions_of(self.b.officer))
        self.assertIn("login.success", self.actions_of(self.b.officer))

    def test_it_logs_in_with_password_and_code(self):
        device = TOTPDevice.objects.create(user=self.b.officer, name="app", confirmed=True)
        self.assertRedirects(self.post_password(), reverse("login_otp"), fetch_redirect_response=False)
        response = self.client.post(reverse("login_otp"), {"token": current_code(device)})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        event = AuditEvent.objects.filter(actor=self.b.officer, action="login.success").get()
        self.assertEqual(event.detail["method"], "password+totp")
        self.assertEqual(event.ip, "127.0.0.1")

    def test_a_wrong_code_is_refused_and_counted(self):
        TOTPDevice.objects.create(user=self.b.officer, name="app", confirmed=True)
        self.post_password()
        response = self.client.post(reverse("login_otp"), {"token": "000000"})
        self.assertContains(response, "The verification code is not correct.")
        self.b.officer.refresh_from_db()
        self.assertEqual(self.b.officer.failed_login_count, 1)

    def test_the_code_step_needs_the_password_step_first(self):
        response = self.client.get(reverse("login_otp"))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)

    @override_settings(MFA_REQUIRED=False)
    def test_without_the_setting_a_user_without_device_logs_in_with_the_password(self):
        self.assertRedirects(self.post_password(), reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    @override_settings(MFA_REQUIRED=False)
    def test_an_enrolled_user_still_needs_the_code_when_the_setting_is_off(self):
        TOTPDevice.objects.create(user=self.b.officer, name="app", confirmed=True)
        self.assertRedirects(self.post_password(), reverse("login_otp"), fetch_redirect_response=False)

    def test_wrong_password_gives_one_message_for_unknown_and_known_names(self):
        for username in ("officer", "nobody"):
            with self.subTest(username=username):
                response = self.post_password(username, "wrong-password")
                self.assertContains(response, "The login name or password is not correct.")
        self.assertTrue(AuditEvent.objects.filter(action="login.failure", actor_label="nobody").exists())

    @override_settings(LOCKOUT_THRESHOLD=3, LOCKOUT_MINUTES=30)
    def test_it_locks_after_n_failures_and_refuses_even_the_right_password(self):
        for _ in range(2):
            self.post_password(password="wrong")
        self.b.officer.refresh_from_db()
        self.assertIs(self.b.officer.is_locked(), False)
        response = self.post_password(password="wrong")
        self.assertContains(response, "locked")
        self.b.officer.refresh_from_db()
        self.assertIs(self.b.officer.is_locked(), True)
        self.assertContains(self.post_password(), "locked")
        self.assertIn("account.lock", self.actions_of(self.b.officer))
        # The lock ends by itself after LOCKOUT_MINUTES.
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
            self.assertRedirects(self.post_password(), reverse("otp_setup"), fetch_redirect_response=False)

    @override_settings(LOCKOUT_THRESHOLD=2)
    def test_the_security_admin_unlocks(self):
        self.post_password(password="wrong")
        self.post_password(password="wrong")
        self.b.officer.refresh_from_db()
        self.assertIs(self.b.officer.is_locked(), True)
        login_actions.account_unlock(actor=self.b.secadmin, user=self.b.officer)
        self.b.officer.refresh_from_db()
        self.assertIs(self.b.officer.is_locked(), False)

    def test_a_disabled_account_cannot_log_in(self):
        User.objects.filter(pk=self.b.officer.pk).update(is_active=False)
        self.assertContains(self.post_password(), "The login name or password is not correct.")

    def test_the_system_account_cannot_log_in(self):
        self.assertContains(self.post_password("system", ""), "This field is required")
        self.assertContains(self.post_password("system", "x"), "The login name or password is not correct.")

    def test_next_is_followed_only_within_the_site(self):
        TOTPDevice.objects.create(user=self.b.officer, name="app", confirmed=True)
        self.client.post(
            reverse("login") + "?next=https://evil.example/", {"username": "officer", "password": PASSWORD}
        )
        device = TOTPDevice.objects.get(user=self.b.officer)
        response = self.client.post(reverse("login_otp"), {"token": current_code(device)})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    def test_logout_is_audited(self):
        self.login(self.b.officer)
        self.client.get(reverse("home"))
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.assertIn("session.logout", self.actions_of(self.b.officer))


class SessionSecurityTests(BureauTestCase):
    @override_settings(SESSION_IDLE_MINUTES=15)
    def test_it_ends_an_idle_session(self):
        self.login(self.b.officer)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=14)):
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
            response = self.client.get(reverse("home"))
            self.assertRedirects(response, reverse("login") + "?next=/", fetch_redirect_response=False)
            self.assertEqual(self.client.get(reverse("home")).status_code, 302)
        self.assertTrue(AuditEvent.objects.filter(actor=self.b.officer, action="session.idle_timeout").exists())

    def test_a_session_without_the_second_factor_is_ended(self):
        self.client.force_login(self.b.officer)
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("login") + "?next=/", fetch_redirect_response=False)
        self.assertTrue(AuditEvent.objects.filter(actor=self.b.officer, action="session.mfa_missing").exists())

    @override_settings(PASSWORD_MAX_AGE_DAYS=90)
    def test_an_expired_password_must_be_changed_first(self):
        User.objects.filter(pk=self.b.officer.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
        self.login(self.b.officer)
        self.assertRedirects(
            self.client.get(reverse("home")), reverse("password_change"), fetch_redirect_response=False
        )
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password": "New-Secret-2026-x", "new_password2": "New-Secret-2026-x"},
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_a_weak_new_password_is_refused_with_the_reason(self):
        self.login(self.b.officer)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password": "abcdefghijk", "new_password2": "abcdefghijk"},
        )
        self.assertContains(response, "at least three of")
        self.b.officer.refresh_from_db()
        self.assertIs(self.b.officer.check_password(PASSWORD), True)

    def test_a_reset_password_must_be_changed_at_next_login(self):
        from sanxiang.org import actions

        actions.staff_reset_password(actor=self.b.sysadmin, staff=self.b.officer, password="Temp-Pass-2026-y")
        self.login(self.b.officer)
        self.assertRedirects(
            self.client.get(reverse("home")), reverse("password_change"), fetch_redirect_response=False
        )

    def test_data_changing_requests_are_audited_with_their_outcome(self):
        self.login(self.b.officer)
        self.client.post(
            reverse("password_change"), {"old_password": "wrong", "new_password": "x", "new_password2": "x"}
        )
        event = AuditEvent.objects.filter(action="request").latest("id")
        self.assertEqual(event.detail["method"], "POST")
        self.assertEqual(event.detail["path"], reverse("password_change"))
        self.assertEqual(event.actor, self.b.officer)
