"""The catalogue pages and the ground form through HTTP: who sees what (404), who may act (403), form errors."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from sanxiang.catalog.models import ReviewCatalogue, ReviewCatalogueApproval
from sanxiang.catalog.tests.base import CatalogueTestCase


class CataloguePageTests(CatalogueTestCase):
    def test_the_pages_exist_only_for_catalogue_and_review_roles(self):
        urls = [reverse("catalog:catalogue_list"), reverse("catalog:catalogue_detail", args=[self.catalogue.pk])]
        b = self.b
        for user, status in (
            (b.officer, 404),
            (b.sysadmin, 404),
            (b.reviewer, 200),
            (b.leader, 200),
            (b.supervisor, 200),
        ):
            self.login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_the_list_shows_the_status_of_each_version(self):
        self.login(self.b.reviewer)
        response = self.client.get(reverse("catalog:catalogue_list"))
        self.assertContains(response, "2026")
        self.assertContains(response, "In force")

    def test_the_detail_groups_rules_by_ground(self):
        self.login(self.b.leader)
        response = self.client.get(reverse("catalog:catalogue_detail", args=[self.catalogue.pk]))
        self.assertContains(response, "rule fine-person")
        self.assertContains(response, "APL Art. 58 (三)")
        self.assertNotContains(response, "Approve this version")
        self.assertNotContains(response, "Add a rule")

    def test_a_reviewer_drafts_a_copy_and_adds_a_rule_with_errors_shown(self):
        self.login(self.b.reviewer)
        response = self.client.post(
            reverse("catalog:catalogue_create"),
            {"version": "2027", "effective_from": "2026-07-01", "copy_from": self.catalogue.pk},
        )
        draft = ReviewCatalogue.objects.get(version="2027")
        self.assertRedirects(response, reverse("catalog:catalogue_detail", args=[draft.pk]))
        self.assertEqual(draft.rules.count(), 8)
        url = reverse("catalog:rule_add", args=[draft.pk])
        response = self.client.post(url, {"code": "big", "label": "big", "ground": "agency", "kind": "fine_person"})
        self.assertContains(response, "Enter the amount in yuan", status_code=400)
        data = {"code": "big", "label": "big", "ground": "agency", "kind": "fine_person", "amount_yuan": "20000"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertTrue(draft.rules.filter(code="big", amount_yuan=20_000).exists())

    def test_a_duplicate_version_is_a_form_error(self):
        self.login(self.b.reviewer)
        response = self.client.post(
            reverse("catalog:catalogue_create"), {"version": "2026", "effective_from": "2026-07-01"}
        )
        self.assertContains(response, "This version exists already.")

    def test_who_may_draft_edit_and_approve(self):
        draft = ReviewCatalogue.objects.create(
            version="d", effective_from=dt.date(2026, 7, 1), created_by=self.b.reviewer
        )
        rule = self.catalogue.rules.first()
        assert rule is not None
        draft.rules.create(code="x", label="x", ground="agency", kind="confiscation", amount_yuan=1)
        approve = reverse("catalog:catalogue_approve", args=[draft.pk])
        self.login(self.b.leader)
        self.assertEqual(self.client.get(reverse("catalog:catalogue_create")).status_code, 403)
        self.login(self.b.reviewer)
        self.assertEqual(self.client.post(approve).status_code, 403)
        self.login(self.b.officer)
        self.assertEqual(self.client.post(approve).status_code, 404)
        self.assertFalse(ReviewCatalogueApproval.objects.filter(catalogue=draft).exists())
        self.login(self.b.leader)
        self.assertContains(
            self.client.get(reverse("catalog:catalogue_detail", args=[draft.pk])), "Approve this version"
        )
        response = self.client.post(approve, follow=True)
        self.assertContains(response, "is approved")
        self.assertTrue(ReviewCatalogueApproval.objects.filter(catalogue=draft).exists())
        response = self.client.post(approve, follow=True)
        self.assertContains(response, "never changed")

    def test_removing_a_rule_of_an_approved_version_is_refused(self):
        self.login(self.b.reviewer)
        rule = self.catalogue.rules.get(code="complex")
        response = self.client.post(reverse("catalog:rule_remove", args=[self.catalogue.pk, rule.pk]), follow=True)
        self.assertContains(response, "never changed")
        self.assertTrue(self.catalogue.rules.filter(pk=rule.pk).exists())


class GroundViewTests(CatalogueTestCase):
    def test_a_handler_adds_a_ground(self):
        case = self.case()
        self.login(self.b.officer)
        url = reverse("catalog:ground_add", args=[case.pk])
        self.assertContains(self.client.get(url), "Add a ground for legal review")
        data = {
            "major-ground": "complex",
            "major-flag": "complex",
            "major-reason": "涉及多个法律关系",
            "major-collective": "on",
        }
        self.assertRedirects(
            self.client.post(url, data), reverse("cases:case_detail", args=[case.pk]), fetch_redirect_response=False
        )
        row = case.major_grounds.get()
        self.assertEqual(
            (row.ground, row.flag, row.collective, row.added_by), ("complex", "complex", True, self.b.officer)
        )

    def test_an_empty_reason_is_a_form_error(self):
        case = self.case()
        self.login(self.b.officer)
        response = self.client.post(
            reverse("catalog:ground_add", args=[case.pk]), {"major-ground": "complex", "major-reason": ""}
        )
        self.assertContains(response, "This field is required", status_code=400)
        self.assertFalse(case.major_grounds.exists())

    def test_others_get_404(self):
        case = self.case()
        url = reverse("catalog:ground_add", args=[case.pk])
        for user in (self.b.other_officer, self.b.reviewer, self.b.supervisor):
            self.login(user)
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.client.post(url, {"major-ground": "complex", "major-reason": "x"}).status_code, 404
                )
        self.assertFalse(case.major_grounds.exists())
