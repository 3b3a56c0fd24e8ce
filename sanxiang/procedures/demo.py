"""The demo's working-day calendar: the years the package knows, and a provisional one for the next year.

``demo_calendar_ensure`` makes the demo usable whatever the day of the run:

1. Every year from 2024 to the year after today that the ``chinesecalendar``
   package knows is seeded from it (``calendar_seed_year``).
2. Today's year and the next one, when the package does not know them and
   nothing of the year is loaded, get a **provisional** calendar through
   ``calendar_load_year`` (source ``manual``, note ``PROVISIONAL_NOTE``):
   only the statutory holidays of 《全国年节及纪念日放假办法》 (as amended,
   in force 2025-01-01), with no 调休 make-up working days, which only the
   State Council General Office notice fixes. Without it a case registered
   in November could not be: its 90-day decision period ends next year.
3. A complete year is never touched again, whatever its source: a year
   loaded from the notice stays as it is, and so does the provisional one
   until an administrator loads the notice over it.

``statutory_holidays`` is pure, so the holiday rules are tested against the
package's years that followed real notices (2025, 2026).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sanxiang.org.models import User
from sanxiang.procedures.actions import calendar_load_year, calendar_seed_year, package_knows_year
from sanxiang.procedures.calendar import calendar_year_get
from sanxiang.procedures.models import CalendarDay, CalendarSource, CalendarYear

#: The first year the demo seeds (its certificates and trainings start in 2024-2025).
FIRST_SEEDED_YEAR = 2024

#: Shown on the year (``CalendarYear.note``) and printed by ``demo_data``.
PROVISIONAL_NOTE = (
    "演示用临时日历：仅含法定节假日，未含国务院办公厅公布的调休安排，正式使用前须导入官方通知。"
    "节日逢周六、周日的，按《全国年节及纪念日放假办法》第六条暂在其后的工作日补假。"
)


@dataclass(frozen=True)
class LunarDates:
    """The Gregorian dates of a year's festivals that move: 春节 (正月初一), 清明, 端午 (五月初五), 中秋 (八月十五)."""

    spring_festival: dt.date
    qingming: dt.date
    dragon_boat: dt.date
    mid_autumn: dt.date


# 春节, 端午 and 中秋 from the Chinese lunisolar calendar, checked against the ``holidays``
# package's lunisolar tables (which agree with the notices for 2024-2026); 清明 is the solar term
# as ``chinese_calendar.get_solar_terms`` computes it. 2025 and 2026 are here only so the tests can
# compare the rules with the package's years, which follow the real notices.
LUNAR_DATES: dict[int, LunarDates] = {
    2025: LunarDates(dt.date(2025, 1, 29), dt.date(2025, 4, 4), dt.date(2025, 5, 31), dt.date(2025, 10, 6)),
    2026: LunarDates(dt.date(2026, 2, 17), dt.date(2026, 4, 5), dt.date(2026, 6, 19), dt.date(2026, 9, 25)),
    2027: LunarDates(dt.date(2027, 2, 6), dt.date(2027, 4, 5), dt.date(2027, 6, 9), dt.date(2027, 9, 15)),
    2028: LunarDates(dt.date(2028, 1, 26), dt.date(2028, 4, 4), dt.date(2028, 5, 28), dt.date(2028, 10, 3)),
    2029: LunarDates(dt.date(2029, 2, 13), dt.date(2029, 4, 4), dt.date(2029, 6, 16), dt.date(2029, 9, 22)),
    2030: LunarDates(dt.date(2030, 2, 3), dt.date(2030, 4, 5), dt.date(2030, 6, 5), dt.date(2030, 9, 12)),
}

ONE_DAY = dt.timedelta(days=1)


def _run(first: dt.date, days: int) -> list[dt.date]:
    return [first + ONE_DAY * i for i in range(days)]


def festival_days(year: int, lunar: LunarDates) -> list[tuple[str, list[dt.date]]]:
    """The days off of 《全国年节及纪念日放假办法》 Art. 2 (2024 amendment) for ``year``, festival by festival."""
    return [
        ("元旦", [dt.date(year, 1, 1)]),
        ("春节", _run(lunar.spring_festival - ONE_DAY, 4)),  # 农历除夕、正月初一至初三
        ("清明节", [lunar.qingming]),
        ("劳动节", _run(dt.date(year, 5, 1), 2)),
        ("端午节", [lunar.dragon_boat]),
        ("中秋节", [lunar.mid_autumn]),
        ("国庆节", _run(dt.date(year, 10, 1), 3)),
    ]


def _next_free_weekday(day: dt.date, taken: dict[dt.date, str]) -> dt.date:
    day += ONE_DAY
    while day.weekday() >= 5 or day in taken:
        day += ONE_DAY
    return day


def statutory_holidays(year: int, lunar: LunarDates) -> list[tuple[dt.date, str]]:
    """Return the statutory days off of ``year`` with their names, in date order (no 调休).

    1. Take each festival's days (Art. 2).
    2. A day that falls on a Saturday or Sunday is made up by a 补假 on a
       working day (Art. 6). The law does not say which day: the notice does.
       Provisionally the days after the festival are used, as the notices
       usually do. A day shared with another festival (中秋 on 国庆, as in
       2020) is made up the same way, as the 2020 notice did.
    """
    taken: dict[dt.date, str] = {}
    for name, days in sorted(festival_days(year, lunar), key=lambda item: item[1][0]):
        lost = sum(1 for day in days if day.weekday() >= 5 or day in taken)
        for day in days:
            taken.setdefault(day, name)
        last = max(days)
        for _i in range(lost):
            last = _next_free_weekday(last, taken)
            taken[last] = name
    return sorted(taken.items())


@dataclass
class CalendarReport:
    """What ``demo_calendar_ensure`` found and did, year by year."""

    seeded: list[int] = field(default_factory=list)
    provisional: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    # Provisional years the package has learnt since: the notice should now be loaded over them.
    outdated: list[int] = field(default_factory=list)


def is_provisional(row: CalendarYear) -> bool:
    """True for a year loaded by the demo's provisional calendar (and not replaced since)."""
    return row.complete and row.source == CalendarSource.MANUAL and row.note == PROVISIONAL_NOTE


def _load_provisional(actor: User, year: int) -> bool:
    """Load the provisional calendar of ``year`` if it is known and no day of the year is stored."""
    lunar = LUNAR_DATES.get(year)
    if lunar is None or CalendarDay.objects.filter(date__year=year).exists():
        return False  # hand corrections of a year in progress are not replaced by a guess
    calendar_load_year(
        actor=actor,
        year=year,
        holidays=statutory_holidays(year, lunar),
        makeup_workdays=[],
        source=CalendarSource.MANUAL,
        note=PROVISIONAL_NOTE,
    )
    return True


def demo_calendar_ensure(*, actor: User, today: dt.date) -> CalendarReport:
    """Load what the demo needs of the calendar (see the module docstring); ``actor`` is the system user."""
    report = CalendarReport()
    for year in range(FIRST_SEEDED_YEAR, today.year + 2):
        row = calendar_year_get(year)
        if row is not None and row.complete:
            if is_provisional(row):
                report.provisional.append(year)
                if package_knows_year(year):
                    report.outdated.append(year)
        elif package_knows_year(year):
            calendar_seed_year(actor=actor, year=year)
            report.seeded.append(year)
        elif year >= today.year and _load_provisional(actor, year):
            report.provisional.append(year)
        elif year >= today.year:
            report.missing.append(year)
    return report
