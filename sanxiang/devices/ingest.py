"""Camera-dock ingest: store each recording in the evidence store and link it to the step of a case.

For every media file (``dockfiles`` says how files, names and sidecars are read):

1. hash it (one streaming pass); a sidecar ``sha256`` that differs is a hard
   error for that file: it is not stored, and the refusal is audited;
2. identify the **device** (``--device``, the sidecar, the file name) and the
   **person** (``--officer``, the sidecar's certificate number, a certificate
   number in the file name, else whoever held the device at the capture time
   according to the issue history, ``selectors.device_holder``);
3. propose the **case step**: among the cases the person handles (not
   recused), the ``CaseEvent`` nearest to the capture time within
   ``SANXIANG_INGEST_MATCH_HOURS`` either side; its ``transition`` is the
   step (``selectors.case_step_near``). Events of two cases equally near are *ambiguous*.
   ``--case``/``--step`` force the target;
4. **skip** a file already stored and attached to that case (so an
   interrupted run is simply run again), or, with no target, attached to any case;
5. **store** it (content-addressed: storing it twice is harmless), then add
   it with ``evidence_add`` on the person's behalf, and audit
   ``device.ingest`` (channel "cli", user agent ``sanxiang ingest``).

A file that cannot be linked (unknown device, nobody identified, no case
event in the window, ambiguous, refused by ``evidence_add``) is still stored
and listed, so nothing recorded is lost; ``--dry-run`` stores and writes
nothing. Files are never moved or deleted.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.devices import dockfiles
from sanxiang.devices.ingest_report import FileResult, Options, Outcome, Progress, Reason, Report
from sanxiang.devices.models import RecordingDevice
from sanxiang.devices.selectors import case_step_near, device_by_serial, device_holder
from sanxiang.evidence.actions import evidence_add, evidence_precheck
from sanxiang.evidence.blobstore import BlobMismatch, StoredBlob, blob_exists, blob_put_stream
from sanxiang.evidence.models import Evidence
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.models import Certificate, StaffKind, User
from sanxiang.org.selectors import system_user
from sanxiang.record import context
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditOutcome

USER_AGENT = "sanxiang ingest (camera dock)"
#: How many not-linked and failed files the run's audit row names (the rest are counted).
AUDIT_LIST_MAX = 200


# --- Who and when ---------------------------------------------------------------------------


def officer_by_certificate(number: str) -> User | None:
    """The holder of the certificate with this number (any status: it identifies the person), or None."""
    cert = Certificate.objects.filter(number=number.strip()).select_related("holder").first()
    return cert.holder if cert is not None else None


def _capture_time(
    path: Path, sidecar: dockfiles.Sidecar | None, name: dockfiles.NameInfo | None
) -> tuple[dt.datetime, str]:
    if sidecar is not None and sidecar.captured_at is not None:
        return sidecar.captured_at, "sidecar"
    if name is not None and name.captured_at is not None:
        return name.captured_at, "name"
    return dockfiles.modified_at(path), "mtime"


def _identify_by_name(
    result: FileResult, name: dockfiles.NameInfo, want_device: bool, want_officer: bool
) -> RecordingDevice | None:
    """Use the identifier of the file name for whichever of device and person is still unknown."""
    device = device_by_serial(name.ident) if want_device else None
    officer = officer_by_certificate(name.ident) if want_officer else None
    if device is not None and officer is not None:
        result.settle(
            Outcome.UNLINKED,
            Reason.AMBIGUOUS,
            _("%(i)s in the file name is both a device serial number and a certificate number.") % {"i": name.ident},
        )
        return None
    if officer is not None:
        result.officer, result.officer_source = officer, "name"
    if device is None and officer is None and want_device and not result.officer:
        result.settle(
            Outcome.UNLINKED,
            Reason.UNKNOWN_DEVICE,
            _("%(i)s in the file name is neither a registered device nor a certificate number.") % {"i": name.ident},
        )
    return device


def _identify(
    result: FileResult, options: Options, sidecar: dockfiles.Sidecar | None, name: dockfiles.NameInfo | None
) -> None:
    """Fill in the device and the person; settle the result as not linked when they cannot be known."""
    device = options.device
    if options.officer is not None:
        result.officer, result.officer_source = options.officer, "option"
    if sidecar is not None and sidecar.officer_cert_no and result.officer is None:
        result.officer, result.officer_source = officer_by_certificate(sidecar.officer_cert_no), "sidecar"
        if result.officer is None:
            message = _("No certificate has the number %(n)s given by the sidecar.") % {"n": sidecar.officer_cert_no}
            result.settle(Outcome.UNLINKED, Reason.NO_OFFICER, message)
            return
    if device is None and sidecar is not None and sidecar.device_serial:
        result.device_serial = sidecar.device_serial
        device = device_by_serial(sidecar.device_serial)
        if device is None:
            message = _("The device %(s)s is not registered.") % {"s": sidecar.device_serial}
            result.settle(Outcome.UNLINKED, Reason.UNKNOWN_DEVICE, message)
            return
    if name is not None and (device is None or result.officer is None):
        found = _identify_by_name(result, name, device is None and not result.device_serial, result.officer is None)
        device = device or found
    if device is not None:
        result.device_serial = device.serial
    if result.reason is None:
        _holder(result, device)


def _holder(result: FileResult, device: RecordingDevice | None) -> None:
    """Take the person from the issue history when nothing else named them."""
    if result.officer is None and device is not None and result.captured_at is not None:
        result.officer, result.officer_source = device_holder(device.serial, result.captured_at), "device_holder"
        if result.officer is None:
            when = timezone.localtime(result.captured_at).strftime("%Y-%m-%d %H:%M:%S")
            message = _("Nobody held device %(s)s at %(t)s.") % {"s": device.serial, "t": when}
            result.settle(Outcome.UNLINKED, Reason.NO_OFFICER, message)
            return
    if result.officer is None:
        message = _("Neither the file name nor a sidecar names a registered device or a certificate number.")
        result.settle(Outcome.UNLINKED, Reason.UNKNOWN_DEVICE, message)
    elif result.officer.staff_kind == StaffKind.AUXILIARY:
        message = _("%(u)s is an auxiliary and handles no case: an officer must add the file to a case.")
        result.settle(Outcome.UNLINKED, Reason.NO_OFFICER, message % {"u": result.officer.full_name})


def _target(result: FileResult, options: Options) -> None:
    """The forced case step, or the one nearest to the capture time; settle as not linked when there is none."""
    if options.case is not None:
        result.case, result.step = options.case, options.step
        return
    assert result.officer is not None and result.captured_at is not None
    match = case_step_near(result.officer, result.captured_at, options.window)
    if match.tied:
        numbers = "、".join(sorted(str(case) for case in match.tied))
        message = _("Steps of several cases are equally near the capture time: %(c)s.") % {"c": numbers}
        result.settle(Outcome.UNLINKED, Reason.AMBIGUOUS, message)
    elif match.case is None:
        hours = options.window.total_seconds() / 3600
        message = _("No case of %(u)s has a step within %(h)g hours of the capture time.")
        result.settle(Outcome.UNLINKED, Reason.NO_CASE, message % {"u": result.officer.full_name, "h": hours})
    else:
        result.case, result.step = match.case, match.step


# --- One file -------------------------------------------------------------------------------


class _Reader(io.RawIOBase):
    """A binary reader that reports the bytes it hands out (the store reads through it)."""

    def __init__(self, handle: BinaryIO, progress: Progress) -> None:
        super().__init__()
        self.handle, self.progress = handle, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.handle.readinto(buffer)  # type: ignore[attr-defined]
        self.progress.advance(count or 0)
        return int(count or 0)


def _already(result: FileResult) -> bool:
    """True (and the result settled as skipped) when the file is stored and attached where it would go."""
    attached = Evidence.objects.filter(object_id=result.sha256)
    if result.case is not None:
        attached = attached.filter(case=result.case)
    cases = sorted({str(ev.case) for ev in attached.select_related("case")[:20]})
    if not cases or not blob_exists(result.sha256):
        return False
    result.settle(Outcome.SKIPPED, Reason.ALREADY, _("Already stored and attached to %(c)s.") % {"c": "、".join(cases)})
    return True


def _store(result: FileResult, progress: Progress) -> bool:
    """Store the file, checking it is still the file hashed; False (result settled as failed) otherwise."""
    progress.add_total(result.size)
    try:
        with open(result.path, "rb") as handle:
            blob = blob_put_stream(cast(BinaryIO, _Reader(handle, progress)), expected_sha256=result.sha256)
    except BlobMismatch:
        result.settle(Outcome.FAILED, Reason.CHANGED, _("The file changed while it was being read: run again later."))
        return False
    except OSError as exc:
        result.settle(Outcome.FAILED, Reason.UNREADABLE, _("The file cannot be read: %(e)s.") % {"e": exc})
        return False
    except DomainError as exc:  # the store is unavailable or refused: this file fails, the run goes on
        result.settle(Outcome.FAILED, Reason.REFUSED, exc.message)
        return False
    result.stored = blob.created
    result.size = blob.size
    return True


def _link(result: FileResult) -> None:
    """Add the stored file to the target case step on the person's behalf, and audit that the dock did it."""
    assert result.case is not None and result.officer is not None and result.captured_at is not None
    blob = StoredBlob(sha256=result.sha256, size=result.size, created=result.stored)
    try:
        with transaction.atomic():
            # One ingest at a time per case: a second run racing on the same folder sees the first one's row.
            Case.objects.select_for_update().filter(pk=result.case.pk).first()
            if _already(result):
                return
            evidence = evidence_add(
                case=result.case,
                step=result.step,
                kind=result.kind,
                blob=blob,
                actor=result.officer,
                captured_at=result.captured_at,
                captured_by=result.officer,
                device_serial=result.device_serial,
                location=result.location,
                original_name=result.path.name,
                media_type=result.media_type,
            )
            detail = {
                "source": "dock",
                "sha256": result.sha256,
                "device_serial": result.device_serial,
                "case": result.case.pk,
                "step": result.step,
                "file": result.path.name,
                "time_source": result.time_source,
                "officer_source": result.officer_source,
            }
            audit_record(
                actor=result.officer, action="device.ingest", category=AuditCategory.DATA, obj=evidence, detail=detail
            )
    except DomainError as exc:
        result.settle(Outcome.UNLINKED, Reason.REFUSED, exc.message)
        return
    result.evidence_id = evidence.pk
    result.settle(Outcome.LINKED)


def _audit_mismatch(result: FileResult, expected: str) -> None:
    detail = {"source": "dock", "file": result.path.name, "expected_sha256": expected, "sha256": result.sha256}
    audit_record(
        actor=result.officer,
        actor_label="" if result.officer else "camera dock",
        action="device.ingest",
        category=AuditCategory.DATA,
        outcome=AuditOutcome.FAILURE,
        detail={**detail, "reason": Reason.SHA256_MISMATCH.value},
    )


def _read(result: FileResult, progress: Progress) -> dockfiles.Sidecar | None:
    """Read the sidecar and hash the file; settle the result as failed when either is impossible."""
    try:
        sidecar = dockfiles.read_sidecar(result.path)
    except dockfiles.SidecarError as exc:
        result.settle(Outcome.FAILED, Reason.BAD_SIDECAR, str(exc))
        progress.advance(result.size)
        return None
    try:
        result.sha256 = dockfiles.file_sha256(result.path, progress.advance)
    except OSError as exc:
        result.settle(Outcome.FAILED, Reason.UNREADABLE, _("The file cannot be read: %(e)s.") % {"e": exc})
        return None
    if sidecar is not None and sidecar.sha256 and sidecar.sha256 != result.sha256:
        message = _("The file's SHA-256 is %(a)s, the sidecar announces %(e)s: the file was not stored.")
        result.settle(Outcome.FAILED, Reason.SHA256_MISMATCH, message % {"a": result.sha256, "e": sidecar.sha256})
    return sidecar


def ingest_file(path: Path, size: int, options: Options, progress: Progress) -> FileResult:
    """Ingest one media file (see the module docstring); never raises for a problem of the file itself."""
    kind, media_type = dockfiles.media_kind(path) or ("", "")
    result = FileResult(path=path, size=size, kind=str(kind), media_type=media_type)
    sidecar = _read(result, progress)
    name = dockfiles.parse_name(path.name)
    result.captured_at, result.time_source = _capture_time(path, sidecar, name)
    result.location = sidecar.location if sidecar is not None else ""
    if result.reason is not None:  # failed: unreadable, bad sidecar, or a hash mismatch
        if result.reason == Reason.SHA256_MISMATCH and not options.dry_run:
            refusal = result.message
            result.settle(Outcome.FAILED)
            _identify(result, options, sidecar, name)  # to name the person in the audit row, if known
            result.settle(Outcome.FAILED, Reason.SHA256_MISMATCH, refusal)
            _audit_mismatch(result, sidecar.sha256 if sidecar else "")
        return result
    _identify(result, options, sidecar, name)
    if result.reason is None:
        _target(result, options)
    if _already(result):
        return result
    if options.dry_run:
        return _plan(result)
    if _store(result, progress) and result.reason is None:
        _link(result)
    return result


def _plan(result: FileResult) -> FileResult:
    """What a real run would do, checked as far as possible without storing (``evidence_precheck``)."""
    if result.reason is not None:
        return result
    assert result.case is not None and result.officer is not None and result.captured_at is not None
    try:
        evidence_precheck(
            case=result.case,
            step=result.step,
            kind=result.kind,
            actor=result.officer,
            captured_at=result.captured_at,
            captured_by=result.officer,
            device_serial=result.device_serial,
            location=result.location,
            original_name=result.path.name,
            media_type=result.media_type,
        )
    except DomainError as exc:
        return result.settle(Outcome.UNLINKED, Reason.REFUSED, exc.message)
    return result.settle(Outcome.LINKED)


def ingest(root: Path, options: Options, progress: Progress | None = None) -> Report:
    """Ingest every media file under ``root`` (a file or a folder) and return the report.

    Every audit row and log entry of the run carries one request id, the
    channel "cli" and the user agent ``USER_AGENT``; a real run ends with one
    ``device.ingest_run`` audit row (counts, and the files not linked or failed).
    """
    progress = progress or Progress()
    media, ignored = dockfiles.walk(root)
    report = Report(root, options.dry_run, options.window.total_seconds() / 3600, ignored=ignored)
    sizes = {path: _size(path) for path in media}
    progress.add_total(sum(size for size in sizes.values() if size is not None))
    token = context.activate(context.RequestContext(user_agent=USER_AGENT, channel="cli"))
    try:
        for path, size in sizes.items():
            if size is None:
                failed = FileResult(path=path).settle(Outcome.FAILED, Reason.UNREADABLE, _("The file cannot be read."))
                report.files.append(failed)
                continue
            report.files.append(ingest_file(path, size, options, progress))
        if not options.dry_run:
            _audit_run(report)
    finally:
        context.deactivate(token)
    return report


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _audit_run(report: Report) -> None:
    listed = [f for f in report.files if f.outcome in {Outcome.UNLINKED, Outcome.FAILED}]
    detail = {
        "path": str(report.root),
        **report.counts(),
        "problems": [
            {
                "file": f.path.name,
                "sha256": f.sha256,
                "outcome": f.outcome.value,
                "reason": f.reason.value if f.reason else "",
            }
            for f in listed[:AUDIT_LIST_MAX]
        ],
    }
    outcome = AuditOutcome.FAILURE if report.of(Outcome.FAILED) else AuditOutcome.SUCCESS
    audit_record(
        actor=system_user(), action="device.ingest_run", category=AuditCategory.DATA, outcome=outcome, detail=detail
    )
