"""What a case's publication says, built from the case data and redacted (RULES.md §3.1 事后公开, §10).

``case_known`` collects the natural persons' data the case holds (to remove or
mask); ``decision_content`` builds the title, the public fields (执法机关、执法对象、
执法类别、执法结论…) and the redacted text; ``original_text`` is the same text
unredacted, shown to the publicity officer beside the redacted one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, PartyKind
from sanxiang.cases.penalties import Penalty
from sanxiang.publicity.models import PublicationKind
from sanxiang.publicity.redaction import Known, mask_name, redact

#: Keys of event payloads that name natural persons other than the party (transcripts, service, hearings).
_THIRD_PARTY_KEYS = ("interviewee", "recipient", "witness", "witnesses", "agent", "presider", "received_by")


@dataclass(frozen=True)
class Content:
    kind: str
    title: str
    fields: dict[str, Any]
    body: str
    original: str


def case_known(case: Case) -> Known:
    """The natural persons' data ``case`` holds: parties (masked or removed), third parties, numbers, addresses."""
    known = Known()
    for party in case.parties.all():
        known.add_values([party.id_number, party.address, party.phone])
        if party.kind == PartyKind.PERSON:
            masked = mask_name(party.name) if settings.PUBLICITY_MASK_PERSON_NAMES else party.name
            known.masked_names[party.name] = masked
        elif party.legal_representative:
            known.removed_names.add(party.legal_representative)
    for payload in case.events.values_list("payload", flat=True):
        for key in _THIRD_PARTY_KEYS:
            value = payload.get(key) if isinstance(payload, dict) else None
            names = value if isinstance(value, list) else [value]
            known.removed_names.update(str(n).strip() for n in names if n and str(n).strip())
    return known


def decision_kind(case: Case) -> str | None:
    """The publication kind of the case's outcome, or None when it has none to publish yet."""
    if case.facts.get("decided_penalty") and case.facts.get("decided_on"):
        return PublicationKind.PENALTY
    if case.facts.get("no_penalty_ground") and case.facts.get("decided_on"):
        return PublicationKind.OTHER_DECISION
    if case.facts.get("result") and case.procedure == "inspection":
        return PublicationKind.INSPECTION
    return None


def decision_date(case: Case) -> dt.date | None:
    """The day the decision (or inspection result) was made, from which the publication period counts."""
    if case.facts.get("decided_on"):
        return dt.date.fromisoformat(str(case.facts["decided_on"]))
    event = case.events.filter(transition="conclude_inspection").order_by("-seq").first()
    return event.at.date() if event else None


def _public_party(case: Case, known: Known) -> str:
    names = []
    for party in case.parties.all():
        names.append(known.masked_names.get(party.name, party.name) if party.kind == PartyKind.PERSON else party.name)
    return "、".join(names)


def _outcome(case: Case, kind: str) -> str:
    if kind == PublicationKind.PENALTY:
        return Penalty.from_json(case.facts["decided_penalty"]).describe()
    if kind == PublicationKind.OTHER_DECISION:
        return _("No penalty (%(ground)s)") % {"ground": case.facts.get("no_penalty_ground", "")}
    return str(case.facts.get("result", ""))


def _reasons(case: Case) -> str:
    step = {"penalty": "decide", "other_decision": "decide_no_penalty"}
    codes = [*step.values(), "decide_on_the_spot", "conclude_inspection"]
    event = case.events.filter(transition__in=codes).order_by("-seq").first()
    if event is None:
        return ""
    return str(event.payload.get("reasons") or event.payload.get("findings") or "")


#: The documents whose number is the decision's 文号 (the 决定书 of each procedure).
DECISION_DOCUMENTS = ("penalty_decision", "no_penalty_decision", "on_the_spot_decision")


def decision_document_number(case: Case) -> str:
    """The 文号 of the case's latest issued, not voided 决定书; "" before one is issued (the case number stands in)."""
    from sanxiang.documents.models import IssuedDocument

    document = (
        IssuedDocument.objects.filter(case=case, doc_type__in=DECISION_DOCUMENTS, voided__isnull=True)
        .exclude(number="")
        .order_by("-issued_at", "-pk")
        .first()
    )
    return document.number if document is not None else ""


def decision_content(case: Case) -> Content:
    """Build the publication of ``case``'s decision; raise ``ValueError`` when it has no decision."""
    kind = decision_kind(case)
    if kind is None:
        raise ValueError("the case has no decision to publish")
    known = case_known(case)
    agency = case.unit.agency
    violation = case.violation
    decided = decision_date(case)
    fields = {
        "decision_number": decision_document_number(case) or case.number or case.lead_number,
        "agency": agency.name,
        "unit": case.unit.name,
        "party": _public_party(case, known),
        "category": case.category.name,
        "violation": violation.title if violation else "",
        "basis": violation.penalty_provisions if violation else "",
        "outcome": _outcome(case, kind),
        "decided_on": decided.isoformat() if decided else "",
    }
    original = "\n".join(part for part in (case.summary, _reasons(case)) if part)
    title = _("%(agency)s: %(kind)s %(number)s") % {
        "agency": agency.short_name or agency.name,
        "kind": PublicationKind(kind).label,
        "number": fields["decision_number"],
    }
    return Content(kind=kind, title=title, fields=fields, body=redact(original, known), original=original)
