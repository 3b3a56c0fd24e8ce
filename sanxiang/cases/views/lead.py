"""The new-lead page (案源登记): one party and the lead, for officers and unit heads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sanxiang.cases import actions
from sanxiang.cases.forms.lead import PARTY_ALIASES, LeadForm
from sanxiang.cases.models import Case
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.forms.staff import add_domain_errors
from sanxiang.org.http import request_user
from sanxiang.org.models import Role, Unit, User
from sanxiang.org.permissions import roles_of


def lead_units(user: User) -> QuerySet[Unit]:
    """Units where ``user`` may register a lead: a unit head's subtree, an officer's own unit, else none."""
    roles = roles_of(user)
    unit = user.unit
    if unit is None:
        return Unit.objects.none()
    if Role.UNIT_HEAD in roles:
        return Unit.objects.filter(path__startswith=unit.path)
    if Role.OFFICER in roles:
        return Unit.objects.filter(pk=unit.pk)
    return Unit.objects.none()


def may_create_lead(user: User) -> bool:
    return bool(roles_of(user) & {Role.OFFICER, Role.UNIT_HEAD}) and user.unit_id is not None


def _register(user: User, form: LeadForm) -> Case | None:
    """Build the party, then register the lead; a refusal goes onto the form and returns None."""
    try:
        party = actions.party_build(**form.party_kwargs())
    except DomainError as exc:
        add_domain_errors(form, exc, aliases=PARTY_ALIASES)
        return None
    try:
        return actions.case_register_lead(actor=user, parties=[party], **form.lead_kwargs())
    except DomainError as exc:
        add_domain_errors(form, exc)
        return None


@login_required
def lead_create_view(request: HttpRequest) -> HttpResponse:
    """Register a lead with one party; the lead number is taken only when everything is valid."""
    user = request_user(request)
    if not may_create_lead(user):
        raise Http404
    form = LeadForm(request.POST or None, units=lead_units(user))
    if request.method == "POST" and form.is_valid() and (case := _register(user, form)) is not None:
        messages.success(request, _("The lead %(number)s is registered.") % {"number": case.lead_number})
        return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/lead_form.html", {"form": form})
