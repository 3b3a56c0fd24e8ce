"""``sanxiang signer``: the checkpoint process — sign the log every interval, if it grew, and push to witnesses.

Run it as its own service under a Unix user that alone can read the signing key
(``SANXIANG_LOG_SIGNING_KEY_FILE``); the web processes never need the key.
``--once`` makes one checkpoint and stops (same as ``sanxiang checkpoint``).
A refusal by the signer (the log no longer extends what it signed) is logged
as an error on every round and makes the process exit with status 1 when
``--stop-on-refusal`` is given.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from sanxiang.record.checkpoints import checkpoint_make
from sanxiang.record.signer import LogSigner, SignerRefused

logger = logging.getLogger("sanxiang.record.signer")


class Command(BaseCommand):
    help = "Make a signed checkpoint of the record log every interval (default from settings) while it grows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=None, help="seconds between checkpoints")
        parser.add_argument("--once", action="store_true", help="make one checkpoint and stop")
        parser.add_argument("--stop-on-refusal", action="store_true", help="exit 1 when the signer refuses")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"] or settings.RECORD_CHECKPOINT_INTERVAL_SECONDS
        if every < 1:
            raise CommandError("--every must be at least 1 second")
        signer = LogSigner.from_settings()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stderr.write(f"signer: key {signer.vkey()}, every {every} s")
        while not stop.is_set():
            close_old_connections()
            try:
                result = checkpoint_make(signer)
            except SignerRefused as exc:
                logger.error("the signer refused: %s", exc.message)
                if options["stop_on_refusal"]:
                    raise CommandError(f"the signer refused: {exc.message}") from exc
            else:
                if result.created and result.checkpoint is not None:
                    self.stderr.write(f"checkpoint {result.checkpoint.size}, cosigned by {result.cosigned_by}")
                for error in result.witness_errors:
                    logger.warning("witness: %s", error)
            if options["once"]:
                return
            stop.wait(every)
