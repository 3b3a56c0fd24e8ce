"""The working-day calendar that every legal deadline is counted on (RULES.md §0, §12).

Each year's days off and 调休 make-up working days are fixed by a notice of
the State Council General Office (国务院办公厅), published around November of
the year before. A year is usable only once it is marked complete in
``CalendarYear``: a deadline that touches a year without data fails loudly
(``sanxiang.lib.daycount.CalendarMissing``) instead of guessing.

Writes go through ``sanxiang.procedures.actions``; lookups through
``sanxiang.procedures.calendar``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    # Monday to Friday, not a holiday.
    WORKDAY = "workday", _("Working day")
    # Saturday or Sunday, not a holiday and not a make-up working day.
    WEEKEND = "weekend", _("Weekend")
    # A day of a holiday break (法定节假日 plus the days the notice joins to it, 调休).
    HOLIDAY = "holiday", _("Holiday")
    # A Saturday or Sunday the notice turns into a working day (调休上班).
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")


#: Kinds that are working days; ``CalendarDay.is_workday`` must agree (checked by a constraint).
WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY})


class CalendarSource(models.TextChoices):
    # The ``chinesecalendar`` package (data 2004–2026 in version 1.11.0).
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    # Typed in from the State Council General Office notice for the year.
    STATE_COUNCIL_NOTICE = "state_council_notice", _("State Council notice")
    # A correction of a single day by an administrator.
    MANUAL = "manual", _("Manual correction")


class CalendarYear(models.Model):
    """One calendar year: whether all its days are loaded, and from where.

    ``revision`` changes on every write to the year's days, so that the
    per-process cache of ``sanxiang.procedures.calendar`` sees changes made by
    other processes with one small query.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(_("complete"), default=False)
    source = models.CharField(_("source"), max_length=24, choices=CalendarSource.choices)
    note = models.TextField(_("note"), blank=True, help_text=_("E.g. the number and date of the notice."))
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revision = models.UUIDField(_("revision"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day of the calendar: working day or not, and why."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    # The actions check the length first (actions.NAME_MAX_LENGTH) to give a clear message.
    name = models.CharField(_("holiday name"), max_length=60, blank=True, help_text=_("E.g. 春节, 国庆节."))
    source = models.CharField(_("source"), max_length=24, choices=CalendarSource.choices)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(is_workday=True, kind__in=[DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY])
                    | Q(is_workday=False, kind__in=[DayKind.WEEKEND, DayKind.HOLIDAY])
                ),
                name="calendarday_kind_matches_workday",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
