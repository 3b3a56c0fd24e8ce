"""``sanxiang publicity_push [--loop] [--interval N]``: deliver the due push messages to the provincial platform.

Each publication and withdrawal is also attempted right after its commit; this
command retries what failed, with the backoff of ``publicity.push``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.publicity.push import push_due, push_enabled


class Command(BaseCommand):
    help = "Deliver due publicity push messages (once, or --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running.")
        parser.add_argument("--interval", type=int, default=10, help="Seconds between rounds with --loop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not push_enabled():
            self.stdout.write("SANXIANG_PUBLICITY_PUSH_URL is not set: nothing to push.")
            return
        while True:
            delivered, failed = push_due()
            self.stdout.write(f"delivered {delivered}, failed {failed}")
            if not options["loop"]:
                return
            time.sleep(max(1, options["interval"]))
