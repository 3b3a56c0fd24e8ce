"""Documents that record rows of the review app: 法制审核意见书 (APL Art. 58) and 集体讨论记录 (APL Art. 57 para 2).

These types (``DocType.source``) are not produced by a case step: each is
issued for one row — a ``ReviewOpinion`` or a chair-signed
``CollectiveDiscussion`` of the case — whose id the issued document keeps in
its data (``data["source"]``). They are issuable while such a row has no
document yet, and the dossier needs them only for a case that had a review or
a discussion (a case without one archives as before).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.models import Case
from sanxiang.documents.doctypes import DOC_TYPES
from sanxiang.documents.formatting import date_cn
from sanxiang.documents.models import IssuedDocument
from sanxiang.lib.validation import field_error
from sanxiang.review.models import (
    CollectiveDiscussion,
    CounselOpinion,
    CounselReferral,
    DecisionDraft,
    ReviewOpinion,
)

#: The dossier checklist's label of each type, when the case had its source.
LABELS = {
    "legal_review_opinion": gettext_lazy("Legal review opinion"),
    "collective_discussion": gettext_lazy("Collective discussion record"),
}
#: The eleven points in the wording of the implementing plan (``review.points.ReviewPoint`` docstrings).
POINT_CN = {
    "body": "行政执法主体是否合法",
    "officers": "行政执法人员是否具备执法资格",
    "facts": "主要事实是否清楚",
    "evidence": "证据是否确凿充分",
    "law": "适用法律法规规章是否准确",
    "discretion": "执行裁量基准是否适当",
    "procedure": "程序是否合法",
    "power": "是否有超越本机关职权范围或滥用职权情形",
    "documents": "行政执法文书是否规范齐备",
    "crime": "违法行为是否涉嫌犯罪需要移送司法机关",
    "other": "其他应审核的内容",
}
FINDING_CN = {"ok": "无问题", "problem": "存在问题", "na": "不适用"}
OUTCOME_CN = {"pass": "审核通过", "return": "退回补正", "fail": "审核不通过"}
LEVEL_CN = {"no_penalty": "不予处罚", "mitigated": "减轻处罚", "lighter": "从轻处罚", "ordinary": "一般处罚",
            "heavier": "从重处罚"}  # fmt: skip


@dataclass(frozen=True)
class Source:
    pk: int
    label: str


def _rows(case: Case, code: str) -> QuerySet[Any]:
    kind = DOC_TYPES[code].source
    if kind == "review_opinion":
        return ReviewOpinion.objects.filter(submission__case=case).order_by("at", "id")
    if kind == "discussion":
        # The record binds once its chair signed it (review.models.CollectiveDiscussion).
        return CollectiveDiscussion.objects.filter(case=case, signoff__isnull=False).order_by("at", "id")
    raise KeyError(code)


def _label(row: Any) -> str:
    if isinstance(row, ReviewOpinion):
        return f"{date_cn(timezone.localtime(row.at).date())} {OUTCOME_CN.get(row.outcome, row.outcome)}"
    return date_cn(row.held_on)


def sources(case: Case, code: str) -> list[Source]:
    """The rows of ``case`` a document of source type ``code`` may be issued for, oldest first."""
    return [Source(row.pk, _label(row)) for row in _rows(case, code)]


def resolve(case: Case, code: str, source: int | None) -> int:
    """The id of the row to issue ``code`` for: ``source`` (checked to be the case's) or the latest row."""
    rows = _rows(case, code)
    row = rows.filter(pk=source).first() if source is not None else rows.last()
    if row is None:
        if code == "collective_discussion":
            raise field_error("source", _("There is no signed collective discussion record of this case."))
        raise field_error("source", _("There is no legal review opinion of this case."))
    return int(row.pk)


def source_of(doc: IssuedDocument) -> int | None:
    """The id of the row ``doc`` records (None for a type without a source)."""
    value = (doc.data or {}).get("source", {}).get("id")
    return int(value) if value is not None else None


def missing(case: Case, docs: list[IssuedDocument]) -> list[tuple[str, int]]:
    """(type, row id) of every source row of ``case`` without a document among ``docs`` (the dossier's)."""
    result: list[tuple[str, int]] = []
    for code, doc_type in DOC_TYPES.items():
        if doc_type.source is None:
            continue
        present = {source_of(d) for d in docs if d.doc_type == code}
        result.extend((code, s.pk) for s in sources(case, code) if s.pk not in present)
    return result


# --- Form data (context.EXTRA) ---------------------------------------------------------------------


def _tier(draft: DecisionDraft) -> str:
    from sanxiang.discretion.models import Tier

    item, _sep, order = draft.tier_code.partition("-")
    tier = None
    if item.isdigit() and order.isdigit():
        tier = Tier.objects.filter(item_id=int(item), order=int(order)).first()
    if tier is None:
        return draft.tier_code
    return f"{tier.circumstance}（{LEVEL_CN.get(tier.level, tier.level)}）"


def _draft(draft: DecisionDraft) -> dict[str, Any]:
    from sanxiang.documents.context import penalty_data

    within = {None: "无适用的裁量基准", True: "在裁量基准范围内", False: "超出裁量基准范围"}[draft.within_baseline]
    return {
        "version": draft.version, "penalty": penalty_data(draft.penalty)["text"], "facts": draft.facts_text,
        "basis": draft.legal_basis, "tier": _tier(draft), "within": within, "reason": draft.discretion_reason,
        "author": draft.author_label, "saved_cn": date_cn(timezone.localtime(draft.at).date()),
    }  # fmt: skip


def _counsel(opinion: ReviewOpinion) -> list[dict[str, Any]]:
    """Each referral of the reviewed submission to counsel, with counsel's written opinion once given."""
    referrals = (
        CounselReferral.objects.filter(submission=opinion.submission_id).select_related("counsel").order_by("at", "id")
    )
    answers = {a.referral_id: a for a in CounselOpinion.objects.filter(referral__in=referrals)}
    rows = []
    for referral in referrals:
        answer = answers.get(referral.pk)
        rows.append({
            "counsel": referral.counsel.full_name or referral.counsel_label, "question": referral.question, "text": answer.text if answer else "",
            "at_cn": date_cn(timezone.localtime(answer.at).date()) if answer else "",
        })  # fmt: skip
    return rows


def opinion_data(case: Case, data: dict[str, Any]) -> None:
    """法制审核意见书: the draft reviewed, the reviewer, each point's finding, counsel, the outcome."""
    opinion = ReviewOpinion.objects.select_related("submission__draft", "reviewer").get(
        pk=data["extra"]["source"], submission__case=case
    )
    findings = [
        {"point": POINT_CN.get(f.point, f.point), "finding": FINDING_CN.get(f.finding, f.finding), "notes": f.notes,
         "problem": f.finding == "problem"}
        for f in opinion.findings.order_by("id")
    ]  # fmt: skip
    data["source"] = {"kind": "review_opinion", "id": opinion.pk}
    data["review"] = {
        "draft": _draft(opinion.submission.draft), "reviewer": opinion.reviewer.full_name or opinion.reviewer_label,
        "qualification": opinion.reviewer.legal_qualification_no, "at_cn": date_cn(timezone.localtime(opinion.at).date()),
        "submitted_cn": date_cn(timezone.localtime(opinion.submission.at).date()), "findings": findings,
        "counsel": _counsel(opinion), "outcome": opinion.outcome, "outcome_text": OUTCOME_CN.get(opinion.outcome, ""),
        "summary": opinion.summary, "return_items": opinion.return_items,
        "problems": [f for f in findings if f["problem"]],
    }  # fmt: skip


def discussion_data(case: Case, data: dict[str, Any]) -> None:
    """集体讨论记录: when, who chaired and took part, the draft discussed, minutes, conclusion, sign-off."""
    discussion = CollectiveDiscussion.objects.select_related("draft", "signoff", "recorded_by", "chair").get(
        pk=data["extra"]["source"], case=case
    )
    signoff = discussion.signoff
    data["source"] = {"kind": "discussion", "id": discussion.pk}
    data["discussion"] = {
        "held_cn": date_cn(discussion.held_on), "chair": discussion.chair.full_name or discussion.chair_label,
        "participants": [str(p.get("name", "")) for p in discussion.participants], "draft": _draft(discussion.draft),
        "minutes": discussion.minutes, "conclusion": discussion.conclusion,
        "recorded_by": discussion.recorded_by.full_name,
        "signed_cn": date_cn(timezone.localtime(signoff.at).date()),
    }  # fmt: skip
