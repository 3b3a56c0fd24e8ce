"""Deadline actions that no transition performs: the overdue sweep.

The engine opens and closes deadlines with the moves of a case; a period that
simply runs out changes nothing in the case, so a scheduled job marks it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import Deadline
from sanxiang.org.models import User
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory


@transaction.atomic(durable=True)
def deadlines_mark_overdue(*, actor: User, today: dt.date) -> int:
    """Mark every open deadline due before ``today`` as overdue, each row once; return how many this call marked.

    1. Read the candidates through the partial index ``deadline_open_due``.
    2. Claim each row with a conditional ``UPDATE … WHERE overdue_marked_at IS NULL``:
       when two workers run at once, the second one's update matches no row
       (PostgreSQL re-reads the condition after the first commits), so no row
       is marked or counted twice.
    3. Write one audit row listing the claimed deadlines (none when nothing was claimed).
    """
    now = timezone.now()
    candidates = list(
        Deadline.objects.filter(closed_at__isnull=True, overdue_marked_at__isnull=True, due_on__lt=today)
        .order_by("due_on", "pk")
        .values_list("pk", "case_id")
    )
    claimed: list[dict[str, int]] = []
    for deadline_id, case_id in candidates:
        if Deadline.objects.filter(pk=deadline_id, overdue_marked_at__isnull=True).update(overdue_marked_at=now):
            claimed.append({"deadline": deadline_id, "case": case_id})
    if claimed:
        audit_record(
            actor=actor,
            action="deadline.overdue",
            category=AuditCategory.DATA,
            detail={"today": today.isoformat(), "count": len(claimed), "deadlines": claimed},
        )
    return len(claimed)
