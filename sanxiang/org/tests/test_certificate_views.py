"""The certificate pages, through HTTP: who sees what, create/edit/status, photo, filters, qualification check."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import Any
from urllib.parse import urlencode

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from sanxiang.org import actions
from sanxiang.org.models import Certificate, CertificateStatus, StaffKind
from sanxiang.testing import TODAY, BureauTestCase

NOW = dt.datetime.combine(TODAY, dt.time(4, 0), tzinfo=dt.UTC)


def image_file(name: str = "photo.png", fmt: str = "PNG", size: tuple[int, int] = (24, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def body(response) -> bytes:
    """The bytes of a streamed response."""
    return b"".join(response.streaming_content)


def list_url(**params: object) -> str:
    return reverse("org:certificate_list") + ("?" + urlencode(params) if params else "")


def detail_url(cert: Certificate) -> str:
    return reverse("org:certificate_detail", args=[cert.pk])


@time_machine.travel(NOW, tick=False)
class CertificateViewTestCase(BureauTestCase):
    """Pages in English (the msgids), uploads in a temporary MEDIA_ROOT."""

    def setUp(self) -> None:
        super().setUp()
        media = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def cert(self, number: str) -> Certificate:
        return Certificate.objects.get(number=number)

    def add_cert(self, holder, number: str, *, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2028, 12, 31), **kw):
        return actions.certificate_create(
            actor=self.b.system,
            holder=holder,
            number=number,
            issuing_authority="吉林省人民政府",
            categories=kw.pop("categories", [self.b.city_appearance]),
            regions=kw.pop("regions", [self.b.district]),
            valid_from=valid_from,
            valid_to=valid_to,
            **kw,
        )

    def new_officer(self, username: str, unit=None):
        return actions.staff_create(
            actor=self.b.system,
            username=username,
            full_name=f"测试{username}",
            staff_kind=StaffKind.ESTABLISHED,
            unit=unit or self.b.squad1,
        )

    def numbers_listed(self, response) -> set[str]:
        return {row.cert.number for row in response.context["rows"]}


class CertificateScopeTests(CertificateViewTestCase):
    def test_it_lists_only_the_officers_own_unit(self):
        self.login(self.b.officer)
        response = self.client.get(list_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.numbers_listed(response), {"22030001", "22030002"})
        self.assertNotContains(response, "22030003")
        self.assertNotContains(response, reverse("org:certificate_create"))

    def test_it_hides_another_units_certificate_and_photo_from_an_officer(self):
        other = self.cert("22030003")
        actions.certificate_update(actor=self.b.system, certificate=other, photo=image_file())
        self.login(self.b.officer)
        self.assertEqual(self.client.get(detail_url(other)).status_code, 404)
        self.assertEqual(self.client.get(reverse("org:certificate_photo", args=[other.pk])).status_code, 404)

    def test_it_shows_the_unit_head_the_whole_subtree(self):
        self.login(self.b.unit_head)
        response = self.client.get(list_url())
        self.assertEqual(self.numbers_listed(response), {"22030001", "22030002", "22030003", "22030004"})
        self.assertEqual(self.client.get(detail_url(self.cert("22030003"))).status_code, 200)

    def test_it_lets_the_supervisor_read_everything_and_change_nothing(self):
        cert = self.cert("22030003")
        self.login(self.b.supervisor)
        response = self.client.get(list_url())
        self.assertEqual(len(self.numbers_listed(response)), 4)
        self.assertNotContains(response, reverse("org:certificate_create"))
        detail = self.client.get(detail_url(cert))
        self.assertEqual(detail.status_code, 200)
        self.assertNotContains(detail, reverse("org:certificate_edit", args=[cert.pk]))
        self.assertNotContains(detail, reverse("org:certificate_status", args=[cert.pk]))
        for method, url in [
            ("get", reverse("org:certificate_create")),
            ("post", reverse("org:certificate_create")),
            ("get", reverse("org:certificate_edit", args=[cert.pk])),
            ("post", reverse("org:certificate_edit", args=[cert.pk])),
            ("post", reverse("org:certificate_status", args=[cert.pk])),
        ]:
            with self.subTest(method=method, url=url):
                data = {"status": "withheld", "reason": "测试"} if method == "post" else None
                self.assertEqual(getattr(self.client, method)(url, data).status_code, 404)
        cert.refresh_from_db()
        self.assertEqual(cert.status, CertificateStatus.VALID)

    def test_it_shows_the_audit_admin_nothing(self):
        self.login(self.b.auditadmin)
        response = self.client.get(list_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.numbers_listed(response), set())
        self.assertEqual(self.client.get(detail_url(self.b.officer_cert)).status_code, 404)
        photo = reverse("org:certificate_photo", args=[self.b.officer_cert.pk])
        self.assertEqual(self.client.get(photo).status_code, 404)

    def test_it_sends_an_anonymous_visitor_to_the_login_page(self):
        response = self.client.get(list_url())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_it_refuses_get_on_the_status_url(self):
        self.login(self.b.reviewer)
        response = self.client.get(reverse("org:certificate_status", args=[self.b.officer_cert.pk]))
        self.assertEqual(response.status_code, 405)


class CertificatePhotoTests(CertificateViewTestCase):
    def test_it_serves_the_photo_to_someone_who_may_see_the_certificate(self):
        upload = image_file()
        content = upload.read()
        upload.seek(0)
        actions.certificate_update(actor=self.b.system, certificate=self.b.officer_cert, photo=upload)
        self.login(self.b.officer2)
        url = reverse("org:certificate_photo", args=[self.b.officer_cert.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(body(response), content)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertContains(self.client.get(detail_url(self.b.officer_cert)), f'src="{url}"')

    def test_it_gives_404_when_there_is_no_photo(self):
        self.login(self.b.officer)
        response = self.client.get(reverse("org:certificate_photo", args=[self.b.officer_cert.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(self.client.get(detail_url(self.b.officer_cert)), "<img")


class CertificateManageTests(CertificateViewTestCase):
    def create_data(self, **overrides):
        data = {
            "holder": self.b.officer2.pk,
            "number": "22039999",
            "issuing_authority": "吉林省人民政府",
            "categories": [self.b.city_appearance.pk],
            "regions": [self.b.street.pk],
            "valid_from": "2026-01-01",
            "valid_to": "2030-12-31",
            "annual_inspection_year": "",
        }
        data.update(overrides)
        return data

    def test_it_lets_the_legal_reviewer_create_edit_and_withhold(self):
        newcomer = self.new_officer("newcomer")
        self.login(self.b.reviewer)
        list_page = self.client.get(list_url())
        self.assertContains(list_page, reverse("org:certificate_create"))
        upload = image_file()
        content = upload.read()
        upload.seek(0)
        data = self.create_data(holder=newcomer.pk, photo=upload)
        detail = self.client.post(reverse("org:certificate_create"), data, follow=True)
        cert = self.cert("22039999")
        self.assertRedirects(detail, detail_url(cert))
        self.assertEqual(cert.holder, newcomer)
        self.assertEqual(list(cert.regions.all()), [self.b.street])
        self.assertTrue(cert.photo.name.endswith(".png"))
        self.assertNotIn("photo", cert.photo.name.rsplit("/", 1)[-1])
        self.assertContains(detail, "Certificate 22039999 has been recorded.")
        self.assertContains(detail, reverse("org:certificate_edit", args=[cert.pk]))
        photo = self.client.get(reverse("org:certificate_photo", args=[cert.pk]))
        self.assertEqual(body(photo), content)

        edit_url = reverse("org:certificate_edit", args=[cert.pk])
        edit_page = self.client.get(edit_url)
        self.assertContains(edit_page, 'value="2030-12-31"')
        self.assertNotIn("number", edit_page.context["form"].fields)
        edited = self.create_data(
            holder=self.b.officer.pk, number="99999999", regions=[self.b.district.pk], annual_inspection_year="2026"
        )
        detail = self.client.post(edit_url, edited, follow=True)
        self.assertRedirects(detail, detail_url(cert))
        self.assertContains(detail, "Certificate 22039999 has been updated.")
        cert.refresh_from_db()
        self.assertEqual(cert.number, "22039999")
        self.assertEqual(cert.holder, newcomer)
        self.assertEqual(list(cert.regions.all()), [self.b.district])
        self.assertEqual(cert.annual_inspection_year, 2026)

        status_url = reverse("org:certificate_status", args=[cert.pk])
        response = self.client.post(status_url, {"status": "withheld", "reason": "未按规定出示证件"}, follow=True)
        self.assertRedirects(response, detail_url(cert))
        self.assertContains(response, "The certificate is now Withheld.")
        cert.refresh_from_db()
        self.assertEqual(cert.status, CertificateStatus.WITHHELD)
        check: dict[str, Any] = {
            "act": "investigate",
            "category": self.b.city_appearance.pk,
            "region": self.b.street.pk,
        }
        detail = self.client.get(detail_url(cert), {**check, "date": "2026-11-29"})
        self.assertContains(detail, "Certificate 22039999 is withheld.")
        self.assertContains(detail, "未按规定出示证件", count=2)  # the recorded reason and the history row
        self.assertEqual(detail.context["history"][0].new, "Withheld")
        self.assertEqual(detail.context["history"][0].old, "Valid")

    def test_it_presets_the_holder_from_the_query(self):
        self.login(self.b.reviewer)
        response = self.client.get(reverse("org:certificate_create"), {"holder": self.b.officer2.pk})
        self.assertEqual(response.context["form"]["holder"].value(), self.b.officer2.pk)
        self.assertContains(response, 'value="吉林省人民政府"')
        for junk in ["abc", "999999", str(self.b.auxiliary.pk)]:
            with self.subTest(holder=junk):
                response = self.client.get(reverse("org:certificate_create"), {"holder": junk})
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["form"]["holder"].value())

    def test_it_refuses_a_certificate_for_an_auxiliary(self):
        self.login(self.b.reviewer)
        before = Certificate.objects.count()
        response = self.client.post(reverse("org:certificate_create"), self.create_data(holder=self.b.auxiliary.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn("only established staff may hold a certificate", str(response.context["form"].errors["holder"]))
        self.assertNotContains(response, f'<option value="{self.b.auxiliary.pk}"')
        self.assertEqual(Certificate.objects.count(), before)

    def test_it_refuses_a_photo_that_is_not_a_jpeg_or_png_image(self):
        self.login(self.b.reviewer)
        bad_files = {
            "text": SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png"),
            "gif": image_file("photo.gif", "GIF"),
            "too large": SimpleUploadedFile("big.png", b"\0" * (2 * 1024 * 1024 + 1), content_type="image/png"),
        }
        for kind, upload in bad_files.items():
            with self.subTest(kind=kind):
                response = self.client.post(reverse("org:certificate_create"), self.create_data(photo=upload))
                self.assertEqual(response.status_code, 200)
                errors = str(response.context["form"].errors["photo"])
                self.assertIn("2 MB" if kind == "too large" else "JPEG or PNG", errors)
        self.assertFalse(Certificate.objects.filter(number="22039999").exists())

    def test_it_accepts_a_jpeg_photo(self):
        self.login(self.b.reviewer)
        data = self.create_data(photo=image_file("证件照.jpeg", "JPEG"))
        self.client.post(reverse("org:certificate_create"), data)
        cert = self.cert("22039999")
        self.assertTrue(cert.photo.name.endswith(".jpg"))
        response = self.client.get(reverse("org:certificate_photo", args=[cert.pk]))
        self.assertEqual(response["Content-Type"], "image/jpeg")
        # Consume the stream through the test client's wrapper: calling close()
        # directly fires request_finished and closes the test database connection.
        b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def test_it_shows_a_duplicate_number_on_the_number_field(self):
        self.login(self.b.reviewer)
        response = self.client.post(reverse("org:certificate_create"), self.create_data(number="22030001"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("already exists", str(response.context["form"].errors["number"]))
        self.assertEqual(Certificate.objects.filter(number="22030001").count(), 1)

    def test_it_shows_refusals_on_their_fields(self):
        """The form's own checks and the action's (inspection year outside the validity) alike."""
        self.login(self.b.reviewer)
        cases: dict[str, dict[str, Any]] = {
            "valid_to": {"valid_to": "2025-01-01"},
            "annual_inspection_year": {"annual_inspection_year": "2035"},
            "categories": {"categories": []},
        }
        for field, override in cases.items():
            with self.subTest(field=field):
                response = self.client.post(reverse("org:certificate_create"), self.create_data(**override))
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(Certificate.objects.filter(number="22039999").exists())

    def test_it_keeps_the_stored_data_when_an_edit_is_refused(self):
        self.login(self.b.reviewer)
        cert = self.b.officer_cert
        edit_url = reverse("org:certificate_edit", args=[cert.pk])
        data = self.create_data(annual_inspection_year="2031")
        response = self.client.post(edit_url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("annual_inspection_year", response.context["form"].errors)
        cert.refresh_from_db()
        self.assertEqual(cert.annual_inspection_year, 2025)
        self.assertEqual(cert.valid_to, dt.date(2028, 12, 31))

    def test_it_shows_a_refused_status_change_as_an_error_message(self):
        self.login(self.b.reviewer)
        cert = self.b.officer_cert
        url = reverse("org:certificate_status", args=[cert.pk])
        self.client.post(url, {"status": "revoked", "reason": "出借证件"})
        response = self.client.post(url, {"status": "valid", "reason": "恢复"}, follow=True)
        self.assertContains(response, "cannot become")
        response = self.client.post(url, {"status": "expired", "reason": ""}, follow=True)
        self.assertContains(response, "Reason: This field is required.")
        response = self.client.post(url, {"status": "nonsense", "reason": "x"}, follow=True)
        self.assertContains(response, "New status: Select a valid choice.")
        cert.refresh_from_db()
        self.assertEqual(cert.status, CertificateStatus.REVOKED)

    def test_it_replaces_the_photo_on_edit(self):
        self.login(self.b.reviewer)
        cert = self.b.officer_cert
        data = self.create_data(categories=[self.b.city_appearance.pk], photo=image_file(size=(10, 10)))
        data.update(valid_from="2024-01-01", valid_to="2028-12-31", annual_inspection_year="2025")
        self.client.post(reverse("org:certificate_edit", args=[cert.pk]), data)
        cert.refresh_from_db()
        self.assertTrue(cert.photo)
        with cert.photo.open("rb") as handle, Image.open(handle) as image:
            self.assertEqual(image.size, (10, 10))


class CertificateListFilterTests(CertificateViewTestCase):
    def test_it_searches_number_full_name_and_login_name(self):
        self.login(self.b.supervisor)
        for q, expected in [
            ("0002", {"22030002"}),
            ("赵执法", {"22030003"}),
            ("HEAD", {"22030004"}),
            ("nobody", set()),
        ]:
            with self.subTest(q=q):
                self.assertEqual(self.numbers_listed(self.client.get(list_url(q=q))), expected)

    def test_it_filters_by_status_counting_past_dates_as_expired(self):
        lapsed = self.add_cert(
            self.b.officer2, "22030005", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 12, 31)
        )
        marked = self.add_cert(self.b.other_officer, "22030006")
        actions.certificate_set_status(
            actor=self.b.system, certificate=marked, status=CertificateStatus.EXPIRED, reason="测试"
        )
        actions.certificate_set_status(
            actor=self.b.system, certificate=self.b.officer_cert, status=CertificateStatus.WITHHELD, reason="测试"
        )
        self.login(self.b.supervisor)
        for status, expected in [
            ("expired", {"22030005", "22030006"}),
            ("withheld", {"22030001"}),
            ("valid", {"22030002", "22030003", "22030004"}),
            ("revoked", set()),
        ]:
            with self.subTest(status=status):
                self.assertEqual(self.numbers_listed(self.client.get(list_url(status=status))), expected)
        response = self.client.get(list_url(q=lapsed.number))
        self.assertEqual(response.context["rows"][0].badge, "expired")
        self.assertContains(response, '<span class="badge expired">Expired</span>', html=True)

    def test_it_filters_certificates_expiring_within_n_days(self):
        self.add_cert(self.b.officer2, "22030007", valid_to=TODAY + dt.timedelta(days=10))
        self.add_cert(self.b.officer2, "22030008", valid_to=TODAY + dt.timedelta(days=50))
        self.add_cert(
            self.b.officer2, "22030009", valid_from=dt.date(2020, 1, 1), valid_to=TODAY - dt.timedelta(days=1)
        )
        self.login(self.b.supervisor)
        self.assertEqual(self.numbers_listed(self.client.get(list_url(expiring=30))), {"22030007"})
        response = self.client.get(list_url(expiring=60))
        self.assertEqual(self.numbers_listed(response), {"22030007", "22030008"})
        self.assertEqual({row.badge for row in response.context["rows"]}, {"expiring"})

    def test_it_filters_by_category_region_and_unit_subtree(self):
        self.add_cert(self.b.officer2, "22030010", regions=[self.b.street])
        self.add_cert(self.b.reviewer, "22030011", regions=[self.b.other_district])
        self.login(self.b.supervisor)
        everyone = {"22030001", "22030002", "22030003", "22030004", "22030010"}
        cases = [
            ({"category": self.b.planning.pk}, {"22030004"}),
            ({"region": self.b.street.pk}, everyone),  # a district's certificate covers its streets
            ({"region": self.b.district.pk}, everyone - {"22030010"}),
            ({"region": self.b.other_district.pk}, {"22030011"}),
            ({"unit": self.b.squad1.pk}, {"22030001", "22030002", "22030010"}),
            ({"unit": self.b.brigade.pk}, everyone),
            ({"unit": self.b.office.pk}, {"22030011"}),  # the legal section is below the office
            ({"unit": self.b.brigade.pk, "category": self.b.planning.pk}, {"22030004"}),
        ]
        for params, expected in cases:
            with self.subTest(params=params):
                self.assertEqual(self.numbers_listed(self.client.get(list_url(**params))), expected)

    def test_it_offers_an_officer_only_their_own_unit_to_filter_by(self):
        self.login(self.b.officer)
        response = self.client.get(list_url(unit=self.b.squad2.pk))
        self.assertEqual(list(response.context["form"].fields["unit"].queryset), [self.b.squad1])
        self.assertIn("unit", response.context["form"].errors)
        self.assertEqual(self.numbers_listed(response), {"22030001", "22030002"})

    def test_it_offers_a_unit_head_the_units_of_their_subtree(self):
        self.login(self.b.unit_head)
        response = self.client.get(list_url(unit=self.b.squad2.pk))
        units = set(response.context["form"].fields["unit"].queryset)
        self.assertEqual(units, {self.b.brigade, self.b.squad1, self.b.squad2})
        self.assertEqual(self.numbers_listed(response), {"22030003"})

    def test_it_survives_junk_query_parameters(self):
        self.login(self.b.supervisor)
        junk = [
            {"page": "abc"},
            {"page": "999"},
            {"page": "-1"},
            {"status": "xyz"},
            {"category": "abc"},
            {"region": "-1"},
            {"unit": "999999"},
            {"expiring": "abc"},
            {"expiring": "-5"},
            {"expiring": "99999999999999999999"},
            {"q": "x" * 5000},
            {"q": "%_\\'\""},
        ]
        for params in junk:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(list_url(**params)).status_code, 200)
        self.assertEqual(len(self.numbers_listed(self.client.get(list_url(status="xyz")))), 4)

    def test_it_pages_25_rows_and_keeps_the_filters_in_the_page_links(self):
        for i in range(30):
            self.add_cert(self.b.officer2, f"2204{i:04d}")
        self.login(self.b.supervisor)
        first = self.client.get(list_url(q="2204"))
        self.assertEqual(len(first.context["rows"]), 25)
        self.assertContains(first, "?q=2204&amp;page=2")
        second = self.client.get(list_url(q="2204", page=2))
        self.assertEqual(self.numbers_listed(second), {f"2204{i:04d}" for i in range(25, 30)})

    def test_it_lists_a_page_in_a_constant_number_of_queries(self):
        self.login(self.b.supervisor)
        self.client.get(list_url())  # warm the session
        # session, user, OTP device, roles; count, page, categories, regions; the filters' choices (3);
        # the session's last-seen update (savepoint, update, release).
        for extra in (2, 20):
            for i in range(extra):
                self.add_cert(
                    self.b.officer2, f"2205{extra:02d}{i:02d}", categories=[self.b.city_appearance, self.b.planning]
                )
            with self.subTest(rows=4 + extra), self.assertNumQueries(14):
                response = self.client.get(list_url())
        self.assertEqual(len(response.context["rows"]), 25)


class QualificationCheckTests(CertificateViewTestCase):
    def check(self, user, **params):
        self.login(user)
        return self.client.get(detail_url(self.b.officer_cert), params)

    def test_it_says_allowed_when_the_holder_qualifies(self):
        params = {"act": "inspect", "category": self.b.city_appearance.pk, "region": self.b.street.pk}
        response = self.check(self.b.officer2, date="2026-11-29", **params)
        self.assertIs(response.context["answer"].allowed, True)
        self.assertContains(response, "Administrative inspection: allowed under certificate 22030001.")

    def test_it_shows_the_category_and_region_refusals(self):
        params = {"act": "investigate", "category": self.b.planning.pk, "region": self.b.other_district.pk}
        response = self.check(self.b.officer, date="2026-11-29", **params)
        self.assertIs(response.context["answer"].allowed, False)
        self.assertContains(response, "Certificate 22030001 does not cover the category 城乡规划.")
        self.assertContains(response, "Certificate 22030001 does not cover the region 铁东区.")

    def test_it_shows_the_date_refusal(self):
        params = {"act": "serve", "category": self.b.city_appearance.pk, "region": self.b.district.pk}
        response = self.check(self.b.unit_head, date="2029-02-01", **params)
        self.assertContains(response, "Certificate 22030001 expired on 2028-12-31.")

    def test_it_survives_junk_check_parameters(self):
        for params in [
            {"act": "fly", "category": "abc", "region": "", "date": "tomorrow"},
            {"category": "999999"},
            {"date": "2026-02-30"},
        ]:
            with self.subTest(params=params):
                response = self.check(self.b.officer, **params)
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["answer"])
                self.assertTrue(response.context["check_form"].errors)
