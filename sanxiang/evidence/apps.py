from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "sanxiang.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from sanxiang.record.sources import register_source
        from sanxiang.record.verify import register_check

        from . import av, checks  # noqa: F401  (av registers the audio/video guard)
        from .models import ACCESS_SOURCES

        register_source(
            "evidence.ingest", "evidence.EvidenceObject", checks.ingest_row_check, lambda o: f"blob {o.sha256}"
        )
        register_source(
            "evidence.add",
            "evidence.Evidence",
            checks.add_row_check,
            lambda e: f"evidence {e.pk} of case id {e.case_id}",
        )
        for action, label in ACCESS_SOURCES.items():
            register_source(
                f"evidence.{action}",
                label,
                checks.access_row_check,
                lambda a: f"evidence {a.evidence_id} {a.action} by user {a.actor_id}",
            )
        register_check("evidence blobs", checks.blob_check)
