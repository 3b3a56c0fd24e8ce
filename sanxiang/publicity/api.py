"""Open data: the public JSON API of publicity (no token; only published versions).

* ``GET /api/v1/public/decisions`` — search published decisions and results (paged, no total count);
* ``GET /api/v1/public/decisions/{id}`` — one publication (withdrawn ones with the reason);
* ``GET /api/v1/public/officers`` and ``/officers/{id}`` — the published roster;
* ``GET /api/v1/public/lists`` and ``/lists/{code}`` — the pre-disclosure lists as published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import P, PathEx, Router, Schema

from sanxiang.api_types import ErrorOut
from sanxiang.publicity import selectors
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.models import Publication, PublicationState

router = Router(auth=None, tags=["publicity (open data)"])


class VersionNoteOut(Schema):
    version: int
    at: dt.datetime
    change_note: str


class PublicationOut(Schema):
    id: str
    kind: str
    title: str
    state: str
    decided_on: dt.date | None
    published_at: dt.datetime | None
    fields: dict[str, Any]
    text: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str


class DecisionPageOut(Schema):
    page: int
    has_next: bool
    items: list[PublicationOut]


class OfficerOut(Schema):
    id: str
    name: str
    unit: str
    post: str
    number: str
    categories: str
    regions: str
    valid_from: str
    valid_to: str
    status: str


class ListOut(Schema):
    code: str
    title: str
    published_at: dt.datetime | None
    change_note: str
    rows: list[dict[str, Any]]


def _out(pub: Publication) -> PublicationOut:
    version = pub.published_version
    withdrawn = pub.state == PublicationState.WITHDRAWN
    return PublicationOut(
        id=pub.public_id, kind=pub.kind, title=pub.title, state=pub.state, decided_on=pub.decided_on,
        published_at=pub.published_at, fields={} if withdrawn or not version else version.fields,
        text="" if withdrawn or not version else version.body, withdrawn_at=pub.withdrawn_at,
        withdrawal_reason=pub.withdrawal_reason,
    )  # fmt: skip


@router.get("/decisions", operation_id="public_decisions", response={200: DecisionPageOut, 422: ErrorOut})
def decisions(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    category: int | None = None,
    unit: int | None = None,
    page: int = 1,
) -> DecisionPageOut:
    """Published decisions and results, newest first, 20 a page."""
    filters = selectors.DecisionFilters(
        q=q[:50], kind=kind, date_from=date_from, date_to=date_to, category_id=category, unit_id=unit
    )
    rows, has_next = selectors.page_of(selectors.public_decision_search(filters), max(1, min(page, 10_000)))
    return DecisionPageOut(page=page, has_next=has_next, items=[_out(p) for p in rows])


#: Public ids are ``secrets.token_urlsafe`` strings; list codes are slugs.
PUBLIC_ID = r"^[A-Za-z0-9_-]{1,64}$"
LIST_CODE = r"^[a-z0-9_-]{1,40}$"


@router.get(
    "/decisions/{public_id}",
    operation_id="public_decision",
    response={200: PublicationOut, 404: ErrorOut, 422: ErrorOut},
)
def decision(request: HttpRequest, public_id: PathEx[str, P(pattern=PUBLIC_ID)]) -> PublicationOut:
    return _out(selectors.public_publication_get(public_id))


def _officer(row: dict[str, Any]) -> OfficerOut:
    return OfficerOut(**{key: str(row.get(key, "")) for key in OfficerOut.model_fields})


@router.get("/officers", operation_id="public_officers", response={200: list[OfficerOut]})
def officers(
    request: HttpRequest, q: str = "", unit: str = "", category: str = "", region: str = ""
) -> list[OfficerOut]:
    """The published roster of enforcement officers, filtered."""
    return [_officer(r) for r in selectors.roster_search(q=q, unit=unit, category=category, region=region)]


@router.get(
    "/officers/{public_id}", operation_id="public_officer", response={200: OfficerOut, 404: ErrorOut, 422: ErrorOut}
)
def officer(request: HttpRequest, public_id: PathEx[str, P(pattern=PUBLIC_ID)]) -> OfficerOut:
    return _officer(selectors.roster_officer(public_id))


@router.get("/lists", operation_id="public_lists", response={200: list[ListOut]})
def lists(request: HttpRequest) -> list[ListOut]:
    """Every published pre-disclosure list."""
    return [out for code in SOURCES if (out := _list(code)) is not None]


def _list(code: str) -> ListOut | None:
    pub, rows = selectors.public_list_rows(code)
    if pub is None or pub.published_version is None:
        return None
    return ListOut(
        code=code, title=pub.title, published_at=pub.published_at, change_note=pub.published_version.change_note,
        rows=list(rows),
    )  # fmt: skip


@router.get("/lists/{code}", operation_id="public_list", response={200: ListOut, 404: ErrorOut, 422: ErrorOut})
def one_list(request: HttpRequest, code: PathEx[str, P(pattern=LIST_CODE)]) -> ListOut:
    out = _list(code)
    if out is None:
        raise Http404
    return out
