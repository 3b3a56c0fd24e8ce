"""Rows the record log vouches for, written one way: ``LoggedRow`` + ``log_insert`` + ``register_logged``.

The parts built after the record (legal review, discretion baselines,
documents, publicity) keep their history in ordinary tables whose rows each
carry the ``log_seq`` of their entry and the salt of a commitment to their
content, exactly as the audit, case-event and evidence rows do. This module
is the one place that knows how: a model subclasses ``LoggedRow`` and says
what it commits to (``log_content``) and what it states in clear
(``log_data``); an action calls ``log_insert(row, actor=…)``; the app
registers the model with ``register_logged`` so that ``verify`` checks every
row against its entry, and the table refuses UPDATE and DELETE like the
other record tables (``record.appendonly``).

A logged row is never changed: a correction is a new row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.record.log import commitment, log_record, new_salt
from sanxiang.record.sources import case_check, digest_check, register_source

_LOGGED: list[str] = []


class LoggedRow(models.Model):
    """Abstract base of an append-only row tied to its record-log entry."""

    #: The entry kind (dotted, ``review.opinion``); one model per kind.
    LOG_KIND: ClassVar[str] = ""

    log_seq = models.BigIntegerField(_("log entry"), null=True, blank=True, unique=True, editable=False)
    log_salt = models.BinaryField(_("commitment salt"), default=b"", editable=False)

    class Meta:
        abstract = True

    def log_content(self) -> Mapping[str, Any]:
        """What the entry commits to (JSON values; no primary key, which is not known before the insert)."""
        raise NotImplementedError

    def log_data(self) -> Mapping[str, Any]:
        """Public, non-personal facts the entry states in clear (codes, outcomes, hashes)."""
        return {}

    def log_case_id(self) -> int | None:
        """The case the row concerns, named in the entry (``verify`` checks it)."""
        case_id = getattr(self, "case_id", None)
        return int(case_id) if case_id is not None else None


def log_insert(row: LoggedRow, *, actor: Any, at: dt.datetime | None = None) -> LoggedRow:
    """Insert ``row`` once, complete, with its log entry, inside the caller's transaction.

    ``log_record`` inserts the row with its entry in one savepoint (a failed
    insert takes its entry with it): in direct mode the entry comes first and
    the row carries its ``log_seq``; in outbox mode the row comes first and its
    outbox entry names it by ``ref`` (the row's ``log_seq`` stays empty; use
    ``record.log.entry_seq(row)`` to find its entry). The table refuses updates.
    """
    if row.pk is not None and not row._state.adding:
        raise ValueError("log_insert: the row is already stored; a logged row is never changed")
    row.log_salt = new_salt()
    log_record(
        row.LOG_KIND,
        actor=actor,
        case_id=row.log_case_id(),
        data=row.log_data(),
        digest=commitment(row.log_salt, row.log_content()),
        at=at,
        row=row,
    )
    return row


def register_logged(model: type[LoggedRow], describe: Callable[[Any], str] = str) -> None:
    """Register ``model`` as the source of its ``LOG_KIND`` entries and as an append-only table (call in ``ready``)."""
    if not model.LOG_KIND:
        raise ValueError(f"{model.__name__} has no LOG_KIND")
    check = digest_check(lambda row: row.log_content())
    if any(f.name == "case" for f in model._meta.get_fields()):
        check = case_check(check)
    register_source(model.LOG_KIND, model._meta.label, check, describe)
    if model._meta.label not in _LOGGED:
        _LOGGED.append(model._meta.label)


def logged_models() -> list[str]:
    """Labels of the models registered through ``register_logged`` (append-only, like the record tables)."""
    return list(_LOGGED)
