"""``sanxiang sweep_deadlines``: mark open deadlines that have run out as overdue.

Meant for a daily scheduled job (e.g. cron at 00:30)::

    sanxiang sweep_deadlines

Each overdue deadline is marked once, whenever and however often the job
runs; it prints how many rows this run marked (0 on a second run the same day).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from sanxiang.cases.deadline_actions import deadlines_mark_overdue
from sanxiang.org.selectors import system_user


class Command(BaseCommand):
    help = "Mark open deadlines due before today as overdue (each once) and print how many were marked."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deadlines_mark_overdue(actor=system_user(), today=timezone.localdate())
        message = ngettext("%(n)d deadline marked overdue.", "%(n)d deadlines marked overdue.", count)
        self.stdout.write(message % {"n": count})
