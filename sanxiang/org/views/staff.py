"""The staff pages (人员管理): list, profile, create and edit, account administration, training.

Every view is thin: parse the form, fetch through ``access`` (404 when out of
scope), check the write permission (404 without it), call the action, render.
The account-administration views are POST-only and answer on the profile
page: a refused form is shown there with its errors, a refused small action as
an error message after a redirect.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org import actions
from sanxiang.org import login as login_actions
from sanxiang.org.access import Purpose, staff_get_for_user, staff_list_for_user, unit_scope
from sanxiang.org.forms.staff import (
    PasswordResetForm,
    RoleChangeForm,
    SetActiveForm,
    StaffCreateForm,
    StaffFilterForm,
    StaffForm,
    TrainingForm,
    add_domain_errors,
)
from sanxiang.org.http import request_user
from sanxiang.org.models import (
    Certificate,
    CertificateStatus,
    Role,
    RoleGrant,
    StaffKind,
    TrainingKind,
    TrainingRecord,
    Unit,
    User,
)
from sanxiang.org.permissions import Perm, has_perm

PAGE_SIZE = 25
#: A valid certificate ending within this many days is shown as expiring (as on the home page).
EXPIRING_DAYS = 60


@dataclass(frozen=True)
class CertBadge:
    """How a certificate is shown: its stored status, or expired/expiring by its dates."""

    certificate: Certificate
    css: str
    label: str


@dataclass(frozen=True)
class StaffRow:
    staff: User
    roles: list[str]
    certificates: list[CertBadge]
    locked: bool


@dataclass(frozen=True)
class SecurityFacts:
    """The account's login security state, for the security administrator (never hashes or secrets)."""

    locked_until: dt.datetime | None
    failed_login_count: int
    mfa_enrolled: bool
    last_login: dt.datetime | None
    password_usable: bool
    password_changed_at: dt.datetime | None
    password_age_days: int | None
    must_change_password: bool


def cert_badge(cert: Certificate, today: dt.date) -> CertBadge:
    """Return the badge of ``cert`` on ``today``: a valid certificate past its end date shows as expired."""
    if cert.status == CertificateStatus.VALID and cert.valid_to < today:
        return CertBadge(cert, CertificateStatus.EXPIRED.value, str(CertificateStatus.EXPIRED.label))
    if cert.status == CertificateStatus.VALID and cert.valid_to <= today + dt.timedelta(days=EXPIRING_DAYS):
        return CertBadge(cert, "expiring", _("Expiring"))
    return CertBadge(cert, cert.status, cert.get_status_display())


def _detail_url(staff: User) -> HttpResponseRedirect:
    return redirect("org:staff_detail", pk=staff.pk)


# --- List -----------------------------------------------------------------------------------


def units_in_scope(user: User) -> QuerySet[Unit]:
    """The units whose staff ``user`` may list (the unit filter offers only these)."""
    scope = unit_scope(user, Purpose.ROSTER)
    if scope.all_units:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for path in scope.unit_paths:
        condition |= Q(path__startswith=path) if scope.subtree else Q(path=path)
    return Unit.objects.filter(condition)


def filter_staff(staff: QuerySet[User], filters: dict[str, Any], *, now: dt.datetime) -> QuerySet[User]:
    """Apply the list filters (already validated by ``StaffFilterForm``)."""
    if text := filters.get("q", "").strip():
        staff = staff.filter(
            Q(full_name__icontains=text)
            | Q(username__icontains=text)
            | Q(employee_no__icontains=text)
            | Q(pk__in=Certificate.objects.filter(number__icontains=text).values("holder_id"))
        )
    if unit := filters.get("unit"):
        staff = staff.filter(unit__path__startswith=unit.path)
    if kind := filters.get("kind"):
        staff = staff.filter(staff_kind=kind)
    if role := filters.get("role"):
        staff = staff.filter(pk__in=RoleGrant.objects.filter(role=role, revoked_at__isnull=True).values("user_id"))
    if active := filters.get("active"):
        staff = staff.filter(is_active=active == "1")
    if filters.get("locked") == "1":
        staff = staff.filter(locked_until__gt=now)
    return staff


def _with_rows_data(staff: QuerySet[User]) -> QuerySet[User]:
    # Two prefetch queries per page, whatever the number of rows.
    return staff.prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.filter(revoked_at__isnull=True).order_by("role")),
        Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_to", "number")),
    )


def _row(staff: User, *, today: dt.date, now: dt.datetime) -> StaffRow:
    return StaffRow(
        staff=staff,
        roles=[grant.get_role_display() for grant in staff.role_grants.all()],
        certificates=[cert_badge(cert, today) for cert in staff.certificates.all()],
        locked=staff.is_locked(now),
    )


@login_required
def staff_list_view(request: HttpRequest) -> HttpResponse:
    """The staff the user may see, searchable and filtered, 25 to a page."""
    user = request_user(request)
    now, today = timezone.now(), timezone.localdate()
    form = StaffFilterForm(request.GET, units=units_in_scope(user))
    staff = filter_staff(staff_list_for_user(user), form.filters(), now=now)
    page = Paginator(_with_rows_data(staff), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rows": [_row(member, today=today, now=now) for member in page.object_list],
        "can_manage": has_perm(user, Perm.STAFF_MANAGE),
        "can_import": has_perm(user, Perm.ROSTER_IMPORT),
    }
    return render(request, "org/staff_list.html", context)


# --- Detail ---------------------------------------------------------------------------------


def security_facts(staff: User, *, now: dt.datetime) -> SecurityFacts:
    """Collect the login security state of ``staff``."""
    changed = staff.password_changed_at
    return SecurityFacts(
        locked_until=staff.locked_until if staff.is_locked(now) else None,
        failed_login_count=staff.failed_login_count,
        mfa_enrolled=TOTPDevice.objects.filter(user=staff, confirmed=True).exists(),
        last_login=staff.last_login,
        password_usable=staff.has_usable_password(),
        password_changed_at=changed,
        password_age_days=(now - changed).days if changed is not None else None,
        must_change_password=staff.must_change_password,
    )


def _training_context(staff: User) -> dict[str, Any]:
    records = list(staff.trainings.select_related("created_by"))
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    for record in records:
        per_year[record.date.year] += record.hours
    return {"trainings": records, "training_years": sorted(per_year.items(), reverse=True)}


def _admin_forms(user: User, staff: User, held: frozenset[Role], given: dict[str, Any]) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    if has_perm(user, Perm.ROLE_GRANT):
        forms["grant_form"] = given.get("grant_form") or RoleChangeForm(held=held, initial={"action": "grant"})
    if has_perm(user, Perm.STAFF_MANAGE):
        forms["active_form"] = given.get("active_form") or SetActiveForm(
            initial={"active": "0" if staff.is_active else "1"}
        )
        forms["password_form"] = given.get("password_form") or PasswordResetForm()
    return forms


def render_detail(request: HttpRequest, staff: User, **given: Any) -> HttpResponse:
    """Render the profile of ``staff``; ``given`` replaces the blank admin forms (to show their errors)."""
    user = request_user(request)
    now, today = timezone.now(), timezone.localdate()
    grants = list(staff.role_grants.filter(revoked_at__isnull=True).select_related("granted_by").order_by("granted_at"))
    held = frozenset(Role(grant.role) for grant in grants)
    context: dict[str, Any] = {
        "staff": staff,
        "grants": grants,
        "certificates": [cert_badge(cert, today) for cert in staff.certificates.order_by("-valid_to", "number")],
        "can_manage": has_perm(user, Perm.STAFF_MANAGE),
        "can_grant": has_perm(user, Perm.ROLE_GRANT),
        "can_unlock": has_perm(user, Perm.ACCOUNT_UNLOCK),
        "can_train": has_perm(user, Perm.TRAINING_RECORD),
        "is_self": staff.pk == user.pk,
        **_training_context(staff),
        **_admin_forms(user, staff, held, given),
    }
    if context["can_unlock"]:
        context["security"] = security_facts(staff, now=now)
    return render(request, "org/staff_detail.html", context)


@login_required
def staff_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile of one staff member, with the administration each permission allows."""
    staff = staff_get_for_user(request_user(request), pk)
    return render_detail(request, staff)


# --- Create and edit ------------------------------------------------------------------------


def _profile(data: dict[str, Any]) -> dict[str, Any]:
    """The ``actions.STAFF_FIELDS`` values of a valid ``StaffForm``."""
    return {
        "full_name": data["full_name"],
        "employee_no": data["employee_no"],
        "unit": data["unit"],
        "position": data["position"],
        "staff_kind": StaffKind(data["staff_kind"]),
        "phone": data["phone"],
        "has_legal_qualification": data["has_legal_qualification"],
        "legal_qualification_no": data["legal_qualification_no"],
    }


@login_required
def staff_create_view(request: HttpRequest) -> HttpResponse:
    """Create a staff account (system administrator)."""
    user = request_user(request)
    if not has_perm(user, Perm.STAFF_MANAGE):
        raise Http404
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = actions.staff_create(
                actor=user, username=data["username"], password=data["password"] or None, **_profile(data)
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The account of %(name)s has been created.") % {"name": staff.full_name})
            return _detail_url(staff)
    return render(request, "org/staff_form.html", {"form": form, "staff": None})


@login_required
def staff_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a staff member's profile (system administrator)."""
    user = request_user(request)
    staff = staff_get_for_user(user, pk, need_write=True)
    initial = {name: getattr(staff, name) for name in actions.STAFF_FIELDS}
    form = StaffForm(request.POST or None, initial=initial, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            actions.staff_update(actor=user, staff=staff, **_profile(form.cleaned_data))
        except DomainError as exc:
            add_domain_errors(form, exc)
            staff.refresh_from_db()
        else:
            messages.success(request, _("The profile of %(name)s has been saved.") % {"name": staff.full_name})
            return _detail_url(staff)
    return render(request, "org/staff_form.html", {"form": form, "staff": staff})


# --- Training -------------------------------------------------------------------------------


@login_required
def training_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a training attended by a staff member."""
    user = request_user(request)
    if not has_perm(user, Perm.TRAINING_RECORD):
        raise Http404
    staff = staff_get_for_user(user, pk)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record: TrainingRecord = actions.training_record_create(
                actor=user,
                user=staff,
                date=data["date"],
                hours=data["hours"],
                subject=data["subject"],
                kind=TrainingKind(data["kind"]),
                organizer=data["organizer"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The training “%(subject)s” has been recorded.") % {"subject": record.subject})
            return _detail_url(staff)
    return render(request, "org/training_form.html", {"form": form, "staff": staff})


# --- Account administration (POST only) -------------------------------------------------------


def _staff_for(request: HttpRequest, pk: int, perm: Perm) -> tuple[User, User]:
    """Return (actor, staff) when the actor holds ``perm`` and may see ``staff``; else 404."""
    user = request_user(request)
    if not has_perm(user, perm):
        raise Http404
    return user, staff_get_for_user(user, pk)


@login_required
@require_POST
def staff_set_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Enable or disable an account, with a reason."""
    user, staff = _staff_for(request, pk, Perm.STAFF_MANAGE)
    form = SetActiveForm(request.POST)
    if form.is_valid():
        active: bool = form.cleaned_data["active"]
        try:
            actions.staff_set_active(actor=user, staff=staff, active=active, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _detail_url(staff)
        else:
            done = _("The account of %(name)s is enabled.") if active else _("The account of %(name)s is disabled.")
            messages.success(request, done % {"name": staff.full_name})
            return _detail_url(staff)
    return render_detail(request, staff, active_form=form)


@login_required
@require_POST
def staff_reset_password_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a temporary password that must be changed at the next login."""
    user, staff = _staff_for(request, pk, Perm.STAFF_MANAGE)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            actions.staff_reset_password(actor=user, staff=staff, password=form.cleaned_data["password"])
        except DomainError as exc:
            add_domain_errors(form, exc)
            staff.refresh_from_db()
        else:
            messages.success(
                request,
                _("The password of %(name)s has been reset; it must be changed at the next login.")
                % {"name": staff.full_name},
            )
            return _detail_url(staff)
    return render_detail(request, staff, password_form=form)


@login_required
@require_POST
def staff_roles_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant or revoke one role; refusals (separation of duties, own roles) come back as error messages."""
    user, staff = _staff_for(request, pk, Perm.ROLE_GRANT)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role to grant or revoke."))
        return _detail_url(staff)
    role = Role(form.cleaned_data["role"])
    grant = form.cleaned_data["action"] == "grant"
    try:
        (actions.role_grant if grant else actions.role_revoke)(actor=user, user=staff, role=role)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = _("%(name)s now holds the role %(role)s.") if grant else _("%(name)s no longer holds the role %(role)s.")
        messages.success(request, done % {"name": staff.full_name, "role": role.label})
    return _detail_url(staff)


@login_required
@require_POST
def staff_unlock_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a lockout after failed logins (security administrator)."""
    user, staff = _staff_for(request, pk, Perm.ACCOUNT_UNLOCK)
    try:
        login_actions.account_unlock(actor=user, user=staff)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account of %(name)s is unlocked.") % {"name": staff.full_name})
    return _detail_url(staff)


@login_required
@require_POST
def staff_mfa_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove the second factor (lost phone); the staff member enrols again at the next login."""
    user, staff = _staff_for(request, pk, Perm.ACCOUNT_UNLOCK)
    try:
        login_actions.mfa_reset(actor=user, user=staff)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The second factor of %(name)s has been removed; they set it up again at the next login.")
            % {"name": staff.full_name},
        )
    return _detail_url(staff)
