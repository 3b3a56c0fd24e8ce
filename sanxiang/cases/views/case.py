"""The case page (案件详情): facts, deadlines, the whole-process timeline, the checklist, and the next steps as forms.

One POST endpoint performs any transition: ``/cases/<id>/act/<code>/`` finds
the transition's form and action in ``forms.registry``, and shows a refusal
(a gate's reasons, a field error) on the same form on the case page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sanxiang.cases import checklist, selectors
from sanxiang.cases.access import case_get_for_user, may_write_case
from sanxiang.cases.engine import transition_blockers
from sanxiang.cases.forms.base import ActionForm, ActionSpec
from sanxiang.cases.forms.registry import action_spec
from sanxiang.cases.models import Case
from sanxiang.evidence.av import av_status
from sanxiang.evidence.views import case_evidence_context
from sanxiang.lib.exceptions import AccessDenied, DomainError, InvalidTransition
from sanxiang.org.http import request_user
from sanxiang.org.models import User
from sanxiang.org.permissions import is_system, roles_of
from sanxiang.procedures.definitions.types import ChecklistItem, Transition


@dataclass(frozen=True)
class StepPanel:
    """One transition available from the case's state: its form, or why it is blocked, or no form yet."""

    move: Transition
    form: ActionForm | None = None
    reasons: list[str] = dataclasses.field(default_factory=list)
    has_form: bool = True


@dataclass(frozen=True)
class ChecklistRow:
    item: ChecklistItem
    present: bool


def _previewed(move: Transition, spec: ActionSpec) -> Transition:
    """``move`` with only the guards that do not read the form's input (those are checked on submit)."""
    return dataclasses.replace(move, guards=tuple(g for g in move.guards if g not in spec.input_guards))


def _blockers(case: Case, move: Transition, spec: ActionSpec, user: User) -> list[str]:
    try:
        return transition_blockers(case, _previewed(move, spec), user)
    except DomainError as exc:  # e.g. a deadline in a year whose calendar is not loaded yet
        return [exc.message]
    except KeyError:
        # A guard read an input the preview does not have (not listed in ``input_guards``):
        # it runs when the form is submitted, so the form is shown.
        return []


def _panel(case: Case, user: User, move: Transition, bound: ActionForm | None) -> StepPanel:
    spec = action_spec(case.procedure, move.code)
    if spec is None:
        return StepPanel(move, has_form=False)
    if bound is not None:
        return StepPanel(move, bound)
    reasons = _blockers(case, move, spec, user)
    if reasons:
        return StepPanel(move, reasons=reasons)
    return StepPanel(move, spec.form(prefix=move.code, case=case, actor=user))


def step_panels(case: Case, user: User, bound: dict[str, ActionForm]) -> list[StepPanel]:
    """A panel per transition available from the case's state, in the definition's order."""
    proc = selectors.procedure_of(case.procedure)
    if proc is None:
        return []
    return [_panel(case, user, move, bound.get(move.code)) for move in proc.available(case.state)]


def checklist_rows(case: Case) -> list[ChecklistRow]:
    if selectors.procedure_of(case.procedure) is None:
        return []
    missing = {item.code for item in checklist.missing_items(case)}
    return [ChecklistRow(item, item.code not in missing) for item in checklist.required_items(case)]


def render_case(request: HttpRequest, case: Case, bound: dict[str, ActionForm] | None = None) -> HttpResponse:
    """Render the case page; ``bound`` replaces a blank step form (to show its errors)."""
    user = request_user(request)
    proc = selectors.procedure_of(case.procedure)
    writable = may_write_case(user, case)
    context: dict[str, Any] = {
        "case": case,
        "procedure": proc.label if proc else case.procedure,
        "state_label": selectors.step_label(proc, case.state),
        "parties": list(case.parties.order_by("pk")),
        "handlers": selectors.handler_links(case),
        "deadlines": selectors.open_deadline_rows(case, today=timezone.localdate()),
        "execution": selectors.execution_panel(case, today=timezone.localdate()),
        "timeline": selectors.case_timeline(case),
        "checklist": checklist_rows(case),
        "writable": writable,
        "panels": step_panels(case, user, bound or {}) if writable else [],
        "av_status": av_status(case, timezone.localdate()),
        **case_evidence_context(user, case),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_safe
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page; 404 when the case is missing or outside the user's scope."""
    return render_case(request, case_get_for_user(request_user(request), pk))


def _move_and_spec(case: Case, code: str, user: User) -> tuple[Transition, ActionSpec]:
    """The transition ``code`` and its form; 404 for an unknown code, one without a form, or a role it excludes."""
    proc = selectors.procedure_of(case.procedure)
    try:
        move = proc.transition(code) if proc else None
    except KeyError:
        move = None
    spec = action_spec(case.procedure, code)
    if move is None or spec is None:
        raise Http404
    if not is_system(user) and not {str(role) for role in roles_of(user)} & move.roles:
        raise Http404
    return move, spec


def _stale(request: HttpRequest, case: Case, move: Transition) -> bool:
    """True, with an error message, when the case has left the states ``move`` starts from.

    A page shown before another person moved the case posts a form that is
    no longer on the page: the message says why instead of an unseen error.
    """
    if case.state in move.sources:
        return False
    state = selectors.step_label(selectors.procedure_of(case.procedure), case.state)
    message = _("“%(move)s” is not possible while the case is “%(state)s”.")
    messages.error(request, message % {"move": move.label, "state": state})
    return True


def _perform(request: HttpRequest, case: Case, move: Transition, spec: ActionSpec, form: ActionForm) -> bool:
    """Run the action with the form's input: True when done (or moot), False when refused on the form."""
    try:
        spec.action(actor=request_user(request), case=case, **form.action_kwargs())
    except AccessDenied:
        raise Http404 from None
    except InvalidTransition as exc:  # another person moved the case in the meantime
        messages.error(request, exc.message)
    except DomainError as exc:
        form.add_refusal(exc)
        case.refresh_from_db()
        return False
    else:
        messages.success(request, _("“%(step)s” is recorded.") % {"step": move.label})
    return True


@login_required
@require_POST
def case_act_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Perform transition ``code`` with its form; success goes back to the case page with a message."""
    user = request_user(request)
    case = case_get_for_user(user, pk, need_write=True)
    move, spec = _move_and_spec(case, code, user)
    if _stale(request, case, move):
        return redirect("cases:case_detail", pk=case.pk)
    form = spec.form(request.POST, prefix=code, case=case, actor=user)
    if form.is_valid() and _perform(request, case, move, spec, form):
        return redirect("cases:case_detail", pk=case.pk)
    return render_case(request, case, {code: form})
