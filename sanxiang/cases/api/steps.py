"""Changing cases: a new lead, and one POST per step of the general procedure, each answering the case detail.

Each endpoint has its own input schema (amounts in integer fen, dates in ISO
8601, unknown fields refused), gets the case through ``case_get_for_user``
with ``need_write`` (missing and not allowed are both 404), and calls the
typed action, whose refusals ``sanxiang.api`` turns into 4xx answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from pydantic import Field

from sanxiang.api_types import WRITE_ERRORS, Code, Day, Fen, InputSchema, Line, Moment, text
from sanxiang.apitokens.auth import request_actor
from sanxiang.cases import actions
from sanxiang.cases.access import case_get_for_user
from sanxiang.cases.api.router import router
from sanxiang.cases.api.schemas import CaseDetailOut, CaseId, case_detail_out
from sanxiang.cases.models import Case, CaseSource, IdType, Party, PartyKind
from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.lib.validation import field_error
from sanxiang.org.models import EnforcementCategory, Region, Unit, User

ServiceMethod = Literal["direct", "left", "mail", "electronic", "public_notice"]
NoPenaltyGround = Literal[
    "minor_corrected", "first_offence", "no_fault", "facts_not_established", "under_14", "limitation"
]


# --- Lookups -------------------------------------------------------------------------------------


def _writable(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = request_actor(request)
    return user, case_get_for_user(user, case_id, need_write=True)


def _by_code(model: type[Model], field: str, code: str | None, **filters: Any) -> Any:
    """The row whose ``code`` is ``code`` (None for None), or a 422 naming ``field``."""
    if code is None:
        return None
    row = model._default_manager.filter(code=code, **filters).first()
    if row is None:
        raise field_error(field, _("Nothing in use has the code %(code)s.") % {"code": code})
    return row


def _staff(field: str, usernames: Sequence[str]) -> list[User]:
    """Active staff by login name, in the given order; a 422 naming the unknown ones."""
    found = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    unknown = [name for name in usernames if name not in found]
    if unknown:
        raise field_error(
            field, _("No active staff member has the login name %(names)s.") % {"names": ", ".join(unknown)}
        )
    return [found[name] for name in usernames]


# --- Lead ----------------------------------------------------------------------------------------


class PartyIn(InputSchema):
    kind: PartyKind
    name: str = text(100, required=True)
    id_type: IdType
    id_number: str = text(40, required=True)
    address: str = text(200)
    phone: str = text(20)
    legal_representative: str = text(50)
    is_minor: bool = False


class LeadIn(InputSchema):
    procedure: Literal["general"] = "general"
    source: CaseSource
    source_detail: str = text(200)
    unit: Code = Field(description="Code of the handling unit.")
    category: Code = Field(description="Code of the enforcement category.")
    region: Code = Field(description="Code of the enforcement region.")
    location: str = text(200, required=True)
    summary: str = text(5000, required=True)
    discovered_on: Day
    act_date: Day | None = None
    violation: Code | None = Field(None, description="Code of the violation in the catalogue.")
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    place: str = text(200)


def _parties(parties: list[PartyIn]) -> list[Party]:
    built = []
    for index, party in enumerate(parties):
        try:
            built.append(actions.party_build(**party.model_dump()))
        except ValidationFailed as exc:
            errors = {f"parties.{index}.{key}": msgs for key, msgs in exc.errors.items()}
            raise ValidationFailed(exc.message, errors) from None
    return built


@router.post(
    "/", response={201: CaseDetailOut, **WRITE_ERRORS}, operation_id="case_register_lead", summary="Register a lead"
)
def case_register_lead_api(request: HttpRequest, data: LeadIn) -> Status[CaseDetailOut]:
    """案源登记: a new lead with its parties; officers register leads of their own unit."""
    user = request_actor(request)
    case = actions.case_register_lead(
        actor=user,
        procedure=data.procedure,
        source=data.source,
        source_detail=data.source_detail,
        unit=_by_code(Unit, "unit", data.unit),
        category=_by_code(EnforcementCategory, "category", data.category),
        region=_by_code(Region, "region", data.region),
        location=data.location,
        summary=data.summary,
        discovered_on=data.discovered_on,
        act_date=data.act_date,
        violation=_by_code(Violation, "violation", data.violation, active=True),
        parties=_parties(data.parties),
        place=data.place,
    )
    return Status(201, case_detail_out(user, case.pk))


# --- Steps ---------------------------------------------------------------------------------------


def _step(code: str, summary: str) -> Callable[[Callable[..., CaseDetailOut]], Callable[..., CaseDetailOut]]:
    """Register a POST /{case_id}/<code> endpoint answering the case detail (each is one operation)."""
    return router.post(
        f"/{{case_id}}/{code}",
        response={200: CaseDetailOut, **WRITE_ERRORS},
        operation_id=f"case_{code}",
        summary=summary,
    )


def _run(request: HttpRequest, case_id: int, action: Callable[..., Case], **arguments: Any) -> CaseDetailOut:
    """Get the case for writing, run ``action`` on it as the caller, and answer the fresh detail."""
    user, case = _writable(request, case_id)
    action(actor=user, case=case, **arguments)
    return case_detail_out(user, case.pk)


class RegisterIn(InputSchema):
    handlers: list[Code] = Field(min_length=1, max_length=10, description="Login names; the first leads.")
    violation: Code | None = Field(None, description="Code of the violation, if not chosen at the lead.")
    harmful_consequences: bool = False
    limitation_override_reason: str = text(500)
    place: str = text(200)


@_step("register", "Register the case (立案)")
def case_register_api(request: HttpRequest, case_id: CaseId, data: RegisterIn) -> CaseDetailOut:
    """A head approves the lead: two qualified handlers, the case number, the 90-day decision period."""
    return _run(
        request, case_id, actions.case_register,
        handlers=_staff("handlers", data.handlers),
        violation=_by_code(Violation, "violation", data.violation, active=True),
        harmful_consequences=data.harmful_consequences,
        limitation_override_reason=data.limitation_override_reason,
        place=data.place,
    )  # fmt: skip


class ReasonIn(InputSchema):
    reason: str = text(2000, required=True)


@_step("dismiss_lead", "Decide not to register (不予立案)")
def case_dismiss_lead_api(request: HttpRequest, case_id: CaseId, data: ReasonIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_dismiss_lead, reason=data.reason)


class TranscriptIn(InputSchema):
    kind: Literal["questioning", "inspection"]
    interviewee: str = text(100)
    content: str = text(20000, required=True)
    recorded_at: Moment
    place: str = text(200)


@_step("record_transcript", "Record a transcript (笔录)")
def case_record_transcript_api(request: HttpRequest, case_id: CaseId, data: TranscriptIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_record_transcript, **data.model_dump())


class EvidenceIn(InputSchema):
    kind: str = text(40, required=True)
    description: str = text(2000, required=True)
    sha256: str = Field("", pattern=r"^([0-9a-f]{64})?$", description="SHA-256 of the file in the evidence store.")
    place: str = text(200)


@_step("attach_evidence", "Attach evidence")
def case_attach_evidence_api(request: HttpRequest, case_id: CaseId, data: EvidenceIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_attach_evidence, **data.model_dump())


class PreserveIn(InputSchema):
    items: list[Line] = Field(min_length=1, max_length=100)
    place: str = text(200)


@_step("preserve_evidence", "Preserve evidence (先行登记保存)")
def case_preserve_evidence_api(request: HttpRequest, case_id: CaseId, data: PreserveIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_preserve_evidence, items=data.items, place=data.place)


class PreservationDecisionIn(InputSchema):
    decision: str = text(2000, required=True)


@_step("decide_preservation", "Decide on preserved evidence")
def case_decide_preservation_api(request: HttpRequest, case_id: CaseId, data: PreservationDecisionIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_decide_preservation, decision=data.decision)


class ConcludeIn(InputSchema):
    report: str = text(20000, required=True)
    proposal: str = text(2000)


@_step("conclude_investigation", "Conclude the investigation (调查终结)")
def case_conclude_investigation_api(request: HttpRequest, case_id: CaseId, data: ConcludeIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_conclude_investigation, report=data.report, proposal=data.proposal)


class ExamineIn(InputSchema):
    opinion: str = text(2000)


@_step("examine", "Examine: intend a penalty (审查)")
def case_examine_api(request: HttpRequest, case_id: CaseId, data: ExamineIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_examine, opinion=data.opinion)


class NoPenaltyIn(InputSchema):
    ground: NoPenaltyGround
    reasons: str = text(5000)


@_step("decide_no_penalty", "Decide not to penalise (不予处罚)")
def case_decide_no_penalty_api(request: HttpRequest, case_id: CaseId, data: NoPenaltyIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_decide_no_penalty, ground=data.ground, reasons=data.reasons)


class TransferIn(InputSchema):
    organ: str = text(200, required=True)
    reasons: str = text(5000)


@_step("transfer", "Transfer to a judicial organ (移送)")
def case_transfer_api(request: HttpRequest, case_id: CaseId, data: TransferIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_transfer, organ=data.organ, reasons=data.reasons)


class PenaltyIn(InputSchema):
    types: list[PenaltyType] = Field(min_length=1, max_length=8)
    fine_fen: Fen = 0
    confiscation_fen: Fen = 0


class NoticeIn(PenaltyIn):
    served_on: Day
    method: ServiceMethod


@_step("notify", "Serve the prior notice (事先告知)")
def case_notify_api(request: HttpRequest, case_id: CaseId, data: NoticeIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_notify, **data.model_dump())


class StatementIn(InputSchema):
    statement: str = text(20000, required=True)
    recheck: str = text(20000, required=True)


@_step("record_statement", "Record statements and defence (陈述申辩)")
def case_record_statement_api(request: HttpRequest, case_id: CaseId, data: StatementIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_record_statement, statement=data.statement, recheck=data.recheck)


class WaiverIn(InputSchema):
    signed_on: Day
    note: str = text(2000)


@_step("waive_rights", "Record a waiver")
def case_waive_rights_api(request: HttpRequest, case_id: CaseId, data: WaiverIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_waive_rights, signed_on=data.signed_on, note=data.note)


class HearingRequestIn(InputSchema):
    requested_on: Day


@_step("request_hearing", "Record a hearing request (听证申请)")
def case_request_hearing_api(request: HttpRequest, case_id: CaseId, data: HearingRequestIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_request_hearing, requested_on=data.requested_on)


class HearingScheduleIn(InputSchema):
    hearing_on: Day
    presider: Code = Field(description="Login name of the presider.")
    notice_served_on: Day
    place: str = text(200, required=True)


@_step("schedule_hearing", "Schedule the hearing")
def case_schedule_hearing_api(request: HttpRequest, case_id: CaseId, data: HearingScheduleIn) -> CaseDetailOut:
    return _run(
        request, case_id, actions.case_schedule_hearing,
        hearing_on=data.hearing_on, presider=_staff("presider", [data.presider])[0],
        notice_served_on=data.notice_served_on, place=data.place,
    )  # fmt: skip


class HearingRecordIn(InputSchema):
    record: str = text(50000, required=True)
    report: str = text(20000)


@_step("hold_hearing", "Record the hearing")
def case_hold_hearing_api(request: HttpRequest, case_id: CaseId, data: HearingRecordIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_hold_hearing, record=data.record, report=data.report)


class DecisionIn(PenaltyIn):
    reasons: str = text(5000)
    discretion_reason: str = Field(
        "",
        max_length=2000,
        description="Why the penalty departs from the discretion baseline (APL Art. 34), if it does.",
    )


@_step("decide", "Decide the penalty (处罚决定)")
def case_decide_api(request: HttpRequest, case_id: CaseId, data: DecisionIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_decide, **data.model_dump())


class ServiceIn(InputSchema):
    method: ServiceMethod
    served_on: Day
    recipient: str = text(100)
    witnesses: list[Line] = Field(default_factory=list, max_length=10)
    recording: str = text(200)
    public_notice_reason: str = text(2000)
    electronic_consent: str = text(200, description="Number or file hash of the party's signed consent.")


@_step("serve", "Record service of the decision (送达)")
def case_serve_api(request: HttpRequest, case_id: CaseId, data: ServiceIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_serve, **data.model_dump())


class PaymentIn(InputSchema):
    amount_fen: Fen
    paid_on: Day
    receipt_no: str = text(64, required=True)


@_step("record_payment", "Record a payment")
def case_record_payment_api(request: HttpRequest, case_id: CaseId, data: PaymentIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_record_payment, **data.model_dump())


class InstalmentIn(InputSchema):
    due_on: Day = Field(description="The last day to pay this amount.")
    amount_fen: Fen


class DeferralIn(InputSchema):
    kind: Literal["deferral", "instalments"] = Field(description="One later date, or two or more instalments.")
    schedule: list[InstalmentIn] = Field(
        min_length=1, max_length=60, description="In date order; adds up to what is owed."
    )
    reason: str = text(2000, required=True, description="The party's reason for applying.")


@_step("approve_deferral", "Approve deferred or instalment payment (暂缓或者分期缴纳)")
def case_approve_deferral_api(request: HttpRequest, case_id: CaseId, data: DeferralIn) -> CaseDetailOut:
    """A head approves the party's application (APL Art. 66 para 2); the dates replace the payment period."""
    return _run(
        request, case_id, actions.case_approve_deferral, kind=data.kind,
        schedule=[(item.due_on, item.amount_fen) for item in data.schedule], reason=data.reason,
    )  # fmt: skip


class DemandIn(InputSchema):
    served_on: Day


@_step("send_demand", "Serve a demand notice (催告)")
def case_send_demand_api(request: HttpRequest, case_id: CaseId, data: DemandIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_send_demand, served_on=data.served_on)


class CourtIn(InputSchema):
    court: str = text(100, required=True)


@_step("apply_court_enforcement", "Apply to the court for enforcement")
def case_apply_court_enforcement_api(request: HttpRequest, case_id: CaseId, data: CourtIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_apply_court_enforcement, court=data.court)


class ExecutionIn(InputSchema):
    note: str = text(2000)
    court_enforced: bool = False


@_step("record_execution", "Record that the decision is executed")
def case_record_execution_api(request: HttpRequest, case_id: CaseId, data: ExecutionIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_record_execution, note=data.note, court_enforced=data.court_enforced)


class CloseIn(InputSchema):
    report: str = text(20000, required=True)


@_step("close", "Close the case (结案)")
def case_close_api(request: HttpRequest, case_id: CaseId, data: CloseIn) -> CaseDetailOut:
    return _run(request, case_id, actions.case_close, report=data.report)


@_step("archive", "Archive the dossier (归档)")
def case_archive_api(request: HttpRequest, case_id: CaseId) -> CaseDetailOut:
    from sanxiang.documents.actions import dossier_archive_case

    return _run(request, case_id, dossier_archive_case)
