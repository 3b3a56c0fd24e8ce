"""The state of a resumable (tus) upload: who sends what, for which case step, and how far it got.

The bytes themselves live in a partial file in the evidence staging folder
(``partial.partial_path``); the row is the protocol's state. ``offset`` is
only ever moved forward after the bytes below it are fsynced, so a HEAD after
a crash never announces bytes the disk does not hold.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case


class UploadStatus(models.TextChoices):
    ACTIVE = "active", _("Receiving")
    #: Every byte is in the evidence store, but the evidence item was refused (e.g. the case moved on);
    #: an empty PATCH retries the attachment once the reason is gone.
    STORED = "stored", _("Stored, not attached")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Cancelled by the sender")
    EXPIRED = "expired", _("Expired")
    #: The whole file did not have the SHA-256 the sender announced (tampering or corruption in transit).
    DISCARDED = "discarded", _("Discarded: hash mismatch")


class Upload(models.Model):
    """One tus upload of one evidence file onto one step of one case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.ACTIVE)
    length = models.BigIntegerField(_("length"))
    offset = models.BigIntegerField(_("bytes received"), default=0)
    #: The decoded ``Upload-Metadata`` (key-only pairs map to None), kept whole and echoed on HEAD.
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("step"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16)
    captured_at = models.DateTimeField(_("captured at"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("captured by"), on_delete=models.PROTECT, related_name="+"
    )
    #: The SHA-256 of the whole file as announced by the sender (a camera dock), checked at completion.
    announced_sha256 = models.CharField(_("announced SHA-256"), max_length=64, blank=True)
    #: The SHA-256 of the bytes received, once complete.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    sm3 = models.CharField(_("SM3"), max_length=64, blank=True)
    evidence = models.ForeignKey(
        "evidence.Evidence",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]
        # uploads_prune: active uploads past their expiry.
        indexes = [models.Index(fields=["status", "expires_at"], name="upload_status_expiry")]

    def __str__(self) -> str:
        return f"{self.id} {self.offset}/{self.length}"

    @property
    def is_finished(self) -> bool:
        return self.offset == self.length
