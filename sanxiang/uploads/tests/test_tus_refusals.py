"""Every malformed or forbidden tus request gets its status and a sentence saying why; nothing is half-written."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os

import time_machine
from django.test import override_settings
from django.utils import timezone

from sanxiang.apitokens.actions import api_token_issue
from sanxiang.evidence.models import Evidence
from sanxiang.record.models import AuditEvent
from sanxiang.uploads import partial
from sanxiang.uploads.models import Upload, UploadStatus
from sanxiang.uploads.tests.base import TUS, URL, TusTestCase, metadata, sha256

DATA = os.urandom(200_000)


class TusRefusalTests(TusTestCase):
    def assert_refused(self, response, status: int, text: str):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Tus-Resumable"], "1.0.0")
        self.assertTrue(response["Content-Type"].startswith("text/plain"))
        self.assertIn(text, response.content.decode())

    def offset(self) -> int:
        return Upload.objects.get().offset

    def test_a_request_without_tus_resumable_is_412(self):
        response = self.client.generic(
            "POST", URL, b"", headers={"Authorization": f"Bearer {self.plaintext}", "Upload-Length": "5"}
        )
        self.assert_refused(response, 412, "Tus-Resumable: 1.0.0")
        self.assertEqual(response["Tus-Version"], "1.0.0")
        location = self.created(5)
        response = self.client.head(location, headers={"Authorization": f"Bearer {self.plaintext}"})
        self.assertEqual(response.status_code, 412)

    def test_a_wrong_offset_is_409_and_names_the_right_one(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        self.assert_refused(self.patch(location, 500, DATA[500:1500]), 409, "resume from 1000")
        self.assertEqual(self.offset(), 1000)

    def test_a_chunk_failing_its_checksum_is_460_and_discarded(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        wrong = base64.b64encode(hashlib.sha1(b"something else", usedforsecurity=False).digest()).decode()
        response = self.patch(location, 1000, DATA[1000:2000], {"Upload-Checksum": f"sha1 {wrong}"})
        self.assert_refused(response, 460, "does not match its Upload-Checksum")
        self.assertEqual(self.offset(), 1000)
        self.assertEqual(partial.partial_path(Upload.objects.get().id).stat().st_size, 1000)
        right = base64.b64encode(hashlib.sha1(DATA[1000:], usedforsecurity=False).digest()).decode()
        response = self.patch(location, 1000, DATA[1000:], {"Upload-Checksum": f"sha1 {right}"})
        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(Evidence.objects.get().object_id, sha256(DATA))  # the running hash skipped the bad chunk

    def test_an_unsupported_checksum_algorithm_is_400(self):
        location = self.created(len(DATA))
        digest = base64.b64encode(hashlib.sha512(DATA[:10]).digest()).decode()
        self.assert_refused(self.patch(location, 0, DATA[:10], {"Upload-Checksum": f"sha512 {digest}"}), 400, "sha512")
        self.assert_refused(self.patch(location, 0, DATA[:10], {"Upload-Checksum": "sha1 !!"}), 400, "not a base64")
        self.assertEqual(self.offset(), 0)

    @override_settings(UPLOAD_MAX_SIZE=100_000)
    def test_a_file_larger_than_the_maximum_is_413_at_creation(self):
        self.assert_refused(self.create(100_001), 413, "larger than the 100000 bytes")
        self.assertEqual(Upload.objects.count(), 0)
        self.assertEqual(self.client.options(URL)["Tus-Max-Size"], "100000")

    def test_a_chunk_past_the_upload_length_is_413(self):
        location = self.created(1000)
        self.assert_refused(self.patch(location, 0, DATA[:1001]), 413, "past the upload's length of 1000")
        self.assertEqual(self.offset(), 0)

    def test_an_unknown_upload_is_404(self):
        location = f"{URL}00000000-0000-4000-8000-000000000000"
        self.assert_refused(self.patch(location, 0, b"x"), 404, "no such upload")
        self.assertEqual(self.head(location).status_code, 404)
        self.assertEqual(self.client.delete(location, headers=self.auth()).status_code, 404)

    def test_an_expired_upload_is_410(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        with time_machine.travel(timezone.now() + dt.timedelta(hours=73), tick=False):
            self.assert_refused(self.patch(location, 1000, DATA[1000:2000]), 410, "expired")
            self.assertEqual(self.head(location).status_code, 410)
        self.assertEqual(self.offset(), 1000)

    def test_another_users_upload_is_404(self):
        location = self.created(len(DATA))
        _token, other = api_token_issue(
            actor=self.b.secadmin, user=self.b.officer2, name="other", expires_on=timezone.localdate()
        )
        self.assert_refused(
            self.patch(location, 0, DATA[:10], {"Authorization": f"Bearer {other}"}), 404, "no such upload"
        )
        self.assertEqual(self.head(location, other).status_code, 404)
        self.assertEqual(self.client.delete(location, headers=self.auth(other)).status_code, 404)
        self.assertEqual((self.offset(), Upload.objects.get().status), (0, UploadStatus.ACTIVE))

    def test_a_request_without_credentials_is_401(self):
        response = self.client.generic("POST", URL, b"", headers={**TUS, "Upload-Length": "5"})
        self.assert_refused(response, 401, "Authorization: Bearer")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="sanxiang"')
        location = self.created(5)
        self.assertEqual(self.client.head(location, headers=TUS).status_code, 401)
        self.assert_refused(
            self.patch(location, 0, b"hello", {"Authorization": "Bearer sx_00000000_" + "A" * 43}), 401, "Bearer"
        )
        self.assertEqual(self.offset(), 0)

    def test_a_session_without_the_second_factor_is_401(self):
        self.client.force_login(self.b.officer)
        response = self.client.generic("POST", URL, b"", headers={**TUS, "Upload-Length": "5"})
        self.assertIn(response.status_code, (302, 401))  # the session middleware ends such a session first
        self.assertEqual(Upload.objects.count(), 0)

    def test_bad_metadata_is_refused_at_creation(self):
        cases = [
            (metadata(self.case, case="999999"), 404, "no case 999999"),
            (metadata(self.case, case="abc"), 404, "no case abc"),
            (metadata(self.case, case="<absent>"), 400, "must give case"),
            (metadata(self.case, step="fly_to_the_moon"), 400, "no step fly_to_the_moon"),
            (metadata(self.case, step="<absent>"), 400, "must give step"),
            (metadata(self.case, kind="hologram"), 400, "kind must be one of"),
            (metadata(self.case, kind="<absent>", filetype="application/zip"), 400, "kind must be one of"),
            (metadata(self.case, captured_at="yesterday"), 400, "ISO 8601"),
            (metadata(self.case, captured_at="<absent>"), 400, "must give captured_at"),
            (metadata(self.case, captured_at="2099-01-01T00:00:00+08:00"), 400, "cannot be in the future"),
            (metadata(self.case, captured_by="nobody"), 400, "cannot be recorded for this case"),
            (metadata(self.case, sha256="abc"), 400, "64 hexadecimal"),
            (metadata(self.case, filename="x" * 256), 400, "filename is longer than 255"),
            ("case !!!", 400, "not base64-encoded"),
            ("case MQ==,case MQ==", 400, "twice"),
            ("a b c", 400, "malformed"),
        ]
        for meta, status, text in cases:
            with self.subTest(meta=meta[:60]):
                self.assert_refused(self.create(1000, meta), status, text)
        self.assertEqual(Upload.objects.count(), 0)
        self.assertEqual(list((self.root / "staging").glob("upload-*")), [])

    def test_a_case_the_user_may_not_write_is_refused_at_creation(self):
        _token, plaintext = api_token_issue(
            actor=self.b.secadmin, user=self.b.other_officer, name="other unit", expires_on=timezone.localdate()
        )
        response = self.create(1000, headers={"Authorization": f"Bearer {plaintext}"})
        self.assert_refused(response, 404, f"no case {self.case.pk} that you may add evidence to")

    def test_key_only_metadata_pairs_are_accepted(self):
        meta = metadata(self.case) + ",is_confidential"
        response = self.create(1000, meta)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(Upload.objects.get().metadata["is_confidential"])
        self.assertTrue(self.head(response["Location"])["Upload-Metadata"].endswith(",is_confidential"))

    def test_the_kind_follows_the_file_type_when_not_given(self):
        response = self.create(1000, metadata(self.case, kind="<absent>", filetype="image/jpeg"))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Upload.objects.get().kind, "photo")

    def test_missing_or_bad_lengths_are_400(self):
        self.assert_refused(self.create(5, headers={"Upload-Length": None}), 400, "Upload-Length header is required")
        self.assert_refused(self.create(5, headers={"Upload-Length": "-5"}), 400, "non-negative integer")
        self.assert_refused(self.create(0), 400, "empty file")
        self.assert_refused(self.create(5, headers={"Upload-Defer-Length": "1"}), 400, "not supported")
        location = self.created(5)
        self.assert_refused(self.patch(location, 0, b"x", {"Upload-Offset": None}), 400, "Upload-Offset header")

    def test_a_chunk_of_the_wrong_content_type_is_415(self):
        location = self.created(len(DATA))
        response = self.patch(location, 0, DATA[:10], content_type="application/octet-stream")
        self.assert_refused(response, 415, "application/offset+octet-stream")
        self.assertEqual(self.offset(), 0)

    def test_a_method_the_resource_does_not_have_is_405(self):
        location = self.created(5)
        response = self.client.get(location, headers=self.auth())
        self.assert_refused(response, 405, "HEAD, PATCH, DELETE")

    def test_a_file_not_matching_the_announced_sha256_is_460_discarded_and_audited(self):
        location = self.created(len(DATA), metadata(self.case, sha256=sha256(b"what the dock saw")))
        self.patch(location, 0, DATA[:100_000])
        response = self.patch(location, 100_000, DATA[100_000:])
        self.assert_refused(response, 460, f"has SHA-256 {sha256(DATA)}, not the announced")
        upload = Upload.objects.get()
        self.assertEqual((upload.status, upload.sha256), (UploadStatus.DISCARDED, sha256(DATA)))
        self.assertFalse(partial.partial_path(upload.id).exists())
        self.assertEqual(Evidence.objects.count(), 0)
        event = AuditEvent.objects.get(action="upload.hash_mismatch")
        self.assertEqual((event.category, event.outcome, event.actor), ("security", "failure", self.b.officer))
        self.assertEqual(event.detail["announced"], sha256(b"what the dock saw"))
        self.assertEqual(self.head(location).status_code, 410)

    def test_a_file_matching_the_announced_sha256_is_accepted(self):
        location = self.created(len(DATA), metadata(self.case, sha256=sha256(DATA).upper()))
        self.assertEqual(self.patch(location, 0, DATA).status_code, 204)
        self.assertEqual(Evidence.objects.get().object_id, sha256(DATA))
