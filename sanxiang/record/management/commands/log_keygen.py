"""``sanxiang log_keygen [PATH]``: make the log's Ed25519 signing key and print its public (verifier) key.

Give the printed key to the witnesses and to whoever verifies exports
(``SANXIANG_LOG_PUBLIC_KEY``). Refuses to overwrite an existing key: a new key
is a new identity for the log (add it alongside; old checkpoints keep
verifying with the old key).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.record import note
from sanxiang.record.signer import write_key_file


class Command(BaseCommand):
    help = "Create the record log's signing key file (mode 0600) and print its verifier key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="key file (default: SANXIANG_LOG_SIGNING_KEY_FILE)")
        parser.add_argument("--name", default=None, help="key name (default: the log origin)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"] or settings.RECORD_SIGNING_KEY_FILE)
        try:
            signer = note.Signer.generate(options["name"] or settings.RECORD_LOG_ORIGIN)
        except note.NoteError as exc:
            raise CommandError(str(exc)) from exc
        try:
            write_key_file(path, signer)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists; a key is never overwritten") from exc
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc}") from exc
        self.stdout.write(signer.vkey())
