"""``sanxiang verify``: check the record log and everything it vouches for; exit 1 on any discrepancy.

sanxiang verify                      every check (blobs by size; --deep re-hashes them)
sanxiang verify --json               the report as JSON, for machines
sanxiang verify --anchor NOTE ...    also match checkpoints held outside (witness copies, the paper register)
sanxiang verify --entry SEQ          print entry SEQ with its inclusion proof and checkpoint (a bundle for
                                     ``standalone.py inclusion``)
sanxiang verify --consistency OLD NEW  print the consistency bundle between two checkpoints
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from sanxiang.record.verify import Options, inclusion_for_entry, verify


class Command(BaseCommand):
    help = "Verify the record log, its checkpoints and anchors, the rows it vouches for, cases and evidence blobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--deep", action="store_true", help="re-hash every evidence blob")
        parser.add_argument("--anchor", action="append", default=[], metavar="NOTE_FILE", help="a signed checkpoint")
        parser.add_argument("--no-witnesses", action="store_true", help="do not fetch the witnesses' checkpoints")
        parser.add_argument("--entry", type=int, metavar="SEQ", help="print one entry's inclusion bundle")
        parser.add_argument("--consistency", type=int, nargs=2, metavar=("OLD", "NEW"), help="print a bundle")
        parser.add_argument("--progress", action="store_true", help="show progress on stderr")
        parser.add_argument("--no-drain", action="store_true", help="do not sequence the outbox first")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["entry"] is not None:
            try:
                bundle = inclusion_for_entry(options["entry"])
            except (LookupError, Http404) as exc:
                raise CommandError(str(exc) or f"there is no entry {options['entry']}") from exc
            self.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=1))
            return
        if options["consistency"]:
            from sanxiang.record.bundles import consistency_bundle

            old, new = options["consistency"]
            try:
                bundle = consistency_bundle(old, new)
            except Http404 as exc:
                raise CommandError(f"there are no checkpoints of sizes {old} and {new}") from exc
            self.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=1))
            return
        anchors = []
        for name in options["anchor"]:
            try:
                anchors.append(Path(name).read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"cannot read the anchor {name}: {exc}") from exc
        progress = None
        if options["progress"]:
            from tqdm import tqdm

            bar = tqdm(unit="entries", file=sys.stderr)

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

        report = verify(
            Options(
                deep=options["deep"],
                anchors=tuple(anchors),
                fetch_witnesses=not options["no_witnesses"],
                progress=progress,
                drain=not options["no_drain"],
            )
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        else:
            for problem in report.problems:
                self.stdout.write(str(problem))
            for line in report.warnings:
                self.stderr.write(f"warning: {line}")
            for line in report.notes:
                self.stderr.write(f"note: {line}")
            summary = (
                f"{report.origin}: {report.size} entries, {report.checkpoints} checkpoints "
                f"(latest {report.latest_checkpoint}, {report.unsigned_tail} entries not yet signed), "
                f"{report.cosignatures} cosignatures, {report.anchors} anchors, {report.rows} rows, "
                f"{report.cases} cases, {report.blobs} blobs checked in {report.seconds} s; trust anchor "
                f"{report.trust_anchor}"
            )
            self.stdout.write(summary)
            self.stdout.write("OK" if report.ok else f"{len(report.problems)} PROBLEM(S)")
        if not report.ok:
            sys.exit(1)
