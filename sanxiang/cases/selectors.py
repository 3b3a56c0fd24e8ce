"""Questions the case pages ask: list filters and rows, the timeline, open deadlines and the 督办 list.

Every function takes querysets that already went through ``access.case_list_for_user``
(or a case from ``case_get_for_user``), so none of them widens a user's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases import execution
from sanxiang.cases.access import case_list_for_user
from sanxiang.cases.forms.choices import VALUE_LABELS
from sanxiang.cases.models import Case, CaseEvent, CaseHandler, Deadline, Party
from sanxiang.cases.penalties import LABELS as PENALTY_LABELS
from sanxiang.cases.penalties import PenaltyType
from sanxiang.lib.daycount import CalendarMissing, add_working_days
from sanxiang.org.access import Purpose, unit_scope
from sanxiang.org.models import Role, RoleGrant, Unit, User
from sanxiang.org.permissions import is_system, roles_of
from sanxiang.procedures import definitions
from sanxiang.procedures.calendar import db_calendar
from sanxiang.procedures.definitions.types import Procedure

#: The 督办 page lists open deadlines due within this many working days besides the overdue ones:
#: three working days leave the unit head time to act before a statutory period runs out
#: (agency practice, not a statutory figure).
SUPERVISION_WORKING_DAYS = 3


# --- Labels from the procedure definitions ---------------------------------------------------


def procedure_of(code: str) -> Procedure | None:
    """The procedure ``code``, or None for a code no definition has (a row is shown, not an error)."""
    return definitions.all_procedures().get(code)


def step_label(proc: Procedure | None, code: str) -> str:
    for step in proc.steps if proc else ():
        if step.code == code:
            return str(step.label)
    return code or "—"


def transition_label(proc: Procedure | None, code: str) -> str:
    try:
        return str(proc.transition(code).label) if proc else code
    except KeyError:
        return code


def deadline_labels() -> dict[str, str]:
    """The label of every deadline code the definitions start."""
    labels: dict[str, str] = {}
    for proc in definitions.all_procedures().values():
        for move in proc.transitions:
            for spec in move.starts:
                labels.setdefault(spec.code, str(spec.label))
    return labels


def state_choices() -> list[tuple[str, Promise]]:
    """Every step of every procedure, once per code (the list's state filter)."""
    seen: dict[str, Promise] = {}
    for proc in definitions.all_procedures().values():
        for step in proc.steps:
            seen.setdefault(step.code, step.label)
    return list(seen.items())


# --- Scope helpers ----------------------------------------------------------------------------


def units_for_user(user: Any) -> QuerySet[Unit]:
    """The units whose cases ``user`` may read (the unit filter offers only these)."""
    scope = unit_scope(user, Purpose.CASE_CONTENT)
    if scope.all_units:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for path in scope.unit_paths:
        condition |= Q(path__startswith=path) if scope.subtree else Q(path=path)
    return Unit.objects.filter(condition)


def _active_with_role(roles: Iterable[Role]) -> QuerySet[User]:
    grants = RoleGrant.objects.filter(role__in=list(roles), revoked_at__isnull=True).values("user_id")
    return User.objects.filter(is_active=True, pk__in=grants).select_related("unit")


def officers_in(units: QuerySet[Unit]) -> QuerySet[User]:
    """Active enforcement officers of ``units`` (the list's handler filter)."""
    return _active_with_role([Role.OFFICER]).filter(unit__in=units)


def officers_for_assignment(actor: User, case: Case) -> QuerySet[User]:
    """Officers ``actor`` may assign to ``case``: a leader any, a unit head their subtree, others the case's unit."""
    officers = _active_with_role([Role.OFFICER])
    roles = roles_of(actor)
    if is_system(actor) or Role.LEADER in roles:
        return officers
    if Role.UNIT_HEAD in roles and actor.unit is not None:
        return officers.filter(unit__path__startswith=actor.unit.path)
    return officers.filter(unit=case.unit_id)


def presider_choices(case: Case) -> QuerySet[User]:
    """Staff who may preside over a hearing: not an investigator of the case (APL Art. 64 (四))."""
    roles = [Role.LEGAL_REVIEWER, Role.UNIT_HEAD, Role.LEADER, Role.OFFICER]
    handlers = CaseHandler.objects.filter(case=case).values("user_id")
    return _active_with_role(roles).exclude(pk__in=handlers)


# --- The case list ------------------------------------------------------------------------------


def _open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(case=OuterRef("pk"), closed_at__isnull=True)


def case_filter(cases: QuerySet[Case], filters: Mapping[str, Any], *, today: dt.date) -> QuerySet[Case]:
    """Apply the list filters (already validated by ``CaseFilterForm``); the search never reads ID numbers."""
    if text := str(filters.get("q", "")).strip():
        cases = cases.filter(
            Q(number__icontains=text)
            | Q(lead_number__icontains=text)
            | Q(location__icontains=text)
            | Q(pk__in=Party.objects.filter(name__icontains=text).values("cases"))
        )
    if state := filters.get("state"):
        cases = cases.filter(state=state)
    if unit := filters.get("unit"):
        cases = cases.filter(unit__path__startswith=unit.path)
    if handler := filters.get("handler"):
        cases = cases.filter(pk__in=CaseHandler.objects.filter(user=handler).values("case_id"))
    if procedure := filters.get("procedure"):
        cases = cases.filter(procedure=procedure)
    if filters.get("overdue") == "1":
        cases = cases.filter(Exists(_open_deadlines().filter(due_on__lt=today)))
    return cases


def with_list_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Add what a list row shows; three queries per page (rows, parties, handlers) whatever its length."""
    next_due = _open_deadlines().order_by("due_on").values("due_on")[:1]
    return (
        cases.select_related("violation")
        .annotate(next_due_on=Subquery(next_due))
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("pk")),
            Prefetch("handler_links", queryset=CaseHandler.objects.select_related("user").order_by("-role", "pk")),
        )
    )


@dataclass(frozen=True)
class CaseRow:
    case: Case
    procedure: str
    state: str
    parties: list[str]
    handlers: list[str]
    next_due_on: dt.date | None
    overdue: bool


def case_row(case: Case, *, today: dt.date) -> CaseRow:
    """One list row of a case fetched through ``with_list_data``."""
    proc = procedure_of(case.procedure)
    next_due: dt.date | None = getattr(case, "next_due_on", None)
    return CaseRow(
        case=case,
        procedure=str(proc.label) if proc else case.procedure,
        state=step_label(proc, case.state),
        parties=[party.name for party in case.parties.all()],
        # "lead" sorts after "assist": descending puts the lead handler first.
        handlers=[link.user.full_name for link in case.handler_links.all()],
        next_due_on=next_due,
        overdue=next_due is not None and next_due < today,
    )


# --- The case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    label: str
    overdue: bool


def open_deadline_rows(case: Case, *, today: dt.date) -> list[DeadlineRow]:
    labels = deadline_labels()
    return [
        DeadlineRow(d, labels.get(d.code, d.code), d.due_on < today)
        for d in case.deadlines.filter(closed_at__isnull=True).order_by("due_on", "pk")
    ]


def handler_links(case: Case) -> list[CaseHandler]:
    return list(case.handler_links.select_related("user", "user__unit").order_by("-role", "pk"))


#: What each recorded value is called on the timeline (payload keys, then the ``changes`` keys shown).
PAYLOAD_LABELS: dict[str, Promise] = {
    "lead_number": gettext_lazy("Lead number"),
    "reason": gettext_lazy("Reason"),
    "reasons": gettext_lazy("Reasons"),
    "kind": gettext_lazy("Kind"),
    "interviewee": gettext_lazy("Person questioned or object inspected"),
    "content": gettext_lazy("Content"),
    "recorded_at": gettext_lazy("Recorded at"),
    "description": gettext_lazy("Description"),
    "sha256": gettext_lazy("File SHA-256"),
    "items": gettext_lazy("Items"),
    "decision": gettext_lazy("Decision"),
    "report": gettext_lazy("Report"),
    "proposal": gettext_lazy("Proposal"),
    "opinion": gettext_lazy("Opinion"),
    "method": gettext_lazy("Method of service"),
    "statement": gettext_lazy("Statement"),
    "recheck": gettext_lazy("Re-examination"),
    "signed_on": gettext_lazy("Signed on"),
    "note": gettext_lazy("Note"),
    "notice_served_on": gettext_lazy("Notice served on"),
    "place": gettext_lazy("Place"),
    "record": gettext_lazy("Hearing record"),
    "served_on": gettext_lazy("Served on"),
    "effective_on": gettext_lazy("Effective on"),
    "recipient": gettext_lazy("Recipient"),
    "witnesses": gettext_lazy("Witnesses"),
    "recording": gettext_lazy("Audio-visual record"),
    "public_notice_reason": gettext_lazy("Why public notice"),
    "electronic_consent": gettext_lazy("Consent to electronic service"),
    "amount_fen": gettext_lazy("Amount"),
    "paid_on": gettext_lazy("Paid on"),
    "receipt_no": gettext_lazy("Receipt number"),
    "limitation_override_reason": gettext_lazy("Limitation period overridden because"),
}
CHANGE_LABELS: dict[str, Promise] = {
    "number": gettext_lazy("Case number"),
    "handlers": gettext_lazy("Handlers"),
    "facts.notified_penalty": gettext_lazy("Intended penalty"),
    "facts.decided_penalty": gettext_lazy("Penalty"),
    "facts.no_penalty_ground": gettext_lazy("Ground"),
    "facts.transferred_to": gettext_lazy("Transferred to"),
    "facts.hearing_requested_on": gettext_lazy("Hearing requested on"),
    "facts.hearing_on": gettext_lazy("Hearing date"),
    "facts.hearing_presider_id": gettext_lazy("Presider"),
    "facts.demand_served_on": gettext_lazy("Demand served on"),
    "facts.court": gettext_lazy("Court"),
    "facts.court_enforced": gettext_lazy("Enforced by the court"),
    "facts.paid_fen": gettext_lazy("Paid in total"),
    "facts.payment_schedule": gettext_lazy("Payment schedule"),
}
_USER_KEYS = frozenset({"handlers", "facts.hearing_presider_id"})


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    label: str
    from_label: str
    to_label: str
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return self.event.from_state != self.event.to_state


def yuan(fen: int) -> str:
    return _("%(amount)s yuan") % {"amount": f"{fen / 100:,.2f}"}


def penalty_text(data: Mapping[str, Any]) -> str:
    """A recorded penalty (``Penalty.to_json``) in words, with both amounts."""
    known = {member.value: member for member in PenaltyType}
    parts = [str(PENALTY_LABELS[known[t]]) if t in known else str(t) for t in data.get("types", [])]
    if fine := int(data.get("fine_fen", 0)):
        parts.append(_("fine of %(amount)s") % {"amount": yuan(fine)})
    if confiscated := int(data.get("confiscation_fen", 0)):
        parts.append(_("confiscation of %(amount)s") % {"amount": yuan(confiscated)})
    return "、".join(parts)


def schedule_text(data: Mapping[str, Any]) -> str:
    """A recorded payment schedule (APL Art. 66 para 2) in words: its kind, then each date and amount."""
    kind = execution.SCHEDULE_KINDS.get(str(data.get("kind")), str(data.get("kind")))
    items = [f"{item['due_on']} {yuan(int(item['amount_fen']))}" for item in data.get("instalments", [])]
    return f"{kind}: " + "、".join(items)


def _timestamp(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def value_text(key: str, value: Any, names: Mapping[int, str]) -> str:
    """A recorded value as a person reads it (amounts in yuan, codes as labels, user ids as names)."""
    if key in _USER_KEYS:
        ids = value if isinstance(value, list) else [value]
        return "、".join(names.get(int(i), str(i)) for i in ids)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key.endswith("_fen") and isinstance(value, int):
        return yuan(value)
    if key.endswith("_penalty") and isinstance(value, dict):
        return penalty_text(value)
    if key.endswith(execution.SCHEDULE_KEY) and isinstance(value, dict):
        return schedule_text(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key.endswith("_at") and isinstance(value, str):
        return _timestamp(value)
    if isinstance(value, str) and value in VALUE_LABELS.get(key.removeprefix("facts."), {}):
        return str(VALUE_LABELS[key.removeprefix("facts.")][value])
    return str(value)


def event_details(event: CaseEvent, names: Mapping[int, str]) -> list[tuple[str, str]]:
    """The readable summary of one event: its record (payload), then the changes worth showing."""
    details = []
    # PostgreSQL's jsonb does not keep key order: show the labelled keys in the
    # table's order, then any others alphabetically, on every database alike.
    known = [key for key in PAYLOAD_LABELS if key in event.payload]
    others = sorted(key for key in event.payload if key not in PAYLOAD_LABELS)
    for key in known + others:
        value = event.payload[key]
        if value in ("", None, [], {}):
            continue
        if key == "effective_on" and value == event.payload.get("served_on"):
            continue
        label = PAYLOAD_LABELS.get(key)
        details.append((str(label) if label else key.replace("_", " "), value_text(key, value, names)))
    for key, label in CHANGE_LABELS.items():
        if key in event.changes and event.changes[key] not in ("", None, []):
            details.append((str(label), value_text(key, event.changes[key], names)))
    return details


def _user_names(events: list[CaseEvent]) -> dict[int, str]:
    ids: set[int] = set()
    for event in events:
        ids.update(int(i) for i in event.changes.get("handlers", []))
        if presider := event.changes.get("facts.hearing_presider_id"):
            ids.add(int(presider))
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name")) if ids else {}


def case_timeline(case: Case) -> list[TimelineEntry]:
    """The case's events in order, each with its step label and a readable summary (two queries)."""
    events = list(case.events.order_by("seq"))
    proc = procedure_of(case.procedure)
    names = _user_names(events)
    return [
        TimelineEntry(
            event=event,
            label=transition_label(proc, event.transition),
            from_label=step_label(proc, event.from_state),
            to_label=step_label(proc, event.to_state),
            details=event_details(event, names),
        )
        for event in events
    ]


# --- 督办: overdue and soon-due deadlines per unit ---------------------------------------------


@dataclass(frozen=True)
class SupervisionRow:
    deadline: Deadline
    label: str
    state: str
    overdue: bool


@dataclass
class UnitGroup:
    unit: Unit
    rows: list[SupervisionRow] = field(default_factory=list)
    overdue: int = 0
    due_soon: int = 0


def supervision_horizon(today: dt.date) -> tuple[dt.date, bool]:
    """The last due date the 督办 page lists, and whether it was counted in working days.

    Without the calendar of the year (not yet published), it falls back to
    calendar days rather than failing, and says so.
    """
    try:
        return add_working_days(today, SUPERVISION_WORKING_DAYS, db_calendar()), True
    except CalendarMissing:
        return today + dt.timedelta(days=SUPERVISION_WORKING_DAYS), False


def supervision_groups(user: Any, *, today: dt.date, horizon: dt.date) -> list[UnitGroup]:
    """Open deadlines of the user's cases that are overdue or due by ``horizon``, per handling unit (one query)."""
    deadlines = (
        Deadline.objects.filter(closed_at__isnull=True, due_on__lte=horizon, case__in=case_list_for_user(user))
        .select_related("case", "case__unit")
        .order_by("case__unit__path", "case__unit__sort_order", "due_on", "pk")
    )
    labels = deadline_labels()
    groups: dict[int, UnitGroup] = {}
    for deadline in deadlines:
        case = deadline.case
        group = groups.setdefault(case.unit_id, UnitGroup(case.unit))
        overdue = deadline.due_on < today
        state = step_label(procedure_of(case.procedure), case.state)
        group.rows.append(SupervisionRow(deadline, labels.get(deadline.code, deadline.code), state, overdue))
        group.overdue += overdue
        group.due_soon += not overdue
    return list(groups.values())


# --- Payment and the late-payment surcharge (APL Art. 66-73; AEL Art. 45) -----------------------


@dataclass(frozen=True)
class InstalmentRow:
    instalment: execution.Instalment
    amount: str
    paid: str
    overdue: bool


@dataclass(frozen=True)
class ExecutionPanel:
    """What the case page shows of the payment: amounts in yuan, the schedule and the surcharge so far."""

    state: execution.Execution
    amount_due: str
    fine: str
    confiscation: str
    paid: str
    outstanding: str
    surcharge: str
    schedule_label: str
    instalments: list[InstalmentRow]


def execution_panel(case: Case, *, today: dt.date) -> ExecutionPanel | None:
    """The payment panel of ``case`` on ``today``; None until a decision with an amount is served."""
    state = execution.case_execution(case, on=today)
    if state is None:
        return None
    kind = state.schedule_kind
    return ExecutionPanel(
        state=state,
        amount_due=yuan(state.amount_due_fen),
        fine=yuan(state.fine_fen),
        confiscation=yuan(state.confiscation_fen),
        paid=yuan(state.paid_fen),
        outstanding=yuan(state.outstanding_fen),
        surcharge=yuan(state.surcharge.amount_fen),
        schedule_label=str(execution.SCHEDULE_KINDS[kind]) if kind else "",
        instalments=[
            InstalmentRow(i, yuan(i.amount_fen), yuan(i.paid_fen), not i.settled and i.due_on < today)
            for i in state.instalments
        ],
    )
