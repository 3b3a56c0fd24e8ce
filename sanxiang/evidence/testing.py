"""Test helpers other apps' tests use: attach a recording to a case step (the audio/video gate needs one)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.utils import timezone

from sanxiang.evidence.actions import evidence_add
from sanxiang.evidence.blobstore import blob_put_stream
from sanxiang.evidence.models import Evidence, EvidenceKind

#: The first bytes of an MP4 file (an ISO-BMFF ``ftyp`` box): what ``evidence_add`` accepts as a recording.
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def attach_recording(case: Any, step: str, actor: Any, kind: str = EvidenceKind.VIDEO) -> Evidence:
    """Store a small distinct file and attach it to ``case`` as the recording of ``step``, by ``actor``."""
    blob = blob_put_stream(io.BytesIO(MP4_HEAD + f"recording {uuid.uuid4()} of {step}".encode()))
    return evidence_add(
        case=case,
        step=step,
        kind=kind,
        blob=blob,
        actor=actor,
        captured_at=timezone.now(),
        captured_by=actor,
        original_name=f"{step}.mp4",
        media_type="video/mp4",
    )
