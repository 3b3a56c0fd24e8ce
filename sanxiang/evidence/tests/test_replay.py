"""Replaying a recording: a recorded view gives a player page; the player's ranged GETs are served under its grant."""

from __future__ import annotations

from django.core import signing
from django.test import override_settings
from django.urls import reverse

from sanxiang.evidence.models import EvidenceAccess
from sanxiang.evidence.replay import grant_token
from sanxiang.evidence.tests.test_views import VIDEO, EvidencePageTestCase, drain


class ReplayTests(EvidencePageTestCase):
    def open_player(self, user=None) -> str:
        response = self.fetch(action="view", user=user)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "evidence/player.html")
        self.assertIn("no-store", response["Cache-Control"])
        return str(response.context["stream_url"])

    def test_a_view_of_a_video_records_the_access_and_returns_a_player_not_the_bytes(self):
        response = self.fetch(action="view")
        self.assertNotIn(VIDEO[:64], response.content)
        self.assertContains(response, 'data-testid="player"')
        access = EvidenceAccess.objects.get()
        self.assertEqual((access.action, access.actor), ("view", self.b.officer))

    def test_the_player_may_fetch_the_whole_file_or_any_range(self):
        url = self.open_player()
        whole = self.client.get(url)
        self.assertEqual((whole.status_code, whole["Accept-Ranges"]), (200, "bytes"))
        self.assertEqual(drain(whole), VIDEO)
        for header, first, last in (
            ("bytes=0-99", 0, 99),
            ("bytes=1000-", 1000, len(VIDEO) - 1),
            ("bytes=-10", len(VIDEO) - 10, len(VIDEO) - 1),
        ):
            with self.subTest(header=header):
                part = self.client.get(url, headers={"Range": header})
                self.assertEqual(part.status_code, 206)
                self.assertEqual(part["Content-Range"], f"bytes {first}-{last}/{len(VIDEO)}")
                self.assertEqual(part["Content-Length"], str(last - first + 1))
                self.assertEqual(drain(part), VIDEO[first : last + 1])
        self.assertEqual(EvidenceAccess.objects.count(), 1, "ranges under one grant are one recorded access")

    def test_a_range_past_the_end_is_416(self):
        url = self.open_player()
        response = self.client.get(url, headers={"Range": f"bytes={len(VIDEO)}-"})
        self.assertEqual(response.status_code, 416)
        self.assertEqual(response["Content-Range"], f"bytes */{len(VIDEO)}")

    def test_head_sends_no_body(self):
        url = self.open_player()
        response = self.client.head(url)
        self.assertEqual((response.status_code, response["Content-Length"]), (200, str(len(VIDEO))))
        self.assertEqual(drain(response), b"")

    def test_the_grant_is_personal_authentic_and_expires(self):
        url = self.open_player()
        self.login(self.b.officer2)
        self.assertEqual(self.client.get(url).status_code, 404, "another user cannot use the grant")
        self.login(self.b.officer)
        self.assertEqual(self.client.get(url + "x/").status_code, 404)
        forged = signing.dumps({"e": self.ev.pk, "u": self.b.officer.pk, "a": 1}, salt="other", compress=False)
        self.assertEqual(self.client.get(reverse("evidence:evidence_replay", args=[forged])).status_code, 404)
        with override_settings(EVIDENCE_REPLAY_MINUTES=-1):
            self.assertEqual(self.client.get(url).status_code, 404, "an expired grant serves nothing")

    def test_a_grant_for_someone_who_may_not_read_the_case_serves_nothing(self):
        url = self.open_player()
        access = EvidenceAccess.objects.get()
        token = signing.dumps(
            {"e": self.ev.pk, "u": self.b.other_officer.pk, "a": access.pk},
            salt="sanxiang.evidence.replay",
            compress=False,
        )
        self.login(self.b.other_officer)
        self.assertEqual(self.client.get(reverse("evidence:evidence_replay", args=[token])).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302, "login first")
        self.assertEqual(grant_token(access).count("."), url.rstrip("/").rsplit("/", 1)[1].count("."))
