"""Public pages under load: decision search and an officer page with 1,000,000 published decisions.

Run from the repository root: ``python -m bench publicity [--decisions N] [--clients 50] [--seconds 15]``.
SQLite by default in a fresh temporary file; PostgreSQL when ``DATABASE_URL`` is a postgres:// URL
(the admin connection; a ``sanxiang_bench`` database is created and dropped, as in ``bench case``).

1. Migrate; build the test bureau; publish the roster (its real officers plus 300 generated
   rows) through the workflow actions.
2. Bulk-insert the fixture (not the code under test): ``--decisions`` published decisions,
   each a ``Publication`` with its published ``PublicationVersion`` (titles, parties, bodies,
   units, categories and decision dates drawn from small vocabularies), then ANALYZE.
3. Start gunicorn (``--workers`` sync workers) on that database and drive it with
   ``--clients`` concurrent clients (threads, one connection per request, as a browser
   behind no keep-alive would) for ``--seconds`` per endpoint, in turn: the trivial
   ``/public/health`` (no database), a word search, a search by decision number (a rare
   term: a full scan of the text), a filter by unit and date range, the officer page, and
   the trivial view again. Load generator and server share the machine's cores.

Prints requests/s, p50 and p99 per endpoint, each beside the trivial view of the same run;
JSON goes to ``bench/results/publicity-<vendor>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.case_action_bench import RESULTS, bench_database, setup_django

VIOLATIONS = ("擅自占用城市道路摆摊设点", "擅自设置大型户外广告", "随意倾倒建筑垃圾", "违法建设", "占道经营",
              "擅自挖掘城市道路", "焚烧垃圾", "乱贴乱画", "渣土车未密闭运输", "店外经营")  # fmt: skip
STREETS = ("中央路", "英雄大街", "北门街", "仁兴街", "地直街", "紫气大路", "南新街", "站前街道", "平东大街")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
BATCH = 20_000


def seed_roster() -> str:
    """Publish the roster through the actions; return one officer's public id."""
    from django.test import override_settings

    from sanxiang.publicity import actions
    from sanxiang.publicity.lists import SOURCES
    from sanxiang.publicity.tests.base import make_publicist
    from sanxiang.testing import FAST_HASHERS, make_bureau

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        b = make_bureau()
        publicist = make_publicist(b)
    rows = SOURCES["roster"].rows()
    for i in range(300):
        rows.append(
            {**rows[0], "id": f"gen{i:017d}", "name": f"{SURNAMES[i % 20]}执法{i}", "number": f"2203{i + 1000:04d}"}
        )
    pub = actions.publication_prepare_list(actor=publicist, list_code="roster", title="名册", rows=rows)
    pub = actions.publication_submit(actor=publicist, publication=pub)
    pub = actions.publication_approve(actor=b.leader, publication=pub)
    actions.publication_publish(actor=publicist, publication=pub)
    return str(rows[0]["id"])


def _decision(i: int, rng: random.Random, units: list[tuple[int, str]], cats: list[tuple[int, str]]) -> dict[str, Any]:
    unit_id, unit = rng.choice(units)
    cat_id, cat = rng.choice(cats)
    decided = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2900))
    number = f"铁西城管立〔{decided.year}〕{i}号"
    violation = rng.choice(VIOLATIONS)
    party = rng.choice(SURNAMES) + "某某"
    body = f"当事人{party}在{rng.choice(STREETS)}{violation}，经调查属实。"
    fields = {"decision_number": number, "agency": "四平市铁西区城市管理行政执法局", "unit": unit, "party": party,
              "category": cat, "violation": violation, "basis": "《城市市容和环境卫生管理条例》第三十六条",
              "outcome": f"罚款、{rng.randrange(1, 50) * 100}.00 元", "decided_on": decided.isoformat()}  # fmt: skip
    title = f"四平市铁西区城市管理行政执法局: 行政处罚决定 {number}"
    return {"unit_id": unit_id, "cat_id": cat_id, "decided": decided, "title": title, "body": body, "fields": fields}


def seed_decisions(n: int) -> None:
    """Insert ``n`` published decisions with their versions, in batches (fixture only, not the code under test)."""
    from django.db import connection, transaction

    from sanxiang.org.models import EnforcementCategory, Unit, User
    from sanxiang.publicity.models import Publication, PublicationVersion, new_public_id

    rng = random.Random(7)
    units = list(Unit.objects.values_list("pk", "name"))
    cats = list(EnforcementCategory.objects.values_list("pk", "name"))
    author = User.objects.get(username="system").pk
    start = (Publication.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    vstart = (PublicationVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    pub_t, ver_t = Publication._meta.db_table, PublicationVersion._meta.db_table
    pub_sql = (f"INSERT INTO {pub_t} (id, public_id, kind, list_code, case_id, state, published_version_id, "  # noqa: S608 (table names from the models)
               "latest_version_id, title, search_text, unit_id, category_id, decided_on, due_on, withdraw_due_on, "
               "expires_on, published_at, withdrawn_at, withdrawal_reason, created_at) VALUES "
               "(%s,%s,'penalty','',NULL,'published',%s,%s,%s,%s,%s,%s,%s,%s,NULL,%s,%s,NULL,'',%s)")  # fmt: skip
    ver_sql = (f"INSERT INTO {ver_t} (id, log_seq, log_salt, publication_id, number, title, body, fields, "  # noqa: S608
               "change_note, created_by_id, at) VALUES (%s,NULL,%s,%s,1,%s,%s,%s,'',%s,%s)")  # fmt: skip
    for base in range(0, n, BATCH):
        pubs, vers = [], []
        for i in range(base, min(n, base + BATCH)):
            d = _decision(i + 1, rng, units, cats)
            at = dt.datetime.combine(d["decided"], dt.time(10), dt.UTC) + dt.timedelta(days=3, seconds=i % 86400)
            search = "\n".join([d["title"], d["body"], *d["fields"].values()])
            pid, vid = start + i, vstart + i
            vers.append((vid, b"", pid, d["title"], d["body"], json.dumps(d["fields"], ensure_ascii=False), author, at))
            pubs.append((pid, new_public_id(), vid, vid, d["title"], search, d["unit_id"], d["cat_id"], d["decided"],
                         d["decided"], d["decided"] + dt.timedelta(days=3650), at, at))  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(pub_sql, pubs)
            cursor.executemany(ver_sql, vers)
        print(f"  {min(n, base + BATCH):,} decisions", end="\r", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the trigram index that publishing fills (publicity.search)
            fill = (
                f"INSERT INTO publicity_search(rowid, search_text) SELECT id, search_text FROM {pub_t} WHERE id >= %s"  # noqa: S608
            )
            cursor.execute(fill, [start])
        cursor.execute("ANALYZE")
    print()


# --- Load -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, data_dir: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SANXIANG_DATA_DIR": data_dir, "SANXIANG_ALLOWED_HOSTS": "127.0.0.1"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    cmd = [gunicorn, "sanxiang.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env)  # noqa: S603 (fixed arguments)
    for _ in range(100):
        try:
            if _get(port, "/public/health")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _get(port: int, path: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads GET the ``paths`` in turn for ``seconds``; latencies in ms, errors counted."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        mine, bad, i = [], 0, k
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _size = _get(port, path)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - t0) * 1000)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def endpoints(officer_id: str, n: int, unit_id: int) -> dict[str, list[str]]:
    rng = random.Random(11)
    words = [quote(w) for w in ("占道经营", "违法建设", "中央路", "焚烧垃圾", "英雄大街")]
    numbers = [quote(f"〔2024〕{rng.randrange(1, n)}号") for _ in range(50)]
    return {
        "trivial view (/public/health)": ["/public/health"],
        "decision search: a word": [f"/public/decisions/?q={w}" for w in words],
        "decision search: a decision number (rare)": [f"/public/decisions/?q={x}" for x in numbers],
        "decision search: unit + date range": [
            f"/public/decisions/?unit={unit_id}&date_from=2024-01-01&date_to=2024-{m:02d}-28" for m in range(1, 13)
        ],  # fmt: skip
        "officer page": [f"/public/officers/{officer_id}/"],
        "trivial view again": ["/public/health"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanxiang-bench-data-")
    with bench_database(os.environ.get("DATABASE_URL"), args.keep) as url:
        setup_django(url, data_dir)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        officer_id = seed_roster()
        t0 = time.perf_counter()
        seed_decisions(args.decisions)
        print(f"seeded {args.decisions:,} decisions in {time.perf_counter() - t0:.0f} s")
        from sanxiang.org.models import Unit

        unit_id = Unit.objects.get(code="b1s1").pk
        vendor = connection.vendor
        connection.close()
        server, port = start_server(url, data_dir, args.workers)
        try:
            every = [p for paths in endpoints(officer_id, args.decisions, unit_id).values() for p in paths]
            load(port, every, args.clients, min(5.0, args.seconds))  # warm up: workers import and connect lazily
            results = {name: load(port, paths, args.clients, args.seconds)
                       for name, paths in endpoints(officer_id, args.decisions, unit_id).items()}  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(results, args, vendor)


def _report(results: dict[str, dict[str, Any]], args: argparse.Namespace, vendor: str) -> None:
    ref = results["trivial view (/public/health)"]
    print(f"\n{args.decisions:,} published decisions, {args.clients} clients, gunicorn -w {args.workers}, {vendor}")
    print(f"{'endpoint':45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>9} {'err':>5}  vs trivial (req/s, p99)")
    for name, r in results.items():
        print(f"{name:45} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p99_ms']:9.1f} {r['errors']:5d}  "
              f"{r['rps'] / ref['rps']:.2f}x, {r['p99_ms'] / ref['p99_ms']:.1f}x")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    out = {"decisions": args.decisions, "clients": args.clients, "workers": args.workers, "vendor": vendor,
           "machine": platform.platform(), "cpus": os.cpu_count(), "results": results}  # fmt: skip
    (RESULTS / f"publicity-{vendor}.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
