"""The public log endpoints: no token needed, only hashes and signed checkpoints leave, proofs verify."""

from __future__ import annotations

import base64

import time_machine
from django.test import TestCase

from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.record import merkle, note
from sanxiang.record.actions import audit_record
from sanxiang.record.checkpoints import checkpoint_make
from sanxiang.record.models import AuditCategory, LogEntry
from sanxiang.record.sequencer import sequence_pending
from sanxiang.record.signer import LogSigner


@time_machine.travel(at("2026-06-01"), tick=True)
class LogApiTests(CaseTestCase):
    def setUp(self):
        self.register(self.new_lead())
        first = checkpoint_make().checkpoint
        for i in range(5):
            audit_record(actor=None, action=f"test.{i}", category=AuditCategory.DATA)
        second = checkpoint_make().checkpoint
        assert first is not None and second is not None
        self.first, self.second = first, second
        audit_record(actor=None, action="test.unsigned", category=AuditCategory.DATA)
        sequence_pending()  # outbox mode: in the log, not yet signed
        self.verifier = note.Verifier.parse(LogSigner.from_settings().vkey())

    def test_key_and_latest_checkpoint_are_public_and_verify(self):
        key = self.client.get("/api/v1/log/key").json()
        self.assertEqual(note.Verifier.parse(key["key"]), self.verifier)
        body = self.client.get("/api/v1/log/checkpoint").json()
        checkpoint, _ = note.open_checkpoint(body["note"], self.verifier)
        self.assertEqual((checkpoint.size, body["size"]), (self.second.size, self.second.size))
        self.assertEqual(base64.b64decode(body["root"]), checkpoint.root)
        by_size = self.client.get(f"/api/v1/log/checkpoints/{self.first.size}").json()
        self.assertEqual(by_size["note"], self.first.note)

    def test_inclusion_proof_verifies_against_the_signed_root_and_never_shows_the_body(self):
        seq = 3
        bundle = self.client.get(f"/api/v1/log/inclusion?seq={seq}").json()
        self.assertNotIn("body", bundle)
        checkpoint, _ = note.open_checkpoint(bundle["checkpoint"], self.verifier)
        entry = LogEntry.objects.get(seq=seq)
        self.assertEqual(base64.b64decode(bundle["leaf_hash"]), merkle.leaf_hash(bytes(entry.body)))
        proof = [base64.b64decode(h) for h in bundle["proof"]]
        self.assertTrue(
            merkle.verify_inclusion(merkle.leaf_hash(bytes(entry.body)), seq, checkpoint.size, proof, checkpoint.root)
        )
        older = self.client.get(f"/api/v1/log/inclusion?seq={seq}&size={self.first.size}").json()
        self.assertEqual(older["size"], self.first.size)

    def test_consistency_proof_between_checkpoints_verifies(self):
        bundle = self.client.get(f"/api/v1/log/consistency?old={self.first.size}&new={self.second.size}").json()
        old, _ = note.open_checkpoint(bundle["old"], self.verifier)
        new, _ = note.open_checkpoint(bundle["new"], self.verifier)
        proof = [base64.b64decode(h) for h in bundle["proof"]]
        self.assertTrue(merkle.verify_consistency(old.size, new.size, old.root, new.root, proof))

    def test_bad_requests_get_their_4xx(self):
        unsigned = LogEntry.objects.order_by("-seq")[0].seq
        cases = {
            f"/api/v1/log/inclusion?seq={unsigned}": 422,  # not yet in a signed checkpoint
            "/api/v1/log/inclusion?seq=-1": 404,
            "/api/v1/log/inclusion?seq=abc": 422,
            f"/api/v1/log/inclusion?seq=0&size={self.first.size + 1}": 404,  # no checkpoint of that size
            "/api/v1/log/checkpoints/9999": 404,
            f"/api/v1/log/consistency?old={self.second.size}&new={self.first.size}": 422,
            "/api/v1/log/consistency?old=0&new=1": 422,
            f"/api/v1/log/consistency?old=1&new={self.second.size}": 404,
        }
        for url, status in cases.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, status, response.content)
                self.assertIn("error", response.json())


class EmptyLogApiTests(TestCase):
    def test_no_checkpoint_yet_is_a_404(self):
        self.assertEqual(self.client.get("/api/v1/log/checkpoint").status_code, 404)
