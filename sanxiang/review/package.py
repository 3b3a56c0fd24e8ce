"""The review package (法制审核材料): what the legal section receives with a draft, and what is missing.

Materials typically submitted (RULES.md §3.3): the draft decision, the investigation report, the
evidence, and the hearing record when a hearing was held (APL Art. 65). The package names them by
reference (event sequence numbers, evidence ids and fingerprints): the materials themselves stay in
the case's whole-process record.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.evidence.models import Evidence

#: Steps whose record is evidence (笔录, 现场检查/勘验, 证据登记保存) besides the stored files.
EVIDENCE_STEPS = ("record_transcript", "attach_evidence", "preserve_evidence")


def _last_event(case: Case, transition: str) -> CaseEvent | None:
    return case.events.filter(transition=transition).order_by("-seq").first()


def _evidence_list(case: Case) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for event in case.events.filter(transition__in=EVIDENCE_STEPS).order_by("seq"):
        payload = event.payload
        listed = "、".join(str(i) for i in payload.get("items", []))
        parts = [payload.get("kind", ""), payload.get("interviewee", ""), payload.get("description", ""), listed]
        text = " ".join(str(p) for p in parts if p) or event.transition
        items.append({"event": event.seq, "step": event.transition, "text": str(text)[:200]})
    for ev in Evidence.objects.filter(case=case).order_by("captured_at", "pk"):
        items.append({"evidence": ev.pk, "kind": ev.kind, "text": (ev.description or ev.original_name)[:200],
                      "sha256": ev.object_id})  # fmt: skip
    return items


def package_build(case: Case) -> tuple[dict[str, Any], list[str]]:
    """The package of ``case`` now, and the labels of the items still missing (empty: complete)."""
    package: dict[str, Any] = {}
    missing: list[str] = []
    report = _last_event(case, "conclude_investigation")
    if report is None:
        missing.append(_("Investigation report"))
    else:
        package["investigation_report"] = {"event": report.seq, "text": report.payload.get("report", ""),
                                           "proposal": report.payload.get("proposal", "")}  # fmt: skip
    evidence = _evidence_list(case)
    if evidence:
        package["evidence"] = evidence
    else:
        missing.append(_("Evidence list"))
    if case.facts.get("hearing_requested_on") or case.facts.get("hearing_held"):
        hearing = _last_event(case, "hold_hearing") if case.facts.get("hearing_held") else None
        if hearing is None:
            missing.append(_("Hearing record"))
        else:
            package["hearing_record"] = {"event": hearing.seq, "report": hearing.payload.get("report", "")}
    return package, missing
