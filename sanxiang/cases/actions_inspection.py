"""Actions of the administrative inspection procedure (行政检查; APL Art. 42, 54, 55).

An inspection that finds a violation opens a lead in the general procedure
(``actions.case_register_lead``), linked both ways: the inspection records
``facts.opened_case_id``; the lead has ``source=inspection`` and the
inspection's number as ``source_detail``. Closing and archiving use the
general actions (``actions.case_close``, ``case_archive``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import guards_extra  # noqa: F401  (registers the gates these moves name)
from sanxiang.cases.actions import case_open, case_register_lead
from sanxiang.cases.engine import case_transition
from sanxiang.cases.models import Case, CaseSource, Party
from sanxiang.catalog.models import Violation
from sanxiang.lib.validation import field_error
from sanxiang.org.models import EnforcementCategory, Region, Unit, User
from sanxiang.procedures.definitions.inspection import (
    RESULT_RECTIFICATION_ORDERED,
    RESULT_VIOLATION_FOUND,
    RESULTS,
)


@transaction.atomic
def case_start_inspection(
    *,
    actor: User,
    source: CaseSource,
    unit: Unit,
    category: EnforcementCategory,
    region: Region,
    location: str,
    purpose: str,
    officers: Sequence[User],
    parties: Sequence[Party] = (),
    source_detail: str = "",
    place: str = "",
) -> Case:
    """Start an inspection by at least two qualified officers (APL Art. 42, 55); creates the case."""
    if not purpose.strip():
        raise field_error("purpose", _("State what the inspection is for."))
    case = case_open(
        procedure="inspection", source=source, unit=unit, category=category, region=region, location=location,
        summary=purpose, parties=parties, source_detail=source_detail,
    )  # fmt: skip
    handler_ids = list(dict.fromkeys(o.pk for o in officers))
    return case_transition(
        case=case, code="start_inspection", actor=actor, changes={"handlers": handler_ids},
        params={"handler_ids": handler_ids}, payload={"lead_number": case.lead_number}, place=place,
    )  # fmt: skip


@transaction.atomic
def case_record_inspection(
    *, actor: User, case: Case, inspected: str, content: str, recorded_at: dt.datetime, place: str
) -> Case:
    """现场检查笔录: what or whom was inspected and what was found (APL Art. 55)."""
    if not content.strip():
        raise field_error("content", _("The inspection record is empty."))
    payload = {"inspected": inspected.strip(), "content": content.strip(), "recorded_at": recorded_at.isoformat()}
    return case_transition(case=case, code="record_inspection", actor=actor, payload=payload, place=place)


def _open_lead(
    actor: User, inspection: Case, findings: str, violation: Violation | None, act_date: dt.date | None
) -> Case:
    """The general-procedure lead for a violation the inspection found (APL Art. 54)."""
    return case_register_lead(
        actor=actor,
        source=CaseSource.INSPECTION,
        source_detail=inspection.lead_number,
        unit=inspection.unit,
        category=inspection.category,
        region=inspection.region,
        location=inspection.location,
        summary=findings,
        discovered_on=timezone.localdate(),
        parties=list(inspection.parties.all()),
        violation=violation,
        act_date=act_date,
    )


@transaction.atomic
def case_conclude_inspection(
    *,
    actor: User,
    case: Case,
    result: str,
    findings: str,
    violation: Violation | None = None,
    act_date: dt.date | None = None,
    rectify_by: dt.date | None = None,
) -> Case:
    """Conclude with ``compliant``, ``violation_found`` (opens a general lead) or ``rectification_ordered``.

    For a violation, ``violation`` and ``act_date`` (the date of the act or its end) go to the lead,
    where 立案 needs them; ``rectification_ordered`` needs the date to rectify by.
    """
    if result not in RESULTS:
        raise field_error("result", _("Choose the result of the inspection."))
    if not findings.strip():
        raise field_error("findings", _("Record what the inspection found."))
    changes: dict[str, Any] = {"facts.result": result}
    if result == RESULT_RECTIFICATION_ORDERED:
        if rectify_by is None or rectify_by <= timezone.localdate():
            raise field_error("rectify_by", _("Set a future date by which the party must rectify."))
        changes["facts.rectify_by"] = rectify_by.isoformat()
    if result == RESULT_VIOLATION_FOUND:
        changes["facts.opened_case_id"] = _open_lead(actor, case, findings.strip(), violation, act_date).pk
    return case_transition(
        case=case, code="conclude_inspection", actor=actor, changes=changes, payload={"findings": findings.strip()}
    )
