"""Electronic service: only with the party's signed consent; link + separate code; opening is logged as service."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.documents import actions
from sanxiang.documents.models import ServiceOpening
from sanxiang.documents.tests.base import DocumentTestCase, stored_pdf
from sanxiang.lib.exceptions import GateRefused, ValidationFailed
from sanxiang.record.models import LogEntry

SIGNED_COPY = "ab" * 32


class ElectronicServiceTests(DocumentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.notified()
        self.doc = self.issue(self.case, "prior_notice", "notify")

    def consent(self) -> None:
        actions.consent_record(
            actor=self.b.officer, case=self.case, party=self.case.parties.get(), channel="email",
            address="zhangsan@example.cn", signed_on=timezone.localdate(), signed_copy_sha256=SIGNED_COPY,
        )  # fmt: skip

    def test_without_a_signed_consent_it_is_refused(self) -> None:
        with self.assertRaisesMessage(GateRefused, "signed consent"):
            actions.eservice_create(actor=self.b.officer, document=self.doc)

    def test_the_consent_needs_the_signed_copy_and_a_party_of_the_case(self) -> None:
        with self.assertRaises(ValidationFailed):
            actions.consent_record(
                actor=self.b.officer, case=self.case, party=self.case.parties.get(), channel="email",
                address="x@example.cn", signed_on=timezone.localdate(), signed_copy_sha256="nope",
            )  # fmt: skip

    def test_the_party_opens_the_link_with_the_code_and_the_service_time_is_logged(self) -> None:
        self.consent()
        service, code = actions.eservice_create(actor=self.b.officer, document=self.doc)
        self.assertGreaterEqual(len(service.token), 32)
        self.assertNotIn(code, service.code_hash)
        url = f"/d/s/{service.token}/"
        page = self.client.get(url)
        self.assertContains(page, "行政处罚事先告知书")
        wrong = self.client.post(url, {"code": "000000" if code != "000000" else "111111"})
        self.assertContains(wrong, "The access code is wrong.")
        self.assertFalse(ServiceOpening.objects.exists())
        self.travel("2026-06-02", hour=10)
        opened = self.client.post(url, {"code": code})
        self.assertEqual(b"".join(opened.streaming_content), stored_pdf(self.doc))  # type: ignore[attr-defined]
        first = ServiceOpening.objects.get()
        self.assertEqual(actions.eservice_served_at(service), first.opened_at)
        self.assertEqual(timezone.localtime(first.opened_at).date(), dt.date(2026, 6, 2))
        from sanxiang.record.checkpoints import checkpoint_make
        from sanxiang.record.log import entry_seq

        checkpoint_make()  # outbox mode (PostgreSQL): sequences the waiting entries first
        seq = entry_seq(first)
        assert seq is not None
        entry = LogEntry.objects.get(seq=seq)
        self.assertIn(b"documents.eservice_open", bytes(entry.body))

    def test_an_expired_link_does_not_open(self) -> None:
        self.consent()
        service, code = actions.eservice_create(actor=self.b.officer, document=self.doc)
        self.travel("2026-08-01")
        self.assertContains(self.client.post(f"/d/s/{service.token}/", {"code": code}), "expired")
