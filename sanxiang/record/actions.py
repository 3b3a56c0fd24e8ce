"""The one write path of the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from sanxiang.record import context
from sanxiang.record.log import commitment, log_record, new_salt
from sanxiang.record.models import AuditCategory, AuditEvent, AuditOutcome


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return ""
    return str(getattr(actor, "username", actor))


def audit_commit_content(event: AuditEvent) -> dict[str, Any]:
    """What the record log commits to of an audit row: every field but the log's own (one source for verify)."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "category": event.category,
        "action": event.action,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "ip": str(event.ip) if event.ip else None,
        "user_agent": event.user_agent,
        "channel": event.channel,
        "request_id": event.request_id,
        "detail": event.detail,
    }


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
    """Append one audit event and its record-log entry; inside the caller's transaction when there is one.

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
        log_salt=new_salt(),
    )
    # log_record inserts the row once, complete (the table refuses updates), with its entry:
    # verify finds the row again by its unique ``log_seq`` (direct) or the entry's ``ref`` (outbox).
    log_record(
        "audit",
        actor=event.actor,
        data={"action": action, "category": str(category), "outcome": str(outcome)},
        digest=commitment(event.log_salt, audit_commit_content(event)),
        at=event.at,
        row=event,
    )
    return event
