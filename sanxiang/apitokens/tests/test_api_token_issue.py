"""Issuing and revoking API tokens: who may, for whom, for how long, and what the audit keeps."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from sanxiang.apitokens.actions import MAX_LIFETIME_DAYS, api_token_issue, api_token_revoke
from sanxiang.apitokens.models import ApiToken
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.org import actions as org_actions
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
UNTIL = dt.date(2026, 12, 31)


@time_machine.travel(NOW, tick=False)
class ApiTokenIssueTests(BureauTestCase):
    def issue(self, **overrides):
        fields: dict[str, Any] = {
            "actor": self.b.secadmin,
            "user": self.b.officer,
            "name": "执法终端-01",
            "expires_on": UNTIL,
        }
        fields.update(overrides)
        return api_token_issue(**fields)

    def test_it_returns_the_plaintext_once_and_stores_only_its_digest(self):
        token, plaintext = self.issue()
        self.assertRegex(plaintext, r"^sx_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")
        self.assertEqual(token.digest, hashlib.sha256(plaintext.encode()).hexdigest())
        self.assertEqual(plaintext[3:11], token.prefix)
        stored = ApiToken.objects.filter(pk=token.pk).values().get()
        self.assertNotIn(plaintext, [str(v) for v in stored.values()])
        self.assertNotIn(plaintext[12:], str(stored))
        self.assertEqual((token.user, token.created_by, token.expires_on), (self.b.officer, self.b.secadmin, UNTIL))

    def test_each_token_is_different(self):
        plaintexts = {self.issue()[1] for _ in range(5)}
        self.assertEqual(len(plaintexts), 5)

    def test_the_issue_is_audited_without_the_token(self):
        token, plaintext = self.issue()
        event = AuditEvent.objects.get(action="api_token.issue")
        self.assertEqual((event.actor, event.object_id), (self.b.secadmin, str(token.pk)))
        self.assertEqual(event.detail, {"user": "officer", "expires_on": "2026-12-31"})
        self.assertNotIn(plaintext[12:], str(event.detail) + event.object_label)

    def test_the_security_administrator_and_the_system_actor_may_issue(self):
        for actor in (self.b.secadmin, self.b.system):
            with self.subTest(actor=actor.username):
                token, _ = self.issue(actor=actor)
                self.assertEqual(token.created_by, actor)

    def test_nobody_else_may_issue(self):
        for actor in (self.b.officer, self.b.unit_head, self.b.leader, self.b.sysadmin, self.b.auditadmin):
            with self.subTest(actor=actor.username), self.assertRaises(AccessDenied):
                self.issue(actor=actor, user=self.b.officer2)
        self.assertIs(ApiToken.objects.exists(), False)

    def test_it_refuses_tokens_for_administrators_the_system_and_disabled_accounts(self):
        org_actions.staff_set_active(actor=self.b.sysadmin, staff=self.b.officer2, active=False, reason="离职")
        for user in (self.b.sysadmin, self.b.auditadmin, self.b.system, self.b.officer2):
            with self.subTest(user=user.username), self.assertRaises(ValidationFailed) as refused:
                self.issue(user=user)
            self.assertEqual(list(refused.exception.errors), ["user"])

    def test_the_security_administrator_cannot_issue_for_themselves(self):
        with self.assertRaisesMessage(AccessDenied, "You cannot issue a token for yourself."):
            self.issue(user=self.b.secadmin)

    def test_the_last_day_is_today_at_the_earliest_and_a_year_ahead_at_the_latest(self):
        today = NOW.date()
        self.issue(expires_on=today)
        self.issue(expires_on=today + dt.timedelta(days=MAX_LIFETIME_DAYS))
        for day in (today - dt.timedelta(days=1), today + dt.timedelta(days=MAX_LIFETIME_DAYS + 1)):
            with self.subTest(day=day), self.assertRaises(ValidationFailed) as refused:
                self.issue(expires_on=day)
            self.assertEqual(list(refused.exception.errors), ["expires_on"])

    def test_it_needs_a_name(self):
        with self.assertRaises(ValidationFailed) as refused:
            self.issue(name="   ")
        self.assertEqual(list(refused.exception.errors), ["name"])


@time_machine.travel(NOW, tick=False)
class ApiTokenRevokeTests(BureauTestCase):
    def setUp(self):
        self.token, _ = api_token_issue(actor=self.b.secadmin, user=self.b.officer, name="终端", expires_on=UNTIL)

    def test_it_revokes_and_audits(self):
        token = api_token_revoke(actor=self.b.secadmin, token=self.token)
        self.assertEqual((token.revoked_at, token.revoked_by), (NOW, self.b.secadmin))
        event = AuditEvent.objects.get(action="api_token.revoke")
        self.assertEqual(
            (event.actor, event.object_id, event.detail), (self.b.secadmin, str(token.pk), {"user": "officer"})
        )

    def test_a_token_is_revoked_once(self):
        api_token_revoke(actor=self.b.secadmin, token=self.token)
        with self.assertRaisesMessage(ValidationFailed, "The token is already revoked."):
            api_token_revoke(actor=self.b.secadmin, token=self.token)

    def test_only_the_security_administrator_or_the_system_revokes(self):
        for actor in (self.b.officer, self.b.leader, self.b.sysadmin):
            with self.subTest(actor=actor.username), self.assertRaises(AccessDenied):
                api_token_revoke(actor=actor, token=self.token)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)
