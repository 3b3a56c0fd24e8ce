"""``sanxiang ingest PATH``: store what a camera dock left in a folder as evidence and link it to case steps.

::

    sanxiang ingest /srv/dock/incoming                 every media file under the folder
    sanxiang ingest FILE.mp4 --dry-run                 print the plan; store and write nothing
    sanxiang ingest DIR --officer 22030001             the wearer, by certificate number, for every file
    sanxiang ingest DIR --device DSJ-0001              the device, by serial number, for every file
    sanxiang ingest DIR --case 12 --step register      force the case (id or number) and the step
    sanxiang ingest DIR --json                         the report as JSON, for machines

How files, names and sidecars are read: ``sanxiang.devices.dockfiles``; how
device, person and case step are found: ``sanxiang.devices.ingest``. A rerun
skips what is already stored and attached, so an interrupted run is run again.

Exit status: 0 every file linked or skipped; 2 some files stored but not linked
(listed with the reason); 1 some files failed (not stored) or bad arguments.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanxiang.cases.models import Case
from sanxiang.devices.ingest import ingest, officer_by_certificate
from sanxiang.devices.ingest_report import FileResult, Options, Outcome, Progress, Report
from sanxiang.devices.selectors import device_by_serial
from sanxiang.evidence.actions import step_choices


class _BarStream:
    """Lets tqdm draw on the command's stderr (which would otherwise add a newline to every redraw)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class _Bar(Progress):
    """A tqdm bar in bytes on stderr."""

    def __init__(self, stream: _BarStream) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, file=stream, leave=False)

    def add_total(self, n: int) -> None:
        self.bar.total = (self.bar.total or 0) + n
        self.bar.refresh()

    def advance(self, n: int) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


def find_case(ref: str) -> Case:
    """The case with this id, case number or lead number; ``CommandError`` when there is none."""
    ref = ref.strip()
    condition = Q(number=ref) | Q(lead_number=ref)
    if ref.isdigit():
        condition |= Q(pk=int(ref))
    case = Case.objects.filter(condition).first()
    if case is None:
        raise CommandError(_("There is no case %(c)s.") % {"c": ref})
    return case


class Command(BaseCommand):
    help = "Store the recordings of a camera dock folder as evidence and link each one to the step of a case."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a media file or a folder (walked recursively)")
        parser.add_argument("--dry-run", action="store_true", help="print the plan; store and write nothing")
        parser.add_argument("--officer", metavar="CERT_NO", help="the wearer of every file, by certificate number")
        parser.add_argument("--device", metavar="SERIAL", help="the device of every file, by serial number")
        parser.add_argument("--case", metavar="ID", help="link every file to this case (id or number); needs --step")
        parser.add_argument("--step", metavar="CODE", help="the step (transition code) of --case")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def _options(self, options: dict[str, Any]) -> Options:
        officer = device = case = None
        if options["officer"]:
            officer = officer_by_certificate(options["officer"])
            if officer is None:
                raise CommandError(_("No certificate has the number %(n)s.") % {"n": options["officer"]})
        if options["device"]:
            device = device_by_serial(options["device"])
            if device is None:
                raise CommandError(_("The device %(s)s is not registered.") % {"s": options["device"]})
        if bool(options["case"]) != bool(options["step"]):
            raise CommandError(_("--case and --step go together."))
        if options["case"]:
            case = find_case(options["case"])
            if options["step"] not in {code for code, _label in step_choices(case)}:
                message = _("The procedure of case %(c)s has no step %(s)s.") % {"c": case, "s": options["step"]}
                raise CommandError(message)
        window = dt.timedelta(hours=settings.INGEST_MATCH_HOURS)
        return Options(window, options["dry_run"], officer, device, case, options["step"] or "")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["path"])
        if not root.exists():
            raise CommandError(_("%(p)s does not exist.") % {"p": root})
        run_options = self._options(options)
        bar = None if options["no_progress"] or not self.stderr.isatty() else _Bar(_BarStream(self.stderr))
        try:
            report = ingest(root, run_options, bar)
        finally:
            if bar is not None:
                bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        else:
            self._print(report)
        if report.exit_code:
            sys.exit(report.exit_code)

    def _print(self, report: Report) -> None:
        sections = (
            (Outcome.LINKED, _("Would be linked") if report.dry_run else _("Linked")),
            (Outcome.UNLINKED, _("Would be stored, not linked") if report.dry_run else _("Stored, not linked")),
            (Outcome.SKIPPED, _("Skipped, already ingested")),
            (Outcome.FAILED, _("Failed, not stored")),
        )
        for outcome, title in sections:
            files = report.of(outcome)
            if files:
                self.stdout.write(f"{title} ({len(files)}):")
                for result in files:
                    self.stdout.write(f"  {self._line(result)}")
        if report.ignored:
            self.stdout.write(_("Ignored, not media files (%(n)d):") % {"n": len(report.ignored)})
            for path in report.ignored:
                self.stdout.write(f"  {path}")
        counts = report.counts()
        summary = ngettext(
            "%(files)d file: %(linked)d linked, %(unlinked)d not linked, %(skipped)d skipped, %(failed)d failed.",
            "%(files)d files: %(linked)d linked, %(unlinked)d not linked, %(skipped)d skipped, %(failed)d failed.",
            counts["files"],
        )
        self.stdout.write(summary % counts)
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was stored or recorded."))

    def _line(self, result: FileResult) -> str:
        who = result.officer.full_name if result.officer else "—"
        when = timezone.localtime(result.captured_at).strftime("%Y-%m-%d %H:%M:%S") if result.captured_at else "—"
        facts = _("captured %(t)s (%(src)s), device %(d)s, by %(u)s") % {
            "t": when,
            "src": result.time_source or "—",
            "d": result.device_serial or "—",
            "u": who,
        }
        if result.outcome == Outcome.LINKED and result.case is not None:
            target = _("case %(c)s, step %(s)s") % {"c": result.case, "s": result.step}
            return f"{result.path} → {target}; {facts}"
        return f"{result.path}: {result.message} ({facts})"
