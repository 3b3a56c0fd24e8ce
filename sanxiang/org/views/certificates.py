"""The enforcement-certificate pages (执法证): list, detail with a qualification check, create, edit, status, photo.

Every certificate comes through ``access``; writes need ``Perm.CERTIFICATE_MANAGE``
and go through ``actions``. Missing and forbidden are both 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sanxiang.lib.exceptions import DomainError
from sanxiang.org import access, actions
from sanxiang.org.certificate_queries import (
    CertificateBadge,
    certificate_badge,
    certificate_filter,
    certificate_holder_choices,
    certificate_status_history,
    units_for_user,
)
from sanxiang.org.forms.certificates import (
    ACT_LABELS,
    CertificateCreateForm,
    CertificateEditForm,
    CertificateFilterForm,
    CertificateStatusForm,
    QualificationCheckForm,
    apply_domain_error,
)
from sanxiang.org.http import request_user
from sanxiang.org.models import Certificate, CertificateStatus, User
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.org.selectors import EnforcementAct, Qualification, officer_qualification

PAGE_SIZE = 25
PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
_CHECK_PARAMS = ("act", "category", "region", "date")


@dataclass(frozen=True)
class CertificateRow:
    cert: Certificate
    badge: CertificateBadge


def _require_manage(user: User) -> None:
    if not has_perm(user, Perm.CERTIFICATE_MANAGE):
        raise Http404


@login_required
def certificate_list_view(request: HttpRequest) -> HttpResponse:
    """The certificates the user may see, filtered, 25 a page; bad parameters are ignored and reported."""
    user = request_user(request)
    today = timezone.localdate()
    form = CertificateFilterForm(request.GET or None, units=units_for_user(user))
    if form.is_bound:
        form.is_valid()
    certs = certificate_filter(access.certificate_list_for_user(user), form.filters(), today)
    page = Paginator(certs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [CertificateRow(cert, certificate_badge(cert, today)) for cert in page]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "can_manage": has_perm(user, Perm.CERTIFICATE_MANAGE),
    }
    return render(request, "org/certificate_list.html", context)


def _qualification_check(
    request: HttpRequest, cert: Certificate
) -> tuple[QualificationCheckForm, Qualification | None]:
    """The check form, bound when the page was asked to check, and the answer when it parsed."""
    if not any(name in request.GET for name in _CHECK_PARAMS):
        return QualificationCheckForm(), None
    form = QualificationCheckForm(request.GET)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    answer = officer_qualification(
        cert.holder,
        act=EnforcementAct(data["act"]),
        category=data["category"],
        region=data["region"],
        on=data["date"],
    )
    return form, answer


@login_required
def certificate_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One certificate: facts, photo, status history, the qualification check and, for managers, status change."""
    user = request_user(request)
    cert = access.certificate_get_for_user(user, pk)
    check_form, answer = _qualification_check(request, cert)
    can_manage = has_perm(user, Perm.CERTIFICATE_MANAGE)
    context = {
        "cert": cert,
        "badge": certificate_badge(cert, timezone.localdate()),
        "history": certificate_status_history(cert),
        "check_form": check_form,
        "answer": answer,
        "act_label": ACT_LABELS.get(EnforcementAct(check_form.cleaned_data["act"])) if answer is not None else "",
        "can_manage": can_manage,
        "status_form": CertificateStatusForm(current=cert.status) if can_manage else None,
    }
    return render(request, "org/certificate_detail.html", context)


def _holder_initial(request: HttpRequest, user: User) -> dict[str, object]:
    raw = request.GET.get("holder", "")
    if not raw.isdigit():
        return {}
    holder = certificate_holder_choices(user).filter(pk=int(raw)).first()
    return {"holder": holder} if holder is not None else {}


def _create(form: CertificateCreateForm, actor: User) -> Certificate | None:
    data = form.cleaned_data
    try:
        return actions.certificate_create(
            actor=actor,
            holder=data["holder"],
            number=data["number"],
            issuing_authority=data["issuing_authority"],
            categories=data["categories"],
            regions=data["regions"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            annual_inspection_year=data["annual_inspection_year"],
            photo=data["photo"],
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return None


@login_required
def certificate_create_view(request: HttpRequest) -> HttpResponse:
    """Record a new certificate (``?holder=<id>`` preselects the holder)."""
    user = request_user(request)
    _require_manage(user)
    holders = certificate_holder_choices(user)
    if request.method != "POST":
        form = CertificateCreateForm(initial=_holder_initial(request, user), holders=holders)
        return render(request, "org/certificate_form.html", {"form": form})
    form = CertificateCreateForm(request.POST, request.FILES, holders=holders)
    cert = _create(form, user) if form.is_valid() else None
    if cert is None:
        return render(request, "org/certificate_form.html", {"form": form})
    messages.success(request, _("Certificate %(n)s has been recorded.") % {"n": cert.number})
    return redirect("org:certificate_detail", pk=cert.pk)


def _edit_initial(cert: Certificate) -> dict[str, object]:
    return {
        "issuing_authority": cert.issuing_authority,
        "categories": list(cert.categories.all()),
        "regions": list(cert.regions.all()),
        "valid_from": cert.valid_from,
        "valid_to": cert.valid_to,
        "annual_inspection_year": cert.annual_inspection_year,
    }


def _update(form: CertificateEditForm, actor: User, cert: Certificate) -> bool:
    data = form.cleaned_data
    try:
        actions.certificate_update(
            actor=actor,
            certificate=cert,
            categories=data["categories"],
            regions=data["regions"],
            photo=data["photo"],
            issuing_authority=data["issuing_authority"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            annual_inspection_year=data["annual_inspection_year"],
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return False
    return True


@login_required
def certificate_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a certificate's data; the holder and the number stay as recorded."""
    user = request_user(request)
    cert = access.certificate_get_for_user(user, pk, need_write=True)
    if request.method != "POST":
        form = CertificateEditForm(initial=_edit_initial(cert))
        return render(request, "org/certificate_form.html", {"form": form, "cert": cert})
    form = CertificateEditForm(request.POST, request.FILES)
    if not (form.is_valid() and _update(form, user, cert)):
        # The action may have changed the instance before refusing: show what is stored.
        cert = access.certificate_get_for_user(user, pk, need_write=True)
        return render(request, "org/certificate_form.html", {"form": form, "cert": cert})
    messages.success(request, _("Certificate %(n)s has been updated.") % {"n": cert.number})
    return redirect("org:certificate_detail", pk=cert.pk)


def _form_error_text(form: CertificateStatusForm) -> str:
    parts = [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errs)}"
        for name, errs in form.errors.items()
        if name in form.fields
    ]
    return " ".join(parts) or _("Please correct the errors below.")


@login_required
@require_POST
def certificate_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withhold, revoke, reinstate or expire; the outcome is a message on the detail page."""
    user = request_user(request)
    cert = access.certificate_get_for_user(user, pk, need_write=True)
    form = CertificateStatusForm(request.POST, current=cert.status)
    if not form.is_valid():
        messages.error(request, _form_error_text(form))
        return redirect("org:certificate_detail", pk=cert.pk)
    status = CertificateStatus(form.cleaned_data["status"])
    try:
        actions.certificate_set_status(actor=user, certificate=cert, status=status, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The certificate is now %(s)s.") % {"s": status.label})
    return redirect("org:certificate_detail", pk=cert.pk)


@login_required
@never_cache
def certificate_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """The holder's photo, only to those who may see the certificate (never a public media URL)."""
    cert = access.certificate_get_for_user(request_user(request), pk)
    if not cert.photo:
        raise Http404
    suffix = cert.photo.name.rsplit(".", 1)[-1].lower() if cert.photo.name else ""
    try:
        handle = cert.photo.storage.open(cert.photo.name, "rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, content_type=PHOTO_CONTENT_TYPES.get(suffix, "application/octet-stream"))
