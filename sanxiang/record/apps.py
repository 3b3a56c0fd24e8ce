from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordConfig(AppConfig):
    name = "sanxiang.record"
    label = "record"
    verbose_name = _("Record")
