"""The overdue sweep: ``deadlines_mark_overdue`` and ``sanxiang sweep_deadlines`` mark each overdue deadline once."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.deadline_actions import deadlines_mark_overdue
from sanxiang.cases.models import Deadline
from sanxiang.cases.tests.test_case_views import CaseViewTestCase
from sanxiang.record.models import AuditEvent

DUE = dt.date(2026, 8, 31)  # the decision period of a case registered on 1 June 2026


class SweepTests(CaseViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.register(self.new_lead())
        self.deadline = self.case.deadlines.get(code="decision_period")
        self.assertEqual(self.deadline.due_on, DUE)

    def sweep(self) -> str:
        out = StringIO()
        call_command("sweep_deadlines", stdout=out)
        return out.getvalue().strip()

    def test_it_marks_an_overdue_deadline_once(self):
        self.travel("2026-09-01")
        self.assertEqual(deadlines_mark_overdue(actor=self.b.system, today=timezone.localdate()), 1)
        self.deadline.refresh_from_db()
        self.assertEqual(self.deadline.overdue_marked_at, timezone.now())
        self.travel("2026-09-02")
        self.assertEqual(deadlines_mark_overdue(actor=self.b.system, today=timezone.localdate()), 0)
        self.deadline.refresh_from_db()
        self.assertEqual(timezone.localtime(self.deadline.overdue_marked_at).date(), dt.date(2026, 9, 1))

    def test_a_deadline_due_today_is_not_yet_overdue(self):
        self.assertEqual(deadlines_mark_overdue(actor=self.b.system, today=DUE), 0)
        self.assertEqual(deadlines_mark_overdue(actor=self.b.system, today=DUE + dt.timedelta(days=1)), 1)

    def test_a_closed_deadline_is_never_marked(self):
        Deadline.objects.filter(pk=self.deadline.pk).update(closed_at=timezone.now())
        self.assertEqual(deadlines_mark_overdue(actor=self.b.system, today=dt.date(2026, 12, 1)), 0)
        self.deadline.refresh_from_db()
        self.assertIsNone(self.deadline.overdue_marked_at)

    def test_a_row_another_worker_claimed_first_is_not_counted(self):
        """The claim is a conditional UPDATE: a row marked between the read and the claim is skipped."""
        original = Deadline.objects.filter

        def read_then_race(*args, **kwargs):
            rows = original(*args, **kwargs)
            if "due_on__lt" in kwargs:  # the candidates' read: another worker marks the row right after it
                Deadline.objects.filter(pk=self.deadline.pk).update(overdue_marked_at=timezone.now())
            return rows

        with mock.patch.object(Deadline.objects, "filter", side_effect=read_then_race):
            marked = deadlines_mark_overdue(actor=self.b.system, today=dt.date(2026, 9, 1))
        self.assertEqual(marked, 0)
        self.assertFalse(AuditEvent.objects.filter(action="deadline.overdue").exists())

    def test_it_writes_one_audit_row_naming_the_deadlines(self):
        deadlines_mark_overdue(actor=self.b.system, today=dt.date(2026, 9, 1))
        event = AuditEvent.objects.get(action="deadline.overdue")
        self.assertEqual(event.actor, self.b.system)
        self.assertEqual(
            event.detail,
            {"today": "2026-09-01", "count": 1, "deadlines": [{"deadline": self.deadline.pk, "case": self.case.pk}]},
        )

    def test_the_command_prints_the_count_and_is_idempotent(self):
        self.travel("2026-09-01")
        self.assertEqual(self.sweep(), "1 deadline marked overdue.")
        self.assertEqual(self.sweep(), "0 deadlines marked overdue.")
        self.assertEqual(Deadline.objects.filter(overdue_marked_at__isnull=False).count(), 1)

    def test_the_supervision_page_lists_the_swept_deadline(self):
        self.travel("2026-09-01", hour=0)
        self.sweep()
        self.travel("2026-09-01", hour=9)
        self.login(self.b.unit_head)
        response = self.client.get(reverse("cases:supervision"))
        self.assertContains(response, f'<tr data-deadline="{self.deadline.pk}" data-overdue="1">')
        self.assertContains(response, "marked overdue 2026-09-01 00:00")
