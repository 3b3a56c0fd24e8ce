"""``sanxiang api_token issue|revoke|list`` as the system actor."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from sanxiang.apitokens.models import ApiToken
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
class ApiTokenCommandTests(BureauTestCase):
    def issue(self) -> str:
        output = run("issue", "--user", "officer", "--name", "执法终端-01", "--expires-on", "2026-12-31")
        return output.strip().splitlines()[-1]

    def test_issue_prints_a_working_token_once(self):
        plaintext = self.issue()
        token = ApiToken.objects.get()
        self.assertEqual((token.user, token.created_by.username), (self.b.officer, "system"))
        response = self.client.get("/api/v1/cases/", headers={"Authorization": f"Bearer {plaintext}"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(plaintext, run("list"))

    def test_list_shows_the_tokens_and_revoke_takes_the_prefix(self):
        plaintext = self.issue()
        prefix = plaintext[:11]
        self.assertIn(f"{prefix}\t执法终端-01\tofficer\t2026-12-31\tvalid", run("list", "--user", "officer"))
        self.assertIn("Revoked the API token", run("revoke", prefix))
        self.assertEqual(run("list"), "")
        self.assertIn("\trevoked\t", run("list", "--all"))
        self.assertEqual(AuditEvent.objects.filter(action__startswith="api_token.").count(), 2)

    def test_revoke_takes_the_id(self):
        self.issue()
        run("revoke", str(ApiToken.objects.get().pk))
        self.assertIsNotNone(ApiToken.objects.get().revoked_at)

    def test_refusals_are_command_errors(self):
        cases = [
            (["issue", "--user", "nobody", "--name", "x", "--expires-on", "2026-12-31"], "no account"),
            (["issue", "--user", "officer", "--name", "x", "--expires-on", "31.12.2026"], "YYYY-MM-DD"),
            (["issue", "--user", "sysadmin", "--name", "x", "--expires-on", "2026-12-31"], "administrator"),
            (["issue", "--user", "officer", "--name", "x", "--expires-on", "2028-01-01"], "at most 366 days"),
            (["revoke", "sx_ffffffff"], "There is no API token"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                run(*args)
        self.assertIs(ApiToken.objects.exists(), False)
