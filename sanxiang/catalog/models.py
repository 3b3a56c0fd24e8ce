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
