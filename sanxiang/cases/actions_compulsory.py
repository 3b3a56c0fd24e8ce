"""Actions of the compulsory-measure procedure: sealing up (查封) or seizing (扣押) property (AEL Art. 18-28, 43).

Either the head approves the measure first (``case_approve_measure``) and
officers apply it (``case_apply_measure``), or officers take it on the spot
in an emergency (``case_emergency_measure``) and the head approves it
within 24 hours (``case_approve_emergency``, AEL Art. 19). The engine counts
days only, so the 24 hours are recorded as ``facts.report_due_at`` and
checked by the approval's gate. Closing and archiving use the general
actions (``actions.case_close``, ``case_archive``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import guards_extra  # noqa: F401  (registers the gates these moves name)
from sanxiang.cases.actions import case_open
from sanxiang.cases.engine import case_transition
from sanxiang.cases.models import Case, CaseSource, Deadline, Party
from sanxiang.lib.validation import field_error
from sanxiang.org.models import EnforcementCategory, Region, Unit, User
from sanxiang.procedures.definitions.compulsory import MEASURE_EXTENSION

#: 查封 (sealing up) and 扣押 (seizure), AEL Art. 9 (二)(三).
MEASURE_KINDS = frozenset({"seal", "seize"})
#: AEL Art. 19: an emergency measure is reported to the head within 24 hours.
EMERGENCY_REPORT_HOURS = 24
#: AEL Art. 28 (一)-(五): why a measure is released.
RELEASE_GROUNDS = frozenset({"no_violation", "unrelated", "decided", "period_expired", "not_needed"})
#: AEL Art. 27: what becomes of the items (confiscation by a penalty decision, destruction as a law requires,
#: transfer to the competent organ).
DISPOSALS = frozenset({"confiscate", "destroy", "transfer"})


@dataclasses.dataclass(frozen=True)
class MeasureSubject:
    """Where, against whom and on what the measure is taken (the fields a new measure case needs)."""

    source: CaseSource
    unit: Unit
    category: EnforcementCategory
    region: Region
    location: str
    reasons: str
    parties: Sequence[Party] = ()
    related_case: Case | None = None


def _open_measure(subject: MeasureSubject, measure: str, legal_basis: str) -> Case:
    if measure not in MEASURE_KINDS:
        raise field_error("measure", _("Choose sealing up or seizure."))
    if not legal_basis.strip():
        raise field_error("legal_basis", _("State the legal basis of the measure (AEL Art. 18, 24)."))
    if not subject.reasons.strip():
        raise field_error("reasons", _("State the reasons for the measure (AEL Art. 18, 24)."))
    related = subject.related_case
    return case_open(
        procedure="compulsory", source=subject.source, unit=subject.unit, category=subject.category,
        region=subject.region, location=subject.location, summary=subject.reasons, parties=subject.parties,
        source_detail=(related.number or related.lead_number) if related else "",
    )  # fmt: skip


def _measure_facts(measure: str, legal_basis: str, officers: Sequence[User], related: Case | None) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "handlers": list(dict.fromkeys(o.pk for o in officers)),
        "facts.measure_kind": measure,
        "facts.legal_basis": legal_basis.strip(),
    }
    if related is not None:
        changes["facts.related_case_id"] = related.pk
    return changes


def _on_site(items: Sequence[str], party_present: bool, witness: str, emergency_reason: str) -> dict[str, Any]:
    """The decision's list and the on-site record (AEL Art. 18 (四)-(八), 24, 43)."""
    cleaned = [item.strip() for item in items if item.strip()]
    if not cleaned:
        raise field_error("items", _("List the items sealed up or seized (AEL Art. 24)."))
    if not party_present and not witness.strip():
        raise field_error("witness", _("The party is absent: a witness signs the on-site record (AEL Art. 18)."))
    changes: dict[str, Any] = {
        "facts.items": cleaned,
        "facts.applied_on": timezone.localdate().isoformat(),
        "facts.party_present": party_present,
    }
    if emergency_reason.strip():
        changes["facts.emergency_reason"] = emergency_reason.strip()
    return changes


@transaction.atomic
def case_approve_measure(
    *, actor: User, subject: MeasureSubject, measure: str, legal_basis: str, officers: Sequence[User], place: str = ""
) -> Case:
    """The head's prior approval of a measure (AEL Art. 18 (一)); creates the case with the officers to apply it."""
    case = _open_measure(subject, measure, legal_basis)
    changes = _measure_facts(measure, legal_basis, officers, subject.related_case)
    changes.update({"facts.emergency": False, "facts.measure_approved": True})
    return case_transition(
        case=case, code="approve_measure", actor=actor, changes=changes, place=place,
        payload={"lead_number": case.lead_number, "reasons": subject.reasons.strip()},
    )  # fmt: skip


@transaction.atomic
def case_emergency_measure(
    *,
    actor: User,
    subject: MeasureSubject,
    measure: str,
    legal_basis: str,
    officers: Sequence[User],
    items: Sequence[str],
    emergency_reason: str,
    party_present: bool,
    witness: str = "",
    place: str = "",
) -> Case:
    """A measure taken on the spot in an emergency (AEL Art. 19): report and approval due within 24 hours.

    The recorded emergency is also what allows it at night or on a holiday
    (AEL Art. 43). Starts the 30-day period (AEL Art. 25).
    """
    if not emergency_reason.strip():
        raise field_error("emergency_reason", _("Record why the measure could not wait for approval (AEL Art. 19)."))
    case = _open_measure(subject, measure, legal_basis)
    changes = _measure_facts(measure, legal_basis, officers, subject.related_case)
    changes.update(_on_site(items, party_present, witness, emergency_reason))
    due = timezone.now() + dt.timedelta(hours=EMERGENCY_REPORT_HOURS)
    changes.update({"facts.emergency": True, "facts.measure_approved": False, "facts.report_due_at": due.isoformat()})
    params = {"handler_ids": changes["handlers"], "emergency_reason": emergency_reason}
    payload = {"lead_number": case.lead_number, "reasons": subject.reasons.strip(), "witness": witness.strip()}
    return case_transition(
        case=case, code="emergency_measure", actor=actor, changes=changes, params=params, payload=payload, place=place
    )


@transaction.atomic
def case_approve_emergency(*, actor: User, case: Case, opinion: str) -> Case:
    """The head approves an emergency measure afterwards, within 24 hours of it (AEL Art. 19)."""
    return case_transition(
        case=case, code="approve_emergency", actor=actor,
        changes={"facts.measure_approved": True, "facts.approved_at": timezone.now().isoformat()},
        payload={"opinion": opinion.strip()},
    )  # fmt: skip


@transaction.atomic
def case_apply_measure(
    *,
    actor: User,
    case: Case,
    items: Sequence[str],
    party_present: bool,
    witness: str = "",
    emergency_reason: str = "",
    place: str = "",
) -> Case:
    """Apply the approved measure on site: decision and list handed over (AEL Art. 18, 24); 30 days start (Art. 25).

    Not at night or on a statutory holiday unless ``emergency_reason`` records an emergency (AEL Art. 43).
    """
    changes = _on_site(items, party_present, witness, emergency_reason)
    return case_transition(
        case=case, code="apply_measure", actor=actor, changes=changes, params={"emergency_reason": emergency_reason},
        payload={"witness": witness.strip()}, place=place,
    )  # fmt: skip


def _period_due(case: Case) -> dt.date | None:
    period = Deadline.objects.filter(case=case, code="measure_period", closed_at__isnull=True).order_by("-id").first()
    return period.due_on if period else None


@transaction.atomic
def case_extend_measure(*, actor: User, case: Case, days: int, reasons: str, notice_served_on: dt.date) -> Case:
    """The head extends the measure once, by ≤ 30 days, before it ends; the party is told in writing (AEL Art. 25).

    The extension counts from the end of the first period.
    """
    if days < 1:
        raise field_error("days", _("The extension must be at least one day."))
    if not reasons.strip():
        raise field_error("reasons", _("Give the reasons for the extension."))
    if notice_served_on > timezone.localdate():
        raise field_error("notice_served_on", _("The service date cannot be in the future."))
    changes = {
        "facts.extended": True,
        "facts.extension_days": days,
        "facts.extension_notice_served_on": notice_served_on.isoformat(),
    }
    return case_transition(
        case=case, code="extend_measure", actor=actor, changes=changes, params={"days": days},
        payload={"reasons": reasons.strip()}, starts=(dataclasses.replace(MEASURE_EXTENSION, amount=days),),
        start_on=_period_due(case),
    )  # fmt: skip


@transaction.atomic
def case_release_measure(*, actor: User, case: Case, ground: str, note: str = "") -> Case:
    """解除: release the measure and return the items (AEL Art. 28), on one of its grounds."""
    if ground not in RELEASE_GROUNDS:
        raise field_error("ground", _("Choose the ground for releasing the measure."))
    return case_transition(
        case=case, code="release_measure", actor=actor,
        changes={"facts.release_ground": ground, "facts.released_on": timezone.localdate().isoformat()},
        payload={"note": note.strip()},
    )  # fmt: skip


@transaction.atomic
def case_decide_disposal(
    *, actor: User, case: Case, disposal: str, decision: str, penalty_case: Case | None = None
) -> Case:
    """处理决定 on the items within the measure's period (AEL Art. 27): confiscate, destroy or transfer."""
    if disposal not in DISPOSALS:
        raise field_error("disposal", _("Choose what becomes of the items."))
    if not decision.strip():
        raise field_error("decision", _("Record the decision on the items."))
    changes: dict[str, Any] = {"facts.disposal": disposal, "facts.disposed_on": timezone.localdate().isoformat()}
    if penalty_case is not None:
        changes["facts.penalty_case_id"] = penalty_case.pk
    return case_transition(
        case=case, code="decide_disposal", actor=actor, changes=changes, payload={"decision": decision.strip()}
    )
