"""Shared test set-up: a small bureau with named personas.

Personas (each built through the real actions, so the tests exercise them):

- ``officer`` / ``officer2``: certified officers of squad 1 (一中队), 市容 category, whole district.
- ``other_officer``: certified officer of squad 2 (二中队), for "not my unit" checks.
- ``auxiliary``: a 协管 of squad 1 who must never count as an officer.
- ``unit_head``: head of brigade 1 (一大队), above both squads.
- ``reviewer``: legal section (法制科), with the legal qualification.
- ``leader``: bureau leader. ``supervisor``: the justice bureau's supervisor (reads, never writes).
- ``sysadmin`` / ``secadmin`` / ``auditadmin``: the three separated administrators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import TestCase, override_settings

from sanxiang.org import actions
from sanxiang.org.models import (
    Agency,
    Certificate,
    EnforcementCategory,
    Region,
    Role,
    StaffKind,
    Unit,
    UnitKind,
    User,
)
from sanxiang.org.selectors import system_user

PASSWORD = "Correct-Horse-7-Battery"  # noqa: S105 (test fixture)
AGENCY_CREDIT_CODE = "11100000000013127D"
TODAY = dt.date(2026, 11, 29)


@dataclass
class Bureau:
    system: User
    agency: Agency
    office: Unit
    legal_section: Unit
    brigade: Unit
    squad1: Unit
    squad2: Unit
    district: Region
    street: Region
    other_district: Region
    city_appearance: EnforcementCategory
    planning: EnforcementCategory
    officer: User
    officer2: User
    other_officer: User
    auxiliary: User
    unit_head: User
    reviewer: User
    leader: User
    supervisor: User
    sysadmin: User
    secadmin: User
    auditadmin: User
    officer_cert: Certificate


def _staff(
    system: User, username: str, name: str, unit: Unit | None, kind: StaffKind, *roles: Role, **extra: object
) -> User:
    user = actions.staff_create(
        actor=system,
        username=username,
        full_name=name,
        staff_kind=kind,
        unit=unit,
        password=PASSWORD,
        **extra,  # type: ignore[arg-type]
    )
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    for role in roles:
        actions.role_grant(actor=system, user=user, role=role)
    return user


def _cert(
    system: User, holder: User, number: str, cats: list[EnforcementCategory], regions: list[Region]
) -> Certificate:
    return actions.certificate_create(
        actor=system,
        holder=holder,
        number=number,
        issuing_authority="吉林省人民政府",
        categories=cats,
        regions=regions,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2028, 12, 31),
        annual_inspection_year=2025,
    )


def make_bureau() -> Bureau:
    """Build the personas' bureau (see the module docstring)."""
    system = system_user()
    agency = actions.agency_create(
        actor=system,
        name="四平市铁西区城市管理行政执法局",
        credit_code=AGENCY_CREDIT_CODE,
        legal_basis="《中华人民共和国行政处罚法》第十八条",
        address="四平市铁西区",
        phone="0434-0000000",
        supervision_channels="12345",
        remedy_channels="行政复议、行政诉讼",
        review_body="四平市铁西区人民政府",
    )
    office = actions.unit_create(actor=system, agency=agency, name="局机关", kind=UnitKind.OFFICE, code="office")
    legal = actions.unit_create(
        actor=system, agency=agency, name="法制科", kind=UnitKind.SECTION, code="legal", parent=office
    )
    brigade = actions.unit_create(actor=system, agency=agency, name="一大队", kind=UnitKind.BRIGADE, code="b1")
    squad1 = actions.unit_create(
        actor=system, agency=agency, name="一中队", kind=UnitKind.SQUAD, code="b1s1", parent=brigade
    )
    squad2 = actions.unit_create(
        actor=system, agency=agency, name="二中队", kind=UnitKind.SQUAD, code="b1s2", parent=brigade
    )
    district = actions.region_create(actor=system, code="tiexi", name="铁西区")
    street = actions.region_create(actor=system, code="tiexi-zq", name="站前街道", parent=district)
    other = actions.region_create(actor=system, code="tiedong", name="铁东区")
    city = actions.category_create(actor=system, code="srhw", name="市容环境卫生")
    planning = actions.category_create(actor=system, code="cxgh", name="城乡规划")
    est = StaffKind.ESTABLISHED
    officer = _staff(system, "officer", "王执法", squad1, est, Role.OFFICER)
    officer2 = _staff(system, "officer2", "李执法", squad1, est, Role.OFFICER)
    other_officer = _staff(system, "other", "赵执法", squad2, est, Role.OFFICER)
    auxiliary = _staff(system, "aux", "钱协管", squad1, StaffKind.AUXILIARY)
    unit_head = _staff(system, "head", "孙大队长", brigade, est, Role.OFFICER, Role.UNIT_HEAD)
    reviewer = _staff(
        system,
        "reviewer",
        "周法制",
        legal,
        est,
        Role.LEGAL_REVIEWER,
        has_legal_qualification=True,
        legal_qualification_no="A20190001",
    )
    leader = _staff(system, "leader", "吴局长", office, est, Role.LEADER)
    supervisor = _staff(system, "supervisor", "郑督察", None, StaffKind.CONTRACT, Role.SUPERVISOR)
    sysadmin = _staff(system, "sysadmin", "冯系统", office, est, Role.SYSTEM_ADMIN)
    secadmin = _staff(system, "secadmin", "陈安全", office, est, Role.SECURITY_ADMIN)
    auditadmin = _staff(system, "auditadmin", "褚审计", office, est, Role.AUDIT_ADMIN)
    officer_cert = _cert(system, officer, "22030001", [city], [district])
    _cert(system, officer2, "22030002", [city], [district])
    _cert(system, other_officer, "22030003", [city], [district])
    _cert(system, unit_head, "22030004", [city, planning], [district])
    return Bureau(
        system, agency, office, legal, brigade, squad1, squad2, district, street, other, city, planning,
        officer, officer2, other_officer, auxiliary, unit_head, reviewer, leader, supervisor,
        sysadmin, secadmin, auditadmin, officer_cert,
    )  # fmt: skip


# Argon2 is what production uses (settings.PASSWORD_HASHERS; test_password_hashing
# checks it); tests hash with MD5 so that building the bureau takes milliseconds.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class BureauTestCase(TestCase):
    """A ``TestCase`` whose class set-up builds the personas' bureau as ``self.b``."""

    b: Bureau

    @classmethod
    def setUpTestData(cls) -> None:
        cls.b = make_bureau()

    def login(self, user: User) -> None:
        """Log ``user`` in as after both factors (the session is verified for django-otp)."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        self.client.force_login(user)
        session = self.client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
