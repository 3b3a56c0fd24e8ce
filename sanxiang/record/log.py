"""The database-backed Merkle log (RECORD-LOG.md §2, §4): appends inside the caller's transaction, and proofs.

``log_append`` is the simple append path of RECORD-LOG.md §4: lock the head,
take ``seq = size``, hash the canonical entry, update the frontier, insert the
entry and the perfect-subtree nodes it completed, bump the size. A rolled-back
caller takes its entry with it, so sequence numbers have no gap. Proofs read
O(log n) stored nodes through ``merkle``'s ``subtree_hash`` contract.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from sanxiang.record import context, merkle
from sanxiang.record.models import LogEntry, LogHead, LogNode


@dataclass(frozen=True)
class Receipt:
    """What an append returns: where the entry is and what was hashed."""

    origin: str
    seq: int
    leaf_hash: bytes


@dataclass(frozen=True)
class Queued:
    """What ``log_record`` returns in outbox mode: the outbox row the entry waits in (its ``ob`` to be)."""

    origin: str
    outbox: int


@dataclass(frozen=True)
class _Head:
    id: int
    size: int
    frontier: bytes
    sm3: bool
    frontier_sm3: bytes


def _lock_head(connection: BaseDatabaseWrapper, origin: str) -> _Head:
    """Lock the head row of ``origin`` (creating it on first use, with the SM3 tree when the setting asks)."""
    sql = 'SELECT id, size, frontier, sm3, frontier_sm3 FROM "record_loghead" WHERE origin = %s'
    if connection.features.has_select_for_update:  # SQLite needs none: IMMEDIATE transactions lock at BEGIN
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [origin])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    # The parallel SM3 tree can only start with the first entry (RECORD-LOG.md §3).
                    LogHead.objects.create(origin=origin, sm3=bool(settings.RECORD_LOG_SM3))
            except IntegrityError:
                pass  # a concurrent first append created it
            cursor.execute(sql, [origin])
            row = cursor.fetchone()
    return _Head(int(row[0]), int(row[1]), bytes(row[2]), bool(row[3]), bytes(row[4]))


def log_append(*, origin: str, entry: dict[str, Any]) -> Receipt:
    """Append ``entry`` (JSON values, no floats) to the log ``origin``; must run inside a transaction.

    The stored body is ``canonical_json`` of the entry with ``log`` and ``seq``
    added, so an exported entry names its own place in the tree. A log begun
    with ``SANXIANG_LOG_SM3`` on keeps a parallel SM3 tree over the same bodies
    (its leaf, node and frontier hashes beside the SHA-256 ones).

    Plain SQL on one cursor rather than the ORM: every audited request and case
    step pays for this path, and four statements (lock the head, insert the
    entry, insert the completed nodes, update the head) cost a fraction of the
    ORM's model machinery (``python -m bench log`` measures it against plain inserts).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("log_append must run inside the transaction of the change it records")
    head = _lock_head(connection, origin)
    seq, leaf = append_locked(connection, head, origin, [(entry, None, None)])[0]
    return Receipt(origin, seq, leaf)


def append_locked(
    connection: BaseDatabaseWrapper,
    head: _Head,
    origin: str,
    items: list[tuple[dict[str, Any], int | None, str | None]],
) -> list[tuple[int, bytes]]:
    """Append ``items`` (entry, outbox id, ref) after the locked ``head``: entries, completed nodes, new head.

    The caller holds the head lock (``_lock_head``) in its transaction. The
    outbox id and ref go to the lookup columns of the entry (the sequencer's
    entries); returns (seq, leaf hash) per item.
    """
    frontier = merkle.Frontier.from_bytes(head.size, head.frontier)
    tree_sm3 = merkle.Frontier.from_bytes(head.size, head.frontier_sm3, algorithm=merkle.SM3) if head.sm3 else None
    entry_rows: list[Any] = []
    node_rows: list[Any] = []
    out: list[tuple[int, bytes]] = []
    for entry, outbox, ref in items:
        seq = frontier.size
        body = merkle.canonical_json({**entry, "log": origin, "seq": seq})
        leaf = merkle.leaf_hash(body)
        completed = frontier.append(leaf)
        leaf_sm3: bytes | None = None
        completed_sm3: list[merkle.Subtree] = []
        if tree_sm3 is not None:
            leaf_sm3 = merkle.leaf_hash(body, algorithm=merkle.SM3)
            completed_sm3 = tree_sm3.append(leaf_sm3)  # the same (level, idx) positions as the SHA-256 tree
        entry_rows += [head.id, seq, body, leaf, leaf_sm3, outbox, ref]
        for n, node in enumerate(completed):
            node_rows += [head.id, node.level, node.idx, node.hash, completed_sm3[n].hash if tree_sm3 else None]
        out.append((seq, leaf))
    with connection.cursor() as cursor:
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(items))
        cursor.execute(
            'INSERT INTO "record_logentry" (log_id, seq, body, leaf_hash, leaf_sm3, outbox, ref) VALUES '  # noqa: S608
            + values,
            entry_rows,
        )
        if node_rows:
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * (len(node_rows) // 5))
            sql = 'INSERT INTO "record_lognode" (log_id, level, idx, hash, hash_sm3) VALUES ' + values  # noqa: S608
            cursor.execute(sql, node_rows)
        cursor.execute(
            'UPDATE "record_loghead" SET size = %s, frontier = %s, frontier_sm3 = %s WHERE id = %s',
            [frontier.size, frontier.to_bytes(), tree_sm3.to_bytes() if tree_sm3 else b"", head.id],
        )
    return out


def log_root_sm3(origin: str) -> bytes | None:
    """The current root of the parallel SM3 tree, or None when the log keeps none."""
    head = _head(origin)
    if not head.sm3:
        return None
    return merkle.Frontier.from_bytes(head.size, bytes(head.frontier_sm3), algorithm=merkle.SM3).root()


def _subtree_hash(head: LogHead, *, sm3: bool = False) -> merkle.SubtreeHashFn:
    """Perfect subtree hashes from the stored leaves (level 0) and nodes (level ≥ 1), of either tree."""
    leaf_column, node_column = ("leaf_sm3", "hash_sm3") if sm3 else ("leaf_hash", "hash")

    def subtree_hash(start: int, end: int) -> bytes:
        width = end - start
        level = width.bit_length() - 1
        if width == 1:
            value = LogEntry.objects.values_list(leaf_column, flat=True).get(log=head, seq=start)
        else:
            value = LogNode.objects.values_list(node_column, flat=True).get(log=head, level=level, idx=start >> level)
        if value is None:
            raise ValueError("the log keeps no SM3 tree")
        return bytes(value)

    return subtree_hash


def _head(origin: str) -> LogHead:
    return LogHead.objects.get(origin=origin)


def log_root(origin: str, size: int | None = None) -> tuple[int, bytes]:
    """The tree size and root of ``origin`` now, or of its first ``size`` leaves."""
    head = _head(origin)
    size = head.size if size is None else size
    if not 0 <= size <= head.size:
        raise ValueError(f"the log has {head.size} entries, not {size}")
    if size == head.size:
        return size, merkle.Frontier.from_bytes(head.size, bytes(head.frontier)).root()
    # The root of a prefix folds its perfect subtrees (the binary digits of size).
    lookup = _subtree_hash(head)
    hashes, start = [], 0
    for bit in reversed(range(size.bit_length())):
        if size >> bit & 1:
            hashes.append(lookup(start, start + (1 << bit)))
            start += 1 << bit
    return size, merkle.Frontier.from_hashes(size, hashes).root()


def log_inclusion_proof(origin: str, seq: int, size: int) -> list[bytes]:
    """The audit path of entry ``seq`` in the tree of ``size`` leaves (RFC 9162 §2.1.3)."""
    head = _head(origin)
    if size > head.size:
        raise ValueError(f"the log has {head.size} entries, not {size}")
    return merkle.inclusion_proof(seq, size, subtree_hash=_subtree_hash(head))


def log_consistency_proof(origin: str, old_size: int, new_size: int, *, sm3: bool = False) -> list[bytes]:
    """The proof that the tree of ``old_size`` is a prefix of the tree of ``new_size`` (RFC 9162 §2.1.4).

    ``sm3``: the proof in the parallel SM3 tree (for the signer's check of the SM3 root).
    """
    head = _head(origin)
    if new_size > head.size:
        raise ValueError(f"the log has {head.size} entries, not {new_size}")
    algorithm = merkle.SM3 if sm3 else merkle.SHA256
    return merkle.consistency_proof(old_size, new_size, subtree_hash=_subtree_hash(head, sm3=sm3), algorithm=algorithm)


# --- Records: what the platform appends -------------------------------------------------

ENTRY_VERSION = 1


def log_origin() -> str:
    """The origin (name) of this deployment's record log, from settings (``SANXIANG_LOG_ORIGIN``)."""
    return str(settings.RECORD_LOG_ORIGIN)


def new_salt() -> bytes:
    """A fresh 16-byte salt for a commitment; the source row keeps it, never the log."""
    return secrets.token_bytes(16)


def commitment(salt: bytes | memoryview, content: Mapping[str, Any]) -> str:
    """``sha256(salt || canonical_json(content))`` in hex: what the log holds of personal data.

    RECORD-LOG.md §2: the log carries a salted commitment to a row's content
    rather than the content, so the row can later be checked against the log
    (``verify`` recomputes it) while the log itself discloses nothing, and a
    lawful erasure of the salt and the row leaves the tree intact.
    """
    return hashlib.sha256(bytes(salt) + merkle.canonical_json(dict(content))).hexdigest()


def _actor(actor: Any) -> dict[str, Any] | None:
    if actor is None or not getattr(actor, "pk", None):
        return None
    return {"uid": int(actor.pk), "name": str(getattr(actor, "username", ""))}


def log_mode() -> str:
    """``direct`` or ``outbox`` (``SANXIANG_LOG_MODE``)."""
    return str(settings.RECORD_LOG_MODE)


def log_record(
    kind: str,
    *,
    actor: Any = None,
    case_id: int | None = None,
    ref: str = "",
    data: Mapping[str, Any] | None = None,
    digest: str = "",
    at: dt.datetime | None = None,
    row: Any = None,
) -> Receipt | Queued:
    """Record one entry of ``kind`` in this deployment's log, inside the caller's transaction.

    - ``kind``: what happened, dotted (``case.event``, ``audit``, ``evidence.ingest``, ``evidence.view``…);
    - ``actor``: the acting user (id and login name are logged) or None;
    - ``case_id``: the case concerned, if any;
    - ``ref``: the source row, ``"<app_label.model>:<pk>"``; ``verify`` looks it up;
    - ``data``: public, non-personal facts logged in clear (a file's SHA-256, a size, a step code);
    - ``digest``: a ``commitment()`` to the source row's content (personal data stays out of the log);
    - ``row``: the unsaved source row the entry vouches for; it is inserted here, once, complete.

    Every entry also carries the time (``ts``, ms since the epoch) and the request id and channel.

    ``SANXIANG_LOG_MODE=direct`` (or a kind in ``SANXIANG_LOG_SYNC_KINDS``): the entry is appended
    now, under the head lock, and the row is inserted with its ``log_seq``. ``outbox``: the row is
    inserted first (``log_seq`` stays empty) and the entry, naming the row by ``ref``, waits in the
    outbox for the sequencer (``record.sequencer``), which runs as soon as this transaction commits;
    ``ts`` then becomes the sequencing time and the business time moves to ``at``.
    """
    ctx = context.current()
    at = at or timezone.now()
    entry: dict[str, Any] = {
        "v": ENTRY_VERSION,
        "kind": kind,
        "ts": int(at.timestamp() * 1000),
        "actor": _actor(actor),
        "req": ctx.request_id,
        "ch": ctx.channel,
    }
    if case_id is not None:
        entry["case"] = int(case_id)
    if data:
        entry["data"] = dict(data)
    if digest:
        entry["digest"] = digest
    # A savepoint when a row goes with the entry: a failed row insert takes its entry with it.
    with transaction.atomic() if row is not None else contextlib.nullcontext():
        if log_mode() == "direct" or kind in settings.RECORD_LOG_SYNC_KINDS:
            if ref:
                entry["ref"] = ref
            receipt = log_append(origin=log_origin(), entry=entry)
            if row is not None:
                row.log_seq = receipt.seq
                row.save(force_insert=True)
            return receipt
        if row is not None:
            row.save(force_insert=True)
            ref = source_ref(row)
        if ref:
            entry["ref"] = ref
        from sanxiang.record.sequencer import log_enqueue

        return log_enqueue(origin=log_origin(), entry=entry, ref=ref, at=at)


def entry_seq(row: Any) -> int | None:
    """The seq of the entry that vouches for ``row``: its ``log_seq``, or (outbox mode) the sequenced entry naming it.

    None while the row's entry still waits in the outbox.
    """
    seq = getattr(row, "log_seq", None)
    if seq is not None:
        return int(seq)
    found = LogEntry.objects.filter(log__origin=log_origin(), ref=source_ref(row)).values_list("seq", flat=True)
    first = found.first()
    return int(first) if first is not None else None


def source_ref(obj: Any) -> str:
    """The ``ref`` of a model instance: ``"<app_label.model_name>:<pk>"``."""
    return f"{obj._meta.label_lower}:{obj.pk}"
