"""``sanxiang verify`` over evidence: rows against their entries, files against their rows (RECORD-LOG.md §8.6)."""

from __future__ import annotations

from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.evidence.actions import evidence_access, evidence_add
from sanxiang.evidence.blobstore import object_name
from sanxiang.evidence.models import Evidence, EvidenceAccess
from sanxiang.evidence.tests.base import EvidenceTestCase
from sanxiang.record import appendonly
from sanxiang.record.log import entry_seq
from sanxiang.record.verify import Options, verify

PHOTO = b"photo bytes " * 1000


class EvidenceVerifyTests(EvidenceTestCase):
    def setUp(self):
        super().setUp()
        self.ev = evidence_add(
            case=self.case,
            step="register",
            kind="photo",
            blob=self.put(PHOTO),
            actor=self.b.officer,
            captured_at=at("2026-06-01", 8),
            location="站前街道",
        )
        self.access = evidence_access(evidence=self.ev, actor=self.b.officer, action="view", reason="check")
        evidence_access(evidence=self.ev, actor=self.b.officer, action="download", reason="copy for review")

    def problems(self, deep=False, checks=("rows", "blobs")):
        report = verify(Options(fetch_witnesses=False, deep=deep, cases=False))
        return report, [p for p in report.problems if p.check in checks]

    def path(self):
        return self.store_root / object_name(self.ev.object_id)

    def rewrite(self, data: bytes) -> None:
        path = self.path()
        path.chmod(0o600)
        path.write_bytes(data)

    def test_an_untouched_store_verifies_clean(self):
        report, problems = self.problems(deep=True)
        self.assertEqual(problems, [])
        self.assertEqual(report.blobs, 1)
        self.assertGreaterEqual(report.rows, 4)  # ingest, add, view, download (plus the case's own rows)
        self.assertFalse(any("not in the record" in n for n in report.notes))

    def test_a_changed_evidence_row_is_caught_at_its_entry(self):
        with appendonly.suspended():
            Evidence.objects.filter(pk=self.ev.pk).update(location="somewhere else")
        _report, problems = self.problems()
        self.assertEqual(
            [p.where for p in problems],
            [f"entry {entry_seq(self.ev)} (evidence {self.ev.pk} of case id {self.case.pk})"],
        )

    def test_a_changed_access_reason_is_caught(self):
        with appendonly.suspended():
            EvidenceAccess.objects.filter(pk=self.access.pk).update(reason="routine")
        _report, problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].where.startswith(f"entry {self.access.log_seq} "))

    def test_a_changed_file_is_caught_by_the_deep_check(self):
        self.rewrite(PHOTO.replace(b"photo", b"PHOTO", 1))
        self.assertEqual(self.problems()[1], [])  # same size: only a re-hash sees it
        _report, problems = self.problems(deep=True)
        self.assertEqual([p.where for p in problems], [f"blob {self.ev.object_id}"])

    def test_a_truncated_or_missing_file_is_caught(self):
        self.rewrite(PHOTO[:10])
        _report, problems = self.problems()
        self.assertIn("10 bytes", problems[0].message)
        self.path().unlink()
        _report, problems = self.problems()
        self.assertEqual([p.message for p in problems], ["the file is missing from the evidence store"])

    def test_a_file_nobody_added_is_a_note_not_a_problem(self):
        stray = self.put(b"uploaded, never added")
        report, problems = self.problems()
        self.assertEqual(problems, [])
        self.assertTrue(any(stray.sha256 in n for n in report.notes))
