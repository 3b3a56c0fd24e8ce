"""Administrative inspections through the API: the start that creates the case, then one POST per step.

``POST /inspection/start_inspection`` creates the case (201). Concluding
with ``violation_found`` opens a general-procedure lead, whose id the answer
gives as ``facts.opened_case_id``. Closing and archiving are the shared
``close`` and ``archive`` endpoints of ``steps``.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Status
from pydantic import Field

from sanxiang.api_types import WRITE_ERRORS, Code, Day, InputSchema, Moment, text
from sanxiang.apitokens.auth import request_actor
from sanxiang.cases import actions_inspection
from sanxiang.cases.api.router import router
from sanxiang.cases.api.schemas import CaseDetailOut, CaseId, case_detail_out
from sanxiang.cases.api.steps import PartyIn, _by_code, _parties, _run, _staff, _step, _writable
from sanxiang.cases.models import CaseSource
from sanxiang.catalog.models import Violation
from sanxiang.org.models import EnforcementCategory, Region, Unit

InspectionResult = Literal["compliant", "violation_found", "rectification_ordered"]


class InspectionStartIn(InputSchema):
    source: CaseSource = CaseSource.PATROL
    source_detail: str = text(200)
    unit: Code = Field(description="Code of the handling unit.")
    category: Code = Field(description="Code of the enforcement category.")
    region: Code = Field(description="Code of the enforcement region.")
    location: str = text(200, required=True)
    purpose: str = text(5000, required=True)
    officers: list[Code] = Field(min_length=1, max_length=10, description="Login names; the first leads.")
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    place: str = text(200)


@router.post(
    "/inspection/start_inspection",
    response={201: CaseDetailOut, **WRITE_ERRORS},
    operation_id="case_start_inspection",
    summary="Start an inspection (行政检查)",
)
def case_start_inspection_api(request: HttpRequest, data: InspectionStartIn) -> Status[CaseDetailOut]:
    """Creates an inspection case carried out by at least two qualified officers (APL Art. 42, 55)."""
    user = request_actor(request)
    case = actions_inspection.case_start_inspection(
        actor=user, source=data.source, source_detail=data.source_detail,
        unit=_by_code(Unit, "unit", data.unit), category=_by_code(EnforcementCategory, "category", data.category),
        region=_by_code(Region, "region", data.region), location=data.location, purpose=data.purpose,
        officers=_staff("officers", data.officers), parties=_parties(data.parties), place=data.place,
    )  # fmt: skip
    return Status(201, case_detail_out(user, case.pk))


class InspectionRecordIn(InputSchema):
    inspected: str = text(200)
    content: str = text(20000, required=True)
    recorded_at: Moment
    place: str = text(200)


@_step("record_inspection", "Record the on-site inspection (现场检查笔录)")
def case_record_inspection_api(request: HttpRequest, case_id: CaseId, data: InspectionRecordIn) -> CaseDetailOut:
    return _run(request, case_id, actions_inspection.case_record_inspection, **data.model_dump())


class InspectionConclusionIn(InputSchema):
    result: InspectionResult
    findings: str = text(5000, required=True)
    violation: Code | None = Field(None, description="violation_found: code of the violation, of the case's category.")
    act_date: Day | None = Field(None, description="violation_found: date of the act (or its end).")
    rectify_by: Day | None = Field(None, description="rectification_ordered: a future date.")


@_step("conclude_inspection", "Conclude the inspection")
def case_conclude_inspection_api(request: HttpRequest, case_id: CaseId, data: InspectionConclusionIn) -> CaseDetailOut:
    """Compliant, rectification ordered, or a violation found, which opens a lead in the general procedure."""
    user, case = _writable(request, case_id)
    violation = _by_code(Violation, "violation", data.violation, active=True, category_id=case.category_id)
    actions_inspection.case_conclude_inspection(
        actor=user, case=case, result=data.result, findings=data.findings, violation=violation,
        act_date=data.act_date, rectify_by=data.rectify_by,
    )  # fmt: skip
    return case_detail_out(user, case.pk)
