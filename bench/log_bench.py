"""Record-log throughput: appends with 1 and 8 writer processes, and ``verify`` over many entries.

Run from the repository root: ``python -m bench log [--appends N] [--writers 1,8] [--entries N]``.
SQLite in a fresh file by default; PostgreSQL when ``DATABASE_URL`` is a postgres:// URL (then
only the admin connection: a ``sanxiang_bench`` database is created and dropped).

**Appends.** Each writer process does ``--appends`` transactions, one entry each, through
``log_record`` (lock the head, hash, frontier, nodes, head update), and — the reference, in
the same run, same processes, same durability settings — the same number of transactions
that each ``INSERT`` the same canonical body and its SHA-256 into a plain table (what any
audit table costs, with no tree). Writers start together at a barrier; the figure is all
transactions over the wall time from the barrier to the last writer's end.
Target: log ≥ 0.5 × plain.

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
from pathlib import Path

from bench.case_action_bench import bench_database

WRITER = r"""
import hashlib, os, sys, time
import django
django.setup()
from django.db import connection, transaction
from sanxiang.record.log import log_record
from sanxiang.record.merkle import canonical_json
mode, count, barrier, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
body = {"writer": name, "obj": "sha256:" + "ab" * 32, "reason": "调取执法记录仪视频用于法制审核"}
with transaction.atomic():  # warm up: imports, the connection, the head row
    log_record("bench.warmup", data={"writer": name}) if mode == "log" else None
open(barrier + "." + name, "w").close()  # ready
while not os.path.exists(barrier):
    time.sleep(0.001)
for i in range(count):
    if mode == "log":
        with transaction.atomic():
            log_record("bench.append", data={**body, "i": i})
    else:
        raw = canonical_json({**body, "i": i, "v": 1, "kind": "bench.append", "ts": 1764400000000, "log": "x", "seq": i})
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain (body, leaf_hash) VALUES (%s, %s)", [raw, hashlib.sha256(raw).digest()])
"""


def _env(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SANXIANG_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
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


def _run_writers(url: str, data_dir: Path, mode: str, writers: int, count: int) -> float:
    barrier = data_dir / f"go-{mode}-{writers}"
    procs = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", WRITER, mode, str(count), str(barrier), f"w{n}"], env=_env(url, data_dir)
        )
        for n in range(writers)
    ]
    while not all(Path(f"{barrier}.w{n}").exists() for n in range(writers)):  # every writer at the barrier
        if any(proc.poll() not in (None, 0) for proc in procs):
            raise SystemExit(f"a {mode} writer failed")
        time.sleep(0.01)
    start = time.perf_counter()
    barrier.touch()
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit(f"a {mode} writer failed")
    return writers * count / (time.perf_counter() - start)


def appends(url: str, data_dir: Path, writer_counts: list[int], count: int) -> None:
    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\nLog appends, one entry per transaction, {vendor} (durable commits)")
    print(f"{'writers':>8} {'log/s':>10} {'plain/s':>10} {'ratio':>7}")
    for writers in writer_counts:
        # Interleave: plain, log, plain — the reference is the mean of the two plain runs around the log run.
        plain_a = _run_writers(url, data_dir, "plain", writers, count)
        logged = _run_writers(url, data_dir, "log", writers, count)
        plain_b = _run_writers(url, data_dir, "plain", writers, count)
        plain = (plain_a + plain_b) / 2
        print(f"{writers:>8} {logged:>10,.0f} {plain:>10,.0f} {logged / plain:>7.2f}")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=1000, help="transactions per writer")
    parser.add_argument("--writers", default="1,8", help="comma-separated writer counts")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries for the verify bench (0: skip)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    admin_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="sanxiang-logbench-") as folder:
        data_dir = Path(folder)
        with bench_database(admin_url, args.keep) as url:
            _prepare(url, data_dir)
            appends(url, data_dir, [int(w) for w in args.writers.split(",")], args.appends)
        if args.entries:
            with bench_database(admin_url, args.keep) as url:
                _prepare(url, data_dir)
                verify_bench(url, data_dir, args.entries)


if __name__ == "__main__":
    main()
