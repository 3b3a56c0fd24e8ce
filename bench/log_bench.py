"""Record-log throughput: appends with 1 and 8 writer processes, and ``verify`` over many entries.

Run from the repository root: ``python -m bench log [--appends N] [--writers 1,8] [--entries N]``.
SQLite in a fresh file by default; PostgreSQL when ``DATABASE_URL`` is a postgres:// URL (then
only the admin connection: a ``sanxiang_bench`` database is created and dropped).

**Appends.** Each writer process does ``--appends`` transactions, one entry each, through
``log_record`` in each log mode (``--modes``), and — the reference, in the same run, same
processes, same durability settings — the same number of transactions that each ``INSERT``
the same canonical body and its SHA-256 into a plain table (what any audit table costs, with
no tree). Writers start together at a barrier; the figure is all transactions over the wall
time from the barrier to the last writer's end.

* ``direct``: the append inside the transaction (lock the head, hash, frontier, nodes, head update);
* ``outbox``: the transaction inserts an outbox row; after each commit the committer sequences
  what waits (non-blocking try-lock), and each writer, when done, drains what is left. The time
  runs until the log is complete — every entry sequenced — and the run checks that it is (head
  size, empty outbox). ``txn/s`` is the writers' own rate (to their last commit);
* ``outbox-loop``: the same with ``SANXIANG_LOG_SEQUENCE_ON_COMMIT=false`` and one dedicated
  ``sanxiang sequence --loop --every 10`` process doing all the sequencing.

Target: log ≥ 0.5 × plain. PostgreSQL: a database of its own (``SANXIANG_BENCH_DB``, default
``sanxiang_bench_log``) is created and dropped.

**Verify.** ``--entries`` entries are written as a fixture (bulk, not timed) with their tree
nodes and head; then ``verify`` (entries, leaf hashes, nodes, tree, head) runs over them,
against the reference: read every body from the database and SHA-256 it. Figures are
entries per second and the ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.case_action_bench import _close_django

WRITER = r"""
import hashlib, os, sys, time
import django
django.setup()
from django.db import connection, transaction
from sanxiang.record.log import log_record
from sanxiang.record.merkle import canonical_json
from sanxiang.record.sequencer import sequence_pending
mode, count, barrier, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
body = {"writer": name, "obj": "sha256:" + "ab" * 32, "reason": "调取执法记录仪视频用于法制审核"}
if mode != "plain":
    with transaction.atomic():  # warm up: imports, the connection, the head row
        log_record("bench.warmup", data={"writer": name})
    sequence_pending()
open(barrier + "." + name, "w").close()  # ready
while not os.path.exists(barrier):
    time.sleep(0.001)
for i in range(count):
    if mode != "plain":
        with transaction.atomic():
            log_record("bench.append", data={**body, "i": i})
    else:
        raw = canonical_json({**body, "i": i, "v": 1, "kind": "bench.append", "ts": 1764400000000, "log": "x", "seq": i})
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain (body, leaf_hash) VALUES (%s, %s)", [raw, hashlib.sha256(raw).digest()])
written = time.time()
if mode.startswith("outbox"):
    sequence_pending()  # what no committer sequenced yet: when every writer is past this, the log is complete
with open(barrier + "." + name + ".end", "w") as fh:
    fh.write(f"{written} {time.time()}")
"""

CHECK = r"""
import django
django.setup()
from sanxiang.record.log import log_origin
from sanxiang.record.models import LogHead, LogOutbox
from sanxiang.record.verify import Options, verify
head = LogHead.objects.get(origin=log_origin())
report = verify(Options(fetch_witnesses=False, cases=False, drain=False))
bad = [str(p) for p in report.problems if p.check not in ("config", "triggers")]
print(head.size, LogOutbox.objects.count(), len(bad), bad[:3])
"""


def _env(url: str, data_dir: Path, log_mode: str = "direct") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SANXIANG_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
        "SANXIANG_LOG_MODE": log_mode,
    }


def _prepare(url: str, data_dir: Path) -> None:
    env = _env(url, data_dir)
    subprocess.run([sys.executable, "-m", "sanxiang", "migrate", "--noinput", "-v0"], env=env, check=True)
    plain = (
        "CREATE TABLE bench_plain (id bigserial PRIMARY KEY, body bytea NOT NULL, leaf_hash bytea NOT NULL)"
        if url.startswith("postgres")
        else "CREATE TABLE bench_plain (id integer PRIMARY KEY AUTOINCREMENT, body blob NOT NULL, leaf_hash blob NOT NULL)"
    )
    script = f"import django; django.setup(); from django.db import connection; connection.cursor().execute({plain!r})"
    subprocess.run([sys.executable, "-c", script], env=env, check=True)  # noqa: S603 (fixed script)


@dataclass(frozen=True)
class Run:
    rate: float  # transactions per second until the log is complete (the last writer's end)
    written: float  # transactions per second until the last business commit


def _sequencer(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A ``sanxiang sequence --loop`` process, once it runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanxiang", "sequence", "--loop", "--every", "10"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    while b"sequencer: every" not in (line := proc.stderr.readline()):
        if not line:
            raise SystemExit("the sequencer did not start")
    return proc


def _run_writers(url: str, data_dir: Path, mode: str, writers: int, count: int) -> Run:
    barrier = data_dir / f"go-{mode}-{writers}-{time.monotonic_ns()}"
    env = _env(url, data_dir, "outbox" if mode.startswith("outbox") else "direct")
    sequencer = None
    if mode == "outbox-loop":  # a dedicated sequencer process; the committers do not sequence
        env["SANXIANG_LOG_SEQUENCE_ON_COMMIT"] = "false"
        sequencer = _sequencer(env)
    procs = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", WRITER, mode, str(count), str(barrier), f"w{n}"], env=env
        )
        for n in range(writers)
    ]
    while not all(Path(f"{barrier}.w{n}").exists() for n in range(writers)):  # every writer at the barrier
        if any(proc.poll() not in (None, 0) for proc in procs):
            raise SystemExit(f"a {mode} writer failed")
        time.sleep(0.01)
    start = time.time()
    barrier.touch()
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit(f"a {mode} writer failed")
    if sequencer is not None:
        sequencer.terminate()
        sequencer.communicate(timeout=60)
    ends = [Path(f"{barrier}.w{n}.end").read_text().split() for n in range(writers)]
    written, done = max(float(e[0]) for e in ends), max(float(e[1]) for e in ends)
    return Run(writers * count / (done - start), writers * count / (written - start))


def _check_complete(url: str, data_dir: Path, expected: int) -> str:
    """The head holds every entry, the outbox is empty and verify finds nothing wrong; a summary."""
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", CHECK], env=_env(url, data_dir), check=True, capture_output=True, text=True
    ).stdout.split(maxsplit=3)
    size, waiting, problems = int(out[0]), int(out[1]), int(out[2])
    if size != expected or waiting or problems:
        raise SystemExit(f"the log is not complete: size {size} (expected {expected}), outbox {waiting}, {out[3:]}")
    return f"log complete: {size} entries, outbox empty, verify clean"


def appends(url: str, data_dir: Path, writer_counts: list[int], count: int, modes: list[str]) -> None:
    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\nLog appends, one entry per business transaction, {vendor} (durable commits)")
    print(f"{'writers':>8} {'mode':>11} {'log/s':>10} {'txn/s':>10} {'plain/s':>10} {'ratio':>7}")
    entries = 0
    for writers in writer_counts:
        for mode in modes:
            # Interleave: plain, log, plain — the reference is the mean of the two plain runs around the log run.
            plain_a = _run_writers(url, data_dir, "plain", writers, count)
            logged = _run_writers(url, data_dir, mode, writers, count)
            plain_b = _run_writers(url, data_dir, "plain", writers, count)
            entries += writers * (count + 1)  # and one warm-up entry per writer
            plain = (plain_a.rate + plain_b.rate) / 2
            print(
                f"{writers:>8} {mode:>11} {logged.rate:>10,.0f} {logged.written:>10,.0f} {plain:>10,.0f} "
                f"{logged.rate / plain:>7.2f}"
            )
            sys.stdout.flush()
    print(_check_complete(url, data_dir, entries))


VERIFY_SCRIPT = r"""
import hashlib, sys, time
import django
django.setup()
from django.db import transaction
from sanxiang.record import merkle
from sanxiang.record.log import log_origin
from sanxiang.record.models import LogEntry, LogHead, LogNode
from sanxiang.record.verify import Options, verify
n = int(sys.argv[1])
origin = log_origin()
head = LogHead.objects.create(origin=origin)
frontier = merkle.Frontier()
ts = 1764400000000
batch_e, batch_n = [], []
t0 = time.perf_counter()
for seq in range(n):
    body = merkle.canonical_json({"v": 1, "kind": "bench.view", "ts": ts + seq, "actor": {"uid": seq % 97, "name": "officer"},
        "req": "%032x" % seq, "ch": "web", "data": {"sha256": hashlib.sha256(seq.to_bytes(8, "big")).hexdigest()},
        "log": origin, "seq": seq})
    leaf = merkle.leaf_hash(body)
    batch_e.append(LogEntry(log=head, seq=seq, body=body, leaf_hash=leaf))
    batch_n += [LogNode(log=head, level=x.level, idx=x.idx, hash=x.hash) for x in frontier.append(leaf)]
    if len(batch_e) == 20000:
        with transaction.atomic():
            LogEntry.objects.bulk_create(batch_e, batch_size=5000)
            LogNode.objects.bulk_create(batch_n, batch_size=5000)
        batch_e, batch_n = [], []
with transaction.atomic():
    LogEntry.objects.bulk_create(batch_e, batch_size=5000)
    LogNode.objects.bulk_create(batch_n, batch_size=5000)
LogHead.objects.filter(pk=head.pk).update(size=frontier.size, frontier=frontier.to_bytes())
print(f"fixture: {n:,} entries written in {time.perf_counter() - t0:.1f} s (not timed)", file=sys.stderr)
def reference():
    sha = hashlib.sha256
    for lo in range(0, n, 5000):
        for body, in LogEntry.objects.filter(log=head, seq__gte=lo, seq__lt=lo + 5000).order_by("seq").values_list("body"):
            sha(b"\x00" + bytes(body)).digest()
t = time.perf_counter(); reference(); ref = time.perf_counter() - t
t = time.perf_counter(); report = verify(Options(fetch_witnesses=False, cases=False)); ver = time.perf_counter() - t
assert report.size == n and not [p for p in report.problems if p.check != "config"], report.problems[:5]
t = time.perf_counter(); reference(); ref2 = time.perf_counter() - t
ref = (ref + ref2) / 2
print(f"{n:>10,} {n / ver:>14,.0f} {n / ref:>14,.0f} {ref / ver:>7.2f}")
"""


def verify_bench(url: str, data_dir: Path, entries: int) -> None:
    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\nverify over the log, {vendor}: entries/s of verify vs reading + SHA-256 of the same bodies")
    print(f"{'entries':>10} {'verify/s':>14} {'reference/s':>14} {'ratio':>7}")
    sys.stdout.flush()
    subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", VERIFY_SCRIPT, str(entries)], env=_env(url, data_dir), check=True
    )


@contextmanager
def bench_database(admin_url: str | None, keep: bool) -> Iterator[str]:
    """A fresh database: PostgreSQL ``SANXIANG_BENCH_DB`` (dropped after unless ``keep``) or a SQLite file."""
    if admin_url and admin_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = os.environ.get("SANXIANG_BENCH_DB", "sanxiang_bench_log")
        if not name.replace("_", "").isalnum():
            raise SystemExit("SANXIANG_BENCH_DB: letters, digits and _ only")
        # The maintenance database: the one DATABASE_URL names may not exist yet.
        admin_url = urlunsplit(urlsplit(admin_url)._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        try:
            yield urlunsplit(urlsplit(admin_url)._replace(path="/" + name))
        finally:
            _close_django()
            if not keep:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    with tempfile.TemporaryDirectory(prefix="sanxiang-logbench-db-") as folder:
        yield f"sqlite:///{folder}/bench.sqlite3"
        if keep:
            print(f"(--keep is for PostgreSQL; the SQLite file in {folder} goes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=1000, help="transactions per writer")
    parser.add_argument("--writers", default="1,8", help="comma-separated writer counts")
    parser.add_argument("--modes", default="direct,outbox,outbox-loop", help="direct, outbox, outbox-loop")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries for the verify bench (0: skip)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    admin_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="sanxiang-logbench-") as folder:
        data_dir = Path(folder)
        with bench_database(admin_url, args.keep) as url:
            _prepare(url, data_dir)
            modes = [m.strip() for m in args.modes.split(",") if m.strip()]
            if not set(modes) <= {"direct", "outbox", "outbox-loop"}:
                raise SystemExit("--modes: direct, outbox, outbox-loop")
            appends(url, data_dir, [int(w) for w in args.writers.split(",")], args.appends, modes)
        if args.entries:
            with bench_database(admin_url, args.keep) as url:
                _prepare(url, data_dir)
                verify_bench(url, data_dir, args.entries)


if __name__ == "__main__":
    main()
