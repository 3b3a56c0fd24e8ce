"""The published lists. For now: the violation catalogue (违法行为目录) that cases cite.

Versioning with effective dates and leader approval comes with the legal
review and publicity parts; a violation row is never deleted (cases cite it),
only deactivated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import EnforcementCategory


class Violation(models.Model):
    """A violation the bureau may penalise: the provision violated and the penalty provision."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("violation"), max_length=200)
    category = models.ForeignKey(
        EnforcementCategory, verbose_name=_("enforcement category"), on_delete=models.PROTECT, related_name="+"
    )
    violated_provisions = models.TextField(_("provisions violated"))
    penalty_provisions = models.TextField(_("penalty provisions"))
    # APL Art. 36: the limitation period is 5 years where life, health or
    # financial safety is involved and there are harmful consequences.
    involves_safety = models.BooleanField(_("concerns life, health or financial safety"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AVRequirementLevel(models.TextChoices):
    REQUIRED = "required", _("Required: the step cannot be completed without it")
    RECOMMENDED = "recommended", _("As circumstances require")


class AVList(models.Model):
    """音像记录事项清单: which steps need audio/video recording, versioned, in force once a leader approves it.

    The statutory floor (RULES.md §3.2: 查封扣押 and the like, ``Step.av_required``
    in the procedure definitions) applies whatever the list says; a list adds
    steps and can never remove the floor (``catalog.av``).
    """

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        "org.User", verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("audio/video recording list")
        verbose_name_plural = _("audio/video recording lists")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class AVListItem(models.Model):
    """One step of one procedure that the list says needs audio/video, and how strictly."""

    av_list = models.ForeignKey(AVList, on_delete=models.PROTECT, related_name="items")
    procedure = models.CharField(_("procedure"), max_length=16)
    transition = models.CharField(_("step"), max_length=40)
    level = models.CharField(_("requirement"), max_length=12, choices=AVRequirementLevel.choices)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recording list item")
        verbose_name_plural = _("recording list items")
        constraints = [
            models.UniqueConstraint(fields=["av_list", "procedure", "transition"], name="avlistitem_unique_step")
        ]

    def __str__(self) -> str:
        return f"{self.procedure}.{self.transition} ({self.level})"
