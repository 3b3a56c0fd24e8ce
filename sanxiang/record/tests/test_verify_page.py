"""The record-integrity page: supervisors run verify and see the locations; others get a 404."""

from __future__ import annotations

import time_machine

from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.record import appendonly
from sanxiang.record.checkpoints import checkpoint_make
from sanxiang.record.models import AuditEvent, LogEntry


@time_machine.travel(at("2026-06-01"), tick=True)
class VerifyPageTests(CaseTestCase):
    def test_a_supervisor_runs_the_check_and_sees_where_the_record_was_changed(self):
        self.register(self.new_lead())
        checkpoint_make()
        self.login(self.b.supervisor)
        page = self.client.get("/audit/verify/")
        self.assertContains(page, "Run the check now")
        response = self.client.post("/audit/verify/")
        self.assertContains(response, "Intact: no discrepancy found.")
        with appendonly.suspended():
            LogEntry.objects.filter(seq=1).update(leaf_hash=bytes(32))
        response = self.client.post("/audit/verify/")
        self.assertContains(response, "entry 1")
        self.assertNotContains(response, "Intact")
        run = AuditEvent.objects.filter(action="log.verify").order_by("-id")[0]
        self.assertEqual((run.outcome, run.actor), ("failure", self.b.supervisor))

    def test_officers_do_not_get_the_page(self):
        for user in (self.b.officer, self.b.sysadmin):
            self.login(user)
            self.assertEqual(self.client.get("/audit/verify/").status_code, 404)
            self.assertEqual(self.client.post("/audit/verify/").status_code, 404)
