"""Pages of the 音像记录事项清单 (the audio/video recording list): versions, detail, draft, approval.

Same pattern as the legal-review catalogue (``views``): reading needs a
catalogue or review permission (else 404), drafting ``CATALOG_MANAGE``,
approving ``CATALOG_APPROVE`` (else 403). The statutory floor
(``catalog.av.av_floor``) applies whatever a list says.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanxiang.catalog import actions, selectors
from sanxiang.catalog.av import av_list_in_force
from sanxiang.catalog.forms import AVListForm, apply_domain_error
from sanxiang.catalog.models import AVList
from sanxiang.catalog.views import PAGE_SIZE, require_perm_page, require_read
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.http import request_user
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.procedures import definitions


@login_required
@require_GET
def av_list_list_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_read(user)
    page = Paginator(AVList.objects.select_related("created_by", "approved_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = []
    for av_list in page:
        status = selectors.av_list_status(av_list, today)
        rows.append((av_list, status, selectors.STATUS_LABELS[status]))
    context = {"page_obj": page, "rows": rows, "may_manage": has_perm(user, Perm.CATALOG_MANAGE)}
    return render(request, "catalog/av_list_list.html", context)


def _step_labels(procedure_code: str) -> dict[str, str]:
    try:
        proc = definitions.get(procedure_code)
    except KeyError:
        return {}
    return {t.code: str(t.label) for t in proc.transitions}


@login_required
@require_GET
def av_list_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One version with its items (procedure, step, requirement, basis)."""
    user = request_user(request)
    require_read(user)
    av_list = get_object_or_404(AVList.objects.select_related("created_by", "approved_by"), pk=pk)
    status = selectors.av_list_status(av_list, timezone.localdate())
    procedures = definitions.all_procedures()
    items = [
        (item, str(procedures[item.procedure].label) if item.procedure in procedures else item.procedure,
         _step_labels(item.procedure).get(item.transition, item.transition))
        for item in av_list.items.order_by("procedure", "transition")
    ]  # fmt: skip
    context = {
        "av_list": av_list,
        "status": status,
        "status_label": selectors.STATUS_LABELS[status],
        "items": items,
        "may_approve": status == selectors.VersionStatus.DRAFT and has_perm(user, Perm.CATALOG_APPROVE),
    }
    return render(request, "catalog/av_list_detail.html", context)


def _initial_items() -> str:
    current = av_list_in_force(timezone.localdate())
    if current is None:
        return ""
    return "\n".join(
        f"{i.procedure} | {i.transition} | {i.level} | {i.basis}"
        for i in current.items.order_by("procedure", "transition")
    )


@login_required
@require_http_methods(["GET", "POST"])
def av_list_create_view(request: HttpRequest) -> HttpResponse:
    """Draft a new version; the items of the version in force are filled in to be edited."""
    user = request_user(request)
    require_perm_page(user, Perm.CATALOG_MANAGE)
    form = AVListForm(request.POST or None, initial={"items": _initial_items()})
    if request.method == "POST" and form.is_valid():
        items = [actions.AVItemSpec(*parts) for parts in form.parsed_items()]
        if form.is_valid():
            try:
                data = {k: form.cleaned_data[k] for k in ("version", "effective_from", "note")}
                av_list = actions.av_list_create(actor=user, items=items, **data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Draft version %(v)s has been created.") % {"v": av_list.version})
                return redirect("catalog:av_list_detail", av_list.pk)
    return render(request, "catalog/av_list_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def av_list_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    require_perm_page(user, Perm.CATALOG_APPROVE)
    av_list = get_object_or_404(AVList, pk=pk)
    try:
        actions.av_list_approve(actor=user, av_list=av_list)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("Version %(v)s is approved; it is in force from %(d)s.")
        messages.success(request, text % {"v": av_list.version, "d": av_list.effective_from.isoformat()})
    return redirect("catalog:av_list_detail", av_list.pk)
