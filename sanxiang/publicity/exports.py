"""Open data: CSV and Excel exports of published decisions and lists, and the Atom feed.

Exports hold only published versions. A cell that a spreadsheet would read
as a formula (= + - @, tab, CR) is written as text: in Excel through the
quote-prefix style (``lib.xlsx``), in CSV with a leading apostrophe (OWASP
"CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from sanxiang.lib.xlsx import FORMULA_TRIGGERS, safe_row, workbook_bytes
from sanxiang.publicity.models import Publication, PublicationEvent, PublicationState
from sanxiang.publicity.selectors import public_publications

MAX_EXPORT_ROWS = 10_000
DECISION_COLUMNS = (
    ("decision_number", gettext_lazy("Decision number")),
    ("party", gettext_lazy("Party")),
    ("violation", gettext_lazy("Violation")),
    ("basis", gettext_lazy("Basis")),
    ("outcome", gettext_lazy("Outcome")),
    ("category", gettext_lazy("Category")),
    ("unit", gettext_lazy("Unit")),
    ("agency", gettext_lazy("Agency")),
    ("decided_on", gettext_lazy("Decided")),
)


def csv_safe(value: object) -> str:
    """The text of a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def decision_rows(pubs: Iterable[Publication]) -> Iterable[list[str]]:
    for pub in pubs:
        version = pub.published_version
        fields = version.fields if version else {}
        withdrawn = pub.state == PublicationState.WITHDRAWN
        values = (
            [str(fields.get(key, "")) for key, _label in DECISION_COLUMNS]
            if not withdrawn
            else [""] * len(DECISION_COLUMNS)
        )
        text = version.body if version and not withdrawn else ""
        state = _("Withdrawn") if withdrawn else _("Published")
        yield [pub.public_id, *values, text, state, pub.withdrawal_reason]


def decision_header() -> list[str]:
    labels = [str(label) for _key, label in DECISION_COLUMNS]
    return [_("Id"), *labels, _("Facts and reasons"), _("State"), _("Reason for withdrawal")]


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 CSV as UTF-8 only with it
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(filename[:31])
    ws.append(safe_row(ws, header))
    for row in rows:
        ws.append(safe_row(ws, row))
    response = HttpResponse(
        workbook_bytes(wb), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def list_table(columns: Sequence[tuple[str, Any]], rows: Iterable[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    header = [str(label) for _key, label in columns]
    return header, [[str(row.get(key, "")) for key, _label in columns] for row in rows]


class PublicationFeed(Feed):  # type: ignore[type-arg]
    """Atom feed of new publications and withdrawals (the latest 50 events)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Enforcement publicity: new publications and withdrawals")
    subtitle = gettext_lazy("Decisions, results and lists as published, and withdrawals with their reasons.")

    def link(self) -> str:
        return reverse("publicity_public:index")

    def items(self) -> list[PublicationEvent]:
        public = public_publications().values("pk")
        states = (PublicationState.PUBLISHED, PublicationState.WITHDRAWN)
        events = PublicationEvent.objects.filter(publication__in=public, state__in=states)
        return list(events.select_related("publication", "version").order_by("-at", "-id")[:50])

    def item_title(self, item: PublicationEvent) -> str:
        prefix = _("Withdrawn") if item.state == PublicationState.WITHDRAWN else _("Published")
        return f"{prefix}: {item.version.title}"

    def item_description(self, item: PublicationEvent) -> str:
        if item.state == PublicationState.WITHDRAWN:
            return item.reason
        return item.version.change_note or item.version.body[:500]

    def item_link(self, item: PublicationEvent) -> str:
        pub = item.publication
        if pub.list_code:
            return reverse("publicity_public:list", args=[pub.list_code])
        return reverse("publicity_public:decision", args=[pub.public_id])

    def item_guid(self, item: PublicationEvent) -> str:
        return f"urn:sanxiang:publication:{item.publication.public_id}:{item.pk}"

    def item_pubdate(self, item: PublicationEvent) -> Any:
        return item.at

    def item_updateddate(self, item: PublicationEvent) -> Any:
        return item.at

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=60"
        return response
