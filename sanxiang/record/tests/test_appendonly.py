"""The record's tables refuse UPDATE and DELETE at the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from sanxiang.record import appendonly
from sanxiang.record.actions import audit_record
from sanxiang.record.models import AuditCategory, AuditEvent, LogEntry, LogHead, LogNode
from sanxiang.record.sequencer import sequence_pending

pytestmark = pytest.mark.django_db


def _some_rows():
    for i in range(3):
        audit_record(actor=None, action=f"test.{i}", category=AuditCategory.SECURITY)
    sequence_pending()  # outbox mode: the entries exist once sequenced
    return AuditEvent.objects.order_by("id").last()


def _refused(sql, params):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return "append-only" in str(exc)
    return False


@pytest.mark.parametrize(
    ("model", "column"),
    [(LogEntry, "body"), (LogNode, "hash"), (AuditEvent, "action")],
)
def test_updates_and_deletes_are_refused(model, column):
    _some_rows()
    table = model._meta.db_table
    row = model.objects.order_by("pk").first()
    value = b"x" if column in ("body", "hash") else "forged"
    assert _refused(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, row.pk])  # noqa: S608
    assert _refused(f'DELETE FROM "{table}" WHERE id = %s', [row.pk])  # noqa: S608
    assert model.objects.filter(pk=row.pk).exists()


def test_the_head_may_grow_but_not_disappear():
    _some_rows()
    head = LogHead.objects.get()
    assert _refused('DELETE FROM "record_loghead" WHERE id = %s', [head.pk])
    # The append path updates it (the audit_record calls above did).
    assert head.size >= 3


def test_the_orm_meets_the_triggers_too():
    event = _some_rows()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # no deferred FK checks pending, which TRUNCATE refuses on its own
def test_truncate_is_refused_on_postgresql():
    _some_rows()
    assert _refused('TRUNCATE "record_logentry" CASCADE', [])


def test_suspended_lets_maintenance_through_and_then_refuses_again():
    event = _some_rows()
    with appendonly.suspended():
        AuditEvent.objects.filter(pk=event.pk).update(action="maintenance")
    assert AuditEvent.objects.get(pk=event.pk).action == "maintenance"
    assert _refused('UPDATE "record_auditevent" SET action = %s WHERE id = %s', ["again", event.pk])


def test_every_expected_trigger_is_installed_and_missing_ones_are_reported():
    assert appendonly.missing() == []
    with connection.cursor() as cursor:
        cursor.execute(
            'DROP TRIGGER sx_ao_record_logentry_del ON "record_logentry"'
            if connection.vendor == "postgresql"
            else "DROP TRIGGER sx_ao_record_logentry_del"
        )
    assert appendonly.missing() == ["sx_ao_record_logentry_del"]
    appendonly.install()
    assert appendonly.missing() == []
