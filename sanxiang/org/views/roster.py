"""The roster as an Excel file: export of what the user may see, the blank template, and the import page."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sanxiang.lib.exceptions import DomainError
from sanxiang.org import access, roster_excel
from sanxiang.org.forms.roster import RosterImportForm
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm

# The report table stops here; the count of the rest is shown instead.
MAX_PROBLEMS_SHOWN = 500


def _may_export(user: User) -> bool:
    return not access.unit_scope(user, access.Purpose.ROSTER).is_empty


def xlsx_response(data: bytes, *, title: str, ascii_title: str) -> HttpResponse:
    """An attachment named ``<title>-<today>.xlsx`` (RFC 6266/5987), with an ASCII fallback name."""
    day = timezone.localdate().isoformat()
    response = HttpResponse(data, content_type=roster_excel.XLSX_CONTENT_TYPE)
    utf8_name = quote(f"{title}-{day}.xlsx")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_title}-{day}.xlsx\"; filename*=UTF-8''{utf8_name}"
    return response


@login_required
@never_cache
@require_GET
def roster_export_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The staff and certificates the user may see, one row per person and certificate."""
    user = request_user(request)
    if not _may_export(user):
        raise Http404
    data = roster_excel.roster_workbook(access.staff_list_for_user(user))
    return xlsx_response(data, title=roster_excel.SHEET_TITLE, ascii_title="roster")


@login_required
@never_cache
@require_GET
def roster_template_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The blank import file, for those who import or who may read the roster."""
    user = request_user(request)
    if not (has_perm(user, Perm.ROSTER_IMPORT) or _may_export(user)):
        raise Http404
    data = roster_excel.template_workbook()
    return xlsx_response(data, title=roster_excel.SHEET_TITLE + "模板", ascii_title="roster-template")


def _summary_message(summary: roster_excel.ImportSummary) -> str:
    return _(
        "Import finished (%(rows)s rows): %(staff_created)s staff created, %(staff_updated)s updated; "
        "%(certificates_created)s certificates created, %(certificates_updated)s updated."
    ) % vars(summary)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def roster_import_view(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """Upload a roster file; either everything is saved, or nothing and the problems are listed."""
    user = request_user(request)
    if not has_perm(user, Perm.ROSTER_IMPORT):
        raise Http404
    form = RosterImportForm(request.POST or None, request.FILES or None)
    problems: list[roster_excel.Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = roster_excel.roster_import(actor=user, source=form.cleaned_data["file"])
        except roster_excel.RosterImportRefused as exc:
            form.add_error(None, exc.message)
            problems = exc.problems
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _summary_message(summary))
            return redirect("org:roster_import")
    context = {
        "form": form,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problems_hidden": max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
        "may_export": _may_export(user),
    }
    return render(request, "org/roster_import.html", context)
