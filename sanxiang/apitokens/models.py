"""Bearer tokens for the JSON API: a machine client acts as one staff member.

A token is shown once when issued; only its SHA-256 digest is stored. It
carries no rights of its own: each request acts with the roles and the unit
scope that its user holds at that moment, so revoking a role or disabling
the account takes effect on the next request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """An API token (接口令牌) of one staff member, for one named client, until a date."""

    name = models.CharField(_("client name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acts as"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    # The public part of the token ("sx_<prefix>_<secret>"): finds the row, so
    # that the digest is compared in constant time instead of being looked up.
    prefix = models.CharField(_("token prefix"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_on = models.DateField(_("valid until (inclusive)"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (sx_{self.prefix})"

    def is_expired(self, today: dt.date | None = None) -> bool:
        """True after the last day of validity (local calendar day)."""
        return (today or timezone.localdate()) > self.expires_on

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
