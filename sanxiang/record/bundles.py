"""Self-contained proof bundles a court expert or the public checks with the standalone verifier.

``sanxiang-inclusion/1``: an entry's leaf hash (and, for those entitled, its
body), its inclusion proof and the signed checkpoint the proof leads to;
``sanxiang-consistency/1``: two signed checkpoints and the proof that the
older tree is a prefix of the newer. ``record/standalone.py`` checks both with
nothing but the log's public key.
"""

from __future__ import annotations

import base64
from typing import Any

from django.http import Http404

from sanxiang.record.checkpoints import cosigned_note
from sanxiang.record.log import log_consistency_proof, log_inclusion_proof, log_origin
from sanxiang.record.models import Checkpoint, LogEntry

INCLUSION_FORMAT = "sanxiang-inclusion/1"
CONSISTENCY_FORMAT = "sanxiang-consistency/1"


def _b64(data: bytes | memoryview) -> str:
    return base64.b64encode(bytes(data)).decode()


def checkpoint_at_or_after(min_size: int, size: int | None = None) -> Checkpoint | None:
    """The checkpoint of ``size`` (404 if none), or the latest one, if it covers ``min_size`` entries."""
    checkpoints = Checkpoint.objects.filter(log__origin=log_origin()).select_related("log")
    if size is not None:
        cp = checkpoints.filter(size=size).first()
        if cp is None:
            raise Http404
    else:
        cp = checkpoints.order_by("-size").first()
    return cp if cp is not None and cp.size >= min_size else None


def inclusion_bundle(seq: int, checkpoint: Checkpoint, *, with_body: bool = False) -> dict[str, Any]:
    entry = LogEntry.objects.filter(log=checkpoint.log, seq=seq).first()
    if entry is None or seq < 0:
        raise Http404
    bundle: dict[str, Any] = {
        "format": INCLUSION_FORMAT,
        "origin": checkpoint.log.origin,
        "seq": seq,
        "leaf_hash": _b64(entry.leaf_hash),
        "size": checkpoint.size,
        "proof": [_b64(h) for h in log_inclusion_proof(checkpoint.log.origin, seq, checkpoint.size)],
        "checkpoint": cosigned_note(checkpoint),
    }
    if with_body:
        bundle["body"] = _b64(entry.body)
    return bundle


def consistency_bundle(old: int, new: int) -> dict[str, Any]:
    checkpoints = Checkpoint.objects.filter(log__origin=log_origin()).select_related("log")
    old_cp = checkpoints.filter(size=old).first()
    new_cp = checkpoints.filter(size=new).first()
    if old_cp is None or new_cp is None:
        raise Http404
    return {
        "format": CONSISTENCY_FORMAT,
        "old": cosigned_note(old_cp),
        "new": cosigned_note(new_cp),
        "proof": [_b64(h) for h in log_consistency_proof(new_cp.log.origin, old, new)],
    }
