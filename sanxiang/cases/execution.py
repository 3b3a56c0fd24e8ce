"""Execution of a decision's money obligations: what is owed, what is paid, the schedule and the surcharge.

Selectors only (no writes), read by the gates (``payment_overdue``,
``obligations_settled``), the case page and the API detail:

- **Owed**: the fine plus the confiscated amount of the decided penalty
  (APL Art. 9, 67); **paid**: ``facts.paid_fen``, the running total that
  ``case_record_payment`` keeps.
- **When**: the payment period of the decision (15 days from its service,
  APL Art. 67 para 3; the first ``payment_deadline`` row), or, once a head
  approved deferred or instalment payment (APL Art. 66 para 2), the dates of
  ``facts.payment_schedule``, which replace the period.
- **Late-payment surcharge** (加处罚款, APL Art. 72 (一); AEL Art. 45):
  3 % of the fine per day, at most the fine, counted by
  ``sanxiang.lib.surcharge`` on every day on which an amount whose last day
  has passed is still unpaid, and not while a 行政复议 or 行政诉讼 is pending
  (APL Art. 73 para 3): ``facts.remedy_pauses`` lists those periods as
  ``[from, to]`` ISO dates (``to`` empty while still pending). The action
  that records a remedy comes with the publicity and remedy part; until then
  the list is empty unless set there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case, CaseEvent, Deadline
from sanxiang.lib.surcharge import DateRange, Surcharge, late_payment_surcharge

SCHEDULE_KEY = "payment_schedule"
PAID_KEY = "paid_fen"
REMEDY_PAUSES_KEY = "remedy_pauses"
PAYMENT_DEADLINE = "payment_deadline"

#: The two forms of APL Art. 66 para 2: 延期缴纳 (one later date) and 分期缴纳 (several dates).
SCHEDULE_KINDS: dict[str, Promise] = {
    "deferral": _("Deferred payment"),
    "instalments": _("Payment in instalments"),
}

ScheduleKind = Literal["deferral", "instalments"]

ONE_DAY = dt.timedelta(days=1)
NO_SURCHARGE = Surcharge(amount_fen=0, days=0, capped=False)


@dataclass(frozen=True)
class DuePoint:
    """A last day for payment and the running total that must be paid by then (``due_fen``)."""

    last_day: dt.date
    amount_fen: int
    due_fen: int


@dataclass(frozen=True)
class Instalment:
    """One date of an approved schedule, with the part of the later payments that covers it (in date order)."""

    due_on: dt.date
    amount_fen: int
    paid_fen: int

    @property
    def settled(self) -> bool:
        return self.paid_fen >= self.amount_fen


@dataclass(frozen=True)
class Execution:
    """Where the payment of a decision stands on ``on``."""

    on: dt.date
    fine_fen: int
    confiscation_fen: int
    paid_fen: int
    #: Last day of the payment period of the decision (APL Art. 67 para 3).
    period_ends_on: dt.date
    #: Last day for what is still owed: the next unpaid instalment, or the period's end; None once paid.
    next_due_on: dt.date | None
    schedule_kind: ScheduleKind | None
    instalments: tuple[Instalment, ...]
    surcharge: Surcharge
    #: First day paid late: the surcharge runs from it, less remedy pauses (None when nothing was late).
    surcharge_from: dt.date | None

    @property
    def amount_due_fen(self) -> int:
        return self.fine_fen + self.confiscation_fen

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.amount_due_fen - self.paid_fen)

    @property
    def settled(self) -> bool:
        return self.paid_fen >= self.amount_due_fen


# --- Amounts ------------------------------------------------------------------------------------


def fine_fen(case: Case) -> int:
    return int((case.facts.get("decided_penalty") or {}).get("fine_fen", 0))


def amount_due_fen(case: Case) -> int:
    """The fine plus the confiscated amount of the decided penalty (0 without a decision)."""
    decided = case.facts.get("decided_penalty") or {}
    return int(decided.get("fine_fen", 0)) + int(decided.get("confiscation_fen", 0))


def paid_fen(case: Case) -> int:
    return int(case.facts.get(PAID_KEY, 0))


def period_ends_on(case: Case) -> dt.date | None:
    """The last day of the decision's payment period: the first ``payment_deadline`` the case opened.

    A deferral closes that row and opens another one, so the first row is the original period.
    """
    first = Deadline.objects.filter(case=case, code=PAYMENT_DEADLINE).order_by("id").first()
    return first.due_on if first else None


# --- The schedule ---------------------------------------------------------------------------------


def _schedule(case: Case) -> dict[str, Any]:
    schedule = case.facts.get(SCHEDULE_KEY)
    return schedule if isinstance(schedule, dict) else {}


def schedule_kind(case: Case) -> ScheduleKind | None:
    kind = _schedule(case).get("kind")
    if kind == "deferral":
        return "deferral"
    if kind == "instalments":
        return "instalments"
    return None


def due_points(case: Case, period_end: dt.date | None = None) -> list[DuePoint]:
    """The last days for payment, in order, each with the running total due by then.

    Without a schedule: the end of the payment period (``period_end`` if the caller has it), for the
    whole amount. With an approved schedule (APL Art. 66 para 2) its dates replace the period, and they
    count from what was paid before it.
    """
    schedule = _schedule(case)
    if not schedule:
        last_day = period_end or period_ends_on(case)
        owed = amount_due_fen(case)
        return [DuePoint(last_day, owed, owed)] if last_day is not None and owed > 0 else []
    running = int(schedule.get("paid_before_fen", 0))
    points = []
    for item in schedule.get("instalments", []):
        running += int(item["amount_fen"])
        points.append(DuePoint(dt.date.fromisoformat(item["due_on"]), int(item["amount_fen"]), running))
    return points


def _instalments(points: list[DuePoint], paid: int) -> tuple[Instalment, ...]:
    """The schedule's dates with what covers each, paying the earliest first."""
    return tuple(
        Instalment(p.last_day, p.amount_fen, min(p.amount_fen, max(0, paid - (p.due_fen - p.amount_fen))))
        for p in points
    )


def missed_due_point(case: Case, *, before: dt.date) -> DuePoint | None:
    """The first last day before ``before`` whose running total is still not paid in full, or None.

    A 催告 (AEL Art. 35, 54) may be served only when there is one: after the payment period, or after
    an instalment's date, has passed unpaid.
    """
    paid = paid_fen(case)
    for point in due_points(case):
        if point.last_day < before and paid < point.due_fen:
            return point
    return None


def next_due_on(case: Case, points: list[DuePoint] | None = None) -> dt.date | None:
    """The last day of the first amount not yet paid in full (None when everything is paid)."""
    paid = paid_fen(case)
    return next((p.last_day for p in (due_points(case) if points is None else points) if paid < p.due_fen), None)


# --- The surcharge --------------------------------------------------------------------------------


def _payments(case: Case) -> list[tuple[dt.date, int]]:
    """Each recorded payment as (day paid, amount), in date order, from the events that changed the paid total."""
    payments = []
    previous = 0
    for event in CaseEvent.objects.filter(case=case, changes__has_key=f"facts.{PAID_KEY}").order_by("seq"):
        total = int(event.changes[f"facts.{PAID_KEY}"])
        day = event.payload.get("paid_on") or event.payload.get("collected_on")
        paid_on = dt.date.fromisoformat(day) if day else timezone.localdate(event.at)
        payments.append((paid_on, total - previous))
        previous = total
    return sorted(payments)


def _met_on(payments: list[tuple[dt.date, int]], due_fen: int) -> dt.date | None:
    """The day the payments first reached ``due_fen`` in total (None if they have not)."""
    total = 0
    for day, amount in payments:
        total += amount
        if total >= due_fen:
            return day
    return None


def _late_ranges(case: Case, points: list[DuePoint], on: dt.date) -> list[DateRange]:
    """For each last day that passed unpaid: the days from the next day to payment (or ``on``), both included.

    The day of a late payment counts as late (paid one day after the period: one day of surcharge).
    """
    payments = _payments(case)
    ranges = []
    for point in points:
        met_on = _met_on(payments, point.due_fen)
        end = on if met_on is None else min(met_on, on)
        if end > point.last_day:
            ranges.append((point.last_day + ONE_DAY, end))
    return ranges


def _merged(ranges: Iterable[DateRange]) -> list[DateRange]:
    merged: list[DateRange] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def remedy_pauses(case: Case, on: dt.date) -> list[DateRange]:
    """``facts.remedy_pauses`` as date ranges; a pause with no end is still pending and runs to ``on``."""
    pauses = []
    for start, end in case.facts.get(REMEDY_PAUSES_KEY) or []:
        first = dt.date.fromisoformat(start)
        pauses.append((first, dt.date.fromisoformat(end) if end else max(first, on)))
    return pauses


def surcharge_to(case: Case, on: dt.date, points: list[DuePoint] | None = None) -> tuple[Surcharge, dt.date | None]:
    """The surcharge owed on ``on`` and the first day paid late (APL Art. 72 (一), 73 para 3; AEL Art. 45).

    1. Find the late days: after each last day (the period's end or an instalment's date) until the
       day the amount due by then was paid, or ``on``.
    2. Count them with ``late_payment_surcharge`` from the first late day to the last, leaving out
       the gaps between them (nothing was late then) and the remedy pauses.
    With a schedule the base is still the whole fine: APL Art. 72 (一) sets 3 % of "罚款数额" and says
    nothing of instalments (a base of the missed instalment alone is UNCONFIRMED); the cap is the fine.
    """
    late = _merged(_late_ranges(case, due_points(case) if points is None else points, on))
    if not late:
        return NO_SURCHARGE, None
    gaps = [(end + ONE_DAY, start - ONE_DAY) for (_, end), (start, _) in pairwise(late)]
    first, last = late[0][0], late[-1][1]
    paused = remedy_pauses(case, on) + gaps
    surcharge = late_payment_surcharge(fine_fen=fine_fen(case), payment_due=first - ONE_DAY, on=last, paused=paused)
    return surcharge, first


# --- Everything together --------------------------------------------------------------------------


def case_execution(case: Case, *, on: dt.date) -> Execution | None:
    """Where payment stands on ``on``; None when the case has no payment period (no amount, not yet served)."""
    ends_on = period_ends_on(case)
    if ends_on is None or amount_due_fen(case) <= 0:
        return None
    decided = case.facts.get("decided_penalty") or {}
    points = due_points(case, ends_on)
    surcharge, late_from = surcharge_to(case, on, points)
    return Execution(
        on=on,
        fine_fen=int(decided.get("fine_fen", 0)),
        confiscation_fen=int(decided.get("confiscation_fen", 0)),
        paid_fen=paid_fen(case),
        period_ends_on=ends_on,
        next_due_on=next_due_on(case, points),
        schedule_kind=schedule_kind(case),
        instalments=_instalments(points, paid_fen(case)) if _schedule(case) else (),
        surcharge=surcharge,
        surcharge_from=late_from,
    )
