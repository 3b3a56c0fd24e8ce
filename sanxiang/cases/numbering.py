"""Gapless numbers per series (case numbers now; document numbers later)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sanxiang.cases.models import NumberCounter


def next_number(series: str) -> int:
    """Return the next number of ``series``: no gap, no duplicate, under concurrent callers.

    Must run inside the caller's transaction, so a rolled-back caller gives
    its number back (a sequence object would leave a gap). The counter row is
    locked until the caller commits; the first use of a series creates it,
    and a concurrent creator that loses the race retries on the existing row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    counter = NumberCounter.objects.select_for_update().filter(series=series).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = NumberCounter.objects.create(series=series, last=0)
        except IntegrityError:
            counter = NumberCounter.objects.select_for_update().get(series=series)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
