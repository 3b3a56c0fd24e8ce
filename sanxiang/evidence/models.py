"""Evidence: stored objects, the evidence items that put them on a case step, and the chain of custody.

Three tables, each row tied to its entry in the record log by ``log_seq``:

- ``EvidenceObject`` — one per distinct file (RECORD-LOG.md §2 ``evidence_object``),
  keyed by its SHA-256; its ``evidence.ingest`` entry carries the hash in clear;
- ``Evidence`` — the file as evidence of one step of one case (照片, 录音, 录像,
  书证, 电子数据), with who captured it, where, when and on which device; the log
  holds only a salted commitment to those personal facts;
- ``EvidenceAccess`` — every view, download or export, with its reason, logged
  before the bytes are served (fail-closed).

None of them has an update or delete path in the code: corrections are new rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case


class EvidenceObject(models.Model):
    """One stored file, named by its content (``objects/ab/cd/<sha256>`` in the evidence store)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    sm3 = models.CharField(_("SM3"), max_length=64, blank=True)
    size = models.BigIntegerField(_("size"))
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)
    log_seq = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"sha256:{self.sha256}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio recording")
    VIDEO = "video", _("Video recording")
    DOCUMENT = "document", _("Documentary evidence")
    ELECTRONIC = "electronic", _("Electronic data")


class Evidence(models.Model):
    """One evidence item: a stored file recorded for one step (transition code) of a case."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence")
    step = models.CharField(_("step"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    object = models.ForeignKey(
        EvidenceObject, verbose_name=_("file"), on_delete=models.PROTECT, related_name="evidence"
    )
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    captured_at = models.DateTimeField(_("captured at"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("captured by"), on_delete=models.PROTECT, related_name="+"
    )
    device_serial = models.CharField(_("device serial number"), max_length=64, blank=True, db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    log_seq = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True)
    log_salt = models.BinaryField(_("commitment salt"), default=b"")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["case", "captured_at", "id"]
        indexes = [models.Index(fields=["case", "step"], name="evidence_case_step")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name or self.object_id[:12]}"

    def log_entry_seq(self) -> int | None:
        """The seq of this item's ``evidence.add`` entry (outbox mode: None until sequenced)."""
        from sanxiang.record.log import entry_seq

        return entry_seq(self)

    def step_label(self) -> str:
        """The label of ``step`` in the case's procedure (the code itself if the definition lost it)."""
        from sanxiang.procedures import definitions

        try:
            return str(definitions.get(self.case.procedure).transition(self.step).label)
        except KeyError:
            return self.step


def evidence_commit_content(ev: Evidence) -> dict[str, Any]:
    """The personal and descriptive facts of ``ev`` that its ``evidence.add`` entry commits to.

    The one source of truth for ``evidence_add`` (which logs
    ``commitment(ev.log_salt, evidence_commit_content(ev))``) and for
    ``verify`` (which recomputes it from the row): change it only with a new
    entry version, or old entries stop verifying.
    """
    return {
        "original_name": ev.original_name,
        "media_type": ev.media_type,
        "captured_at": ev.captured_at.astimezone(dt.UTC).isoformat(),  # UTC: as read back from the database
        "captured_by": int(ev.captured_by_id),
        "device_serial": ev.device_serial,
        "location": ev.location,
        "description": ev.description,
        "added_by": int(ev.added_by_id),
    }


class AccessAction(models.TextChoices):
    VIEW = "view", _("View")
    DOWNLOAD = "download", _("Download")
    EXPORT = "export", _("Export")


class EvidenceAccess(models.Model):
    """Chain of custody: who opened or took a copy of an evidence item, when, why, from where."""

    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), on_delete=models.PROTECT, related_name="accesses"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    reason = models.CharField(_("reason"), max_length=300)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    log_seq = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True)
    log_salt = models.BinaryField(_("commitment salt"), default=b"")

    class Meta:
        verbose_name = _("evidence access")
        verbose_name_plural = _("evidence accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.evidence_id}"


def access_commit_content(access: EvidenceAccess) -> dict[str, Any]:
    """What an access entry commits to (the reason may name people, so it stays out of the log in clear)."""
    return {
        "reason": access.reason,
        "ip": access.ip or "",
        "at": access.at.astimezone(dt.UTC).isoformat(),
    }


# --- One model per log kind -----------------------------------------------------------------
# ``record.verify`` maps each entry kind to one model and finds its rows by ``log_seq``; an access
# row is logged as ``evidence.view``, ``evidence.download`` or ``evidence.export``, so each kind
# gets a proxy whose default manager holds only its rows.


class _AccessOfAction(models.Manager[EvidenceAccess]):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action

    def get_queryset(self) -> models.QuerySet[EvidenceAccess]:
        return super().get_queryset().filter(action=self.action).select_related("evidence")


class EvidenceViewRecord(EvidenceAccess):
    rows = _AccessOfAction(AccessAction.VIEW)

    class Meta:
        proxy = True
        default_manager_name = "rows"


class EvidenceDownloadRecord(EvidenceAccess):
    rows = _AccessOfAction(AccessAction.DOWNLOAD)

    class Meta:
        proxy = True
        default_manager_name = "rows"


class EvidenceExportRecord(EvidenceAccess):
    rows = _AccessOfAction(AccessAction.EXPORT)

    class Meta:
        proxy = True
        default_manager_name = "rows"


#: The proxy model label of each access kind (``evidence.<action>``).
ACCESS_SOURCES = {
    AccessAction.VIEW: "evidence.EvidenceViewRecord",
    AccessAction.DOWNLOAD: "evidence.EvidenceDownloadRecord",
    AccessAction.EXPORT: "evidence.EvidenceExportRecord",
}
