from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    label = "publicity"
    verbose_name = _("Enforcement publicity")

    def ready(self) -> None:
        from sanxiang.publicity import models
        from sanxiang.record.logged import register_logged

        register_logged(models.PublicationVersion, lambda row: f"{row.publication.title} v{row.number}")
        register_logged(models.PublicationEvent, lambda row: f"{row.publication.title}: {row.state}")
        register_logged(models.CorrectionReport, lambda row: str(row.code))
        register_logged(models.CorrectionReply, lambda row: f"{row.report.code}: {row.outcome}")
