"""Public JSON endpoints of the record log (RECORD-LOG.md §4 "Receipt", §6): anyone may check the log.

Only what a verifier needs leaves the platform: checkpoints (origin, size, root,
signatures), the public key, and proofs made of hashes. Entry bodies never do.
Proofs are served up to the latest signed checkpoint only: a proof against an
unsigned tree proves nothing to an outsider.

* ``GET /api/v1/log/key`` — the log's origin and verifier key, and the witnesses' keys;
* ``GET /api/v1/log/checkpoint`` — the latest checkpoint (note with cosignatures);
* ``GET /api/v1/log/checkpoints/{size}`` — the checkpoint of that size;
* ``GET /api/v1/log/inclusion?seq=&size=`` — an inclusion bundle (``sanxiang-inclusion/1``);
* ``GET /api/v1/log/consistency?old=&new=`` — a consistency bundle (``sanxiang-consistency/1``).
"""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from sanxiang.api_types import ErrorOut
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.record import bundles
from sanxiang.record.checkpoints import configured_witnesses, cosigned_note
from sanxiang.record.log import log_origin
from sanxiang.record.models import Checkpoint
from sanxiang.record.trust import log_verifier

router = Router(auth=None, tags=["record log"])


class KeyOut(Schema):
    origin: str
    key: str
    witnesses: list[str]


class CheckpointOut(Schema):
    origin: str
    size: int
    root: str
    note: str


class InclusionOut(Schema):
    format: str
    origin: str
    seq: int
    leaf_hash: str
    size: int
    proof: list[str]
    checkpoint: str


class ConsistencyOut(Schema):
    format: str
    old: str
    new: str
    proof: list[str]


def _checkpoint_out(cp: Checkpoint) -> CheckpointOut:
    return CheckpointOut(
        origin=cp.log.origin, size=cp.size, root=base64.b64encode(bytes(cp.root)).decode(), note=cosigned_note(cp)
    )


def _checkpoints() -> list[Checkpoint]:
    return list(Checkpoint.objects.filter(log__origin=log_origin()).select_related("log").order_by("size"))


@router.get("/key", operation_id="log_key", response={200: KeyOut}, summary="The log's verifier key")
def log_key(request: HttpRequest) -> KeyOut:
    return KeyOut(
        origin=log_origin(), key=log_verifier().vkey(), witnesses=[w.verifier.vkey() for w in configured_witnesses()]
    )


@router.get(
    "/checkpoint",
    operation_id="log_checkpoint",
    response={200: CheckpointOut, 404: ErrorOut},
    summary="The latest checkpoint",
)
def latest_checkpoint(request: HttpRequest) -> CheckpointOut:
    cp = Checkpoint.objects.filter(log__origin=log_origin()).select_related("log").order_by("-size").first()
    if cp is None:
        raise Http404
    return _checkpoint_out(cp)


@router.get(
    "/checkpoints/{size}",
    operation_id="log_checkpoint_by_size",
    response={200: CheckpointOut, 404: ErrorOut, 422: ErrorOut},
    summary="A checkpoint by size",
)
def checkpoint_by_size(request: HttpRequest, size: int) -> CheckpointOut:
    cp = Checkpoint.objects.filter(log__origin=log_origin(), size=size).select_related("log").first()
    if cp is None:
        raise Http404
    return _checkpoint_out(cp)


@router.get(
    "/inclusion",
    operation_id="log_inclusion",
    response={200: InclusionOut, 404: ErrorOut, 422: ErrorOut},
    summary="An inclusion proof",
)
def inclusion(request: HttpRequest, seq: int, size: int | None = None) -> InclusionOut:
    cp = bundles.checkpoint_at_or_after(seq + 1, size)
    if cp is None:
        raise ValidationFailed(
            _("No signed checkpoint covers entry %(seq)d yet; try again after the next checkpoint.") % {"seq": seq},
            {"seq": [_("Not yet in a signed checkpoint.")]},
        )
    return InclusionOut(**bundles.inclusion_bundle(seq, cp))


@router.get(
    "/consistency",
    operation_id="log_consistency",
    response={200: ConsistencyOut, 404: ErrorOut, 422: ErrorOut},
    summary="A consistency proof between two checkpoints",
)
def consistency(request: HttpRequest, old: int, new: int) -> ConsistencyOut:
    if not 0 < old <= new:
        raise ValidationFailed(
            _("The older size must be at least 1 and at most the newer size."),
            {"old": [_("Give a size between 1 and the newer size.")]},
        )
    return ConsistencyOut(**bundles.consistency_bundle(old, new))
