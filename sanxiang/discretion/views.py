"""The baseline pages: versions with their status, one version's items and tiers, import, export, approve.

Reading: every staff member reads approved versions, drafts only the legal
section and the leaders (``access``). Writing goes through ``actions`` and
``excel``; a refusal is shown on its form, never a 500.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanxiang.discretion import access, actions, excel
from sanxiang.discretion.assess import TierRange, tier_range
from sanxiang.discretion.forms import BaselineImportForm, ItemSearchForm, VersionForm
from sanxiang.discretion.models import Baseline, BaselineItem, Tier
from sanxiang.discretion.selectors import (
    STATUS_LABELS,
    Status,
    baseline_changes,
    baseline_in_force,
    baseline_items,
    baseline_list,
    baseline_status,
    baseline_unchanged,
)
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm

VERSIONS_PAGE = 25
ITEMS_PAGE = 10
MAX_PROBLEMS_SHOWN = 500


def _apply_error(form: forms.Form, exc: DomainError) -> None:
    """Field messages on their fields where the names match, the rest on top."""
    errors: dict[str, list[str]] = getattr(exc, "errors", {})
    for name, texts in errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
    if not errors:
        form.add_error(None, exc.message)


def _require(user: User, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise Http404


def _xlsx_response(data: bytes, *, title: str, ascii_title: str) -> HttpResponse:
    """An attachment named ``<title>-<today>.xlsx`` (RFC 6266/5987), with an ASCII fallback name."""
    day = timezone.localdate().isoformat()
    response = HttpResponse(data, content_type=excel.XLSX_CONTENT_TYPE)
    utf8_name = quote(f"{title}-{day}.xlsx")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_title}-{day}.xlsx\"; filename*=UTF-8''{utf8_name}"
    return response


@login_required
@require_GET
def baseline_list_view(request: HttpRequest) -> HttpResponse:
    """The versions the user may read, newest first, with their status."""
    user = request_user(request)
    if not access.can_read(user):
        raise Http404
    visible = set(access.baselines_for_user(user).values_list("pk", flat=True))
    rows = [r for r in baseline_list(today=timezone.localdate()) if r.baseline.pk in visible]
    page = Paginator(rows, VERSIONS_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "rows": list(page),
        "can_manage": has_perm(user, Perm.CATALOG_MANAGE),
    }
    return render(request, "discretion/baseline_list.html", context)


def _tier_rows(item: BaselineItem) -> list[tuple[Tier, TierRange, TierRange]]:
    """Each tier with its range for a natural person and for an organisation."""
    return [(t, tier_range(t, organisation=False), tier_range(t, organisation=True)) for t in item.tiers.all()]


def _detail(request: HttpRequest, user: User, baseline: Baseline, copy_form: VersionForm | None = None) -> HttpResponse:
    today = timezone.localdate()
    current = baseline_in_force(today)
    status = baseline_status(baseline, today=today, current=current)
    search = ItemSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = Paginator(baseline_items(baseline, q=q), ITEMS_PAGE).get_page(request.GET.get("page"))
    can_manage = has_perm(user, Perm.CATALOG_MANAGE)
    context: dict[str, Any] = {
        "baseline": baseline,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "is_draft": status == Status.DRAFT,
        "unchanged": baseline_unchanged(baseline),
        # What a leader approves: the draft's differences from the version in force.
        "changes": baseline_changes(baseline, current) if status == Status.DRAFT and current is not None else None,
        "search": search,
        "page_obj": page,
        "items": [(item, _tier_rows(item)) for item in page],
        "can_manage": can_manage,
        "can_approve": has_perm(user, Perm.CATALOG_APPROVE),
        "copy_form": copy_form or (VersionForm() if can_manage else None),
    }  # fmt: skip
    return render(request, "discretion/baseline_detail.html", context)


@login_required
@require_GET
def baseline_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: status, violation → provisions → tiers (searchable, paginated), and what the user may do."""
    user = request_user(request)
    return _detail(request, user, access.baseline_get_for_user(user, pk))


@login_required
@never_cache
@require_GET
def baseline_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The version as an Excel file in the import format."""
    user = request_user(request)
    baseline = access.baseline_get_for_user(user, pk)
    return _xlsx_response(
        excel.baseline_workbook(baseline), title=f"{excel.SHEET_TITLE}-{baseline.version}", ascii_title="baseline"
    )


@login_required
@never_cache
@require_GET
def baseline_template_view(request: HttpRequest) -> HttpResponse:
    _require(request_user(request), Perm.CATALOG_MANAGE)
    return _xlsx_response(excel.template_workbook(), title=excel.SHEET_TITLE + "模板", ascii_title="baseline-template")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def baseline_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a baseline file as a new draft version; either it is saved whole, or nothing and the problems are listed."""
    user = request_user(request)
    _require(user, Perm.CATALOG_MANAGE)
    form = BaselineImportForm(request.POST or None, request.FILES or None)
    problems: list[excel.Problem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            baseline = excel.baseline_import(
                actor=user, source=data["file"], version=data["version"],
                effective_from=data["effective_from"], note=data["note"],
            )  # fmt: skip
        except excel.BaselineImportRefused as exc:
            form.add_error(None, exc.message)
            problems = exc.problems
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Version %(v)s has been saved as a draft.") % {"v": baseline.version})
            return redirect("discretion:baseline_detail", pk=baseline.pk)
    context = {
        "form": form,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problems_hidden": max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
    }
    return render(request, "discretion/baseline_import.html", context)


@login_required
@require_POST
def baseline_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require(user, Perm.CATALOG_APPROVE)
    baseline = access.baseline_get_for_user(user, pk)
    try:
        actions.baseline_approve(actor=user, baseline=baseline)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version %(v)s has been approved.") % {"v": baseline.version})
    return redirect("discretion:baseline_detail", pk=baseline.pk)


@login_required
@require_POST
def baseline_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require(user, Perm.CATALOG_MANAGE)
    source = access.baseline_get_for_user(user, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            copy = actions.baseline_copy(actor=user, source=source, **form.cleaned_data)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Version %(v)s has been saved as a draft.") % {"v": copy.version})
            return redirect("discretion:baseline_detail", pk=copy.pk)
    return _detail(request, user, source, copy_form=form)


@login_required
@require_POST
def baseline_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require(user, Perm.CATALOG_MANAGE)
    baseline = access.baseline_get_for_user(user, pk)
    try:
        actions.baseline_discard(actor=user, baseline=baseline)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("discretion:baseline_detail", pk=baseline.pk)
    messages.success(request, _("The draft %(v)s has been deleted.") % {"v": baseline.version})
    return redirect("discretion:baseline_list")
