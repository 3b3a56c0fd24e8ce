"""The writes of the tus endpoint: create an upload, append a chunk, finish it as evidence, cancel, prune.

``upload_append`` is deliberately not one transaction: holding a database
transaction open while gigabytes arrive would block every other writer (on
SQLite the whole database). Instead it

1. locks the partial file (``flock``; a second writer is refused with 423),
2. checks and claims the row in a short ``select_for_update`` transaction,
3. cuts the file back to the recorded offset (bytes past it were never
   acknowledged), streams the body in 1 MiB pieces while hashing,
4. fsyncs, then moves the offset forward in a second short transaction,
   so the stored offset never exceeds the bytes durably on disk;
5. on the last byte, stores the file in the evidence store (a link, no
   re-read) and adds the evidence item, in one transaction with the row.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sanxiang.cases.access import case_get_for_user
from sanxiang.cases.models import Case
from sanxiang.evidence.actions import (
    CAPTURED_AT_MIN,
    captured_by_refusal,
    evidence_add,
    evidence_precheck,
    step_choices,
)
from sanxiang.evidence.blobstore import (
    STAGING_PREFIX,
    STAGING_SUFFIX,
    StoredBlob,
    StoreUnavailable,
    blob_put_path,
    staging_dir,
)
from sanxiang.evidence.models import EvidenceKind
from sanxiang.lib.exceptions import AccessDenied, DomainError, GateRefused, ValidationFailed
from sanxiang.org.models import User
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome
from sanxiang.uploads import partial
from sanxiang.uploads.models import Upload, UploadStatus
from sanxiang.uploads.protocol import CHECKSUM_MISMATCH, Checksum, TusError
from sanxiang.uploads.selectors import upload_get_for_user

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_CASE_ID = re.compile(r"[0-9]{1,18}")
_TEXT_LIMITS = {"filename": 255, "filetype": 100, "device_serial": 64, "location": 200, "description": 2000}
#: Media-type families that name the kind of evidence when the sender does not.
_KIND_BY_FAMILY = {"image": EvidenceKind.PHOTO, "audio": EvidenceKind.AUDIO, "video": EvidenceKind.VIDEO}


# --- creation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where the finished file goes, checked at creation so that a sender learns before sending gigabytes."""

    case: Case
    step: str
    kind: str
    captured_at: dt.datetime
    captured_by: User
    announced_sha256: str


def _required(metadata: dict[str, str | None], key: str) -> str:
    value = (metadata.get(key) or "").strip()
    if not value:
        raise TusError(400, _("Upload-Metadata must give %(key)s.") % {"key": key})
    return value


def _target_case(actor: User, metadata: dict[str, str | None]) -> Case:
    raw = _required(metadata, "case")
    try:
        return case_get_for_user(actor, int(raw) if _CASE_ID.fullmatch(raw) else -1, need_write=True)
    except Http404:
        raise TusError(404, _("There is no case %(case)s that you may add evidence to.") % {"case": raw}) from None


def _target_kind(metadata: dict[str, str | None]) -> str:
    kind = (metadata.get("kind") or "").strip()
    if not kind:
        family = (metadata.get("filetype") or "").split("/", 1)[0].strip().lower()
        kind = _KIND_BY_FAMILY.get(family, "")
    if kind not in EvidenceKind.values:
        raise TusError(
            400, _("Upload-Metadata kind must be one of: %(kinds)s.") % {"kinds": ", ".join(EvidenceKind.values)}
        )
    return kind


def _target_time(metadata: dict[str, str | None]) -> dt.datetime:
    raw = _required(metadata, "captured_at")
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise TusError(400, _("Upload-Metadata captured_at must be an ISO 8601 date and time."))
    if value.year < CAPTURED_AT_MIN.year:  # before making it aware: year 1 would overflow
        raise TusError(
            400, _("The time of capture cannot be before %(day)s.") % {"day": CAPTURED_AT_MIN.date().isoformat()}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value < CAPTURED_AT_MIN:
        raise TusError(
            400, _("The time of capture cannot be before %(day)s.") % {"day": CAPTURED_AT_MIN.date().isoformat()}
        )
    if value > timezone.now() + dt.timedelta(seconds=settings.EVIDENCE_CAPTURE_SKEW_SECONDS):
        raise TusError(400, _("The time of capture cannot be in the future."))
    return value


def _target_person(actor: User, metadata: dict[str, str | None]) -> User:
    username = (metadata.get("captured_by") or "").strip()
    if not username:
        return actor
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:  # the same answer as for a person who may not be named (no probing of user names)
        raise ValidationFailed(
            _("The evidence cannot be added: correct the fields marked."), {"captured_by": [captured_by_refusal()]}
        )
    return person


def _check_texts(metadata: dict[str, str | None]) -> None:
    for key, value in metadata.items():
        if "\x00" in key or "\x00" in (value or ""):
            raise TusError(
                400, _("Upload-Metadata %(key)s contains a NUL character.") % {"key": key.replace("\x00", "")}
            )
    for key, limit in _TEXT_LIMITS.items():
        if len(metadata.get(key) or "") > limit:
            raise TusError(
                400, _("Upload-Metadata %(key)s is longer than %(n)d characters.") % {"key": key, "n": limit}
            )
    sha = (metadata.get("sha256") or "").strip()
    if sha and not _HEX64.match(sha):
        raise TusError(400, _("Upload-Metadata sha256 must be 64 hexadecimal characters."))


def upload_target(*, actor: User, metadata: dict[str, str | None]) -> Target:
    """Check the metadata of a new upload: a case the actor may write, one of its steps, a kind, a capture time.

    Every check of ``evidence_add`` that does not need the bytes runs here (``evidence_precheck``), so a file
    that would be refused at completion is refused before it is sent.
    """
    _check_texts(metadata)
    case = _target_case(actor, metadata)
    step = _required(metadata, "step")
    if step not in {code for code, _label in step_choices(case)}:
        raise TusError(400, _("The procedure of this case has no step %(step)s.") % {"step": step})
    kind = _target_kind(metadata)
    captured_at = _target_time(metadata)
    text = {key: (metadata.get(key) or "") for key in _TEXT_LIMITS}
    try:
        captured_by = _target_person(actor, metadata)
        evidence_precheck(
            case=case,
            step=step,
            kind=kind,
            actor=actor,
            captured_at=captured_at,
            captured_by=captured_by,
            device_serial=text["device_serial"],
            location=text["location"],
            original_name=text["filename"],
            media_type=text["filetype"],
            description=text["description"],
        )
    except AccessDenied:
        raise TusError(404, _("There is no case %(case)s that you may add evidence to.") % {"case": case.pk}) from None
    except ValidationFailed as exc:
        raise TusError(400, _refusal(exc)) from None
    return Target(case, step, kind, captured_at, captured_by, (metadata.get("sha256") or "").strip().lower())


@transaction.atomic
def upload_create(*, actor: User, length: int, metadata: dict[str, str | None]) -> Upload:
    """Open an upload of ``length`` bytes for the target that ``metadata`` names, with its empty partial file."""
    if length > settings.UPLOAD_MAX_SIZE:
        raise TusError(
            413, _("The file is larger than the %(max)d bytes this server accepts.") % {"max": settings.UPLOAD_MAX_SIZE}
        )
    if length == 0:
        raise TusError(400, _("An empty file cannot be evidence."))
    target = upload_target(actor=actor, metadata=metadata)
    now = timezone.now()
    upload = Upload.objects.create(
        owner=actor,
        length=length,
        metadata=metadata,
        case=target.case,
        step=target.step,
        kind=target.kind,
        captured_at=target.captured_at,
        captured_by=target.captured_by,
        announced_sha256=target.announced_sha256,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.UPLOAD_EXPIRY_HOURS),
    )
    partial.partial_create(upload.id)
    return upload


# --- appending -----------------------------------------------------------------------------


def upload_check_open(upload: Upload, now: dt.datetime | None = None) -> None:
    """Refuse (410) an upload that was cancelled, discarded or has expired."""
    now = now or timezone.now()
    if upload.status == UploadStatus.TERMINATED:
        raise TusError(410, _("This upload was cancelled."))
    if upload.status == UploadStatus.DISCARDED:
        raise TusError(410, _("This upload was discarded: the file did not have the announced SHA-256."))
    if upload.status == UploadStatus.EXPIRED or (upload.status == UploadStatus.ACTIVE and upload.expires_at <= now):
        raise TusError(410, _("This upload has expired; start a new one."))


def _check_position(upload: Upload, offset: int, count: int) -> None:
    if offset != upload.offset:
        raise TusError(
            409,
            _("Upload-Offset is %(sent)d but the server holds %(held)d bytes: resume from %(held)d.")
            % {"sent": offset, "held": upload.offset},
        )
    if offset + count > upload.length:
        raise TusError(
            413,
            _("This chunk would end at byte %(end)d, past the upload's length of %(length)d.")
            % {"end": offset + count, "length": upload.length},
        )


def _claim(upload_id: uuid.UUID, offset: int, count: int) -> Upload:
    """Re-read the row under its lock (the file lock is held) and check the chunk fits where it claims."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload_id)
        upload_check_open(upload)
        _check_position(upload, offset, count)
    return upload


def _cut_to_offset(fd: int, upload: Upload) -> None:
    """Drop bytes past the recorded offset (never acknowledged); if bytes are missing, move the offset back."""
    size = os.fstat(fd).st_size
    if size >= upload.offset:
        os.ftruncate(fd, upload.offset)
        return
    Upload.objects.filter(pk=upload.pk).update(offset=size)
    partial.hash_forget(upload.id)
    raise TusError(
        409, _("The server holds only %(held)d bytes of this upload: resume from %(held)d.") % {"held": size}
    )


def _receive(
    fd: int, upload: Upload, read: Callable[[int], bytes], count: int, checksum: Checksum | None
) -> tuple[partial.RunningHash, int, bool]:
    """Write the body after the recorded offset; a chunk that fails its checksum is cut off again (460)."""
    start = upload.offset
    state = partial.running_hash(upload.id, fd, start)
    before = state.copy() if checksum is not None else None
    check = checksum.new_hasher() if checksum is not None else None
    sinks: list[partial.Sink] = [state] if check is None else [state, check]
    try:
        written, complete = partial.receive(read, fd, start, count, sinks)
    except BaseException:
        os.ftruncate(fd, start)
        raise
    failed = checksum is not None and check is not None and (not complete or check.digest() != checksum.digest)
    if failed and before is not None:
        os.ftruncate(fd, start)
        partial.hash_keep(upload.id, start, before)
        if not complete:
            raise TusError(400, _("The request body ended early; the chunk was discarded."))
        raise TusError(
            CHECKSUM_MISMATCH, _("The chunk does not match its Upload-Checksum; it was discarded: send it again.")
        )
    return state, written, complete


def upload_append(
    *,
    actor: User,
    upload_id: uuid.UUID,
    offset: int,
    read: Callable[[int], bytes],
    count: int,
    checksum: Checksum | None,
) -> Upload:
    """Append ``count`` bytes from ``read`` at ``offset`` (tus PATCH); on the last byte, add the evidence.

    The body is written as it arrives; if it ends early (the connection
    dropped) what arrived is fsynced and kept, the offset says how much, and
    the sender resumes from there. See the module docstring for the steps.
    """
    upload = upload_get_for_user(actor, upload_id)
    upload_check_open(upload)
    if upload.status != UploadStatus.ACTIVE:
        _check_position(upload, offset, count)  # a finished upload takes only an empty chunk at its end
        return _attach(actor, upload) if upload.status == UploadStatus.STORED else upload
    with partial.partial_locked(upload.id) as fd:
        upload = _claim(upload.id, offset, count)
        _cut_to_offset(fd, upload)
        state, written, complete = _receive(fd, upload, read, count, checksum)
        os.fsync(fd)
        upload.offset += written
        Upload.objects.filter(pk=upload.pk, status=UploadStatus.ACTIVE).update(offset=upload.offset)
        partial.hash_keep(upload.id, upload.offset, state)
        if not complete:
            raise TusError(
                400,
                _("The request body ended early; the %(n)d bytes received were kept: resume from %(offset)d.")
                % {"n": written, "offset": upload.offset},
            )
        if upload.offset == upload.length:
            return _store(actor, upload, state)
    return upload


# --- completion ----------------------------------------------------------------------------


def _discard(actor: User, upload: Upload, actual: str) -> None:
    """The file is not what the sender announced: drop its bytes and record the event as a security matter."""
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.DISCARDED, sha256=actual, ended_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="upload.hash_mismatch",
            category=AuditCategory.SECURITY,
            outcome=AuditOutcome.FAILURE,
            obj=upload,
            detail={"announced": upload.announced_sha256, "received": actual, "size": upload.length},
        )
    partial.partial_path(upload.id).unlink(missing_ok=True)
    partial.hash_forget(upload.id)


def _store(actor: User, upload: Upload, state: partial.RunningHash) -> Upload:
    """All bytes are in: compare with the announced hash, link the file into the store, add the evidence."""
    sha256, sm3 = state.hexdigests()
    if upload.announced_sha256 and sha256 != upload.announced_sha256:
        _discard(actor, upload, sha256)
        raise TusError(
            CHECKSUM_MISMATCH,
            _("The file received has SHA-256 %(actual)s, not the announced %(announced)s: it was discarded.")
            % {"actual": sha256, "announced": upload.announced_sha256},
        )
    try:
        blob_put_path(partial.partial_path(upload.id), sha256=sha256, sm3=sm3, move=True)
    except StoreUnavailable as exc:  # the partial file stays, the upload stays open: an empty PATCH retries
        raise TusError(
            503,
            exc.message + " " + _("All bytes are kept: send an empty PATCH at the end to retry."),
            {"Retry-After": "60"},
        ) from None
    except DomainError as exc:  # the partial file stays: an empty PATCH at the end retries
        raise TusError(409, _refusal(exc)) from None
    partial.hash_forget(upload.id)
    upload.status, upload.sha256, upload.sm3 = UploadStatus.STORED, sha256, sm3 or ""
    Upload.objects.filter(pk=upload.pk).update(status=upload.status, sha256=sha256, sm3=upload.sm3)
    return _attach(actor, upload)


def _refusal(exc: DomainError) -> str:
    details: list[str] = []
    if isinstance(exc, ValidationFailed):
        details = [message for messages in exc.errors.values() for message in messages]
    elif isinstance(exc, GateRefused):
        details = list(exc.reasons)
    return " ".join([exc.message, *details])


def _attach(actor: User, upload: Upload) -> Upload:
    """Add the stored file as evidence of the upload's case step; a refusal keeps the stored file (403/409)."""
    text = {key: (upload.metadata.get(key) or "") for key in _TEXT_LIMITS}
    blob = StoredBlob(sha256=upload.sha256, size=upload.length, sm3=upload.sm3, created=False)
    try:
        with transaction.atomic():
            row = Upload.objects.select_for_update().get(pk=upload.pk)
            if row.status == UploadStatus.COMPLETED:  # a concurrent retry attached it
                return row
            evidence = evidence_add(
                case=Case.objects.get(pk=upload.case_id),
                step=upload.step,
                kind=upload.kind,
                blob=blob,
                actor=actor,
                captured_at=upload.captured_at,
                captured_by=upload.captured_by,
                device_serial=text["device_serial"],
                location=text["location"],
                original_name=text["filename"],
                media_type=text["filetype"],
                description=text["description"],
            )
            upload.status, upload.evidence, upload.completed_at = UploadStatus.COMPLETED, evidence, timezone.now()
            upload.save(update_fields=["status", "evidence", "completed_at"])
    except AccessDenied as exc:
        raise TusError(403, _refusal(exc) + " " + _("The file is stored and nothing is lost.")) from None
    except DomainError as exc:
        raise TusError(409, _refusal(exc) + " " + _("The file is stored and nothing is lost.")) from None
    return upload


# --- cancelling and pruning --------------------------------------------------------------------


def _end(upload_id: uuid.UUID, status: UploadStatus) -> bool:
    """Mark an active upload ended (the caller holds the file lock) and delete its bytes; False if not active."""
    with transaction.atomic():
        ended = Upload.objects.filter(pk=upload_id, status=UploadStatus.ACTIVE).update(
            status=status, ended_at=timezone.now()
        )
    if ended:
        partial.partial_path(upload_id).unlink(missing_ok=True)
        partial.hash_forget(upload_id)
    return bool(ended)


def upload_terminate(*, actor: User, upload_id: uuid.UUID) -> None:
    """Cancel an unfinished upload of ``actor`` (tus termination) and delete its bytes."""
    upload = upload_get_for_user(actor, upload_id)
    if upload.status in {UploadStatus.COMPLETED, UploadStatus.STORED}:
        raise TusError(403, _("A finished upload is evidence and cannot be deleted."))
    upload_check_open(upload)
    with partial.partial_locked(upload.id):
        if not _end(upload.id, UploadStatus.TERMINATED):
            raise TusError(410, _("This upload is no longer open."))


#: A partial file without an active row is removed only after this age (its row may not be committed yet).
ORPHAN_AGE = dt.timedelta(hours=1)


def _prune_orphans(now: dt.datetime) -> int:
    """Remove old partial files without an active upload, and old staging files of interrupted blob puts."""
    active = {str(i) for i in Upload.objects.filter(status=UploadStatus.ACTIVE).values_list("id", flat=True)}
    folder = staging_dir()
    candidates = [
        *((path, path.name.removeprefix("upload-").removesuffix(".part")) for path in folder.glob("upload-*.part")),
        *((path, "") for path in folder.glob(f"{STAGING_PREFIX}*{STAGING_SUFFIX}")),
    ]
    removed = 0
    for path, upload_id in candidates:
        try:
            age = now - dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        except FileNotFoundError:  # removed meanwhile (a put finished, a concurrent prune)
            continue
        if upload_id not in active and age > ORPHAN_AGE:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def uploads_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Expire active uploads past their ``expires_at`` and delete their bytes; return ``(expired, orphans)``.

    An upload being written right now (its file locked) is left for the next run.
    """
    now = now or timezone.now()
    expired = 0
    for upload_id in Upload.objects.filter(status=UploadStatus.ACTIVE, expires_at__lte=now).values_list(
        "id", flat=True
    ):
        try:
            with partial.partial_locked(upload_id):
                expired += _end(upload_id, UploadStatus.EXPIRED)
        except TusError as exc:
            if exc.status == 410:  # the bytes are already gone
                expired += _end(upload_id, UploadStatus.EXPIRED)
    return expired, _prune_orphans(now)
