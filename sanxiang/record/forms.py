"""The filters of the audit trail page (GET parameters: every value may be junk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.record.models import AuditCategory, AuditEvent, AuditOutcome

# Dates outside these years are refused: the conversion of a day's bounds to
# UTC overflows at the ends of Python's date range (year 1, year 9999).
MIN_YEAR, MAX_YEAR = 2000, 2999
PREFIX_MARKS = ("*", ".")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=_date_input())
    user = forms.CharField(
        label=gettext_lazy("User"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("Login name contains"),
    )
    action = forms.CharField(
        label=gettext_lazy("Action"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("Exact, or a prefix ending in * or . (e.g. login.*)"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), required=False, choices=[("", "—"), *AuditCategory.choices]
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), required=False, choices=[("", "—"), *AuditOutcome.choices]
    )
    ip = forms.GenericIPAddressField(label=gettext_lazy("IP address"), required=False)

    def _check_year(self, name: str) -> None:
        day = self.cleaned_data.get(name)
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            self.add_error(name, _("Enter a date between %(a)d and %(b)d.") % {"a": MIN_YEAR, "b": MAX_YEAR})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_year("date_from")
        self._check_year("date_to")
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """Apply the valid filters to ``events`` (call after ``is_valid()`` returned True)."""
        data = self.cleaned_data
        if data.get("date_from"):
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
        if data.get("user"):
            events = events.filter(actor_label__icontains=data["user"].strip())
        if data.get("action"):
            events = self._filter_action(events, data["action"].strip())
        for name in ("category", "outcome", "ip"):
            if data.get(name):
                events = events.filter(**{name: data[name]})
        return events

    @staticmethod
    def _filter_action(events: QuerySet[AuditEvent], action: str) -> QuerySet[AuditEvent]:
        """``login.failure`` matches exactly; ``login.*`` and ``login.`` match every action that starts so."""
        if action.endswith(PREFIX_MARKS):
            return events.filter(action__startswith=action.rstrip("*"))
        return events.filter(action=action)

    def applied(self) -> dict[str, str]:
        """The filters in use, as text (for the audit row of an export)."""
        return {name: str(value) for name, value in self.cleaned_data.items() if value not in (None, "")}
