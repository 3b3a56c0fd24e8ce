"""Making checkpoints and sending them to witnesses (RECORD-LOG.md §5–6).

``checkpoint_make`` asks the signer to sign the current tree (with the
consistency proof from the last tree the signer signed), stores the note, and
then pushes it to every configured witness with the proof from that witness's
last cosigned size, keeping the cosignatures it gets back. A witness that is
down or refuses is reported, never silently skipped; ``verify`` counts the
cosignatures.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from sanxiang.record import merkle, note
from sanxiang.record.log import log_consistency_proof, log_origin
from sanxiang.record.models import Checkpoint, Cosignature, LogHead
from sanxiang.record.signer import LogSigner

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WitnessConfig:
    """One witness from ``SANXIANG_WITNESSES``: its URL and cosignature verifier key."""

    url: str
    verifier: note.Verifier

    @property
    def name(self) -> str:
        return self.verifier.name


def configured_witnesses() -> list[WitnessConfig]:
    """Parse ``settings.RECORD_WITNESSES`` ("<url> <vkey>" items)."""
    out = []
    for item in settings.RECORD_WITNESSES:
        url, _, vkey = item.strip().partition(" ")
        out.append(WitnessConfig(url.strip(), note.Verifier.parse(vkey.strip())))
    return out


@dataclass
class CheckpointResult:
    checkpoint: Checkpoint | None
    created: bool
    cosigned_by: list[str] = field(default_factory=list)
    witness_errors: list[str] = field(default_factory=list)


SM3_EXTENSION = "sm3 "


def sm3_root_of(checkpoint: note.Checkpoint) -> bytes | None:
    """The SM3 root a checkpoint carries in its ``sm3 <base64>`` extension line, if any."""
    for line in checkpoint.extensions:
        if line.startswith(SM3_EXTENSION):
            return base64.b64decode(line[len(SM3_EXTENSION) :])
    return None


def _sign_current(signer: LogSigner) -> tuple[Checkpoint | None, bool]:
    origin = log_origin()
    with transaction.atomic():
        head = LogHead.objects.filter(origin=origin).first()  # one row read: size and both frontiers agree
        if head is None or head.size == 0:
            return None, False
        size = head.size
        root = merkle.Frontier.from_bytes(size, bytes(head.frontier)).root()
        extensions: tuple[str, ...] = ()
        root_sm3: bytes | None = None
        if head.sm3:
            root_sm3 = merkle.Frontier.from_bytes(size, bytes(head.frontier_sm3), algorithm=merkle.SM3).root()
            extensions = (SM3_EXTENSION + base64.b64encode(root_sm3).decode(),)
        latest = Checkpoint.objects.filter(log=head).order_by("-size").first()
        if latest is not None and latest.size == size:
            return latest, False
        last = signer.last_signed(origin)
        extends = last is not None and 0 < last[0] <= size
        proof = log_consistency_proof(origin, last[0], size) if last is not None and extends else []
        proof_sm3 = (
            log_consistency_proof(origin, last[0], size, sm3=True) if last is not None and extends and head.sm3 else []
        )
        signed = signer.sign(
            note.Checkpoint(origin, size, root, extensions), proof, root_sm3=root_sm3, proof_sm3=proof_sm3
        )
        return Checkpoint.objects.create(log=head, size=size, root=root, note=signed), True


def _push(checkpoint: Checkpoint, witness: WitnessConfig) -> None:
    from sanxiang.record.witness_client import WitnessConflict, push_checkpoint

    origin = checkpoint.log.origin
    last = (
        Cosignature.objects.filter(checkpoint__log=checkpoint.log, witness=witness.name).aggregate(
            size=Max("checkpoint__size")
        )["size"]
        or 0
    )
    attempts = 0
    while True:
        proof = log_consistency_proof(origin, last, checkpoint.size) if 0 < last < checkpoint.size else []
        try:
            signatures = push_checkpoint(witness.url, checkpoint.note, last, proof)
            break
        except WitnessConflict as conflict:
            attempts += 1
            if attempts > 1 or conflict.size > checkpoint.size:
                raise
            last = conflict.size  # the witness knows a later state than our records: prove from there
    text = checkpoint.note[: checkpoint.note.rfind("\n\n") + 1]
    for sig in signatures:
        if sig.name != witness.name:
            continue
        opened, verified = note.open_note(text + "\n" + sig.line(), [witness.verifier])
        if verified:
            Cosignature.objects.get_or_create(
                checkpoint=checkpoint, witness=witness.name, defaults={"line": sig.line()}
            )


def checkpoint_make(signer: LogSigner | None = None) -> CheckpointResult:
    """Sign the current tree if it grew since the last checkpoint, then collect witness cosignatures.

    What waits in the outbox (outbox mode) is sequenced first: the checkpoint covers every committed write.
    """
    from sanxiang.record.sequencer import sequence_pending

    sequence_pending()
    signer = signer or LogSigner.from_settings()
    checkpoint, created = _sign_current(signer)
    result = CheckpointResult(checkpoint, created)
    if checkpoint is None:
        return result
    for witness in configured_witnesses():
        if Cosignature.objects.filter(checkpoint=checkpoint, witness=witness.name).exists():
            result.cosigned_by.append(witness.name)
            continue
        try:
            _push(checkpoint, witness)
        except Exception as exc:
            logger.warning("witness %s did not cosign checkpoint %s: %s", witness.name, checkpoint.size, exc)
            result.witness_errors.append(f"{witness.name}: {exc}")
        else:
            if Cosignature.objects.filter(checkpoint=checkpoint, witness=witness.name).exists():
                result.cosigned_by.append(witness.name)
            else:
                result.witness_errors.append(f"{witness.name}: no valid cosignature in the answer")
    return result


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's note with its witnesses' cosignature lines appended."""
    return checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.order_by("witness"))
