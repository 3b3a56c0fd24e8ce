"""The pages that start a case without a lead: an on-the-spot decision, an inspection, a compulsory measure.

Like the new-lead page they are for officers and unit heads, with the units
offered as there (an officer's own unit, a unit head's subtree). The first
action of the procedure decides; a refusal is shown on the form, and the
transaction leaves neither the case nor its numbers behind.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sanxiang.cases import actions
from sanxiang.cases.forms.lead import PARTY_ALIASES
from sanxiang.cases.forms.start import CompulsoryStartForm, InspectionStartForm, SimpleStartForm, StartForm
from sanxiang.cases.models import Case, Party
from sanxiang.cases.views.lead import lead_units, may_create_lead
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.forms.staff import add_domain_errors
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.procedures import definitions


def _parties(form: StartForm) -> list[Party] | None:
    """The party the form names (none, or one); None, with the errors on the form, when it is refused."""
    party = form.party_kwargs()
    if party is None:
        return []
    try:
        return [actions.party_build(**party)]
    except DomainError as exc:
        add_domain_errors(form, exc, aliases=PARTY_ALIASES)
        return None


def _open(user: User, form: StartForm) -> Case | None:
    """Build the party, then run the procedure's first action; a refusal goes onto the form and returns None."""
    parties = _parties(form)
    if parties is None:
        return None
    action, arguments = form.start(parties)
    try:
        return action(actor=user, **arguments)
    except DomainError as exc:
        form.add_refusal(exc)
        return None


def _start_page(request: HttpRequest, form_class: type[StartForm]) -> HttpResponse:
    user = request_user(request)
    if not may_create_lead(user):
        raise Http404
    form = form_class(request.POST or None, actor=user, units=lead_units(user))
    if request.method == "POST" and form.is_valid() and (case := _open(user, form)) is not None:
        label = definitions.get(case.procedure).transition(form.transition_code()).label
        messages.success(request, _("“%(step)s” is recorded.") % {"step": label})
        return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/start_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_simple_view(request: HttpRequest) -> HttpResponse:
    """当场处罚: decide a warning or a small fine on the spot, which creates the case (APL Art. 51, 52)."""
    return _start_page(request, SimpleStartForm)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_inspection_view(request: HttpRequest) -> HttpResponse:
    """Start an administrative inspection by at least two officers (APL Art. 42, 55)."""
    return _start_page(request, InspectionStartForm)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_compulsory_view(request: HttpRequest) -> HttpResponse:
    """A compulsory measure: approved beforehand by a head, or taken in an emergency (AEL Art. 18, 19)."""
    return _start_page(request, CompulsoryStartForm)
