"""Evidence in a real browser, in Chinese, at phone width: add a photo, open it with a reason, see the custody log.

Asserts on structure and data (``data-`` attributes, typed text, the file's
bytes and hash), never on translated labels.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from sanxiang.cases.tests.test_case_browser import PHONE_WIDTH, log_in, overflow, registered_case
from sanxiang.conftest import screenshot
from sanxiang.evidence.models import Evidence, EvidenceAccess
from sanxiang.evidence.tests.conftest import local_storage
from sanxiang.testing import make_bureau

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64


def test_an_officer_adds_a_photo_and_opens_it_with_a_reason(live_server, page, settings, tmp_path: Path):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.STORAGES = {**settings.STORAGES, "evidence": local_storage(tmp_path / "evidence")}
    settings.EVIDENCE_STAGING_DIR = tmp_path / "staging"
    b = make_bureau()
    case = registered_case(b)
    log_in(page, live_server.url, b.officer)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})

    page.goto(f"{live_server.url}/evidence/case/{case.pk}/add/")
    page.select_option("#id_step", "register")
    page.select_option("#id_kind", "photo")
    page.fill("#id_captured_at", "2026-06-01T08:30")
    page.fill("#id_location", "站前街道中央路")
    page.fill("#id_description", "摊位全景")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(PHOTO)
    page.set_input_files("#id_file", str(photo))
    assert overflow(page) <= PHONE_WIDTH
    screenshot(page, "evidence-add-phone")
    page.click("main form button[type=submit]")

    page.wait_for_url(re.compile(r"/evidence/\d+/$"))
    evidence = Evidence.objects.get()
    assert page.url.endswith(f"/evidence/{evidence.pk}/")
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert page.locator("[data-field=sha256]").inner_text() == sha
    assert "现场照片.jpg" in page.inner_text("main")
    assert overflow(page) <= PHONE_WIDTH

    page.fill("#id_reason", "法制审核调取现场照片")
    with page.expect_download() as download_info:
        page.click("form[action$='/download/'] button[type=submit]")
    download = download_info.value
    assert Path(download.path()).read_bytes() == PHOTO
    assert download.suggested_filename == "现场照片.jpg"
    assert EvidenceAccess.objects.get().reason == "法制审核调取现场照片"

    page.reload()
    rows = page.locator("tr[data-access]")
    assert rows.count() == 1
    assert "法制审核调取现场照片" in rows.first.inner_text()
    screenshot(page, "evidence-detail-phone")
