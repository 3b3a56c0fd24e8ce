"""Reads of publicity: what the public may see (only published versions), and the internal overdue board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.publicity.actions import publish_due_on
from sanxiang.publicity.content import decision_date, decision_kind
from sanxiang.publicity.models import (
    Publication,
    PublicationKind,
    PublicationState,
    PublicationVersion,
)
from sanxiang.publicity.search import term_condition

S = PublicationState
DECISION_KINDS = (PublicationKind.PENALTY, PublicationKind.OTHER_DECISION, PublicationKind.INSPECTION)


def public_publications() -> QuerySet[Publication]:
    """Everything the public may see: published once, not expired (withdrawn ones show their withdrawal)."""
    return Publication.objects.filter(published_version__isnull=False).exclude(state=S.EXPIRED)


@dataclass(frozen=True)
class DecisionFilters:
    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category_id: int | None = None
    unit_id: int | None = None
    kind: str = ""


def public_decision_search(filters: DecisionFilters) -> QuerySet[Publication]:
    """Published decisions and results matching ``filters``, latest decision first (Chinese substring search)."""
    qs = public_publications().filter(kind__in=DECISION_KINDS)
    if filters.kind in DECISION_KINDS:
        qs = qs.filter(kind=filters.kind)
    for word in filters.q.split()[:5]:
        qs = qs.filter(term_condition(word))
    if filters.date_from:
        qs = qs.filter(decided_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(decided_on__lte=filters.date_to)
    if filters.category_id:
        qs = qs.filter(category_id=filters.category_id)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    return qs.select_related("published_version", "unit", "category").order_by("-decided_on", "-id")


def page_of(qs: QuerySet[Publication], page: int, size: int = 20) -> tuple[list[Publication], bool]:
    """One page and whether a next one exists (no COUNT over a million rows)."""
    start = (max(page, 1) - 1) * size
    rows = list(qs[start : start + size + 1])
    return rows[:size], len(rows) > size


def public_publication_get(public_id: str) -> Publication:
    """The publication the public may see under ``public_id``; ``Http404`` for anything unpublished."""
    pub = (
        public_publications()
        .select_related("published_version", "unit", "category")
        .filter(public_id=public_id)
        .first()
    )
    if pub is None:
        raise Http404
    return pub


def public_versions(pub: Publication) -> list[PublicationVersion]:
    """The published versions of ``pub`` (for the change history); pending corrections are not shown."""
    published = pub.events.filter(state=S.PUBLISHED).values_list("version_id", flat=True)
    return list(PublicationVersion.objects.filter(pk__in=published).order_by("number"))


def public_list(code: str) -> Publication | None:
    """The pre-disclosure list ``code`` as published (a pending new version does not show yet)."""
    qs = public_publications().filter(list_code=code, kind=PublicationKind.LIST).exclude(state=S.WITHDRAWN)
    return qs.order_by("-id").first()


@lru_cache(maxsize=64)
def _rows_of_version(version_id: int, public_id: str) -> tuple[dict[str, Any], ...]:
    # A version never changes (append-only), so its parsed rows can be cached. The key holds the
    # publication's random public id too: a version id alone could be reused after a database restore.
    version = PublicationVersion.objects.get(pk=version_id, publication__public_id=public_id)
    return tuple(version.fields.get("rows", []))


def public_list_rows(code: str) -> tuple[Publication | None, tuple[dict[str, Any], ...]]:
    pub = public_list(code)
    if pub is None or pub.published_version_id is None:
        return None, ()
    return pub, _rows_of_version(pub.published_version_id, pub.public_id)


def roster_search(q: str = "", unit: str = "", category: str = "", region: str = "") -> list[dict[str, Any]]:
    """Officers of the published roster matching name or certificate number, unit, category and region."""
    _, rows = public_list_rows("roster")
    out = []
    for row in rows:
        if q and q not in row["name"] and q not in row["number"]:
            continue
        if (unit and unit != row["unit"]) or (category and category not in row["categories"]):
            continue
        if region and region not in row["regions"]:
            continue
        out.append(row)
    return out


def roster_officer(public_id: str) -> dict[str, Any]:
    _, rows = public_list_rows("roster")
    for row in rows:
        if row["id"] == public_id:
            return row
    raise Http404


# --- Internal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    case: Case | None
    publication: Publication | None
    kind: str
    decided_on: dt.date | None
    due_on: dt.date | None
    what: str  # "publish" or "withdraw"

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


def cases_awaiting_preparation() -> list[Case]:
    """Decided cases (or concluded inspections) with no publication yet, minors excluded."""
    decided = Q(facts__has_key="decided_on") | Q(procedure="inspection", facts__has_key="result")
    qs = Case.objects.filter(decided).exclude(publications__isnull=False).exclude(parties__is_minor=True)
    return [c for c in qs.select_related("unit").distinct()[:500] if decision_kind(c) is not None]


def overdue_board() -> list[BoardRow]:
    """What must still be published or withdrawn, with its deadline, most urgent first."""
    rows = []
    for case in cases_awaiting_preparation():
        kind = decision_kind(case) or ""
        decided = decision_date(case)
        rows.append(BoardRow(case, None, kind, decided, publish_due_on(kind, decided) if decided else None, "publish"))
    pending = Publication.objects.filter(published_at__isnull=True).exclude(state__in=(S.WITHDRAWN, S.EXPIRED))
    for pub in pending.exclude(kind=PublicationKind.LIST).select_related("case"):
        rows.append(BoardRow(pub.case, pub, pub.kind, pub.decided_on, pub.due_on, "publish"))
    for pub in Publication.objects.filter(withdraw_due_on__isnull=False).exclude(state=S.WITHDRAWN):
        rows.append(BoardRow(pub.case, pub, pub.kind, pub.decided_on, pub.withdraw_due_on, "withdraw"))
    return sorted(rows, key=lambda r: (r.due_on or dt.date.max, r.decided_on or dt.date.max))


@dataclass(frozen=True)
class AnnualFigures:
    by_kind: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    withdrawn: int
    total: int


def annual_figures(year: int) -> AnnualFigures:
    """Published decisions and results of ``year`` (by decision date), by kind, category and unit."""
    qs = public_publications().filter(kind__in=DECISION_KINDS, decided_on__year=year)
    labels = dict(PublicationKind.choices)
    by_kind = [(str(labels[k]), n) for k, n in _counts(qs, "kind")]
    return AnnualFigures(
        by_kind=by_kind,
        by_category=_counts(qs, "category__name"),
        by_unit=_counts(qs, "unit__name"),
        withdrawn=qs.filter(state=S.WITHDRAWN).count(),
        total=qs.count(),
    )


def _counts(qs: QuerySet[Publication], field: str) -> list[tuple[str, int]]:
    from django.db.models import Count

    rows = qs.order_by().values_list(field).annotate(n=Count("id")).order_by(field)
    return [(str(name or "—"), int(n)) for name, n in rows]
