"""The procedures as defined, for staff: the flowchart and the table of every move, drawn from one definition.

Both are read-only and show no case data, so any logged-in staff member may see them.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from sanxiang.procedures import definitions
from sanxiang.procedures.definitions.types import Procedure
from sanxiang.procedures.flowchart import flowchart_svg, transition_rows


def procedure_get(code: str) -> Procedure:
    """The procedure ``code``; 404 when there is none."""
    try:
        return definitions.get(code)
    except KeyError:
        raise Http404 from None


@require_safe
@login_required
def flowchart_view(request: HttpRequest, code: str) -> HttpResponse:
    """The flowchart inline, and a table of every transition (roles, gates, documents, legal basis)."""
    procedure = procedure_get(code)
    context = {
        "procedure": procedure,
        # flowchart_svg escapes every text it writes (xml.sax.saxutils), so the markup is safe to inline.
        "svg": mark_safe(flowchart_svg(procedure)),  # noqa: S308
        "rows": transition_rows(procedure),
    }
    return render(request, "procedures/flowchart.html", context)


@require_safe
@login_required
def flowchart_svg_view(request: HttpRequest, code: str) -> HttpResponse:
    """The flowchart as a standalone SVG document (in the request's language)."""
    response = HttpResponse(flowchart_svg(procedure_get(code)), content_type="image/svg+xml; charset=utf-8")
    # The document needs nothing from outside: forbid scripts and fetches should markup ever slip in.
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
