"""What the case endpoints answer: every published field is listed here, and how it is filled.

Personal data: a party's ID number and phone are masked to their last four
characters unless the caller may write the case (PIPL Art. 6: only what the
purpose needs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import P, PathEx, Schema
from pydantic import Field

from sanxiang.api_types import MAX_ID
from sanxiang.cases import execution
from sanxiang.cases.access import case_get_for_user, may_write_case
from sanxiang.cases.models import Case, CaseEvent, CaseSource, IdType, Party, PartyKind
from sanxiang.org.models import EnforcementCategory, Region, Unit, User
from sanxiang.procedures import definitions

CaseId = PathEx[int, P(ge=1, le=MAX_ID, description="The case's id.")]


# --- Schemas --------------------------------------------------------------------------------------


class RefOut(Schema):
    code: str
    name: str


class CaseSummaryOut(Schema):
    id: int
    number: str | None = Field(description="Case number, from registration (立案) on.")
    lead_number: str
    procedure: str
    state: str
    state_label: str
    unit: RefOut
    category: RefOut
    region: RefOut
    location: str
    discovered_on: dt.date
    registered_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CaseListOut(Schema):
    total: int = Field(description="Cases matching the filters, all pages.")
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class HandlerOut(Schema):
    username: str
    full_name: str
    role: Literal["lead", "assist"]


class PartyOut(Schema):
    kind: PartyKind
    name: str
    id_type: IdType
    id_number: str = Field(description="Masked but for the last 4 characters unless the caller may write the case.")
    address: str
    phone: str = Field(description="Masked like the ID number.")
    legal_representative: str
    is_minor: bool


class DeadlineOut(Schema):
    code: str
    kind: Literal["warn", "bar"]
    basis: str
    started_on: dt.date
    due_on: dt.date
    closed_at: dt.datetime | None


class EventOut(Schema):
    seq: int
    transition: str
    label: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    place: str
    changes: dict[str, Any] = Field(description="The replayed fields the step set.")
    payload: dict[str, Any] = Field(description="What the step recorded (transcript, reasons, receipts…).")


class ViolationOut(Schema):
    code: str
    title: str


class InstalmentOut(Schema):
    due_on: dt.date = Field(description="Last day to pay this amount.")
    amount_fen: int
    paid_fen: int = Field(description="The part of the payments since the approval that covers it (earliest first).")


class ExecutionOut(Schema):
    """Where payment of the decision stands today (APL Art. 66-73; AEL Art. 45)."""

    fine_fen: int
    confiscation_fen: int
    amount_due_fen: int = Field(description="Fine plus confiscated amount.")
    paid_fen: int
    outstanding_fen: int
    period_ends_on: dt.date = Field(description="Last day of the payment period of the decision (APL Art. 67).")
    next_due_on: dt.date | None = Field(
        description="Last day for what is still owed: the next unpaid instalment or the period's end; null once paid."
    )
    schedule_kind: Literal["deferral", "instalments"] | None = Field(
        description="An approved deferral or instalment schedule (APL Art. 66 para 2), if any."
    )
    instalments: list[InstalmentOut]
    surcharge_fen: int = Field(
        description="Late-payment surcharge to date: 3 % of the fine per late day, at most the fine (APL Art. 72 (一))."
    )
    surcharge_days: int = Field(description="Days counted, leaving out days a review or lawsuit was pending.")
    surcharge_capped: bool = Field(description="The surcharge has reached the fine and grows no further.")
    surcharge_from: dt.date | None = Field(
        description="First day paid late: the surcharge runs from it, less days a review or lawsuit was pending."
    )
    settled: bool = Field(description="Fine and confiscation paid in full (the surcharge is not required).")


class CaseDetailOut(CaseSummaryOut):
    source: CaseSource
    source_detail: str
    summary: str
    act_date: dt.date | None
    violation: ViolationOut | None
    facts: dict[str, Any]
    personal_data_masked: bool
    handlers: list[HandlerOut]
    parties: list[PartyOut]
    deadlines: list[DeadlineOut]
    events: list[EventOut]
    execution: ExecutionOut | None = Field(
        description="Payment and surcharge, once a decision with an amount is served."
    )


def _mask(value: str) -> str:
    return "*" * max(len(value) - 4, 0) + value[-4:]


def _ref(obj: Unit | Region | EnforcementCategory) -> RefOut:
    return RefOut(code=obj.code, name=obj.name)


def _step_label(case: Case) -> str:
    try:
        return str(definitions.get(case.procedure).step(case.state).label)
    except (KeyError, StopIteration):
        return case.state


def summary_fields(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk, "number": case.number, "lead_number": case.lead_number, "procedure": case.procedure,
        "state": case.state, "state_label": _step_label(case), "unit": _ref(case.unit),
        "category": _ref(case.category), "region": _ref(case.region), "location": case.location,
        "discovered_on": case.discovered_on, "registered_on": case.registered_on,
        "created_at": case.created_at, "updated_at": case.updated_at,
    }  # fmt: skip


def _party_out(party: Party, masked: bool) -> PartyOut:
    hide = _mask if masked else str
    return PartyOut(
        kind=PartyKind(party.kind), name=party.name, id_type=IdType(party.id_type), id_number=hide(party.id_number),
        address=party.address, phone=hide(party.phone), legal_representative=party.legal_representative,
        is_minor=party.is_minor,
    )  # fmt: skip


def _event_label(case: Case, code: str) -> str:
    try:
        return str(definitions.get(case.procedure).transition(code).label)
    except KeyError:
        return code


def event_out(case: Case, event: CaseEvent) -> EventOut:
    return EventOut(
        seq=event.seq, transition=event.transition, label=_event_label(case, event.transition),
        from_state=event.from_state, to_state=event.to_state, actor=event.actor_label, at=event.at,
        place=event.place, changes=event.changes, payload=event.payload,
    )  # fmt: skip


def case_detail_out(user: User, case_id: int) -> CaseDetailOut:
    case = case_get_for_user(user, case_id)
    masked = not may_write_case(user, case)
    violation = case.violation
    return CaseDetailOut(
        **summary_fields(case),
        source=CaseSource(case.source),
        source_detail=case.source_detail,
        summary=case.summary,
        act_date=case.act_date,
        violation=ViolationOut(code=violation.code, title=violation.title) if violation else None,
        facts=case.facts,
        personal_data_masked=masked,
        handlers=[
            HandlerOut(username=link.user.username, full_name=link.user.full_name, role=link.role)  # type: ignore[arg-type]
            for link in case.handler_links.select_related("user").order_by("-role", "id")
        ],
        parties=[_party_out(party, masked) for party in case.parties.order_by("id")],
        deadlines=[
            DeadlineOut.model_validate(d, from_attributes=True) for d in case.deadlines.order_by("due_on", "id")
        ],
        events=[event_out(case, event) for event in case.events.order_by("seq")],
        execution=execution_out(case, timezone.localdate()),
    )


def execution_out(case: Case, today: dt.date) -> ExecutionOut | None:
    state = execution.case_execution(case, on=today)
    if state is None:
        return None
    return ExecutionOut(
        fine_fen=state.fine_fen, confiscation_fen=state.confiscation_fen, amount_due_fen=state.amount_due_fen,
        paid_fen=state.paid_fen, outstanding_fen=state.outstanding_fen, period_ends_on=state.period_ends_on,
        next_due_on=state.next_due_on, schedule_kind=state.schedule_kind,
        instalments=[
            InstalmentOut(due_on=i.due_on, amount_fen=i.amount_fen, paid_fen=i.paid_fen) for i in state.instalments
        ],
        surcharge_fen=state.surcharge.amount_fen, surcharge_days=state.surcharge.days,
        surcharge_capped=state.surcharge.capped, surcharge_from=state.surcharge_from, settled=state.settled,
    )  # fmt: skip
