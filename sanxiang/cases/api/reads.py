"""Reading cases: the list (scoped, filtered, paged), one case, its events."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Schema
from pydantic import Field

from sanxiang.api_types import LIST_ERRORS, READ_ERRORS, Code
from sanxiang.apitokens.auth import request_actor
from sanxiang.cases.access import case_get_for_user, case_list_for_user
from sanxiang.cases.api.router import router
from sanxiang.cases.api.schemas import (
    CaseDetailOut,
    CaseId,
    CaseListOut,
    CaseSummaryOut,
    EventOut,
    case_detail_out,
    event_out,
    summary_fields,
)
from sanxiang.cases.models import Case
from sanxiang.org.models import User


class CaseListQuery(Schema):
    state: Code | None = None
    unit: Code | None = Field(None, description="Code of the handling unit.")
    procedure: Code | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


def _filtered(user: User, query: CaseListQuery) -> QuerySet[Case]:
    cases = case_list_for_user(user)
    if query.state is not None:
        cases = cases.filter(state=query.state)
    if query.unit is not None:
        cases = cases.filter(unit__code=query.unit)
    if query.procedure is not None:
        cases = cases.filter(procedure=query.procedure)
    return cases


@router.get("/", response={200: CaseListOut, **LIST_ERRORS}, operation_id="case_list", summary="List cases")
def case_list_api(request: HttpRequest, query: Query[CaseListQuery]) -> CaseListOut:
    """Cases the caller may read, newest first, one page at a time."""
    cases = _filtered(request_actor(request), query)
    page = cases[query.offset : query.offset + query.limit]
    return CaseListOut(
        total=cases.count(),
        limit=query.limit,
        offset=query.offset,
        items=[CaseSummaryOut(**summary_fields(case)) for case in page],
    )


@router.get("/{case_id}", response={200: CaseDetailOut, **READ_ERRORS}, operation_id="case_get", summary="A case")
def case_get_api(request: HttpRequest, case_id: CaseId) -> CaseDetailOut:
    """The case with its facts, handlers, parties, deadlines and events."""
    return case_detail_out(request_actor(request), case_id)


@router.get(
    "/{case_id}/events", response={200: list[EventOut], **READ_ERRORS}, operation_id="case_events", summary="Events"
)
def case_events_api(request: HttpRequest, case_id: CaseId) -> list[EventOut]:
    """The whole-process record of the case (APL Art. 47), in order."""
    case = case_get_for_user(request_actor(request), case_id)
    return [event_out(case, event) for event in case.events.order_by("seq")]
