"""Writes of the publicity workflow: prepare, edit (correct), submit, return, approve, publish, withdraw, expire.

Every state change appends a ``PublicationEvent`` through ``log_insert`` and
every content change a ``PublicationVersion``; ``Publication`` keeps the
current state as a cache. Publishing and withdrawing queue a push message
(``push.push_enqueue``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.lib import daycount
from sanxiang.lib.exceptions import InvalidTransition
from sanxiang.lib.validation import field_error
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, is_system, require_perm
from sanxiang.procedures.calendar import db_calendar
from sanxiang.publicity import content as content_mod
from sanxiang.publicity.models import (
    TRANSITIONS,
    Publication,
    PublicationEvent,
    PublicationKind,
    PublicationState,
    PublicationVersion,
)
from sanxiang.publicity.redaction import redact
from sanxiang.publicity.search import search_index
from sanxiang.record.logged import log_insert

S = PublicationState


def publish_due_on(kind: str, decided_on: dt.date) -> dt.date | None:
    """The 事后公开 deadline: 行政处罚 within 7 working days, other decisions within 20 (settings)."""
    days = (
        settings.PUBLICITY_PENALTY_WORKING_DAYS
        if kind == PublicationKind.PENALTY
        else settings.PUBLICITY_OTHER_WORKING_DAYS
    )
    try:
        return daycount.add_working_days(decided_on, days, db_calendar())
    except daycount.CalendarMissing:
        return None


def _period_months(kind: str) -> int:
    if kind == PublicationKind.PENALTY:
        return int(settings.PUBLICITY_PERIOD_MONTHS_PENALTY)
    return int(settings.PUBLICITY_PERIOD_MONTHS_OTHER)


def _move(pub: Publication, to: str, *, actor: User, reason: str = "") -> PublicationEvent:
    """Record the move of ``pub`` to ``to`` (``InvalidTransition`` unless the table allows it)."""
    if to not in TRANSITIONS[pub.state]:
        raise InvalidTransition(
            _("A publication that is “%(state)s” cannot become “%(to)s”.")
            % {"state": S(pub.state).label, "to": S(to).label}
        )
    assert pub.latest_version is not None
    event = PublicationEvent(
        publication=pub, version=pub.latest_version, state=to, reason=reason, actor=actor, actor_label=str(actor)[:150],
        at=timezone.now(),
    )  # fmt: skip
    log_insert(event, actor=actor, at=event.at)
    pub.state = to
    return event


def _new_version(
    pub: Publication, *, actor: User, title: str, body: str, fields: dict[str, Any], note: str
) -> PublicationVersion:
    number = (pub.latest_version.number + 1) if pub.latest_version else 1
    version = PublicationVersion(
        publication=pub, number=number, title=title, body=body, fields=fields, change_note=note, created_by=actor,
        at=timezone.now(),
    )  # fmt: skip
    log_insert(version, actor=actor, at=version.at)
    pub.latest_version = version
    return version


@transaction.atomic
def publication_prepare_for_case(*, actor: User, case: Case) -> Publication | None:
    """Prepare (draft) the publication of ``case``'s decision or result; idempotent.

    Returns None when the case has nothing to publish, or when a party is a
    minor: decisions concerning minors are not published (RULES.md §10).
    """
    kind = content_mod.decision_kind(case)
    if kind is None or case.parties.filter(is_minor=True).exists():
        return None
    existing = Publication.objects.filter(case=case, kind=kind).first()
    if existing is not None:
        return existing
    built = content_mod.decision_content(case)
    decided = content_mod.decision_date(case)
    pub = Publication.objects.create(
        kind=kind, case=case, state=S.DRAFT, title=built.title[:200], unit=case.unit, category=case.category,
        decided_on=decided, due_on=publish_due_on(kind, decided) if decided else None,
    )  # fmt: skip
    _new_version(pub, actor=actor, title=built.title[:200], body=built.body, fields=built.fields, note="")
    _move_initial(pub, actor)
    return pub


def _move_initial(pub: Publication, actor: User) -> None:
    assert pub.latest_version is not None
    event = PublicationEvent(
        publication=pub, version=pub.latest_version, state=S.DRAFT, actor=actor, actor_label=str(actor)[:150],
        at=timezone.now(),
    )  # fmt: skip
    log_insert(event, actor=actor, at=event.at)
    pub.save()


@transaction.atomic
def publication_prepare_list(
    *, actor: User, list_code: str, title: str, rows: list[dict[str, Any]], note: str = ""
) -> Publication:
    """Draft a new version of the pre-disclosure list ``list_code`` (one publication per list)."""
    require_perm(actor, Perm.PUBLICITY_EDIT)
    pub = Publication.objects.select_for_update().filter(kind=PublicationKind.LIST, list_code=list_code).first()
    fields = {"rows": rows}
    if pub is None:
        pub = Publication.objects.create(kind=PublicationKind.LIST, list_code=list_code, state=S.DRAFT, title=title)
        _new_version(pub, actor=actor, title=title, body="", fields=fields, note=note)
        _move_initial(pub, actor)
        return pub
    return _correct(pub, actor=actor, title=title, body="", fields=fields, note=note)


def _correct(pub: Publication, *, actor: User, title: str, body: str, fields: dict[str, Any], note: str) -> Publication:
    if pub.state in (S.WITHDRAWN, S.EXPIRED):
        raise InvalidTransition(_("A withdrawn or expired publication cannot be changed."))
    if pub.state in (S.SUBMITTED, S.APPROVED):
        raise InvalidTransition(_("Return the publication to draft before changing it."))
    if pub.published_version is not None and not note.strip():
        raise field_error("change_note", _("Say what the correction changes: the note is published."))
    _new_version(pub, actor=actor, title=title, body=body, fields=fields, note=note.strip())
    if pub.state == S.PUBLISHED:
        _move(pub, S.DRAFT, actor=actor, reason=note.strip())
    pub.save()
    return pub


@transaction.atomic
def publication_edit(*, actor: User, publication: Publication, body: str, change_note: str = "") -> Publication:
    """Change the text (a draft) or correct a published item (a new version with a public change note).

    The text is redacted again with what the case knows, so an edit cannot bring personal data back.
    """
    require_perm(actor, Perm.PUBLICITY_EDIT)
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    assert pub.latest_version is not None
    known = content_mod.case_known(pub.case) if pub.case else None
    latest = pub.latest_version
    return _correct(
        pub, actor=actor, title=latest.title, body=redact(body.strip(), known), fields=latest.fields, note=change_note
    )


@transaction.atomic
def publication_submit(*, actor: User, publication: Publication) -> Publication:
    """The publicity officer submits the (redacted) draft for a leader's approval."""
    require_perm(actor, Perm.PUBLICITY_EDIT)
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    _move(pub, S.SUBMITTED, actor=actor)
    pub.save()
    return pub


@transaction.atomic
def publication_return(*, actor: User, publication: Publication, reason: str) -> Publication:
    """The leader sends a submitted publication back to draft, saying why."""
    require_perm(actor, Perm.PUBLICITY_APPROVE)
    if not reason.strip():
        raise field_error("reason", _("Say why the publication goes back."))
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    _move(pub, S.DRAFT, actor=actor, reason=reason.strip())
    pub.save()
    return pub


@transaction.atomic
def publication_approve(*, actor: User, publication: Publication) -> Publication:
    """A leader approves a submitted publication (审核, 118号 "经局领导审核后予以公示")."""
    require_perm(actor, Perm.PUBLICITY_APPROVE)
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    _move(pub, S.APPROVED, actor=actor)
    pub.save()
    return pub


@transaction.atomic
def publication_publish(*, actor: User, publication: Publication) -> Publication:
    """Publish an approved publication: the public sees its latest version from now on; pushed to the platform."""
    from sanxiang.publicity.push import push_enqueue

    if not is_system(actor):
        require_perm(actor, Perm.PUBLICITY_EDIT)
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    event = _move(pub, S.PUBLISHED, actor=actor)
    assert pub.latest_version is not None
    now = timezone.now()
    pub.published_version = pub.latest_version
    pub.title = pub.latest_version.title
    pub.search_text = _search_text(pub.latest_version)
    if pub.published_at is None:
        pub.published_at = now
        pub.expires_on = daycount.shift_months(timezone.localdate(now), _period_months(pub.kind))
    pub.save()
    search_index(pub.pk, pub.search_text)
    push_enqueue(pub, event)
    return pub


def _search_text(version: PublicationVersion) -> str:
    values = [version.title, version.body, *(str(v) for v in version.fields.values() if isinstance(v, str))]
    return "\n".join(values)


@transaction.atomic
def publication_withdraw(*, actor: User, publication: Publication, reason: str) -> Publication:
    """Withdraw (撤下) with a public reason (APL Art. 48); a published one is pushed as withdrawn."""
    from sanxiang.publicity.push import push_enqueue

    if not is_system(actor):
        require_perm(actor, Perm.PUBLICITY_EDIT)
    if not reason.strip():
        raise field_error("reason", _("Give the reason for withdrawal: it is published."))
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    event = _move(pub, S.WITHDRAWN, actor=actor, reason=reason.strip())
    pub.withdrawn_at = event.at
    pub.withdrawal_reason = reason.strip()
    pub.withdraw_due_on = None
    pub.save()
    if pub.published_at is not None:
        push_enqueue(pub, event)
    return pub


@transaction.atomic
def publication_withdraw_for_case(*, actor: User, case: Case, reason: str) -> list[Publication]:
    """Withdraw every live publication of ``case`` at once (its decision was changed or revoked)."""
    done = []
    for pub in Publication.objects.filter(case=case).exclude(state__in=(S.WITHDRAWN, S.EXPIRED)):
        done.append(publication_withdraw(actor=actor, publication=pub, reason=reason))
    return done


@transaction.atomic
def publications_expire_due(*, actor: User, today: dt.date | None = None) -> int:
    """Mark published items whose period has ended as expired (``sanxiang publicity_sweep``)."""
    today = today or timezone.localdate()
    count = 0
    for pub in Publication.objects.select_for_update().filter(state=S.PUBLISHED, expires_on__lt=today):
        _move(pub, S.EXPIRED, actor=actor, reason=_("End of the publication period."))
        pub.save()
        count += 1
    return count


def publication_check_transition(pub: Publication, to: str) -> bool:
    """True when the table allows ``pub`` to move to ``to`` (for showing buttons)."""
    return to in TRANSITIONS[pub.state]
