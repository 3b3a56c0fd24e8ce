"""The demo's violation catalogue (违法行为目录): the common violations an urban-management bureau penalises.

Each entry names the provision violated and the penalty provision, under
one of the demo bureau's enforcement categories (``sanxiang.org.demo.CATEGORIES``).
The articles are those of the national laws and regulations as commonly
cited in urban-management decisions; a real bureau adds its province's
regulations and its 裁量基准. ``demo_catalog_build`` is idempotent: a code
already in the catalogue is kept as it is.

``demo_review_catalogue_build`` adds the demo bureau's 法制审核目录清单,
approved and in force (its thresholds are the demo bureau's, not law).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sanxiang.catalog.actions import violation_create
from sanxiang.catalog.actions_review import review_catalogue_approve, review_catalogue_create, review_rule_add
from sanxiang.catalog.models import CaseFlag, MajorGround, ReviewCatalogue, RuleKind, Violation
from sanxiang.org.demo import CATEGORIES
from sanxiang.org.models import EnforcementCategory, User

SRHW = "《城市市容和环境卫生管理条例》"
JZLJ = "《城市建筑垃圾管理规定》（建设部令第139号）"
DQ = "《中华人民共和国大气污染防治法》"
LH = "《城市绿化条例》"
DL = "《城市道路管理条例》"


@dataclass(frozen=True)
class ViolationSpec:
    code: str
    category: str  # code of ``sanxiang.org.demo.CATEGORIES``
    title: str
    violated: str
    penalty: str
    involves_safety: bool = False


VIOLATIONS: tuple[ViolationSpec, ...] = (
    ViolationSpec("txcg-srhw-01", "srhw", "擅自占用城市道路、公共场地摆摊设点",
                  f"{SRHW}第十四条", f"{SRHW}第三十六条第（二）项"),
    ViolationSpec("txcg-srhw-02", "srhw", "擅自在街道两侧和公共场地堆放物料",
                  f"{SRHW}第十四条", f"{SRHW}第三十六条第（二）项"),
    ViolationSpec("txcg-srhw-03", "srhw", "未经同意擅自设置大型户外广告",
                  f"{SRHW}第十一条", f"{SRHW}第三十六条第（一）项"),
    ViolationSpec("txcg-srhw-04", "srhw", "在建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品",
                  f"{SRHW}第十七条", f"{SRHW}第三十四条第（二）项"),
    ViolationSpec("txcg-srhw-05", "srhw", "临街工地不设置护栏或者不作遮挡，影响市容和环境卫生",
                  f"{SRHW}第十六条", f"{SRHW}第三十四条第（七）项"),
    ViolationSpec("txcg-cxgh-01", "cxgh", "未取得建设工程规划许可证进行建设（违法建设）",
                  "《中华人民共和国城乡规划法》第四十条第一款", "《中华人民共和国城乡规划法》第六十四条"),
    ViolationSpec("txcg-jzlj-01", "jzlj", "未经核准擅自处置建筑垃圾",
                  f"{JZLJ}第七条", f"{JZLJ}第二十五条第（一）项"),
    ViolationSpec("txcg-jzlj-02", "jzlj", "随意倾倒、抛撒或者堆放建筑垃圾",
                  f"{JZLJ}第十五条", f"{JZLJ}第二十六条"),
    ViolationSpec("txcg-hjbh-01", "hjbh", "在人口集中地区露天焚烧垃圾等产生有毒有害烟尘和恶臭气体的物质",
                  f"{DQ}第八十二条第一款", f"{DQ}第一百一十九条第二款", involves_safety=True),
    ViolationSpec("txcg-hjbh-02", "hjbh", "餐饮服务业经营者未安装或者不正常使用油烟净化设施，超标排放油烟",
                  f"{DQ}第八十一条第一款", f"{DQ}第一百一十八条第一款"),
    ViolationSpec("txcg-ylhl-01", "ylhl", "损坏城市树木花草或者绿化设施",
                  f"{LH}第二十条第一款", f"{LH}第二十六条"),
    ViolationSpec("txcg-szgy-01", "szgy", "占道施工未设置明显标志和安全防围设施",
                  f"{DL}第三十五条", f"{DL}第四十二条", involves_safety=True),
    ViolationSpec("txcg-gsxz-01", "gsxz", "无照经营",
                  "《无证无照经营查处办法》第二条", "《无证无照经营查处办法》第十三条"),
    ViolationSpec("txcg-gajt-01", "gajt", "未经批准擅自挖掘道路、占用道路施工或者从事其他影响道路交通安全的活动",
                  "《中华人民共和国道路交通安全法》第三十一条、第三十二条第一款",
                  "《中华人民共和国道路交通安全法》第一百零四条第一款", involves_safety=True),
)  # fmt: skip


def category_find(code: str) -> EnforcementCategory | None:
    """The demo category ``code``, found by code or (joined to an existing bureau) by its name."""
    name = dict(CATEGORIES)[code]
    return (
        EnforcementCategory.objects.filter(code=code).first() or EnforcementCategory.objects.filter(name=name).first()
    )


def demo_catalog_build(*, actor: User) -> dict[str, Violation]:
    """Add the violations missing from the catalogue and return every demo violation by code.

    Runs after ``sanxiang.org.demo.demo_build`` (which creates the categories);
    ``actor`` is the system user.
    """
    found: dict[str, Violation] = {}
    for spec in VIOLATIONS:
        existing = Violation.objects.filter(code=spec.code).first()
        category = category_find(spec.category)
        if existing is None and category is not None:
            existing = violation_create(
                actor=actor,
                code=spec.code,
                title=spec.title,
                category=category,
                violated_provisions=spec.violated,
                penalty_provisions=spec.penalty,
                involves_safety=spec.involves_safety,
            )
        if existing is not None:
            found[spec.code] = existing
    return found


# --- The demo bureau's 法制审核目录清单 ------------------------------------------------------------

REVIEW_DEMO_VERSION = "演示局2026版"
_OWN = "本局法制审核目录清单（演示数据，非法定标准）"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    label: str
    ground: str
    kind: str
    amount_yuan: int | None = None
    penalty_type: str = ""
    flag: str = ""
    basis: str = ""
    collective: bool = False


#: The figures are the demo bureau's own (they mirror the hearing thresholds of the settings), not law.
REVIEW_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("fine-person", "对自然人处以一万元以上罚款", MajorGround.AGENCY, RuleKind.FINE_PERSON, 10_000, basis=_OWN),
    RuleSpec("fine-org", "对法人或者其他组织处以十万元以上罚款", MajorGround.AGENCY, RuleKind.FINE_ORGANISATION, 100_000, basis=_OWN),
    RuleSpec("confiscation", "没收违法所得或者非法财物价值五万元以上", MajorGround.AGENCY, RuleKind.CONFISCATION, 50_000, basis=_OWN),
    RuleSpec("revoke-licence", "吊销许可证件", MajorGround.AGENCY, RuleKind.PENALTY_TYPE, penalty_type="revoke_licence",
             basis=f"{_OWN}；《行政处罚法》第六十三条"),
    RuleSpec("suspend-close", "责令停产停业、责令关闭、限制从业", MajorGround.AGENCY, RuleKind.PENALTY_TYPE,
             penalty_type="restrict_activity", basis=f"{_OWN}；《行政处罚法》第六十三条"),
    RuleSpec("demolition", "作出限期拆除、强制拆除违法建设决定", MajorGround.PUBLIC_INTEREST, RuleKind.CASE_FLAG,
             flag=CaseFlag.DEMOLITION, basis=f"{_OWN}；《行政强制法》第四十四条", collective=True),
    RuleSpec("public-interest", "涉及重大公共利益", MajorGround.PUBLIC_INTEREST, RuleKind.CASE_FLAG,
             flag=CaseFlag.PUBLIC_INTEREST, basis="《行政处罚法》第五十八条第一款第（一）项", collective=True),
    RuleSpec("social-impact", "可能造成重大社会影响或者引发社会风险", MajorGround.SOCIAL_IMPACT, RuleKind.CASE_FLAG,
             flag=CaseFlag.SOCIAL_IMPACT, basis="国办发〔2018〕118号", collective=True),
    RuleSpec("complex", "案件情况疑难复杂、涉及多个法律关系", MajorGround.COMPLEX, RuleKind.CASE_FLAG,
             flag=CaseFlag.COMPLEX, basis="《行政处罚法》第五十八条第一款第（三）项", collective=True),
)  # fmt: skip


@transaction.atomic
def demo_review_catalogue_build(*, actor: User) -> ReviewCatalogue:
    """An approved 法制审核目录清单 in force from today (kept as it is when the demo version exists).

    ``actor`` is the system user (it holds both the drafting and the approving
    permission). Every step goes through the catalogue's actions.
    """
    catalogue = ReviewCatalogue.objects.filter(version=REVIEW_DEMO_VERSION).first()
    if catalogue is not None and catalogue.approval_row is not None:
        return catalogue
    if catalogue is None:
        catalogue = review_catalogue_create(
            actor=actor, version=REVIEW_DEMO_VERSION, effective_from=timezone.localdate(), note=_OWN
        )
    present = set(catalogue.rules.values_list("code", flat=True))
    for spec in REVIEW_RULES:
        if spec.code not in present:
            review_rule_add(actor=actor, catalogue=catalogue, **vars(spec))
    return review_catalogue_approve(actor=actor, catalogue=catalogue)
