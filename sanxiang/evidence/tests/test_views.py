"""The evidence pages through HTTP: access checks, the reason before any byte, digest headers, the upload form."""

from __future__ import annotations

import base64
import hashlib
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.http import FileResponse
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.evidence import actions, blobstore
from sanxiang.evidence.actions import evidence_add
from sanxiang.evidence.blobstore import blob_iter_names
from sanxiang.evidence.models import Evidence, EvidenceAccess
from sanxiang.evidence.selectors import evidence_for_case
from sanxiang.evidence.tests.base import EvidenceTestCase
from sanxiang.evidence.views import case_evidence_context
from sanxiang.record import log

VIDEO = bytes(range(256)) * 4096  # 1 MiB


def drain(response) -> bytes:
    """Read a streamed response to its end: the test client then closes it as a server would.

    (Calling ``close()`` directly fires ``request_finished`` with the connection-closing
    receiver attached, which would close the test's database connection.)
    """
    return b"".join(response.streaming_content)


class EvidencePageTestCase(EvidenceTestCase):
    def setUp(self):
        super().setUp()
        self.ev = evidence_add(
            case=self.case,
            step="register",
            kind="video",
            blob=self.put(VIDEO),
            actor=self.b.officer,
            captured_at=at("2026-06-01", 8),
            original_name="执法记录仪_0001.mp4",
            media_type="video/mp4",
            location="站前街道中央路",
        )
        self.detail = reverse("evidence:evidence_detail", args=[self.ev.pk])
        self.download = reverse("evidence:evidence_download", args=[self.ev.pk])

    def fetch(self, reason="法制审核", action="download", user=None):
        self.login(user or self.b.officer)
        return self.client.post(self.download, {"reason": reason, "action": action})


class DownloadTests(EvidencePageTestCase):
    def test_the_file_is_served_after_the_access_is_recorded_with_its_digests(self):
        response = self.fetch()
        self.assertEqual(response.status_code, 200)
        self.assertIsInstance(response, FileResponse)
        body = drain(response)
        self.assertEqual(body, VIDEO)
        sha = hashlib.sha256(VIDEO).hexdigest()
        b64 = base64.b64encode(hashlib.sha256(VIDEO).digest()).decode()
        self.assertEqual(response["ETag"], f'"{sha}"')
        self.assertEqual(response["Digest"], f"sha-256={b64}")
        self.assertEqual(response["Repr-Digest"], f"sha-256=:{b64}:")
        self.assertEqual(response["Content-Length"], str(len(VIDEO)))
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertIn("no-store", response["Cache-Control"])
        access = EvidenceAccess.objects.get()
        self.assertEqual((access.actor, access.action, access.reason), (self.b.officer, "download", "法制审核"))
        self.assertEqual(len(self.entries("evidence.download")), 1)

    def test_view_in_place_only_for_harmless_media_types(self):
        photo = evidence_add(
            case=self.case,
            step="register",
            kind="photo",
            blob=self.put(b"\x89PNG\r\n\x1a\n" + bytes(64)),
            actor=self.b.officer,
            captured_at=at("2026-06-01", 8),
            original_name="photo.png",
            media_type="image/png",
        )
        self.login(self.b.officer)
        url = reverse("evidence:evidence_download", args=[photo.pk])
        response = self.client.post(url, {"reason": "check", "action": "view"})
        self.assertTrue(response["Content-Disposition"].startswith("inline"))
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        drain(response)
        page = evidence_add(
            case=self.case,
            step="register",
            kind="electronic",
            blob=self.put(b"<script>alert(1)</script>"),
            actor=self.b.officer,
            captured_at=at("2026-06-01", 8),
            original_name="page.html",
            media_type="text/html",
        )
        self.login(self.b.officer)
        url = reverse("evidence:evidence_download", args=[page.pk])
        response = self.client.post(url, {"reason": "check", "action": "view"})
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        drain(response)

    def test_no_reason_no_bytes(self):
        for data in ({"action": "download"}, {"action": "download", "reason": "   "}, {"reason": "x", "action": "rm"}):
            self.login(self.b.officer)
            response = self.client.post(self.download, data)
            self.assertEqual(response.status_code, 400)
            self.assertNotIsInstance(response, FileResponse)
            self.assertNotIn(VIDEO[:64], response.content)
            self.assertIn(b"errorlist", response.content)
        self.assertEqual(EvidenceAccess.objects.count(), 0)

    def test_the_get_asks_for_the_reason_and_serves_nothing(self):
        self.login(self.b.officer)
        response = self.client.get(self.download)
        self.assertEqual(response.status_code, 200)
        self.assertNotIsInstance(response, FileResponse)
        self.assertContains(response, 'name="reason"')
        response = self.client.get(self.download + "?reason=just+because")
        self.assertNotIsInstance(response, FileResponse)
        self.assertEqual(EvidenceAccess.objects.count(), 0)

    def test_a_failed_log_append_serves_nothing(self):
        with mock.patch.object(actions, "log_record", side_effect=DatabaseError("the log is unavailable")):
            response = self.fetch()
        self.assertEqual(response.status_code, 503)
        self.assertNotIsInstance(response, FileResponse)
        self.assertNotIn(VIDEO[:64], response.content)
        self.assertContains(response, "could not be recorded", status_code=503)
        self.assertEqual(EvidenceAccess.objects.count(), 0)

    def test_the_file_is_opened_only_after_the_access_is_recorded(self):
        order = []
        real_log, real_open = log.log_record, blobstore.blob_open

        def logged(*args, **kwargs):
            order.append("log")
            return real_log(*args, **kwargs)

        def opened(*args, **kwargs):
            order.append("open")
            return real_open(*args, **kwargs)

        with (
            mock.patch.object(actions, "log_record", side_effect=logged),
            mock.patch("sanxiang.evidence.blobstore.blob_open", side_effect=opened),
        ):
            drain(self.fetch())
        self.assertEqual(order, ["log", "open"])

    def test_a_missing_file_is_reported_not_a_500(self):
        for path in self.store_root.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
        (self.store_root / "objects" / self.ev.object_id[:2] / self.ev.object_id[2:4] / self.ev.object_id).unlink()
        response = self.fetch()
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "missing from the evidence store", status_code=503)

    def test_an_officer_of_another_unit_gets_404_everywhere(self):
        self.login(self.b.other_officer)
        self.assertEqual(self.client.get(self.detail).status_code, 404)
        self.assertEqual(self.client.get(self.download).status_code, 404)
        response = self.client.post(self.download, {"reason": "curious", "action": "download"})
        self.assertEqual(response.status_code, 404)
        self.assertNotIsInstance(response, FileResponse)
        missing = reverse("evidence:evidence_detail", args=[self.ev.pk + 1000])
        self.assertEqual(self.client.get(missing).status_code, 404)
        self.assertEqual(EvidenceAccess.objects.count(), 0)

    def test_anonymous_users_are_sent_to_the_login(self):
        response = self.client.post(self.download, {"reason": "x", "action": "download"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])


class DetailTests(EvidencePageTestCase):
    def test_the_detail_shows_the_facts_and_hashes_but_no_storage_location(self):
        drain(self.fetch())
        self.login(self.b.officer)
        response = self.client.get(self.detail)
        self.assertContains(response, self.ev.object_id)
        self.assertContains(response, "执法记录仪_0001.mp4")
        self.assertContains(response, 'data-access="')  # the custody log, for a handler
        self.assertNotContains(response, "objects/")
        self.assertEqual(EvidenceAccess.objects.count(), 1)  # showing the page is not an access

    def test_the_custody_log_is_for_the_case_team_and_its_overseers(self):
        drain(self.fetch())
        for user, sees in ((self.b.supervisor, True), (self.b.leader, True), (self.b.officer2, True)):
            self.login(user)
            response = self.client.get(self.detail)
            self.assertEqual(response.status_code, 200)
            self.assertEqual('data-access="' in response.content.decode(), sees, user.username)

    def test_the_case_evidence_include_lists_the_items(self):
        html = render_to_string("evidence/_case_evidence.html", case_evidence_context(self.b.officer, self.case))
        self.assertIn(self.detail, html)
        self.assertIn("执法记录仪_0001.mp4", html)
        self.assertIn(reverse("evidence:evidence_add", args=[self.case.pk]), html)
        html = render_to_string("evidence/_case_evidence.html", case_evidence_context(self.b.supervisor, self.case))
        self.assertNotIn(reverse("evidence:evidence_add", args=[self.case.pk]), html)
        self.assertEqual(list(evidence_for_case(self.case)), [self.ev])


class AddFormTests(EvidenceTestCase):
    def setUp(self):
        super().setUp()
        self.url = reverse("evidence:evidence_add", args=[self.case.pk])

    def post(self, **overrides):
        data = {
            "step": "register",
            "kind": "photo",
            "captured_at": "2026-06-01T08:30",
            "location": "站前街道",
            "description": "现场照片",
            "device_serial": "",
            "file": SimpleUploadedFile("IMG_1.jpg", b"\xff\xd8 jpeg bytes", content_type="image/jpeg"),
            "sha256": "",
        }
        data.update(overrides)
        self.login(self.b.officer)
        return self.client.post(self.url, data)

    def test_a_capture_time_in_year_one_is_a_form_error_and_stores_nothing(self):
        response = self.post(captured_at="0001-01-01T00:30")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "2000-01-01", status_code=400)
        self.assertEqual((list(blob_iter_names()), Evidence.objects.count()), ([], 0))

    def test_a_video_that_is_a_jpeg_is_a_form_error(self):
        response = self.post(kind="video")
        self.assertContains(response, "audio/", status_code=400)
        self.assertEqual((list(blob_iter_names()), Evidence.objects.count()), ([], 0))

    def test_a_handler_adds_a_photo(self):
        self.login(self.b.officer)
        self.assertContains(self.client.get(self.url), 'enctype="multipart/form-data"')
        response = self.post()
        ev = Evidence.objects.get()
        self.assertRedirects(response, reverse("evidence:evidence_detail", args=[ev.pk]))
        self.assertEqual(
            (ev.step, ev.kind, ev.original_name, ev.media_type), ("register", "photo", "IMG_1.jpg", "image/jpeg")
        )
        self.assertEqual(ev.object_id, hashlib.sha256(b"\xff\xd8 jpeg bytes").hexdigest())
        self.assertEqual(ev.captured_at, at("2026-06-01", 8).replace(minute=30))

    def test_a_refused_item_leaves_no_file_in_the_store(self):
        for overrides, field in (
            ({"step": "apply_measure"}, "step"),
            ({"captured_at": "2026-06-02T08:00"}, "captured_at"),
            ({"sha256": "ab" * 32}, "sha256"),
        ):
            response = self.post(**overrides)
            self.assertEqual(response.status_code, 400, overrides)
            self.assertIn(field, response.context["form"].errors, overrides)
        self.assertEqual(Evidence.objects.count(), 0)
        self.assertEqual(list(blob_iter_names()), [])

    def test_the_announced_hash_is_accepted_in_either_case(self):
        digest = hashlib.sha256(b"\xff\xd8 jpeg bytes").hexdigest().upper()
        self.assertEqual(self.post(sha256=digest).status_code, 302)

    @override_settings(EVIDENCE_FORM_MAX_BYTES=10)
    def test_a_large_file_is_sent_to_the_resumable_upload(self):
        response = self.post()
        self.assertEqual(response.status_code, 400)
        self.assertIn("resumable upload", str(response.context["form"].errors["file"]))
        self.assertEqual(list(blob_iter_names()), [])

    def test_only_writers_of_the_case_get_the_form(self):
        for user in (self.b.other_officer, self.b.supervisor, self.b.auxiliary):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.username)
        self.login(self.b.other_officer)
        response = self.client.post(self.url, {"step": "register"})
        self.assertEqual(response.status_code, 404)


class NotARecordingTests(EvidencePageTestCase):
    def test_a_photo_pdf_or_text_declared_as_a_recording_is_refused_and_nothing_recorded(self):
        from sanxiang.lib.exceptions import ValidationFailed

        before = Evidence.objects.count()
        for content, what in (
            (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), "JPEG image"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100), "PDF document"),
            ("这是一段文字，不是录像。".encode(), "text"),
            (b"", "empty"),
        ):
            with self.subTest(what=what), self.assertRaises(ValidationFailed) as refused:
                evidence_add(
                    case=self.case,
                    step="register",
                    kind="video",
                    blob=self.put(content),
                    actor=self.b.officer,
                    captured_at=at("2026-06-01", 8),
                    original_name="clip.mp4",
                    media_type="video/mp4",
                )
            self.assertIn(what, refused.exception.errors["file"][0])
        self.assertEqual(Evidence.objects.count(), before)
