"""Trigram indexes for the Chinese substring search (``publicity.search``): FTS5 on SQLite, pg_trgm on PostgreSQL."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS publicity_search USING fts5(search_text, tokenize='trigram')"
        )
        schema_editor.execute(
            "INSERT INTO publicity_search(rowid, search_text) SELECT id, search_text FROM publicity_publication "
            "WHERE published_version_id IS NOT NULL"
        )
    elif vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS publication_search_trgm ON publicity_publication "
            "USING gin (UPPER(search_text) gin_trgm_ops)"
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS publicity_search")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publication_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
