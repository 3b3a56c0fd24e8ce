"""The dossier: completeness, the 归档 gate naming what is missing, the index, the locked archive, printing, export."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Case
from sanxiang.documents import actions, export
from sanxiang.documents.dossier import dossier_documents, missing_documents, retention
from sanxiang.documents.models import DossierArchive, IssuedDocument
from sanxiang.documents.selectors import log_vkey
from sanxiang.documents.tests.base import DocumentTestCase, pdf_text, stored_pdf
from sanxiang.lib.exceptions import GateRefused
from sanxiang.record import standalone

STANDALONE = Path(standalone.__file__)


class DossierTestCase(DocumentTestCase):
    def closed_case(self) -> Case:
        """A served, paid, executed and closed case; no document issued yet."""
        case = self.served()
        case = case_actions.case_record_payment(
            actor=self.b.officer, case=case, amount_fen=50_000, paid_on=timezone.localdate(), receipt_no="R1"
        )
        case = case_actions.case_record_execution(actor=self.b.officer, case=case)
        return case_actions.case_close(actor=self.b.unit_head, case=case, report="已缴清罚款")

    def issue_all(self, case: Case) -> None:
        self.issue(case, "filing_approval", "register")
        self.issue(case, "investigation_report", "conclude_investigation")
        self.issue(case, "prior_notice", "notify")
        decision = self.issue(case, "penalty_decision", "decide")
        self.issue(case, "service_receipt", "serve", refers_to=decision)


class ArchiveGateTests(DossierTestCase):
    def test_archiving_an_incomplete_dossier_is_refused_naming_what_is_missing(self) -> None:
        case = self.closed_case()
        self.issue(case, "filing_approval", "register")
        self.assertEqual(
            missing_documents(case), ["Investigation report", "Prior notice", "Penalty decision", "Service receipt"]
        )
        with self.assertRaises(GateRefused) as refused:
            actions.dossier_archive(actor=self.b.unit_head, case=case)
        reasons = "\n".join(refused.exception.reasons)
        for label in ("Investigation report", "Prior notice", "Penalty decision", "Service receipt"):
            self.assertIn(label, reasons)
        case.refresh_from_db()
        self.assertEqual(case.state, "closed")
        self.assertFalse(DossierArchive.objects.exists())

    def test_a_voided_document_does_not_count(self) -> None:
        case = self.closed_case()
        self.issue_all(case)
        decision = IssuedDocument.objects.filter(case=case).get(doc_type="penalty_decision")
        actions.document_void(actor=self.b.officer, document=decision, reason="错号")
        self.assertEqual(missing_documents(case), ["Penalty decision"])

    def test_a_complete_dossier_is_archived_indexed_and_locked(self) -> None:
        case = self.closed_case()
        self.issue_all(case)
        archive = actions.dossier_archive(actor=self.b.unit_head, case=case)
        case.refresh_from_db()
        self.assertEqual((case.state, archive.retention), ("archived", "30y"))
        self.assertEqual([d["type"] for d in archive.documents],
                         ["filing_approval", "penalty_decision", "prior_notice", "service_receipt", "investigation_report"])  # fmt: skip
        index_text = pdf_text(stored_pdf(archive.index)).replace(" ", "")
        for item in ("卷内文件目录", "正卷", "副卷", "30年", "立案审批表", "行政处罚决定书", "案件调查终结报告"):
            self.assertIn(item, index_text)
        filing, decision = (
            IssuedDocument.objects.filter(case=case).get(doc_type=t) for t in ("filing_approval", "penalty_decision")
        )
        first = 2 + filing.page_count  # the index is page 1, the filing approval comes next
        pages = f"{first}-{first + decision.page_count - 1}" if decision.page_count > 1 else str(first)
        self.assertIn(pages, index_text.replace("\n", " ").split(decision.number.replace(" ", "")[:8])[1][:60])
        with self.assertRaises(GateRefused):
            self.issue(case, "electronic_consent")

    def test_retention_follows_the_rule_in_settings(self) -> None:
        case = self.closed_case()
        self.assertEqual(retention(case), "30y")
        with self.settings(DOSSIER_PERMANENT_FINE_YUAN=500):
            self.assertEqual(retention(case), "permanent")


class PrintingTests(DossierTestCase):
    def test_every_document_and_the_whole_dossier_print_from_the_case_page(self) -> None:
        case = self.closed_case()
        self.issue_all(case)
        self.login(self.b.officer)
        page = self.client.get(f"/cases/{case.pk}/")
        for doc in dossier_documents(case):
            self.assertContains(page, f"/documents/{doc.pk}/pdf/")
        response = self.client.get(f"/documents/{dossier_documents(case)[0].pk}/pdf/")
        self.assertEqual(b"".join(response.streaming_content), stored_pdf(dossier_documents(case)[0]))  # type: ignore[attr-defined]
        whole = self.client.get(f"/documents/case/{case.pk}/dossier.pdf")
        self.assertEqual(whole["Content-Type"], "application/pdf")
        text = pdf_text(whole.content)
        total = sum(d.page_count for d in dossier_documents(case))
        self.assertEqual(text.count("\f"), total + 1)  # the index page, then every document's pages
        self.assertLess(text.index("卷内文件目录"), text.index("立案审批表", text.index("副卷")))

    def test_an_outsider_cannot_print(self) -> None:
        case = self.closed_case()
        doc = self.issue(case, "filing_approval", "register")
        self.login(self.b.other_officer)
        self.assertEqual(self.client.get(f"/documents/{doc.pk}/pdf/").status_code, 404)
        self.assertEqual(self.client.get(f"/documents/case/{case.pk}/dossier.pdf").status_code, 404)


class ExportTests(DossierTestCase):
    def run_verifier(self, data: bytes) -> subprocess.CompletedProcess[str]:
        with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
            handle.write(data)
        return subprocess.run(  # noqa: S603 (the interpreter running the tests, fixed arguments)
            [sys.executable, str(STANDALONE), "archive", handle.name, "--key", log_vkey()],
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    def test_an_export_verifies_offline_and_fails_after_any_byte_changes(self) -> None:
        case = self.closed_case()
        self.issue_all(case)
        actions.dossier_archive(actor=self.b.unit_head, case=case)
        data = export.case_export(actor=self.b.officer, case=case)
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertIn("manifest.json", names)
        self.assertEqual(sum(n.startswith("documents/") for n in names), 6)  # the index and five documents
        ok = self.run_verifier(data)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertIn("archive: OK", ok.stdout)
        for offset in (len(data) // 7, len(data) // 3, len(data) // 2, len(data) - 30, 40):
            with self.subTest(offset=offset):
                changed = bytearray(data)
                changed[offset] ^= 0x01
                failed = self.run_verifier(bytes(changed))
                self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)

    def test_a_changed_manifest_fails(self) -> None:
        case = self.closed_case()
        self.issue_all(case)
        data = export.case_export(actor=self.b.officer, case=case)
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                body = source.read(info)
                if info.filename == "manifest.json":
                    body = body.replace("铁西".encode(), "铁东".encode(), 1)
                target.writestr(info, body)
        failed = self.run_verifier(out.getvalue())
        self.assertEqual(failed.returncode, 1)
        self.assertIn("manifest.json", failed.stdout)


class IssueMissingTests(DossierTestCase):
    def test_it_issues_what_the_checklist_lacks_from_the_case_steps(self) -> None:
        case = self.closed_case()
        issued = actions.dossier_issue_missing(actor=self.b.unit_head, case=case)
        self.assertEqual(
            [d.doc_type for d in issued],
            ["filing_approval", "investigation_report", "prior_notice", "penalty_decision", "service_receipt"],
        )
        self.assertEqual(issued[-1].refers_to, issued[-2])
        self.assertEqual(missing_documents(case), [])
        self.assertEqual(actions.dossier_archive(actor=self.b.unit_head, case=case).case.state, "archived")


class BatchExportTests(DossierTestCase):
    def test_it_exports_the_cases_of_a_date_range_and_resumes(self) -> None:
        from django.core.management import call_command

        case = self.closed_case()
        self.issue_all(case)
        out = Path(tempfile.mkdtemp())
        call_command("documents_export", str(out), "--from", "2026-06-01", "--to", "2026-06-30", verbosity=0)
        self.assertEqual([p.name for p in out.iterdir()], [f"dossier-{case.pk}.zip"])
        zip_path = str(out / f"dossier-{case.pk}.zip")
        ok = subprocess.run(  # noqa: S603 (the interpreter running the tests, fixed arguments)
            [sys.executable, str(STANDALONE), "archive", zip_path, "--key", log_vkey()],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        self.assertEqual(ok.returncode, 0, ok.stdout)
        call_command("documents_export", str(out), "--from", "2026-07-01", "--to", "2026-07-31", verbosity=0)
        self.assertEqual(len(list(out.iterdir())), 1)


class DemoTests(DossierTestCase):
    def test_the_demo_issues_missing_documents_once_and_archives(self) -> None:
        from sanxiang.documents.demo import demo_archive, documents_demo

        case = self.closed_case()
        self.assertEqual(documents_demo(), 5)
        self.assertEqual(documents_demo(), 0)
        self.assertEqual(demo_archive(actor=self.b.unit_head, case=case).state, "archived")

    def test_the_gate_can_be_switched_off_for_tests_of_other_parts(self) -> None:
        case = self.closed_case()
        with self.settings(DOSSIER_ARCHIVE_GATE=False):
            self.assertEqual(case_actions.case_archive(actor=self.b.unit_head, case=case).state, "archived")


class OtherProceduresArchiveTests(DossierTestCase):
    """``dossier_issue_missing`` fills the dossier of the other procedures too, so their walks can archive."""

    def test_an_on_the_spot_case_and_an_inspection_archive_with_their_documents(self) -> None:
        from sanxiang.cases import actions_inspection, actions_simple
        from sanxiang.cases.models import CaseSource, IdType, PartyKind

        party = case_actions.party_build(
            kind=PartyKind.PERSON, name="王五", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        case = actions_simple.case_decide_on_the_spot(
            actor=self.b.officer, unit=self.b.squad1, category=self.b.city_appearance, region=self.b.street,
            location="站前街道中央路", summary="占道经营", party=party, violation=self.violation,
            officers=[self.b.officer, self.b.officer2], types=["warning"], form_number="No.000124",
            facts_conclusive=True,
        )  # fmt: skip
        case = actions_simple.case_file_record(actor=self.b.officer, case=case)
        case = case_actions.case_close(actor=self.b.unit_head, case=case, report="")
        self.assertEqual(missing_documents(case), ["On-the-spot penalty decision", "Record of filing with the agency"])
        actions.dossier_issue_missing(actor=self.b.unit_head, case=case)
        self.assertEqual(actions.dossier_archive(actor=self.b.unit_head, case=case).retention, "10y")

        case = actions_inspection.case_start_inspection(
            actor=self.b.officer, source=CaseSource.INSPECTION, unit=self.b.squad1, category=self.b.city_appearance,
            region=self.b.street, location="站前街道中央路12号", purpose="门前三包日常检查", officers=[self.b.officer, self.b.officer2],
            parties=[party],
        )  # fmt: skip
        case = actions_inspection.case_record_inspection(
            actor=self.b.officer, case=case, inspected="店铺门前", content="未发现违法行为", recorded_at=timezone.now(),
            place="站前街道中央路12号",
        )  # fmt: skip
        case = actions_inspection.case_conclude_inspection(
            actor=self.b.officer, case=case, result="compliant", findings="未发现违法行为"
        )
        case = case_actions.case_close(actor=self.b.unit_head, case=case, report="")
        self.assertEqual(len(actions.dossier_issue_missing(actor=self.b.unit_head, case=case)), 2)
        self.assertEqual(actions.dossier_archive(actor=self.b.unit_head, case=case).case.state, "archived")
