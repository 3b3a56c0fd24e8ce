"""Case actions: one typed function per transition of the procedure definitions.

Each action validates its inputs, builds the changes and the record, and
calls ``engine.case_transition`` inside one transaction; the engine checks
the move, the actor and the guards, and appends the event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases import execution
from sanxiang.cases.engine import case_transition
from sanxiang.cases.models import Case, CaseSource, Deadline, IdType, Party, PartyKind
from sanxiang.cases.numbering import next_number
from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.lib.idnumbers import credit_code_problem, id_number_birth_date, id_number_problem
from sanxiang.lib.validation import clean_or_fail, field_error
from sanxiang.org.models import EnforcementCategory, Region, Unit, User
from sanxiang.procedures import definitions


def _format_number(pattern: str, year: int, n: int) -> str:
    return pattern.format(year=year, n=n)


def _series(pattern: str, year: int) -> str:
    return f"{pattern}|{year}"


# --- Parties --------------------------------------------------------------------------------


def _check_id(kind: PartyKind, id_type: IdType, id_number: str) -> None:
    if kind == PartyKind.ORGANISATION and id_type != IdType.CREDIT_CODE:
        raise field_error("id_type", _("An organisation is identified by its unified social credit code."))
    if id_type == IdType.RESIDENT_ID and id_number_problem(id_number, today=timezone.localdate()) is not None:
        raise field_error(
            "id_number", _("The resident ID number is not valid (check the birth date and the last character).")
        )
    if id_type == IdType.CREDIT_CODE and credit_code_problem(id_number) is not None:
        raise field_error("id_number", _("The unified social credit code is not valid."))


def _is_minor(id_type: IdType, id_number: str, declared: bool) -> bool:
    if id_type != IdType.RESIDENT_ID:
        return declared
    birth = id_number_birth_date(id_number)
    today = timezone.localdate()
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return age < 18 or declared


def party_build(
    *,
    kind: PartyKind,
    name: str,
    id_type: IdType,
    id_number: str,
    address: str = "",
    phone: str = "",
    legal_representative: str = "",
    is_minor: bool = False,
) -> Party:
    """Validate and return an unsaved party (the ID number's check character is verified; minors derived from it)."""
    number = id_number.strip().upper()
    _check_id(kind, id_type, number)
    party = Party(
        kind=kind,
        name=name.strip(),
        id_type=id_type,
        id_number=number,
        address=address.strip(),
        phone=phone.strip(),
        legal_representative=legal_representative.strip(),
        is_minor=kind == PartyKind.PERSON and _is_minor(id_type, number, is_minor),
    )
    clean_or_fail(party)
    return party


def issue_number(pattern: str) -> str:
    """The next gapless number of ``pattern``'s series this year (inside the caller's transaction)."""
    year = timezone.localdate().year
    return _format_number(pattern, year, next_number(_series(pattern, year)))


def case_open(
    *,
    procedure: str,
    source: CaseSource,
    unit: Unit,
    category: EnforcementCategory,
    region: Region,
    location: str,
    summary: str,
    parties: Sequence[Party] = (),
    act_date: dt.date | None = None,
    violation: Violation | None = None,
    source_detail: str = "",
    discovered_on: dt.date | None = None,
) -> Case:
    """Save a new case of ``procedure`` with no state yet, its lead number and its parties.

    The caller moves the case by its procedure's first transition in the same
    transaction, so a refused move leaves neither the case nor its number
    behind. ``discovered_on`` defaults to today.
    """
    today = timezone.localdate()
    discovered = discovered_on or today
    if discovered > today:
        raise field_error("discovered_on", _("The date discovered cannot be in the future."))
    if act_date is not None and act_date > discovered:
        raise field_error("act_date", _("The act cannot end after it was discovered."))
    case = Case(
        procedure=procedure,
        state="",
        lead_number=issue_number(settings.LEAD_NUMBER_PATTERN),
        source=source,
        source_detail=source_detail.strip(),
        unit=unit,
        category=category,
        region=region,
        location=location.strip(),
        summary=summary.strip(),
        discovered_on=discovered,
        act_date=act_date,
        violation=violation,
    )
    clean_or_fail(case, exclude=["state", "number"])
    case.save()
    for party in parties:
        party.save()
        case.parties.add(party)
    return case


# --- Lead and registration ------------------------------------------------------------------


@transaction.atomic
def case_register_lead(
    *,
    actor: User,
    procedure: str = "general",
    source: CaseSource,
    unit: Unit,
    category: EnforcementCategory,
    region: Region,
    location: str,
    summary: str,
    discovered_on: dt.date,
    parties: Sequence[Party] = (),
    act_date: dt.date | None = None,
    violation: Violation | None = None,
    source_detail: str = "",
    place: str = "",
) -> Case:
    """案源登记: record a lead with its gapless lead number; parties are saved with it."""
    proc = definitions.get(procedure)
    case = case_open(
        procedure=proc.code,
        source=source,
        unit=unit,
        category=category,
        region=region,
        location=location,
        summary=summary,
        parties=parties,
        act_date=act_date,
        violation=violation,
        source_detail=source_detail,
        discovered_on=discovered_on,
    )
    return case_transition(
        case=case, code=proc.initial, actor=actor, place=place, payload={"lead_number": case.lead_number}
    )


@transaction.atomic
def case_register(
    *,
    actor: User,
    case: Case,
    handlers: Sequence[User],
    violation: Violation | None = None,
    harmful_consequences: bool = False,
    limitation_override_reason: str = "",
    place: str = "",
) -> Case:
    """立案: a head approves; assigns ≥ 2 qualified handlers (first = lead) and takes the case number.

    Gates: two qualified officers, no recorded conflict, the limitation period.
    Starts the 90-day decision period (APL Art. 60).
    """
    handler_ids = list(dict.fromkeys(h.pk for h in handlers))
    chosen = violation or case.violation
    if chosen is None:
        raise field_error("violation", _("Choose the violation from the catalogue."))
    if chosen.category_id != case.category_id:
        raise field_error("violation", _("The violation belongs to another enforcement category."))
    year = timezone.localdate().year
    number = _format_number(
        settings.CASE_NUMBER_PATTERN, year, next_number(_series(settings.CASE_NUMBER_PATTERN, year))
    )
    changes: dict[str, Any] = {
        "number": number,
        "registered_on": timezone.localdate().isoformat(),
        "violation_id": chosen.pk,
        "handlers": handler_ids,
        "facts.harmful_consequences": harmful_consequences,
    }
    payload: dict[str, Any] = {}
    if limitation_override_reason.strip():
        changes["facts.limitation_override"] = limitation_override_reason.strip()
        payload["limitation_override_reason"] = limitation_override_reason.strip()
    params = {
        "handler_ids": handler_ids,
        "violation": chosen,
        "harmful_consequences": harmful_consequences,
        "limitation_override_reason": limitation_override_reason,
    }
    return case_transition(
        case=case, code="register", actor=actor, changes=changes, payload=payload, params=params, place=place
    )


@transaction.atomic
def case_dismiss_lead(*, actor: User, case: Case, reason: str) -> Case:
    """不予立案 with the reason recorded."""
    if not reason.strip():
        raise field_error("reason", _("Give a reason."))
    return case_transition(case=case, code="dismiss_lead", actor=actor, payload={"reason": reason.strip()})


# --- Investigation ----------------------------------------------------------------------------


@transaction.atomic
def case_record_transcript(
    *, actor: User, case: Case, kind: str, interviewee: str, content: str, recorded_at: dt.datetime, place: str
) -> Case:
    """询问笔录 / 现场检查笔录: the text and who was questioned or what was inspected (APL Art. 55)."""
    if kind not in {"questioning", "inspection"}:
        raise field_error("kind", _("Choose questioning or on-site inspection."))
    if not content.strip():
        raise field_error("content", _("The transcript is empty."))
    payload = {
        "kind": kind,
        "interviewee": interviewee.strip(),
        "content": content.strip(),
        "recorded_at": recorded_at.isoformat(),
    }
    return case_transition(case=case, code="record_transcript", actor=actor, payload=payload, place=place)


@transaction.atomic
def case_attach_evidence(
    *, actor: User, case: Case, kind: str, description: str, sha256: str = "", place: str = ""
) -> Case:
    """Record an item of evidence (APL Art. 46 kinds); files themselves go to the evidence store by hash."""
    if sha256 and (len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256)):
        raise field_error("sha256", _("The file hash must be 64 lower-case hexadecimal characters."))
    payload = {"kind": kind, "description": description.strip(), "sha256": sha256}
    return case_transition(case=case, code="attach_evidence", actor=actor, payload=payload, place=place)


@transaction.atomic
def case_preserve_evidence(*, actor: User, case: Case, items: Sequence[str], place: str = "") -> Case:
    """先行登记保存 with the head's approval; the decision is due within 7 working days (APL Art. 56)."""
    if not items:
        raise field_error("items", _("List the items preserved."))
    return case_transition(
        case=case, code="preserve_evidence", actor=actor, payload={"items": list(items)}, place=place
    )


@transaction.atomic
def case_decide_preservation(*, actor: User, case: Case, decision: str) -> Case:
    """Decide on preserved items (return, seize, transfer…) and close the 7-working-day period."""
    if not decision.strip():
        raise field_error("decision", _("Record the decision on the preserved items."))
    return case_transition(case=case, code="decide_preservation", actor=actor, payload={"decision": decision.strip()})


@transaction.atomic
def case_conclude_investigation(*, actor: User, case: Case, report: str, proposal: str) -> Case:
    """调查终结: the report and the handlers' proposal."""
    if not report.strip():
        raise field_error("report", _("Write the investigation report."))
    return case_transition(
        case=case,
        code="conclude_investigation",
        actor=actor,
        payload={"report": report.strip(), "proposal": proposal.strip()},
    )


# --- Examination and outcomes ----------------------------------------------------------------


@transaction.atomic
def case_examine(*, actor: User, case: Case, opinion: str) -> Case:
    """审查: the head decides to go on towards a penalty (APL Art. 57 para 1 (一))."""
    return case_transition(case=case, code="examine", actor=actor, payload={"opinion": opinion.strip()})


NO_PENALTY_GROUNDS = frozenset(
    {"minor_corrected", "first_offence", "no_fault", "facts_not_established", "under_14", "limitation"}
)


@transaction.atomic
def case_decide_no_penalty(*, actor: User, case: Case, ground: str, reasons: str) -> Case:
    """不予处罚 with its ground (APL Art. 30, 33 incl. 首违不罚; Art. 57 para 1 (二)(三))."""
    if ground not in NO_PENALTY_GROUNDS:
        raise field_error("ground", _("Choose a ground for not penalising."))
    changes = {"facts.no_penalty_ground": ground, "facts.decided_on": timezone.localdate().isoformat()}
    return case_transition(
        case=case, code="decide_no_penalty", actor=actor, changes=changes, payload={"reasons": reasons.strip()}
    )


@transaction.atomic
def case_transfer(*, actor: User, case: Case, organ: str, reasons: str) -> Case:
    """移送 to a judicial organ (suspected crime, APL Art. 27)."""
    if not organ.strip():
        raise field_error("organ", _("Name the organ the case is transferred to."))
    return case_transition(
        case=case,
        code="transfer",
        actor=actor,
        changes={"facts.transferred_to": organ.strip()},
        payload={"reasons": reasons.strip()},
    )


def _penalty(types: Sequence[str], fine_fen: int, confiscation_fen: int) -> Penalty:
    try:
        kinds = frozenset(PenaltyType(t) for t in types)
    except ValueError:
        raise field_error("types", _("Unknown penalty type.")) from None
    if not kinds:
        raise field_error("types", _("Choose at least one penalty type."))
    if fine_fen < 0 or confiscation_fen < 0:
        raise field_error("fine_fen", _("Amounts cannot be negative."))
    if (PenaltyType.FINE in kinds) != (fine_fen > 0):
        raise field_error("fine_fen", _("A fine needs an amount, and an amount needs the fine type."))
    return Penalty(kinds, fine_fen, confiscation_fen)


@transaction.atomic
def case_notify(
    *,
    actor: User,
    case: Case,
    types: Sequence[str],
    fine_fen: int = 0,
    confiscation_fen: int = 0,
    served_on: dt.date,
    method: str,
) -> Case:
    """事先告知 served: the intended penalty, and the windows for statements and (if eligible) a hearing request."""
    from sanxiang.cases.models import PartyKind as Kind
    from sanxiang.procedures.definitions.general import HEARING_REQUEST_WINDOW, STATEMENT_WINDOW

    if served_on > timezone.localdate():
        raise field_error("served_on", _("The service date cannot be in the future."))
    penalty = _penalty(types, fine_fen, confiscation_fen)
    eligible = penalty.hearing_eligible(organisation=case.parties.filter(kind=Kind.ORGANISATION).exists())
    changes = {
        "facts.notified_penalty": penalty.to_json(),
        "facts.notice_served_on": served_on.isoformat(),
        "facts.hearing_eligible": eligible,
        "facts.waived": False,
    }
    starts = (STATEMENT_WINDOW, HEARING_REQUEST_WINDOW) if eligible else (STATEMENT_WINDOW,)
    return case_transition(
        case=case,
        code="notify",
        actor=actor,
        changes=changes,
        payload={"method": method},
        starts=starts,
        start_on=served_on,
    )


@transaction.atomic
def case_record_statement(*, actor: User, case: Case, statement: str, recheck: str) -> Case:
    """陈述申辩 and its 复核 (APL Art. 45): both recorded; a valid point must be adopted."""
    if not statement.strip() or not recheck.strip():
        raise field_error("recheck", _("Record both the statement and the re-examination of it."))
    return case_transition(
        case=case,
        code="record_statement",
        actor=actor,
        payload={"statement": statement.strip(), "recheck": recheck.strip()},
    )


@transaction.atomic
def case_waive_rights(*, actor: User, case: Case, signed_on: dt.date, note: str = "") -> Case:
    """The party expressly waives statements and hearing (APL Art. 62), with the signed date."""
    return case_transition(
        case=case,
        code="waive_rights",
        actor=actor,
        changes={"facts.waived": True},
        payload={"signed_on": signed_on.isoformat(), "note": note},
    )


@transaction.atomic
def case_request_hearing(*, actor: User, case: Case, requested_on: dt.date) -> Case:
    """听证 request, within 5 working days after the notice (APL Art. 64 (一)).

    A request after a new notice asks for a new hearing: the earlier hearing's date and record no
    longer satisfy the hearing gates (APL Art. 64, 65).
    """
    return case_transition(
        case=case,
        code="request_hearing",
        actor=actor,
        changes={
            "facts.hearing_requested_on": requested_on.isoformat(),
            "facts.hearing_on": None,
            "facts.hearing_held": False,
        },
        params={"requested_on": requested_on},
    )


@transaction.atomic
def case_schedule_hearing(
    *, actor: User, case: Case, hearing_on: dt.date, presider: User, notice_served_on: dt.date, place: str
) -> Case:
    """Schedule the hearing: notice ≥ 7 working days before; the presider did not investigate (APL Art. 64)."""
    changes = {"facts.hearing_on": hearing_on.isoformat(), "facts.hearing_presider_id": presider.pk}
    params = {"hearing_on": hearing_on, "presider_id": presider.pk, "notice_served_on": notice_served_on}
    return case_transition(
        case=case, code="schedule_hearing", actor=actor, changes=changes, params=params,
        payload={"notice_served_on": notice_served_on.isoformat(), "place": place},
    )  # fmt: skip


@transaction.atomic
def case_hold_hearing(*, actor: User, case: Case, record: str, report: str) -> Case:
    """The hearing record (signed) and the presider's report (APL Art. 64 (八), 65)."""
    if not record.strip():
        raise field_error("record", _("The hearing record is empty."))
    return case_transition(
        case=case,
        code="hold_hearing",
        actor=actor,
        changes={"facts.hearing_held": True},
        payload={"record": record.strip(), "report": report.strip()},
    )


@transaction.atomic
def case_decide(
    *,
    actor: User,
    case: Case,
    types: Sequence[str],
    fine_fen: int = 0,
    confiscation_fen: int = 0,
    reasons: str = "",
    discretion_tier: str = "",
    discretion_reason: str = "",
) -> Case:
    """行政处罚决定 (APL Art. 57, 59): never heavier than notified; after the windows or a waiver; after a requested hearing.

    Major decisions wait for a passed legal review and, where required, a collective discussion
    (``review.guards``). ``discretion_tier``/``discretion_reason``: the baseline tier applied and why a
    penalty outside it (otherwise the reviewed draft's). After a hearing the decision cites the hearing
    record (APL Art. 65): the payload names its event.
    """
    penalty = _penalty(types, fine_fen, confiscation_fen)
    changes = {"facts.decided_penalty": penalty.to_json(), "facts.decided_on": timezone.localdate().isoformat()}
    payload: dict[str, Any] = {"reasons": reasons.strip()}
    if discretion_reason.strip():
        payload["discretion_reason"] = discretion_reason.strip()
    hearing = (
        case.events.filter(transition="hold_hearing").order_by("-seq").first()
        if case.facts.get("hearing_held")
        else None
    )
    if hearing is not None:
        payload["hearing_record_event"] = hearing.seq
    params = {"penalty": penalty.to_json(), "discretion_tier": discretion_tier, "discretion_reason": discretion_reason}
    return case_transition(case=case, code="decide", actor=actor, changes=changes, params=params, payload=payload)


SERVICE_METHODS = frozenset({"direct", "left", "mail", "electronic", "public_notice"})


@transaction.atomic
def case_serve(
    *,
    actor: User,
    case: Case,
    method: str,
    served_on: dt.date,
    recipient: str = "",
    witnesses: Sequence[str] = (),
    recording: str = "",
    public_notice_reason: str = "",
    electronic_consent: str = "",
) -> Case:
    """送达 of the decision (APL Art. 61; CPL Art. 87-95); public notice takes effect 30 days after publication.

    ``electronic_consent`` names the party's signed 确认书 (its number or file hash) that electronic
    service needs (APL Art. 61 para 2); it is kept in the service record.
    """
    from sanxiang.cases.engine import due_date
    from sanxiang.procedures.definitions.types import DayUnit, DeadlineSpec

    if method not in SERVICE_METHODS:
        raise field_error("method", _("Choose a method of service."))
    effective = served_on
    if method == "public_notice":
        spec = DeadlineSpec("public_notice", gettext_lazy("Public notice"), DayUnit.CALENDAR_DAYS, 30, "CPL Art. 95")
        effective = due_date(spec, served_on)
    service = {
        "method": method,
        "served_on": served_on.isoformat(),
        "effective_on": effective.isoformat(),
        "recipient": recipient.strip(),
    }
    if electronic_consent.strip():
        service["electronic_consent"] = electronic_consent.strip()
    params = {
        "method": method,
        "electronic_consent": electronic_consent,
        "witnesses": list(witnesses),
        "recording": recording,
        "public_notice_reason": public_notice_reason,
    }
    payload = {
        **service,
        "witnesses": list(witnesses),
        "recording": recording,
        "public_notice_reason": public_notice_reason,
    }
    # A payment period runs only when the decision imposes an amount (not for 不予处罚 or a warning).
    owes = bool(
        (case.facts.get("decided_penalty") or {}).get("fine_fen")
        or (case.facts.get("decided_penalty") or {}).get("confiscation_fen")
    )
    starts = None if owes else ()
    return case_transition(
        case=case,
        code="serve",
        actor=actor,
        changes={"facts.service": service},
        params=params,
        payload=payload,
        starts=starts,
        start_on=effective,
    )


def _check_schedule(kind: str, schedule: Sequence[tuple[dt.date, int]], owed: int, period_end: dt.date) -> None:
    """The rules of an approved schedule (APL Art. 66 para 2); raises ``ValidationFailed`` on ``schedule``."""
    if kind not in execution.SCHEDULE_KINDS:
        raise field_error("kind", _("Choose deferred payment or payment in instalments."))
    if kind == "deferral" and len(schedule) != 1:
        raise field_error("schedule", _("Deferred payment has one date; choose instalments for several."))
    if kind == "instalments" and len(schedule) < 2:
        raise field_error("schedule", _("Payment in instalments needs at least two dates."))
    dates = [day for day, _amount in schedule]
    if any(amount <= 0 for _day, amount in schedule):
        raise field_error("schedule", _("Each amount must be positive."))
    if dates != sorted(set(dates)):
        raise field_error("schedule", _("The dates must be in order, each after the one before."))
    if dates[0] <= period_end or dates[0] < timezone.localdate():
        raise field_error(
            "schedule",
            _("Every date must be after the end of the payment period (%(d)s) and not in the past.")
            % {"d": period_end.isoformat()},
        )
    total = sum(amount for _day, amount in schedule)
    if total != owed:
        message = _("The amounts add up to %(sum)s yuan, but %(owed)s yuan is owed (fine and confiscation less paid).")
        raise field_error("schedule", message % {"sum": f"{total / 100:,.2f}", "owed": f"{owed / 100:,.2f}"})


@transaction.atomic
def case_approve_deferral(
    *, actor: User, case: Case, kind: str, schedule: Sequence[tuple[dt.date, int]], reason: str
) -> Case:
    """暂缓或者分期缴纳: a head approves the party's application to pay later or in instalments (APL Art. 66 para 2).

    ``schedule`` lists (last day, amount in fen): one date for a deferral, two or more for instalments,
    in order, after the payment period and not in the past, adding up to what is owed (the fine and the
    confiscated amount less what is paid). It is kept as ``facts.payment_schedule`` and replaces the
    period: the open payment deadline closes and a new one runs to the first date. A demand notice may
    then be served only after an instalment passed its date unpaid (``guards.payment_overdue``).
    """
    from sanxiang.procedures.definitions.general import PAYMENT_DEADLINE

    if not schedule:
        raise field_error("schedule", _("Enter at least one date and amount."))
    if not reason.strip():
        raise field_error("reason", _("Record the party's reason for the application."))
    period_end = execution.period_ends_on(case)
    owed = execution.amount_due_fen(case) - execution.paid_fen(case)
    if period_end is None or owed <= 0:
        raise field_error("schedule", _("Nothing is owed: there is nothing to defer."))
    _check_schedule(kind, schedule, owed, period_end)
    today = timezone.localdate()
    stored = {
        "kind": kind,
        "instalments": [{"due_on": day.isoformat(), "amount_fen": amount} for day, amount in schedule],
        "paid_before_fen": execution.paid_fen(case),
        "approved_on": today.isoformat(),
    }
    # The open period now runs from the approval to the first date, in calendar days; like every calendar
    # period (``engine.due_date``) its end moves past a non-working day (CPL Art. 85), while the demand gate
    # reads the schedule's own dates.
    starts = (dataclasses.replace(PAYMENT_DEADLINE, amount=(schedule[0][0] - today).days, basis="APL Art. 66, 67"),)
    return case_transition(
        case=case, code="approve_deferral", actor=actor, changes={f"facts.{execution.SCHEDULE_KEY}": stored},
        payload={"reason": reason.strip()}, starts=starts, start_on=today,
    )  # fmt: skip


@transaction.atomic
def case_record_payment(*, actor: User, case: Case, amount_fen: int, paid_on: dt.date, receipt_no: str) -> Case:
    """A payment at the designated bank (罚缴分离, APL Art. 67): the receipt number is required."""
    if amount_fen <= 0:
        raise field_error("amount_fen", _("The amount must be positive."))
    if not receipt_no.strip():
        raise field_error("receipt_no", _("Enter the receipt number."))
    paid = int(case.facts.get("paid_fen", 0)) + amount_fen
    return case_transition(
        case=case, code="record_payment", actor=actor, changes={"facts.paid_fen": paid},
        payload={"amount_fen": amount_fen, "paid_on": paid_on.isoformat(), "receipt_no": receipt_no.strip()},
    )  # fmt: skip


@transaction.atomic
def case_send_demand(*, actor: User, case: Case, served_on: dt.date) -> Case:
    """催告书 served after the payment period passed unpaid (AEL Art. 35, 54).

    ``served_on`` is checked by the gate, not only the day of recording: a demand dated inside the
    payment period would start the court's 10 working days too early.
    """
    if served_on > timezone.localdate():
        raise field_error("served_on", _("The service date cannot be in the future."))
    return case_transition(
        case=case,
        code="send_demand",
        actor=actor,
        changes={"facts.demand_served_on": served_on.isoformat()},
        params={"served_on": served_on},
    )


@transaction.atomic
def case_apply_court_enforcement(*, actor: User, case: Case, court: str) -> Case:
    """强制执行申请 to the court: ≥ 10 working days after the demand, within 3 months after the remedy periods."""
    return case_transition(
        case=case, code="apply_court_enforcement", actor=actor, changes={"facts.court": court.strip()}
    )


@transaction.atomic
def case_record_execution(*, actor: User, case: Case, note: str = "", court_enforced: bool = False) -> Case:
    """The decision is executed (paid in full, or enforced by the court after an application)."""
    changes: dict[str, Any] = {"facts.court_enforced": True} if court_enforced else {}
    return case_transition(
        case=case,
        code="record_execution",
        actor=actor,
        changes=changes,
        params={"court_enforced": court_enforced},
        payload={"note": note},
    )


@transaction.atomic
def case_close(*, actor: User, case: Case, report: str) -> Case:
    """结案 once obligations are settled and the checklist is complete."""
    return case_transition(case=case, code="close", actor=actor, payload={"report": report.strip()})


@transaction.atomic
def case_archive(*, actor: User, case: Case) -> Case:
    """归档: the dossier is locked from here on."""
    return case_transition(case=case, code="archive", actor=actor)


def open_deadlines(case: Case) -> list[Deadline]:
    return list(case.deadlines.filter(closed_at__isnull=True).order_by("due_on"))


@transaction.atomic
def case_reassign_handlers(*, actor: User, case: Case, handlers: Sequence[User], reason: str) -> Case:
    """Replace the handlers (after a recusal, leave or transfer): again ≥ 2 qualified officers, no conflict."""
    if not reason.strip():
        raise field_error("reason", _("Give a reason."))
    handler_ids = list(dict.fromkeys(h.pk for h in handlers))
    return case_transition(
        case=case,
        code="reassign_handlers",
        actor=actor,
        changes={"handlers": handler_ids},
        params={"handler_ids": handler_ids},
        payload={"reason": reason.strip()},
    )
