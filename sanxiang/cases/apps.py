from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from sanxiang.record.sources import case_check, digest_check, register_source

        from . import guards, guards_extra  # noqa: F401  (registers the case guards)
        from .engine import event_commit_content

        register_source(
            "case.event",
            "cases.CaseEvent",
            case_check(digest_check(event_commit_content)),
            lambda e: f"case id {e.case_id} event {e.seq} {e.transition}",
        )
