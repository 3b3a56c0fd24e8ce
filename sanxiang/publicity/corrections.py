"""纠错 (error reports on publications): receive with a tracking code, rate-limited per client; reply.

The seed plan asks for "公开信息的审核、纠错机制". A report is a logged row;
each reply is another, and the latest reply is the status the reporter sees
by the code. The client is kept only as an HMAC of its address (for the rate
limit), never the address itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.lib.validation import field_error
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, require_perm
from sanxiang.org.selectors import system_user
from sanxiang.publicity.models import CorrectionOutcome, CorrectionReply, CorrectionReport, Publication
from sanxiang.record.logged import log_insert

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 12


def client_key(address: str) -> str:
    """An HMAC of the client address: enough to count its reports, useless to find the person."""
    return hmac.new(settings.SECRET_KEY.encode(), f"client:{address}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def correction_report_create(*, publication: Publication, text: str, contact: str, client: str) -> CorrectionReport:
    """Receive a report on a public item; refuse the client's (N+1)th report within an hour."""
    if publication.published_version_id is None:
        raise field_error("text", _("This item is not published."))
    if not text.strip():
        raise field_error("text", _("Say what is wrong."))
    since = timezone.now() - dt.timedelta(hours=1)
    if CorrectionReport.objects.filter(client=client, at__gte=since).count() >= settings.PUBLICITY_CORRECTIONS_PER_HOUR:
        raise ValidationFailed(_("Too many reports from your connection: please try again in an hour."))
    report = CorrectionReport(
        code=new_code(), publication=publication, text=text.strip(), contact=contact.strip(), client=client,
        at=timezone.now(),
    )  # fmt: skip
    log_insert(report, actor=system_user(), at=report.at)
    return report


@transaction.atomic
def correction_reply(*, actor: User, report: CorrectionReport, outcome: str, reply: str) -> CorrectionReply:
    """The publicity officer's answer, which the reporter reads by the code."""
    require_perm(actor, Perm.PUBLICITY_EDIT)
    if outcome not in CorrectionOutcome.values:
        raise field_error("outcome", _("Choose an outcome."))
    if not reply.strip():
        raise field_error("reply", _("Write the reply the reporter will read."))
    row = CorrectionReply(report=report, outcome=outcome, reply=reply.strip(), actor=actor, at=timezone.now())
    log_insert(row, actor=actor, at=row.at)
    return row


def correction_by_code(code: str) -> CorrectionReport | None:
    return CorrectionReport.objects.filter(code=code.strip().upper()).select_related("publication").first()


def correction_status(report: CorrectionReport) -> CorrectionReply | None:
    return report.replies.order_by("-at", "-id").first()
