"""Refusals found in review: storage outages, who may be named as capturer, media types, dates, ids, NUL, prune."""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.files.storage import Storage
from django.test import override_settings
from django.utils import timezone

from sanxiang.evidence.av import av_recorded_steps
from sanxiang.evidence.blobstore import blob_exists, blob_iter_names, staging_dir
from sanxiang.evidence.models import Evidence
from sanxiang.uploads import partial
from sanxiang.uploads.actions import ORPHAN_AGE, uploads_prune
from sanxiang.uploads.models import Upload, UploadStatus
from sanxiang.uploads.tests.base import TusTestCase, metadata, sha256


class UnreachableStorage(Storage):
    """A remote store during a network blip: every write fails with a connection error."""

    def exists(self, name):
        return False

    def _save(self, name, content):
        raise ConnectionError("S3 endpoint unreachable")

    def size(self, name):
        raise FileNotFoundError(name)


UNREACHABLE = {"BACKEND": f"{__name__}.UnreachableStorage"}


class ReviewFixTests(TusTestCase):
    def setUp(self):
        super().setUp()
        self.client.raise_request_exception = False

    def refused(self, meta: str, status: int, text: str) -> None:
        response = self.create(5, meta)
        self.assertEqual(response.status_code, status, response.content)
        self.assertIn(text, response.content.decode())
        self.assertEqual(Upload.objects.count(), 0)

    def test_an_unreachable_store_is_503_and_keeps_the_bytes_for_a_retry(self):
        location = self.created(5)
        with override_settings(STORAGES={**settings.STORAGES, "evidence": UNREACHABLE}):
            response = self.patch(location, 0, b"\x00ello")
        self.assertEqual(response.status_code, 503, response.content)
        self.assertIn("empty PATCH", response.content.decode())
        upload = Upload.objects.get()
        self.assertEqual((upload.status, upload.offset), (UploadStatus.ACTIVE, 5))
        self.assertTrue(partial.partial_path(upload.id).exists())
        response = self.patch(location, 5, b"")
        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(response["Sanxiang-Evidence"], str(Evidence.objects.get().pk))
        self.assertTrue(blob_exists(sha256(b"\x00ello")))

    def test_captured_by_must_be_the_sender_a_handler_or_recording_staff_of_the_unit(self):
        for username in ("officer", "officer2", "aux"):
            with self.subTest(username=username):
                self.assertEqual(self.create(5, metadata(self.case, captured_by=username)).status_code, 201)
        answers = set()
        for username in ("other", "sysadmin", "supervisor", "leader", "nosuchuser"):
            with self.subTest(username=username):
                response = self.create(5, metadata(self.case, captured_by=username))
                self.assertEqual(response.status_code, 400, response.content)
                answers.add(response.content)
        self.assertEqual(len(answers), 1, answers)  # unknown and forbidden names get the same answer

    def test_an_audio_or_video_kind_needs_an_audio_or_video_file_type(self):
        self.refused(metadata(self.case, kind="video", filetype="text/plain", filename="x.txt"), 400, "audio/")
        self.refused(metadata(self.case, kind="audio", filetype="<absent>"), 400, "audio/")
        self.assertEqual(av_recorded_steps(self.case), set())
        self.assertEqual(self.create(5, metadata(self.case, kind="<absent>", filetype="audio/wav")).status_code, 201)
        self.assertEqual(Upload.objects.get().kind, "audio")

    def test_a_bad_file_type_is_refused_before_any_byte_is_sent(self):
        self.refused(metadata(self.case, kind="photo", filetype="not a type"), 400, "Not a media type")
        self.assertEqual(list(blob_iter_names()), [])

    def test_implausible_capture_times_are_400(self):
        for raw in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "1999-12-31T12:00:00+08:00"):
            with self.subTest(raw=raw):
                self.refused(metadata(self.case, captured_at=raw), 400, "cannot be before 2000-01-01")
        self.refused(metadata(self.case, captured_at="9999-12-31T23:59:59-14:00"), 400, "future")

    def test_odd_case_ids_are_404(self):
        for raw in ("²", "٣", "9" * 5000, "9" * 19):
            with self.subTest(raw=raw[:10]):
                self.refused(metadata(self.case, case=raw), 404, "There is no case")

    def test_a_nul_character_in_metadata_is_400(self):
        for key in ("filename", "location", "description", "device_serial"):
            with self.subTest(key=key):
                self.refused(metadata(self.case, **{key: "a\x00b"}), 400, "NUL")

    def test_prune_removes_stale_staging_files_of_interrupted_puts(self):
        folder = staging_dir()
        stale, fresh = folder / "put-abc123.part", folder / "put-def456.part"
        stale.write_bytes(b"left by a killed put")
        fresh.write_bytes(b"being written")
        old = (timezone.now() - ORPHAN_AGE - dt.timedelta(minutes=5)).timestamp()
        os.utime(stale, (old, old))
        self.assertEqual(uploads_prune(), (0, 1))
        self.assertFalse(stale.exists())
        self.assertTrue(fresh.exists())
