"""``sanxiang uploads_prune``: end unfinished uploads past their expiry and delete their bytes.

Run it from cron or the job runner (hourly is plenty). An upload that is being
written at that moment is left for the next run. Stray partial files without
an active upload (older than an hour) are removed as well.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sanxiang.uploads.actions import uploads_prune


class Command(BaseCommand):
    help = "End unfinished uploads past their expiry and delete their bytes."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, orphans = uploads_prune()
        self.stdout.write(
            _("%(expired)d expired uploads ended, %(orphans)d stray partial files removed.")
            % {"expired": expired, "orphans": orphans}
        )
