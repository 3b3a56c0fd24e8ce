"""The demo cases: one case in each typical state, built through the real actions at the time of the run.

``demo_cases_build`` runs after the demo bureau, its calendar and its
violation catalogue (``sanxiang.org.demo``, ``sanxiang.procedures.demo``,
``sanxiang.catalog.demo``). It creates, in several units of the bureau:

(a) a lead awaiting registration; (b) a case under investigation with a
questioning record and photographs; (c) a case whose prior notice was just
served, hearing-eligible, the statement window open; (d) a decision served,
awaiting payment; (e) a case paid, closed and archived; (f) a decision not
to penalise (首违不罚); (g) an on-the-spot fine of 100 yuan paid in cash and
filed; (h) an inspection that found the party compliant; (i) an inspection
that found a violation and opened a lead; (j) a seizure applied, except at
night or on a statutory holiday, which the gate of AEL Art. 43 refuses (the
run then says so, and a later run adds it).

Each demo case is known by its procedure and its party's ID number (every
demo party is fictional and appears in one case only), so a rerun creates
only what is missing. No officer is named here: each case takes two officers
whom ``officer_qualification`` finds qualified for its category and region
on the day, nearest to the handling unit first, so the demo keeps working as
the demo certificates age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import actions
from sanxiang.cases.actions_compulsory import MeasureSubject, case_apply_measure, case_approve_measure
from sanxiang.cases.actions_inspection import case_conclude_inspection, case_record_inspection, case_start_inspection
from sanxiang.cases.actions_simple import case_collect_on_the_spot, case_decide_on_the_spot, case_file_record
from sanxiang.cases.models import Case, CaseSource, IdType, Party, PartyKind
from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.catalog.demo import category_find
from sanxiang.catalog.models import Violation
from sanxiang.evidence.demo import demo_recording
from sanxiang.lib.daycount import CalendarMissing
from sanxiang.lib.exceptions import GateRefused
from sanxiang.lib.idnumbers import credit_code_check_char, id_number_check_char
from sanxiang.org.demo import REGIONS, UNITS
from sanxiang.org.models import EnforcementCategory, Region, Role, Unit, User
from sanxiang.org.permissions import roles_of
from sanxiang.org.selectors import EnforcementAct, officer_qualification
from sanxiang.procedures.calendar import db_calendar
from sanxiang.procedures.definitions.inspection import RESULT_COMPLIANT, RESULT_VIOLATION_FOUND
from sanxiang.review.demo import demo_review_before_decision, demo_waiting_for_review

# --- The parties (fictional; valid check characters) ---------------------------------------------


def resident_id(birth: str, sequence: str, region: str = "220302") -> str:
    """A resident ID number of ``region`` (220302 = 四平市铁西区) with its check character (GB 11643)."""
    first17 = region + birth + sequence
    return first17 + id_number_check_char(first17)


def credit_code(first17: str) -> str:
    """A unified social credit code with its check character (GB 32100)."""
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class PartySpec:
    name: str
    id_number: str
    address: str
    phone: str
    legal_representative: str = ""

    @property
    def kind(self) -> PartyKind:
        return PartyKind.ORGANISATION if self.legal_representative else PartyKind.PERSON

    @property
    def recipient(self) -> str:
        """Who signs for a document: the person, or the organisation's legal representative."""
        return f"{self.legal_representative}（法定代表人）" if self.legal_representative else self.name

    def build(self) -> Party:
        id_type = IdType.CREDIT_CODE if self.legal_representative else IdType.RESIDENT_ID
        return actions.party_build(
            kind=self.kind, name=self.name, id_type=id_type, id_number=self.id_number, address=self.address,
            phone=self.phone, legal_representative=self.legal_representative,
        )  # fmt: skip


# --- What each case is about ---------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """The handling unit, region and category (codes of ``sanxiang.org.demo``), the violation and the place."""

    unit: str
    region: str
    category: str
    violation: str
    location: str


@dataclass(frozen=True)
class GeneralSpec:
    """A general-procedure case walked up to ``target``: lead, registered, notified, served, archived or no_penalty."""

    key: str
    target: str
    where: Where
    party: PartySpec
    source: CaseSource
    source_detail: str
    summary: str
    transcript: str = ""
    photos: str = ""
    report: str = ""
    proposal: str = ""
    fine_yuan: int = 0
    #: A ground added by hand that makes the decision major and collective (APL Art. 57 para 2, 58 (一)).
    major_reason: str = ""


_QA_OPENING = (
    "问：我们是四平市铁西区城市管理行政执法局的执法人员，这是我们的执法证件，请你过目。你是否看清楚了？答：看清楚了。"
)

GENERAL: tuple[GeneralSpec, ...] = (
    GeneralSpec(
        "a", "lead",
        Where("tx-d2z4", "220302-yx", "hjbh", "txcg-hjbh-02", "英雄街道英雄大街东段156号海波烧烤店"),
        PartySpec("王海波", resident_id("19850312", "031"), "四平市铁西区英雄街道英雄大街东段156号", "13904341562"),
        CaseSource.HOTLINE, "12345热线转办工单（英雄大街东段居民反映烧烤店油烟扰民）",
        "英雄大街东段156号海波烧烤店未安装油烟净化设施，营业期间油烟直排，影响周边居民正常生活。",
    ),
    GeneralSpec(
        "b", "registered",
        Where("tx-d2z4", "220302-px", "jzlj", "txcg-jzlj-02", "平西乡红嘴村村道东侧沟渠"),
        PartySpec("四平市铁西区宏达装饰工程有限公司", credit_code("91220302MA17QW3R5"),
                  "四平市铁西区北沟街道北沟路27号", "04343218827", "孙立新"),
        CaseSource.HOTLINE, "12345热线转办工单（平西乡红嘴村村民反映有车辆倾倒装修垃圾）",
        "四平市铁西区宏达装饰工程有限公司将装修工程产生的建筑垃圾约6立方米倾倒于平西乡红嘴村村道东侧沟渠内。",
        transcript=_QA_OPENING + "问：红嘴村村道东侧沟渠内的建筑垃圾是谁倾倒的？答：是我公司装修工程拆下来的垃圾，"
        "公司雇车拉过去倒的。问：倒了多少？答：两车，大概六方。问：是否办理了建筑垃圾处置核准手续？答：没有办。",
        photos="现场照片8张（执法记录仪及相机拍摄，显示倾倒地点、垃圾堆体及运输车辆号牌）",
    ),
    GeneralSpec(
        "c", "notified",
        Where("tx-d1z2", "220302-dz", "cxgh", "txcg-cxgh-01", "地直街道地直街12号院3号楼楼顶"),
        PartySpec("刘长海", resident_id("19680715", "051"), "四平市铁西区地直街道地直街12号院3号楼2单元601室",
                  "13843456218"),
        CaseSource.COMPLAINT, "地直街12号院居民联名来信举报",
        "刘长海未取得建设工程规划许可证，在地直街12号院3号楼楼顶搭建彩钢板房一处，建筑面积约45平方米。",
        transcript=_QA_OPENING + "问：3号楼楼顶的彩钢板房是谁建的？答：是我建的，几个月前找人搭的。"
        "问：是否办理了建设工程规划许可证？答：没有办，不知道要办。问：花了多少钱？答：连工带料二十万左右。",
        photos="现场照片12张及现场勘验图一份（彩钢板房外观、内部结构及测量过程）",
        report="经调查，刘长海未取得建设工程规划许可证擅自在楼顶搭建彩钢板房，面积约45平方米，工程造价约20万元，"
        "尚可采取改正措施消除对规划实施的影响。",
        proposal="依据《中华人民共和国城乡规划法》第六十四条，责令限期改正，并处建设工程造价百分之六的罚款，计12000元。",
        fine_yuan=12_000,
    ),
    GeneralSpec(
        "d", "served",
        Where("tx-d1z1", "220302-rx", "srhw", "txcg-srhw-03", "仁兴街道仁兴街与北二马路交汇处鑫源商贸楼体外墙"),
        PartySpec("四平市鑫源商贸有限公司", credit_code("91220302MA0Y8BKD3"), "四平市铁西区仁兴街道仁兴街218号",
                  "04343265518", "陈晓东"),
        CaseSource.PATROL, "一中队日常巡查发现",
        "四平市鑫源商贸有限公司未经市容环境卫生主管部门同意，在自有楼体外墙擅自设置大型户外广告牌一块（约12米×4米）。",
        transcript=_QA_OPENING + "问：楼体外墙的广告牌是谁设置的？答：是我们公司设置的。问：设置前是否经过市容环境卫生"
        "主管部门同意？答：没有，以为在自己楼上不用批。",
        photos="现场照片6张（广告牌全貌、位置及尺寸测量）",
        report="经调查，当事人未经同意擅自设置大型户外广告，事实清楚，证据确凿。",
        proposal="依据《城市市容和环境卫生管理条例》第三十六条第（一）项，责令限期拆除，并处罚款3000元。",
        fine_yuan=3_000,
        major_reason="大型户外广告牌设置于临街楼体外墙，存在坠落风险，涉及重大公共利益（公共安全）。",
    ),
    GeneralSpec(
        "e", "archived",
        Where("tx-srhw", "220302-zq", "srhw", "txcg-srhw-05", "站前街道站前街南段恒基·铁西名苑项目临街工地"),
        PartySpec("吉林省恒基建筑工程有限公司", credit_code("91220300MA14X7KB6"), "四平市铁西区站前街道站前街9号",
                  "04343202219", "周永强"),
        CaseSource.PATROL, "市容环卫执法大队日常巡查发现",
        "吉林省恒基建筑工程有限公司承建的恒基·铁西名苑项目临街工地未设置围挡，施工渣土散落人行道，影响市容和环境卫生。",
        transcript=_QA_OPENING + "问：站前街南段临街工地由谁施工？答：我公司施工。问：工地临街一侧为什么没有围挡？"
        "答：原来的围挡拆了准备换新的，还没装上。",
        photos="现场照片5张（工地临街一侧、散落渣土）",
        report="经调查，当事人临街工地未设置护栏或遮挡，影响市容和环境卫生，事实清楚。",
        proposal="依据《城市市容和环境卫生管理条例》第三十四条第（七）项，罚款2000元。",
        fine_yuan=2_000,
    ),
    GeneralSpec(
        "f", "no_penalty",
        Where("tx-d2z3", "220302-yx", "srhw", "txcg-srhw-02", "英雄街道英雄大街西段203号淑芬食杂店门前"),
        PartySpec("李淑芬", resident_id("19721103", "042"), "四平市铁西区英雄街道英雄大街西段203号", "13596723310"),
        CaseSource.PATROL, "三中队日常巡查发现",
        "李淑芬在其经营的淑芬食杂店门前人行道堆放饮料、蔬菜等货物，占用面积约6平方米。",
        transcript=_QA_OPENING + "问：门前人行道上的货物是谁放的？答：是我店里的，刚到货还没来得及搬进去。"
        "问：以前是否因为店外堆放货物被处理过？答：没有，这是第一次。问：现在是否已经清理？答：已经全部搬进店里了。",
        photos="现场照片4张（堆放货物及清理后现场）",
        report="经调查，当事人系初次违法，危害后果轻微，已当场清理并及时改正。",
        proposal="依据《中华人民共和国行政处罚法》第三十三条第一款，不予行政处罚。",
    ),
)  # fmt: skip

ON_THE_SPOT = (
    Where("tx-d1z1", "220302-bg", "srhw", "txcg-srhw-01", "北沟街道北沟路菜市场东侧人行道"),
    PartySpec("张德明", resident_id("19790520", "015"), "四平市铁西区北沟街道北沟路41号", "13756481129"),
    "张德明在北沟路菜市场东侧人行道摆摊销售水果，占用人行道约4平方米。",
)


@dataclass(frozen=True)
class InspectionSpec:
    key: str
    where: Where
    party: PartySpec
    source_detail: str
    purpose: str
    record: str
    findings: str
    result: str


INSPECTIONS: tuple[InspectionSpec, ...] = (
    InspectionSpec(
        "h", Where("tx-srhw", "220302-bg", "srhw", "", "北沟街道北沟路56号百佳乐超市"),
        PartySpec("四平市铁西区百佳乐超市有限公司", credit_code("91220302MA0XJ4N2P"), "四平市铁西区北沟街道北沟路56号",
                  "04343226656", "何丽"),
        "市容环境卫生责任区“门前三包”落实情况检查", "检查“门前三包”责任制落实情况",
        "检查超市门前责任区：地面整洁，无店外经营、乱堆乱放，“门前三包”责任书张贴于入口处，垃圾桶加盖定点摆放。",
        "责任区内整洁有序，“门前三包”责任制落实到位，未发现违法行为。", RESULT_COMPLIANT,
    ),
    InspectionSpec(
        "i", Where("tx-d2", "220302-yx", "jzlj", "txcg-jzlj-01", "英雄街道英雄大街与南五马路交汇处广厦·英雄里项目工地"),
        PartySpec("四平市广厦建设工程有限公司", credit_code("91220302MA15R9TH7"), "四平市铁西区英雄街道南五马路18号",
                  "04343279918", "马国庆"),
        "建筑工地建筑垃圾处置专项检查", "检查建筑垃圾处置核准及运输情况",
        "检查工地出入口：两辆自卸车正在外运建筑垃圾，现场负责人不能出示建筑垃圾处置核准文件。",
        "该工地外运建筑垃圾未取得处置核准，涉嫌未经核准擅自处置建筑垃圾，转立案调查。", RESULT_VIOLATION_FOUND,
    ),
)  # fmt: skip

SEIZURE = (
    Where("tx-d1z2", "220302-pd", "gsxz", "txcg-gsxz-01", "平东街道平东大路与紫气大路交汇处"),
    PartySpec("杨春来", resident_id("19900908", "073"), "四平市铁西区平东街道平东大路77号", "15144327608"),
    "杨春来未取得营业执照，使用电动三轮车在平东大路与紫气大路交汇处流动销售服装，经多次劝导拒不停止经营，"
    "为制止违法行为、防止证据灭失，扣押涉案工具及物品。",
    "《中华人民共和国行政强制法》第九条第（三）项、第二十二条；《无证无照经营查处办法》第十一条",
    ("电动三轮车1辆（蓝色，无号牌）", "男女服装42件", "折叠货架1个"),
)


# --- Where, and who handles a case ----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A ``Where`` resolved to the bureau's rows."""

    unit: Unit
    region: Region
    category: EnforcementCategory
    violation: Violation | None
    location: str


def _unit(code: str) -> Unit | None:
    """The demo unit ``code``, by code or (joined to an existing tree) by name under its parent."""
    spec = next(s for s in UNITS if s.code == code)
    parent = _unit(spec.parent) if spec.parent else None
    return Unit.objects.filter(code=code).first() or Unit.objects.filter(parent=parent, name=spec.name).first()


def _region(code: str) -> Region | None:
    """The demo region ``code``, by code or by name under its parent."""
    _code, name, parent_code = next(r for r in REGIONS if r[0] == code)
    parent = _region(parent_code) if parent_code else None
    return Region.objects.filter(code=code).first() or Region.objects.filter(parent=parent, name=name).first()


def _place(where: Where, violations: dict[str, Violation]) -> Place | None:
    """Resolve ``where``; None when part of it is missing (the demo joined data it cannot use)."""
    unit, region, category = _unit(where.unit), _region(where.region), category_find(where.category)
    violation = violations.get(where.violation) if where.violation else None
    if unit is None or region is None or category is None or (where.violation and violation is None):
        return None
    return Place(unit, region, category, violation, where.location)


@dataclass(frozen=True)
class Team:
    """Two qualified officers (the lead first), who opens the case, and the head who approves."""

    handlers: list[User]
    opener: User
    head: User


def _depth_shared(user: User, unit: Unit) -> int:
    """How many levels of the unit tree the user's unit shares with ``unit`` (0: another brigade)."""
    if user.unit is None:
        return -1
    shared = 0
    for mine, theirs in zip(user.unit.path.strip("/").split("/"), unit.path.strip("/").split("/"), strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


def _qualified_officers(unit: Unit, category: EnforcementCategory, region: Region, act: EnforcementAct) -> list[User]:
    """Officers qualified today for ``act`` here: nearest the unit first, then plain officers before heads."""
    today = timezone.localdate()
    officers = (
        User.objects.filter(is_active=True, role_grants__role=Role.OFFICER, role_grants__revoked_at__isnull=True)
        .select_related("unit")
        .distinct()
    )
    qualified = [
        user
        for user in officers
        if officer_qualification(user, act=act, category=category, region=region, on=today).allowed
    ]

    def rank(user: User) -> tuple[int, bool, bool, str]:
        roles = roles_of(user)
        return (-_depth_shared(user, unit), Role.LEADER in roles, Role.UNIT_HEAD in roles, user.username)

    return sorted(qualified, key=rank)


def _may_open(user: User, unit: Unit) -> bool:
    """Whether ``user`` may act on a new case of ``unit`` before handlers are assigned (``access.may_write_case``)."""
    if user.unit is None:
        return False
    above = Role.UNIT_HEAD in roles_of(user) and unit.path.startswith(user.unit.path)
    return user.unit_id == unit.pk or above


def _head(unit: Unit, exclude: set[int]) -> User | None:
    """The approving head: a unit head of the unit or above it who does not handle the case, else a leader."""
    heads = User.objects.filter(is_active=True, role_grants__role=Role.UNIT_HEAD, role_grants__revoked_at__isnull=True)
    level: Unit | None = unit
    while level is not None:
        found = heads.filter(unit=level).exclude(pk__in=exclude).order_by("username").first()
        if found is not None:
            return found
        level = level.parent
    leaders = User.objects.filter(is_active=True, role_grants__role=Role.LEADER, role_grants__revoked_at__isnull=True)
    return leaders.exclude(pk__in=exclude).order_by("username").first()


def team_for(place: Place, act: EnforcementAct) -> Team | None:
    """The team for a case at ``place``, or None when the bureau has not two qualified officers for it."""
    officers = _qualified_officers(place.unit, place.category, place.region, act)
    if len(officers) < 2:
        return None
    handlers = officers[:2]
    head = _head(place.unit, {u.pk for u in handlers})
    if head is None:
        return None
    opener = next((u for u in handlers if _may_open(u, place.unit)), head)
    return Team(handlers, opener, head)


# --- The cases -----------------------------------------------------------------------------------

#: The pre-printed on-the-spot decision form (APL Art. 52) and the receipts of the demo.
FORM_NUMBER = "吉城管当场No.0001866"
CASH_RECEIPT_NO = "吉财收据No.0003127"
BANK_RECEIPT_NO = "吉林省非税收入一般缴款书No.2203020018856"


def _lead(spec: GeneralSpec, place: Place, team: Team) -> Case:
    today = timezone.localdate()
    return actions.case_register_lead(
        actor=team.opener, source=spec.source, unit=place.unit, category=place.category, region=place.region,
        location=place.location, summary=spec.summary, discovered_on=today, act_date=today - dt.timedelta(days=2),
        violation=place.violation, parties=[spec.party.build()], source_detail=spec.source_detail,
        place=place.location,
    )  # fmt: skip


def _investigate(spec: GeneralSpec, place: Place, team: Team, case: Case) -> Case:
    """立案, then the questioning record and the photographs."""
    officer = team.handlers[0]
    case = actions.case_register(actor=team.head, case=case, handlers=team.handlers)
    case = actions.case_record_transcript(
        actor=officer, case=case, kind="questioning", interviewee=spec.party.recipient, content=spec.transcript,
        recorded_at=timezone.now(), place=place.location,
    )  # fmt: skip
    return actions.case_attach_evidence(
        actor=officer, case=case, kind="audio_visual", description=spec.photos, place=place.location
    )


def _no_penalty(spec: GeneralSpec, team: Team, case: Case) -> Case:
    case = actions.case_conclude_investigation(
        actor=team.handlers[0], case=case, report=spec.report, proposal=spec.proposal
    )
    return actions.case_decide_no_penalty(
        actor=team.head, case=case, ground="first_offence", reasons=f"{spec.report}{spec.proposal}"
    )


def _notify(spec: GeneralSpec, team: Team, case: Case) -> Case:
    """调查终结, 审查, and the prior notice served in person today."""
    officer = team.handlers[0]
    case = actions.case_conclude_investigation(actor=officer, case=case, report=spec.report, proposal=spec.proposal)
    case = actions.case_examine(actor=team.head, case=case, opinion="同意承办人意见，拟作出行政处罚。")
    return actions.case_notify(
        actor=officer, case=case, types=["fine"], fine_fen=spec.fine_yuan * 100, served_on=timezone.localdate(),
        method="direct",
    )  # fmt: skip


def _decide_and_serve(spec: GeneralSpec, team: Team, case: Case) -> Case:
    """The party waives statements (APL Art. 62); the decision is made and served in person."""
    officer, today = team.handlers[0], timezone.localdate()
    case = actions.case_waive_rights(
        actor=officer, case=case, signed_on=today, note="当事人书面表示放弃陈述、申辩权利。"
    )
    # A major decision waits for a passed legal review (APL Art. 58): the demo reviews it first.
    demo_review_before_decision(
        case=case, author=officer, penalty=Penalty(frozenset({PenaltyType.FINE}), spec.fine_yuan * 100),
        facts=spec.report, basis=spec.proposal, major_reason=spec.major_reason, head=team.head,
    )  # fmt: skip
    case = actions.case_decide(
        actor=team.head, case=case, types=["fine"], fine_fen=spec.fine_yuan * 100, reasons=spec.report
    )
    return actions.case_serve(
        actor=officer, case=case, method="direct", served_on=today, recipient=spec.party.recipient
    )


def _pay_and_archive(spec: GeneralSpec, team: Team, case: Case) -> Case:
    officer = team.handlers[0]
    case = actions.case_record_payment(
        actor=officer, case=case, amount_fen=spec.fine_yuan * 100, paid_on=timezone.localdate(),
        receipt_no=BANK_RECEIPT_NO,
    )  # fmt: skip
    case = actions.case_record_execution(actor=officer, case=case, note="罚款已在指定银行全额缴纳。")
    case = actions.case_close(actor=team.head, case=case, report="当事人已履行行政处罚决定，违法行为已改正，案件办结。")
    from sanxiang.documents.demo import demo_archive

    return demo_archive(actor=team.head, case=case)


def _general(spec: GeneralSpec) -> Callable[[Place, Team], Case]:
    """The builder that walks ``spec``'s case up to its target state."""

    def build(place: Place, team: Team) -> Case:
        case = _lead(spec, place, team)
        if spec.target == "lead":
            return case
        case = _investigate(spec, place, team, case)
        if spec.target == "no_penalty":
            return _no_penalty(spec, team, case)
        if spec.target == "registered":
            return case
        case = _notify(spec, team, case)
        if spec.target == "notified":
            # Left waiting for the legal section (法制科) in its queue.
            demo_waiting_for_review(case=case, author=team.handlers[0], facts=spec.report, basis=spec.proposal)
            return case
        case = _decide_and_serve(spec, team, case)
        return case if spec.target == "served" else _pay_and_archive(spec, team, case)

    return build


def _on_the_spot(place: Place, team: Team) -> Case:
    """A 100-yuan fine decided on the spot, paid in cash against the official receipt, filed for record."""
    _where, party, summary = ON_THE_SPOT
    case = case_decide_on_the_spot(
        actor=team.opener, unit=place.unit, category=place.category, region=place.region, location=place.location,
        summary=summary, party=party.build(), violation=place.violation, officers=team.handlers, types=["fine"],
        fine_fen=100 * 100, form_number=FORM_NUMBER, facts_conclusive=True, place=place.location,
    )  # fmt: skip
    case = case_collect_on_the_spot(actor=team.opener, case=case, receipt_no=CASH_RECEIPT_NO, place=place.location)
    return case_file_record(actor=team.opener, case=case, note="当场处罚决定书已报局机关备案。")


def _inspection(spec: InspectionSpec) -> Callable[[Place, Team], Case]:
    def build(place: Place, team: Team) -> Case:
        case = case_start_inspection(
            actor=team.opener, source=CaseSource.PATROL, unit=place.unit, category=place.category,
            region=place.region, location=place.location, purpose=spec.purpose, officers=team.handlers,
            parties=[spec.party.build()], source_detail=spec.source_detail, place=place.location,
        )  # fmt: skip
        case = case_record_inspection(
            actor=team.handlers[0], case=case, inspected=spec.party.name, content=spec.record,
            recorded_at=timezone.now(), place=place.location,
        )  # fmt: skip
        found = spec.result == RESULT_VIOLATION_FOUND
        return case_conclude_inspection(
            actor=team.opener, case=case, result=spec.result, findings=spec.findings, violation=place.violation,
            act_date=timezone.localdate() if found else None,
        )  # fmt: skip

    return build


def _seizure(place: Place, team: Team) -> Case:
    """The head approves the seizure; the officers apply it on site with the party present (AEL Art. 18, 24)."""
    _where, party, reasons, basis, items = SEIZURE
    subject = MeasureSubject(
        source=CaseSource.PATROL, unit=place.unit, category=place.category, region=place.region,
        location=place.location, reasons=reasons, parties=[party.build()],
    )  # fmt: skip
    case = case_approve_measure(
        actor=team.head, subject=subject, measure="seize", legal_basis=basis, officers=team.handlers,
        place=place.location,
    )  # fmt: skip
    # 查封扣押 is recorded from start to end (RULES.md §3.2): the demo attaches a generated recording.
    demo_recording(case=case, step="apply_measure", actor=team.handlers[0], location=place.location)
    return case_apply_measure(actor=team.handlers[0], case=case, items=items, party_present=True, place=place.location)


# --- Running ---------------------------------------------------------------------------------------


@dataclass
class DemoCasesResult:
    """The demo cases in the order (a)-(j) (the lead an inspection opened after it), new ones counted, and notes."""

    cases: list[Case] = field(default_factory=list)
    created: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    procedure: str
    where: Where
    party: PartySpec
    act: EnforcementAct
    build: Callable[[Place, Team], Case]


def _jobs() -> list[_Job]:
    jobs = [_Job("general", s.where, s.party, EnforcementAct.INVESTIGATE, _general(s)) for s in GENERAL]
    jobs.append(_Job("simple", ON_THE_SPOT[0], ON_THE_SPOT[1], EnforcementAct.ON_THE_SPOT_PENALTY, _on_the_spot))
    jobs += [_Job("inspection", s.where, s.party, EnforcementAct.INSPECT, _inspection(s)) for s in INSPECTIONS]
    jobs.append(_Job("compulsory", SEIZURE[0], SEIZURE[1], EnforcementAct.COMPULSORY_MEASURE, _seizure))
    return jobs


def _calendar_gap() -> str | None:
    """Why no case can be created now (a year the deadlines reach has no calendar), or None."""
    today, cal = timezone.localdate(), db_calendar()
    try:
        for year in (today.year, today.year + 1):
            cal.is_workday(dt.date(year, 1, 1))
    except CalendarMissing as exc:
        return _("The demo cases were not created: %(reason)s") % {"reason": exc.message}
    return None


def _create(job: _Job, violations: dict[str, Violation], result: DemoCasesResult) -> Case | None:
    """Build ``job``'s case; a refused compulsory measure (night, holiday) becomes a note."""
    place = _place(job.where, violations)
    team = team_for(place, job.act) if place is not None else None
    if place is None or team is None:
        result.notes.append(
            _("No demo case at %(location)s: two officers qualified for it today are missing.")
            % {"location": job.where.location}
        )
        return None
    if job.procedure != "compulsory":
        return job.build(place, team)
    try:
        with transaction.atomic():
            return job.build(place, team)
    except GateRefused as exc:
        reasons = " ".join(exc.reasons)
        result.notes.append(
            _(
                "The demo seizure was not applied now: %(reasons)s Run demo_data again by day on a working day to add it."
            )
            % {"reasons": reasons}
        )
        return None


def demo_cases_build(*, violations: dict[str, Violation]) -> DemoCasesResult:
    """Create the demo cases that are missing (see the module docstring); ``violations`` by catalogue code."""
    result = DemoCasesResult()
    before = Case.objects.count()
    gap = _calendar_gap()
    if gap is not None:
        result.notes.append(gap)
    for job in _jobs():
        case = Case.objects.filter(procedure=job.procedure, parties__id_number=job.party.id_number).first()
        if case is None and gap is None:
            case = _create(job, violations, result)
        if case is not None:
            result.cases.append(case)
            opened = case.facts.get("opened_case_id")
            if opened:
                result.cases.append(Case.objects.get(pk=opened))
    result.created = Case.objects.count() - before  # the leads that inspections open included
    return result
