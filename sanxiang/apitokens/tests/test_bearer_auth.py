"""Bearer-token authentication of the JSON API, through HTTP: only a valid token of an active account passes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from sanxiang.apitokens.actions import api_token_issue, api_token_revoke
from sanxiang.apitokens.models import ApiToken
from sanxiang.cases.actions import case_register_lead
from sanxiang.cases.models import CaseSource
from sanxiang.org import actions as org_actions
from sanxiang.org.models import Role
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "/api/v1/cases/"


@time_machine.travel(NOW, tick=False)
class BearerAuthTests(BureauTestCase):
    def setUp(self):
        self.token, self.plaintext = api_token_issue(
            actor=self.b.secadmin, user=self.b.officer, name="终端", expires_on=dt.date(2026, 6, 30)
        )

    def get(self, authorization: str | None):
        headers = {"Authorization": authorization} if authorization is not None else {}
        return self.client.get(URL, headers=headers)

    def assert_refused(self, response, reason: str | None):
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="sanxiang"')
        body = response.json()
        self.assertEqual(body["error"], "unauthenticated")
        self.assertIn("Authorization: Bearer", body["message"])
        refusals = AuditEvent.objects.filter(action="api_token.refused")
        if reason is None:
            self.assertIs(refusals.exists(), False)
        else:
            self.assertEqual(refusals.get().detail["reason"], reason)

    def test_a_valid_token_acts_as_its_user(self):
        response = self.get(f"Bearer {self.plaintext}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["total"], 0)

    def test_it_notes_the_last_use(self):
        self.get(f"Bearer {self.plaintext}")
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, NOW)

    def test_a_missing_header_is_refused_without_an_audit_row(self):
        self.assert_refused(self.get(None), None)

    def test_another_scheme_is_refused(self):
        self.assert_refused(self.get(f"Basic {self.plaintext}"), None)

    def test_a_malformed_token_is_refused(self):
        self.assert_refused(self.get("Bearer not-a-token\x7f"), "malformed")

    def test_a_wrong_secret_is_refused(self):
        wrong = self.plaintext[:-1] + ("A" if self.plaintext[-1] != "A" else "B")
        self.assert_refused(self.get(f"Bearer {wrong}"), "unknown")

    def test_an_unknown_prefix_is_refused(self):
        self.assert_refused(self.get("Bearer sx_00000000_" + "A" * 43), "unknown")

    def test_the_stored_digest_does_not_authenticate(self):
        self.assert_refused(self.get(f"Bearer {self.token.digest}"), "malformed")

    def test_a_revoked_token_is_refused(self):
        api_token_revoke(actor=self.b.secadmin, token=self.token)
        self.assert_refused(self.get(f"Bearer {self.plaintext}"), "revoked")

    def test_a_token_is_valid_through_its_last_day_and_refused_after(self):
        with time_machine.travel(dt.datetime(2026, 6, 30, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            self.assertEqual(self.get(f"Bearer {self.plaintext}").status_code, 200)
        with time_machine.travel(dt.datetime(2026, 7, 1, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            self.assert_refused(self.get(f"Bearer {self.plaintext}"), "expired")

    def test_a_token_of_a_disabled_account_is_refused(self):
        org_actions.staff_set_active(actor=self.b.sysadmin, staff=self.b.officer, active=False, reason="离职")
        self.assert_refused(self.get(f"Bearer {self.plaintext}"), "account_disabled")

    def test_a_token_never_widens_rights(self):
        """The token acts with the roles its user holds now: a revoked role is gone on the next request."""
        b = self.b
        case_register_lead(
            actor=b.officer, source=CaseSource.PATROL, unit=b.squad1, category=b.city_appearance, region=b.street,
            location="中央路", summary="占道经营", discovered_on=NOW.date(),
        )  # fmt: skip
        self.assertEqual(self.get(f"Bearer {self.plaintext}").json()["total"], 1)
        org_actions.role_revoke(actor=b.secadmin, user=b.officer, role=Role.OFFICER)
        self.assertEqual(self.get(f"Bearer {self.plaintext}").json()["total"], 0)

    def test_the_plaintext_is_stored_nowhere(self):
        self.get(f"Bearer {self.plaintext}")
        secret = self.plaintext.split("_", 2)[2]
        for token in ApiToken.objects.values():
            self.assertNotIn(secret, str(token))
        for event in AuditEvent.objects.values():
            self.assertNotIn(secret, str(event))

    def test_a_request_through_the_api_is_audited_with_its_user_and_channel(self):
        self.client.post(
            URL, "{}", content_type="application/json", headers={"Authorization": f"Bearer {self.plaintext}"}
        )
        event = AuditEvent.objects.filter(action="request").get()
        self.assertEqual((event.actor, event.channel, event.detail["status"]), (self.b.officer, "api", 422))
