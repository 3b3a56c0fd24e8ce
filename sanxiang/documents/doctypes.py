"""The document set (RULES.md §8.1): one entry per document type, with its template, number series and place in the dossier.

The procedure definitions name documents by code in each transition's
``documents=``; this table says how each code is printed. Fixed Chinese
wording (titles, legal boilerplate) lives in the editable templates under
``templates/documents/forms/``; ``title`` here is the form's name for the
dossier index. ``numbered`` types take a 文号 from a gapless series per type
and year (``DOCUMENT_NUMBER_PATTERNS`` overrides the default patterns).
``volume`` and ``order`` place the document in the 正卷 or 副卷 (RULES.md §8.2).
A type with a ``source`` records a row of another app (the 法制审核意见 or the
集体讨论 of the review app) instead of a case step: it is issued for that row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

MAIN = "main"  # 正卷
SUB = "sub"  # 副卷


@dataclass(frozen=True)
class DocType:
    code: str
    title: str
    template: str
    volume: str
    order: int
    #: Default number pattern (``{year}``, ``{n}``/``{n:03d}``); "" = not numbered.
    pattern: str = ""
    #: Served on the party (a 送达回证 may be issued for it).
    to_party: bool = False
    #: States in which the document may be issued without an event (None: only from its event).
    states: frozenset[str] | None = None
    #: The row the document records instead of a case event ("review_opinion", "discussion"); None: a case event.
    source: str | None = None


_AFTER_REGISTRATION = frozenset({"registered", "concluded", "examined", "notified", "hearing", "decided", "served"})
_ANY_OPEN = _AFTER_REGISTRATION | frozenset({"lead", "no_penalty", "enforcement", "executed", "measure", "decided"})

_TYPES = (
    DocType("dossier_index", "卷内文件目录", "dossier_index", MAIN, 0),
    DocType("lead_form", "案件来源登记表", "lead_form", SUB, 10),
    DocType("filing_approval", "立案审批表", "filing_approval", MAIN, 20),
    DocType("penalty_decision", "行政处罚决定书", "penalty_decision", MAIN, 30,
            "铁西城管罚决字〔{year}〕第{n:03d}号", to_party=True),
    DocType("on_the_spot_decision", "当场行政处罚决定书", "on_the_spot_decision", MAIN, 31,
            "铁西城管当罚字〔{year}〕第{n:03d}号", to_party=True),
    DocType("no_penalty_decision", "不予行政处罚决定书", "no_penalty_decision", MAIN, 32,
            "铁西城管不罚字〔{year}〕第{n:03d}号", to_party=True),
    DocType("prior_notice", "行政处罚事先告知书", "prior_notice", MAIN, 40,
            "铁西城管罚告字〔{year}〕第{n:03d}号", to_party=True),
    DocType("hearing_notice", "听证通知书", "hearing_notice", MAIN, 41,
            "铁西城管听通字〔{year}〕第{n:03d}号", to_party=True),
    DocType("rectification_order", "责令（限期）改正通知书", "rectification_order", MAIN, 42,
            "铁西城管责改字〔{year}〕第{n:03d}号", to_party=True, states=_AFTER_REGISTRATION),
    DocType("preservation_notice", "证据先行登记保存通知书", "preservation_notice", MAIN, 43,
            "铁西城管先保字〔{year}〕第{n:03d}号", to_party=True),
    DocType("preservation_decision", "证据先行登记保存处理决定书", "preservation_decision", MAIN, 44,
            "铁西城管先处字〔{year}〕第{n:03d}号", to_party=True),
    DocType("measure_decision", "查封（扣押）决定书", "measure_decision", MAIN, 45,
            "铁西城管强决字〔{year}〕第{n:03d}号", to_party=True),
    DocType("seizure_list", "查封（扣押）财物清单", "seizure_list", MAIN, 46, to_party=True),
    DocType("extension_notice", "延长查封（扣押）期限决定书", "extension_notice", MAIN, 47,
            "铁西城管强延字〔{year}〕第{n:03d}号", to_party=True),
    DocType("release_decision", "解除查封（扣押）决定书", "release_decision", MAIN, 48,
            "铁西城管强解字〔{year}〕第{n:03d}号", to_party=True),
    DocType("disposal_decision", "查封（扣押）财物处理决定书", "disposal_decision", MAIN, 49,
            "铁西城管强处字〔{year}〕第{n:03d}号", to_party=True),
    DocType("electronic_consent", "电子送达确认书", "electronic_consent", MAIN, 50, states=_ANY_OPEN),
    DocType("service_receipt", "送达回证", "service_receipt", MAIN, 51,
            "铁西城管送字〔{year}〕第{n:03d}号"),
    DocType("transcript", "询问（调查）笔录", "transcript", MAIN, 60),
    DocType("inspection_record", "现场检查（勘验）笔录", "transcript", MAIN, 61),
    DocType("onsite_record", "现场笔录", "transcript", MAIN, 62),
    DocType("statement_record", "陈述申辩笔录", "statement_record", MAIN, 63),
    DocType("demand_notice", "催告书", "demand_notice", MAIN, 70,
            "铁西城管催字〔{year}〕第{n:03d}号", to_party=True),
    DocType("enforcement_application", "强制执行申请书", "enforcement_application", MAIN, 71,
            "铁西城管执申字〔{year}〕第{n:03d}号"),
    DocType("transfer_letter", "案件移送书", "transfer_letter", MAIN, 72, "铁西城管移字〔{year}〕第{n:03d}号"),
    DocType("measure_approval", "查封（扣押）审批表", "measure_approval", SUB, 110),
    DocType("investigation_report", "案件调查终结报告", "investigation_report", SUB, 120),
    DocType("handling_approval", "案件处理审批表", "handling_approval", SUB, 130),
    # 副卷: legal review and collective discussion after the approvals, before the hearing (RULES.md §8.2).
    DocType("legal_review_opinion", "法制审核意见书", "legal_review_opinion", SUB, 134, source="review_opinion"),
    DocType("collective_discussion", "集体讨论记录", "collective_discussion", SUB, 136, source="discussion"),
    DocType("hearing_record", "听证笔录", "hearing_record", SUB, 140),
    DocType("inspection_conclusion", "检查结论书", "generic", SUB, 150),
    DocType("filing_record", "当场行政处罚备案表", "generic", SUB, 160),
    DocType("cash_receipt", "当场收缴罚款登记表", "generic", MAIN, 52),
    DocType("closing_report", "结案报告", "closing_report", SUB, 190),
)  # fmt: skip

DOC_TYPES: dict[str, DocType] = {t.code: t for t in _TYPES}


def doc_type(code: str) -> DocType:
    """The type ``code``; ``KeyError`` for a code the set does not define."""
    return DOC_TYPES[code]


def number_pattern(code: str) -> str:
    """The number pattern of ``code`` ("" for unnumbered types); ``DOCUMENT_NUMBER_PATTERNS`` overrides."""
    overrides: dict[str, str] = getattr(settings, "DOCUMENT_NUMBER_PATTERNS", {})
    return overrides.get(code, DOC_TYPES[code].pattern)


def sort_key(code: str) -> tuple[int, int]:
    """Dossier order: 正卷 before 副卷, then the standard order within each volume."""
    t = DOC_TYPES[code]
    return (0 if t.volume == MAIN else 1, t.order)
