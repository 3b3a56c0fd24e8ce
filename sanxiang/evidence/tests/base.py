"""A case-ready test class with a fresh local evidence store per test (a temporary folder)."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import time_machine
from django.test import override_settings

from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.evidence.blobstore import StoredBlob, blob_put_stream
from sanxiang.evidence.tests.conftest import local_storage
from sanxiang.record.log import log_origin
from sanxiang.record.models import LogEntry
from sanxiang.record.sequencer import sequence_pending

NOW = "2026-06-01"


class EvidenceTestCase(CaseTestCase):
    """Time frozen on 1 June 2026, 09:00 Asia/Shanghai; ``self.case`` registered with officer and officer2."""

    def setUp(self) -> None:
        super().setUp()
        folder = Path(tempfile.mkdtemp(prefix="sanxiang-evidence-test-"))
        self.addCleanup(self._remove, folder)
        self.store_root = folder / "evidence"
        self.staging = folder / "staging"
        overrides = override_settings(
            STORAGES={**_storages(), "evidence": local_storage(self.store_root)}, EVIDENCE_STAGING_DIR=self.staging
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        traveller = time_machine.travel(at(NOW), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.case = self.register(self.new_lead())

    @staticmethod
    def _remove(folder: Path) -> None:
        for path in folder.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
        shutil.rmtree(folder, ignore_errors=True)

    def put(self, data: bytes) -> StoredBlob:
        return blob_put_stream(io.BytesIO(data))

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The log's entries (parsed), oldest first, optionally only those of ``kind``."""
        sequence_pending()  # outbox mode: what waits in the outbox (no commit in a TestCase triggers it)
        rows = LogEntry.objects.filter(log__origin=log_origin()).order_by("seq").values_list("body", flat=True)
        parsed = [json.loads(bytes(body)) for body in rows]
        return [e for e in parsed if kind is None or e["kind"] == kind]

    def raw_entry(self, seq: int | None) -> bytes:
        assert seq is not None
        return bytes(LogEntry.objects.get(log__origin=log_origin(), seq=seq).body)


def _storages() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.STORAGES)
