"""``sanxiang calendar``: load and show the working-day calendar.

::

    sanxiang calendar seed --year 2026           # from the chinesecalendar package
    sanxiang calendar seed --years 2024-2026
    sanxiang calendar show --year 2026           # the holidays and make-up working days
    sanxiang calendar load --year 2027 --file notice.json [--note "国办发明电〔2026〕N号"]

The notice file (typed in from the State Council General Office notice)::

    {"holidays": [["2027-01-01", "元旦"], ...], "makeup_workdays": ["2027-...", ...]}

The commands act as the system actor; every change is audited.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org.selectors import system_user
from sanxiang.procedures.actions import MAX_YEAR, MIN_YEAR, calendar_load_year, calendar_seed_year
from sanxiang.procedures.calendar import calendar_special_days_list, calendar_year_get

YEARS_RE = re.compile(r"^(\d{4})-(\d{4})$")


def parse_years(text: str) -> list[int]:
    """Parse "2024-2026" into [2024, 2025, 2026]; raise ``CommandError`` on anything else."""
    match = YEARS_RE.match(text.strip())
    if match is None:
        raise CommandError(_("--years must look like 2024-2026."))
    first, last = int(match.group(1)), int(match.group(2))
    if first > last or first < MIN_YEAR or last > MAX_YEAR:
        raise CommandError(
            _("--years must be an increasing range between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return list(range(first, last + 1))


def _date(value: Any, where: str) -> dt.date:
    if not isinstance(value, str):
        raise CommandError(_("%(where)s: expected a date as text (YYYY-MM-DD).") % {"where": where})
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(where)s: %(value)s is not a date (YYYY-MM-DD).") % {"where": where, "value": value}
        ) from None


def _holiday(item: Any, index: int) -> tuple[dt.date, str]:
    where = f"holidays[{index}]"
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
        raise CommandError(_('%(where)s: expected ["YYYY-MM-DD", "name"].') % {"where": where})
    return _date(item[0], where), item[1]


def read_notice(path: Path) -> tuple[list[tuple[dt.date, str]], list[dt.date]]:
    """Read a notice file (see the module docstring); raise ``CommandError`` naming the bad entry."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(_("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": exc}) from None
    if not isinstance(data, dict) or set(data) != {"holidays", "makeup_workdays"}:
        raise CommandError(_('The file must hold one object with exactly "holidays" and "makeup_workdays".'))
    if not isinstance(data["holidays"], list) or not isinstance(data["makeup_workdays"], list):
        raise CommandError(_('"holidays" and "makeup_workdays" must be lists.'))
    holidays = [_holiday(item, i) for i, item in enumerate(data["holidays"])]
    makeup = [_date(item, f"makeup_workdays[{i}]") for i, item in enumerate(data["makeup_workdays"])]
    return holidays, makeup


def _domain_message(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed) and exc.errors:
        lines = [f"{field}: {message}" for field, messages in exc.errors.items() for message in messages]
        return "\n".join([exc.message, *lines])
    return exc.message


class Command(BaseCommand):
    help = "Load (seed from the chinesecalendar package, or from a State Council notice) and show the working-day calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        seed: ArgumentParser = sub.add_parser("seed", help="Load years from the chinesecalendar package.")
        years = seed.add_mutually_exclusive_group(required=True)
        years.add_argument("--year", type=int)
        years.add_argument("--years", help="A range such as 2024-2026.")
        show: ArgumentParser = sub.add_parser("show", help="List a year's holidays and make-up working days.")
        show.add_argument("--year", type=int, required=True)
        load: ArgumentParser = sub.add_parser("load", help="Load a year from a State Council notice (JSON file).")
        load.add_argument("--year", type=int, required=True)
        load.add_argument("--file", type=Path, required=True)
        load.add_argument("--note", default="", help="The notice's number and date.")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {"seed": self.seed, "show": self.show, "load": self.load}
        try:
            handlers[options["subcommand"]](options)
        except DomainError as exc:
            raise CommandError(_domain_message(exc)) from None

    def seed(self, options: dict[str, Any]) -> None:
        years = [options["year"]] if options["year"] is not None else parse_years(options["years"])
        actor = system_user()
        for year in years:
            calendar_seed_year(actor=actor, year=year)
            self.stdout.write(_("%(year)s: loaded from the chinesecalendar package.") % {"year": year})

    def load(self, options: dict[str, Any]) -> None:
        holidays, makeup = read_notice(options["file"])
        year = options["year"]
        calendar_load_year(
            actor=system_user(), year=year, holidays=holidays, makeup_workdays=makeup, note=options["note"]
        )
        self.stdout.write(
            _("%(year)s: loaded from the notice (%(holidays)s holidays, %(makeup)s make-up working days).")
            % {"year": year, "holidays": len(holidays), "makeup": len(makeup)}
        )

    def show(self, options: dict[str, Any]) -> None:
        year = options["year"]
        row = calendar_year_get(year)
        if row is None or not row.complete:
            raise CommandError(_("The calendar for %(year)s is not loaded.") % {"year": year})
        loaded = f"{timezone.localtime(row.loaded_at):%Y-%m-%d %H:%M}" if row.loaded_at else "-"
        self.stdout.write(f"{year}  {row.get_source_display()}  {loaded}  {row.note}".rstrip())
        for day in calendar_special_days_list(year):
            weekday = WEEKDAYS_ABBR[day.date.weekday()]
            self.stdout.write(f"{day.date.isoformat()}  {weekday}  {day.get_kind_display()}  {day.name}".rstrip())
