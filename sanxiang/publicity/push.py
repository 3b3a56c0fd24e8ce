"""Push of publications and withdrawals to the provincial platform (a transactional outbox).

1. ``push_enqueue`` writes a ``PushMessage`` in the transaction that publishes
   or withdraws, with an idempotency key (publication id + event id), and asks
   for an attempt right after the commit (``transaction.on_commit``).
2. ``push_attempt`` claims the message with a conditional UPDATE (one worker
   per message), POSTs the body with ``Idempotency-Key`` and
   ``X-Sanxiang-Signature: sha256=<HMAC-SHA256(key, timestamp + "." + body)>``,
   and marks it delivered on a 2xx; otherwise it schedules the next attempt
   with exponential backoff (``PUBLICITY_PUSH_BACKOFF_SECONDS`` × 2^(n-1)).
3. ``sanxiang publicity_push`` (once, or ``--loop``) retries what is due.

The receiver deduplicates on the key: a message sent again after a lost
response is delivered once in effect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.publicity.models import Publication, PublicationEvent, PushMessage

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 120


def push_enabled() -> bool:
    return bool(settings.PUBLICITY_PUSH_URL)


def push_body(pub: Publication, event: PublicationEvent) -> dict[str, Any]:
    """What the platform receives: the published (redacted) version, or the withdrawal and its reason."""
    version = pub.published_version
    return {
        "id": pub.public_id,
        "event": event.state,
        "at": event.at.isoformat(),
        "kind": pub.kind,
        "list": pub.list_code,
        "title": pub.title,
        "version": version.number if version else None,
        "text": version.body if version and event.state == "published" else "",
        "fields": version.fields if version and event.state == "published" else {},
        "change_note": version.change_note if version else "",
        "reason": event.reason if event.state == "withdrawn" else "",
    }


def push_enqueue(pub: Publication, event: PublicationEvent) -> PushMessage | None:
    """Queue the push of ``event`` (call inside the publishing transaction); none when no endpoint is set."""
    if not push_enabled():
        return None
    body = json.dumps(push_body(pub, event), ensure_ascii=False, sort_keys=True).encode()
    message = PushMessage.objects.create(key=f"{pub.public_id}:{event.pk}", body=body)
    transaction.on_commit(lambda: push_attempt(message.pk))
    return message


def sign(body: bytes, timestamp: str, key: str) -> str:
    """The signature header value over ``timestamp + "." + body``."""
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _claim(message_id: int, now: dt.datetime) -> bool:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = PushMessage.objects.filter(free, pk=message_id, delivered_at__isnull=True, next_attempt_at__lte=now)
    return claimed.update(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS)) == 1


def _send(message: PushMessage) -> str:
    """POST the message; return "" on a 2xx, else the error (never raises)."""
    body = bytes(message.body)
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": message.key,
        "X-Sanxiang-Timestamp": timestamp,
        "X-Sanxiang-Signature": sign(body, timestamp, settings.PUBLICITY_PUSH_KEY),
    }
    try:
        response = requests.post(
            settings.PUBLICITY_PUSH_URL, data=body, headers=headers, timeout=settings.PUBLICITY_PUSH_TIMEOUT_SECONDS
        )
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    if 200 <= response.status_code < 300:
        return ""
    return f"HTTP {response.status_code}"


def push_attempt(message_id: int) -> bool:
    """Try to deliver one message if it is due and unclaimed; True when it is delivered now."""
    now = timezone.now()
    if not push_enabled() or not _claim(message_id, now):
        return False
    message = PushMessage.objects.get(pk=message_id)
    error = _send(message)
    message.attempts += 1
    message.claimed_until = None
    if error:
        delay = settings.PUBLICITY_PUSH_BACKOFF_SECONDS * 2 ** (message.attempts - 1)
        message.next_attempt_at = timezone.now() + dt.timedelta(seconds=min(delay, 6 * 3600))
        message.last_error = error
        logger.warning("publicity push %s failed (attempt %d): %s", message.key, message.attempts, error)
    else:
        message.delivered_at = timezone.now()
        message.last_error = ""
    message.save(update_fields=["attempts", "claimed_until", "next_attempt_at", "last_error", "delivered_at"])
    return not error


def push_due(limit: int = 100) -> tuple[int, int]:
    """Attempt every due, undelivered message below the attempt limit; return (delivered, failed)."""
    now = timezone.now()
    due = PushMessage.objects.filter(
        delivered_at__isnull=True, next_attempt_at__lte=now, attempts__lt=settings.PUBLICITY_PUSH_MAX_ATTEMPTS
    ).order_by("next_attempt_at")
    delivered = failed = 0
    for message_id in list(due.values_list("pk", flat=True)[:limit]):
        if push_attempt(message_id):
            delivered += 1
        else:
            failed += 1
    return delivered, failed
