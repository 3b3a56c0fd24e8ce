"""Replaying a recording in the browser: a short-lived, signed grant after the recorded access.

The chain of custody asks for a reason before any byte leaves (``evidence_access``,
a POST). A media player, though, fetches a recording in many GET requests with
``Range`` headers as the viewer seeks. So a recorded "view" of audio or video
returns a player page whose source is a grant: a token signed with the site's
secret naming the evidence item, the user and the access row, valid for
``EVIDENCE_REPLAY_MINUTES``. The ranged GETs are served against it, only to the
same logged-in user, and only while that user may still read the item: every
byte served is covered by one recorded access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from sanxiang.evidence.models import Evidence, EvidenceAccess
from sanxiang.org.models import User

_SALT = "sanxiang.evidence.replay"


@dataclass(frozen=True)
class Grant:
    evidence_id: int
    user_id: int
    access_id: int


def is_replayable(evidence: Evidence) -> bool:
    """Audio and video are replayed in a player page (seekable); other files are sent as they are."""
    return (evidence.media_type or "").split("/")[0] in {"audio", "video"}


def grant_token(access: EvidenceAccess) -> str:
    """The signed grant for the player page of the item ``access`` opened."""
    return signing.dumps({"e": access.evidence_id, "u": access.actor_id, "a": access.pk}, salt=_SALT, compress=False)


def grant_check(token: str, user: User) -> Grant | None:
    """The grant ``token`` carries if it is authentic, unexpired and ``user``'s; None otherwise."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.EVIDENCE_REPLAY_MINUTES * 60)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    try:
        return Grant(int(data["e"]), int(data["u"]), int(data["a"]))
    except (KeyError, TypeError, ValueError):
        return None
