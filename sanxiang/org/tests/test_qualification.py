"""The qualification selector: the hard gate of RULES.md §13.1, tried from every side."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from sanxiang.org import actions
from sanxiang.org.models import CertificateStatus, StaffKind
from sanxiang.org.selectors import EnforcementAct, officer_qualification
from sanxiang.testing import BureauTestCase

ON = dt.date(2026, 11, 29)


class QualificationTests(BureauTestCase):
    def ask(self, user=None, *, category=None, region=None, on=ON):
        return officer_qualification(
            user or self.b.officer,
            act=EnforcementAct.INVESTIGATE,
            category=category or self.b.city_appearance,
            region=region or self.b.street,
            on=on,
        )

    def test_it_allows_a_certified_officer_in_a_sub_region(self):
        answer = self.ask()
        self.assertIs(answer.allowed, True)
        self.assertEqual(answer.certificate, self.b.officer_cert)
        self.assertEqual(answer.refusals, ())

    def test_it_refuses_each_certificate_status_with_its_reason(self):
        for status, code in [(CertificateStatus.WITHHELD, "withheld"), (CertificateStatus.REVOKED, "revoked")]:
            with self.subTest(status=status):
                cert = self.b.officer_cert
                cert.refresh_from_db()
                if cert.status != CertificateStatus.VALID:
                    cert.status = CertificateStatus.VALID
                    cert.save(update_fields=["status"])
                actions.certificate_set_status(actor=self.b.system, certificate=cert, status=status, reason="测试")
                answer = self.ask()
                self.assertIs(answer.allowed, False)
                self.assertIn(code, answer.codes)
                self.assertIn("22030001", answer.reasons[answer.codes.index(code)])

    def test_it_refuses_an_expired_certificate(self):
        answer = self.ask(on=dt.date(2029, 1, 1))
        self.assertIs(answer.allowed, False)
        self.assertIn("expired", answer.codes)
        self.assertIn("2028-12-31", " ".join(answer.reasons))

    def test_it_refuses_a_certificate_marked_expired(self):
        actions.certificate_set_status(
            actor=self.b.system, certificate=self.b.officer_cert, status=CertificateStatus.EXPIRED, reason="到期"
        )
        self.assertEqual(self.ask().codes, ("expired",))

    def test_it_refuses_before_the_certificate_is_valid(self):
        self.assertIn("not_yet_valid", self.ask(on=dt.date(2023, 12, 31)).codes)

    def test_it_refuses_a_wrong_category(self):
        answer = self.ask(category=self.b.planning)
        self.assertEqual(answer.codes, ("category",))
        self.assertIn("城乡规划", answer.reasons[0])

    def test_it_refuses_a_wrong_region(self):
        answer = self.ask(region=self.b.other_district)
        self.assertEqual(answer.codes, ("region",))
        self.assertIn("铁东区", answer.reasons[0])

    def test_it_refuses_an_auxiliary_even_with_a_certificate_on_file(self):
        answer = self.ask(self.b.auxiliary)
        self.assertIs(answer.allowed, False)
        self.assertEqual(answer.codes, ("auxiliary",))

    def test_it_refuses_contract_staff(self):
        self.assertEqual(self.ask(self.b.supervisor).codes, ("not_established",))

    def test_it_refuses_staff_without_a_certificate(self):
        self.assertEqual(self.ask(self.b.reviewer).codes, ("no_certificate",))

    def test_it_refuses_a_disabled_account(self):
        actions.staff_set_active(actor=self.b.system, staff=self.b.officer, active=False, reason="离职")
        self.assertEqual(self.ask().codes, ("inactive",))

    def test_it_refuses_a_missing_annual_inspection_after_the_due_month(self):
        # Inspected for 2025 only: fine through March 2027 (due month 3), refused from April 2027.
        self.assertIs(self.ask(on=dt.date(2027, 3, 31)).allowed, True)
        answer = self.ask(on=dt.date(2027, 4, 1))
        self.assertEqual(answer.codes, ("annual_inspection",))
        self.assertIn("2026", answer.reasons[0])

    @override_settings(CERT_REQUIRE_ANNUAL_INSPECTION=False)
    def test_the_annual_inspection_check_is_a_setting(self):
        self.assertIs(self.ask(on=dt.date(2027, 4, 1)).allowed, True)

    def test_any_qualifying_certificate_is_enough(self):
        actions.certificate_create(
            actor=self.b.system,
            holder=self.b.officer,
            number="22039999",
            issuing_authority="吉林省人民政府",
            categories=[self.b.planning],
            regions=[self.b.other_district],
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2030, 12, 31),
        )
        answer = self.ask(category=self.b.planning, region=self.b.other_district)
        self.assertIs(answer.allowed, True)
        self.assertEqual(answer.certificate.number, "22039999")

    def test_it_gives_every_reason_of_the_closest_certificate(self):
        actions.certificate_set_status(
            actor=self.b.system, certificate=self.b.officer_cert, status=CertificateStatus.WITHHELD, reason="未年审"
        )
        answer = self.ask(category=self.b.planning, region=self.b.other_district)
        self.assertEqual(set(answer.codes), {"withheld", "category", "region"})


class CertificateRuleTests(BureauTestCase):
    def test_an_auxiliary_cannot_be_given_a_certificate(self):
        from sanxiang.lib.exceptions import ValidationFailed

        with self.assertRaises(ValidationFailed) as ctx:
            actions.certificate_create(
                actor=self.b.system,
                holder=self.b.auxiliary,
                number="22030099",
                issuing_authority="吉林省人民政府",
                categories=[self.b.city_appearance],
                regions=[self.b.district],
                valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2028, 12, 31),
            )
        self.assertIn("holder", ctx.exception.errors)

    def test_a_revoked_certificate_cannot_be_reinstated(self):
        from sanxiang.lib.exceptions import ValidationFailed

        cert = self.b.officer_cert
        actions.certificate_set_status(
            actor=self.b.system, certificate=cert, status=CertificateStatus.REVOKED, reason="出借"
        )
        with self.assertRaises(ValidationFailed):
            actions.certificate_set_status(
                actor=self.b.system, certificate=cert, status=CertificateStatus.VALID, reason="x"
            )

    def test_a_certified_officer_cannot_become_auxiliary(self):
        from sanxiang.lib.exceptions import ValidationFailed

        with self.assertRaises(ValidationFailed):
            actions.staff_update(actor=self.b.system, staff=self.b.officer, staff_kind=StaffKind.AUXILIARY)
