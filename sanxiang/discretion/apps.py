from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "sanxiang.discretion"
    label = "discretion"
    verbose_name = _("Discretion baselines")
