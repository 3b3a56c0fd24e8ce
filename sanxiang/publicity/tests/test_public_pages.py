"""The public portal over HTTP: only published content, no login, no staff menu, cacheable, open data."""

from __future__ import annotations

import csv
import io
import json

from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.cases.actions_remedy import case_record_remedy_outcome
from sanxiang.publicity import actions, corrections
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.models import Publication
from sanxiang.publicity.tests.base import PublicityTestCase


class PublicPagesTests(PublicityTestCase):
    def test_a_published_decision_is_found_and_shown_without_login(self) -> None:
        pub = self.published()
        response = self.client.get("/public/decisions/", {"q": "占道"})
        self.assertContains(response, pub.public_id)
        self.assertNotContains(response, 'aria-label="Main menu"')
        self.assertIn("public", response["Cache-Control"])
        page = self.client.get(f"/public/decisions/{pub.public_id}/")
        self.assertContains(page, "张某某")
        self.assertNotContains(page, "张三")
        self.assertNotContains(page, "11010519491231002X")

    def test_filters_narrow_the_search(self) -> None:
        pub = self.published()
        self.assertNotContains(self.client.get("/public/decisions/", {"q": "不存在的词"}), pub.public_id)
        self.assertNotContains(self.client.get("/public/decisions/", {"date_from": "2026-06-02"}), pub.public_id)
        self.assertContains(
            self.client.get("/public/decisions/", {"category": self.b.city_appearance.pk}), pub.public_id
        )
        self.assertNotContains(self.client.get("/public/decisions/", {"unit": self.b.squad2.pk}), pub.public_id)

    def test_an_unpublished_decision_is_not_found(self) -> None:
        pub = self.prepared()
        self.assertEqual(self.client.get(f"/public/decisions/{pub.public_id}/").status_code, 404)
        self.assertNotContains(self.client.get("/public/decisions/"), pub.public_id)
        self.assertEqual(self.client.get(f"/api/v1/public/decisions/{pub.public_id}").status_code, 404)

    def test_a_revoked_decision_shows_its_withdrawal_and_reason_only(self) -> None:
        case = self.decided()
        pub = self.published(case)
        case_record_remedy_outcome(
            actor=self.b.unit_head, case=case, kind="litigation", outcome="revoked",
            decided_on=timezone.localdate(), organ="四平市铁西区人民法院",
        )  # fmt: skip
        page = self.client.get(f"/public/decisions/{pub.public_id}/")
        self.assertContains(page, 'id="withdrawal-reason"')
        self.assertContains(page, "四平市铁西区人民法院")
        self.assertNotContains(page, 'id="party"')
        feed = self.client.get("/public/feed.atom")
        self.assertEqual(feed.status_code, 200)
        self.assertContains(feed, "四平市铁西区人民法院")

    def test_the_api_is_in_the_openapi_document_and_answers_without_a_token(self) -> None:
        pub = self.published()
        data = self.client.get("/api/v1/public/decisions", {"q": "占道"}).json()
        self.assertEqual([item["id"] for item in data["items"]], [pub.public_id])
        self.assertEqual(data["items"][0]["fields"]["party"], "张某某")
        schema = json.loads(self.client.get("/api/v1/openapi.json").content)
        self.assertIn("/api/v1/public/decisions", schema["paths"])
        self.assertIn("/api/v1/public/officers/{public_id}", schema["paths"])

    def test_exports_are_safe_against_formula_injection(self) -> None:
        pub = self.published()
        formula = '=HYPERLINK("http://evil.example","x")'
        pub = actions.publication_edit(actor=self.publicist, publication=pub, body=formula, change_note="更正")
        pub = actions.publication_submit(actor=self.publicist, publication=pub)
        pub = actions.publication_approve(actor=self.b.leader, publication=pub)
        actions.publication_publish(actor=self.publicist, publication=pub)
        rows = list(csv.reader(io.StringIO(self.client.get("/public/decisions.csv").content.decode("utf-8-sig"))))
        self.assertIn("'" + formula, rows[1])
        self.assertNotIn(formula, rows[1])
        workbook = load_workbook(io.BytesIO(self.client.get("/public/decisions.xlsx").content))
        sheet = workbook.active
        assert sheet is not None
        cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
        self.assertEqual([(c.data_type, c.quotePrefix) for c in cells], [("s", True)])

    def test_the_roster_is_searchable_by_certificate_number_once_published(self) -> None:
        self.assertNotContains(self.client.get("/public/officers/", {"q": "22030001"}), "王执法")
        source = SOURCES["roster"]
        roster = actions.publication_prepare_list(
            actor=self.publicist, list_code="roster", title=str(source.title), rows=source.rows()
        )
        roster = actions.publication_submit(actor=self.publicist, publication=roster)
        roster = actions.publication_approve(actor=self.b.leader, publication=roster)
        actions.publication_publish(actor=self.publicist, publication=roster)
        response = self.client.get("/public/officers/", {"q": "22030001"})
        self.assertContains(response, "王执法")
        self.assertNotContains(response, "李执法")
        officer_id = response.context["rows"][0]["id"]
        page = self.client.get(f"/public/officers/{officer_id}/")
        self.assertContains(page, "<svg")
        self.assertContains(page, "22030001")
        qr = self.client.get(f"/public/officers/{officer_id}/qr.svg")
        self.assertEqual(qr["Content-Type"], "image/svg+xml; charset=utf-8")
        self.assertEqual(self.client.get("/public/officers/nope/").status_code, 404)
        self.assertContains(self.client.get("/public/placards/"), "王执法")
        self.assertContains(self.client.get("/public/lists/roster/"), "22030001")

    def test_every_public_page_answers(self) -> None:
        self.published()
        for url in ("/public/", "/public/flowcharts/", "/public/flowcharts/general/", "/public/transparency/",
                    "/public/annual/", "/public/corrections/", "/public/lists/items/", "/public/lists/bodies/"):  # fmt: skip
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "/cases/")

    def test_a_correction_gets_a_code_the_reporter_follows_and_is_rate_limited(self) -> None:
        pub = self.published()
        response = self.client.post(f"/public/decisions/{pub.public_id}/correction/", {"text": "罚款金额有误"})
        code = response.context["report"].code
        self.assertContains(self.client.get("/public/corrections/", {"code": code}), 'data-outcome="received"')
        corrections.correction_reply(
            actor=self.publicist, report=response.context["report"], outcome="rejected", reply="经核实无误"
        )
        self.assertContains(self.client.get("/public/corrections/", {"code": code}), "经核实无误")
        with self.settings(PUBLICITY_CORRECTIONS_PER_HOUR=1):
            again = self.client.post(f"/public/decisions/{pub.public_id}/correction/", {"text": "再报一次"})
        self.assertEqual(again.status_code, 429)


class StaffPagesTests(PublicityTestCase):
    def test_the_publicist_walks_a_publication_through_the_pages(self) -> None:
        case = self.decided()
        self.login(self.publicist)
        self.assertContains(self.client.get("/publicity/"), str(case.number))
        self.client.post(f"/publicity/cases/{case.pk}/prepare/")
        pub = Publication.objects.get(case=case)
        page = self.client.get(f"/publicity/{pub.pk}/")
        self.assertContains(page, 'id="original"')
        self.assertContains(page, "张某某")
        self.client.post(f"/publicity/{pub.pk}/submit/")
        self.login(self.b.leader)
        self.client.post(f"/publicity/{pub.pk}/approve/")
        self.login(self.publicist)
        self.client.post(f"/publicity/{pub.pk}/publish/")
        pub.refresh_from_db()
        self.assertEqual(pub.state, "published")

    def test_an_officer_does_not_see_the_pages(self) -> None:
        self.login(self.b.officer)
        self.assertEqual(self.client.get("/publicity/").status_code, 404)


class GuidesTests(PublicityTestCase):
    def _sheet(self, rows: list[list[str]]) -> io.BytesIO:
        from openpyxl import Workbook

        from sanxiang.publicity.lists import GUIDE_COLUMNS

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append([str(label) for _key, label in GUIDE_COLUMNS])
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        out.name = "guides.xlsx"
        return out

    def test_guides_are_imported_from_excel_and_published_through_the_workflow(self) -> None:
        self.login(self.publicist)
        template = self.client.get("/publicity/guides/template.xlsx")
        self.assertEqual(template.status_code, 200)
        guide = ["户外广告设置审批", "《城市市容和环境卫生管理条例》第十一条", "政务服务大厅3号窗口", "区城管局"]
        self.client.post("/publicity/guides/import/", {"file": self._sheet([guide + ["材料齐全"]]), "note": ""})
        pub = Publication.objects.get(list_code="guides")
        self.assertNotContains(self.client.get("/public/lists/guides/"), "户外广告设置审批")
        pub = actions.publication_submit(actor=self.publicist, publication=pub)
        pub = actions.publication_approve(actor=self.b.leader, publication=pub)
        actions.publication_publish(actor=self.publicist, publication=pub)
        page = self.client.get("/public/lists/guides/")
        self.assertContains(page, "户外广告设置审批")
        self.assertContains(page, "政务服务大厅3号窗口")

    def test_a_row_without_a_name_is_refused_with_its_row_number(self) -> None:
        self.login(self.publicist)
        response = self.client.post("/publicity/guides/import/", {"file": self._sheet([["", "依据"]])}, follow=True)
        self.assertContains(response, "Row 2: the item has no name.")
        self.assertFalse(Publication.objects.filter(list_code="guides").exists())
