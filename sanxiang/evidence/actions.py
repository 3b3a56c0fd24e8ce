"""The writes of the evidence app: adding an evidence item to a case step, and recording each access.

Both append to the record log in the same transaction as their row
(RECORD-LOG.md §4, §7): ``evidence.ingest`` once per stored file (its hash in
clear), ``evidence.add`` per evidence item (case, step, kind and hash in
clear; the personal facts only as a salted commitment), and
``evidence.view``/``download``/``export`` per access, written before any byte
is served.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.access import case_list_for_user, may_write_case
from sanxiang.cases.models import Case
from sanxiang.evidence import blobstore
from sanxiang.evidence.blobstore import StoredBlob
from sanxiang.evidence.models import (
    AccessAction,
    Evidence,
    EvidenceAccess,
    EvidenceKind,
    EvidenceObject,
    access_commit_content,
    evidence_commit_content,
)
from sanxiang.lib import sniff
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.org.models import ADMIN_ROLES, Role, StaffKind, User
from sanxiang.org.permissions import roles_of
from sanxiang.procedures import definitions
from sanxiang.record import context
from sanxiang.record.log import commitment, log_record, new_salt

REASON_MAX = 300

#: No evidence can have been captured before this moment: an earlier time is a typo or a camera clock reset
#: (and year-1 times overflow when converted). Every path that takes a capture time checks it.
CAPTURED_AT_MIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

#: Media-type families an audio or video recording may have (the audio/video gate counts only these).
_AV_FAMILIES = frozenset({"audio", "video"})


def captured_at_problem(value: dt.datetime) -> str | None:
    """Why ``value`` (aware) cannot be a time of capture, or None when it can."""
    if value.year < CAPTURED_AT_MIN.year or value < CAPTURED_AT_MIN:
        return _("The time of capture cannot be before %(day)s.") % {"day": CAPTURED_AT_MIN.date().isoformat()}
    if value > timezone.now() + dt.timedelta(seconds=settings.EVIDENCE_CAPTURE_SKEW_SECONDS):
        return _("The time of capture cannot be in the future.")
    return None


def captured_by_refusal() -> str:
    """The one message for a captured_by that is unknown, inactive or not allowed (no probing of names)."""
    return _("The person named as having captured the evidence cannot be recorded for this case.")


def may_have_captured(person: User, *, actor: User, case: Case) -> bool:
    """True when ``person`` may be recorded as having captured evidence of ``case`` added by ``actor``.

    The actor, a handler of the case, or staff of the case's unit (or a unit below it) who carry recording
    equipment: officers and auxiliaries. Never administrators or the supervisor.
    """
    if not person.is_active:
        return False
    if person.pk == actor.pk:
        return True
    if case.handler_links.filter(user=person).exists():
        return True
    roles = roles_of(person)
    if roles & (ADMIN_ROLES | {Role.SUPERVISOR}):
        return False
    unit = person.unit
    if unit is None or not unit.path.startswith(case.unit.path):
        return False
    return Role.OFFICER in roles or person.staff_kind == StaffKind.AUXILIARY


def step_choices(case: Case) -> list[tuple[str, str]]:
    """The steps (transition codes) of the case's procedure that evidence can be recorded for, with labels."""
    try:
        proc = definitions.get(case.procedure)
    except KeyError:
        return []
    return [(t.code, str(t.label)) for t in proc.transitions]


def _max_length(errors: dict[str, list[str]], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": limit})


_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\Z")


def media_type_valid(value: str) -> bool:
    """True for a plain ``type/subtype`` (parameters after ``;`` are ignored)."""
    return bool(_MEDIA_TYPE.match(value.split(";", 1)[0].strip().lower()))


def _texts(**values: str) -> dict[str, str]:
    """The free-text fields, trimmed; the media type without parameters and lower-cased."""
    texts = {name: value.strip() for name, value in values.items()}
    texts["media_type"] = texts["media_type"].split(";", 1)[0].strip().lower()
    return texts


def _field_errors(
    *, case: Case, step: str, kind: str, captured_at: Any, captured_by: User, actor: User, texts: dict[str, str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if step not in {code for code, _label in step_choices(case)}:
        errors["step"] = [_("The procedure of this case has no step “%(s)s”.") % {"s": step}]
    if kind not in EvidenceKind.values:
        errors["kind"] = [_("Choose a kind of evidence.")]
    if not isinstance(captured_at, dt.datetime) or timezone.is_naive(captured_at):
        errors["captured_at"] = [_("Give the date and time of capture.")]
    elif (problem := captured_at_problem(captured_at)) is not None:
        errors["captured_at"] = [problem]
    if not captured_by.is_active:
        errors["captured_by"] = [_("The person who captured the evidence has no active account.")]
    elif not may_have_captured(captured_by, actor=actor, case=case):
        errors["captured_by"] = [captured_by_refusal()]
    for field, value in texts.items():
        if "\x00" in value:
            errors.setdefault(field, []).append(_("The text contains a NUL character."))
    for field, limit in (("original_name", 255), ("media_type", 100), ("device_serial", 64), ("location", 200)):
        _max_length(errors, field, texts[field], limit)
    if texts["media_type"] and not _MEDIA_TYPE.match(texts["media_type"]):
        errors.setdefault("media_type", []).append(_("Not a media type (e.g. image/jpeg)."))
    elif kind in (EvidenceKind.AUDIO, EvidenceKind.VIDEO) and texts["media_type"].split("/", 1)[0] not in _AV_FAMILIES:
        errors.setdefault("kind", []).append(
            _("An audio or video recording must have an audio/… or video/… media type.")
        )
    return errors


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("The evidence cannot be added: correct the fields marked."), errors)


def evidence_precheck(
    *,
    case: Case,
    step: str,
    kind: str,
    actor: User,
    captured_at: dt.datetime,
    captured_by: User | None = None,
    device_serial: str = "",
    location: str = "",
    original_name: str = "",
    media_type: str = "",
    description: str = "",
) -> None:
    """Run every check of ``evidence_add`` that does not need the file, before its bytes are stored.

    Upload paths call it first, so a refused item leaves no stray object in the store.
    """
    if not may_write_case(actor, case):
        raise AccessDenied(_("You may not add evidence to this case."))
    texts = _texts(
        original_name=original_name,
        media_type=media_type,
        device_serial=device_serial,
        location=location,
        description=description,
    )
    errors = _field_errors(
        case=case,
        step=step,
        kind=kind,
        captured_at=captured_at,
        captured_by=captured_by or actor,
        actor=actor,
        texts=texts,
    )
    _refuse(errors)


def _ingest(blob: StoredBlob, media_type: str, actor: User) -> EvidenceObject:
    """The object row of ``blob``, created with its ``evidence.ingest`` entry the first time it is used."""
    existing = EvidenceObject.objects.filter(pk=blob.sha256).first()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first ingest takes the log entry with it
                data: dict[str, Any] = {"sha256": blob.sha256, "size": blob.size, "media_type": media_type}
                if blob.sm3:
                    data["sm3"] = blob.sm3
                obj = EvidenceObject(sha256=blob.sha256, sm3=blob.sm3, size=blob.size, media_type=media_type)
                log_record(
                    "evidence.ingest",
                    actor=actor,
                    ref=f"{EvidenceObject._meta.label_lower}:{blob.sha256}",
                    data=data,
                    row=obj,
                )
                return obj
        except IntegrityError:
            existing = EvidenceObject.objects.get(pk=blob.sha256)
    if existing.size != blob.size:
        raise ValidationFailed(
            _("The file does not match the stored object with the same hash."),
            {"file": [_("The file does not match the stored object with the same hash.")]},
        )
    return existing


def _not_a_recording(blob: StoredBlob) -> str | None:
    """Why the file cannot be an audio/video recording (its first bytes say photo, PDF, archive, text), or None.

    A recording satisfies the recording gate (RULES.md §13.17); a file merely labelled
    video/mp4 must not. Unrecognised binary formats pass (``lib.sniff``).
    """
    if blob.size == 0:
        return _("The file is empty.")
    head = b"".join(blobstore.blob_read_range(blob.sha256, 0, min(blob.size, sniff.HEAD_BYTES) - 1))
    found = sniff.sniff(head)
    if found.family in {"", "av"}:
        return None
    return _("The file is not an audio or video recording: its content is a %(what)s.") % {"what": found.name}


def evidence_add(
    *,
    case: Case,
    step: str,
    kind: str,
    blob: StoredBlob,
    actor: User,
    captured_at: dt.datetime,
    captured_by: User | None = None,
    device_serial: str = "",
    location: str = "",
    original_name: str = "",
    media_type: str = "",
    description: str = "",
) -> Evidence:
    """Record the stored file ``blob`` as evidence of ``step`` of ``case``.

    Refuses (``AccessDenied``) an actor who may not write the case, and
    (``ValidationFailed``) an unknown step or kind, a capture time in the
    future (beyond ``SANXIANG_EVIDENCE_CAPTURE_SKEW_SECONDS``), or a blob that
    is not in the store. Logs ``evidence.ingest`` the first time the file is
    used and ``evidence.add`` always, in one transaction with the rows.
    """
    if not may_write_case(actor, case):
        raise AccessDenied(_("You may not add evidence to this case."))
    captured_by = captured_by or actor
    texts = _texts(
        original_name=original_name,
        media_type=media_type,
        device_serial=device_serial,
        location=location,
        description=description,
    )
    errors = _field_errors(
        case=case, step=step, kind=kind, captured_at=captured_at, captured_by=captured_by, actor=actor, texts=texts
    )
    if not blobstore.blob_exists(blob.sha256):
        errors["file"] = [_("The file is not in the evidence store.")]
    elif blobstore.blob_size(blob.sha256) != blob.size:
        errors["file"] = [_("The stored file does not have the size given.")]
    elif kind in (EvidenceKind.AUDIO, EvidenceKind.VIDEO) and (problem := _not_a_recording(blob)):
        errors["file"] = [problem]
    _refuse(errors)
    with transaction.atomic():
        obj = _ingest(blob, texts["media_type"], actor)
        ev = Evidence(
            case=case,
            step=step,
            kind=kind,
            object=obj,
            captured_at=captured_at,
            captured_by=captured_by,
            added_by=actor,
            added_at=timezone.now(),
            log_salt=new_salt(),
            **texts,
        )
        # log_record inserts the row once, complete, with its entry (the table refuses updates);
        # verify finds the row by its ``log_seq`` (direct mode) or the entry's ``ref`` (outbox mode).
        log_record(
            "evidence.add",
            actor=actor,
            case_id=case.pk,
            data={"sha256": obj.sha256, "size": obj.size, "kind": kind, "step": step},
            digest=commitment(bytes(ev.log_salt), evidence_commit_content(ev)),
            at=ev.added_at,
            row=ev,
        )
    return ev


def may_read_evidence(user: Any, evidence: Evidence) -> bool:
    """True when ``user`` may read the case the evidence belongs to."""
    return case_list_for_user(user).filter(pk=evidence.case_id).exists()


def evidence_access(*, evidence: Evidence, actor: User, action: str, reason: str) -> EvidenceAccess:
    """Record that ``actor`` views, downloads or exports ``evidence``, and why; call it BEFORE serving bytes.

    The log entry is appended in this transaction; a view commits it (and so
    makes it durable) before it streams the file, so a failed append means
    nothing is served (fail-closed, RECORD-LOG.md §4).
    """
    if not may_read_evidence(actor, evidence):
        raise AccessDenied(_("You may not open this evidence."))
    reason = " ".join(reason.split())
    errors: dict[str, list[str]] = {}
    if action not in AccessAction.values:
        errors["action"] = [_("Unknown kind of access.")]
    if not reason:
        errors["reason"] = [_("Give the reason for opening the evidence.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("At most %(n)d characters.") % {"n": REASON_MAX}]
    if errors:
        raise ValidationFailed(_("The evidence cannot be opened: correct the fields marked."), errors)
    with transaction.atomic():
        access = EvidenceAccess(
            evidence=evidence,
            actor=actor,
            action=action,
            reason=reason,
            ip=context.current().ip,
            at=timezone.now(),
            log_salt=new_salt(),
        )
        log_record(
            f"evidence.{action}",
            actor=actor,
            case_id=evidence.case_id,
            data={"sha256": evidence.object_id, "evidence": evidence.pk},
            digest=commitment(bytes(access.log_salt), access_commit_content(access)),
            at=access.at,
            row=access,
        )
    return access
