"""The outbox and its sequencer (RECORD-LOG.md §4 "Scaled"): appends leave the business transaction.

In ``SANXIANG_LOG_MODE=outbox`` a logged write inserts an outbox row in its
own transaction and never touches the log head, so concurrent writers no
longer queue on the head lock across each other's commit (fsync). The
sequencer takes committed outbox rows in id order, a batch per transaction:
it locks the head, appends the batch (the tree computed incrementally, each
entry carrying its outbox id ``ob``, the sequencing time ``ts`` and the
business time ``at``), and deletes the rows it appended, all in one commit.

It runs

* right after every committing transaction that wrote to the outbox
  (``transaction.on_commit``), with a non-blocking try-lock: whoever commits
  drains what is there, nobody waits for another sequencer;
* in the ``sanxiang signer`` loop, as a sweeper, before each checkpoint;
* as ``sanxiang sequence`` (once, or ``--loop``), and before ``verify``.

Two sequencers never append the same row: they serialize on the head lock
(and on PostgreSQL first on an advisory lock), each reads the outbox only
after it holds the lock, and deletes what it appended before it lets go; a
unique (log, outbox) constraint on the entries backs this up.

No lost wake-up: a committer whose try-lock fails leaves its row to the
holder, and every holder, after it commits, looks again for waiting rows
and drains them if there are any (``sequence_pending``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from sanxiang.record import merkle
from sanxiang.record.log import Queued, _Head, _lock_head, append_locked, log_origin
from sanxiang.record.models import LogOutbox

logger = logging.getLogger(__name__)


def log_enqueue(*, origin: str, entry: dict[str, Any], ref: str, at: dt.datetime) -> Queued:
    """Insert ``entry`` into the outbox in the caller's transaction; the sequencer appends it after commit."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("log_enqueue must run inside the transaction of the change it records")
    params = [origin, merkle.canonical_json(entry), ref, connection.ops.adapt_datetimefield_value(at)]
    sql = 'INSERT INTO "record_logoutbox" (origin, entry, ref, created_at) VALUES (%s, %s, %s, %s)'
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(sql + " RETURNING id", params)
            outbox_id = int(cursor.fetchone()[0])
        else:
            cursor.execute(sql, params)
            outbox_id = int(cursor.lastrowid)
    if settings.RECORD_SEQUENCE_ON_COMMIT and not any(
        func is _after_commit for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_after_commit, robust=True)
    return Queued(origin, outbox_id)


def _after_commit() -> None:
    sequence_pending(wait=False)


def _lock_key(origin: str) -> int:
    return int.from_bytes(hashlib.sha256(b"sanxiang.sequencer\n" + origin.encode()).digest()[:8], "big", signed=True)


def _acquire(connection: BaseDatabaseWrapper, origin: str, wait: bool) -> bool:
    """The sequencer lock of ``origin``; False when ``wait`` is off and another sequencer holds it.

    PostgreSQL: a session advisory lock — one round trip, also for the committer that finds it
    taken — held across the batch transaction and released after its commit. SQLite: nothing to
    take: the batch's IMMEDIATE transaction holds the database's one write lock.
    """
    if connection.vendor != "postgresql":
        return True
    function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_lock_key(origin)])
        row = cursor.fetchone()
    return wait or bool(row[0])


def _release(connection: BaseDatabaseWrapper, origin: str) -> None:
    if connection.vendor == "postgresql" and connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(origin)])


def _take(connection: BaseDatabaseWrapper, origin: str, limit: int) -> list[tuple[int, bytes, str]]:
    """Remove and return up to ``limit`` committed outbox rows of ``origin``, in id order (one statement)."""
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "record_logoutbox" WHERE id IN (SELECT id FROM "record_logoutbox" WHERE origin = %s '
            "ORDER BY id LIMIT %s) RETURNING id, entry, ref",
            [origin, limit],
        )
        rows = cursor.fetchall()
    return sorted((int(i), bytes(entry), str(ref or "")) for i, entry, ref in rows)


def _last_ts(connection: BaseDatabaseWrapper, head: _Head) -> int:
    """The ``ts`` of the newest entry (0 for an empty log): sequencing never sets an earlier one."""
    if head.size == 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute('SELECT body FROM "record_logentry" WHERE log_id = %s AND seq = %s', [head.id, head.size - 1])
        row = cursor.fetchone()
    try:
        ts = json.loads(bytes(row[0])).get("ts") if row else None
    except ValueError:
        ts = None
    return ts if isinstance(ts, int) else 0


def sequence_batch(*, origin: str | None = None, limit: int | None = None, wait: bool = True) -> int | None:
    """Append up to ``limit`` committed outbox rows of ``origin`` in one transaction; how many (None: lock busy).

    Entries get ``ts`` = the sequencing time, never earlier than the last entry's (the log's time runs
    forward), ``at`` = the business time, and ``ob`` = the outbox id.
    """
    origin = origin or log_origin()
    limit = limit or int(settings.RECORD_SEQUENCER_BATCH)
    connection = transaction.get_connection()
    if not _acquire(connection, origin, wait):
        return None
    try:
        with transaction.atomic():
            # Read only now, under the lock: what an earlier holder appended is already gone.
            rows = _take(connection, origin, limit)
            if not rows:
                return 0
            head = _lock_head(connection, origin)
            now = max(int(timezone.now().timestamp() * 1000), _last_ts(connection, head))
            items: list[tuple[dict[str, Any], int | None, str | None]] = []
            for outbox_id, raw, ref in rows:
                entry = json.loads(raw)
                entry["at"], entry["ts"], entry["ob"] = entry.get("ts"), now, outbox_id
                items.append((entry, outbox_id, ref or None))
            append_locked(connection, head, origin, items)
    finally:
        _release(connection, origin)
    return len(rows)


def _pending_exists(origin: str) -> bool:
    return LogOutbox.objects.filter(origin=origin).exists()


def sequence_pending(*, origin: str | None = None, wait: bool = True) -> int:
    """Drain the outbox of ``origin``: batches until it is empty; the number of entries appended.

    ``wait=False`` (after a commit): stop as soon as another sequencer holds the lock — it will look
    again after its own commit, so nothing committed is left behind.
    """
    origin = origin or log_origin()
    limit = int(settings.RECORD_SEQUENCER_BATCH)
    total = 0
    while True:
        done = sequence_batch(origin=origin, limit=limit, wait=wait)
        if done is None:
            return total
        total += done
        if done == limit:
            continue  # a full batch: more may wait
        if default_connection.in_atomic_block:
            return total  # inside a caller's transaction nothing new can commit meanwhile
        # Look again after the commit: a committer whose try-lock failed while we held it left its row to us.
        if not _pending_exists(origin):
            return total


@dataclass(frozen=True)
class Pending:
    count: int
    oldest: dt.datetime | None

    def age_seconds(self, now: dt.datetime | None = None) -> float:
        if self.oldest is None:
            return 0.0
        return max(0.0, ((now or timezone.now()) - self.oldest).total_seconds())


def pending(origin: str | None = None) -> Pending:
    """How many entries wait in the outbox of ``origin``, and since when."""
    rows = LogOutbox.objects.filter(origin=origin or log_origin())
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    return Pending(rows.count(), oldest)
