"""The 音像记录事项清单 pages through HTTP: list, draft from the version in force, approval."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from sanxiang.catalog.actions import AVItemSpec, av_list_approve, av_list_create
from sanxiang.catalog.models import AVList
from sanxiang.lib.exceptions import DomainError
from sanxiang.testing import BureauTestCase


class AVListPageTests(BureauTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.current = av_list_create(
            actor=self.b.reviewer,
            version="2026",
            effective_from=dt.date(2026, 1, 1),
            items=[AVItemSpec("general", "record_transcript", "required", "本局清单")],
        )
        av_list_approve(actor=self.b.leader, av_list=self.current)

    def test_the_pages_exist_only_for_catalogue_and_review_roles(self):
        for user, status in ((self.b.officer, 404), (self.b.reviewer, 200), (self.b.leader, 200)):
            self.login(user)
            for url in (reverse("catalog:av_list_list"), reverse("catalog:av_list_detail", args=[self.current.pk])):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_the_list_and_detail_show_status_and_items(self):
        self.login(self.b.reviewer)
        self.assertContains(self.client.get(reverse("catalog:av_list_list")), "In force")
        response = self.client.get(reverse("catalog:av_list_detail", args=[self.current.pk]))
        self.assertContains(response, "record_transcript")
        self.assertContains(response, "本局清单")

    def test_a_reviewer_drafts_from_the_list_in_force_and_a_leader_approves(self):
        self.login(self.b.reviewer)
        form = self.client.get(reverse("catalog:av_list_create"))
        self.assertContains(form, "general | record_transcript | required | 本局清单")
        items = "general | record_transcript | required | 本局清单\ngeneral | nope | required"
        data = {"version": "2027", "effective_from": "2027-01-01", "items": items}
        self.assertContains(self.client.post(reverse("catalog:av_list_create"), data), "has no step", status_code=400)
        data["items"] = "general | record_transcript | recommended\nbroken line"
        self.assertContains(self.client.post(reverse("catalog:av_list_create"), data), "Line 2", status_code=400)
        data["items"] = "general | record_transcript | recommended"
        response = self.client.post(reverse("catalog:av_list_create"), data)
        draft = AVList.objects.get(version="2027")
        self.assertRedirects(response, reverse("catalog:av_list_detail", args=[draft.pk]))
        approve = reverse("catalog:av_list_approve", args=[draft.pk])
        self.assertEqual(self.client.post(approve).status_code, 403)
        self.login(self.b.leader)
        self.assertContains(self.client.post(approve, follow=True), "is approved")
        draft.refresh_from_db()
        self.assertEqual(draft.approved_by, self.b.leader)

    def test_an_empty_list_is_not_approved(self):
        empty = av_list_create(actor=self.b.reviewer, version="empty", effective_from=dt.date(2027, 1, 1), items=[])
        with self.assertRaisesMessage(DomainError, "without items"):
            av_list_approve(actor=self.b.leader, av_list=empty)
