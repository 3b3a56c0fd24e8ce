from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "sanxiang.documents"
    label = "documents"
    verbose_name = _("Enforcement documents")

    def ready(self) -> None:
        from sanxiang.documents import guards, models  # noqa: F401  (guards register themselves)
        from sanxiang.record.logged import register_logged

        for model in (
            models.IssuedDocument,
            models.VoidedNumber,
            models.ElectronicConsent,
            models.ElectronicService,
            models.ServiceOpening,
            models.DossierArchive,
            models.DossierExport,
        ):
            register_logged(model)
