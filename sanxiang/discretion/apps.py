from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "sanxiang.discretion"
    label = "discretion"
    verbose_name = _("Discretion baselines")

    def ready(self) -> None:
        from sanxiang.discretion.checks import CHECK, approved_content_check
        from sanxiang.discretion.models import BaselineApproval
        from sanxiang.record.logged import register_logged
        from sanxiang.record.verify import register_check

        register_logged(BaselineApproval, _describe_approval)
        register_check(CHECK, approved_content_check)


def _describe_approval(row: object) -> str:
    baseline = getattr(row, "baseline", None)
    return f"裁量基准 {baseline} 批准" if baseline is not None else "裁量基准批准"
