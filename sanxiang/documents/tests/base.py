"""Shared set-up of the documents tests: a general-procedure case walked forward, keys and blobs in a temp folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.test import override_settings

from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_gates_base import GateTestCase
from sanxiang.documents import actions
from sanxiang.documents.models import IssuedDocument
from sanxiang.evidence.blobstore import blob_open


def pdf_text(pdf: bytes) -> str:
    """The text of ``pdf`` as poppler's pdftotext extracts it (layout off: reading order)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607 (found on PATH like the other poppler tools)
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def stored_pdf(doc: IssuedDocument) -> bytes:
    with blob_open(doc.sha256) as handle:
        return bytes(handle.read())


class DocumentTestCase(GateTestCase):
    """``GateTestCase`` with the signing key and certificate in a temporary folder."""

    keys_dir: Path
    _keys: override_settings

    @classmethod
    def setUpClass(cls) -> None:
        cls.keys_dir = Path(tempfile.mkdtemp(prefix="doc-keys-"))
        cls._keys = override_settings(
            DOCUMENT_SIGNING_CERT_FILE=cls.keys_dir / "cert.pem",
            DOCUMENT_SIGNING_KEY_FILE=cls.keys_dir / "key.pem",
            PUBLIC_BASE_URL="https://zf.example.cn",
        )
        cls._keys.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._keys.disable()
        shutil.rmtree(cls.keys_dir, ignore_errors=True)

    def issue(self, case: Case, code: str, transition: str | None = None, **kwargs: Any) -> IssuedDocument:
        """Issue ``code`` from the case's latest event of ``transition`` (or without an event)."""
        event = case.events.filter(transition=transition).order_by("-seq").first() if transition else None
        doc = actions.document_issue(actor=self.b.officer, case=case, doc_type=code, event=event, **kwargs)
        shots = os.environ.get("SANXIANG_DOC_SHOTS")  # to look at the pages: pdftoppm them from this folder
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            (Path(shots) / f"{code}-{doc.pk}.pdf").write_bytes(stored_pdf(doc))
        return doc
