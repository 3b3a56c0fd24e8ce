"""The uploader page in a real browser: a file goes up in 8 MiB chunks, the bar reaches 100 %, the evidence is linked.

The page asks for Chinese like the bureau's machines; the test asserts on
structure and data (roles, ``data-`` attributes, the progress value), never
on translated labels.
"""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from sanxiang.cases.tests.test_case_browser import log_in, registered_case
from sanxiang.conftest import screenshot
from sanxiang.evidence.models import Evidence
from sanxiang.testing import make_bureau
from sanxiang.uploads.models import Upload, UploadStatus
from sanxiang.uploads.tests.base import STEP, temp_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZE = 9 * 1024 * 1024 + 321  # two chunks


@pytest.fixture
def store():
    root, override = temp_store()
    with override:
        yield root
    shutil.rmtree(root, ignore_errors=True)


def open_uploader(live_server, page):
    """Log the handler in, open the uploader of a registered case, choose a two-chunk video and the step."""
    b = make_bureau()
    case = registered_case(b)
    log_in(page, live_server.url, b.officer)
    page.goto(f"{live_server.url}/uploads/case/{case.pk}/")
    form = page.locator("form[data-tus-uploader]")
    data = os.urandom(SIZE)
    form.locator('input[type="file"]').set_input_files(
        {"name": "DSJ-0001.mp4", "mimeType": "video/mp4", "buffer": data}
    )
    assert form.locator('input[name="captured_at"]').input_value() != ""  # filled from the file's time
    form.locator('select[name="step"]').select_option(STEP)
    return case, form, data


def flaky_patches(page, *, let_through: int, then_fail: int):
    """Let ``let_through`` PATCHes reach the server, then make the next ``then_fail`` fail as a dropped network."""
    seen = {"patches": 0, "failed": 0}

    def handle(route):
        if route.request.method == "PATCH":
            seen["patches"] += 1
            if seen["patches"] > let_through and seen["failed"] < then_fail:
                seen["failed"] += 1
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/api/v1/uploads/**", handle)
    return seen


def test_an_officer_uploads_a_video_and_sees_the_progress_and_the_evidence_link(live_server, page, store):
    case, form, data = open_uploader(live_server, page)
    form.locator('input[name="location"]').fill("站前街道中央路")
    form.locator('[data-role="start"]').click()

    link = form.locator('[data-role="evidence-link"]')
    link.wait_for(state="visible", timeout=60_000)
    evidence = Evidence.objects.get()
    assert link.get_attribute("data-evidence") == str(evidence.pk)
    assert link.get_attribute("href") == f"/evidence/{evidence.pk}/"
    progress = form.locator('[data-role="progress"]')
    assert progress.evaluate("el => el.value") == 100
    assert progress.get_attribute("aria-valuenow") == "100"
    assert hashlib.sha256(data).hexdigest() in form.locator('[data-role="status"]').inner_text()
    assert (evidence.case_id, evidence.step, evidence.kind, evidence.location) == (
        case.pk,
        STEP,
        "video",
        "站前街道中央路",
    )
    assert evidence.object_id == hashlib.sha256(data).hexdigest()
    assert Upload.objects.get().status == UploadStatus.COMPLETED
    assert form.locator('[data-role="error"]').is_hidden()
    assert form.locator('[data-role="resume"]').is_hidden()
    screenshot(page, "uploads-case-uploader")


def test_a_dropped_chunk_is_retried_from_the_servers_offset(live_server, page, store):
    case, form, data = open_uploader(live_server, page)
    form.evaluate("f => { f.dataset.backoff = '0.2,0.2,0.2'; }")
    seen = flaky_patches(page, let_through=1, then_fail=1)
    form.locator('[data-role="start"]').click()
    form.locator('[data-role="evidence-link"]').wait_for(state="visible", timeout=60_000)
    assert seen == {"patches": 3, "failed": 1}
    assert Evidence.objects.get().object_id == hashlib.sha256(data).hexdigest()


def test_after_repeated_failures_the_resume_button_continues_the_upload(live_server, page, store):
    case, form, data = open_uploader(live_server, page)
    form.evaluate("f => { f.dataset.backoff = '0.1,0.1'; }")
    seen = flaky_patches(page, let_through=1, then_fail=10)
    form.locator('[data-role="start"]').click()
    resume = form.locator('[data-role="resume"]')
    resume.wait_for(state="visible", timeout=60_000)
    assert seen["failed"] == 3  # the first try and two retries
    assert Upload.objects.get().offset == 8 * 1024 * 1024  # the first chunk is kept
    assert Evidence.objects.count() == 0
    screenshot(page, "uploads-case-uploader-stalled")
    page.unroute("**/api/v1/uploads/**")
    resume.click()
    form.locator('[data-role="evidence-link"]').wait_for(state="visible", timeout=60_000)
    assert Evidence.objects.get().object_id == hashlib.sha256(data).hexdigest()
    assert resume.is_hidden()


def test_a_refusal_of_the_server_is_shown_with_its_reason(live_server, page, store):
    b = make_bureau()
    case = registered_case(b)
    log_in(page, live_server.url, b.officer)
    page.goto(f"{live_server.url}/uploads/case/{case.pk}/")
    form = page.locator("form[data-tus-uploader]")
    form.locator('input[type="file"]').set_input_files(
        {"name": "a.zip", "mimeType": "application/zip", "buffer": b"PK"}
    )
    form.locator('select[name="step"]').select_option(STEP)
    form.locator('[data-role="start"]').click()
    error = form.locator('[data-role="error"]')
    error.wait_for(state="visible")
    assert "photo, audio, video" in error.inner_text()  # the server's sentence (it lists the kinds' codes)
    assert Upload.objects.count() == 0
