"""``sanxiang documents_export OUT_DIR --from DATE --to DATE``: archive exports of the cases closed or archived
in a date range, one ZIP per case, with progress; each verifies offline with ``standalone.py archive``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from sanxiang.documents import export
from sanxiang.org.selectors import system_user


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Export the dossiers of the cases closed or archived in a date range (one ZIP per case)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir")
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out_dir"])
        out.mkdir(parents=True, exist_ok=True)
        cases = export.cases_in_range(_date(options["start"]), _date(options["end"]))
        actor = system_user()
        written = 0
        for case in tqdm(cases, desc="dossiers", unit="case", disable=options["verbosity"] < 1, file=self.stderr):
            target = out / export.export_name(case)
            if target.exists():
                continue  # an export is never overwritten: a rerun resumes where it stopped
            data = export.case_export(actor=actor, case=case)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(target)
            written += 1
        self.stdout.write(f"{written} of {len(cases)} dossiers exported to {out}")
