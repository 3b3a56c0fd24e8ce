"""``sanxiang log_export OUT``: the whole record log as JSON Lines, for ``standalone.py log`` and archives.

::

    sanxiang log_export /mnt/worm/record-2026-06-30.jsonl [--origin sanxiang.local/record]
    sanxiang log_export - | python standalone.py log - --key VKEY

Format ``sanxiang-log-export/1`` (a contract: ``standalone.py`` and ``verify`` read it), one JSON
object per line, UTF-8, ``\\n``-terminated:

1. ``{"type":"header","format":"sanxiang-log-export/1","origin":O,"size":N,"exported_at":"<ISO 8601>"}``.
   A claim only: a verifier takes its keys from its command line and checks the
   origin and the size against the signed checkpoints and the entries.
2. ``{"type":"entry","seq":i,"body":"<base64 of the exact stored body bytes>"}`` for i = 0..N-1 in order.
3. ``{"type":"checkpoint","note":"<signed note with the witnesses' cosignature lines appended>"}``
   for every stored checkpoint of size <= N, in increasing size, each placed right
   after the entry that brings the count to its size (size-0 checkpoints right after
   the header), so that a verifier compares each signed root with the recomputed
   one in a single streaming pass.

Entries are streamed from the database in chunks: memory does not grow with the
log. The snapshot is the head's size when the export starts; later appends are
left for the next export. An existing file is never overwritten.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanxiang.record.log import log_origin
from sanxiang.record.models import Checkpoint, LogEntry, LogHead

EXPORT_FORMAT = "sanxiang-log-export/1"
CHUNK_SIZE = 2000


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's signed note with its stored cosignature lines appended (each once)."""
    text = checkpoint.note
    for cosignature in checkpoint.cosignatures.all():
        line = cosignature.line if cosignature.line.endswith("\n") else cosignature.line + "\n"
        if line not in text:
            text += line
    return text


def export_lines(head: LogHead, size: int) -> Iterator[str]:
    """The export of the first ``size`` entries of ``head`` and its checkpoints, line by line."""
    yield _line(
        {
            "type": "header",
            "format": EXPORT_FORMAT,
            "origin": head.origin,
            "size": size,
            "exported_at": timezone.now().isoformat(),
        }
    )
    checkpoints = (
        Checkpoint.objects.filter(log=head, size__lte=size)
        .order_by("size", "pk")
        .prefetch_related("cosignatures")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    waiting = next(checkpoints, None)
    entries = LogEntry.objects.filter(log=head, seq__lt=size).order_by("seq").values_list("seq", "body")
    for count, (seq, body) in enumerate(entries.iterator(chunk_size=CHUNK_SIZE)):
        while waiting is not None and waiting.size <= count:
            yield _line({"type": "checkpoint", "note": cosigned_note(waiting)})
            waiting = next(checkpoints, None)
        yield _line({"type": "entry", "seq": seq, "body": base64.b64encode(bytes(body)).decode()})
    while waiting is not None:
        yield _line({"type": "checkpoint", "note": cosigned_note(waiting)})
        waiting = next(checkpoints, None)


class Command(BaseCommand):
    help = "Export the record log (entries and signed checkpoints) as JSON Lines for the standalone verifier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", metavar="OUT", help="File to create (never overwritten), or - for stdout")
        parser.add_argument("--origin", default="", help="The log to export (default: this deployment's log)")

    def handle(self, *args: Any, **options: Any) -> None:
        origin = options["origin"] or log_origin()
        head = LogHead.objects.filter(origin=origin).first()
        if head is None:
            raise CommandError(f"There is no log with the origin {origin!r}.")
        size = head.size
        out: str = options["out"]
        if out == "-":
            self._write(export_lines(head, size), lambda line: self.stdout.write(line, ending=""))
            self.stderr.write(f"Exported {size} entries of {origin}.", style_func=None)
            return
        try:
            handle = open(out, "x", encoding="utf-8", newline="\n")  # noqa: SIM115 (removed on failure below)
        except FileExistsError:
            raise CommandError(f"{out} exists already; an export is never overwritten.") from None
        except OSError as exc:
            raise CommandError(f"Cannot create {out}: {exc.strerror}.") from None
        try:
            with handle:
                self._write(export_lines(head, size), handle.write)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            os.unlink(out)  # no half export that looks like a whole one
            raise
        self.stdout.write(f"Exported {size} entries of {origin} to {out}.")

    @staticmethod
    def _write(lines: Iterator[str], write: Callable[[str], object]) -> None:
        for line in lines:
            write(line)
