"""``sanxiang uploads_prune``: end unfinished uploads past their expiry and delete their bytes.

Run it from cron or the job runner (hourly is plenty). An upload that is being
written at that moment is left for the next run. Stray partial files without
an active upload (older than an hour) are removed as well.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from sanxiang.uploads.actions import uploads_prune


class Command(BaseCommand):
    help = "End unfinished uploads past their expiry and delete their bytes."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, orphans = uploads_prune()
        ended = ngettext("%(n)d expired upload ended", "%(n)d expired uploads ended", expired) % {"n": expired}
        removed = ngettext("%(n)d stray partial file removed", "%(n)d stray partial files removed", orphans) % {
            "n": orphans
        }
        self.stdout.write(f"{ended}; {removed}.")
