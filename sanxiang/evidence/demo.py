"""Demo recordings: a short generated audio file stands in for the body camera's recording of a step.

The demo bureau's seizure must be recorded like a real one (the audio/video
gate enforces RULES.md §3.2), but a demo has no camera: this writes a real,
playable WAV file (a two-second tone, its pitch derived from the case so each
file is distinct) and attaches it as the step's audio recording, saying in its
description that it is generated.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from typing import Any

from django.utils import timezone

from sanxiang.evidence.actions import evidence_add
from sanxiang.evidence.blobstore import blob_put_stream
from sanxiang.evidence.models import Evidence, EvidenceKind

RATE = 8000
SECONDS = 2


def tone_wav(frequency: float) -> bytes:
    """A mono 16-bit WAV file of a sine tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * n / RATE))) for n in range(RATE * SECONDS)
        )
        out.writeframes(frames)
    return buffer.getvalue()


def demo_recording(*, case: Any, step: str, actor: Any, location: str = "") -> Evidence:
    """Attach a generated audio recording to ``case`` as the recording of ``step``."""
    blob = blob_put_stream(io.BytesIO(tone_wav(440 + (case.pk * 37) % 400)))
    return evidence_add(
        case=case,
        step=step,
        kind=EvidenceKind.AUDIO,
        blob=blob,
        actor=actor,
        captured_at=timezone.now(),
        captured_by=actor,
        location=location,
        original_name=f"执法记录仪-{step}.wav",
        media_type="audio/wav",
        description="演示数据：生成的提示音，代替执法记录仪的现场录音",
    )
