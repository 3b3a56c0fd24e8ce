"""裁量基准 (discretion baselines): violation → provisions → circumstance tiers → penalty types and ranges.

A ``Baseline`` is one version of the bureau's whole table (APL Art. 34; 国办发〔2022〕27号).
It is drafted by the legal section (an Excel import or a copy of another
version), takes effect once a leader approves it (a ``BaselineApproval``,
a row of the record log), and is in force from ``effective_from`` until a
later approved version takes over. An approved version is never edited: a
change is a new version. The approval commits to a digest of the whole
content (``content_digest``), so a later change to an approved version's
items or tiers is visible on its page and to ``sanxiang verify``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import Violation
from sanxiang.record.logged import LoggedRow


class Level(models.TextChoices):
    """裁量阶次: how a tier stands to the statutory range (RULES.md §7)."""

    NO_PENALTY = "no_penalty", _("No penalty")
    """不予处罚 (APL Art. 33; also Art. 30 under 14, Art. 31 mental illness): no penalty type at all."""
    MITIGATED = "mitigated", _("Mitigated penalty")
    """减轻处罚 (APL Art. 32): below the statutory minimum, or fewer penalty types than the provision sets."""
    LIGHTER = "lighter", _("Lighter penalty")
    """从轻处罚 (APL Art. 32): within the statutory range, in its lower part."""
    ORDINARY = "ordinary", _("Ordinary penalty")
    """一般处罚: the middle of the statutory range."""
    HEAVIER = "heavier", _("Heavier penalty")
    """从重处罚: the upper part of the statutory range, never above its maximum."""


class Baseline(models.Model):
    """One version of the discretion baseline table; approved by a leader before it takes effect."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("discretion baseline")
        verbose_name_plural = _("discretion baselines")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class BaselineItem(models.Model):
    """One violation of a baseline with the provisions it cites (违法条款, 罚则条款)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    violation = models.ForeignKey(Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="+")
    violated_provisions = models.TextField(_("provisions violated"))
    penalty_provisions = models.TextField(_("penalty provisions"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("baseline item")
        verbose_name_plural = _("baseline items")
        ordering = ["baseline", "violation__code"]
        constraints = [models.UniqueConstraint(fields=["baseline", "violation"], name="baselineitem_one_per_violation")]

    def __str__(self) -> str:
        return f"{self.baseline_id}:{self.violation_id}"


class Tier(models.Model):
    """One circumstance tier of an item: its 裁量阶次, the penalty types and the fine ranges in fen.

    ``types`` holds ``PenaltyType`` values; a fine range is set for a party
    type only when the tier allows a fine for it (both bounds, or neither).
    """

    item = models.ForeignKey(BaselineItem, on_delete=models.CASCADE, related_name="tiers")
    order = models.PositiveSmallIntegerField(_("order"))
    circumstance = models.CharField(_("circumstance"), max_length=40)
    level = models.CharField(_("discretion level"), max_length=12, choices=Level.choices)
    types = models.JSONField(_("penalty types"), default=list, blank=True)
    person_min_fen = models.BigIntegerField(_("minimum fine, natural person (fen)"), null=True, blank=True)
    person_max_fen = models.BigIntegerField(_("maximum fine, natural person (fen)"), null=True, blank=True)
    org_min_fen = models.BigIntegerField(_("minimum fine, organisation (fen)"), null=True, blank=True)
    org_max_fen = models.BigIntegerField(_("maximum fine, organisation (fen)"), null=True, blank=True)
    description = models.TextField(_("circumstances"), blank=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["item", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="tier_unique_order")]

    def __str__(self) -> str:
        return f"{self.item_id}-{self.order} {self.circumstance}"

    @property
    def code(self) -> str:
        """The tier's stable id within its baseline (``TierRange.code``)."""
        return f"{self.item_id}-{self.order}"


class BaselineApproval(LoggedRow):
    """A leader's approval of a baseline version (a record-log row): from then on it can be in force.

    ``content_digest`` is the SHA-256 of the version's items and tiers at
    approval (``sanxiang.discretion.content.baseline_digest``).
    """

    LOG_KIND = "discretion.approve"

    baseline = models.OneToOneField(Baseline, on_delete=models.PROTECT, related_name="approval")
    approved_by = models.ForeignKey(
        "org.User", verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by_label = models.CharField(_("approved by"), max_length=150)
    approved_at = models.DateTimeField(_("approved"))
    content_digest = models.CharField(_("content digest"), max_length=64)

    class Meta:
        verbose_name = _("baseline approval")
        verbose_name_plural = _("baseline approvals")

    def __str__(self) -> str:
        return f"{self.baseline_id} {self.approved_at:%Y-%m-%d}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "version": self.baseline.version,
            "effective_from": self.baseline.effective_from.isoformat(),
            "approved_by": self.approved_by_label,
            "approved_at": self.approved_at.isoformat(),
            "content_sha256": self.content_digest,
        }

    def log_data(self) -> Mapping[str, Any]:
        return {
            "version": self.baseline.version,
            "effective_from": self.baseline.effective_from.isoformat(),
            "content_sha256": self.content_digest,
        }
