"""``verify`` catches every kind of tampering with the right location, and passes an untouched record."""

from __future__ import annotations

import base64
import io
import json
import os

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.models import Case, CaseEvent
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.record import appendonly, merkle, note
from sanxiang.record.actions import audit_record
from sanxiang.record.checkpoints import checkpoint_make
from sanxiang.record.log import entry_seq, log_consistency_proof, log_root
from sanxiang.record.models import AuditCategory, AuditEvent, Checkpoint, LogEntry, LogHead, LogNode
from sanxiang.record.sequencer import sequence_pending
from sanxiang.record.signer import LogSigner, SignerRefused
from sanxiang.record.verify import Options, verify


def rebuild_tree(head: LogHead) -> None:
    """What an insider does after editing entries: recompute every leaf hash, node and the head."""
    frontier = merkle.Frontier()
    nodes = []
    LogNode.objects.filter(log=head).delete()
    for entry in LogEntry.objects.filter(log=head).order_by("seq"):
        leaf = merkle.leaf_hash(bytes(entry.body))
        if bytes(entry.leaf_hash) != leaf:
            LogEntry.objects.filter(pk=entry.pk).update(leaf_hash=leaf)
        nodes += [LogNode(log=head, level=n.level, idx=n.idx, hash=n.hash) for n in frontier.append(leaf)]
    LogNode.objects.bulk_create(nodes)
    LogHead.objects.filter(pk=head.pk).update(size=frontier.size, frontier=frontier.to_bytes())


def problems(report, check=None):
    return [p for p in report.problems if check is None or p.check == check]


# The whole class (bureau set-up included) runs in June 2026: times in the log must not run backwards,
# and deadlines need the loaded 2026 calendar.
@time_machine.travel(at("2026-06-01"), tick=True)
class VerifyTests(CaseTestCase):
    def setUp(self):
        self.case = self.register(self.new_lead())
        self.case = actions.case_record_transcript(
            actor=self.b.officer,
            case=self.case,
            kind="questioning",
            interviewee="张三",
            content="问：你是否在此摆摊？答：是。",
            recorded_at=timezone.now(),
            place="站前街道中央路",
        )
        audit_record(actor=self.b.officer, action="test.something", category=AuditCategory.DATA)
        first = checkpoint_make().checkpoint
        assert first is not None
        self.first = first
        self.head = LogHead.objects.get()

    def verify(self, **kwargs):
        return verify(Options(fetch_witnesses=False, **kwargs))

    def test_an_untouched_record_verifies_clean(self):
        report = self.verify()
        self.assertEqual(report.problems, [])
        self.assertEqual(report.size, self.head.size)
        self.assertGreater(report.rows, 5)
        self.assertEqual(report.checkpoints, 1)
        self.assertGreaterEqual(report.cases, 1)
        self.assertEqual(report.unsigned_tail, 0)

    def test_a_changed_log_body_is_caught_at_its_entry(self):
        entry = LogEntry.objects.get(log=self.head, seq=3)
        with appendonly.suspended():
            LogEntry.objects.filter(pk=entry.pk).update(body=bytes(entry.body).replace(b'"v":1', b'"v":2'))
        report = self.verify()
        self.assertIn("entry 3", [p.where for p in problems(report, "entries")])
        self.assertFalse(report.ok)

    def test_a_changed_event_payload_is_caught_with_its_case(self):
        event = CaseEvent.objects.get(case=self.case, transition="record_transcript")
        with appendonly.suspended():
            CaseEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "content": "问：…答：否。"})
        report = self.verify()
        rows = problems(report, "rows")
        self.assertEqual(len(rows), 1, report.problems)
        self.assertEqual(
            rows[0].where, f"entry {entry_seq(event)} (case id {self.case.pk} event {event.seq} record_transcript)"
        )

    def test_a_changed_audit_row_is_caught(self):
        event = AuditEvent.objects.get(action="test.something")
        with appendonly.suspended():
            AuditEvent.objects.filter(pk=event.pk).update(outcome="denied")
        self.assertEqual(
            [p.where for p in problems(self.verify(), "rows")], [f"entry {entry_seq(event)} (audit test.something)"]
        )

    def test_a_changed_case_state_is_caught(self):
        Case.objects.filter(pk=self.case.pk).update(state="closed")  # cases are not append-only: state moves
        report = self.verify()
        self.assertEqual([p.where for p in problems(report, "cases")], [f"case {self.case.number}"])

    def test_a_changed_checkpoint_is_caught(self):
        forged = self.first.note.replace(f"\n{self.first.size}\n", f"\n{self.first.size + 1}\n")
        with appendonly.suspended():
            Checkpoint.objects.filter(pk=self.first.pk).update(note=forged)
        report = self.verify()
        self.assertIn(f"checkpoint {self.first.size}", [p.where for p in problems(report, "checkpoint")])

    def test_a_deleted_event_row_is_caught_at_its_entry(self):
        event = CaseEvent.objects.get(case=self.case, transition="record_transcript")
        seq = entry_seq(event)
        with appendonly.suspended():
            CaseEvent.objects.filter(pk=event.pk).delete()
        report = self.verify()
        self.assertIn(f"entry {seq}", [p.where for p in problems(report, "rows")])
        self.assertIn(f"case {self.case.number}", [p.where for p in problems(report, "cases")])

    def test_a_deleted_entry_in_the_middle_is_a_gap(self):
        with appendonly.suspended():
            LogEntry.objects.filter(log=self.head, seq=2).delete()
        report = self.verify()
        self.assertIn("entry 2", [p.where for p in problems(report, "entries")])

    def test_deleting_the_newest_entries_is_caught_against_the_last_checkpoint(self):
        size = self.head.size
        with appendonly.suspended():
            # The insider removes the last two entries (an audit row and its entry) and repairs the head and nodes.
            AuditEvent.objects.filter(log_seq__gte=size - 2).delete()
            CaseEvent.objects.filter(log_seq__gte=size - 2).delete()
            LogEntry.objects.filter(log=self.head, seq__gte=size - 2).delete()
            rebuild_tree(self.head)
        report = self.verify(cases=False)
        messages = [str(p) for p in problems(report, "tree")]
        self.assertTrue(any(f"signed at {size} entries but the log holds {size - 2}" in m for m in messages), messages)
        # The signer refuses to sign the shorter tree.
        with self.assertRaises(SignerRefused):
            checkpoint_make()

    def test_a_rewritten_history_resigned_with_the_key_is_caught_only_by_an_outside_anchor(self):
        witness_copy = self.first.note  # what a witness or the paper register holds
        entry = LogEntry.objects.get(log=self.head, seq=1)
        state_file = LogSigner.from_settings().state_path
        with appendonly.suspended():
            LogEntry.objects.filter(pk=entry.pk).update(body=bytes(entry.body).replace(b'"v":1', b'"v":3'))
            rebuild_tree(self.head)
            Checkpoint.objects.all().delete()
        os.remove(state_file)  # the insider holds the signer's files too
        checkpoint_make()  # re-signed with the same key
        self.assertEqual(self.verify().problems, [])
        report = self.verify(anchors=(witness_copy,))
        self.assertEqual([p.where for p in problems(report, "tree")], ["anchor 1"])

    def test_the_signer_state_outside_the_database_catches_deleted_checkpoints(self):
        audit_record(actor=None, action="test.more", category=AuditCategory.DATA)
        checkpoint_make()
        entry = LogEntry.objects.get(log=self.head, seq=1)
        with appendonly.suspended():
            LogEntry.objects.filter(pk=entry.pk).update(body=bytes(entry.body).replace(b'"v":1', b'"v":3'))
            rebuild_tree(self.head)
            Checkpoint.objects.all().delete()
        report = self.verify()
        self.assertIn("the signer's last checkpoint", [p.where for p in problems(report, "tree")])

    def test_a_stored_node_changed_is_caught(self):
        node = LogNode.objects.filter(log=self.head).order_by("level", "idx")[0]
        with appendonly.suspended():
            LogNode.objects.filter(pk=node.pk).update(hash=bytes(32))
        self.assertTrue(problems(self.verify(), "tree"))

    def test_a_row_slipped_in_without_an_entry_is_caught(self):
        with transaction.atomic():
            AuditEvent.objects.create(at=self.case.created_at, category="data", action="forged", outcome="success")
        rows = problems(self.verify(), "rows")
        self.assertEqual(len(rows), 1)
        self.assertIn("not in the log", rows[0].message)

    def test_a_missing_trigger_is_reported(self):
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute('DROP TRIGGER sx_ao_cases_caseevent_upd ON "cases_caseevent"')
            else:
                cursor.execute("DROP TRIGGER sx_ao_cases_caseevent_upd")
        self.assertEqual([p.where for p in problems(self.verify(), "triggers")], ["sx_ao_cases_caseevent_upd"])
        appendonly.install()

    def test_the_command_exits_1_with_locations_and_0_when_clean(self):
        out = io.StringIO()
        call_command("verify", "--no-witnesses", stdout=out)
        self.assertIn("OK", out.getvalue())
        with appendonly.suspended():
            LogEntry.objects.filter(log=self.head, seq=0).update(leaf_hash=bytes(32))
        out = io.StringIO()
        with self.assertRaises(SystemExit) as exit_:
            call_command("verify", "--no-witnesses", "--json", stdout=out)
        self.assertEqual(exit_.exception.code, 1)
        report = json.loads(out.getvalue())
        self.assertFalse(report["ok"])
        self.assertIn(
            {"check": "entries", "where": "entry 0"},
            [{k: p[k] for k in ("check", "where")} for p in report["problems"]],
        )

    def test_entry_bundle_verifies_with_the_public_key(self):
        out = io.StringIO()
        call_command("verify", "--entry", "2", stdout=out)
        bundle = json.loads(out.getvalue())
        checkpoint, _ = note.open_checkpoint(
            bundle["checkpoint"], note.Verifier.parse(LogSigner.from_settings().vkey())
        )
        import base64

        leaf = merkle.leaf_hash(base64.b64decode(bundle["body"]))
        proof = [base64.b64decode(h) for h in bundle["proof"]]
        self.assertTrue(merkle.verify_inclusion(leaf, 2, checkpoint.size, proof, checkpoint.root))


@pytest.mark.django_db
def test_an_empty_database_verifies_clean():
    report = verify(Options(fetch_witnesses=False))
    assert report.problems == []
    assert report.size == 0


@time_machine.travel(at("2026-06-01"), tick=True)
class WitnessedCheckpointTests(CaseTestCase):
    """The platform pushes checkpoints to a witness run elsewhere; verify reads the witness's copy back."""

    def setUp(self):
        import tempfile
        import threading

        from sanxiang.record import witness

        self.dir = tempfile.TemporaryDirectory()
        from pathlib import Path

        state_dir = Path(self.dir.name)
        self.witness_signer = witness.witness_init(state_dir, "justice.example")
        log_vkey = LogSigner.from_settings().vkey()
        self.server = witness.WitnessServer(
            ("127.0.0.1", 0),
            state_dir=state_dir,
            log_verifiers=witness.parse_log_keys([log_vkey]),
            signer=self.witness_signer,
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.settings_override = self.settings(RECORD_WITNESSES=[f"{url} {self.witness_signer.vkey()}"])
        self.settings_override.enable()

    def tearDown(self):
        self.settings_override.disable()
        self.server.shutdown()
        self.server.server_close()
        self.dir.cleanup()

    def test_checkpoints_are_cosigned_and_a_rewrite_is_caught_by_the_witness_copy(self):
        self.register(self.new_lead())
        first = checkpoint_make()
        self.assertEqual(first.cosigned_by, ["justice.example"])
        audit_record(actor=None, action="test.more", category=AuditCategory.DATA)
        second = checkpoint_make()  # the witness checks consistency from the first
        self.assertEqual((second.cosigned_by, second.witness_errors), (["justice.example"], []))
        report = verify(Options())
        self.assertEqual(report.problems, [])
        self.assertEqual((report.cosignatures, report.anchors), (2, 2))  # signer state + witness

        # An insider with the database, the key and the signer's files rewrites history and re-signs it.
        head = LogHead.objects.get()
        entry = LogEntry.objects.get(log=head, seq=1)
        with appendonly.suspended():
            LogEntry.objects.filter(pk=entry.pk).update(body=bytes(entry.body).replace(b'"v":1', b'"v":3'))
            rebuild_tree(head)
            from sanxiang.record.models import Cosignature

            Cosignature.objects.all().delete()
            Checkpoint.objects.all().delete()
        os.remove(LogSigner.from_settings().state_path)
        forged = checkpoint_make()
        self.assertIsNotNone(forged.checkpoint)
        self.assertTrue(forged.witness_errors)  # the witness refuses the fork
        report = verify(Options())
        self.assertIn("witness justice.example", [p.where for p in problems(report, "tree")])


@time_machine.travel(at("2026-06-01"), tick=True)
@override_settings(RECORD_LOG_SM3=True)  # from the class set-up on: the log begins with the SM3 tree
class Sm3TreeTests(CaseTestCase):
    """A log begun with SANXIANG_LOG_SM3 keeps a parallel SM3 tree, signs its root and verifies it."""

    def setUp(self):
        self.register(self.new_lead())
        audit_record(actor=None, action="test.sm3", category=AuditCategory.DATA)
        result = checkpoint_make()
        assert result.checkpoint is not None
        self.checkpoint = result.checkpoint
        self.head = LogHead.objects.get()

    def test_the_sm3_tree_matches_the_reference_and_its_root_is_signed(self):
        bodies = [bytes(b) for b in LogEntry.objects.order_by("seq").values_list("body", flat=True)]
        leaves = [merkle.leaf_hash(b, algorithm=merkle.SM3) for b in bodies]
        stored = [bytes(h or b"") for h in LogEntry.objects.order_by("seq").values_list("leaf_sm3", flat=True)]
        self.assertEqual(stored, leaves)
        from sanxiang.record.checkpoints import sm3_root_of

        opened, _ = note.open_checkpoint(self.checkpoint.note, note.Verifier.parse(LogSigner.from_settings().vkey()))
        self.assertEqual(sm3_root_of(opened), merkle.root(leaves, algorithm=merkle.SM3))
        self.assertEqual(verify(Options(fetch_witnesses=False)).problems, [])

    def test_a_changed_sm3_leaf_or_node_is_caught(self):
        with appendonly.suspended():
            LogEntry.objects.filter(log=self.head, seq=2).update(leaf_sm3=bytes(32))
        self.assertIn("entry 2", [p.where for p in problems(verify(Options(fetch_witnesses=False)), "entries")])
        with appendonly.suspended():
            node = LogNode.objects.filter(log=self.head).order_by("level", "idx")[0]
            LogNode.objects.filter(pk=node.pk).update(hash_sm3=bytes(32))
        self.assertTrue(problems(verify(Options(fetch_witnesses=False)), "tree"))

    def test_switching_sm3_off_later_keeps_the_tree_whole(self):
        with self.settings(RECORD_LOG_SM3=False):  # the head's flag governs, not the setting
            audit_record(actor=None, action="test.more", category=AuditCategory.DATA)
        self.assertIsNotNone(LogEntry.objects.order_by("-seq")[0].leaf_sm3)
        self.assertEqual(verify(Options(fetch_witnesses=False)).problems, [])


@time_machine.travel(at("2026-06-01"), tick=True)
class Sm3LateTests(CaseTestCase):
    def test_a_log_begun_without_sm3_keeps_working_and_verify_says_so(self):
        sequence_pending()  # the log begins with its first entry (outbox mode: when that is sequenced)
        with self.settings(RECORD_LOG_SM3=True):
            audit_record(actor=None, action="test.late", category=AuditCategory.DATA)
            report = verify(Options(fetch_witnesses=False))
        self.assertIsNone(LogEntry.objects.order_by("-seq")[0].leaf_sm3)
        self.assertEqual(report.problems, [])
        self.assertIn("SANXIANG_LOG_SM3 is on, but this log was begun without the SM3 tree.", report.notes)


@time_machine.travel(at("2026-06-01"), tick=True)
class ReviewFindingsTests(CaseTestCase):
    """Tampering that an earlier verify missed (an independent review found each)."""

    def setUp(self):
        self.case = self.register(self.new_lead())
        audit_record(actor=None, action="test.base", category=AuditCategory.DATA)
        checkpoint_make()
        self.head = LogHead.objects.get()

    def verify(self):
        return verify(Options(fetch_witnesses=False))

    def test_a_forged_row_borrowing_another_rows_entry_is_caught(self):
        audit = AuditEvent.objects.get(action="test.base")
        last = CaseEvent.objects.filter(case=self.case).order_by("-seq")[0]
        with appendonly.suspended():
            CaseEvent.objects.create(
                case=self.case, seq=last.seq + 1, transition="close", from_state=last.to_state, to_state="closed",
                actor=self.b.officer, actor_label="x", at=last.at, changes={"state": "closed"}, payload={},
                log_seq=None,
            )  # fmt: skip
            forged = CaseEvent.objects.get(case=self.case, seq=last.seq + 1)
            AuditEvent.objects.filter(pk=audit.pk).delete()  # free the unique log_seq on the audit table…
            CaseEvent.objects.filter(pk=forged.pk).delete()
            CaseEvent.objects.create(
                case=self.case,
                seq=last.seq + 1,
                transition="close",
                from_state=last.to_state,
                to_state="closed",
                actor=self.b.officer,
                actor_label="x",
                at=last.at,
                changes={"state": "closed"},
                payload={},
                log_seq=entry_seq(audit),
            )  # fmt: skip  …and let the forged event claim the audit row's entry
            AuditEvent.objects.create(
                **{f.attname: getattr(audit, f.attname) for f in AuditEvent._meta.concrete_fields}
            )
        report = self.verify()
        messages = [p.message for p in problems(report, "rows")]
        self.assertTrue(
            any("claimed by two records" in m or "claims this audit entry" in m for m in messages), messages
        )

    def test_opening_facts_are_vouched_for(self):
        from sanxiang.cases.models import Case

        Case.objects.filter(pk=self.case.pk).update(summary="另一事实", discovered_on="2026-01-01")
        self.assertEqual([p.where for p in problems(self.verify(), "cases")], [f"case {self.case.number}"])

    def test_removed_parties_and_added_handlers_are_caught(self):
        lead = self.new_lead()
        lead.parties.clear()
        from sanxiang.cases.models import CaseHandler

        CaseHandler.objects.create(case=lead, user=self.b.officer2, role="assist")
        self.assertEqual([p.where for p in problems(self.verify(), "cases")], [f"case {lead.lead_number}"])

    def test_an_entry_beyond_the_head_is_reported(self):
        size = self.head.size
        with appendonly.suspended():
            LogHead.objects.filter(pk=self.head.pk).update(size=size - 1)
        self.assertIn(f"entry {size - 1}", [p.where for p in problems(self.verify(), "entries")])

    def test_a_body_that_is_not_an_object_is_reported_not_a_crash(self):
        with appendonly.suspended():
            LogEntry.objects.filter(log=self.head, seq=1).update(body=b"[]")
        self.assertIn("entry 1", [p.where for p in problems(self.verify(), "entries")])

    def test_one_missing_entry_does_not_flood_the_report(self):
        with appendonly.suspended():
            LogEntry.objects.filter(log=self.head, seq=3).delete()
        self.assertLess(len(problems(self.verify(), "tree")), 5)

    def test_switching_the_sm3_tree_off_in_the_database_is_caught(self):
        with appendonly.suspended():
            LogEntry.objects.filter(log=self.head, seq=0).update(leaf_sm3=bytes(32))
        self.assertIn("head", [p.where for p in problems(self.verify(), "tree")])

    def test_an_ipv6_client_verifies_clean(self):
        from sanxiang.record import context

        token = context.activate(context.RequestContext(ip="2001:db8::1", channel="web"))
        try:
            audit_record(actor=None, action="test.v6", category=AuditCategory.DATA)
        finally:
            context.deactivate(token)
        self.assertEqual(self.verify().problems, [])


def test_client_addresses_are_kept_in_the_form_the_database_stores():
    from django.test import RequestFactory

    from sanxiang.record.middleware import client_ip

    def ip(value):
        return client_ip(RequestFactory().get("/", REMOTE_ADDR=value))

    assert ip("2001:DB8:0:0:0:0:0:1") == "2001:db8::1"
    assert ip("::ffff:10.0.0.1") == "::ffff:10.0.0.1"
    assert ip("10.0.0.1") == "10.0.0.1"
    assert ip("not an address") is None


@time_machine.travel(at("2026-06-01"), tick=True)
@override_settings(RECORD_LOG_SM3=True)
class Sm3SignerTests(CaseTestCase):
    def test_the_signer_checks_the_sm3_tree_too_and_never_drops_it(self):
        self.register(self.new_lead())
        checkpoint_make()
        audit_record(actor=None, action="test.more", category=AuditCategory.DATA)
        signer = LogSigner.from_settings()
        head = LogHead.objects.get()
        size, root = log_root(head.origin)
        old = signer.last_signed(head.origin)
        assert old is not None
        proof = log_consistency_proof(head.origin, old[0], size)
        forged_sm3 = bytes(32)
        with self.assertRaises(SignerRefused):  # an SM3 root that does not extend the signed one
            signer.sign(
                note.Checkpoint(head.origin, size, root, ("sm3 " + base64.b64encode(forged_sm3).decode(),)),
                proof,
                root_sm3=forged_sm3,
                proof_sm3=log_consistency_proof(head.origin, old[0], size, sm3=True),
            )
        with self.assertRaises(SignerRefused):  # no SM3 root at all after one was signed
            signer.sign(note.Checkpoint(head.origin, size, root), proof)
        self.assertTrue(checkpoint_make().created)  # the honest one is signed
