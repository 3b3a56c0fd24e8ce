"""The audit trail page: read-only, for the audit administrator only (GB/T 22239-2019 8.1.5).

There is deliberately no view that changes or deletes an audit row: the page
answers GET and HEAD and nothing else. An export is itself audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanxiang.lib import xlsx
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.forms import AuditFilterForm
from sanxiang.record.models import AuditCategory, AuditEvent, AuditOutcome

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
_OUTCOME_CSS = {AuditOutcome.SUCCESS: "valid", AuditOutcome.FAILURE: "expired", AuditOutcome.DENIED: "withheld"}


def audit_list_for_user(user: User) -> QuerySet[AuditEvent]:
    """Every audit event, newest first, for a holder of ``AUDIT_READ``; 404 for anyone else."""
    if not has_perm(user, Perm.AUDIT_READ):
        raise Http404
    return AuditEvent.objects.order_by("-at", "-id")


def detail_text(detail: Any) -> str:
    """The detail as compact JSON with Chinese kept readable ("" when empty)."""
    if not detail:
        return ""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    detail: str
    outcome_css: str


@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """List the audit trail with filters, 50 a page; ``?format=xlsx`` exports the filtered rows."""
    events = audit_list_for_user(request_user(request))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    form = AuditFilterForm(request.GET)
    valid = form.is_valid()
    if valid and request.GET.get("format") == "xlsx":
        return _export(request, form, form.filter(events))
    page = Paginator(form.filter(events) if valid else events.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [AuditRow(e, detail_text(e.detail), _OUTCOME_CSS.get(AuditOutcome(e.outcome), "")) for e in page]
    return render(
        request,
        "record/audit_list.html",
        {"form": form, "page_obj": page, "rows": rows, "filtered": valid, "export_max": EXPORT_MAX_ROWS},
    )


# --- Excel export -------------------------------------------------------------------------


def _columns() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Category"),
        _("Action"),
        _("Outcome"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("IP address"),
        _("Client"),
        _("Channel"),
        _("Request id"),
        _("Detail"),
    ]


def _values(event: AuditEvent) -> list[object]:
    local: dt.datetime = timezone.localtime(event.at).replace(tzinfo=None)  # Excel has no time zones
    return [
        local,
        event.actor_label,
        event.get_category_display(),
        event.action,
        event.get_outcome_display(),
        event.object_type,
        event.object_id,
        event.object_label,
        event.ip or "",
        event.user_agent,
        event.channel,
        event.request_id,
        detail_text(event.detail),
    ]


def _capped_rows(events: QuerySet[AuditEvent]) -> tuple[Iterator[AuditEvent], bool]:
    """The first ``EXPORT_MAX_ROWS`` events, and whether there were more."""
    capped = events[EXPORT_MAX_ROWS : EXPORT_MAX_ROWS + 1].exists()
    return events[:EXPORT_MAX_ROWS].iterator(chunk_size=2000), capped


def export_workbook(events: QuerySet[AuditEvent]) -> tuple[bytes, int, bool]:
    """Build the workbook of ``events``; return its bytes, the number of rows and whether the cap cut it."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit trail")[:31])
    rows, capped = _capped_rows(events)
    if capped:
        note = _("Only the newest %(n)s rows are exported: narrow the filters to see the others.")
        ws.append(xlsx.safe_row(ws, [note % {"n": f"{EXPORT_MAX_ROWS:,}"}]))
    ws.append(xlsx.safe_row(ws, _columns()))
    count = 0
    for event in rows:
        ws.append(xlsx.safe_row(ws, _values(event)))
        count += 1
    return xlsx.workbook_bytes(wb), count, capped


def _export(request: HttpRequest, form: AuditFilterForm, events: QuerySet[AuditEvent]) -> HttpResponse:
    data, count, capped = export_workbook(events)
    with transaction.atomic():
        audit_record(
            actor=request_user(request),
            action="audit.export",
            category=AuditCategory.SECURITY,
            detail={"filters": form.applied(), "rows": count, "capped": capped},
        )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    day = timezone.localdate().isoformat()
    name = quote(f"{_('Audit trail')}-{day}.xlsx")
    response["Content-Disposition"] = f"attachment; filename=\"audit-trail-{day}.xlsx\"; filename*=UTF-8''{name}"
    return response
