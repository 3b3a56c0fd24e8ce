"""The outbox mode (RECORD-LOG.md §4 "Scaled"): enqueue in the business transaction, sequence after it.

What is checked: the business transaction never touches the head; the
sequencer appends committed rows in id order with ``ob``/``at``/``ts`` and
empties the outbox; a rolled-back transaction leaves nothing; the time in the
log never runs backwards; rows are found again by ``entry_seq``; and
``verify`` catches an outbox row deleted before sequencing, a changed row, a
record sequenced twice, lookup columns that lie, and warns about a stalled
outbox. (Concurrency: ``test_concurrent_appends``.)
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from sanxiang.record import appendonly
from sanxiang.record.actions import audit_record
from sanxiang.record.log import Queued, Receipt, entry_seq, log_origin, log_record
from sanxiang.record.models import AuditCategory, AuditEvent, LogEntry, LogHead, LogOutbox
from sanxiang.record.sequencer import sequence_batch, sequence_pending
from sanxiang.record.verify import Options, Report, verify

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def audit(action: str) -> AuditEvent:
    return audit_record(actor=None, action=action, category=AuditCategory.DATA)


def body(seq: int) -> dict[str, Any]:
    return dict(json.loads(bytes(LogEntry.objects.get(log__origin=log_origin(), seq=seq).body)))


def size() -> int:
    head = LogHead.objects.filter(origin=log_origin()).first()
    return head.size if head else 0


def run_verify(*, drain: bool = True) -> Report:
    return verify(Options(fetch_witnesses=False, cases=False, drain=drain))


def where(report: Report, check: str = "rows") -> list[str]:
    return [f"{p.where}: {p.message}" for p in report.problems if p.check == check]


@override_settings(RECORD_LOG_MODE="outbox")
@time_machine.travel(T0, tick=True)
class OutboxTests(TestCase):
    def test_the_business_transaction_writes_the_outbox_and_not_the_head(self):
        before = size()
        event = audit("test.one")
        self.assertIsNone(event.log_seq)
        self.assertEqual(size(), before)
        queued = LogOutbox.objects.get()
        self.assertEqual(queued.ref, f"record.auditevent:{event.pk}")
        self.assertIsNone(entry_seq(event))

    def test_the_sequencer_appends_in_id_order_and_empties_the_outbox(self):
        events = [audit(f"test.{i}") for i in range(5)]
        ids = list(LogOutbox.objects.order_by("id").values_list("id", flat=True))
        self.assertEqual(sequence_pending(), 5)
        self.assertFalse(LogOutbox.objects.exists())
        self.assertEqual(size(), 5)
        entries = [body(seq) for seq in range(5)]
        self.assertEqual([e["ob"] for e in entries], ids)
        self.assertEqual([entry_seq(e) for e in events], [0, 1, 2, 3, 4])
        for event, entry in zip(events, entries, strict=True):
            self.assertEqual(entry["ref"], f"record.auditevent:{event.pk}")
            self.assertEqual(entry["at"], int(event.at.timestamp() * 1000))  # the business time
            self.assertGreaterEqual(entry["ts"], entry["at"])  # the sequencing time
        self.assertEqual(run_verify().problems, [])
        self.assertEqual(sequence_pending(), 0)  # nothing twice

    def test_batches_are_bounded_and_the_tree_is_the_same_as_one_by_one(self):
        for i in range(7):
            audit(f"test.{i}")
        self.assertEqual(sequence_batch(limit=3), 3)
        self.assertEqual(sequence_batch(limit=3), 3)
        self.assertEqual(sequence_batch(limit=3), 1)
        self.assertEqual(sequence_batch(limit=3), 0)
        report = run_verify()  # recomputes every leaf, node and the head from the bodies
        self.assertEqual(report.problems, [])
        self.assertEqual((report.size, report.rows), (7, 7))

    def test_a_rolled_back_transaction_leaves_no_outbox_row_and_no_entry(self):
        with self.assertRaises(DatabaseError), transaction.atomic():
            audit("test.lost")
            raise DatabaseError("the business change failed")
        self.assertFalse(LogOutbox.objects.exists())
        self.assertFalse(AuditEvent.objects.exists())
        self.assertEqual(sequence_pending(), 0)
        self.assertEqual(size(), 0)

    def test_a_failed_row_insert_takes_its_outbox_row_with_it(self):
        first = audit("test.first")
        clash = AuditEvent(pk=first.pk, at=timezone.now(), category=AuditCategory.DATA, action="x", outcome="success")
        with self.assertRaises(DatabaseError), transaction.atomic():
            log_record("audit", row=clash)
        self.assertEqual(LogOutbox.objects.count(), 1)

    def test_the_time_in_the_log_never_runs_backwards(self):
        audit("test.late")
        sequence_pending()
        with time_machine.travel(T0 - dt.timedelta(hours=1), tick=False):  # the clock is set back
            audit("test.early")
            sequence_pending()
        first, second = body(0), body(1)
        self.assertGreaterEqual(second["ts"], first["ts"])
        self.assertLess(second["at"], first["at"])
        self.assertEqual(run_verify().problems, [])

    def test_commit_sequences_at_once(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks, transaction.atomic():
            event = audit("test.a")
            audit("test.b")
        self.assertEqual(len(callbacks), 1)  # one sequencing per transaction, however many entries
        self.assertFalse(LogOutbox.objects.exists())
        self.assertEqual(entry_seq(event), 0)

    @override_settings(RECORD_LOG_SYNC_KINDS=["test.sync"])
    def test_sync_kinds_are_appended_directly_and_verify_joins_both_kinds_of_entry(self):
        queued = log_record("test.queued", data={"n": 1})
        direct = log_record("test.sync", data={"n": 2})
        self.assertIsInstance(queued, Queued)
        self.assertIsInstance(direct, Receipt)
        audit("test.row")
        sequence_pending()
        self.assertNotIn("ob", body(0))
        self.assertEqual(body(1)["ob"], queued.outbox if isinstance(queued, Queued) else None)
        self.assertEqual(run_verify().problems, [])

    def test_the_outbox_refuses_updates_but_its_sequencer_deletes(self):
        audit("test.x")
        row = LogOutbox.objects.get()
        with self.assertRaises(DatabaseError), transaction.atomic():
            LogOutbox.objects.filter(pk=row.pk).update(ref="record.auditevent:999")
        self.assertEqual(sequence_pending(), 1)  # the sequencer's DELETE is allowed
        self.assertEqual(appendonly.missing(), [])

    def test_the_sequence_command_drains_once(self):
        audit("test.x")
        out = io.StringIO()
        call_command("sequence", stdout=out)
        self.assertEqual(out.getvalue().strip(), "sequenced 1 entries; 0 waiting")


@override_settings(RECORD_LOG_MODE="outbox")
@time_machine.travel(T0, tick=True)
class OutboxVerifyTests(TestCase):
    def setUp(self) -> None:
        self.kept = audit("test.kept")
        self.event = audit("test.target")

    def test_an_outbox_row_deleted_before_sequencing_leaves_its_row_unrecorded(self):
        with appendonly.suspended():
            LogOutbox.objects.filter(ref=f"record.auditevent:{self.event.pk}").delete()
        report = run_verify()
        self.assertEqual(
            where(report),
            [
                f"audit record {self.event.pk} (audit test.target): "
                "not in the log: no entry names it and none waits in the outbox"
            ],
        )

    def test_a_row_changed_after_sequencing_is_caught_at_its_entry(self):
        sequence_pending()
        with appendonly.suspended():
            AuditEvent.objects.filter(pk=self.event.pk).update(outcome="denied")
        self.assertEqual(
            where(run_verify()),
            [f"entry {entry_seq(self.event)} (audit test.target): the record differs from what the log committed to"],
        )

    def test_a_row_changed_while_waiting_is_caught_once_sequenced(self):
        with appendonly.suspended():
            AuditEvent.objects.filter(pk=self.event.pk).update(action="test.forged")
        problems = where(run_verify())
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("differs from what the log committed to", problems[0])

    def test_a_record_sequenced_twice_is_a_duplicate_claim(self):
        queued = LogOutbox.objects.get(ref=f"record.auditevent:{self.event.pk}")
        with connection.cursor() as cursor:  # an insider re-queues the entry: the row gets a second entry
            cursor.execute(
                'INSERT INTO "record_logoutbox" (origin, entry, ref, created_at) VALUES (%s, %s, %s, %s)',
                [queued.origin, bytes(queued.entry), queued.ref, connection.ops.adapt_datetimefield_value(T0)],
            )
        report = run_verify()
        self.assertIn(
            f"ref record.auditevent:{self.event.pk}: named by 2 entries: one record sequenced twice, or a forged entry",
            where(report),
        )

    def test_a_forged_row_claiming_a_sequenced_entry_by_log_seq_is_caught(self):
        sequence_pending()
        seq = entry_seq(self.event)
        with appendonly.suspended():
            forged = AuditEvent.objects.create(
                at=self.event.at, category="data", action="test.forged", outcome="success", log_seq=seq
            )
        problems = where(run_verify())
        self.assertTrue(any("claimed by two records" in p or "claims entry" in p for p in problems), problems)
        self.assertTrue(any(str(forged.pk) in p or f"entry {seq}" in p for p in problems), problems)

    def test_lookup_columns_that_differ_from_the_body_are_caught(self):
        sequence_pending()
        seq = entry_seq(self.event)
        assert seq is not None
        with appendonly.suspended():
            LogEntry.objects.filter(seq=seq).update(ref=f"record.auditevent:{self.kept.pk}")
        problems = [p for p in run_verify().problems if p.check == "entries"]
        self.assertEqual(
            [(p.where, p.message) for p in problems],
            [(f"entry {seq}", "its outbox or ref column differs from its body")],
        )

    def test_a_stalled_outbox_is_a_warning_not_a_failure(self):
        report = run_verify(drain=False)
        self.assertEqual((report.pending, report.problems, report.warnings), (2, [], []))
        self.assertTrue(any("wait in the outbox" in n for n in report.notes), report.notes)
        with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
            report = run_verify(drain=False)
        self.assertEqual(report.problems, [])
        self.assertEqual(len(report.warnings), 1)
        self.assertIn("is the sequencer running?", report.warnings[0])
        self.assertGreater(report.pending_oldest_seconds, 50)
