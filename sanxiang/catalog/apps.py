from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = _("Catalogues")

    def ready(self) -> None:
        from sanxiang.catalog.models import DeterminationRecord, MajorGroundRecord, ReviewCatalogueApproval
        from sanxiang.record.logged import register_logged

        # Approvals, manual grounds and recorded matches are facts of the record (APL Art. 47, 58).
        register_logged(ReviewCatalogueApproval, lambda row: f"{row.catalogue.version}")
        register_logged(MajorGroundRecord, lambda row: f"{row.get_ground_display()}")
        register_logged(DeterminationRecord, lambda row: f"{row.code}")
