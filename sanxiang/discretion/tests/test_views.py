"""The baseline pages through HTTP: who sees what, form errors, the import report, approving, never a 500."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxiang.cases.penalties import PenaltyType
from sanxiang.discretion import excel
from sanxiang.discretion.models import Baseline, BaselineApproval
from sanxiang.discretion.tests.base import DiscretionTestCase
from sanxiang.discretion.tests.test_excel import GOOD, row, workbook


def upload(data: bytes | io.BytesIO, name: str = "基准.xlsx") -> SimpleUploadedFile:
    raw = data.getvalue() if isinstance(data, io.BytesIO) else data
    return SimpleUploadedFile(name, raw, content_type=excel.XLSX_CONTENT_TYPE)


class PageTests(DiscretionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.current = self.approved("2026-A")
        self.draft_version = self.draft("2026-B", "2026-07-01")

    def test_the_list_shows_drafts_only_to_the_legal_section_and_leaders(self) -> None:
        table = [(self.b.reviewer, True), (self.b.leader, True), (self.b.officer, False), (self.b.supervisor, False)]
        for user, sees_draft in table:
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(reverse("discretion:baseline_list"))
                self.assertContains(response, "2026-A")
                self.assertIs("2026-B" in response.content.decode(), sees_draft)
                draft = self.client.get(reverse("discretion:baseline_detail", args=[self.draft_version.pk]))
                self.assertEqual(draft.status_code, 200 if sees_draft else 404)

    def test_a_user_without_a_role_sees_nothing(self) -> None:
        self.login(self.b.auxiliary)
        self.assertEqual(self.client.get(reverse("discretion:baseline_list")).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("discretion:baseline_detail", args=[self.current.pk])).status_code, 404
        )

    def test_the_version_page_shows_the_tiers_and_searches(self) -> None:
        self.login(self.b.officer)
        url = reverse("discretion:baseline_detail", args=[self.current.pk])
        response = self.client.get(url)
        self.assertContains(response, "srhw-001")
        self.assertContains(response, "100.00–500.00")
        self.assertContains(response, "1,000.00–5,000.00")
        self.assertContains(response, "In force")
        self.assertNotContains(response, "Approve this version")
        self.assertNotContains(self.client.get(url, {"q": "乱涂"}), "srhw-001</h2>")
        self.assertContains(self.client.get(url, {"q": "摆摊"}), "srhw-001")
        self.assertEqual(self.client.get(url, {"page": "abc"}).status_code, 200)

    def test_the_version_page_costs_the_same_queries_whatever_the_number_of_items(self) -> None:
        from sanxiang.discretion.actions import ItemSpec, baseline_create
        from sanxiang.discretion.tests.base import standard_tiers

        self.login(self.b.reviewer)
        url = reverse("discretion:baseline_detail", args=[self.draft_version.pk])
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        items = [ItemSpec(self.violation, standard_tiers()), ItemSpec(self.other_violation, standard_tiers())]
        two = baseline_create(actor=self.b.reviewer, version="2026-C", effective_from=dt.date(2026, 6, 2), items=items)
        with self.assertNumQueries(len(one)):
            self.client.get(reverse("discretion:baseline_detail", args=[two.pk]))

    def test_a_leader_approves_from_the_page(self) -> None:
        url = reverse("discretion:baseline_approve", args=[self.draft_version.pk])
        self.login(self.b.reviewer)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.b.leader)
        page = self.client.get(reverse("discretion:baseline_detail", args=[self.draft_version.pk]))
        self.assertContains(page, "Approve this version")
        response = self.client.post(url, follow=True)
        self.assertContains(response, "has been approved")
        self.assertTrue(BaselineApproval.objects.filter(baseline=self.draft_version).exists())
        again = self.client.post(url, follow=True)
        self.assertContains(again, "approved already")

    def test_a_draft_shows_its_changes_from_the_version_in_force(self) -> None:
        from sanxiang.discretion.actions import ItemSpec, TierSpec, baseline_create
        from sanxiang.discretion.models import Level

        items = [
            ItemSpec(self.violation, [TierSpec("一般", Level.ORDINARY, frozenset({PenaltyType.WARNING}))]),
            ItemSpec(self.other_violation, [TierSpec("一般", Level.ORDINARY, frozenset({PenaltyType.WARNING}))]),
        ]
        draft = baseline_create(
            actor=self.b.reviewer, version="2026-C", effective_from=dt.date(2026, 7, 1), items=items
        )
        self.login(self.b.leader)
        response = self.client.get(reverse("discretion:baseline_detail", args=[draft.pk]))
        self.assertContains(response, "Violations added: srhw-009")
        self.assertContains(response, "Violations changed: srhw-001")
        self.assertNotContains(response, "Violations removed")
        unchanged = self.client.get(reverse("discretion:baseline_detail", args=[self.draft_version.pk]))
        self.assertContains(unchanged, "Same violations, provisions and tiers as the version in force.")
        in_force = self.client.get(reverse("discretion:baseline_detail", args=[self.current.pk]))
        self.assertNotContains(in_force, "data-changes")

    def test_export_is_an_excel_file(self) -> None:
        self.login(self.b.officer)
        response = self.client.get(reverse("discretion:baseline_export", args=[self.current.pk]))
        self.assertEqual(response["Content-Type"], excel.XLSX_CONTENT_TYPE)
        self.assertIn("attachment", response["Content-Disposition"])

    def test_copy_shows_form_errors(self) -> None:
        self.login(self.b.reviewer)
        url = reverse("discretion:baseline_copy", args=[self.current.pk])
        response = self.client.post(url, {"version": "2026-A", "effective_from": "2026-08-01"})
        self.assertContains(response, "This version exists already.")
        response = self.client.post(url, {"version": "2026-C", "effective_from": "2026-08-01"})
        self.assertRedirects(
            response, reverse("discretion:baseline_detail", args=[Baseline.objects.get(version="2026-C").pk])
        )


class ImportPageTests(DiscretionTestCase):
    url = "/discretion/import/"

    def post(self, data: bytes | io.BytesIO, name: str = "基准.xlsx", version: str = "2026-X") -> Any:
        return self.client.post(
            self.url, {"version": version, "effective_from": "2026-07-01", "file": upload(data, name)}
        )

    def test_only_the_legal_section_imports(self) -> None:
        for user in (self.b.leader, self.b.officer):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.get(reverse("discretion:baseline_template")).status_code, 404)
        self.login(self.b.reviewer)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get(reverse("discretion:baseline_template")).status_code, 200)

    def test_a_good_file_makes_a_draft(self) -> None:
        self.login(self.b.reviewer)
        response = self.post(workbook(GOOD))
        baseline = Baseline.objects.get(version="2026-X")
        self.assertRedirects(response, reverse("discretion:baseline_detail", args=[baseline.pk]))

    def test_the_report_lists_each_bad_row(self) -> None:
        self.login(self.b.reviewer)
        response = self.post(workbook([GOOD[1], row("nope-1", "一般", "一般", "罚款", 1, 2)]))
        self.assertContains(response, "Nothing was imported")
        self.assertContains(response, "<td>3</td><td>违法行为编码</td><td>nope-1</td>", html=False)
        self.assertFalse(Baseline.objects.exists())

    def test_non_excel_uploads_are_form_errors_not_500(self) -> None:
        self.login(self.b.reviewer)
        for data, name in ((b"a,b,c\n", "x.csv"), (b"hello", "x.xlsx"), (b"PK\x03\x04garbage", "x.xlsx")):
            with self.subTest(name=name, data=data):
                response = self.post(data, name)
                self.assertEqual(response.status_code, 200)
                self.assertContains(
                    response, "errorlist" if name.endswith("csv") or data == b"hello" else "form-errors"
                )
        self.assertFalse(Baseline.objects.exists())

    def test_missing_fields_are_form_errors(self) -> None:
        self.login(self.b.reviewer)
        response = self.client.post(self.url, {"version": "", "effective_from": "tomorrow"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"version", "effective_from", "file"})


class NavTests(DiscretionTestCase):
    def test_the_menu_links_the_baselines_for_the_legal_section_and_leaders(self) -> None:
        link = 'href="/discretion/"'
        for user, shown in ((self.b.reviewer, True), (self.b.leader, True), (self.b.officer, False)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertIs(link in self.client.get("/").content.decode(), shown)


class SnippetTests(DiscretionTestCase):
    """``discretion/_applicable.html``, which the legal review includes beside the draft decision."""

    def test_it_shows_the_ranges_factors_and_the_assessment(self) -> None:
        from django.template.loader import render_to_string

        from sanxiang.cases.penalties import Penalty, PenaltyType
        from sanxiang.discretion.assess import applicable, assess

        self.approved("2026-A")
        case = self.person_case()
        outside = assess(case, Penalty(frozenset({PenaltyType.FINE}), fine_fen=200_000))
        html = render_to_string("discretion/_applicable.html", {"applicable": applicable(case), "assessment": outside})
        self.assertIn("2026-A", html)
        self.assertIn("100.00–500.00", html)
        self.assertIn("第三十三条", html)
        self.assertIn("a reason is required", html)
        self.assertIn("above the maximum", html)
        within = assess(case, Penalty(frozenset({PenaltyType.WARNING})))
        html = render_to_string("discretion/_applicable.html", {"applicable": within.applicable, "assessment": within})
        self.assertIn('aria-current="true"', html)
        self.assertIn("Within the baseline", html)
        empty = render_to_string("discretion/_applicable.html", {"applicable": None})
        self.assertIn("No discretion baseline in force covers this violation.", empty)
