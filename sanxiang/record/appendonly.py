"""Database triggers that refuse UPDATE and DELETE on the record's tables (RECORD-LOG.md §2 "Hygiene").

Defence in depth only: a database superuser can drop a trigger, and it is the
Merkle log with its signed, witnessed checkpoints that *detects* a change. The
triggers stop the application (a bug, an admin shell, a careless migration)
from changing history, on SQLite and PostgreSQL alike.

They are (re)installed after every ``migrate`` (``post_migrate``), so a
migration that rebuilds a table on SQLite (which drops its triggers) gets them
back; ``sanxiang verify`` reports a missing trigger.

Maintenance that must delete rows — only the test runner's flush between
transactional tests — runs inside ``suspended()``: on PostgreSQL it sets the
session variable ``sanxiang.maintenance``, on SQLite it flips the value of the
``sanxiang_maintenance()`` SQL function that this process registers on each
connection (a connection without it, e.g. the ``sqlite3`` shell, fails the
trigger with "no such function" and so refuses too).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# (model label, refuse UPDATE too): the heads are updated by every append, never deleted.
APPEND_ONLY: tuple[tuple[str, bool], ...] = (
    ("record.LogHead", False),
    ("record.LogEntry", True),
    ("record.LogNode", True),
    ("record.Checkpoint", True),
    ("record.Cosignature", True),
    ("record.AuditEvent", True),
    ("cases.CaseEvent", True),
    ("evidence.EvidenceObject", True),
    ("evidence.Evidence", True),
    ("evidence.EvidenceAccess", True),
)
# Tables whose rows are never changed but are deleted by their one consumer: the outbox, which the
# sequencer empties in the transaction that appends its rows (RECORD-LOG.md §4 "Scaled").
NO_UPDATE: tuple[str, ...] = ("record.LogOutbox",)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('sanxiang.maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'sanxiang: % on % is refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

_state = threading.local()


def _maintenance() -> int:
    return 1 if getattr(_state, "suspended", False) else 0


def register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give SQLite connections the function the triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("sanxiang_maintenance", 0, _maintenance)


def _tables() -> list[tuple[str, bool, bool]]:
    """(table, refuse UPDATE, refuse DELETE) of every installed append-only table."""
    from sanxiang.record.logged import logged_models

    out = []
    labels = [
        *((label, refuse_update, True) for label, refuse_update in APPEND_ONLY),
        *((label, True, True) for label in logged_models()),
        *((label, True, False) for label in NO_UPDATE),
    ]
    for label, refuse_update, refuse_delete in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app that is not installed
        out.append((model._meta.db_table, refuse_update, refuse_delete))
    return out


def _trigger_names(table: str) -> list[str]:
    return [f"sx_ao_{table}_upd", f"sx_ao_{table}_del", f"sx_ao_{table}_trunc"]


def install(using: str = "default") -> None:
    """Create (or replace) the triggers on every append-only table that exists."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        for table, refuse_update, refuse_delete in _tables():
            if table not in existing:
                continue
            upd, dele, trunc = _trigger_names(table)
            events = [(upd, "UPDATE")] if refuse_update else []
            if refuse_delete:
                events.append((dele, "DELETE"))
            if connection.vendor == "postgresql":
                for name, event in events:
                    cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
                    cursor.execute(
                        f'CREATE TRIGGER {name} BEFORE {event} ON "{table}" '
                        "FOR EACH ROW EXECUTE FUNCTION sanxiang_append_only()"
                    )
                cursor.execute(f'DROP TRIGGER IF EXISTS {trunc} ON "{table}"')
                cursor.execute(
                    f'CREATE TRIGGER {trunc} BEFORE TRUNCATE ON "{table}" '
                    "FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_append_only()"
                )
            elif connection.vendor == "sqlite":
                for name, event in events:
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON "{table}" '
                        "WHEN sanxiang_maintenance() = 0 BEGIN "
                        f"SELECT RAISE(ABORT, 'sanxiang: {event} on {table} is refused: the table is append-only'); END"
                    )


def missing(using: str = "default") -> list[str]:
    """The expected triggers that the database does not have (for ``verify``)."""
    connection = connections[using]
    existing_tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    expected = []
    for table, refuse_update, refuse_delete in _tables():
        if table not in existing_tables:
            continue
        upd, dele, trunc = _trigger_names(table)
        expected += ([upd] if refuse_update else []) + ([dele] if refuse_delete else [])
        if connection.vendor == "postgresql":
            expected.append(trunc)
    return [name for name in expected if name not in present]


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver (connected once, by the record app)."""
    install(using)


@contextmanager
def suspended(using: str = "default") -> Iterator[None]:
    """Let this connection delete and update append-only rows (test flushes, simulated tampering in tests)."""
    connection = connections[using]
    _state.suspended = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET sanxiang.maintenance = 'on'")
    try:
        yield
    finally:
        _state.suspended = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET sanxiang.maintenance")
