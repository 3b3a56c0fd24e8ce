"""Compulsory measures (查封/扣押) through the API: the two ways a measure starts, then one POST per step.

``POST /compulsory/approve_measure`` (a head's prior approval) and
``POST /compulsory/emergency_measure`` (taken on the spot, approved within
24 hours) create the case (201). Closing and archiving are the shared
``close`` and ``archive`` endpoints of ``steps``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from pydantic import Field

from sanxiang.api_types import MAX_ID, WRITE_ERRORS, Code, Day, InputSchema, Line, text
from sanxiang.apitokens.auth import request_actor
from sanxiang.cases import actions_compulsory
from sanxiang.cases.access import case_list_for_user
from sanxiang.cases.actions_compulsory import MeasureSubject
from sanxiang.cases.api.router import router
from sanxiang.cases.api.schemas import CaseDetailOut, CaseId, case_detail_out
from sanxiang.cases.api.steps import PartyIn, _by_code, _parties, _run, _staff, _step, _writable
from sanxiang.cases.models import Case, CaseSource
from sanxiang.lib.validation import field_error
from sanxiang.org.models import EnforcementCategory, Region, Unit, User

MeasureKind = Literal["seal", "seize"]
ReleaseGround = Literal["no_violation", "unrelated", "decided", "period_expired", "not_needed"]
Disposal = Literal["confiscate", "destroy", "transfer"]
#: The largest extension the schema accepts; the gate refuses anything above 30 days with the statute's words.
MAX_EXTENSION_INPUT = 366


def _readable(user: User, field: str, case_id: int | None) -> Case | None:
    """The case ``case_id`` that ``user`` may read (None for None), or a 422 naming ``field``."""
    if case_id is None:
        return None
    case = case_list_for_user(user).filter(pk=case_id).first()
    if case is None:
        raise field_error(field, _("No case you may read has the id %(id)s.") % {"id": case_id})
    return case


class MeasureIn(InputSchema):
    source: CaseSource = CaseSource.PATROL
    unit: Code = Field(description="Code of the handling unit.")
    category: Code = Field(description="Code of the enforcement category.")
    region: Code = Field(description="Code of the enforcement region.")
    location: str = text(200, required=True)
    reasons: str = text(5000, required=True)
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    related_case: int | None = Field(None, ge=1, le=MAX_ID, description="Id of the case the measure serves.")
    measure: MeasureKind
    legal_basis: str = text(2000, required=True)
    officers: list[Code] = Field(min_length=1, max_length=10, description="Login names of the officers to apply it.")
    place: str = text(200)


class EmergencyMeasureIn(MeasureIn):
    items: list[Line] = Field(min_length=1, max_length=100)
    emergency_reason: str = text(2000, required=True, description="Why it could not wait for approval.")
    party_present: bool
    witness: str = text(100, description="Required when the party is absent.")


def _subject(user: User, data: MeasureIn) -> MeasureSubject:
    return MeasureSubject(
        source=data.source, unit=_by_code(Unit, "unit", data.unit),
        category=_by_code(EnforcementCategory, "category", data.category),
        region=_by_code(Region, "region", data.region), location=data.location, reasons=data.reasons,
        parties=_parties(data.parties), related_case=_readable(user, "related_case", data.related_case),
    )  # fmt: skip


def _measure(user: User, data: MeasureIn) -> dict[str, Any]:
    """The arguments both starts share."""
    return {
        "actor": user,
        "subject": _subject(user, data),
        "measure": data.measure,
        "legal_basis": data.legal_basis,
        "officers": _staff("officers", data.officers),
        "place": data.place,
    }


@router.post(
    "/compulsory/approve_measure",
    response={201: CaseDetailOut, **WRITE_ERRORS},
    operation_id="case_approve_measure",
    summary="Approve a compulsory measure (查封/扣押 approval)",
)
def case_approve_measure_api(request: HttpRequest, data: MeasureIn) -> Status[CaseDetailOut]:
    """A head approves a measure beforehand (AEL Art. 18 (一)); creates the case with the officers to apply it."""
    user = request_actor(request)
    case = actions_compulsory.case_approve_measure(**_measure(user, data))
    return Status(201, case_detail_out(user, case.pk))


@router.post(
    "/compulsory/emergency_measure",
    response={201: CaseDetailOut, **WRITE_ERRORS},
    operation_id="case_emergency_measure",
    summary="Take a compulsory measure in an emergency",
)
def case_emergency_measure_api(request: HttpRequest, data: EmergencyMeasureIn) -> Status[CaseDetailOut]:
    """Taken on the spot (AEL Art. 19): the head must approve it within 24 hours; the 30-day period starts."""
    user = request_actor(request)
    case = actions_compulsory.case_emergency_measure(
        **_measure(user, data), items=data.items, emergency_reason=data.emergency_reason,
        party_present=data.party_present, witness=data.witness,
    )  # fmt: skip
    return Status(201, case_detail_out(user, case.pk))


class OpinionIn(InputSchema):
    opinion: str = text(2000)


@_step("approve_emergency", "Approve the emergency measure afterwards")
def case_approve_emergency_api(request: HttpRequest, case_id: CaseId, data: OpinionIn) -> CaseDetailOut:
    """Within 24 hours of the emergency measure (AEL Art. 19)."""
    return _run(request, case_id, actions_compulsory.case_approve_emergency, opinion=data.opinion)


class ApplyIn(InputSchema):
    items: list[Line] = Field(min_length=1, max_length=100)
    party_present: bool
    witness: str = text(100, description="Required when the party is absent.")
    emergency_reason: str = text(2000, description="Allows the measure at night or on a statutory holiday.")
    place: str = text(200)


@_step("apply_measure", "Apply the measure on site")
def case_apply_measure_api(request: HttpRequest, case_id: CaseId, data: ApplyIn) -> CaseDetailOut:
    """Not at night (22:00-06:00) nor on a statutory holiday unless an emergency is recorded (AEL Art. 43)."""
    return _run(request, case_id, actions_compulsory.case_apply_measure, **data.model_dump())


class ExtensionIn(InputSchema):
    days: int = Field(ge=1, le=MAX_EXTENSION_INPUT, description="At most 30 (AEL Art. 25).")
    reasons: str = text(5000, required=True)
    notice_served_on: Day


@_step("extend_measure", "Extend the measure (approval)")
def case_extend_measure_api(request: HttpRequest, case_id: CaseId, data: ExtensionIn) -> CaseDetailOut:
    """Once, by at most 30 days, before the period ends; the party is told in writing (AEL Art. 25)."""
    return _run(request, case_id, actions_compulsory.case_extend_measure, **data.model_dump())


class ReleaseIn(InputSchema):
    ground: ReleaseGround
    note: str = text(2000)


@_step("release_measure", "Release the measure (解除)")
def case_release_measure_api(request: HttpRequest, case_id: CaseId, data: ReleaseIn) -> CaseDetailOut:
    return _run(request, case_id, actions_compulsory.case_release_measure, ground=data.ground, note=data.note)


class DisposalIn(InputSchema):
    disposal: Disposal
    decision: str = text(5000, required=True)
    penalty_case: int | None = Field(None, ge=1, le=MAX_ID, description="Id of the penalty case, if any.")


@_step("decide_disposal", "Decide what becomes of the items")
def case_decide_disposal_api(request: HttpRequest, case_id: CaseId, data: DisposalIn) -> CaseDetailOut:
    """Within the measure's period (AEL Art. 27): confiscate, destroy or transfer."""
    user, case = _writable(request, case_id)
    actions_compulsory.case_decide_disposal(
        actor=user, case=case, disposal=data.disposal, decision=data.decision,
        penalty_case=_readable(user, "penalty_case", data.penalty_case),
    )  # fmt: skip
    return case_detail_out(user, case.pk)
