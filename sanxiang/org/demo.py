"""The demo bureau: 四平市铁西区城市管理行政执法局 with units, regions, categories, staff and certificates.

Everything is fictional but shaped like the real thing (the unit tree, the
streets of Tiexi district, certificate numbers, a check-digit-valid credit
code). ``demo_build`` creates it through the actions as the system actor and
is idempotent: an object that already exists (by credit code, code or login
name) is kept as it is, so a rerun creates nothing twice and the demo can be
added to a database that already holds other data.

Dates are relative to the day of the run, so the demo stays meaningful: valid
certificates run for years around today, expired ones ended last year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sanxiang.lib.idnumbers import credit_code_check_char
from sanxiang.org import actions
from sanxiang.org.demo_actions import demo_password_set
from sanxiang.org.models import (
    Agency,
    Certificate,
    CertificateStatus,
    EnforcementCategory,
    Region,
    Role,
    StaffKind,
    TrainingKind,
    TrainingRecord,
    Unit,
    UnitKind,
    User,
)

#: The one password of every demo account (documented in the README and printed by the command).
DEMO_PASSWORD = "Demo-2026-sanxiang"  # noqa: S105 (a published demo password, never used in production)

_CREDIT_FIRST17 = "11220302MB1C37568"  # 11 = organ of the state, 220302 = 四平市铁西区
CREDIT_CODE = _CREDIT_FIRST17 + credit_code_check_char(_CREDIT_FIRST17)
AGENCY_NAME = "四平市铁西区城市管理行政执法局"
ISSUING_AUTHORITY = "吉林省人民政府"

AGENCY_FIELDS: dict[str, str] = {
    "short_name": "铁西区城管执法局",
    "legal_basis": (
        "《中华人民共和国行政处罚法》第十八条（国家在城市管理等领域推行建立综合行政执法制度，相对集中行政处罚权）；"
        "《城市管理执法办法》（住房和城乡建设部令第34号）；"
        "四平市铁西区人民政府确定的本局职责。"
    ),
    "duties": (
        "以本局名义行使辖区内市容环境卫生、城乡规划、园林绿化、市政公用、环境保护、"
        "工商行政管理（无照经营）、公安交通管理（侵占城市道路）、建筑垃圾管理等方面的行政处罚权，"
        "以及与之相关的行政检查和行政强制措施。"
    ),
    "address": "吉林省四平市铁西区中央西路100号（邮编136000）",
    "phone": "0434-3256000",
    "supervision_channels": (
        "投诉举报电话：0434-3256001；政务服务便民热线：12345；"
        "四平市铁西区司法局行政执法监督电话：0434-3256002；"
        "来信：吉林省四平市铁西区中央西路100号 督察科（邮编136000）。"
    ),
    "remedy_channels": (
        "对本局作出的行政处罚等行政行为不服的，可以自知道该行为之日起六十日内向四平市铁西区人民政府申请行政复议，"
        "也可以自知道或者应当知道作出行政行为之日起六个月内依法向人民法院提起行政诉讼。"
    ),
    "review_body": "四平市铁西区人民政府",
}


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: UnitKind
    parent: str | None = None


UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("tx-jg", "局机关", UnitKind.OFFICE),
    UnitSpec("tx-bgs", "办公室", UnitKind.OFFICE, "tx-jg"),
    UnitSpec("tx-fzk", "法制科", UnitKind.SECTION, "tx-jg"),
    UnitSpec("tx-dck", "督察科", UnitKind.SECTION, "tx-jg"),
    UnitSpec("tx-d1", "一大队", UnitKind.BRIGADE),
    UnitSpec("tx-d1z1", "一中队", UnitKind.SQUAD, "tx-d1"),
    UnitSpec("tx-d1z2", "二中队", UnitKind.SQUAD, "tx-d1"),
    UnitSpec("tx-d2", "二大队", UnitKind.BRIGADE),
    UnitSpec("tx-d2z3", "三中队", UnitKind.SQUAD, "tx-d2"),
    UnitSpec("tx-d2z4", "四中队", UnitKind.SQUAD, "tx-d2"),
    UnitSpec("tx-srhw", "市容环卫执法大队", UnitKind.BRIGADE),
)

# (code, name, parent code). 四平市 stands apart: a district certificate does not cover city-wide operations.
REGIONS: tuple[tuple[str, str, str | None], ...] = (
    ("220302", "铁西区", None),
    ("220302-rx", "仁兴街道", "220302"),
    ("220302-bg", "北沟街道", "220302"),
    ("220302-dz", "地直街道", "220302"),
    ("220302-pd", "平东街道", "220302"),
    ("220302-yx", "英雄街道", "220302"),
    ("220302-zq", "站前街道", "220302"),
    ("220302-px", "平西乡", "220302"),
    ("220300", "四平市", None),
)

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("srhw", "市容环境卫生"),
    ("cxgh", "城乡规划"),
    ("ylhl", "园林绿化"),
    ("szgy", "市政公用"),
    ("hjbh", "环境保护"),
    ("gsxz", "工商行政管理（无照经营）"),
    ("gajt", "公安交通管理（占道）"),
    ("jzlj", "建筑垃圾管理"),
)

STREET = ("srhw", "gsxz", "gajt")
BUILD = ("cxgh", "jzlj")
GREEN = ("ylhl", "szgy", "hjbh")
ALL = STREET + BUILD + GREEN
DISTRICT = ("220302",)


@dataclass(frozen=True)
class CertSpec:
    """A certificate to issue; ``state`` is valid, expiring (within 60 days), expired or withheld."""

    number: str
    categories: tuple[str, ...]
    regions: tuple[str, ...] = DISTRICT
    state: str = "valid"


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    unit: str | None
    position: str
    kind: StaffKind
    roles: tuple[Role, ...]
    employee_no: str = ""
    cert: CertSpec | None = None
    legal_no: str = ""


E, A, C = StaffKind.ESTABLISHED, StaffKind.AUXILIARY, StaffKind.CONTRACT
R = Role

STAFF: tuple[StaffSpec, ...] = (
    # 局领导
    StaffSpec("liuzhenhua", "刘振华", "tx-jg", "局长", E, (R.LEADER,), "TX001"),
    StaffSpec("chenzhigang", "陈志刚", "tx-jg", "副局长", E, (R.LEADER, R.OFFICER), "TX002",
              CertSpec("2203021001", ALL, ("220302", "220300"))),
    StaffSpec("sunlijuan", "孙丽娟", "tx-jg", "副局长", E, (R.LEADER,), "TX003"),
    # 办公室: publicity and the three separated administrators
    StaffSpec("maxiaoyan", "马晓燕", "tx-bgs", "办公室主任", E, (R.PUBLICITY_OFFICER,), "TX004"),
    StaffSpec("zhaoyuhang", "赵宇航", "tx-bgs", "系统管理员", E, (R.SYSTEM_ADMIN,), "TX005"),
    StaffSpec("qianweidong", "钱卫东", "tx-bgs", "安全管理员", E, (R.SECURITY_ADMIN,), "TX006"),
    StaffSpec("zhoumin", "周敏", "tx-bgs", "审计管理员", E, (R.AUDIT_ADMIN,), "TX007"),
    # 法制科: legal reviewers and the counsel
    StaffSpec("zhengyaqin", "郑雅琴", "tx-fzk", "法制科科长", E, (R.LEGAL_REVIEWER,), "TX008",
              legal_no="A20172203021587"),
    StaffSpec("wuhaotian", "吴昊天", "tx-fzk", "法制审核员", E, (R.LEGAL_REVIEWER,), "TX009",
              legal_no="A20192203020963"),
    StaffSpec("fengxiaoming", "冯晓明", "tx-fzk", "法律顾问", C, (R.COUNSEL,), legal_no="A20122203010452"),
    # 督察科
    StaffSpec("hejianjun", "何建军", "tx-dck", "督察科科长", E, (R.UNIT_HEAD, R.OFFICER), "TX010",
              CertSpec("2203021002", ALL)),
    # 区司法局: the external supervisor, in no unit of the bureau
    StaffSpec("luwenjing", "卢文静", None, "区司法局行政执法监督员", C, (R.SUPERVISOR,)),
    # 一大队
    StaffSpec("wangjianguo", "王建国", "tx-d1", "一大队大队长", E, (R.UNIT_HEAD, R.OFFICER), "TX101",
              CertSpec("2203021003", STREET + BUILD)),
    StaffSpec("liming", "李明", "tx-d1z1", "一中队中队长", E, (R.UNIT_HEAD, R.OFFICER), "TX111",
              CertSpec("2203021004", STREET, ("220302-rx", "220302-bg"))),
    StaffSpec("zhangwei", "张伟", "tx-d1z1", "执法队员", E, (R.OFFICER,), "TX112",
              CertSpec("2203021005", STREET, ("220302-rx", "220302-bg"))),
    StaffSpec("liuyang", "刘洋", "tx-d1z1", "执法队员", E, (R.OFFICER,), "TX113",
              CertSpec("2203021006", STREET, ("220302-rx", "220302-bg"), "expired")),
    StaffSpec("yangfan", "杨帆", "tx-d1z1", "协管员", A, (), "TXXG11"),
    StaffSpec("huanglei", "黄磊", "tx-d1z1", "协管员", A, (), "TXXG12"),
    StaffSpec("zhaogang", "赵刚", "tx-d1z2", "二中队中队长", E, (R.UNIT_HEAD, R.OFFICER), "TX121",
              CertSpec("2203021007", STREET, ("220302-dz", "220302-pd"))),
    StaffSpec("zhoujie", "周杰", "tx-d1z2", "执法队员", E, (R.OFFICER,), "TX122",
              CertSpec("2203021008", STREET, ("220302-dz", "220302-pd"), "withheld")),
    StaffSpec("wumin", "吴敏", "tx-d1z2", "执法队员", E, (R.OFFICER,), "TX123",
              CertSpec("2203021009", STREET + BUILD, ("220302-dz", "220302-pd"), "expiring")),
    StaffSpec("xuli", "徐丽", "tx-d1z2", "协管员", A, (), "TXXG21"),
    # 二大队
    StaffSpec("sunhaitao", "孙海涛", "tx-d2", "二大队大队长", E, (R.UNIT_HEAD, R.OFFICER), "TX201",
              CertSpec("2203021010", STREET + BUILD)),
    StaffSpec("hubin", "胡斌", "tx-d2z3", "三中队中队长", E, (R.UNIT_HEAD, R.OFFICER), "TX211",
              CertSpec("2203021011", STREET, ("220302-yx", "220302-zq"))),
    StaffSpec("zhuhong", "朱红", "tx-d2z3", "执法队员", E, (R.OFFICER,), "TX212",
              CertSpec("2203021012", STREET, ("220302-yx", "220302-zq"))),
    StaffSpec("gaofeng", "高峰", "tx-d2z3", "执法队员", E, (R.OFFICER,), "TX213",
              CertSpec("2203021013", STREET, ("220302-yx", "220302-zq"), "expired")),
    StaffSpec("linjing", "林静", "tx-d2z3", "协管员", A, (), "TXXG31"),
    StaffSpec("guoqiang", "郭强", "tx-d2z4", "四中队中队长", E, (R.UNIT_HEAD, R.OFFICER), "TX221",
              CertSpec("2203021014", BUILD + GREEN)),
    StaffSpec("luoxiaodong", "罗晓东", "tx-d2z4", "执法队员", E, (R.OFFICER,), "TX222",
              CertSpec("2203021015", BUILD + GREEN, ("220302-px",))),
    StaffSpec("liangyan", "梁燕", "tx-d2z4", "执法队员", E, (R.OFFICER,), "TX223", CertSpec("2203021016", GREEN)),
    # 市容环卫执法大队
    StaffSpec("songzhiyuan", "宋志远", "tx-srhw", "市容环卫执法大队大队长", E, (R.UNIT_HEAD, R.OFFICER), "TX301",
              CertSpec("2203021017", STREET)),
    StaffSpec("xieting", "谢婷", "tx-srhw", "执法队员", E, (R.OFFICER,), "TX302", CertSpec("2203021018", ("srhw", "hjbh"))),
    StaffSpec("hanbing", "韩冰", "tx-srhw", "执法队员", E, (R.OFFICER,), "TX303", CertSpec("2203021019", ("srhw",))),
    StaffSpec("tangzhenyu", "唐振宇", "tx-srhw", "协管员", A, (), "TXXG41"),
    StaffSpec("dengli", "邓丽", "tx-srhw", "协管员", A, (), "TXXG42"),
)  # fmt: skip

# (date, hours, subject, organizer)
ENFORCEMENT_TRAININGS: tuple[tuple[dt.date, str, str, str], ...] = (
    (dt.date(2025, 3, 18), "16", "《中华人民共和国行政处罚法》专题培训", "四平市铁西区司法局"),
    (dt.date(2025, 6, 12), "8", "执法全过程记录与执法记录仪使用规范", "四平市城市管理局"),
    (dt.date(2025, 9, 23), "24", "吉林省行政执法人员公共法律知识培训", "吉林省司法厅"),
    (dt.date(2025, 11, 6), "6", "城市管理执法文书制作与案卷评查", AGENCY_NAME),
    (dt.date(2026, 4, 15), "8", "《城市管理执法办法》与严格规范公正文明执法", AGENCY_NAME),
    (dt.date(2026, 7, 9), "12", "《中华人民共和国行政强制法》与查封扣押实务", "四平市铁西区司法局"),
)
LEGAL_REVIEW_TRAININGS: tuple[tuple[dt.date, str, str, str], ...] = (
    (dt.date(2025, 5, 20), "16", "重大执法决定法制审核实务", "吉林省司法厅"),
    (dt.date(2026, 3, 26), "8", "《中华人民共和国行政复议法》（2023年修订）与行政应诉", "四平市司法局"),
)


@dataclass
class DemoResult:
    """What a run did: the demo accounts (new and existing) and how many were created now."""

    accounts: list[User] = field(default_factory=list)
    created: int = 0


def demo_build(*, actor: User, today: dt.date) -> DemoResult:
    """Create whatever part of the demo bureau is missing; ``actor`` is the system user."""
    agency = _ensure_agency(actor)
    units = _ensure_units(actor, agency)
    regions = _ensure_regions(actor)
    categories = _ensure_categories(actor)
    result = DemoResult()
    for index, spec in enumerate(STAFF):
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = _create_staff(actor, spec, units)
            if spec.cert is not None:
                _issue_certificate(actor, user, spec.cert, categories, regions, today)
            _record_trainings(actor, user, spec, index, today)
            result.created += 1
        result.accounts.append(user)
    return result


# --- Organisation ------------------------------------------------------------------------


def _ensure_agency(actor: User) -> Agency:
    found = Agency.objects.filter(credit_code=CREDIT_CODE).first() or Agency.objects.filter(name=AGENCY_NAME).first()
    if found is not None:
        return found
    return actions.agency_create(actor=actor, name=AGENCY_NAME, credit_code=CREDIT_CODE, **AGENCY_FIELDS)


def _ensure_units(actor: User, agency: Agency) -> dict[str, Unit]:
    """Find each unit by code, or by name under the same parent (an existing tree is joined), else create it."""
    units: dict[str, Unit] = {}
    for order, spec in enumerate(UNITS):
        parent = units[spec.parent] if spec.parent else None
        found = (
            Unit.objects.filter(code=spec.code).first()
            or Unit.objects.filter(agency=agency, parent=parent, name=spec.name).first()
        )
        units[spec.code] = found or actions.unit_create(
            actor=actor, agency=agency, name=spec.name, kind=spec.kind, code=spec.code, parent=parent, sort_order=order
        )
    return units


def _ensure_regions(actor: User) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, parent_code in REGIONS:
        parent = regions[parent_code] if parent_code else None
        found = Region.objects.filter(code=code).first() or Region.objects.filter(parent=parent, name=name).first()
        regions[code] = found or actions.region_create(actor=actor, code=code, name=name, parent=parent)
    return regions


def _ensure_categories(actor: User) -> dict[str, EnforcementCategory]:
    categories: dict[str, EnforcementCategory] = {}
    for code, name in CATEGORIES:
        found = (
            EnforcementCategory.objects.filter(code=code).first()
            or EnforcementCategory.objects.filter(name=name).first()
        )
        categories[code] = found or actions.category_create(actor=actor, code=code, name=name)
    return categories


# --- Staff ---------------------------------------------------------------------------------


def _create_staff(actor: User, spec: StaffSpec, units: dict[str, Unit]) -> User:
    """Create the account with the demo password and grant its roles."""
    employee_no = spec.employee_no
    if employee_no and User.objects.filter(employee_no=employee_no).exists():
        employee_no = ""  # taken by someone in the existing data: the demo account goes without
    user = actions.staff_create(
        actor=actor,
        username=spec.username,
        full_name=spec.full_name,
        staff_kind=spec.kind,
        unit=units[spec.unit] if spec.unit else None,
        position=spec.position,
        employee_no=employee_no,
        has_legal_qualification=bool(spec.legal_no),
        legal_qualification_no=spec.legal_no,
    )
    demo_password_set(actor=actor, staff=user, password=DEMO_PASSWORD)
    for role in spec.roles:
        actions.role_grant(actor=actor, user=user, role=role)
    return user


def _cert_dates(state: str, today: dt.date) -> tuple[dt.date, dt.date, int]:
    """Return (valid from, valid to, last annual inspection year) for a certificate in ``state``."""
    if state == "expired":
        return dt.date(today.year - 6, 7, 1), dt.date(today.year - 1, 6, 30), today.year - 2
    if state == "expiring":
        valid_to = today + dt.timedelta(days=45)
        return dt.date(valid_to.year - 5, valid_to.month, 1), valid_to, today.year - 1
    if state == "withheld":
        return dt.date(today.year - 3, 1, 1), dt.date(today.year + 2, 12, 31), today.year - 3
    return dt.date(today.year - 2, 1, 1), dt.date(today.year + 3, 12, 31), today.year - 1


_STATUS_CHANGES: dict[str, tuple[CertificateStatus, str]] = {
    "expired": (CertificateStatus.EXPIRED, "有效期届满"),
    "withheld": (CertificateStatus.WITHHELD, "未按期年审"),
}


def _issue_certificate(
    actor: User,
    holder: User,
    spec: CertSpec,
    categories: dict[str, EnforcementCategory],
    regions: dict[str, Region],
    today: dt.date,
) -> Certificate | None:
    """Issue the certificate (skipped when its number is taken) and give it the status of ``spec.state``."""
    if Certificate.objects.filter(number=spec.number).exists():
        return None
    valid_from, valid_to, inspected = _cert_dates(spec.state, today)
    cert = actions.certificate_create(
        actor=actor,
        holder=holder,
        number=spec.number,
        issuing_authority=ISSUING_AUTHORITY,
        categories=[categories[c] for c in spec.categories],
        regions=[regions[r] for r in spec.regions],
        valid_from=valid_from,
        valid_to=valid_to,
        annual_inspection_year=inspected,
    )
    if spec.state in _STATUS_CHANGES:
        status, reason = _STATUS_CHANGES[spec.state]
        actions.certificate_set_status(actor=actor, certificate=cert, status=status, reason=reason)
    return cert


def _record_trainings(actor: User, user: User, spec: StaffSpec, index: int, today: dt.date) -> None:
    """Officers get two enforcement trainings (rotating through the list), legal reviewers the review ones."""
    plan: list[tuple[dt.date, str, str, str, TrainingKind]] = []
    if spec.cert is not None:
        for offset in (0, 3):
            date, hours, subject, organizer = ENFORCEMENT_TRAININGS[(index + offset) % len(ENFORCEMENT_TRAININGS)]
            plan.append((date, hours, subject, organizer, TrainingKind.ENFORCEMENT))
    if Role.LEGAL_REVIEWER in spec.roles:
        plan.extend((*item, TrainingKind.LEGAL_REVIEW) for item in LEGAL_REVIEW_TRAININGS)
    for date, hours, subject, organizer, kind in plan:
        if date > today or TrainingRecord.objects.filter(user=user, date=date, subject=subject).exists():
            continue
        actions.training_record_create(
            actor=actor, user=user, date=date, hours=Decimal(hours), subject=subject, kind=kind, organizer=organizer
        )
