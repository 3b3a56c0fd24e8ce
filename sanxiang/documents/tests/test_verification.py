"""The QR verification page, the byte-for-byte upload check, the inclusion proof, and the PDF signature."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from sanxiang.documents.signing import current_signer
from sanxiang.documents.tests.base import DocumentTestCase, pdf_text, stored_pdf
from sanxiang.record import standalone
from sanxiang.record.checkpoints import checkpoint_make


def _flip(data: bytes, offset: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 0x01
    return bytes(changed)


class VerificationPageTests(DocumentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.doc = self.issue(self.decided(), "penalty_decision", "decide")
        self.pdf = stored_pdf(self.doc)
        self.url = f"/d/{self.doc.public_id}/"

    def test_the_qr_code_holds_the_short_unguessable_url(self) -> None:
        from sanxiang.documents.actions import verify_url
        from sanxiang.documents.rendering import qr_svg, render_html

        self.assertGreaterEqual(len(self.doc.public_id), 22)  # 16 random bytes, URL-safe
        url = verify_url(self.doc.public_id)
        self.assertEqual(url, f"https://zf.example.cn/d/{self.doc.public_id}/")
        html = render_html("penalty_decision", self.doc.data, {"verify_url": url, "title": self.doc.title})
        self.assertIn(qr_svg(url), html)
        self.assertIn("扫码核验", pdf_text(self.pdf))

    def test_the_public_page_shows_the_facts_without_login(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "行政处罚决定书")
        self.assertContains(response, self.doc.number)
        self.assertContains(response, self.doc.sha256)
        self.assertContains(response, "四平市铁西区城市管理行政执法局")
        self.assertNotContains(response, "11010519491231002X")  # no personal data on the public page
        self.assertContains(response, "not yet covered by a signed checkpoint")

    def test_the_inclusion_proof_verifies_against_the_latest_signed_checkpoint(self) -> None:
        checkpoint_make()
        response = self.client.get(self.url)
        from sanxiang.record.log import entry_seq

        self.assertContains(response, f"entry {entry_seq(self.doc)} of the record log")
        bundle = self.client.get(f"{self.url}proof.json").json()
        from sanxiang.documents.selectors import log_vkey

        report = standalone.verify_inclusion_bundle(bundle, standalone.Verifier.parse(log_vkey()))
        self.assertIs(report.ok, True)
        body = json.loads(standalone.b64decode(bundle["body"], "body"))
        self.assertEqual(body["data"]["sha256"], self.doc.sha256)

    def test_an_identical_upload_is_confirmed_and_a_changed_one_fails(self) -> None:
        same = self.client.post(self.url, {"file": SimpleUploadedFile("a.pdf", self.pdf)})
        self.assertContains(same, "Identical: this file is byte for byte the issued document.")
        changed = self.client.post(self.url, {"file": SimpleUploadedFile("a.pdf", _flip(self.pdf, len(self.pdf) // 2))})
        self.assertContains(changed, "Different: this file is not the issued document.")

    def test_an_unknown_id_is_404(self) -> None:
        self.assertEqual(self.client.get("/d/not-an-id/").status_code, 404)


class SignatureTests(DocumentTestCase):
    def validate(self, pdf: bytes):
        reader = PdfFileReader(io.BytesIO(pdf))
        context = ValidationContext(trust_roots=[current_signer().signing_cert])
        return validate_pdf_signature(reader.embedded_signatures[0], context)

    def test_a_signed_pdf_validates_and_fails_after_a_byte_changes(self) -> None:
        doc = self.issue(self.registered(), "rectification_order")
        pdf = stored_pdf(doc)
        status = self.validate(pdf)
        self.assertIs(status.intact, True)
        self.assertIs(status.valid, True)
        self.assertIs(status.trusted, True)
        self.assertEqual(status.coverage.name, "ENTIRE_FILE")
        # A byte inside the signed content (the page content stream, far from the signature).
        changed = self.validate(_flip(pdf, 2000))
        self.assertIs(changed.intact, False)
