"""The database-backed log: roots and proofs agree with the pure tree, appends are gapless and transactional."""

from __future__ import annotations

from unittest import mock

from django.db import connection, transaction
from django.test import TestCase
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanxiang.record import merkle
from sanxiang.record.log import log_append, log_consistency_proof, log_inclusion_proof, log_root
from sanxiang.record.models import LogEntry, LogHead

ORIGIN = "test.example/record/2026"


def append_many(n: int, origin: str = ORIGIN) -> list[bytes]:
    with transaction.atomic():
        return [log_append(origin=origin, entry={"act": "test", "n": i}).leaf_hash for i in range(n)]


class LogStoreTests(TestCase):
    def test_roots_of_every_prefix_match_the_pure_tree(self):
        leaves = append_many(37)
        for size in range(0, 38):
            with self.subTest(size=size):
                self.assertEqual(log_root(ORIGIN, size), (size, merkle.root(leaves[:size])))

    def test_the_stored_body_is_what_was_hashed_and_names_its_place(self):
        receipt = append_many(3)[2]
        entry = LogEntry.objects.get(log__origin=ORIGIN, seq=2)
        self.assertEqual(merkle.leaf_hash(bytes(entry.body)), receipt)
        self.assertIn(b'"log":"test.example/record/2026"', bytes(entry.body))
        self.assertIn(b'"seq":2', bytes(entry.body))

    def test_a_rolled_back_append_leaves_no_gap(self):
        append_many(2)
        try:
            with transaction.atomic():
                log_append(origin=ORIGIN, entry={"act": "lost"})
                raise RuntimeError("the change it records failed")
        except RuntimeError:
            pass
        append_many(1)
        self.assertEqual(
            list(LogEntry.objects.filter(log__origin=ORIGIN).values_list("seq", flat=True).order_by("seq")), [0, 1, 2]
        )
        self.assertEqual(LogHead.objects.get(origin=ORIGIN).size, 3)

    def test_an_append_outside_a_transaction_is_refused(self):
        # TestCase wraps every test in a transaction: pretend the connection is outside one.
        with mock.patch.object(connection, "in_atomic_block", False), self.assertRaises(RuntimeError):
            log_append(origin=ORIGIN, entry={"act": "x"})
        self.assertFalse(LogHead.objects.filter(origin=ORIGIN).exists())

    def test_logs_do_not_mix(self):
        a = append_many(3, "a.example/log")
        b = append_many(5, "b.example/log")
        self.assertEqual(log_root("a.example/log")[1], merkle.root(a))
        self.assertEqual(log_root("b.example/log")[1], merkle.root(b))


class LogProofProperties(HypothesisTestCase):
    @settings(max_examples=25, deadline=None, database=None)
    @given(n=st.integers(1, 70), data=st.data())
    def test_proofs_from_the_database_verify(self, n, data):
        origin = f"prop.example/{n}/{data.draw(st.integers(0, 10**9))}"
        leaves = append_many(n, origin)
        size = data.draw(st.integers(1, n), label="size")
        seq = data.draw(st.integers(0, size - 1), label="seq")
        _, root = log_root(origin, size)
        proof = log_inclusion_proof(origin, seq, size)
        self.assertIs(merkle.verify_inclusion(leaves[seq], seq, size, proof, root), True)
        self.assertIs(merkle.verify_inclusion(leaves[seq], seq, size, proof, merkle.SHA256.empty_root), False)
        old = data.draw(st.integers(1, size), label="old")
        _, old_root = log_root(origin, old)
        consistency = log_consistency_proof(origin, old, size)
        self.assertIs(merkle.verify_consistency(old, size, old_root, root, consistency), True)
