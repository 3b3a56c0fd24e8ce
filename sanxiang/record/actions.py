"""The one write path of the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from sanxiang.record import context
from sanxiang.record.models import AuditCategory, AuditEvent, AuditOutcome


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return ""
    return str(getattr(actor, "username", actor))


def audit_record(
    *,
    actor: Any,
    action: str,
    category: AuditCategory,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    obj: models.Model | None = None,
    actor_label: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; runs inside the caller's transaction.

    ``actor`` is the acting user (None for an anonymous or unknown one, with
    ``actor_label`` holding what was typed, e.g. a login name). ``detail``
    must never hold secrets: callers pass field names, not password values.
    """
    ctx = context.current()
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=(actor_label or _label(actor))[:150],
        category=category,
        action=action,
        outcome=outcome,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        ip=ctx.ip,
        user_agent=ctx.user_agent[:200],
        channel=ctx.channel,
        request_id=ctx.request_id,
        detail=detail or {},
    )
    event.save(force_insert=True)
    return event
