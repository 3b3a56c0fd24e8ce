"""Shared set-up of the upload tests: a registered case, an API token, and a throw-away evidence store."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from sanxiang.apitokens.actions import api_token_issue
from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Case, CaseSource, IdType, PartyKind
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.testing import Bureau
from sanxiang.uploads.protocol import encode_metadata

URL = "/api/v1/uploads/"
TUS = {"Tus-Resumable": "1.0.0"}
CHUNK_TYPE = "application/offset+octet-stream"
STEP = "attach_evidence"


def registered_case(b: Bureau, violation: Any) -> Case:
    """A general-procedure case registered on 1 June 2026, handled by ``officer`` and ``officer2``."""
    with time_machine.travel(at("2026-06-01"), tick=False):
        party = case_actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        case = case_actions.case_register_lead(
            actor=b.officer, source=CaseSource.PATROL, unit=b.squad1, category=b.city_appearance, region=b.street,
            location="站前街道中央路", summary="占道经营", discovered_on=timezone.localdate(),
            act_date=timezone.localdate(), violation=violation, parties=[party],
        )  # fmt: skip
        return case_actions.case_register(actor=b.unit_head, case=case, handlers=[b.officer, b.officer2])


def temp_store() -> tuple[Path, Any]:
    """A temporary folder with the evidence store and its staging folder, and the settings override for it."""
    root = Path(tempfile.mkdtemp(prefix="sanxiang-uploads-"))
    storages = dict(settings.STORAGES)
    storages["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": root / "evidence", "file_permissions_mode": 0o444, "directory_permissions_mode": 0o750},
    }
    return root, override_settings(STORAGES=storages, EVIDENCE_STAGING_DIR=root / "staging")


def metadata(case: Case, /, **overrides: str | None) -> str:
    pairs: dict[str, str | None] = {
        "case": str(case.pk),
        "step": STEP,
        "kind": "video",
        "captured_at": "2026-06-01T09:30:00+08:00",
        "filename": "执法记录仪-0001.mp4",
        "filetype": "video/mp4",
        "device_serial": "DSJ-0001",
    }
    pairs.update(overrides)
    return encode_metadata({k: v for k, v in pairs.items() if v != "<absent>"})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class TusTestCase(CaseTestCase):
    """The bureau, a registered case (``case``), a token of ``officer`` (``plaintext``) and a temporary store."""

    case: Case
    plaintext: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = registered_case(cls.b, cls.violation)
        _token, cls.plaintext = api_token_issue(
            actor=cls.b.secadmin,
            user=cls.b.officer,
            name="dock",
            expires_on=timezone.localdate() + dt.timedelta(days=30),
        )

    def setUp(self) -> None:
        super().setUp()
        self.root, override = temp_store()
        self.enterContext(override)
        self.addCleanup(shutil.rmtree, self.root, True)

    def auth(self, plaintext: str | None = None) -> dict[str, str]:
        return {**TUS, "Authorization": f"Bearer {plaintext or self.plaintext}"}

    def create(self, length: int, meta: str | None = None, headers: dict[str, str | None] | None = None):
        sent: dict[str, str | None] = {
            **self.auth(),
            "Upload-Length": str(length),
            "Upload-Metadata": meta or metadata(self.case),
        }
        sent.update(headers or {})
        return self.client.generic("POST", URL, b"", headers={k: v for k, v in sent.items() if v is not None})

    def created(self, length: int, meta: str | None = None) -> str:
        response = self.create(length, meta)
        assert response.status_code == 201, response.content
        return str(response["Location"])

    def patch(
        self,
        location: str,
        offset: int,
        data: bytes,
        headers: dict[str, str | None] | None = None,
        *,
        environ: dict[str, Any] | None = None,
        **extra: Any,
    ):
        sent: dict[str, str | None] = {**self.auth(), "Upload-Offset": str(offset)}
        sent.update(headers or {})
        content_type = extra.pop("content_type", CHUNK_TYPE)
        if content_type is not None:
            extra.setdefault("CONTENT_TYPE", content_type)  # also on an empty body (the client omits it then)
        extra.update(environ or {})
        return self.client.generic(
            "PATCH", location, data, headers={k: v for k, v in sent.items() if v is not None}, **extra
        )

    def head(self, location: str, plaintext: str | None = None):
        return self.client.head(location, headers=self.auth(plaintext))
