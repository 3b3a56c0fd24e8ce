"""The data a form is filled from: a JSON-able dict built from the case, its event and the agency.

Everything the template prints comes from here, so the rendering stays a
pure function of this dict (``rendering.render_document``) and the dict is
kept with the issued document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.cases.penalties import Penalty
from sanxiang.documents.formatting import date_cn, yuan, yuan_capital

PENALTY_CN = {
    "warning": "警告",
    "criticism": "通报批评",
    "fine": "罚款",
    "confiscate_income": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_licence": "暂扣许可证件、降低资质等级",
    "revoke_licence": "吊销许可证件",
    "restrict_activity": "限制开展生产经营活动、责令停产停业、责令关闭、限制从业",
}
SOURCE_CN = {
    "patrol": "巡查发现",
    "complaint": "投诉举报",
    "hotline": "12345热线",
    "referral": "移送",
    "inspection": "检查发现",
}
NO_PENALTY_CN = {
    "minor_corrected": ("违法行为轻微并及时改正，没有造成危害后果。", "《中华人民共和国行政处罚法》第三十三条第一款"),
    "first_offence": ("当事人初次违法且危害后果轻微并及时改正。", "《中华人民共和国行政处罚法》第三十三条第一款"),
    "no_fault": ("当事人有证据足以证明没有主观过错。", "《中华人民共和国行政处罚法》第三十三条第二款"),
    "facts_not_established": ("违法事实不能成立。", "《中华人民共和国行政处罚法》第五十七条第一款第三项"),
    "under_14": ("当事人不满十四周岁。", "《中华人民共和国行政处罚法》第三十条"),
    "limitation": ("违法行为在二年内未被发现。", "《中华人民共和国行政处罚法》第三十六条"),
}
SERVICE_CN = {
    "direct": "直接送达",
    "left": "留置送达",
    "mail": "邮寄送达",
    "electronic": "电子送达",
    "public_notice": "公告送达",
}
MEASURE_CN = {"seal": "查封", "seize": "扣押"}
#: AEL Art. 28 para 1 (一)-(五).
RELEASE_CN = {
    "no_violation": "当事人没有违法行为",
    "unrelated": "查封、扣押的场所、设施或者财物与违法行为无关",
    "decided": "对违法行为已经作出处理决定，不再需要查封、扣押",
    "period_expired": "查封、扣押期限已经届满",
    "not_needed": "不再需要采取查封、扣押措施",
}


def _at_cn(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{date_cn(local.date())}{local.hour}时{local.minute:02d}分"


def penalty_data(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The penalty as the decision prints it: types in Chinese, amounts in figures and capitals."""
    penalty = Penalty.from_json(dict(raw or {}))
    parts = []
    for kind in sorted(penalty.types):
        if kind == "fine":
            parts.append(f"罚款人民币{yuan(penalty.fine_fen)}元（大写：{yuan_capital(penalty.fine_fen)}）")
        elif kind in ("confiscate_income", "confiscate_property") and penalty.confiscation_fen:
            parts.append(f"{PENALTY_CN[kind]}人民币{yuan(penalty.confiscation_fen)}元")
        else:
            parts.append(PENALTY_CN[kind])
    return {"text": "；".join(parts) or "—", "fine_fen": penalty.fine_fen, "confiscation_fen": penalty.confiscation_fen}


def _agency(case: Case) -> dict[str, Any]:
    agency = case.unit.agency
    return {"name": agency.name, "address": agency.address, "phone": agency.phone, "credit_code": agency.credit_code}


def _parties(case: Case) -> list[dict[str, Any]]:
    fields = ("name", "kind", "id_type", "id_number", "address", "phone", "legal_representative")
    return [{f: getattr(p, f) for f in fields} for p in case.parties.order_by("pk")]


def _handlers(case: Case) -> list[dict[str, Any]]:
    rows = []
    for link in case.handler_links.select_related("user").order_by("-role", "user_id"):
        cert = link.user.certificates.order_by("-valid_to").first()
        rows.append({"name": link.user.full_name, "cert": cert.number if cert else "—"})
    return rows


def _case(case: Case) -> dict[str, Any]:
    return {
        "number": case.number or "", "lead_number": case.lead_number, "location": case.location,
        "summary": case.summary, "summary_intro": "", "source_text": SOURCE_CN.get(case.source, case.source),
        "source_detail": case.source_detail, "act_cn": date_cn(case.act_date),
        "registered_cn": date_cn(case.registered_on), "discovered_cn": date_cn(case.discovered_on),
    }  # fmt: skip


def _violation(case: Case) -> dict[str, Any]:
    v = case.violation
    if v is None:
        return {"title": "", "violated": "", "penalty_provisions": ""}
    return {"title": v.title, "violated": v.violated_provisions, "penalty_provisions": v.penalty_provisions}


def _event(event: CaseEvent | None) -> dict[str, Any]:
    if event is None:
        return {"payload": {}, "payload_items": []}
    payload = dict(event.payload)
    return {
        "transition": event.transition, "at_cn": _at_cn(event.at), "place": event.place, "actor": event.actor_label,
        "payload": payload, "payload_items": [(k, v) for k, v in payload.items() if isinstance(v, str | int) and v],
        "label": event.transition,
    }  # fmt: skip


def _evidence(case: Case) -> list[str]:
    items = []
    for event in case.events.filter(transition__in=("record_transcript", "attach_evidence")).order_by("seq"):
        if event.transition == "record_transcript":
            kind = "询问笔录" if event.payload.get("kind") == "questioning" else "现场检查（勘验）笔录"
            items.append(f"{kind}（{event.payload.get('interviewee', '')}）")
        else:
            items.append(str(event.payload.get("description", "")))
    return items


def _remedy(case: Case) -> dict[str, Any]:
    body = case.unit.agency.review_body or settings.DOCUMENT_REVIEW_BODY
    return {"review_body": body, "court": settings.DOCUMENT_COURT, "review_days": 60, "litigation_months": 6}


def _measure(case: Case) -> dict[str, Any]:
    facts = case.facts
    ground = str(facts.get("release_ground", ""))
    return {
        "name": MEASURE_CN.get(str(facts.get("measure_kind", "")), "查封（扣押）"), "basis": facts.get("legal_basis", ""),
        "items": list(facts.get("items", [])), "applied_cn": date_cn(facts.get("applied_on")),
        "release_text": RELEASE_CN.get(ground, ground),
    }  # fmt: skip


def _last_event(case: Case, transition: str) -> CaseEvent | None:
    return case.events.filter(transition=transition).order_by("-seq").first()


def base_data(case: Case, event: CaseEvent | None, on: dt.date) -> dict[str, Any]:
    """The fields every form may print."""
    statement = _last_event(case, "record_statement")
    decide = _last_event(case, "decide") or _last_event(case, "decide_no_penalty")
    return {
        "agency": _agency(case), "case": _case(case), "parties": _parties(case), "handlers": _handlers(case),
        "violation": _violation(case), "facts": dict(case.facts), "event": _event(event),
        "evidence": _evidence(case), "remedy": _remedy(case), "date_cn": date_cn(on),
        "penalty": penalty_data(case.facts.get("decided_penalty") or case.facts.get("notified_penalty")),
        "statement": dict(statement.payload) if statement else None,
        "reasons": str(decide.payload.get("reasons", "")) if decide else "",
        "measure": _measure(case),
    }  # fmt: skip


# --- Per-type additions ----------------------------------------------------------------------------


def _prior_notice(case: Case, data: dict[str, Any]) -> None:
    data["penalty"] = penalty_data(case.facts.get("notified_penalty"))
    data["hearing_eligible"] = bool(case.facts.get("hearing_eligible"))
    data["statement_days"] = settings.STATEMENT_WINDOW_WORKING_DAYS


def _no_penalty(case: Case, data: dict[str, Any]) -> None:
    text, basis = NO_PENALTY_CN.get(str(case.facts.get("no_penalty_ground")), ("", "《中华人民共和国行政处罚法》"))
    data["no_penalty"] = {"ground_text": text, "basis": basis}


def _transcript(case: Case, data: dict[str, Any]) -> None:
    payload = data["event"]["payload"]
    recorded = payload.get("recorded_at")
    data["transcript"] = {
        "kind": payload.get("kind", "inspection"),
        "interviewee": payload.get("interviewee") or payload.get("inspected") or payload.get("witness", ""),
        "content": payload.get("content") or "、".join(data["measure"]["items"]),
        "recorded_cn": _at_cn(dt.datetime.fromisoformat(recorded)) if recorded else data["event"].get("at_cn", ""),
    }


def _hearing(case: Case, data: dict[str, Any]) -> None:
    from sanxiang.org.models import User

    presider = User.objects.filter(pk=case.facts.get("hearing_presider_id")).first()
    schedule = _last_event(case, "schedule_hearing")
    data["hearing"] = {
        "on_cn": date_cn(case.facts.get("hearing_on")),
        "presider": presider.full_name if presider else "—",
        "place": schedule.payload.get("place", "") if schedule else "",
    }


def _preservation(case: Case, data: dict[str, Any]) -> None:
    event = _last_event(case, "preserve_evidence")
    data["preservation"] = {"on_cn": date_cn(timezone.localtime(event.at).date()) if event else ""}


def _handling(case: Case, data: dict[str, Any]) -> None:
    concluded = _last_event(case, "conclude_investigation")
    data["proposal"] = concluded.payload.get("proposal", "") if concluded else ""


def _closing(case: Case, data: dict[str, Any]) -> None:
    outcomes = {"served": "已作出行政处罚决定并送达", "executed": "已执行完毕", "transferred": "已移送",
                "no_penalty": "不予行政处罚"}  # fmt: skip
    data["outcome"] = outcomes.get(case.state, data["penalty"]["text"])
    paid = int(case.facts.get("paid_fen", 0))
    data["execution"] = f"已缴纳人民币{yuan(paid)}元" if paid else "—"


def _demand(case: Case, data: dict[str, Any]) -> None:
    owed = data["penalty"]["fine_fen"] + data["penalty"]["confiscation_fen"] - int(case.facts.get("paid_fen", 0))
    data["owed_fen"] = max(owed, 0)
    data["owed_yuan"] = yuan(max(owed, 0))


def _service(case: Case, data: dict[str, Any]) -> None:
    service = dict(case.facts.get("service") or {})
    extra = data.get("extra", {})
    method = str(extra.get("method") or service.get("method", "direct"))
    data["service"] = {
        "method_text": SERVICE_CN.get(method, method),
        "recipient": extra.get("recipient") or service.get("recipient", ""),
        "served_cn": date_cn(extra.get("served_on") or service.get("served_on")),
        "place": extra.get("place", ""),
        "note": extra.get("note", ""),
    }


def _review_opinion(case: Case, data: dict[str, Any]) -> None:
    from sanxiang.documents.review_sources import opinion_data

    opinion_data(case, data)


def _discussion(case: Case, data: dict[str, Any]) -> None:
    from sanxiang.documents.review_sources import discussion_data

    discussion_data(case, data)


EXTRA = {
    "prior_notice": _prior_notice,
    "no_penalty_decision": _no_penalty,
    "transcript": _transcript,
    "inspection_record": _transcript,
    "onsite_record": _transcript,
    "hearing_notice": _hearing,
    "hearing_record": _hearing,
    "preservation_decision": _preservation,
    "handling_approval": _handling,
    "closing_report": _closing,
    "demand_notice": _demand,
    "enforcement_application": _demand,
    "service_receipt": _service,
    "legal_review_opinion": _review_opinion,
    "collective_discussion": _discussion,
}


def build_data(
    case: Case,
    code: str,
    *,
    event: CaseEvent | None,
    on: dt.date,
    related: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The form data of document type ``code``; ``related`` holds other documents (served, decision, corrected)."""
    data = base_data(case, event, on)
    data["extra"] = dict(extra or {})
    data.update(dict(related or {}))
    builder = EXTRA.get(code)
    if builder is not None:
        builder(case, data)
    return data
