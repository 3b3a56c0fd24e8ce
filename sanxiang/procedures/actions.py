"""Every write to the working-day calendar goes through these functions.

Three ways in:

1. ``calendar_seed_year``: the whole year from the ``chinesecalendar`` package
   (data 2004–2026 in 1.11.0). Days already loaded from a notice or corrected
   by hand are kept, so seeding can be rerun at any time and changes nothing
   the second time.
2. ``calendar_load_year``: the whole year from the State Council General
   Office notice (RULES.md §12), for years the package does not know yet
   (every November, for the next year). It replaces every day of the year.
3. ``calendar_set_day``: one day corrected by hand, with the reason.

Each action checks the actor's permission, writes the days, changes the
year's revision (so every process drops its cached copy) and appends an
audit row, all in one transaction.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import chinese_calendar
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, require_perm
from sanxiang.procedures.models import WORKING_KINDS, CalendarDay, CalendarSource, CalendarYear, DayKind
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory

# A sanity range for typed-in years; the platform has no use for others.
MIN_YEAR = 2000
MAX_YEAR = 2100
NAME_MAX_LENGTH = 60  # CalendarDay.name


@dataclass(frozen=True)
class DayPlan:
    """What one day should be: working day or not, its kind and its holiday name."""

    is_workday: bool
    kind: DayKind
    name: str = ""


@dataclass(frozen=True)
class WriteCounts:
    created: int
    updated: int
    kept: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail("year", _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})


def days_of_year(year: int) -> list[dt.date]:
    """Return every date of ``year`` in order (365 or 366)."""
    first = dt.date(year, 1, 1)
    length = 366 if _stdlib_calendar.isleap(year) else 365
    return [first + dt.timedelta(days=i) for i in range(length)]


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


# --- Planning a year (pure) ---------------------------------------------------------------


def _package_holiday_name(english: str | None) -> str:
    """Return the Chinese name (春节, 国庆节) of a ``chinesecalendar`` holiday, or '' for none."""
    if english is None:
        return ""
    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english


def plan_from_package(day: dt.date) -> DayPlan:
    """Return the day as the ``chinesecalendar`` package has it (its year must be supported).

    A make-up working day carries the name of the holiday it makes up for,
    e.g. Sat 2026-02-14 "春节".
    """
    is_workday = bool(chinese_calendar.is_workday(day))
    _on_holiday, english = chinese_calendar.get_holiday_detail(day)
    name = _package_holiday_name(english)
    if is_workday:
        return DayPlan(True, DayKind.MAKEUP_WORKDAY if _is_weekend(day) else DayKind.WORKDAY, name)
    if name or not _is_weekend(day):
        return DayPlan(False, DayKind.HOLIDAY, name)
    return DayPlan(False, DayKind.WEEKEND)


def plan_from_notice(day: dt.date, holidays: dict[dt.date, str], makeup_workdays: frozenset[dt.date]) -> DayPlan:
    """Return the day as a State Council notice fixes it.

    Every weekday works except the listed holidays; every weekend day is off
    except the listed make-up working days (调休上班).
    """
    if day in holidays:
        return DayPlan(False, DayKind.HOLIDAY, holidays[day])
    if day in makeup_workdays:
        return DayPlan(True, DayKind.MAKEUP_WORKDAY)
    if _is_weekend(day):
        return DayPlan(False, DayKind.WEEKEND)
    return DayPlan(True, DayKind.WORKDAY)


def package_knows_year(year: int) -> bool:
    """True when the installed ``chinesecalendar`` has data for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


# --- Writing ----------------------------------------------------------------------------------


def _differs(row: CalendarDay, plan: DayPlan, source: CalendarSource) -> bool:
    return (row.is_workday, row.kind, row.name, row.source) != (plan.is_workday, plan.kind, plan.name, source)


def _write_days(
    *,
    actor: User,
    plans: dict[dt.date, DayPlan],
    source: CalendarSource,
    keep: Callable[[CalendarDay], bool],
) -> WriteCounts:
    """Bring the stored days in line with ``plans``, leaving the rows ``keep`` protects.

    Steps: 1. read the year's rows in one query; 2. new dates become
    ``bulk_create`` rows; 3. rows that differ (and are not kept) are changed
    with one ``bulk_update``; unchanged rows are not touched, which is what
    makes a rerun a no-op.
    """
    now = timezone.now()
    existing = {row.date: row for row in CalendarDay.objects.filter(date__in=list(plans))}
    new: list[CalendarDay] = []
    changed: list[CalendarDay] = []
    kept = 0
    for day, plan in plans.items():
        row = existing.get(day)
        if row is None:
            new.append(CalendarDay(date=day, source=source, updated_by=actor, updated_at=now, **vars(plan)))
        elif keep(row):
            kept += 1
        elif _differs(row, plan, source):
            row.is_workday, row.kind, row.name, row.source = plan.is_workday, plan.kind, plan.name, source
            row.note, row.updated_by, row.updated_at = "", actor, now
            changed.append(row)
    CalendarDay.objects.bulk_create(new)
    fields = ["is_workday", "kind", "name", "source", "note", "updated_by", "updated_at"]
    CalendarDay.objects.bulk_update(changed, fields)
    return WriteCounts(created=len(new), updated=len(changed), kept=kept)


def _lock_year(year: int, source: CalendarSource) -> CalendarYear:
    """Return the year's row, created (not complete) if missing, locked until the transaction ends.

    The lock queues two loads of the same year (on PostgreSQL; SQLite's
    IMMEDIATE transactions already serialise writers), so that the second
    sees the first's days instead of failing on the unique date.
    """
    row, _created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
    return CalendarYear.objects.select_for_update().get(pk=row.pk)


def _touch_year(
    row: CalendarYear, *, actor: User, source: CalendarSource, complete: bool, note: str | None = None
) -> CalendarYear:
    """Record a change to the year: new revision (drops every cached copy); complete loads also stamp who and when."""
    row.revision = uuid.uuid4()
    if complete:
        row.complete, row.source = True, source
        row.loaded_at, row.loaded_by = timezone.now(), actor
    if note is not None:
        row.note = note
    row.save()
    return row


@transaction.atomic
def calendar_seed_year(*, actor: User, year: int) -> CalendarYear:
    """Load every day of ``year`` from the ``chinesecalendar`` package and mark the year complete.

    Days loaded from a State Council notice or corrected by hand are kept.
    Rerunning changes nothing (no row, no revision, no ``loaded_at``); the
    audit row records the counts either way. Refuses a year the package has
    no data for: the administrator must then load the notice
    (``calendar_load_year``).
    """
    require_perm(actor, Perm.STAFF_MANAGE)
    _check_year(year)
    if not package_knows_year(year):
        raise DomainError(
            _(
                "The chinesecalendar package has no working-day data for %(year)s. An administrator must load "
                "the State Council notice for %(year)s instead."
            )
            % {"year": year}
        )
    row = _lock_year(year, CalendarSource.CHINESECALENDAR)
    was_complete = row.complete
    plans = {day: plan_from_package(day) for day in days_of_year(year)}
    counts = _write_days(
        actor=actor,
        plans=plans,
        source=CalendarSource.CHINESECALENDAR,
        keep=lambda row: row.source != CalendarSource.CHINESECALENDAR,
    )
    if not was_complete or counts.changed:
        # A year already loaded from a notice keeps that source: the package only filled gaps.
        source = CalendarSource(row.source) if was_complete else CalendarSource.CHINESECALENDAR
        _touch_year(row, actor=actor, source=source, complete=True)
    _audit(actor, "calendar.seed_year", row, {"year": year, **vars(counts)})
    return row


def _audit(actor: User, action: str, obj: CalendarYear | CalendarDay, detail: dict[str, object]) -> None:
    audit_record(actor=actor, action=action, category=AuditCategory.DATA, obj=obj, detail=detail)


def _notice_problems(
    year: int, holidays: Sequence[tuple[dt.date, str]], makeup_workdays: Sequence[dt.date]
) -> dict[str, list[str]]:
    """Return the field messages for a notice that cannot be right (empty when it is acceptable)."""
    errors: dict[str, list[str]] = {"holidays": [], "makeup_workdays": []}
    if not holidays:
        errors["holidays"].append(_("The notice must list at least one holiday."))
    holiday_dates = [day for day, _name in holidays]
    for day, name in holidays:
        if day.year != year:
            errors["holidays"].append(_("%(date)s is not in %(year)s.") % {"date": day, "year": year})
        if not name.strip() or len(name.strip()) > NAME_MAX_LENGTH:
            errors["holidays"].append(
                _("Give the holiday name of %(date)s (at most %(max)s characters).")
                % {"date": day, "max": NAME_MAX_LENGTH}
            )
    if len(set(holiday_dates)) != len(holiday_dates):
        errors["holidays"].append(_("A date is listed twice."))
    for day in makeup_workdays:
        if day.year != year:
            errors["makeup_workdays"].append(_("%(date)s is not in %(year)s.") % {"date": day, "year": year})
        if not _is_weekend(day):
            errors["makeup_workdays"].append(_("%(date)s is not a Saturday or Sunday.") % {"date": day})
        if day in holiday_dates:
            errors["makeup_workdays"].append(_("%(date)s is also listed as a holiday.") % {"date": day})
    if len(set(makeup_workdays)) != len(makeup_workdays):
        errors["makeup_workdays"].append(_("A date is listed twice."))
    return {field: messages for field, messages in errors.items() if messages}


@transaction.atomic
def calendar_load_year(
    *,
    actor: User,
    year: int,
    holidays: Sequence[tuple[dt.date, str]],
    makeup_workdays: Sequence[dt.date],
    source: CalendarSource = CalendarSource.STATE_COUNCIL_NOTICE,
    note: str = "",
) -> CalendarYear:
    """Load ``year`` from the State Council notice and mark it complete.

    ``holidays`` lists every day off with its name, weekend days inside a
    break included (e.g. 2026-02-15..23 "春节"); ``makeup_workdays`` lists the
    weekend days worked (调休上班). Every other weekday is a working day and
    every other weekend day is off. Replaces every stored day of the year,
    hand corrections included: the notice is the authority. ``note`` should
    name the notice (number and date).
    """
    require_perm(actor, Perm.STAFF_MANAGE)
    _check_year(year)
    if source == CalendarSource.CHINESECALENDAR:
        raise _fail("source", _("Use the seed action to load a year from the chinesecalendar package."))
    errors = _notice_problems(year, holidays, makeup_workdays)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors)
    named = {day: name.strip() for day, name in holidays}
    makeup = frozenset(makeup_workdays)
    plans = {day: plan_from_notice(day, named, makeup) for day in days_of_year(year)}
    row = _lock_year(year, source)
    counts = _write_days(actor=actor, plans=plans, source=source, keep=lambda row: False)
    _touch_year(row, actor=actor, source=source, complete=True, note=note.strip())
    detail = {"year": year, "holidays": len(named), "makeup_workdays": len(makeup), "note": row.note, **vars(counts)}
    _audit(actor, "calendar.load_year", row, detail)
    return row


def _day_problems(date: dt.date, is_workday: bool, kind: DayKind, name: str, note: str) -> dict[str, list[str]]:
    """Return the field messages for a hand correction that contradicts itself."""
    errors: dict[str, list[str]] = {}
    if (kind in WORKING_KINDS) != is_workday:
        errors["kind"] = [_("The kind does not agree with whether the day is a working day.")]
    elif kind in (DayKind.WEEKEND, DayKind.MAKEUP_WORKDAY) and not _is_weekend(date):
        errors["kind"] = [_("Only a Saturday or Sunday can be a weekend day or a make-up working day.")]
    elif kind == DayKind.WORKDAY and _is_weekend(date):
        errors["kind"] = [_("A Saturday or Sunday that is worked is a make-up working day.")]
    if kind == DayKind.HOLIDAY and not name.strip():
        errors["name"] = [_("Give the name of the holiday.")]
    if len(name.strip()) > NAME_MAX_LENGTH:
        errors["name"] = [_("The name is too long.")]
    if not note.strip():
        errors["note"] = [_("Give the reason for the correction (e.g. the notice it follows).")]
    return errors


@transaction.atomic
def calendar_set_day(
    *,
    actor: User,
    date: dt.date,
    is_workday: bool,
    kind: DayKind,
    name: str = "",
    note: str,
) -> CalendarDay:
    """Correct one day by hand, with the reason in ``note``.

    The day keeps the correction when the year is seeded again (a notice load
    replaces it). Correcting a day of a year that is not loaded does not make
    that year usable: only a complete load does.
    """
    require_perm(actor, Perm.STAFF_MANAGE)
    _check_year(date.year)
    errors = _day_problems(date, is_workday, kind, name, note)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors)
    year_row = _lock_year(date.year, CalendarSource.MANUAL)
    row = CalendarDay.objects.filter(date=date).first()
    before = None if row is None else {"is_workday": row.is_workday, "kind": row.kind, "name": row.name}
    if row is None:
        row = CalendarDay(date=date)
    row.is_workday, row.kind, row.name, row.note = is_workday, kind, name.strip(), note.strip()
    row.source, row.updated_by, row.updated_at = CalendarSource.MANUAL, actor, timezone.now()
    row.full_clean()
    row.save()
    _touch_year(year_row, actor=actor, source=CalendarSource.MANUAL, complete=False)
    after = {"is_workday": is_workday, "kind": str(kind), "name": row.name}
    _audit(
        actor, "calendar.set_day", row, {"date": date.isoformat(), "before": before, "after": after, "note": row.note}
    )
    return row
