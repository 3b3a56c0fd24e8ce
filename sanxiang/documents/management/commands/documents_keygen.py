"""``sanxiang documents_keygen``: make a self-signed document-signing certificate and key (demo / testing).

Production uses the bureau's own certificate and key (``SANXIANG_DOCUMENT_SIGNING_CERT_FILE`` /
``SANXIANG_DOCUMENT_SIGNING_KEY_FILE``). Existing files are never overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.documents.signing import keygen


class Command(BaseCommand):
    help = "Make a self-signed document-signing certificate and key at the configured paths."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--name", default="四平市铁西区城市管理行政执法局（演示证书）", help="Certificate common name"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cert, key = Path(settings.DOCUMENT_SIGNING_CERT_FILE), Path(settings.DOCUMENT_SIGNING_KEY_FILE)
        if cert.exists() or key.exists():
            raise CommandError(f"{cert} or {key} already exists; not overwritten.")
        keygen(options["name"], cert_file=cert, key_file=key)
        self.stdout.write(f"certificate {cert}\nkey {key}")
