"""Several processes appending at once produce one consistent, gapless tree (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

WRITER = """
import os, sys, time, django
django.setup()
from django.db import transaction
from sanxiang.record.log import log_record
while not os.path.exists(sys.argv[3]):  # start together, so the appends overlap
    time.sleep(0.01)
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        log_record("test.concurrent", data={"writer": sys.argv[1], "i": i})
"""

WORKERS = 4
EACH = 150


def _database_url(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings.get("USER") or "postgres"
        host = settings.get("HOST") or "127.0.0.1"
        return f"postgres://{user}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"
    # The SQLite test database lives in memory: copy it (schema and triggers) to a file the workers share.
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_gapless_consistent_tree(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp_path),
        "SANXIANG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
    }
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", WRITER, f"w{n}", str(EACH), str(go)], env=env, stderr=subprocess.PIPE
        )
        for n in range(WORKERS)
    ]
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()
    result = subprocess.run(
        [sys.executable, "-m", "sanxiang", "verify", "--json", "--no-witnesses"],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["problems"] == [], report["problems"]
    assert report["size"] == WORKERS * EACH
    assert result.returncode == 0
