"""The hard gates of the simple, inspection and compulsory-measure procedures (RULES.md §13.1-3, §13.6, §13.15).

Registered by the names ``sanxiang.procedures.definitions.simple``,
``inspection`` and ``compulsory`` use. Like ``sanxiang.cases.guards``, each
guard returns the reasons it refuses, each a sentence for the person.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.models import Case, CaseHandler, Deadline, PartyKind
from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.org.models import User
from sanxiang.org.selectors import EnforcementAct, officer_qualification
from sanxiang.procedures.calendar import db_calendar
from sanxiang.procedures.guards import GuardContext, guard
from sanxiang.procedures.models import CalendarDay, DayKind

# --- Two qualified officers (APL Art. 42, 52, 55; AEL Art. 18; §13.1) -------------------------

_TWO_OFFICERS: dict[EnforcementAct, Promise] = {
    EnforcementAct.ON_THE_SPOT_PENALTY: gettext_lazy(
        "At least two qualified enforcement officers must decide a penalty on the spot (APL Art. 42, 52)."
    ),
    EnforcementAct.INSPECT: gettext_lazy(
        "At least two qualified enforcement officers must carry out an inspection (APL Art. 42, 55)."
    ),
    EnforcementAct.COMPULSORY_MEASURE: gettext_lazy(
        "At least two qualified enforcement officers must apply a compulsory measure (AEL Art. 18)."
    ),
}


def _handlers(ctx: GuardContext) -> list[User]:
    ids = ctx.params.get("handler_ids")
    if ids is None:
        ids = list(CaseHandler.objects.filter(case=ctx.case).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids))


def _officers_qualified(ctx: GuardContext, act: EnforcementAct) -> list[str]:
    """At least two of the officers (``params["handler_ids"]``, else the case's handlers) qualified for ``act``."""
    case: Case = ctx.case
    reasons: list[str] = []
    qualified = 0
    for user in _handlers(ctx):
        answer = officer_qualification(user, act=act, category=case.category, region=case.region, on=ctx.today)
        if answer.allowed:
            qualified += 1
        else:
            reasons.extend(answer.reasons)
    if qualified >= 2:
        return []
    return [str(_TWO_OFFICERS[act]), *reasons]


@guard("officers_for_on_the_spot_penalty")
def officers_for_on_the_spot_penalty(ctx: GuardContext) -> list[str]:
    return _officers_qualified(ctx, EnforcementAct.ON_THE_SPOT_PENALTY)


@guard("officers_for_inspection")
def officers_for_inspection(ctx: GuardContext) -> list[str]:
    return _officers_qualified(ctx, EnforcementAct.INSPECT)


@guard("officers_for_compulsory_measure")
def officers_for_compulsory_measure(ctx: GuardContext) -> list[str]:
    return _officers_qualified(ctx, EnforcementAct.COMPULSORY_MEASURE)


# --- Simple procedure (APL Art. 51, 52; §13.2) ------------------------------------------------

#: APL Art. 51: a warning, or a fine of at most 200 yuan (citizen) / 3,000 yuan (organisation). Statute, not setting.
SIMPLE_TYPES = frozenset({PenaltyType.WARNING, PenaltyType.FINE})
SIMPLE_FINE_LIMIT_PERSON_FEN = 200 * 100
SIMPLE_FINE_LIMIT_ORGANISATION_FEN = 3_000 * 100


@guard("simple_facts_and_basis")
def simple_facts_and_basis(ctx: GuardContext) -> list[str]:
    """Facts conclusive (confirmed by the officers) and a legal basis (a violation with its penalty provisions)."""
    reasons = []
    if ctx.params.get("facts_conclusive") is not True:
        reasons.append(_("A penalty is decided on the spot only when the facts are conclusive (APL Art. 51)."))
    violation = ctx.case.violation
    if violation is None or not violation.penalty_provisions.strip():
        reasons.append(_("Choose the violation, whose penalty provisions are the legal basis (APL Art. 51)."))
    return reasons


@guard("simple_procedure_limits")
def simple_procedure_limits(ctx: GuardContext) -> list[str]:
    """Only a warning or a small fine (§13.2); anything else goes through the general procedure."""
    penalty = Penalty.from_json(ctx.params["penalty"])
    if penalty.types - SIMPLE_TYPES or penalty.confiscation_fen:
        return [_("Only a warning or a fine may be decided on the spot (APL Art. 51): use the general procedure.")]
    if ctx.case.parties.filter(kind=PartyKind.ORGANISATION).exists():
        if penalty.fine_fen > SIMPLE_FINE_LIMIT_ORGANISATION_FEN:
            return [_("A fine decided on the spot may not exceed 3,000 yuan for an organisation (APL Art. 51).")]
    elif penalty.fine_fen > SIMPLE_FINE_LIMIT_PERSON_FEN:
        return [_("A fine decided on the spot may not exceed 200 yuan for a natural person (APL Art. 51).")]
    return []


@guard("form_number_unused")
def form_number_unused(ctx: GuardContext) -> list[str]:
    """The decision is written on a pre-printed, numbered form (APL Art. 52); a number is used once."""
    number = str(ctx.params.get("form_number", "")).strip()
    if not number:
        return [_("Enter the number of the pre-printed decision form (APL Art. 52).")]
    used = Case.objects.filter(procedure=ctx.case.procedure, facts__form_number=number).exclude(pk=ctx.case.pk)
    if used.exists():
        return [_("Decision form %(n)s has already been used.") % {"n": number}]
    return []


# --- On-the-spot cash (APL Art. 67, 68, 70, 71; §13.3) ----------------------------------------

#: APL Art. 68 (一): cash on the spot for a fine of 100 yuan or less.
CASH_ON_THE_SPOT_LIMIT_FEN = 100 * 100


def _fine_fen(case: Case) -> int:
    return int((case.facts.get("decided_penalty") or {}).get("fine_fen", 0))


@guard("on_the_spot_cash_allowed")
def on_the_spot_cash_allowed(ctx: GuardContext) -> list[str]:
    """≤ 100 yuan, or hard to collect later with the reason recorded (APL Art. 68)."""
    fine = _fine_fen(ctx.case)
    if fine == 0:
        return [_("The decision imposes no fine.")]
    if int(ctx.case.facts.get("paid_fen", 0)) >= fine:
        return [_("The fine is already paid.")]
    if fine > CASH_ON_THE_SPOT_LIMIT_FEN and not str(ctx.params.get("hard_to_collect_reason", "")).strip():
        return [
            _(
                "Cash is collected on the spot only for a fine of 100 yuan or less, or when the fine would be hard to collect later: record why (APL Art. 68)."
            )
        ]
    return []


@guard("official_receipt_issued")
def official_receipt_issued(ctx: GuardContext) -> list[str]:
    if not str(ctx.params.get("receipt_no", "")).strip():
        return [
            _(
                "Issue the finance department's official receipt and enter its number: without it the party may refuse to pay (APL Art. 70)."
            )
        ]
    return []


def _open_deadline(case: Case, code: str) -> Deadline | None:
    return Deadline.objects.filter(case=case, code=code, closed_at__isnull=True).order_by("-id").first()


@guard("cash_to_hand_in")
def cash_to_hand_in(ctx: GuardContext) -> list[str]:
    if _open_deadline(ctx.case, "cash_hand_in") is None:
        return [_("No cash collected on the spot is waiting to be handed in.")]
    return []


@guard("cash_to_deposit")
def cash_to_deposit(ctx: GuardContext) -> list[str]:
    if _open_deadline(ctx.case, "cash_deposit") is None:
        return [_("No cash handed in is waiting to be deposited at the bank.")]
    return []


@guard("cash_settled")
def cash_settled(ctx: GuardContext) -> list[str]:
    if Deadline.objects.filter(
        case=ctx.case, code__in=["cash_hand_in", "cash_deposit"], closed_at__isnull=True
    ).exists():
        return [
            _("Hand the cash collected on the spot in to the agency and deposit it at the bank first (APL Art. 71).")
        ]
    return []


# --- Inspection -------------------------------------------------------------------------------


@guard("inspection_recorded")
def inspection_recorded(ctx: GuardContext) -> list[str]:
    if not ctx.case.events.filter(transition="record_inspection").exists():
        return [_("Record the on-site inspection first (APL Art. 55).")]
    return []


# --- Compulsory measures (AEL Art. 19, 25, 27, 43; §13.6, §13.15) -----------------------------

#: AEL Art. 43 forbids enforcement "在夜间" but the statute gives no hours. 22:00-06:00 is borrowed by
#: analogy from the definition of 夜间 in the 噪声污染防治法 (2021, Art. 88); change it here if a rule says otherwise.
NIGHT_STARTS = dt.time(22, 0)
NIGHT_ENDS = dt.time(6, 0)


def _is_holiday(day: dt.date) -> bool:
    """A day of a statutory holiday break (CalendarDay kind holiday); ordinary weekends are not holidays.

    Asking the calendar first makes a year without data fail loudly (``CalendarMissing``).
    """
    if db_calendar().is_workday(day):
        return False
    return CalendarDay.objects.filter(date=day, kind=DayKind.HOLIDAY).exists()


@guard("enforcement_hours_allowed")
def enforcement_hours_allowed(ctx: GuardContext) -> list[str]:
    """Not at night nor on a statutory holiday, unless an emergency is recorded (AEL Art. 43; §13.15)."""
    if str(ctx.params.get("emergency_reason", "")).strip():
        return []
    local = timezone.localtime(ctx.now).time()
    if local >= NIGHT_STARTS or local < NIGHT_ENDS:
        return [
            _("No compulsory measure at night (22:00-06:00) unless there is an emergency: record it (AEL Art. 43).")
        ]
    if _is_holiday(ctx.today):
        return [
            _(
                "No compulsory measure on a statutory holiday (%(d)s) unless there is an emergency: record it (AEL Art. 43)."
            )
            % {"d": ctx.today.isoformat()}
        ]
    return []


@guard("emergency_report_in_time")
def emergency_report_in_time(ctx: GuardContext) -> list[str]:
    """An emergency measure is reported and approved within 24 hours (AEL Art. 19); the engine counts only days."""
    facts = ctx.case.facts
    if not facts.get("emergency"):
        return [_("Only a measure taken in an emergency is approved afterwards.")]
    if facts.get("measure_approved"):
        return [_("The measure is already approved.")]
    due = dt.datetime.fromisoformat(facts["report_due_at"])
    if ctx.now > due:
        return [
            _("The emergency measure had to be reported and approved by %(t)s (24 hours, AEL Art. 19): release it.")
            % {"t": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
        ]
    return []


@guard("measure_approved")
def measure_approved(ctx: GuardContext) -> list[str]:
    if not ctx.case.facts.get("measure_approved"):
        return [_("The head has not approved the emergency measure (AEL Art. 19).")]
    return []


#: AEL Art. 25: extended once, by at most 30 days.
MAX_EXTENSION_DAYS = 30


def _period_end(ctx: GuardContext) -> dt.date | None:
    """The due date of the open measure period, or None when it has ended or none is open."""
    period = _open_deadline(ctx.case, "measure_period")
    if period is None:
        return None
    return period.due_on


@guard("extension_allowed")
def extension_allowed(ctx: GuardContext) -> list[str]:
    """Once only, ≤ 30 days, approved before the first period ends (AEL Art. 25; §13.6)."""
    if ctx.case.facts.get("extended"):
        return [_("The measure may be extended only once (AEL Art. 25).")]
    end = _period_end(ctx)
    if end is None:
        return [_("No period of the measure is open.")]
    if ctx.today > end:
        return [
            _("An extension must be approved before the period ends; it ended on %(d)s (AEL Art. 25).")
            % {"d": end.isoformat()}
        ]
    if not 1 <= int(ctx.params.get("days", 0)) <= MAX_EXTENSION_DAYS:
        return [_("The measure may be extended by at most 30 days (AEL Art. 25).")]
    return []


@guard("within_measure_period")
def within_measure_period(ctx: GuardContext) -> list[str]:
    """The decision on the items is made within the period (AEL Art. 27); afterwards they are released (Art. 28)."""
    end = _period_end(ctx)
    if end is None:
        return [_("No period of the measure is open.")]
    if ctx.today > end:
        return [
            _("The period of the measure ended on %(d)s: release the items (AEL Art. 27, 28).") % {"d": end.isoformat()}
        ]
    return []
