"""``sanxiang checkpoint``: sign the record log's current tree now and send it to the witnesses.

On demand (after a critical write, before an export) or from a scheduler;
``sanxiang signer`` does the same every ``SANXIANG_CHECKPOINT_INTERVAL_SECONDS``.
Prints the signed note; exits 1 if the signer refuses (the log does not extend
what it signed before: someone removed or rewrote entries) or a witness failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanxiang.record.checkpoints import checkpoint_make, cosigned_note
from sanxiang.record.signer import SignerRefused


class Command(BaseCommand):
    help = "Sign a checkpoint of the record log if it grew, push it to the witnesses, print it."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = checkpoint_make()
        except SignerRefused as exc:
            raise CommandError(f"the signer refused: {exc.message}") from exc
        if result.checkpoint is None:
            self.stdout.write("the log is empty: nothing to sign")
            return
        self.stdout.write(cosigned_note(result.checkpoint), ending="")
        state = "new" if result.created else "unchanged"
        self.stderr.write(f"checkpoint at size {result.checkpoint.size} ({state})")
        if result.witness_errors:
            raise CommandError("; ".join(result.witness_errors))
