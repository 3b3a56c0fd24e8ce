"""Several processes appending at once produce one consistent, gapless tree (SQLite and PostgreSQL).

In both log modes; in outbox mode two ``sanxiang sequence --loop`` processes run beside the writers'
own after-commit sequencing, so three kinds of sequencer compete for every batch: none may append a
row twice or leave one behind.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

WRITER = """
import os, sys, time, django
django.setup()
from django.db import transaction
from sanxiang.record.actions import audit_record
from sanxiang.record.log import log_record
while not os.path.exists(sys.argv[3]):  # start together, so the appends overlap
    time.sleep(0.01)
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        if i % 2:
            log_record("test.concurrent", data={"writer": sys.argv[1], "i": i})
        else:  # a row with its entry: verify joins them (by log_seq, or by ref in outbox mode)
            audit_record(actor=None, action="test.concurrent", category="data", detail={"i": i})
"""

OUTBOX_IDS = """
import json, django
django.setup()
from sanxiang.record.models import LogEntry
print(json.dumps([json.loads(bytes(body)).get("ob") for body in LogEntry.objects.values_list("body", flat=True)]))
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
@pytest.mark.parametrize("mode", ["direct", "outbox"])
def test_concurrent_writers_make_one_gapless_consistent_tree(tmp_path, mode):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp_path),
        "SANXIANG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
        "SANXIANG_LOG_MODE": mode,
    }
    go = tmp_path / "go"
    sequencers = [
        subprocess.Popen(
            [sys.executable, "-m", "sanxiang", "sequence", "--loop", "--every", "5"], env=env, stderr=subprocess.PIPE
        )
        for _ in range(2 if mode == "outbox" else 0)
    ]
    for sequencer in sequencers:  # running (its signal handler set) before the writers start
        assert sequencer.stderr is not None
        while b"sequencer: every" not in (line := sequencer.stderr.readline()):
            assert line, "the sequencer did not start"
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
    for sequencer in sequencers:
        sequencer.send_signal(signal.SIGTERM)
        _, err = sequencer.communicate(timeout=60)
        assert sequencer.returncode == 0, err.decode()

    def run_verify(*flags: str) -> dict[str, Any]:
        result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "sanxiang", "verify", "--json", "--no-witnesses", *flags],
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
        report: dict[str, Any] = json.loads(result.stdout)
        assert (result.returncode == 0) == (report["problems"] == [])
        return report

    # Nothing is left behind: every committed row was sequenced by a committer or a sequencer.
    report = run_verify("--no-drain")
    assert report["problems"] == [], report["problems"]
    assert (report["size"], report["pending"]) == (WORKERS * EACH, 0)
    assert report["rows"] == WORKERS * EACH // 2
    if mode == "outbox":
        obs = json.loads(
            subprocess.run(  # noqa: S603 (our own interpreter and script)
                [sys.executable, "-c", OUTBOX_IDS], env=env, capture_output=True, timeout=120, check=True
            ).stdout
        )
        assert len(obs) == len(set(obs)) == WORKERS * EACH  # every entry from its own outbox row, none twice
