"""The public portal under /public/ (no login): only published versions, cacheable, no personal data in URLs.

Every page extends ``publicity/public_base.html``, which has no staff menu.
Pages carry ``Cache-Control: public, max-age=PUBLICITY_CACHE_SECONDS``; the
纠错 form (which needs a CSRF cookie) is private and not cached.
"""

from __future__ import annotations

import datetime as dt
import io
import mimetypes
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.org.certificate_queries import certificate_badge
from sanxiang.org.models import Certificate
from sanxiang.procedures import definitions
from sanxiang.procedures.flowchart import flowchart_svg, transition_rows
from sanxiang.publicity import corrections, exports, selectors
from sanxiang.publicity.forms import CorrectionForm, DecisionSearchForm, RosterSearchForm, TrackForm
from sanxiang.publicity.lists import SOURCES
from sanxiang.publicity.models import PublicationEvent, PublicationState
from sanxiang.record.log import entry_seq

View = Callable[..., HttpResponse]


def public_page(view: View) -> View:
    """GET/HEAD only, cacheable by browsers and proxies for ``PUBLICITY_CACHE_SECONDS``."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLICITY_CACHE_SECONDS)
        return response

    return wrapped


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@public_page
def index_view(request: HttpRequest) -> HttpResponse:
    """The portal's front page: what is published before, during and after enforcement."""
    latest, _more = selectors.page_of(selectors.public_decision_search(selectors.DecisionFilters()), 1, 5)
    return render(request, "publicity/public/index.html", {"latest": latest, "sources": SOURCES.values()})


@public_page
def decision_list_view(request: HttpRequest) -> HttpResponse:
    """Search of published decisions and results (keywords, date, category, unit), 20 a page."""
    form = DecisionSearchForm(request.GET or None)
    page = _page_number(request)
    rows, has_next = selectors.page_of(selectors.public_decision_search(form.filters()), page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "rows": rows, "page": page, "has_next": has_next, "query": query.urlencode()}
    return render(request, "publicity/public/decision_list.html", context)


@public_page
def decision_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """One published decision, its corrections (change notes), or its withdrawal and the reason."""
    pub = selectors.public_publication_get(public_id)
    published_event = (
        PublicationEvent.objects.filter(publication=pub, state=PublicationState.PUBLISHED).order_by("-at").first()
    )
    context = {
        "pub": pub,
        "version": pub.published_version,
        "versions": selectors.public_versions(pub),
        "withdrawn": pub.state == PublicationState.WITHDRAWN,
        "log_seq": entry_seq(published_event) if published_event else None,
    }
    return render(request, "publicity/public/decision.html", context)


@public_page
def officer_list_view(request: HttpRequest) -> HttpResponse:
    """执法人员名册: search the published roster by name, certificate number, unit, category, region."""
    form = RosterSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.roster_search(
        q=data.get("q", "").strip(), unit=data.get("unit", "").strip(), category=data.get("category", "").strip(),
        region=data.get("region", "").strip(),
    )  # fmt: skip
    pub, _rows = selectors.public_list_rows("roster")
    return render(request, "publicity/public/officer_list.html", {"form": form, "rows": rows[:200], "pub": pub})


def _officer_url(request: HttpRequest, public_id: str) -> str:
    return request.build_absolute_uri(reverse("publicity_public:officer", args=[public_id]))


@lru_cache(maxsize=2048)
def _qr_svg(url: str, scale: int, title: str, standalone: bool = False) -> str:
    """The QR code of ``url`` as SVG: inline markup, or a standalone document (with its namespace) for a file.

    Drawing a QR code takes milliseconds of pure Python and an officer's URL never changes: cached.
    """
    qr = segno.make(url, error="m")
    if not standalone:
        return str(qr.svg_inline(scale=scale, title=title))
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, title=title)
    return out.getvalue().decode()


@public_page
def officer_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """An officer's page (the QR code on the certificate opens it): photo, number, categories, regions, status."""
    row = dict(selectors.roster_officer(public_id))
    # The status is the certificate's status today: a withdrawn or revoked certificate shows at once.
    cert = Certificate.objects.filter(number=row["number"]).first()
    row["status"] = str(certificate_badge(cert, timezone.localdate()).label) if cert else row["status"]
    svg = _qr_svg(_officer_url(request, public_id), 4, row["number"])
    return render(request, "publicity/public/officer.html", {"o": row, "qr": mark_safe(svg)})  # noqa: S308


@public_page
def officer_qr_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The officer's QR code as an SVG file (for printing on placards and certificates)."""
    row = selectors.roster_officer(public_id)
    svg = _qr_svg(_officer_url(request, public_id), 8, row["number"], standalone=True)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@public_page
def officer_photo_view(request: HttpRequest, public_id: str) -> HttpResponse:
    row = selectors.roster_officer(public_id)
    cert = Certificate.objects.filter(number=row["number"]).first()
    if cert is None or not cert.photo:
        raise Http404
    with cert.photo.open("rb") as photo:
        data = photo.read()
    kind = mimetypes.guess_type(cert.photo.name)[0] or "application/octet-stream"
    return HttpResponse(data, content_type=kind)


@public_page
def list_view(request: HttpRequest, code: str) -> HttpResponse:
    """A published pre-disclosure list (its latest published snapshot)."""
    source = SOURCES.get(code)
    if source is None:
        raise Http404
    pub, rows = selectors.public_list_rows(code)
    context = {"source": source, "pub": pub, "rows": rows, "columns": source.columns}
    return render(request, "publicity/public/list.html", context)


@public_page
def placards_view(request: HttpRequest) -> HttpResponse:
    """Printable placards for service windows and halls (unit, name, post, category, services) from the roster."""
    _pub, rows = selectors.public_list_rows("roster")
    unit = request.GET.get("unit", "")
    chosen = [r for r in rows if not unit or r["unit"] == unit]
    return render(request, "publicity/public/placards.html", {"rows": chosen})


@public_page
def flowchart_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "publicity/public/flowcharts.html", {"procedures": definitions.all_procedures().values()})


@public_page
def flowchart_view(request: HttpRequest, code: str) -> HttpResponse:
    """执法流程图 drawn from the executable procedure definition (the one the case engine runs)."""
    try:
        procedure = definitions.get(code)
    except KeyError:
        raise Http404 from None
    svg = mark_safe(flowchart_svg(procedure))  # noqa: S308 (the renderer escapes every text)
    context = {"procedure": procedure, "svg": svg, "rows": transition_rows(procedure)}
    return render(request, "publicity/public/flowchart.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def correction_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """纠错: report an error in a publication; the answer page gives the tracking code."""
    pub = selectors.public_publication_get(public_id)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = corrections.correction_report_create(
                publication=pub, text=form.cleaned_data["text"], contact=form.cleaned_data["contact"],
                client=corrections.client_key(request.META.get("REMOTE_ADDR", "")),
            )  # fmt: skip
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "publicity/public/correction_done.html", {"report": report, "pub": pub})
    status = 429 if form.non_field_errors() else 200
    return render(request, "publicity/public/correction.html", {"form": form, "pub": pub}, status=status)


@never_cache
@require_safe
def track_view(request: HttpRequest) -> HttpResponse:
    """Follow a 纠错 report by its code."""
    form = TrackForm(request.GET or None)
    report = reply = None
    if form.is_valid():
        report = corrections.correction_by_code(form.cleaned_data["code"])
        reply = corrections.correction_status(report) if report else None
    context = {"form": form, "report": report, "reply": reply, "searched": form.is_bound}
    return render(request, "publicity/public/track.html", context)


@public_page
def transparency_view(request: HttpRequest) -> HttpResponse:
    """The record log's latest signed checkpoint and how a citizen can check it."""
    from sanxiang.record.checkpoints import cosigned_note
    from sanxiang.record.log import log_origin
    from sanxiang.record.models import Checkpoint

    cp = Checkpoint.objects.filter(log__origin=log_origin()).select_related("log").order_by("-size").first()
    context = {"checkpoint": cp, "note": cosigned_note(cp) if cp else "", "origin": log_origin()}
    return render(request, "publicity/public/transparency.html", context)


@public_page
def annual_view(request: HttpRequest) -> HttpResponse:
    """Enforcement data of the previous year (to be published by 31 January; 118号)."""
    year = timezone.localdate().year - 1
    figures = selectors.annual_figures(year)
    due = dt.date(year + 1, 1, 31)
    return render(request, "publicity/public/annual.html", {"year": year, "figures": figures, "due": due})


@public_page
def decision_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The decision search as CSV or Excel (at most ``MAX_EXPORT_ROWS`` rows, the newest)."""
    form = DecisionSearchForm(request.GET or None)
    pubs = selectors.public_decision_search(form.filters())[: exports.MAX_EXPORT_ROWS]
    write = exports.csv_response if fmt == "csv" else exports.xlsx_response
    return write(exports.decision_header(), exports.decision_rows(pubs), "decisions")


@public_page
def list_export_view(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    source = SOURCES.get(code)
    if source is None:
        raise Http404
    _pub, rows = selectors.public_list_rows(code)
    header, table = exports.list_table(source.columns, rows)
    write = exports.csv_response if fmt == "csv" else exports.xlsx_response
    return write(header, table, code)


@public_page
def health_view(request: HttpRequest) -> HttpResponse:
    """A trivial page (no database): for load balancers, and the reference of the publicity benchmark."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
