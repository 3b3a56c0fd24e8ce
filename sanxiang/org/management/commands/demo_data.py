"""``sanxiang demo_data``: create the demo bureau, its calendar, catalogue and cases (idempotent) and print them."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanxiang.cases.demo import DemoCasesResult, demo_cases_build
from sanxiang.cases.models import Case
from sanxiang.catalog.demo import demo_catalog_build, demo_review_catalogue_build
from sanxiang.discretion.demo import demo_baseline_build
from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org.demo import AGENCY_NAME, DEMO_PASSWORD, demo_build
from sanxiang.org.models import Role, User
from sanxiang.org.permissions import roles_of
from sanxiang.org.selectors import system_user
from sanxiang.procedures import definitions
from sanxiang.procedures.demo import PROVISIONAL_NOTE, CalendarReport, demo_calendar_ensure
from sanxiang.publicity.demo import demo_publicity


def _width(text: str) -> int:
    """Columns that ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _error_text(exc: DomainError) -> str:
    lines = [exc.message]
    if isinstance(exc, ValidationFailed):
        lines += [f"  {name or '-'}: {msg}" for name, msgs in exc.errors.items() for msg in msgs]
    return "\n".join(lines)


def case_row(case: Case) -> list[str]:
    """One line of the demo cases: number, procedure, state, unit, the start of the summary."""
    proc = definitions.get(case.procedure)
    summary = case.summary if len(case.summary) <= 24 else case.summary[:23] + "…"
    return [str(case), str(proc.label), str(proc.step(case.state).label), case.unit.name, summary]


def account_row(user: User) -> list[str]:
    """One line of the accounts table: login name, name, unit, roles, password."""
    held = roles_of(user)
    roles = "、".join(str(role.label) for role in Role if role in held) or "—"
    return [user.username, user.full_name, user.unit.name if user.unit else "—", roles, DEMO_PASSWORD]


class Command(BaseCommand):
    help = (
        "Create the demo bureau (四平市铁西区城市管理行政执法局) with staff, certificates and training, "
        "its working-day calendar, violation catalogue and cases in several states, "
        "and print the demo accounts and cases. Safe to run again: nothing is created twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even in production mode (the demo accounts share a published password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                _("Demo data is not for a production deployment: its accounts share a published password.")
            )
        try:
            with transaction.atomic():
                result = demo_build(actor=system_user(), today=timezone.localdate())
            # The cases in a transaction of their own: the accounts stay usable if they fail.
            with transaction.atomic():
                calendar = demo_calendar_ensure(actor=system_user(), today=timezone.localdate())
                violations = demo_catalog_build(actor=system_user())
                # The legal-review catalogue and the discretion baseline come before the cases: the
                # decisions of the demo cases are checked against them (RULES.md §3.3, §7).
                demo_review_catalogue_build(actor=system_user())
                demo_baseline_build(actor=system_user(), violations=violations)
                cases = demo_cases_build(violations=violations)
                # What the public portal shows: the lists, and the decided demo cases (redacted).
                demo_publicity()
        except DomainError as exc:
            raise CommandError(_("The demo data could not be created: %(e)s") % {"e": _error_text(exc)}) from exc
        if result.created:
            self.stdout.write(self.style.SUCCESS(_("Created %(n)d demo accounts.") % {"n": result.created}))
        else:
            self.stdout.write(_("The demo data already exists: nothing was created."))
        self._print_accounts(result.accounts)
        self._print_cases(cases)
        self._print_calendar(calendar)

    def _print_table(self, header: list[str], rows: list[list[str]]) -> None:
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())

    def _print_cases(self, cases: DemoCasesResult) -> None:
        self.stdout.write("")
        if cases.created:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext("Created %(n)d demo case.", "Created %(n)d demo cases.", cases.created)
                    % {"n": cases.created}
                )
            )
        if cases.cases:
            self.stdout.write(_("Demo cases:"))
            header = [_("Number"), _("Procedure"), _("State"), _("Unit"), _("Summary")]
            self._print_table(header, [case_row(case) for case in cases.cases])
        for note in cases.notes:
            self.stdout.write(self.style.WARNING(note))

    def _print_calendar(self, calendar: CalendarReport) -> None:
        for year in calendar.provisional:
            self.stdout.write(
                self.style.WARNING(
                    _("Provisional calendar for %(year)s: %(note)s") % {"year": year, "note": PROVISIONAL_NOTE}
                )
            )
            self.stdout.write(
                _("Load the official notice with: sanxiang calendar load --year %(year)s --file notice.json")
                % {"year": year}
            )
        for year in calendar.outdated:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The chinesecalendar package now has %(year)s: load the official notice over the provisional calendar."
                    )
                    % {"year": year}
                )
            )
        for year in calendar.missing:
            self.stdout.write(self.style.WARNING(_("The calendar for %(year)s is not loaded.") % {"year": year}))

    def _print_accounts(self, accounts: list[User]) -> None:
        header = [_("Login name"), _("Name"), _("Unit"), _("Roles"), _("Password")]
        self.stdout.write("")
        self.stdout.write(_("Demo accounts of %(agency)s:") % {"agency": AGENCY_NAME})
        self._print_table(header, [account_row(user) for user in accounts])
        self.stdout.write("")
        self.stdout.write(_("Every demo account has the password %(p)s.") % {"p": DEMO_PASSWORD})
        self.stdout.write(
            _(
                "The second factor is off in the demo: `make run` starts the server with SANXIANG_MFA_REQUIRED=0. "
                "A real deployment keeps it on, and each person sets up an authenticator app at the first login."
            )
        )
