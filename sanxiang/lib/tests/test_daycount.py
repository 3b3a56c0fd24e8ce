"""Legal day counting on synthetic calendars: 2026 typed in from the notice (RULES.md §12), and random ones."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.lib.daycount import (
    CalendarBroken,
    CalendarMissing,
    add_calendar_days,
    add_months,
    add_working_days,
    add_years,
    is_working_day,
    next_working_day,
    shift_months,
    working_days_between,
)

D = dt.date


def _span(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


class SyntheticCalendar:
    """Weekdays work, weekends rest, except the listed days; years outside ``years`` raise CalendarMissing."""

    def __init__(self, years: range, holidays: set[dt.date], makeup: set[dt.date]) -> None:
        self.years, self.holidays, self.makeup = years, holidays, makeup
        self.calls = 0

    def __call__(self, day: dt.date, /) -> bool:
        self.calls += 1
        if day.year not in self.years:
            raise CalendarMissing(day.year, f"no data for {day.year}")
        if day in self.holidays:
            return False
        return day in self.makeup or day.weekday() < 5


# 2026 from the State Council notice (RULES.md §12), typed in independently of any package.
CAL_2026 = SyntheticCalendar(
    range(2026, 2027),
    holidays=(
        _span(D(2026, 1, 1), D(2026, 1, 3))
        | _span(D(2026, 2, 15), D(2026, 2, 23))
        | _span(D(2026, 4, 4), D(2026, 4, 6))
        | _span(D(2026, 5, 1), D(2026, 5, 5))
        | _span(D(2026, 6, 19), D(2026, 6, 21))
        | _span(D(2026, 9, 25), D(2026, 9, 27))
        | _span(D(2026, 10, 1), D(2026, 10, 7))
    ),
    makeup={D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)},
)

WORKING_DAY_TABLE = [
    # (why, start, n, expected)
    ("7 WD across the Spring Festival; Sat 02-14 counts", D(2026, 2, 10), 7, D(2026, 2, 26)),
    ("hearing request, 5 WD across National Day", D(2026, 9, 29), 5, D(2026, 10, 12)),
    ("3 WD across National Day ends on make-up Sat 10-10", D(2026, 9, 30), 3, D(2026, 10, 10)),
    ("make-up Sun 09-20 counts", D(2026, 9, 18), 3, D(2026, 9, 22)),
    ("元旦: Sun 01-04 is the first working day", D(2026, 1, 1), 2, D(2026, 1, 5)),
    ("Labour Day: make-up Sat 05-09 is the 5th", D(2026, 4, 29), 5, D(2026, 5, 9)),
    ("start on a holiday, start not counted", D(2026, 10, 3), 1, D(2026, 10, 8)),
    ("zero days is the start", D(2026, 10, 3), 0, D(2026, 10, 3)),
    ("ordinary week", D(2026, 3, 2), 5, D(2026, 3, 9)),
]


@pytest.mark.parametrize(
    ("why", "start", "n", "expected"), WORKING_DAY_TABLE, ids=[row[0] for row in WORKING_DAY_TABLE]
)
def test_add_working_days_2026(why: str, start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n, CAL_2026) == expected
    if n:
        assert working_days_between(start, expected, CAL_2026) == n


CALENDAR_DAY_TABLE = [
    # (why, start, n, roll_forward, expected)
    ("15 CD ending on National Day rolls to 10-08", D(2026, 9, 16), 15, True, D(2026, 10, 8)),
    ("same period without rolling", D(2026, 9, 16), 15, False, D(2026, 10, 1)),
    ("ending on make-up Sat 10-10 stays", D(2026, 9, 25), 15, True, D(2026, 10, 10)),
    ("ending on an ordinary Sunday rolls to Monday", D(2026, 3, 7), 15, True, D(2026, 3, 23)),
    ("90 days from filing ending on 10-01", D(2026, 7, 3), 90, True, D(2026, 10, 8)),
    ("ending on a working day stays", D(2026, 3, 2), 15, True, D(2026, 3, 17)),
]


@pytest.mark.parametrize(
    ("why", "start", "n", "roll", "expected"), CALENDAR_DAY_TABLE, ids=[row[0] for row in CALENDAR_DAY_TABLE]
)
def test_add_calendar_days_2026(why: str, start: dt.date, n: int, roll: bool, expected: dt.date) -> None:
    assert add_calendar_days(start, n, CAL_2026, roll_forward=roll) == expected


MONTH_TABLE = [
    # (why, start, months, roll_forward, expected)
    ("Jan 31 + 1 month clamps to Feb 28 (a make-up Saturday: stays)", D(2026, 1, 31), 1, True, D(2026, 2, 28)),
    ("3 months ending in National Day rolls", D(2026, 7, 4), 3, True, D(2026, 10, 8)),
    ("6 months, month end to month end", D(2026, 3, 31), 6, True, D(2026, 9, 30)),
    ("clamping in a leap year", D(2024, 1, 31), 1, False, D(2024, 2, 29)),
    ("across the year end", D(2025, 11, 30), 3, False, D(2026, 2, 28)),
]


@pytest.mark.parametrize(("why", "start", "n", "roll", "expected"), MONTH_TABLE, ids=[row[0] for row in MONTH_TABLE])
def test_add_months(why: str, start: dt.date, n: int, roll: bool, expected: dt.date) -> None:
    assert add_months(start, n, CAL_2026, roll_forward=roll) == expected


def test_add_years_clamps_29_february_and_rolls() -> None:
    assert add_years(D(2024, 2, 29), 2, CAL_2026, roll_forward=False) == D(2026, 2, 28)
    # 2026-02-22 is a Sunday inside the Spring Festival break.
    assert add_years(D(2024, 2, 22), 2, CAL_2026) == D(2026, 2, 24)


def test_without_rolling_the_calendar_is_not_asked() -> None:
    cal = SyntheticCalendar(range(0), set(), set())
    assert add_calendar_days(D(2030, 1, 1), 10, cal, roll_forward=False) == D(2030, 1, 11)
    assert cal.calls == 0


def test_a_year_without_data_raises_calendar_missing() -> None:
    with pytest.raises(CalendarMissing) as info:
        add_working_days(D(2026, 12, 28), 5, CAL_2026)
    assert info.value.year == 2027
    with pytest.raises(CalendarMissing):
        add_calendar_days(D(2026, 12, 20), 15, CAL_2026)


def test_is_working_day() -> None:
    assert is_working_day(D(2026, 2, 14), CAL_2026) is True
    assert is_working_day(D(2026, 2, 16), CAL_2026) is False
    assert is_working_day(D(2026, 3, 7), CAL_2026) is False


def test_negative_periods_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1, CAL_2026)
    with pytest.raises(ValueError):
        shift_months(D(2026, 3, 2), -1)


def test_working_days_between_is_antisymmetric_and_excludes_the_first_day() -> None:
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2), CAL_2026) == 0
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 3), CAL_2026) == 1
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 2), CAL_2026) == -5


def test_a_calendar_without_working_days_stops() -> None:
    everything_off = SyntheticCalendar(range(2030, 2040), _span(D(2030, 1, 1), D(2039, 12, 31)), set())
    with pytest.raises(CalendarBroken):
        next_working_day(D(2030, 1, 1), everything_off)


# --- Properties on random calendars ------------------------------------------------------------

YEARS = range(2030, 2034)
in_2030_2031 = st.dates(min_value=D(2030, 1, 1), max_value=D(2031, 12, 31))
calendars = st.builds(
    lambda holidays, makeup: SyntheticCalendar(YEARS, holidays, {d for d in makeup if d.weekday() >= 5}),
    st.sets(in_2030_2031, max_size=40),
    st.sets(in_2030_2031, max_size=20),
)
starts = st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 12, 31))
counts = st.integers(min_value=0, max_value=200)


@given(cal=calendars, start=starts, n=st.integers(min_value=1, max_value=200))
def test_add_working_days_lands_on_a_working_day(cal: SyntheticCalendar, start: dt.date, n: int) -> None:
    assert cal(add_working_days(start, n, cal)) is True


@given(cal=calendars, start=starts, n=counts)
def test_working_days_between_inverts_add_working_days(cal: SyntheticCalendar, start: dt.date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n, cal), cal) == n


@given(cal=calendars, start=starts, n=counts, m=counts)
def test_add_working_days_is_monotonic_and_additive(cal: SyntheticCalendar, start: dt.date, n: int, m: int) -> None:
    low, high = sorted((n, m))
    assert add_working_days(start, low, cal) <= add_working_days(start, high, cal)
    if low < high:
        assert add_working_days(start, low, cal) < add_working_days(start, high, cal)
    assert add_working_days(add_working_days(start, n, cal), m, cal) == add_working_days(start, n + m, cal)


@given(cal=calendars, start=starts, n=st.integers(min_value=0, max_value=365))
def test_add_calendar_days_rolls_to_the_first_working_day(cal: SyntheticCalendar, start: dt.date, n: int) -> None:
    plain = start + dt.timedelta(days=n)
    end = add_calendar_days(start, n, cal)
    assert end >= plain
    assert cal(end) is True
    # Minimal: every day from the plain end up to the result is a non-working day.
    assert working_days_between(plain, end, cal) == (0 if end == plain else 1)
    assert add_calendar_days(start, n, cal, roll_forward=False) == plain


@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), n=st.integers(min_value=0, max_value=120))
def test_shift_months_keeps_the_day_or_clamps_to_month_end(start: dt.date, n: int) -> None:
    end = shift_months(start, n)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    next_month_first = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert end.day == start.day or (end.day < start.day and end + dt.timedelta(days=1) == next_month_first)
