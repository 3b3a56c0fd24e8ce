"""The case engine: the one place where a case changes state.

``case_transition`` interprets the procedure definition: it checks that the
move exists from the current state, that the actor holds a role the move
allows and may write to the case, runs the move's guards, applies the
changes, opens and closes deadlines, and appends the ``CaseEvent`` — all in
one transaction. ``case_replay`` folds the events back into the replayed
fields, which ``verify`` compares with the stored case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.access import may_write_case
from sanxiang.cases.models import Case, CaseEvent, CaseHandler, Deadline
from sanxiang.lib import daycount
from sanxiang.lib.exceptions import AccessDenied, GateRefused, InvalidTransition
from sanxiang.org.models import User
from sanxiang.org.permissions import is_system, roles_of
from sanxiang.procedures import definitions
from sanxiang.procedures.calendar import db_calendar
from sanxiang.procedures.definitions.types import DayUnit, DeadlineSpec, Procedure, Transition
from sanxiang.procedures.guards import GuardContext, guards_for, run_guards
from sanxiang.record import context
from sanxiang.record.log import commitment, log_record, new_salt

#: Columns of ``Case`` that events may set (besides ``state``); ``facts.<key>`` sets a key of ``Case.facts``.
#: The case's facts as they stood when it was opened: the creating move records them all, so the log
#: vouches for them and ``verify`` compares every one against the stored case.
OPENING_COLUMNS = (
    "procedure",
    "lead_number",
    "source",
    "source_detail",
    "unit_id",
    "category_id",
    "region_id",
    "location",
    "summary",
    "discovered_on",
    "act_date",
    "violation_id",
)
REPLAYED_COLUMNS = frozenset({"number", "registered_on", "violation_id", "summary", "act_date", "location"}) | set(
    OPENING_COLUMNS
)
HANDLERS_KEY = "handlers"
PARTIES_KEY = "parties"


def _procedure(case: Case) -> Procedure:
    return definitions.get(case.procedure)


def _find_transition(proc: Procedure, case: Case, code: str) -> Transition:
    try:
        move = proc.transition(code)
    except KeyError:
        raise InvalidTransition(_("The procedure has no step “%(s)s”.") % {"s": code}) from None
    if case.state not in move.sources:
        raise InvalidTransition(
            _("“%(move)s” is not possible while the case is “%(state)s”.")
            % {"move": move.label, "state": proc.step(case.state).label if case.state else "—"}
        )
    return move


def _check_actor(case: Case, move: Transition, actor: User) -> None:
    if is_system(actor):
        return
    if not {str(role) for role in roles_of(actor)} & move.roles:
        raise AccessDenied(_("Your role does not allow “%(move)s”.") % {"move": move.label})
    if case.pk and not may_write_case(actor, case):
        raise AccessDenied(_("You may not change this case."))


def due_date(spec: DeadlineSpec, start: dt.date) -> dt.date:
    """The due date of ``spec`` counted from ``start`` (start day not counted; RULES.md §0)."""
    amount = spec.amount if isinstance(spec.amount, int) else int(getattr(settings, spec.amount))
    cal = db_calendar()
    if spec.unit == DayUnit.WORKING_DAYS:
        return daycount.add_working_days(start, amount, cal)
    if spec.unit == DayUnit.MONTHS:
        return daycount.add_months(start, amount, cal)
    if spec.unit == DayUnit.HOURS:
        return start
    return daycount.add_calendar_days(start, amount, cal)


def _apply_changes(case: Case, changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if key in ("state", HANDLERS_KEY, PARTIES_KEY):
            continue
        if key.startswith("facts."):
            case.facts[key.removeprefix("facts.")] = value
        elif key in REPLAYED_COLUMNS:
            setattr(case, key, dt.date.fromisoformat(value) if key.endswith(("_on", "_date")) and value else value)
        else:
            raise ValueError(f"{key} is not a replayed field")


def _opening_changes(case: Case) -> dict[str, Any]:
    """The opening facts of a new case as replayable changes (dates as ISO strings), its parties by id."""
    opening: dict[str, Any] = {}
    for key in OPENING_COLUMNS:
        value = getattr(case, key)
        opening[key] = value.isoformat() if isinstance(value, dt.date) else value
    opening[PARTIES_KEY] = sorted(case.parties.values_list("pk", flat=True)) if case.pk else []
    return opening


def _set_handlers(case: Case, handler_ids: list[int]) -> None:
    """Make the case's handlers exactly ``handler_ids``, the first as lead handler (roles updated in place)."""
    CaseHandler.objects.filter(case=case).exclude(user_id__in=handler_ids).delete()
    existing = {link.user_id: link for link in CaseHandler.objects.filter(case=case)}
    for position, user_id in enumerate(handler_ids):
        role = "lead" if position == 0 else "assist"
        link = existing.get(user_id)
        if link is None:
            CaseHandler.objects.create(case=case, user_id=user_id, role=role)
        elif link.role != role:
            link.role = role
            link.save(update_fields=["role"])


def handler_order(user_ids: list[int]) -> list[int]:
    """The canonical order of a handler list: the lead handler, then the others by id."""
    return user_ids[:1] + sorted(user_ids[1:])


def _deadlines(
    case: Case, move: Transition, today: dt.date, now: dt.datetime, starts: tuple[DeadlineSpec, ...]
) -> None:
    if move.stops:
        Deadline.objects.filter(case=case, code__in=move.stops, closed_at__isnull=True).update(closed_at=now)
    for spec in starts:
        Deadline.objects.filter(case=case, code=spec.code, closed_at__isnull=True).update(closed_at=now)
        Deadline.objects.create(
            case=case, code=spec.code, kind=spec.kind, basis=spec.basis, started_on=today, due_on=due_date(spec, today)
        )


def case_transition(
    *,
    case: Case,
    code: str,
    actor: User,
    changes: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    place: str = "",
    starts: tuple[DeadlineSpec, ...] | None = None,
    start_on: dt.date | None = None,
) -> Case:
    """Move ``case`` by the transition ``code`` and record it; raise a ``DomainError`` when refused.

    1. Lock the case row and find the move (``InvalidTransition`` if the
       definition has none from the current state).
    2. Check the actor's role and write scope (``AccessDenied``).
    3. Run the move's guards with ``params`` (``GateRefused`` with every reason).
    4. Apply ``changes`` (JSON values; dates as ISO strings), set the state,
       open the move's deadlines (``starts`` overrides which, e.g. only the
       applicable windows; ``start_on`` the day they count from, by default
       today) and close those it stops.
    5. Append the event with the changes and ``payload``.
    Must be called inside ``transaction.atomic`` by an action.
    """
    changes = dict(changes or {})
    if case.pk:
        case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.event_count:
        changes = {**_opening_changes(case), **changes}
    proc = _procedure(case)
    move = _find_transition(proc, case, code)
    _check_actor(case, move, actor)
    now = timezone.now()
    today = timezone.localdate(now)
    reasons = run_guards(guards_for(move), GuardContext(case, move, actor, today, now, params or {}))
    if reasons:
        raise GateRefused(_("“%(move)s” is refused.") % {"move": move.label}, reasons)
    from_state = case.state
    to_state = move.target or case.state
    changes["state"] = to_state
    _apply_changes(case, changes)
    case.state = to_state
    case.event_count += 1
    case.updated_at = now
    columns = {key for key in changes if key in REPLAYED_COLUMNS}
    if any(key.startswith("facts.") for key in changes):
        columns.add("facts")
    case.save(update_fields=sorted(columns | {"state", "event_count", "updated_at"}))
    if HANDLERS_KEY in changes:
        _set_handlers(case, list(changes[HANDLERS_KEY]))
    _deadlines(case, move, start_on or today, now, move.starts if starts is None else starts)
    event = CaseEvent(
        case=case,
        seq=case.event_count,
        transition=move.code,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_label=str(actor)[:150],
        at=now,
        place=place,
        changes=changes,
        payload=dict(payload or {}),
        request_id=context.current().request_id,
        log_salt=new_salt(),
    )
    # The record log holds the step in clear and a salted commitment to what it
    # recorded (personal data stays out of the log); log_record inserts the row
    # once, complete, with its entry (the table refuses updates).
    log_record(
        "case.event",
        actor=actor,
        case_id=case.pk,
        data={"seq": event.seq, "step": move.code, "from": from_state, "to": to_state},
        digest=commitment(event.log_salt, event_commit_content(event)),
        at=now,
        row=event,
    )
    return case


def event_commit_content(event: CaseEvent) -> dict[str, Any]:
    """What the record log commits to of a case event (the one definition the append and verify share)."""
    return {
        "case": event.case_id,
        "seq": event.seq,
        "transition": event.transition,
        "from": event.from_state,
        "to": event.to_state,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "at": event.at.isoformat(),
        "place": event.place,
        "changes": event.changes,
        "payload": event.payload,
        "request_id": event.request_id,
    }


def transition_blockers(
    case: Case, move: Transition, actor: User, params: Mapping[str, Any] | None = None
) -> list[str]:
    """Why ``move`` would be refused now (empty: it would pass); for showing blocked actions on the case page."""
    try:
        _check_actor(case, move, actor)
    except AccessDenied as exc:
        return [exc.message]
    now = timezone.now()
    return run_guards(guards_for(move), GuardContext(case, move, actor, timezone.localdate(now), now, params or {}))


def case_replay(case: Case, events: Iterable[CaseEvent] | None = None) -> dict[str, Any]:
    """Fold the case's events in order into the replayed fields (state, columns, facts, handlers, parties)."""
    state: dict[str, Any] = {"facts": {}, HANDLERS_KEY: []}
    for event in case.events.order_by("seq") if events is None else events:
        for key, value in event.changes.items():
            if key.startswith("facts."):
                state["facts"][key.removeprefix("facts.")] = value
            elif key == HANDLERS_KEY:
                state[key] = handler_order(list(value))
            elif key == PARTIES_KEY:
                state[key] = sorted(value)
            else:
                state[key] = value
    return state


def case_snapshot(case: Case, replay: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The stored values of the replayed fields, in the form ``case_replay`` produces (handlers always)."""
    replay = case_replay(case) if replay is None else replay
    snapshot: dict[str, Any] = {"state": case.state, "facts": case.facts}
    for key in replay:
        if key in REPLAYED_COLUMNS:
            value = getattr(case, key)
            snapshot[key] = value.isoformat() if isinstance(value, dt.date) else value
    # "lead" sorts after "assist": descending puts the lead handler first, then the others by id.
    snapshot[HANDLERS_KEY] = list(
        CaseHandler.objects.filter(case=case).order_by("-role", "user_id").values_list("user_id", flat=True)
    )
    if PARTIES_KEY in replay:
        snapshot[PARTIES_KEY] = sorted(case.parties.values_list("pk", flat=True))
    return snapshot
