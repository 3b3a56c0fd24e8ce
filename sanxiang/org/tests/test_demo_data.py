"""``sanxiang demo_data``: a realistic bureau, idempotent, whose accounts really log in."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from sanxiang.lib.exceptions import AccessDenied
from sanxiang.lib.idnumbers import credit_code_problem
from sanxiang.org.demo import CREDIT_CODE, DEMO_PASSWORD
from sanxiang.org.demo_actions import demo_password_set
from sanxiang.org.models import (
    Agency,
    Certificate,
    CertificateStatus,
    EnforcementCategory,
    Region,
    Role,
    RoleGrant,
    StaffKind,
    TrainingKind,
    TrainingRecord,
    Unit,
    User,
)
from sanxiang.org.permissions import roles_of
from sanxiang.org.selectors import EnforcementAct, officer_qualification
from sanxiang.record.models import AuditEvent
from sanxiang.testing import PASSWORD, make_bureau

MODELS = (Agency, Unit, Region, EnforcementCategory, User, RoleGrant, Certificate, TrainingRecord)

# One account of each kind of person the demo has (login name: what it shows).
PERSONAS = {
    "zhangwei": "officer",
    "liming": "squad head",
    "wangjianguo": "brigade head",
    "yangfan": "auxiliary",
    "zhengyaqin": "legal reviewer",
    "fengxiaoming": "counsel",
    "liuzhenhua": "leader",
    "maxiaoyan": "publicity officer",
    "luwenjing": "supervisor",
    "zhaoyuhang": "system administrator",
    "qianweidong": "security administrator",
    "zhoumin": "audit administrator",
}


def run_demo() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


# Argon2 hashes 35 demo passwords per run: a fast hasher keeps these tests quick;
# the login path is the same whatever the hasher.
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@FAST_HASHER
class DemoDataTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = run_demo()

    def staff(self, username: str) -> User:
        return User.objects.get(username=username)

    def test_it_creates_nothing_twice_and_still_prints_the_accounts(self):
        before = counts()
        output = run_demo()
        self.assertEqual(counts(), before)
        self.assertIn("nothing was created", output)
        for username in PERSONAS:
            self.assertIn(username, output)
        self.assertIn(DEMO_PASSWORD, output)

    def test_it_prints_every_account_with_its_password_and_the_second_factor_note(self):
        self.assertIn("Created 35 demo accounts", self.output)
        line = next(line for line in self.output.splitlines() if line.startswith("zhengyaqin "))
        self.assertIn("郑雅琴", line)
        self.assertIn("法制科", line)
        self.assertIn(str(Role.LEGAL_REVIEWER.label), line)
        self.assertIn(DEMO_PASSWORD, line)
        self.assertIn("SANXIANG_MFA_REQUIRED=0", self.output)

    def test_it_creates_the_agency_with_a_valid_credit_code_and_its_channels(self):
        agency = Agency.objects.get(credit_code=CREDIT_CODE)
        self.assertIsNone(credit_code_problem(agency.credit_code))
        self.assertEqual(agency.name, "四平市铁西区城市管理行政执法局")
        self.assertIn("《中华人民共和国行政处罚法》第十八条", agency.legal_basis)
        self.assertIn("《城市管理执法办法》", agency.legal_basis)
        self.assertIn("四平市铁西区", agency.address)
        self.assertIn("12345", agency.supervision_channels)
        self.assertIn("行政复议", agency.remedy_channels)
        self.assertEqual(agency.review_body, "四平市铁西区人民政府")

    def test_it_builds_the_unit_tree_and_the_streets_under_the_district(self):
        squad = Unit.objects.select_related("parent").get(name="三中队")
        assert squad.parent is not None
        self.assertEqual(squad.parent.name, "二大队")
        self.assertTrue(squad.path.startswith(squad.parent.path))
        self.assertEqual(Unit.objects.get(name="局机关").children.get(name="法制科").code, "tx-fzk")
        self.assertIsNone(Unit.objects.get(name="市容环卫执法大队").parent)
        district = Region.objects.get(code="220302")
        streets = set(district.children.values_list("name", flat=True))
        self.assertLessEqual({"仁兴街道", "北沟街道", "地直街道", "平东街道", "英雄街道", "站前街道"}, streets)
        self.assertIsNone(Region.objects.get(name="四平市").parent)

    def test_it_has_thirty_staff_with_expired_and_withheld_certificates_and_auxiliaries(self):
        today = timezone.localdate()
        self.assertGreaterEqual(User.objects.exclude(username="system").count(), 30)
        expired = Certificate.objects.filter(status=CertificateStatus.EXPIRED)
        self.assertGreaterEqual(expired.count(), 2)
        self.assertTrue(all(cert.valid_to < today for cert in expired))
        withheld = Certificate.objects.get(status=CertificateStatus.WITHHELD)
        self.assertEqual(withheld.status_reason, "未按期年审")
        self.assertTrue(Certificate.objects.filter(number__startswith="22030").count() >= 15)
        auxiliaries = User.objects.filter(staff_kind=StaffKind.AUXILIARY)
        self.assertGreaterEqual(auxiliaries.count(), 3)
        self.assertFalse(Certificate.objects.filter(holder__in=auxiliaries).exists())

    def test_it_gives_the_special_roles_to_the_right_people(self):
        reviewers = User.objects.filter(role_grants__role=Role.LEGAL_REVIEWER, unit__name="法制科")
        self.assertEqual(reviewers.count(), 2)
        self.assertTrue(all(r.has_legal_qualification and r.legal_qualification_no for r in reviewers))
        supervisor = self.staff("luwenjing")
        self.assertEqual((supervisor.unit, supervisor.staff_kind), (None, StaffKind.CONTRACT))
        for username, role in [("zhaoyuhang", Role.SYSTEM_ADMIN), ("qianweidong", Role.SECURITY_ADMIN),
                               ("zhoumin", Role.AUDIT_ADMIN)]:  # fmt: skip
            with self.subTest(username=username):
                self.assertEqual(roles_of(self.staff(username)), frozenset({role}))
        for unit in Unit.objects.filter(code__in=["tx-d1", "tx-d1z1", "tx-d2", "tx-d2z3", "tx-srhw"]):
            with self.subTest(unit=unit.name):
                self.assertTrue(unit.staff.filter(role_grants__role=Role.UNIT_HEAD).exists())

    def test_it_records_training_for_officers_and_reviewers(self):
        for username, kind in [("zhangwei", TrainingKind.ENFORCEMENT), ("wuhaotian", TrainingKind.LEGAL_REVIEW)]:
            with self.subTest(username=username):
                records = TrainingRecord.objects.filter(user__username=username)
                self.assertTrue(records.filter(kind=kind).exists())
                self.assertTrue(all(2025 <= r.date.year <= 2026 and r.hours > 0 for r in records))

    def test_it_sets_a_password_that_need_not_be_changed_and_audits_it(self):
        user = self.staff("zhangwei")
        self.assertIs(user.check_password(DEMO_PASSWORD), True)
        self.assertIs(user.must_change_password, False)
        self.assertIs(user.password_expired(), False)
        self.assertTrue(AuditEvent.objects.filter(action="password.demo_set", object_id=str(user.pk)).exists())

    def test_it_refuses_to_set_a_demo_password_for_anyone_but_the_system(self):
        actor = self.staff("zhaoyuhang")  # even the system administrator
        with self.assertRaises(AccessDenied):
            demo_password_set(actor=actor, staff=self.staff("zhangwei"), password="Other-Pass-2026")
        self.assertIs(self.staff("zhangwei").check_password(DEMO_PASSWORD), True)

    @override_settings(MFA_REQUIRED=False)
    def test_it_lets_each_kind_of_person_log_in_on_the_login_page(self):
        for username, kind in PERSONAS.items():
            with self.subTest(kind=kind):
                client = Client()
                response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
                self.assertRedirects(response, "/")
                self.assertContains(client.get("/"), self.staff(username).full_name)

    @override_settings(MFA_REQUIRED=False)
    def test_it_refuses_a_wrong_password_on_the_login_page(self):
        response = self.client.post("/login/", {"username": "zhangwei", "password": DEMO_PASSWORD + "x"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def ask(self, username: str, category: str = "srhw", region: str = "220302-rx"):
        return officer_qualification(
            self.staff(username),
            act=EnforcementAct.INVESTIGATE,
            category=EnforcementCategory.objects.get(code=category),
            region=Region.objects.get(code=region),
            on=timezone.localdate(),
        )

    def test_it_qualifies_an_officer_with_a_valid_certificate(self):
        answer = self.ask("zhangwei")
        self.assertIs(answer.allowed, True, answer.reasons)
        self.assertEqual(answer.certificate.number, "2203021005")

    def test_it_refuses_the_expired_withheld_and_auxiliary_ones(self):
        for username, region, code in [("liuyang", "220302-rx", "expired"), ("zhoujie", "220302-dz", "withheld"),
                                       ("yangfan", "220302-rx", "auxiliary")]:  # fmt: skip
            with self.subTest(username=username):
                answer = self.ask(username, region=region)
                self.assertIs(answer.allowed, False)
                self.assertIn(code, answer.codes)

    def test_it_refuses_outside_the_certificate_s_streets(self):
        self.assertIn("region", self.ask("zhangwei", region="220302-yx").codes)


@FAST_HASHER
class DemoBesideOtherDataTests(TestCase):
    def test_it_joins_a_database_that_already_holds_a_bureau(self):
        bureau = make_bureau()  # same agency name and category names, other codes and accounts
        run_demo()
        self.assertEqual(Agency.objects.count(), 1)
        self.assertEqual(Unit.objects.filter(name="法制科").count(), 1)
        self.assertEqual(EnforcementCategory.objects.filter(name="市容环境卫生").count(), 1)
        self.assertIs(User.objects.get(pk=bureau.officer.pk).check_password(PASSWORD), True)
        self.assertGreaterEqual(User.objects.filter(username__in=PERSONAS).count(), len(PERSONAS))
        before = counts()
        run_demo()
        self.assertEqual(counts(), before)

    @override_settings(PRODUCTION=True)
    def test_it_refuses_to_run_in_production_mode(self):
        with self.assertRaisesMessage(CommandError, "not for a production deployment"):
            run_demo()
        self.assertFalse(User.objects.filter(username="zhangwei").exists())

    @time_machine.travel(dt.datetime(2031, 2, 14, 9, 0, tzinfo=dt.UTC), tick=False)
    def test_it_stays_meaningful_on_a_later_day(self):
        """Certificate dates follow the day of the run: valid ones qualify, expired ones ended before it."""
        run_demo()
        today = dt.date(2031, 2, 14)
        valid = Certificate.objects.filter(status=CertificateStatus.VALID)
        self.assertTrue(all(c.valid_from <= today <= c.valid_to for c in valid))
        self.assertTrue(valid.filter(valid_to__lte=today + dt.timedelta(days=60)).exists())
        self.assertTrue(all(c.valid_to < today for c in Certificate.objects.filter(status=CertificateStatus.EXPIRED)))
        answer = officer_qualification(
            User.objects.get(username="zhangwei"),
            act=EnforcementAct.INSPECT,
            category=EnforcementCategory.objects.get(code="srhw"),
            region=Region.objects.get(code="220302-bg"),
            on=today,
        )
        self.assertIs(answer.allowed, True, answer.reasons)
