"""加处罚款: the late-payment surcharge on a fine (APL Art. 72 (一), 73 para 3; AEL Art. 45).

Pure arithmetic on dates and integer fen, with no Django and no calendar:
the surcharge runs on every calendar day ("每日"), holidays included.

- From the day after the payment period ends (APL Art. 67 para 3: 15 days
  from receipt of the decision; the caller passes the period's last day),
  each day adds 3 % of the fine.
- The total never exceeds the fine itself (APL Art. 72 (一); AEL Art. 45).
- Days on which a 行政复议 or 行政诉讼 is pending are not counted (APL Art.
  73 para 3); the caller passes them as date ranges.
- Amounts are integer fen, rounded down: the party never owes a fraction
  the law does not impose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

#: 3 % of the fine per day (APL Art. 72 (一)).
RATE_PERCENT_PER_DAY = 3

DateRange = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Surcharge:
    """The surcharge owed on a day, and how it was reached."""

    amount_fen: int
    #: Surcharge days counted (paused days left out), also past the cap: AEL Art. 46 asks whether the
    #: surcharge has run for more than 30 days.
    days: int
    #: True once the amount has reached the cap (the fine's amount): it grows no further.
    capped: bool


def _merged(ranges: Iterable[DateRange], first: dt.date, last: dt.date) -> list[DateRange]:
    """The ranges clipped to ``first``..``last``, sorted and with overlaps merged (both ends inclusive)."""
    clipped = sorted((max(start, first), min(end, last)) for start, end in ranges)
    merged: list[DateRange] = []
    for start, end in clipped:
        if start > end:
            continue
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def surcharge_days(*, payment_due: dt.date, on: dt.date, paused: Iterable[DateRange] = ()) -> int:
    """Count the days from ``payment_due`` + 1 to ``on`` (both included) outside every ``paused`` range.

    ``paused`` ranges are (first day, last day), both included; they may overlap or reach outside the
    counted days. A range that ends before it starts is an error (``ValueError``).
    """
    ranges = list(paused)
    for start, end in ranges:
        if end < start:
            raise ValueError(f"a paused range cannot end before it starts ({start} to {end})")
    first = payment_due + dt.timedelta(days=1)
    if on < first:
        return 0
    excluded = sum((end - start).days + 1 for start, end in _merged(ranges, first, on))
    return (on - first).days + 1 - excluded


def late_payment_surcharge(
    *, fine_fen: int, payment_due: dt.date, on: dt.date, paused: Iterable[DateRange] = ()
) -> Surcharge:
    """Return the surcharge owed on ``on`` for a fine of ``fine_fen`` whose payment period ended on ``payment_due``.

    1. Count the surcharge days (``surcharge_days``): after the payment period, up to and including
       ``on``, paused days left out.
    2. Multiply: 3 % of the fine per day, rounded down to the fen once, on the total.
    3. Cap at the fine.

    E.g. a 100-yuan fine (10,000 fen) paid 10 days late owes 3,000 fen; from the 34th day it owes
    10,000 fen, the cap. A negative fine is a ``ValueError``.
    """
    if fine_fen < 0:
        raise ValueError(f"a fine cannot be negative (got {fine_fen})")
    days = surcharge_days(payment_due=payment_due, on=on, paused=paused)
    uncapped = fine_fen * RATE_PERCENT_PER_DAY * days // 100
    return Surcharge(amount_fen=min(uncapped, fine_fen), days=days, capped=0 < fine_fen <= uncapped)
