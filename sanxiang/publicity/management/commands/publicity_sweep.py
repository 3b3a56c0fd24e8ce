"""``sanxiang publicity_sweep``: draft the publication of every decided case that has none, and end the
publication periods that are over (run daily, e.g. from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanxiang.org.selectors import system_user
from sanxiang.publicity.actions import publication_prepare_for_case, publications_expire_due
from sanxiang.publicity.selectors import cases_awaiting_preparation


class Command(BaseCommand):
    help = "Prepare publications of decided cases and expire ended publications."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = system_user()
        prepared = sum(
            1 for case in cases_awaiting_preparation() if publication_prepare_for_case(actor=actor, case=case)
        )
        expired = publications_expire_due(actor=actor)
        self.stdout.write(f"prepared {prepared}, expired {expired}")
