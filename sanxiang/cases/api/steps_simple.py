"""The simple (on-the-spot) procedure through the API: the decision that creates the case, then one POST per step.

``POST /simple/decide_on_the_spot`` creates the case (201); the steps are
``POST /{case_id}/<code>`` like the general procedure's. Bank payments,
closing and archiving are the shared ``record_payment``, ``close`` and
``archive`` endpoints of ``steps``, which serve every procedure.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status
from pydantic import Field

from sanxiang.api_types import WRITE_ERRORS, Code, Day, Fen, InputSchema, text
from sanxiang.apitokens.auth import request_actor
from sanxiang.cases import actions, actions_simple
from sanxiang.cases.api.router import router
from sanxiang.cases.api.schemas import CaseDetailOut, CaseId, case_detail_out
from sanxiang.cases.api.steps import PartyIn, _by_code, _run, _staff, _step
from sanxiang.cases.models import CaseSource, Party
from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.org.models import EnforcementCategory, Region, Unit


def party_or_422(party: PartyIn, field: str = "party") -> Party:
    """The validated, unsaved party; a 422 whose errors are named ``<field>.<name>``."""
    try:
        return actions.party_build(**party.model_dump())
    except ValidationFailed as exc:
        errors = {f"{field}.{key}": messages for key, messages in exc.errors.items()}
        raise ValidationFailed(exc.message, errors) from None


class OnTheSpotIn(InputSchema):
    source: CaseSource = CaseSource.PATROL
    unit: Code = Field(description="Code of the handling unit.")
    category: Code = Field(description="Code of the enforcement category.")
    region: Code = Field(description="Code of the enforcement region.")
    location: str = text(200, required=True)
    summary: str = text(5000, required=True)
    act_date: Day | None = Field(None, description="Date of the act (or its end); today when omitted.")
    violation: Code | None = Field(None, description="Code of the violation: its penalty provisions are the basis.")
    party: PartyIn
    officers: list[Code] = Field(min_length=1, max_length=10, description="Login names; the first leads.")
    types: list[PenaltyType] = Field(min_length=1, max_length=8, description="A warning and/or a fine only.")
    fine_fen: Fen = 0
    form_number: str = text(64, description="Number of the pre-printed decision form (APL Art. 52).")
    facts_conclusive: bool = Field(description="The officers confirm the facts are conclusive (APL Art. 51).")
    party_signed: bool = True
    refusal_note: str = text(500, description="Required when the party refused to sign.")
    place: str = text(200)


@router.post(
    "/simple/decide_on_the_spot",
    response={201: CaseDetailOut, **WRITE_ERRORS},
    operation_id="case_decide_on_the_spot",
    summary="Decide a penalty on the spot (当场处罚)",
)
def case_decide_on_the_spot_api(request: HttpRequest, data: OnTheSpotIn) -> Status[CaseDetailOut]:
    """Creates a simple-procedure case, decided: ≤ 200 / 3,000 yuan, two officers, a pre-printed form number."""
    user = request_actor(request)
    case = actions_simple.case_decide_on_the_spot(
        actor=user, source=data.source,
        unit=_by_code(Unit, "unit", data.unit), category=_by_code(EnforcementCategory, "category", data.category),
        region=_by_code(Region, "region", data.region), location=data.location, summary=data.summary,
        act_date=data.act_date, violation=_by_code(Violation, "violation", data.violation, active=True),
        party=party_or_422(data.party), officers=_staff("officers", data.officers), types=data.types,
        fine_fen=data.fine_fen, form_number=data.form_number, facts_conclusive=data.facts_conclusive,
        party_signed=data.party_signed, refusal_note=data.refusal_note, place=data.place,
    )  # fmt: skip
    return Status(201, case_detail_out(user, case.pk))


class CashIn(InputSchema):
    receipt_no: str = text(64, description="Number of the finance department's official receipt (APL Art. 70).")
    hard_to_collect_reason: str = text(2000, description="Required above 100 yuan (APL Art. 68).")
    place: str = text(200)


@_step("collect_on_the_spot", "Collect the fine in cash on the spot (当场收缴)")
def case_collect_on_the_spot_api(request: HttpRequest, case_id: CaseId, data: CashIn) -> CaseDetailOut:
    """The whole fine in cash against the official receipt; it must be handed in within 2 working days."""
    return _run(request, case_id, actions_simple.case_collect_on_the_spot, **data.model_dump())


class HandInIn(InputSchema):
    received_by: str = text(100, required=True)


@_step("hand_in_cash", "Hand the cash in to the agency")
def case_hand_in_cash_api(request: HttpRequest, case_id: CaseId, data: HandInIn) -> CaseDetailOut:
    return _run(request, case_id, actions_simple.case_hand_in_cash, received_by=data.received_by)


class DepositIn(InputSchema):
    bank_receipt_no: str = text(64, required=True)


@_step("deposit_cash", "Deposit the cash at the bank")
def case_deposit_cash_api(request: HttpRequest, case_id: CaseId, data: DepositIn) -> CaseDetailOut:
    return _run(request, case_id, actions_simple.case_deposit_cash, bank_receipt_no=data.bank_receipt_no)


class FilingIn(InputSchema):
    note: str = text(2000)


@_step("file_record", "File the decision for record (备案)")
def case_file_record_api(request: HttpRequest, case_id: CaseId, data: FilingIn) -> CaseDetailOut:
    return _run(request, case_id, actions_simple.case_file_record, note=data.note)
