"""``sanxiang sequence``: append what waits in the record log's outbox (RECORD-LOG.md §4 "Scaled").

In ``SANXIANG_LOG_MODE=outbox`` every committing request sequences the outbox
itself right after its commit, and ``sanxiang signer`` sweeps it before each
checkpoint; this command drains it once (``--loop``: every ``--every`` ms, as
a dedicated sequencer process). Several sequencers may run at once: they take
turns on the log's lock and never append a row twice. Prints how many entries
it appended and what still waits.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from sanxiang.record.sequencer import pending, sequence_pending


class Command(BaseCommand):
    help = "Append the entries waiting in the record log's outbox (once, or in a loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sequencing until stopped (SIGTERM/SIGINT)")
        parser.add_argument("--every", type=int, default=100, help="milliseconds between rounds with --loop")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if every < 1:
            raise CommandError("--every must be at least 1 ms")
        if not options["loop"]:
            done = sequence_pending()
            waiting = pending()
            self.stdout.write(f"sequenced {done} entries; {waiting.count} waiting")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stderr.write(f"sequencer: every {every} ms")
        self.stderr.flush()
        total = 0
        while not stop.is_set():
            close_old_connections()
            total += sequence_pending()
            stop.wait(every / 1000)
        self.stdout.write(f"sequenced {total} entries")
