"""Recording devices (执法记录仪 and other audio-visual equipment) and who carried each one when.

The seed document asks the bureau to equip itself with audio-visual recording
devices and to make rules for their use and supervision (音像记录设备 ……
制定使用管理办法和监督规则; RULES.md §3.2). Two tables:

- ``RecordingDevice`` — the registry: serial number, type, make and model,
  owning unit, status;
- ``DeviceAssignment`` — the issue history: one row per period a person held
  the device, ``[started_at, ended_at)``; an open row (``ended_at`` empty) is
  the current holder. A row is inserted once and only its ``ended_at`` is ever
  set, once, so the history answers "who held device X at time T?" for the
  camera-dock ingest (``selectors.device_holder``).

Rules (at most one open assignment, only in-service devices are issued, who
may hold one) live in ``actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import Unit


class DeviceType(models.TextChoices):
    BODY_CAMERA = "body_camera", _("Body camera")
    """执法记录仪: worn by the officer, the main tool of whole-process recording (34号令 Art. 28)."""
    CAMERA = "camera", _("Camera")
    """照相机 / 摄像机."""
    AUDIO_RECORDER = "audio_recorder", _("Audio recorder")
    """录音笔."""
    DRONE = "drone", _("Drone")
    """无人机."""
    OTHER = "other", _("Other")


class DeviceStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    """在用: the only status in which a device may be issued."""
    UNDER_REPAIR = "under_repair", _("Under repair")
    """维修."""
    LOST = "lost", _("Lost")
    """遗失: may come back into service when found."""
    RETIRED = "retired", _("Retired")
    """报废: final."""


#: The allowed status changes (``actions.device_set_status`` checks this table).
STATUS_TRANSITIONS: dict[DeviceStatus, frozenset[DeviceStatus]] = {
    DeviceStatus.IN_SERVICE: frozenset({DeviceStatus.UNDER_REPAIR, DeviceStatus.LOST, DeviceStatus.RETIRED}),
    DeviceStatus.UNDER_REPAIR: frozenset({DeviceStatus.IN_SERVICE, DeviceStatus.LOST, DeviceStatus.RETIRED}),
    DeviceStatus.LOST: frozenset({DeviceStatus.IN_SERVICE, DeviceStatus.RETIRED}),
    DeviceStatus.RETIRED: frozenset(),
}


class RecordingDevice(models.Model):
    """One recording device of the bureau, identified by its serial number (stored upper-case)."""

    # 64 characters: the length of ``Evidence.device_serial``, which records it on every file.
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    device_type = models.CharField(_("type"), max_length=16, choices=DeviceType.choices)
    make = models.CharField(_("make"), max_length=50, blank=True)
    model = models.CharField(_("model"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="devices")
    status = models.CharField(_("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.IN_SERVICE)
    status_reason = models.CharField(_("reason for status"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recording device")
        verbose_name_plural = _("recording devices")
        ordering = ["serial"]
        indexes = [models.Index(fields=["unit", "status"], name="device_unit_status")]

    def __str__(self) -> str:
        return self.serial


class DeviceAssignment(models.Model):
    """A period during which ``holder`` carried ``device``: ``[started_at, ended_at)``, open while ``ended_at`` is empty."""

    device = models.ForeignKey(
        RecordingDevice, verbose_name=_("device"), on_delete=models.PROTECT, related_name="assignments"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("issued"))
    ended_at = models.DateTimeField(_("returned"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken back by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.CharField(_("note on return"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("device assignment")
        verbose_name_plural = _("device assignments")
        ordering = ["device", "-started_at", "-id"]
        # ``device_holder`` looks up the row of a device around a time.
        indexes = [models.Index(fields=["device", "started_at"], name="deviceassignment_device_start")]
        constraints = [
            # The database itself refuses a second holder at the same time (a race between two issuers).
            models.UniqueConstraint(
                fields=["device"], condition=Q(ended_at__isnull=True), name="deviceassignment_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="deviceassignment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}:{self.holder_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
