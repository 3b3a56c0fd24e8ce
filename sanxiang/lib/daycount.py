"""Legal day counting: working days, calendar days, months and years.

Pure functions over a calendar lookup (``WorkdayLookup``): any callable that
answers "is this date a working day?" and raises ``CalendarMissing`` for a date
whose year has no calendar data. The database-backed lookup lives in
``sanxiang.procedures.calendar``; tests pass synthetic ones.

The conventions (RULES.md §0, §12):

- The starting day is not counted (CPL Art. 85 para 2, applied by analogy;
  binding for 复议 through ARL Art. 88).
- "二日/三日/五日/七日" in the APL, periods "十日以内" in the AEL and
  "三日、五日、七日、十日" in the ARL are working days (APL Art. 85, AEL
  Art. 69, ARL Art. 88 para 2): ``add_working_days``. A working day is a
  Monday to Friday that is not a statutory holiday, plus the 调休 weekend days
  that the State Council notice turns into working days. That 调休 days count
  for APL deadlines is the usual reading, not a confirmed rule (RULES.md
  §15.16); the lookup is where that choice lives.
- Other periods are calendar periods: ``add_calendar_days``,
  ``add_months``, ``add_years``. If the last day is a 法定休假日 the period
  ends on the first day after it (CPL Art. 85 para 3). This module reads
  法定休假日 as every non-working day of the calendar (weekends and holidays,
  but not a 调休 weekend working day), so the end rolls forward to the next
  working day. Applying the CPL rule to APL periods is an interpretation,
  UNCONFIRMED as binding for 行政处罚 (RULES.md §15.17): callers may pass
  ``roll_forward=False``.

No function here imports Django: the lookup raises, these functions only
propagate, so a deadline whose counting touches a year without data fails
loudly instead of guessing.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from typing import Protocol

from sanxiang.lib.exceptions import DomainError

# A calendar with this many consecutive non-working days is broken data (the
# longest real break is about 9 days); stop instead of looping through years.
MAX_NON_WORKING_RUN = 60


class CalendarMissing(DomainError):
    """The calendar has no data for ``year``: no deadline that touches it can be computed.

    The lookup that raises it supplies the (translated) message, since this
    module has no access to the translation machinery.
    """

    def __init__(self, year: int, message: str) -> None:
        super().__init__(message)
        self.year = year


class CalendarBroken(DomainError):
    """The calendar has an implausibly long run of non-working days (wrong data)."""


class WorkdayLookup(Protocol):
    """Answers whether ``day`` is a working day; raises ``CalendarMissing`` for a year without data."""

    def __call__(self, day: dt.date, /) -> bool: ...


ONE_DAY = dt.timedelta(days=1)


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"a period cannot be negative (got {n})")


def is_working_day(day: dt.date, cal: WorkdayLookup) -> bool:
    """Return whether ``day`` is a working day according to ``cal``."""
    return cal(day)


def next_working_day(day: dt.date, cal: WorkdayLookup) -> dt.date:
    """Return the first working day strictly after ``day``.

    Raises ``CalendarBroken`` after ``MAX_NON_WORKING_RUN`` non-working days in a row.
    """
    current = day
    for _ in range(MAX_NON_WORKING_RUN):
        current += ONE_DAY
        if cal(current):
            return current
    raise CalendarBroken(f"No working day within {MAX_NON_WORKING_RUN} days after {day.isoformat()}.")


def roll_to_working_day(day: dt.date, cal: WorkdayLookup) -> dt.date:
    """Return ``day`` if it is a working day, else the first working day after it (CPL Art. 85 para 3)."""
    return day if cal(day) else next_working_day(day, cal)


def add_working_days(start: dt.date, n: int, cal: WorkdayLookup) -> dt.date:
    """Return the date ``n`` working days after ``start`` (``start`` itself not counted).

    ``n == 0`` returns ``start``. For ``n >= 1`` the result is always a working
    day, e.g. the last day to request a hearing is
    ``add_working_days(notice_served_on, 5, cal)`` (APL Art. 64, 85).
    """
    _check_count(n)
    current = start
    for _ in range(n):
        current = next_working_day(current, cal)
    return current


def working_days_between(a: dt.date, b: dt.date, cal: WorkdayLookup) -> int:
    """Count the working days after ``a`` up to and including ``b``.

    ``working_days_between(d, add_working_days(d, n, cal), cal) == n``. When
    ``b`` is before ``a`` the count is negative: ``-working_days_between(b, a)``.
    """
    if b < a:
        return -working_days_between(b, a, cal)
    count = 0
    current = a
    while current < b:
        current += ONE_DAY
        count += cal(current)
    return count


def add_calendar_days(start: dt.date, n: int, cal: WorkdayLookup, *, roll_forward: bool = True) -> dt.date:
    """Return the end of a period of ``n`` calendar days from ``start`` (``start`` not counted).

    With ``roll_forward`` an end on a non-working day moves to the next working
    day (CPL Art. 85 para 3; see the module docstring for the reading).
    """
    _check_count(n)
    end = start + dt.timedelta(days=n)
    return roll_to_working_day(end, cal) if roll_forward else end


def shift_months(start: dt.date, n: int) -> dt.date:
    """Return the same day ``n`` months later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    _check_count(n)
    month_index = start.month - 1 + n
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def add_months(start: dt.date, n: int, cal: WorkdayLookup, *, roll_forward: bool = True) -> dt.date:
    """Return the end of a period of ``n`` months from ``start``.

    The period ends on the day with the same number ``n`` months later, or on
    that month's last day when it has no such day (e.g. 3 months for a court
    application, AEL Art. 53; 6 months to sue, ALL Art. 46). With
    ``roll_forward`` a non-working end day moves to the next working day.
    """
    end = shift_months(start, n)
    return roll_to_working_day(end, cal) if roll_forward else end


def add_years(start: dt.date, n: int, cal: WorkdayLookup, *, roll_forward: bool = True) -> dt.date:
    """Return the end of a period of ``n`` years from ``start`` (Feb 29 + 1 year = Feb 28).

    E.g. the 2-year limitation of APL Art. 36. With ``roll_forward`` a
    non-working end day moves to the next working day.
    """
    end = shift_months(start, 12 * n)
    return roll_to_working_day(end, cal) if roll_forward else end
