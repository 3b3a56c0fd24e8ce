"""Latency of real case actions with 100,000 cases in the database, against a bare UPDATE + INSERT.

Run from the repository root: ``python -m bench case [--cases N] [--actions N]`` (or
``python -m bench.case_action_bench``). SQLite by default, in a fresh file under a
temporary folder; PostgreSQL when ``DATABASE_URL`` is a postgres:// URL, which is then
only the admin connection: the bench creates its own ``sanxiang_bench`` database
there and drops it at the end (``--keep`` keeps either database).

1. Migrate, seed the 2026 calendar, the test bureau (``sanxiang.testing.make_bureau``)
   and one violation.
2. Bulk-create the fixture (not the code under test): ``--cases`` registered general-procedure
   cases, each with its two events (lead, registration), two handlers and the open
   90-day decision period, in batches; then ANALYZE, as autovacuum would have.
3. With time frozen at 2026-06-01 10:00 (Asia/Shanghai), run ``--actions`` rounds, each
   doing in turn: ``case_register_lead`` (a new lead with a party), ``case_register``
   of that lead, ``case_record_transcript`` on a random seeded case, and the reference:
   one transaction with ``UPDATE`` of a random case row and ``INSERT`` of its event,
   through Django's cursor. Interleaving makes a change in machine load hit all alike.
   Each call is timed alone (wall clock, ``perf_counter``), after ``--warmup`` untimed rounds.

The table gives p50 and p99 in ms, each as a ratio to the reference: how much the
engine (locking, guards, deadlines, JSON, the ORM) costs over the minimum any
transition must write. JSON goes to ``bench/results/case_action-<vendor>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

BENCH_DB = "sanxiang_bench"
RESULTS = Path(__file__).resolve().parent / "results"
FROZEN_AT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED_START = dt.date(2026, 1, 5)  # registrations spread over the first 140 days of 2026
TZ = ZoneInfo("Asia/Shanghai")


# --- The database -----------------------------------------------------------------------------


@contextmanager
def bench_database(admin_url: str | None, keep: bool) -> Iterator[str]:
    """Yield the URL of a fresh, empty database; drop it afterwards unless ``keep``."""
    if admin_url and admin_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(admin_url)
        url = urlunsplit(parts._replace(path="/" + BENCH_DB))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
        try:
            yield url
        finally:
            _close_django()
            if not keep:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        return
    folder = tempfile.mkdtemp(prefix="sanxiang-bench-")
    try:
        yield f"sqlite:///{folder}/bench.sqlite3"
    finally:
        _close_django()
        if keep:
            print(f"kept {folder}/bench.sqlite3")
        else:
            for path in sorted(Path(folder).iterdir()):
                path.unlink()
            Path(folder).rmdir()


def _close_django() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def setup_django(url: str, data_dir: str) -> None:
    """Point the settings at ``url`` (they read the environment once, at import) and start Django."""
    if "django.conf" in sys.modules and "sanxiang.settings" in sys.modules:
        raise RuntimeError("Django is already configured in this process: run the case bench on its own.")
    os.environ["DATABASE_URL"] = url
    os.environ["SANXIANG_DATA_DIR"] = data_dir  # the generated secret key and static folder go there
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()


# --- Fixture ----------------------------------------------------------------------------------


@dataclass
class World:
    """What the timed loop needs: the bureau, the violation, and the seeded case ids."""

    bureau: Any
    violation: Any
    case_ids: list[int] = field(default_factory=list)


def seed_bureau() -> World:
    from django.core.management import call_command
    from django.test import override_settings

    from sanxiang.catalog.actions import violation_create
    from sanxiang.procedures.actions import calendar_seed_year
    from sanxiang.testing import FAST_HASHERS, make_bureau

    call_command("migrate", verbosity=0, interactive=False)
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        bureau = make_bureau()
    calendar_seed_year(actor=bureau.system, year=2026)
    violation = violation_create(
        actor=bureau.reviewer,
        code="srhw-001",
        title="擅自占用城市道路摆摊设点",
        category=bureau.city_appearance,
        violated_provisions="《城市市容和环境卫生管理条例》第十四条",
        penalty_provisions="《城市市容和环境卫生管理条例》第三十六条",
    )
    return World(bureau, violation)


def _cases(world: World, first: int, count: int) -> list[Any]:
    from django.conf import settings

    from sanxiang.cases.models import Case, CaseSource

    b = world.bureau
    out = []
    for n in range(first, first + count):
        day = SEED_START + dt.timedelta(days=n % 140)
        at = dt.datetime.combine(day, dt.time(9), TZ)
        out.append(
            Case(
                procedure="general", state="registered",
                number=settings.CASE_NUMBER_PATTERN.format(year=2026, n=n),
                lead_number=settings.LEAD_NUMBER_PATTERN.format(year=2026, n=n),
                source=CaseSource.PATROL, unit=b.squad1, category=b.city_appearance, region=b.street,
                violation=world.violation, location="站前街道中央路", summary="占道经营",
                act_date=day, discovered_on=day, registered_on=day,
                facts={"harmful_consequences": False}, event_count=2, created_at=at, updated_at=at,
            )
        )  # fmt: skip
    return out


def _events(world: World, case: Any) -> list[Any]:
    from sanxiang.cases.models import CaseEvent

    b = world.bureau
    at = case.created_at
    register = {
        "number": case.number, "registered_on": case.registered_on.isoformat(), "violation_id": world.violation.pk,
        "handlers": [b.officer.pk, b.officer2.pk], "facts.harmful_consequences": False, "state": "registered",
    }  # fmt: skip
    common = {"case": case, "at": at, "request_id": "bench"}
    return [
        CaseEvent(seq=1, transition="register_lead", from_state="", to_state="lead", actor=b.officer,
                  actor_label=str(b.officer), changes={"state": "lead"},
                  payload={"lead_number": case.lead_number}, **common),
        CaseEvent(seq=2, transition="register", from_state="lead", to_state="registered", actor=b.unit_head,
                  actor_label=str(b.unit_head), changes=register, payload={}, **common),
    ]  # fmt: skip


def _links(world: World, case: Any) -> tuple[list[Any], Any]:
    from sanxiang.cases.models import CaseHandler, Deadline

    b = world.bureau
    handlers = [
        CaseHandler(case=case, user=b.officer, role="lead", assigned_at=case.created_at),
        CaseHandler(case=case, user=b.officer2, role="assist", assigned_at=case.created_at),
    ]
    deadline = Deadline(
        case=case, code="decision_period", kind="warn", basis="APL Art. 60",
        started_on=case.registered_on, due_on=case.registered_on + dt.timedelta(days=90),
    )  # fmt: skip
    return handlers, deadline


def seed_cases(world: World, total: int, batch: int) -> None:
    """Bulk-create ``total`` registered cases with their rows, and move the number counters past them."""
    from django.conf import settings
    from django.db import transaction

    from sanxiang.cases.models import Case, CaseEvent, CaseHandler, Deadline, NumberCounter

    for first in range(1, total + 1, batch):
        with transaction.atomic():
            cases = Case.objects.bulk_create(_cases(world, first, min(batch, total + 1 - first)))
            CaseEvent.objects.bulk_create([e for c in cases for e in _events(world, c)])
            links = [_links(world, c) for c in cases]
            CaseHandler.objects.bulk_create([h for handlers, _d in links for h in handlers])
            Deadline.objects.bulk_create([d for _h, d in links])
        world.case_ids += [c.pk for c in cases]
        print(f"\r  seeded {len(world.case_ids):,} cases", end="", flush=True)
    print()
    for pattern in (settings.CASE_NUMBER_PATTERN, settings.LEAD_NUMBER_PATTERN):
        NumberCounter.objects.update_or_create(series=f"{pattern}|2026", defaults={"last": total})


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- The timed operations ---------------------------------------------------------------------


class Loop:
    """The four operations of one round, sharing the world and a seeded random source."""

    def __init__(self, world: World, seed: int = 2026) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.lead: Any = None

    def register_lead(self) -> None:
        from django.utils import timezone

        from sanxiang.cases import actions
        from sanxiang.cases.models import CaseSource, IdType, PartyKind

        b = self.world.bureau
        party = actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        today = timezone.localdate()
        self.lead = actions.case_register_lead(
            actor=b.officer, source=CaseSource.PATROL, unit=b.squad1, category=b.city_appearance,
            region=b.street, location="站前街道中央路", summary="占道经营", discovered_on=today,
            act_date=today, violation=self.world.violation, parties=[party],
        )  # fmt: skip

    def register(self) -> None:
        from sanxiang.cases import actions

        b = self.world.bureau
        actions.case_register(actor=b.unit_head, case=self.lead, handlers=[b.officer, b.officer2])

    def transcript_case(self) -> Any:
        from sanxiang.cases.models import Case

        return Case.objects.get(pk=self.rng.choice(self.world.case_ids))

    def record_transcript(self, case: Any) -> None:
        from django.utils import timezone

        from sanxiang.cases import actions

        actions.case_record_transcript(
            actor=self.world.bureau.officer, case=case, kind="questioning", interviewee="张三",
            content="问：……答：……", recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip

    def reference(self) -> None:
        """One transaction: bump a random case's event count and append its event, in plain SQL."""
        reference_write(self.rng.choice(self.world.case_ids), self.world.bureau.officer)


def reference_write(case_id: int, actor: Any) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from sanxiang.cases.models import Case, CaseEvent

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET event_count = event_count + 1, updated_at = %s"  # noqa: S608
            " WHERE id = %s RETURNING event_count",
            [now, case_id],
        )
        (seq,) = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {CaseEvent._meta.db_table} (case_id, seq, transition, from_state, to_state, actor_id,"  # noqa: S608
            " actor_label, at, place, changes, payload, request_id)"
            f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s{jsonb}, %s{jsonb}, %s)",
            [case_id, seq, "record_transcript", "registered", "registered", actor.pk, str(actor), now, "站前街道",
             json.dumps({"state": "registered"}), json.dumps({"content": "问：……答：……"}, ensure_ascii=False), "bench"],
        )  # fmt: skip


# --- Measuring --------------------------------------------------------------------------------

LABELS = {
    "reference": "reference: UPDATE case + INSERT event",
    "register_lead": "case_register_lead (new lead + party)",
    "register": "case_register (lead → registered)",
    "record_transcript": "case_record_transcript (activity)",
}


def timed(fn: Callable[[], None]) -> float:
    started = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - started) / 1e6


def one_round(loop: Loop, samples: dict[str, list[float]] | None) -> None:
    """Run the four operations once; record their ms in ``samples`` (None: warm-up)."""
    case = loop.transcript_case()  # fetching is the view's part, not the action's
    results = {
        "register_lead": timed(loop.register_lead),
        "register": timed(loop.register),
        "record_transcript": timed(lambda: loop.record_transcript(case)),
        "reference": timed(loop.reference),
    }
    if samples is not None:
        for key, ms in results.items():
            samples[key].append(ms)


def query_counts(loop: Loop) -> dict[str, int]:
    """Queries each operation sends (one extra, untimed round)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = loop.transcript_case()
    ops: dict[str, Callable[[], None]] = {
        "register_lead": loop.register_lead,
        "register": loop.register,
        "record_transcript": lambda: loop.record_transcript(case),
        "reference": loop.reference,
    }
    counts = {}
    for key, op in ops.items():
        with CaptureQueriesContext(connection) as captured:
            op()
        counts[key] = len(captured.captured_queries)
    return counts


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method; q in 1..99)."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(world: World, rounds: int, warmup: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    import time_machine

    samples: dict[str, list[float]] = {key: [] for key in LABELS}
    loop = Loop(world)
    with time_machine.travel(FROZEN_AT, tick=False):
        for _ in range(warmup):
            one_round(loop, None)
        for i in range(rounds):
            one_round(loop, samples)
            if i % 50 == 49:
                print(f"\r  measured {i + 1} rounds", end="", flush=True)
        print()
        counts = query_counts(loop)
    return samples, counts


# --- Report -----------------------------------------------------------------------------------


def summarise(samples: dict[str, list[float]], counts: dict[str, int]) -> dict[str, dict[str, float]]:
    ref50, ref99 = percentile(samples["reference"], 50), percentile(samples["reference"], 99)
    out = {}
    for key, values in samples.items():
        p50, p99 = percentile(values, 50), percentile(values, 99)
        out[key] = {
            "queries": counts[key], "n": len(values), "p50_ms": round(p50, 3), "p99_ms": round(p99, 3),
            "mean_ms": round(statistics.fmean(values), 3), "max_ms": round(max(values), 3),
            "p50_ratio": round(p50 / ref50, 2), "p99_ratio": round(p99 / ref99, 2),
        }  # fmt: skip
    return out


def print_table(header: str, rows: dict[str, dict[str, float]]) -> None:
    print(header)
    print(f"{'operation':<40} {'queries':>7} {'p50 ms':>8} {'p99 ms':>8} {'p50 ×ref':>9} {'p99 ×ref':>9}")
    for key in LABELS:
        r = rows[key]
        print(
            f"{LABELS[key]:<40} {r['queries']:>7} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
            f" {r['p50_ratio']:>9.2f} {r['p99_ratio']:>9.2f}"
        )


def database_version() -> tuple[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "postgresql", f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return connection.vendor, f"SQLite {cursor.fetchone()[0]} (WAL, synchronous=NORMAL)"


def run(args: argparse.Namespace, url: str, data_dir: str) -> None:
    setup_django(url, data_dir)
    started = time.perf_counter()
    world = seed_bureau()
    setup_s = time.perf_counter() - started
    started = time.perf_counter()
    seed_cases(world, args.cases, args.batch)
    analyze()
    seed_s = time.perf_counter() - started
    vendor, version = database_version()
    print(f"  migrate + bureau + calendar {setup_s:.1f} s; {args.cases:,} cases seeded in {seed_s:.1f} s")
    samples, counts = measure(world, args.actions, args.warmup)
    rows = summarise(samples, counts)
    header = (
        f"{version}, {args.cases:,} seeded cases, {args.actions} rounds of each operation after {args.warmup}"
        f" warm-up rounds, interleaved; time frozen at {FROZEN_AT.isoformat()}"
    )
    print_table(header, rows)
    write_json(vendor, version, args, setup_s, seed_s, rows)


def write_json(vendor: str, version: str, args: argparse.Namespace, setup_s: float, seed_s: float, rows: Any) -> None:
    import django

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"case_action-{vendor}.json"
    document = {
        "database": version, "cases": args.cases, "rounds": args.actions, "warmup_rounds": args.warmup,
        "setup_seconds": round(setup_s, 1), "seed_seconds": round(seed_s, 1), "frozen_at": FROZEN_AT.isoformat(),
        "python": platform.python_version(), "django": django.get_version(), "cpus": os.cpu_count(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "operations": rows,
    }  # fmt: skip
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=500, help="timed rounds (each runs every operation once)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--batch", type=int, default=2_000, help="cases per bulk_create transaction")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    admin_url = os.environ.get("DATABASE_URL")
    with (
        tempfile.TemporaryDirectory(prefix="sanxiang-bench-data-") as data_dir,
        bench_database(admin_url, args.keep) as url,
    ):
        print(f"case actions: fresh database {url}")
        run(args, url, data_dir)


if __name__ == "__main__":
    main()
