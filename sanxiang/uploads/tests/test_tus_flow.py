"""The tus endpoint through HTTP (Django test client): create, send in chunks, finish as evidence, resume."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from sanxiang.cases.models import CaseHandler
from sanxiang.evidence.blobstore import blob_rehash
from sanxiang.evidence.models import Evidence
from sanxiang.record.models import LogEntry
from sanxiang.record.sequencer import sequence_pending
from sanxiang.uploads import partial
from sanxiang.uploads.models import Upload, UploadStatus
from sanxiang.uploads.tests.base import STEP, TUS, URL, TusTestCase, metadata, sha256

DATA = os.urandom(3 * 1024 * 1024 + 17)


class TusFlowTests(TusTestCase):
    def send_all(self, location: str, data: bytes, piece: int = 1024 * 1024):
        response = None
        for offset in range(0, len(data), piece):
            response = self.patch(location, offset, data[offset : offset + piece])
            self.assertEqual(response.status_code, 204, response.content)
            self.assertEqual(int(response["Upload-Offset"]), min(offset + piece, len(data)))
        return response

    def test_options_advertise_the_protocol_without_credentials(self):
        response = self.client.options(URL)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Tus-Version"], "1.0.0")
        self.assertEqual(response["Tus-Extension"], "creation,expiration,checksum,termination")
        self.assertEqual(response["Tus-Checksum-Algorithm"], "sha1,sha256,md5")
        self.assertEqual(int(response["Tus-Max-Size"]), 8 * 1024**3)

    def test_it_creates_an_upload_with_location_expiry_and_an_empty_partial_file(self):
        response = self.create(len(DATA))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response["Tus-Resumable"], "1.0.0")
        upload = Upload.objects.get()
        self.assertEqual(response["Location"], f"http://testserver{URL}{upload.id}")
        self.assertRegex(response["Upload-Expires"], r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$")
        self.assertEqual(
            (upload.owner, upload.case, upload.step, upload.kind), (self.b.officer, self.case, STEP, "video")
        )
        self.assertEqual(upload.metadata["filename"], "执法记录仪-0001.mp4")
        self.assertEqual(partial.partial_path(upload.id).stat().st_size, 0)

    def test_it_receives_chunks_and_finishes_as_evidence_of_the_case_step(self):
        location = self.created(len(DATA))
        last = self.send_all(location, DATA)
        evidence = Evidence.objects.get()
        self.assertEqual(last["Sanxiang-Evidence"], str(evidence.pk))
        self.assertEqual(last["Sanxiang-Sha256"], sha256(DATA))
        self.assertEqual((evidence.case, evidence.step, evidence.kind), (self.case, STEP, "video"))
        self.assertEqual((evidence.original_name, evidence.device_serial), ("执法记录仪-0001.mp4", "DSJ-0001"))
        self.assertEqual(blob_rehash(sha256(DATA)), (sha256(DATA), len(DATA)))
        upload = Upload.objects.get()
        self.assertEqual(
            (upload.status, upload.evidence, upload.sha256), (UploadStatus.COMPLETED, evidence, sha256(DATA))
        )
        self.assertFalse(partial.partial_path(upload.id).exists())
        sequence_pending()  # outbox mode (PostgreSQL): the entries exist once sequenced
        kinds = [bytes(body) for body in LogEntry.objects.values_list("body", flat=True)]
        self.assertTrue(any(b'"evidence.add"' in body and sha256(DATA).encode() in body for body in kinds))

    def test_head_reports_the_offset_length_and_metadata(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        response = self.head(location)
        self.assertEqual(response.status_code, 200)
        self.assertEqual((response["Upload-Offset"], response["Upload-Length"]), ("1000", str(len(DATA))))
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIn("step " + base64.b64encode(STEP.encode()).decode(), response["Upload-Metadata"])

    def test_a_checksummed_chunk_is_accepted_with_each_algorithm(self):
        location = self.created(len(DATA))
        offset = 0
        for algorithm in ("sha1", "sha256", "md5"):
            piece = DATA[offset : offset + 1000]
            digest = base64.b64encode(hashlib.new(algorithm, piece).digest()).decode()
            response = self.patch(location, offset, piece, {"Upload-Checksum": f"{algorithm} {digest}"})
            self.assertEqual(response.status_code, 204, response.content)
            offset += 1000
        self.assertEqual(Upload.objects.get().offset, 3000)

    def test_a_resumed_upload_on_another_process_rehashes_the_prefix(self):
        """The running hash is cached per process; without it the prefix is hashed again, with the same result."""
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:2_000_000])
        partial._cache.clear()  # as if the next PATCH reached another worker
        self.patch(location, 2_000_000, DATA[2_000_000:])
        self.assertEqual(Evidence.objects.get().object_id, sha256(DATA))

    def test_bytes_past_the_recorded_offset_are_cut_off_when_a_patch_starts(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        path = partial.partial_path(Upload.objects.get().id)
        with open(path, "ab") as fh:
            fh.write(b"never acknowledged" * 100)
        self.assertEqual(self.patch(location, 1000, DATA[1000:1010]).status_code, 204)
        self.assertEqual(path.read_bytes(), DATA[:1010])
        self.assertEqual(self.patch(location, 1010, DATA[1010:]).status_code, 204)
        self.assertEqual(Evidence.objects.get().object_id, sha256(DATA))

    def test_the_running_hash_is_kept_between_chunks_and_rolled_back_after_a_bad_one(self):
        """Only a PATCH that this process has no hash for reads the file's prefix again."""
        location = self.created(len(DATA))
        wrong = "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
        with mock.patch.object(partial, "hash_prefix", wraps=partial.hash_prefix) as rehash:
            self.patch(location, 0, DATA[:1000])
            self.assertEqual(self.patch(location, 1000, DATA[1000:2000], {"Upload-Checksum": wrong}).status_code, 460)
            self.patch(location, 1000, DATA[1000:2000])
            partial._cache.clear()
            self.patch(location, 2000, DATA[2000:])
        prefixes_read = [c.args[1] for c in rehash.call_args_list if c.args[1] > 0]  # the first chunk has none
        self.assertEqual(prefixes_read, [2000])
        self.assertEqual(Evidence.objects.get().object_id, sha256(DATA))

    def test_a_body_cut_short_keeps_what_arrived(self):
        location = self.created(len(DATA))
        stream = io.BytesIO(DATA[:300_000])  # the client announces 1 MiB, then the connection drops
        response = self.patch(location, 0, b"", CONTENT_LENGTH="1048576", environ={"wsgi.input": stream})
        self.assertEqual(response.status_code, 400)
        self.assertIn("300000 bytes received were kept", response.content.decode())
        self.assertEqual(self.head(location)["Upload-Offset"], "300000")
        self.patch(location, 300_000, DATA[300_000:])
        self.assertEqual(Evidence.objects.get().object_id, sha256(DATA))

    def test_a_session_of_the_web_ui_uploads_with_the_csrf_header(self):
        self.client = self.client_class(enforce_csrf_checks=True)
        self.login(self.b.officer)
        self.client.get(f"/uploads/case/{self.case.pk}/")
        token = self.client.cookies["csrftoken"].value
        response = self.client.generic(
            "POST", URL, b"", headers={**TUS, "Upload-Length": "5", "Upload-Metadata": metadata(self.case)}
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("X-CSRFToken", response.content.decode())
        headers = {**TUS, "Upload-Length": "5", "Upload-Metadata": metadata(self.case), "X-CSRFToken": token}
        location = self.client.generic("POST", URL, b"", headers=headers)["Location"]
        chunk = {**TUS, "Upload-Offset": "0", "X-CSRFToken": token}
        response = self.client.generic(
            "PATCH", location, b"\x00ello", content_type="application/offset+octet-stream", headers=chunk
        )
        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(Evidence.objects.get().added_by, self.b.officer)

    def test_the_owner_cancels_an_unfinished_upload(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        upload = Upload.objects.get()
        response = self.client.delete(location, headers=self.auth())
        self.assertEqual(response.status_code, 204)
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.TERMINATED)
        self.assertFalse(partial.partial_path(upload.id).exists())
        self.assertEqual(self.head(location).status_code, 410)
        self.assertEqual(self.patch(location, 1000, b"x").status_code, 410)

    def test_a_finished_upload_cannot_be_deleted(self):
        location = self.created(5)
        self.patch(location, 0, b"\x00ello")
        response = self.client.delete(location, headers=self.auth())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Evidence.objects.count(), 1)

    def test_an_empty_chunk_at_the_end_of_a_finished_upload_answers_its_evidence_again(self):
        location = self.created(5)
        self.patch(location, 0, b"\x00ello")
        response = self.patch(location, 5, b"")
        self.assertEqual((response.status_code, response["Sanxiang-Evidence"]), (204, str(Evidence.objects.get().pk)))

    def test_a_second_writer_of_the_same_upload_is_refused_while_the_first_writes(self):
        location = self.created(len(DATA))
        upload = Upload.objects.get()
        with partial.partial_locked(upload.id):
            response = self.patch(location, 0, DATA[:1000])
        self.assertEqual(response.status_code, 423)
        self.assertIn("Another request is writing", response.content.decode())
        self.assertEqual(self.patch(location, 0, DATA[:1000]).status_code, 204)

    def test_a_refused_evidence_keeps_the_stored_file_and_a_retry_attaches_it(self):
        location = self.created(5)
        self.patch(location, 0, b"\x00el")
        links = list(CaseHandler.objects.filter(case=self.case).values("user_id", "role"))
        CaseHandler.objects.filter(case=self.case, user=self.b.officer).delete()  # the officer is taken off the case
        response = self.patch(location, 3, b"lo")
        self.assertEqual(response.status_code, 403, response.content)
        self.assertIn("nothing is lost", response.content.decode())
        self.assertEqual(blob_rehash(sha256(b"\x00ello")), (sha256(b"\x00ello"), 5))
        self.assertEqual(Upload.objects.get().status, UploadStatus.STORED)
        CaseHandler.objects.create(
            case=self.case, **next(link for link in links if link["user_id"] == self.b.officer.pk)
        )
        response = self.patch(location, 5, b"")
        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(response["Sanxiang-Evidence"], str(Evidence.objects.get().pk))

    @override_settings(UPLOAD_EXPIRY_HOURS=1)
    def test_prune_expires_old_uploads_and_deletes_their_bytes(self):
        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1000])
        upload = Upload.objects.get()
        stray = partial.partial_path(upload.id).with_name("upload-00000000-0000-0000-0000-000000000000.part")
        stray.write_bytes(b"left over")
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
            out = io.StringIO()
            call_command("uploads_prune", stdout=out)
        self.assertIn("1 expired", out.getvalue())
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.EXPIRED)
        self.assertFalse(partial.partial_path(upload.id).exists())
        self.assertFalse(stray.exists())


class UploaderPageTests(TusTestCase):
    def test_a_handler_gets_the_uploader_of_the_case(self):
        self.login(self.b.officer)
        response = self.client.get(f"/uploads/case/{self.case.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-endpoint="/api/v1/uploads/"')
        self.assertContains(response, f'data-case="{self.case.pk}"')
        self.assertContains(response, f'<option value="{STEP}">')
        self.assertContains(response, '<option value="video">')
        self.assertContains(response, 'data-evidence-url="/evidence/0/"')
        self.assertContains(response, "uploads/tus-upload.js")
        self.assertIn("csrftoken", response.cookies)

    def test_someone_who_may_not_write_the_case_gets_404(self):
        for user in (self.b.other_officer, self.b.supervisor):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(f"/uploads/case/{self.case.pk}/").status_code, 404)

    def test_the_page_needs_a_login(self):
        response = self.client.get(f"/uploads/case/{self.case.pk}/")
        self.assertEqual(response.status_code, 302)


class MethodOverrideTests(TusTestCase):
    def test_a_post_with_x_http_method_override_acts_as_that_method(self):
        location = self.created(5)
        response = self.client.generic(
            "POST",
            location,
            b"\x00ello",
            content_type="application/offset+octet-stream",
            headers={**self.auth(), "Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"},
        )
        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(Evidence.objects.get().object_id, sha256(b"\x00ello"))


class Sm3Tests(TusTestCase):
    @override_settings(EVIDENCE_SM3=True)
    def test_with_sm3_required_both_hashes_are_computed_as_the_chunks_arrive(self):
        from cryptography.hazmat.primitives import hashes

        location = self.created(len(DATA))
        self.patch(location, 0, DATA[:1_000_000])
        partial._cache.clear()  # the prefix is hashed again, SM3 included
        self.patch(location, 1_000_000, DATA[1_000_000:])
        digest = hashes.Hash(hashes.SM3())
        digest.update(DATA)
        stored = Evidence.objects.get().object
        self.assertEqual((stored.sha256, stored.sm3), (sha256(DATA), digest.finalize().hex()))
