"""``sanxiang api_token issue|revoke|list``: API tokens for machine clients, as the system actor.

::

    sanxiang api_token issue --user officer1 --name 执法终端-01 --expires-on 2027-06-30
    sanxiang api_token list [--user officer1] [--all]
    sanxiang api_token revoke sx_1a2b3c4d        (or the id shown by list)

``issue`` prints the token once: it is stored only as a digest and cannot be
shown again. Issue, revocation and every refused use are in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sanxiang.apitokens.actions import api_token_issue, api_token_revoke
from sanxiang.apitokens.models import ApiToken
from sanxiang.apitokens.selectors import api_token_list
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.management.commands.create_account import error_text
from sanxiang.org.models import User
from sanxiang.org.selectors import system_user


def find_user(username: str) -> User:
    """Return the account with this login name, or refuse."""
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise CommandError(_("There is no account with the login name %(u)s.") % {"u": username})
    return user


def find_token(ref: str) -> ApiToken:
    """Return the token named by its id or its prefix (``sx_1a2b3c4d`` or ``1a2b3c4d``), or refuse."""
    ref = ref.strip()
    tokens = ApiToken.objects.all()
    token = (
        tokens.filter(pk=int(ref)).first()
        if ref.isdigit()
        else tokens.filter(prefix=ref.removeprefix("sx_")[:16]).first()
    )
    if token is None:
        raise CommandError(_("There is no API token %(t)s.") % {"t": ref})
    return token


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(_("--expires-on must be a date written YYYY-MM-DD.")) from None


class Command(BaseCommand):
    help = "Issue, revoke or list API tokens. A token acts with its user's roles and scope, never more."

    def add_arguments(self, parser: CommandParser) -> None:
        operations = parser.add_subparsers(dest="operation", required=True)
        issue = operations.add_parser("issue", help="Issue a token (printed once)")
        issue.add_argument("--user", required=True, help="Login name of the staff member the client acts as")
        issue.add_argument("--name", required=True, help="Name of the client, e.g. 执法终端-01")
        issue.add_argument("--expires-on", required=True, help="Last day of validity, YYYY-MM-DD")
        revoke = operations.add_parser("revoke", help="Revoke a token")
        revoke.add_argument("token", help="The token's id or prefix (sx_1a2b3c4d)")
        listing = operations.add_parser("list", help="List tokens")
        listing.add_argument("--user", default="", help="Only this staff member's tokens")
        listing.add_argument("--all", action="store_true", help="Include revoked tokens")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['operation']}")(options)
        except DomainError as exc:
            raise CommandError(_("Refused: %(e)s") % {"e": error_text(exc)}) from exc

    def _issue(self, options: dict[str, Any]) -> None:
        user = find_user(options["user"])
        token, plaintext = api_token_issue(
            actor=system_user(), user=user, name=options["name"], expires_on=parse_day(options["expires_on"])
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Issued the API token %(t)s acting as %(u)s, valid until %(d)s.")
                % {"t": token, "u": user, "d": token.expires_on.isoformat()}
            )
        )
        self.stdout.write(_("Install it in the client now: it is not stored and cannot be shown again."))
        self.stdout.write(plaintext)

    def _revoke(self, options: dict[str, Any]) -> None:
        token = api_token_revoke(actor=system_user(), token=find_token(options["token"]))
        self.stdout.write(self.style.SUCCESS(_("Revoked the API token %(t)s.") % {"t": token}))

    def _list(self, options: dict[str, Any]) -> None:
        user = find_user(options["user"]) if options["user"] else None
        for token in api_token_list(user=user, include_revoked=options["all"]):
            self.stdout.write(self._line(token))

    def _line(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            status = pgettext("state of an API token", "revoked")
        elif token.is_expired():
            status = pgettext("state of an API token", "expired")
        else:
            status = _("valid")
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "—"
        return "\t".join(
            [str(token.pk), f"sx_{token.prefix}", token.name, token.user.username, token.expires_on.isoformat(),
             status, used]
        )  # fmt: skip
