"""Gapless numbers (``numbering.next_number``): one series counts 1..N, a rollback gives its number back,
and concurrent callers never share or skip a number.

Concurrency is tested where it is real: threads with their own connections on PostgreSQL (row locks),
and separate processes on a SQLite file (SQLite's in-memory test database is private to one
connection, so threads prove nothing there; the file database serialises writers with IMMEDIATE
transactions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import time_machine
from django.db import connection, transaction
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.models import Case, CaseSource, IdType, PartyKind
from sanxiang.cases.numbering import next_number
from sanxiang.cases.tests.test_gates_base import GateTestCase
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.testing import FAST_HASHERS, make_bureau

REPO = Path(__file__).resolve().parents[3]


class NextNumberTests(TestCase):
    def numbers(self, series: str, n: int) -> list[int]:
        with transaction.atomic():
            return [next_number(series) for _ in range(n)]

    def test_it_counts_one_series_without_gap(self):
        self.assertEqual(self.numbers("立|2026", 5), [1, 2, 3, 4, 5])
        self.assertEqual(self.numbers("立|2026", 2), [6, 7])

    def test_each_pattern_and_year_is_its_own_series(self):
        self.assertEqual(self.numbers("立|2026", 3), [1, 2, 3])
        self.assertEqual(self.numbers("立|2027", 2), [1, 2])
        self.assertEqual(self.numbers("案源|2026", 1), [1])
        self.assertEqual(self.numbers("立|2026", 1), [4])

    def test_a_rolled_back_transaction_gives_its_number_back(self):
        self.assertEqual(self.numbers("立|2026", 2), [1, 2])
        with self.assertRaises(RuntimeError), transaction.atomic():
            self.assertEqual(next_number("立|2026"), 3)
            raise RuntimeError("the caller failed after taking the number")
        self.assertEqual(self.numbers("立|2026", 1), [3])

    def test_a_rolled_back_first_use_leaves_no_series(self):
        with self.assertRaises(RuntimeError), transaction.atomic():
            next_number("新|2026")
            raise RuntimeError
        self.assertEqual(self.numbers("新|2026", 1), [1])


class LeadNumberTests(GateTestCase):
    """Lead numbers through the action: per year, and given back by a refused lead."""

    def test_lead_numbers_restart_each_year(self):
        self.assertEqual(
            [self.new_lead().lead_number for _ in range(2)], ["铁西城管案源〔2026〕1号", "铁西城管案源〔2026〕2号"]
        )
        with time_machine.travel(at("2027-01-04"), tick=False):
            self.assertEqual(self.new_lead(act_date=None).lead_number, "铁西城管案源〔2027〕1号")

    def test_a_lead_refused_by_validation_gives_its_number_back(self):
        from sanxiang.lib.exceptions import ValidationFailed

        with self.assertRaises(ValidationFailed):
            self.new_lead(location="")  # required: full_clean fails after the number was taken
        self.assertEqual(self.new_lead().lead_number, "铁西城管案源〔2026〕1号")


def _party():
    return actions.party_build(
        kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
    )


@unittest.skipUnless(connection.vendor == "postgresql", "threads share nothing useful on SQLite's in-memory database")
@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class ConcurrentNumberingPostgresTests(TransactionTestCase):
    """8 threads, each with its own connection, start together on a series that does not exist yet."""

    THREADS = 8

    def run_threads(self, work) -> tuple[list[object], float]:
        barrier = threading.Barrier(self.THREADS)
        results: list[object] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def run() -> None:
            try:
                barrier.wait()
                got = work()
                with lock:
                    results.extend(got)
            except BaseException as exc:  # reported by the test thread
                errors.append(exc)
            finally:
                connection.close()

        started = time.monotonic()
        threads = [threading.Thread(target=run) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        return results, time.monotonic() - started

    def test_threads_get_distinct_consecutive_numbers(self):
        def work() -> list[int]:
            got = []
            for _ in range(10):
                with transaction.atomic():
                    got.append(next_number("并发|2026"))
                    time.sleep(0.001)  # hold the lock a little, as a real caller does
            return got

        numbers, seconds = self.run_threads(work)
        self.assertEqual(sorted(numbers), list(range(1, 10 * self.THREADS + 1)))
        print(f"\n{self.THREADS} threads x 10 next_number on PostgreSQL: {seconds:.2f}s")

    def test_threads_registering_leads_get_distinct_consecutive_lead_numbers(self):
        b = make_bureau()

        def work() -> list[str]:
            return [
                actions.case_register_lead(
                    actor=b.officer, source=CaseSource.PATROL, unit=b.squad1, category=b.city_appearance,
                    region=b.street, location="中央路", summary="占道经营", discovered_on=timezone.localdate(),
                    parties=[_party()],
                ).lead_number
                for _ in range(3)
            ]  # fmt: skip

        numbers, seconds = self.run_threads(work)
        year = timezone.localdate().year
        self.assertEqual(set(numbers), {f"铁西城管案源〔{year}〕{n}号" for n in range(1, 3 * self.THREADS + 1)})
        self.assertEqual(Case.objects.filter(state="lead").count(), 3 * self.THREADS)
        print(f"\n{self.THREADS} threads x 3 leads on PostgreSQL: {seconds:.2f}s")


# The SQLite test's coordinator: migrates a fresh file database and builds the bureau, closes its
# connection, then forks the workers (forking after ``django.setup`` spares each one the start-up) and
# releases them together; each worker opens its own connection and takes numbers and lead numbers.
_SCRIPT = r"""
import json, multiprocessing, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings
from django.utils import timezone
from sanxiang.cases import actions
from sanxiang.cases.models import CaseSource, IdType, PartyKind
from sanxiang.cases.numbering import next_number
from sanxiang.org.models import EnforcementCategory, Region, Unit, User
from sanxiang.testing import FAST_HASHERS, make_bureau


def work(barrier, results):
    officer = User.objects.get(username="officer")
    unit, region = Unit.objects.get(code="b1s1"), Region.objects.get(code="tiexi-zq")
    category = EnforcementCategory.objects.get(code="srhw")
    barrier.wait()
    numbers, leads = [], []
    for _ in range(10):
        with transaction.atomic():
            numbers.append(next_number("进程|2026"))
    for _ in range(2):
        party = actions.party_build(
            kind=PartyKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        case = actions.case_register_lead(
            actor=officer, source=CaseSource.PATROL, unit=unit, category=category, region=region,
            location="中央路", summary="占道经营", discovered_on=timezone.localdate(), parties=[party],
        )
        leads.append(case.lead_number)
    connections.close_all()
    results.put({"numbers": numbers, "leads": leads})


processes = int(sys.argv[1])
call_command("migrate", verbosity=0)
with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
    make_bureau()
connections.close_all()
fork = multiprocessing.get_context("fork")
barrier, results = fork.Barrier(processes + 1), fork.Queue()
workers = [fork.Process(target=work, args=(barrier, results)) for _ in range(processes)]
for worker in workers:
    worker.start()
barrier.wait()
started = time.monotonic()
data = [results.get(timeout=60) for _ in workers]
for worker in workers:
    worker.join(timeout=60)
print(json.dumps({"workers": data, "exit_codes": [w.exitcode for w in workers], "seconds": time.monotonic() - started}))
"""


class ConcurrentNumberingSqliteFileTests(SimpleTestCase):
    """8 processes on one SQLite file (WAL, IMMEDIATE transactions), released together."""

    PROCESSES = 8

    def test_processes_get_distinct_consecutive_numbers(self):
        with tempfile.TemporaryDirectory(prefix="sanxiang-numbering-") as tmp:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
                "DATABASE_URL": f"sqlite:///{tmp}/numbers.sqlite3",
                "SANXIANG_DATA_DIR": tmp,
            }
            done = subprocess.run(  # noqa: S603 (the interpreter running the tests, fixed arguments)
                [sys.executable, "-c", _SCRIPT, str(self.PROCESSES)], cwd=REPO, env=env, text=True,
                capture_output=True, timeout=120, check=False,
            )  # fmt: skip
        self.assertEqual((done.returncode, done.stderr), (0, ""))
        result = json.loads(done.stdout)
        self.assertEqual(result["exit_codes"], [0] * self.PROCESSES)
        numbers = sorted(n for worker in result["workers"] for n in worker["numbers"])
        self.assertEqual(numbers, list(range(1, 10 * self.PROCESSES + 1)))
        leads = {lead for worker in result["workers"] for lead in worker["leads"]}
        year = timezone.localdate().year
        self.assertEqual(leads, {f"铁西城管案源〔{year}〕{n}号" for n in range(1, 2 * self.PROCESSES + 1)})
        print(f"\n{self.PROCESSES} processes x (10 next_number + 2 leads) on a SQLite file: {result['seconds']:.2f}s")
