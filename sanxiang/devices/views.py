"""The device registry pages: list with filters and Excel export, detail with history, register, edit,
issue, return, status change, and the Excel import.

Every device comes through ``access`` and every page needs ``Perm.DEVICE_MANAGE``
within the user's units; missing and forbidden are both 404. Writes go through
``actions``; a refusal is shown on its form.
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

from sanxiang.devices import access, actions, excel
from sanxiang.devices.forms import (
    AssignForm,
    DeviceFilterForm,
    DeviceForm,
    DeviceImportForm,
    ReturnForm,
    StatusForm,
    apply_domain_error,
)
from sanxiang.devices.models import DeviceStatus, RecordingDevice
from sanxiang.devices.selectors import (
    current_assignment,
    device_filter,
    device_history,
    device_status_history,
    holders_of,
)
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm

PAGE_SIZE = 25
MAX_PROBLEMS_SHOWN = 500


def _require_manage(user: User) -> None:
    if not has_perm(user, Perm.DEVICE_MANAGE) or access.device_scope(user).is_empty:
        raise Http404


def _filtered(request: HttpRequest, user: User) -> tuple[DeviceFilterForm, Any]:
    form = DeviceFilterForm(request.GET or None, units=access.device_units_for_user(user))
    if form.is_bound:
        form.is_valid()
    return form, device_filter(access.device_list_for_user(user), form.filters())


@login_required
@require_GET
def device_list_view(request: HttpRequest) -> HttpResponse:
    """The devices the user manages, filtered, 25 a page, each with its current holder."""
    user = request_user(request)
    _require_manage(user)
    form, devices = _filtered(request, user)
    page = Paginator(devices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    holders = holders_of(rows)
    context = {"form": form, "page_obj": page, "rows": [(d, holders.get(d.pk)) for d in rows]}
    return render(request, "devices/device_list.html", context)


def xlsx_response(data: bytes, *, title: str, ascii_title: str) -> HttpResponse:
    """An attachment named ``<title>-<today>.xlsx`` (RFC 6266/5987), with an ASCII fallback name."""
    day = timezone.localdate().isoformat()
    response = HttpResponse(data, content_type=excel.XLSX_CONTENT_TYPE)
    utf8_name = quote(f"{title}-{day}.xlsx")
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_title}-{day}.xlsx\"; filename*=UTF-8''{utf8_name}"
    return response


@login_required
@never_cache
@require_GET
def device_export_view(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page, as an Excel file (every page)."""
    user = request_user(request)
    _require_manage(user)
    _form, devices = _filtered(request, user)
    return xlsx_response(excel.devices_workbook(devices), title=excel.SHEET_TITLE, ascii_title="devices")


@login_required
@never_cache
@require_GET
def device_template_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_manage(user)
    data = excel.template_workbook(user)
    return xlsx_response(data, title=excel.SHEET_TITLE + "模板", ascii_title="devices-template")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def device_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a device file; either everything is saved, or nothing and the problems are listed."""
    user = request_user(request)
    _require_manage(user)
    form = DeviceImportForm(request.POST or None, request.FILES or None)
    problems: list[excel.Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = excel.device_import(actor=user, source=form.cleaned_data["file"])
        except excel.DeviceImportRefused as exc:
            form.add_error(None, exc.message)
            problems = exc.problems
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            text = _("Import finished (%(rows)s rows): %(created)s devices registered, %(updated)s updated.")
            messages.success(request, text % vars(summary))
            return redirect("devices:device_import")
    context = {
        "form": form,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problems_hidden": max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
    }
    return render(request, "devices/device_import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def device_create_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_manage(user)
    units = access.device_units_for_user(user)
    form = DeviceForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.device_register(actor=user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Device %(s)s has been registered.") % {"s": device.serial})
            return redirect("devices:device_detail", pk=device.pk)
    return render(request, "devices/device_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def device_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require_manage(user)
    device = access.device_get_for_user(user, pk)
    initial = {name: getattr(device, name) for name in actions.DEVICE_FIELDS}
    form = DeviceForm(
        request.POST or None, initial=initial, units=access.device_units_for_user(user), with_serial=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.device_update(actor=user, device=device, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Device %(s)s has been updated.") % {"s": device.serial})
            return redirect("devices:device_detail", pk=device.pk)
        device = access.device_get_for_user(user, pk)  # the action may have changed the instance before refusing
    return render(request, "devices/device_form.html", {"form": form, "device": device})


def _detail(request: HttpRequest, user: User, device: RecordingDevice, **bound: forms.Form) -> HttpResponse:
    """The detail page, with ``bound`` forms (that failed) in place of the blank ones."""
    current = current_assignment(device)
    in_service = device.status == DeviceStatus.IN_SERVICE
    context = {
        "device": device,
        "current": current,
        "history": device_history(device),
        "status_history": device_status_history(device),
        "assign_form": bound.get("assign_form")
        or (AssignForm(holders=access.holder_choices(user)) if in_service and current is None else None),
        "return_form": bound.get("return_form") or (ReturnForm() if current is not None else None),
        "status_form": bound.get("status_form")
        or (StatusForm(device=device) if device.status != DeviceStatus.RETIRED else None),
    }
    return render(request, "devices/device_detail.html", context)


@login_required
@require_GET
def device_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One device: facts, current holder, issue history, status history, and the forms to act on it."""
    user = request_user(request)
    _require_manage(user)
    return _detail(request, user, access.device_get_for_user(user, pk))


@login_required
@require_POST
def device_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require_manage(user)
    device = access.device_get_for_user(user, pk)
    form = AssignForm(request.POST, holders=access.holder_choices(user))
    if form.is_valid():
        try:
            actions.device_assign(
                actor=user, device=device, holder=form.cleaned_data["holder"], at=form.cleaned_data["at"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            holder = form.cleaned_data["holder"]
            messages.success(
                request, _("Device %(s)s has been issued to %(u)s.") % {"s": device.serial, "u": holder.full_name}
            )
            return redirect("devices:device_detail", pk=device.pk)
    return _detail(request, user, device, assign_form=form)


@login_required
@require_POST
def device_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require_manage(user)
    device = access.device_get_for_user(user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            actions.device_return(actor=user, device=device, at=form.cleaned_data["at"], note=form.cleaned_data["note"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Device %(s)s has been taken back.") % {"s": device.serial})
            return redirect("devices:device_detail", pk=device.pk)
    return _detail(request, user, device, return_form=form)


@login_required
@require_POST
def device_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    _require_manage(user)
    device = access.device_get_for_user(user, pk)
    form = StatusForm(request.POST, device=device)
    if form.is_valid():
        status = DeviceStatus(form.cleaned_data["status"])
        try:
            actions.device_set_status(actor=user, device=device, status=status, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, _("Device %(s)s is now %(status)s.") % {"s": device.serial, "status": status.label}
            )
            return redirect("devices:device_detail", pk=device.pk)
    return _detail(request, user, device, status_form=form)
