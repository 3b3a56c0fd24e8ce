"""Pages of the 法制审核目录清单 and the form that adds a major-decision ground to a case.

Reading the catalogue needs one of the catalogue or review permissions (else
404, as elsewhere); drafting and editing rules needs ``CATALOG_MANAGE``,
approving ``CATALOG_APPROVE`` (a user who sees the page without the right
gets 403). Writes go through ``actions_review``; a refusal shows on its form.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanxiang.cases.access import case_get_for_user
from sanxiang.catalog import actions_review as actions
from sanxiang.catalog import selectors
from sanxiang.catalog.forms import CatalogueForm, GroundForm, RuleForm, apply_domain_error
from sanxiang.catalog.models import MajorGround, ReviewCatalogue, ReviewRule
from sanxiang.lib.exceptions import AccessDenied, DomainError
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, has_perm

PAGE_SIZE = 25
GROUND_PREFIX = "major"  # the form also sits on the case page among other forms
READ_PERMS = (Perm.CATALOG_MANAGE, Perm.CATALOG_APPROVE, Perm.REVIEW_CONDUCT, Perm.REVIEW_STATS)


def require_read(user: User) -> None:
    """404 for a user with no catalogue or review permission (the page does not exist for them)."""
    if not any(has_perm(user, p) for p in READ_PERMS):
        raise Http404


def require_perm_page(user: User, perm: Perm) -> None:
    """404 without any catalogue permission, 403 without ``perm``."""
    require_read(user)
    if not has_perm(user, perm):
        raise PermissionDenied


def _grouped(rules: Iterable[ReviewRule]) -> list[tuple[str, list[ReviewRule]]]:
    """Rules by ground, in the order of ``MajorGround`` (APL Art. 58 (一)-(四), 118号, the bureau's own)."""
    labels = dict(MajorGround.choices)
    order = {g: n for n, g in enumerate(MajorGround.values)}
    ordered = sorted(rules, key=lambda r: (order.get(r.ground, len(order)), r.code))
    return [(str(labels.get(g, g)), list(rows)) for g, rows in groupby(ordered, key=lambda r: r.ground)]


@login_required
@require_GET
def catalogue_list_view(request: HttpRequest) -> HttpResponse:
    """Every version with its status today, 25 a page."""
    user = request_user(request)
    require_read(user)
    page = Paginator(selectors.review_catalogue_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(c, selectors.review_catalogue_status(c, today)) for c in page]
    context = {
        "page_obj": page,
        "rows": [(c, s, selectors.STATUS_LABELS[s]) for c, s in rows],
        "may_manage": has_perm(user, Perm.CATALOG_MANAGE),
    }
    return render(request, "catalog/catalogue_list.html", context)


def _detail_context(user: User, catalogue: ReviewCatalogue, rule_form: RuleForm | None = None) -> dict[str, Any]:
    status = selectors.review_catalogue_status(catalogue, timezone.localdate())
    draft = status == selectors.VersionStatus.DRAFT
    may_manage = draft and has_perm(user, Perm.CATALOG_MANAGE)
    return {
        "catalogue": catalogue,
        "status": status,
        "status_label": selectors.STATUS_LABELS[status],
        "groups": _grouped(selectors.review_rules(catalogue)),
        "draft": draft,
        "may_manage": may_manage,
        "may_approve": draft and has_perm(user, Perm.CATALOG_APPROVE),
        "rule_form": (rule_form or RuleForm()) if may_manage else None,
    }


def _catalogue(pk: int) -> ReviewCatalogue:
    return get_object_or_404(selectors.review_catalogue_list(), pk=pk)


@login_required
@require_GET
def catalogue_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One version: its rules grouped by ground; on a draft, the rule form and the approval button."""
    user = request_user(request)
    require_read(user)
    return render(request, "catalog/catalogue_detail.html", _detail_context(user, _catalogue(pk)))


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_create_view(request: HttpRequest) -> HttpResponse:
    """Draft a new version; the rules of the version in force are copied unless another is chosen."""
    user = request_user(request)
    require_perm_page(user, Perm.CATALOG_MANAGE)
    current = selectors.review_catalogue_in_force(timezone.localdate())
    form = CatalogueForm(request.POST or None, initial={"copy_from": current})
    if request.method == "POST" and form.is_valid():
        try:
            catalogue = actions.review_catalogue_create(actor=user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Draft version %(v)s has been created.") % {"v": catalogue.version})
            return redirect("catalog:catalogue_detail", catalogue.pk)
    return render(request, "catalog/catalogue_form.html", {"form": form})


@login_required
@require_POST
def rule_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a rule to a draft; refused input is shown on the version page's form (status 400)."""
    user = request_user(request)
    require_perm_page(user, Perm.CATALOG_MANAGE)
    catalogue = _catalogue(pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            actions.review_rule_add(actor=user, catalogue=catalogue, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The rule has been added."))
            return redirect("catalog:catalogue_detail", catalogue.pk)
    context = _detail_context(user, catalogue, form)
    if context["rule_form"] is None:  # approved meanwhile: the refusal shows on top
        messages.error(request, _("An approved catalogue is never changed: draft a new version."))
    return render(request, "catalog/catalogue_detail.html", context, status=400)


@login_required
@require_POST
def rule_remove_view(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    user = request_user(request)
    require_perm_page(user, Perm.CATALOG_MANAGE)
    catalogue = _catalogue(pk)
    rule = get_object_or_404(ReviewRule, pk=rule_pk, catalogue=catalogue)
    try:
        actions.review_rule_remove(actor=user, rule=rule)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rule %(code)s has been removed.") % {"code": rule.code})
    return redirect("catalog:catalogue_detail", catalogue.pk)


@login_required
@require_POST
def catalogue_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    require_perm_page(user, Perm.CATALOG_APPROVE)
    catalogue = _catalogue(pk)
    try:
        actions.review_catalogue_approve(actor=user, catalogue=catalogue)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("Version %(v)s is approved; it is in force from %(d)s.")
        messages.success(request, text % {"v": catalogue.version, "d": catalogue.effective_from.isoformat()})
    return redirect("catalog:catalogue_detail", catalogue.pk)


@login_required
@require_http_methods(["GET", "POST"])
def ground_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add a major-decision ground to a case (handlers, unit heads, leaders who may write it); else 404."""
    user = request_user(request)
    case = case_get_for_user(user, case_id, need_write=True)
    if not actions.may_add_ground(user, case):
        raise Http404
    form = GroundForm(request.POST or None, prefix=GROUND_PREFIX)
    if request.method == "POST" and form.is_valid():
        try:
            actions.major_ground_add(actor=user, case=case, **form.cleaned_data)
        except AccessDenied:
            raise Http404 from None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The ground has been added."))
            return redirect("cases:case_detail", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/ground_form.html", {"case": case, "form": form}, status=status)
