"""Questions about the working-day calendar, and the lookup that ``sanxiang.lib.daycount`` counts on.

Typical use::

    cal = db_calendar()
    due = add_working_days(served_on, 5, cal)

``db_calendar()`` reads the years' revisions once (one small query); each
year's days are then read once per process and revision, so counting a
period costs no query per day. A write to a year (any action of
``sanxiang.procedures.actions``) changes its revision, which every process
sees at its next ``db_calendar()``.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sanxiang.lib.daycount import CalendarMissing
from sanxiang.procedures.models import CalendarDay, CalendarYear, DayKind


@dataclass(frozen=True)
class _YearDays:
    revision: uuid.UUID
    # The days that differ from "Monday to Friday work, weekends off":
    # holidays on weekdays and make-up working weekend days.
    exceptions: frozenset[dt.date]


_cache: dict[int, _YearDays] = {}
_cache_lock = threading.Lock()


def calendar_cache_clear() -> None:
    """Forget every cached year (tests; the revision check makes it unnecessary in production)."""
    with _cache_lock:
        _cache.clear()


def _default_workday(day: dt.date) -> bool:
    return day.weekday() < 5


def _load_year(year: int, revision: uuid.UUID) -> _YearDays:
    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday")
    exceptions = frozenset(day for day, is_workday in rows if is_workday != _default_workday(day))
    data = _YearDays(revision, exceptions)
    with _cache_lock:
        _cache[year] = data
    return data


def calendar_missing(year: int) -> CalendarMissing:
    """Return the error for a year whose calendar is not loaded (the message names the year)."""
    return CalendarMissing(
        year,
        _(
            "The working-day calendar for %(year)s is not loaded, so no deadline in that year can be "
            "computed. An administrator must load the State Council notice for %(year)s."
        )
        % {"year": year},
    )


class DbCalendar:
    """The database calendar as a ``WorkdayLookup``: ``cal(day)`` is True on a working day.

    Bound to the revisions read when it was made: keep one for one
    computation (or one request), not for the life of the process.
    """

    def __init__(self, revisions: dict[int, uuid.UUID]) -> None:
        self._revisions = revisions

    def __call__(self, day: dt.date, /) -> bool:
        return self.is_workday(day)

    def is_workday(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day; raise ``CalendarMissing`` if its year is not complete."""
        return _default_workday(day) != (day in self._year(day.year).exceptions)

    def _year(self, year: int) -> _YearDays:
        revision = self._revisions.get(year)
        if revision is None:
            raise calendar_missing(year)
        cached = _cache.get(year)
        if cached is not None and cached.revision == revision:
            return cached
        return _load_year(year, revision)


def db_calendar() -> DbCalendar:
    """Return the calendar of the complete years, for ``sanxiang.lib.daycount``."""
    revisions = dict(CalendarYear.objects.filter(complete=True).values_list("year", "revision"))
    return DbCalendar(revisions)


def calendar_year_get(year: int) -> CalendarYear | None:
    """Return the year's row, or None when nothing of the year has been loaded."""
    return CalendarYear.objects.filter(year=year).first()


def calendar_special_days_list(year: int) -> list[CalendarDay]:
    """Return the year's holidays and make-up working days, in date order (what ``calendar show`` lists)."""
    kinds = [DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY]
    return list(CalendarDay.objects.filter(date__year=year, kind__in=kinds).order_by("date"))


def calendar_day_get(day: dt.date) -> CalendarDay | None:
    """Return the stored row of ``day``, or None."""
    return CalendarDay.objects.filter(date=day).first()
