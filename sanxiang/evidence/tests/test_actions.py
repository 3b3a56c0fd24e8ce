"""``evidence_add`` and ``evidence_access``: who may, what is refused, and what the record log holds."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.db import DatabaseError, transaction

from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.evidence import actions
from sanxiang.evidence.actions import evidence_access, evidence_add, evidence_precheck
from sanxiang.evidence.blobstore import StoredBlob, blob_iter_names
from sanxiang.evidence.models import (
    Evidence,
    EvidenceAccess,
    EvidenceObject,
    access_commit_content,
    evidence_commit_content,
)
from sanxiang.evidence.tests.base import EvidenceTestCase
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.record.log import commitment, entry_seq
from sanxiang.record.models import LogEntry

PHOTO = b"\xff\xd8\xff\xe0 a photo of the stall" * 100


class EvidenceAddTests(EvidenceTestCase):
    def add(self, blob: StoredBlob, **overrides):
        fields = {
            "case": self.case,
            "step": "register",
            "kind": "photo",
            "blob": blob,
            "actor": self.b.officer,
            "captured_at": at("2026-06-01", 8),
            "device_serial": "DSJ-0001",
            "location": "站前街道中央路12号门前",
            "original_name": "IMG_0001.jpg",
            "media_type": "image/jpeg",
            "description": "当事人张三在店外摆摊",
        }
        fields.update(overrides)
        return evidence_add(**fields)

    def test_it_logs_the_ingest_once_and_every_item(self):
        blob = self.put(PHOTO)
        before = len(self.entries())
        ev = self.add(blob)
        ev2 = self.add(blob, step="attach_evidence", kind="document", original_name="copy.jpg")
        ingests = self.entries("evidence.ingest")
        self.assertEqual(len(ingests), 1)
        self.assertEqual(ingests[0]["data"], {"sha256": blob.sha256, "size": len(PHOTO), "media_type": "image/jpeg"})
        self.assertEqual(ingests[0]["actor"]["uid"], self.b.officer.pk)
        self.assertEqual(entry_seq(EvidenceObject.objects.get()), ingests[0]["seq"])
        adds = self.entries("evidence.add")
        self.assertEqual([e["seq"] for e in adds], [entry_seq(ev), entry_seq(ev2)])
        self.assertEqual(len(self.entries()), before + 3)
        first = adds[0]
        self.assertEqual(first["case"], self.case.pk)
        self.assertEqual(
            first["data"], {"sha256": blob.sha256, "size": len(PHOTO), "kind": "photo", "step": "register"}
        )
        # The commitment recomputed from the row as stored (what verify does) matches the entry.
        stored = Evidence.objects.get(pk=ev.pk)
        self.assertEqual(first["digest"], commitment(bytes(stored.log_salt), evidence_commit_content(stored)))
        # Personal and descriptive facts are not in the log in clear.
        raw = self.raw_entry(entry_seq(ev))
        for secret in ("站前街道中央路12号门前", "DSJ-0001", "IMG_0001.jpg", "张三"):
            self.assertNotIn(secret.encode(), raw)

    def test_the_commitment_does_not_depend_on_the_time_zone_given(self):
        ev = self.add(self.put(PHOTO), captured_at=at("2026-06-01", 8).astimezone(dt.UTC))
        stored = Evidence.objects.get(pk=ev.pk)
        self.assertEqual(evidence_commit_content(stored), evidence_commit_content(ev))

    def test_a_later_change_of_the_row_no_longer_matches_its_commitment(self):
        ev = self.add(self.put(PHOTO))
        entry = self.entries("evidence.add")[0]
        ev.location = "another street"
        self.assertNotEqual(entry["digest"], commitment(bytes(ev.log_salt), evidence_commit_content(ev)))

    def test_only_those_who_may_write_the_case_add_evidence(self):
        blob = self.put(PHOTO)
        before = LogEntry.objects.count()
        for user in (self.b.other_officer, self.b.auxiliary, self.b.supervisor, self.b.reviewer, self.b.auditadmin):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                self.add(blob, actor=user)
        self.assertEqual(Evidence.objects.count(), 0)
        self.assertEqual(EvidenceObject.objects.count(), 0)
        self.assertEqual(LogEntry.objects.count(), before)
        # A handler and the unit head above may.
        self.add(blob, actor=self.b.officer2)
        self.add(blob, actor=self.b.unit_head)
        self.assertEqual(Evidence.objects.count(), 2)

    def test_bad_input_is_refused_field_by_field_and_nothing_is_written(self):
        blob = self.put(PHOTO)
        cases: list[tuple[dict[str, Any], str]] = [
            ({"step": "seize"}, "step"),  # a compulsory-measure step, not of the general procedure
            ({"step": ""}, "step"),
            ({"kind": "smell"}, "kind"),
            ({"captured_at": at("2026-06-01", 10)}, "captured_at"),  # an hour in the future
            ({"captured_at": dt.datetime(2026, 6, 1, 8)}, "captured_at"),  # naive
            ({"media_type": "not a type"}, "media_type"),
            ({"device_serial": "x" * 65}, "device_serial"),
            ({"blob": StoredBlob(sha256="0" * 64, size=3)}, "file"),  # not in the store
            ({"blob": StoredBlob(sha256=blob.sha256, size=blob.size + 1)}, "file"),
        ]
        before = LogEntry.objects.count()
        for overrides, field in cases:
            with self.subTest(field=field, overrides=overrides), self.assertRaises(ValidationFailed) as refused:
                given = dict(overrides)
                self.add(given.pop("blob", blob), **given)
            self.assertIn(field, refused.exception.errors)
        self.assertEqual(Evidence.objects.count(), 0)
        self.assertEqual(LogEntry.objects.count(), before)

    def test_a_capture_within_the_allowed_clock_skew_is_accepted(self):
        ev = self.add(self.put(PHOTO), captured_at=at("2026-06-01", 9) + dt.timedelta(minutes=4))
        self.assertEqual(ev.captured_by, self.b.officer)

    def test_steps_of_other_procedures_are_checked_against_their_own_definition(self):
        codes = {code for code, _label in actions.step_choices(self.case)}
        self.assertIn("register", codes)
        self.assertIn("attach_evidence", codes)
        self.assertNotIn("apply_measure", codes)

    def test_media_type_parameters_are_dropped(self):
        ev = self.add(self.put(PHOTO), media_type="Image/JPEG; q=0.9")
        self.assertEqual(ev.media_type, "image/jpeg")

    def test_the_precheck_refuses_like_the_action_before_any_byte_is_stored(self):
        with self.assertRaises(AccessDenied):
            evidence_precheck(
                case=self.case, step="register", kind="photo", actor=self.b.other_officer, captured_at=at(NOW_DAY, 8)
            )
        with self.assertRaises(ValidationFailed) as refused:
            evidence_precheck(
                case=self.case, step="nope", kind="photo", actor=self.b.officer, captured_at=at(NOW_DAY, 8)
            )
        self.assertEqual(set(refused.exception.errors), {"step"})
        evidence_precheck(
            case=self.case,
            step="register",
            kind="video",
            actor=self.b.officer,
            captured_at=at(NOW_DAY, 8),
            media_type="video/mp4",
        )
        self.assertEqual(list(blob_iter_names()), [])

    def test_a_failed_log_append_leaves_no_row(self):
        blob = self.put(PHOTO)
        failing = mock.patch.object(actions, "log_record", side_effect=DatabaseError("log unavailable"))
        with failing, self.assertRaises(DatabaseError):
            self.add(blob)
        self.assertEqual(Evidence.objects.count(), 0)
        self.assertEqual(EvidenceObject.objects.count(), 0)


NOW_DAY = "2026-06-01"


class EvidenceAccessTests(EvidenceTestCase):
    def setUp(self):
        super().setUp()
        self.ev = evidence_add(
            case=self.case,
            step="register",
            kind="photo",
            blob=self.put(PHOTO),
            actor=self.b.officer,
            captured_at=at(NOW_DAY, 8),
        )

    def test_an_access_is_logged_with_a_commitment_to_its_reason(self):
        access = evidence_access(
            evidence=self.ev, actor=self.b.reviewer, action="download", reason="法制审核调取张三案照片"
        )
        entry = self.entries("evidence.download")[-1]
        self.assertEqual(entry["seq"], access.log_seq)
        self.assertEqual(entry["case"], self.case.pk)
        self.assertEqual(entry["data"], {"sha256": self.ev.object_id, "evidence": self.ev.pk})
        stored = EvidenceAccess.objects.get(pk=access.pk)
        self.assertEqual(entry["digest"], commitment(bytes(stored.log_salt), access_commit_content(stored)))
        self.assertNotIn("张三".encode(), self.raw_entry(access.log_seq))

    def test_each_action_has_its_own_kind(self):
        for action in ("view", "download", "export"):
            evidence_access(evidence=self.ev, actor=self.b.officer, action=action, reason="check")
            self.assertEqual(len(self.entries(f"evidence.{action}")), 1)

    def test_a_reason_is_required_and_bounded(self):
        for reason, field in (("", "reason"), ("   ", "reason"), ("x" * 301, "reason")):
            with self.subTest(reason=reason[:5]), self.assertRaises(ValidationFailed) as refused:
                evidence_access(evidence=self.ev, actor=self.b.officer, action="view", reason=reason)
            self.assertIn(field, refused.exception.errors)
        with self.assertRaises(ValidationFailed):
            evidence_access(evidence=self.ev, actor=self.b.officer, action="delete", reason="why")
        self.assertEqual(EvidenceAccess.objects.count(), 0)

    def test_those_outside_the_case_scope_are_refused(self):
        for user in (self.b.other_officer, self.b.sysadmin, self.b.auditadmin):
            with self.subTest(user=user.username), self.assertRaises(AccessDenied):
                evidence_access(evidence=self.ev, actor=user, action="download", reason="curious")
        self.assertEqual(EvidenceAccess.objects.count(), 0)
        # The supervisor reads every case (and so its evidence), writing nothing else.
        evidence_access(evidence=self.ev, actor=self.b.supervisor, action="view", reason="supervision")

    def test_a_failed_append_rolls_the_access_back(self):
        failing = mock.patch.object(actions, "log_record", side_effect=DatabaseError("disk full"))
        with failing, self.assertRaises(DatabaseError), transaction.atomic():
            evidence_access(evidence=self.ev, actor=self.b.officer, action="download", reason="check")
        self.assertEqual(EvidenceAccess.objects.count(), 0)


class ReviewRefusalTests(EvidenceTestCase):
    """Who may be named as capturer, the media type of a recording, the earliest capture time, NUL characters."""

    def precheck(self, **overrides):
        fields: dict[str, Any] = {
            "case": self.case,
            "step": "register",
            "kind": "video",
            "actor": self.b.officer,
            "captured_at": at("2026-06-01", 8),
            "media_type": "video/mp4",
        }
        fields.update(overrides)
        evidence_precheck(**fields)

    def refused_fields(self, **overrides) -> set[str]:
        with self.assertRaises(ValidationFailed) as refused:
            self.precheck(**overrides)
        return set(refused.exception.errors)

    def test_the_capturer_is_the_actor_a_handler_or_recording_staff_of_the_case_unit(self):
        for person in (self.b.officer, self.b.officer2, self.b.auxiliary):
            self.precheck(captured_by=person)
        for person in (self.b.other_officer, self.b.supervisor, self.b.leader, self.b.reviewer):
            with self.subTest(person=person.username):
                self.assertEqual(self.refused_fields(captured_by=person), {"captured_by"})

    def test_audio_and_video_need_an_audio_or_video_media_type(self):
        self.assertEqual(self.refused_fields(media_type="text/plain"), {"kind"})
        self.assertEqual(self.refused_fields(kind="audio", media_type=""), {"kind"})
        self.precheck(kind="audio", media_type="audio/wav")
        self.precheck(kind="photo", media_type="image/jpeg")
        blob = StoredBlob(sha256="0" * 64, size=3)
        with self.assertRaises(ValidationFailed) as refused:
            evidence_add(blob=blob, case=self.case, step="register", kind="video", actor=self.b.officer,
                         captured_at=at("2026-06-01", 8), media_type="text/plain")  # fmt: skip
        self.assertIn("kind", refused.exception.errors)

    def test_a_capture_time_before_2000_is_refused(self):
        year_one = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
        for value in (year_one, dt.datetime(1999, 12, 31, 23, tzinfo=dt.UTC)):
            self.assertEqual(self.refused_fields(captured_at=value), {"captured_at"})
        self.precheck(captured_at=actions.CAPTURED_AT_MIN)

    def test_a_nul_character_in_a_text_is_refused(self):
        for field in ("location", "device_serial", "original_name", "description"):
            with self.subTest(field=field):
                self.assertEqual(self.refused_fields(**{field: "a\x00b"}), {field})
