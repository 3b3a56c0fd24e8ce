"""Document numbers (文号): per type and year from the pattern; no gap, no duplicate; a voided number is not reused."""

from __future__ import annotations

import tempfile
import threading
import unittest
from pathlib import Path

import time_machine
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import CaseSource, IdType, PartyKind
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.documents import actions
from sanxiang.documents.models import IssuedDocument, VoidedNumber
from sanxiang.documents.tests.base import DocumentTestCase
from sanxiang.lib.exceptions import GateRefused, ValidationFailed
from sanxiang.procedures.actions import calendar_seed_year
from sanxiang.testing import FAST_HASHERS, make_bureau

KEYS = Path(tempfile.mkdtemp(prefix="doc-keys-"))


class NumberTests(DocumentTestCase):
    def test_each_type_has_its_own_series_and_a_voided_number_is_never_reused(self) -> None:
        case = self.registered()
        first = self.issue(case, "rectification_order")
        second = self.issue(case, "rectification_order")
        consent = self.issue(case, "electronic_consent")
        self.assertEqual(first.number, "铁西城管责改字〔2026〕第001号")
        self.assertEqual(second.number, "铁西城管责改字〔2026〕第002号")
        self.assertEqual(consent.number, "")  # not a numbered form
        void = actions.document_void(actor=self.b.officer, document=second, reason="打印错误")
        self.assertEqual(void.number, "铁西城管责改字〔2026〕第002号")
        self.assertTrue(void.log_seq is not None or void.pk is not None)  # logged (outbox mode: seq later)
        third = self.issue(case, "rectification_order", corrects=first)
        self.assertEqual(third.number, "铁西城管责改字〔2026〕第003号")
        with self.assertRaises(ValidationFailed):
            actions.document_void(actor=self.b.officer, document=second, reason="again")

    @override_settings(DOCUMENT_NUMBER_PATTERNS={"rectification_order": "铁西城管改〔{year}〕{n}号"})
    def test_the_pattern_is_configurable(self) -> None:
        self.assertEqual(self.issue(self.registered(), "rectification_order").number, "铁西城管改〔2026〕1号")

    def test_a_document_is_issued_only_from_its_step_or_its_states(self) -> None:
        case = self.registered()
        with self.assertRaises(ValidationFailed):
            self.issue(case, "penalty_decision")  # no event
        with self.assertRaises(ValidationFailed):
            self.issue(case, "penalty_decision", "register")  # 立案 does not produce a decision
        self.assertEqual(IssuedDocument.objects.count(), 0)

    def test_an_outsider_may_not_issue(self) -> None:
        from sanxiang.lib.exceptions import AccessDenied

        with self.assertRaises(AccessDenied):
            actions.document_issue(actor=self.b.other_officer, case=self.registered(), doc_type="rectification_order")

    def test_an_issued_row_cannot_be_changed(self) -> None:
        from django.db import DatabaseError, transaction

        doc = self.issue(self.registered(), "rectification_order")
        with self.assertRaises(DatabaseError), transaction.atomic():
            IssuedDocument.objects.filter(pk=doc.pk).update(sha256="0" * 64)


@unittest.skipUnless(connection.vendor == "postgresql", "threads share nothing useful on SQLite's in-memory database")
@override_settings(
    PASSWORD_HASHERS=FAST_HASHERS, DOCUMENT_SIGNING_CERT_FILE=KEYS / "c.pem", DOCUMENT_SIGNING_KEY_FILE=KEYS / "k.pem"
)
class ConcurrentDocumentNumbersPostgresTests(TransactionTestCase):
    """8 writers, each a thread with its own connection, issue documents of one type at the same time."""

    THREADS = 8
    EACH = 2

    def test_writers_get_numbers_without_gap_or_duplicate(self) -> None:
        # A working day inside the calendar the bureau's certificates and the 2026 holidays cover.
        traveller = time_machine.travel(at("2026-06-01"), tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        b = make_bureau()
        calendar_seed_year(actor=b.system, year=timezone.localdate().year)
        party = case_actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        lead = case_actions.case_register_lead(
            actor=b.officer, source=CaseSource.PATROL, unit=b.squad1, category=b.city_appearance, region=b.street,
            location="中央路", summary="占道经营", discovered_on=timezone.localdate(), parties=[party],
            act_date=timezone.localdate(),
            violation=self._violation(b),
        )  # fmt: skip
        try:
            case = case_actions.case_register(actor=b.unit_head, case=lead, handlers=[b.officer, b.officer2])
        except GateRefused as exc:
            self.fail(exc.reasons)
        barrier = threading.Barrier(self.THREADS)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                barrier.wait()
                for _ in range(self.EACH):
                    actions.document_issue(actor=b.officer, case=case, doc_type="rectification_order")
            except BaseException as exc:  # reported by the test thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertEqual(errors, [])
        serials = sorted(s for s in IssuedDocument.objects.values_list("serial", flat=True) if s is not None)
        self.assertEqual(serials, list(range(1, self.THREADS * self.EACH + 1)))
        self.assertEqual(VoidedNumber.objects.count(), 0)

    def _violation(self, b):
        from sanxiang.catalog.actions import violation_create

        return violation_create(
            actor=b.reviewer, code="srhw-001", title="擅自占用城市道路摆摊设点", category=b.city_appearance,
            violated_provisions="《城市市容和环境卫生管理条例》第十四条",
            penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
        )  # fmt: skip
