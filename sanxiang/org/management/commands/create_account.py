"""``sanxiang create_account``: create a staff account with one role (the first accounts of a deployment).

A fresh deployment has no one who could create accounts in the web interface:
this command creates them, typically the three separated administrators::

    sanxiang create_account --username sec1 --full-name 张安全 --role security_admin --unit office

The password comes from ``--password-file`` or is asked twice at the terminal;
it is never an argument (it would stay in the shell history and the process
list). Everything happens in one transaction through the actions, as the
system actor: a refusal writes nothing.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org import actions
from sanxiang.org.models import Role, StaffKind, Unit, User
from sanxiang.org.selectors import system_user

ChoiceT = TypeVar("ChoiceT", bound=models.TextChoices)


def error_text(exc: DomainError) -> str:
    """The refusal's message followed by one line per field error."""
    lines = [exc.message]
    if isinstance(exc, ValidationFailed):
        lines += [f"  {name.replace('_', ' ') or '-'}: {msg}" for name, msgs in exc.errors.items() for msg in msgs]
    return "\n".join(lines)


def parse_choice(value: str, choices: type[ChoiceT], option: str) -> ChoiceT:
    """Return the member of ``choices`` whose value is ``value``, or refuse naming the allowed values."""
    try:
        return choices(value.strip())
    except ValueError:
        allowed = ", ".join(str(v) for v in choices.values)
        raise CommandError(
            _("%(option)s must be one of: %(allowed)s.") % {"option": option, "allowed": allowed}
        ) from None


def find_unit(code: str) -> Unit | None:
    """Return the unit with ``code`` (None when no code is given), or refuse listing the known codes."""
    if not code.strip():
        return None
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        known = ", ".join(Unit.objects.values_list("code", flat=True)[:30]) or "—"
        raise CommandError(
            _("There is no unit with the code %(code)s. Known codes: %(known)s") % {"code": code, "known": known}
        )
    return unit


def read_password_file(path: str) -> str:
    """Return the password in the file: its first line, without the line end."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(_("The password file cannot be read: %(e)s") % {"e": exc}) from None
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise CommandError(_("The password file is empty."))
    return password


def prompt_password() -> str:
    """Ask for the password twice at the terminal (not echoed)."""
    try:
        first = getpass.getpass(_("Password: "))
        second = getpass.getpass(_("Password (again): "))
    except (EOFError, KeyboardInterrupt):
        raise CommandError(_("Cancelled: no account was created.")) from None
    if not first:
        raise CommandError(_("The password cannot be empty."))
    if first != second:
        raise CommandError(_("The two passwords differ: no account was created."))
    return first


class Command(BaseCommand):
    help = (
        "Create a staff account with one role, e.g. the system, security or audit administrator of a fresh "
        "deployment. The password is read from --password-file or asked twice; it is never an argument."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # No abbreviations: "--password SECRET" must fail instead of meaning --password-file.
        return super().create_parser(prog_name, subcommand, allow_abbrev=False, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="Login name: letters, digits and . _ -")
        parser.add_argument("--full-name", required=True, help="Full name (Chinese), e.g. 张安全")
        parser.add_argument("--role", required=True, help=f"One role: {', '.join(Role.values)}")
        parser.add_argument("--unit", default="", help="Code of the unit (optional)")
        parser.add_argument(
            "--staff-kind", default=StaffKind.ESTABLISHED.value, help=f"One of: {', '.join(StaffKind.values)}"
        )
        parser.add_argument("--position", default="", help="Position, e.g. 安全管理员")
        parser.add_argument("--employee-no", default="", help="Employee number (optional)")
        parser.add_argument("--password-file", help="File whose first line is the password (else it is asked)")

    def handle(self, *args: Any, **options: Any) -> None:
        role = parse_choice(options["role"], Role, "--role")
        kind = parse_choice(options["staff_kind"], StaffKind, "--staff-kind")
        unit = find_unit(options["unit"])
        path = options["password_file"]
        password = read_password_file(path) if path else prompt_password()
        try:
            user = self._create(options, role=role, kind=kind, unit=unit, password=password)
        except DomainError as exc:
            raise CommandError(_("No account was created: %(e)s") % {"e": error_text(exc)}) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Created the account %(u)s (%(n)s) with the role %(r)s.")
                % {"u": user.username, "n": user.full_name, "r": role.label}
            )
        )
        self.stdout.write(_("The password must be changed at the first login."))

    @transaction.atomic
    def _create(
        self, options: dict[str, Any], *, role: Role, kind: StaffKind, unit: Unit | None, password: str
    ) -> User:
        actor = system_user()
        user = actions.staff_create(
            actor=actor,
            username=options["username"],
            full_name=options["full_name"],
            staff_kind=kind,
            unit=unit,
            position=options["position"],
            employee_no=options["employee_no"],
            password=password,
        )
        actions.role_grant(actor=actor, user=user, role=role)
        return user
