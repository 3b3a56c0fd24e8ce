from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RecordConfig(AppConfig):
    name = "sanxiang.record"
    label = "record"
    verbose_name = _("Record")

    def ready(self) -> None:
        from sanxiang.record import appendonly
        from sanxiang.record.actions import audit_commit_content
        from sanxiang.record.sources import digest_check, register_source

        register_source("audit", "record.AuditEvent", digest_check(audit_commit_content), lambda e: f"audit {e.action}")

        connection_created.connect(appendonly.register_sqlite_function, dispatch_uid="sanxiang_sqlite_maintenance")
        # All apps' migrations have run when post_migrate fires, so once (for this app) is enough.
        post_migrate.connect(appendonly.install_after_migrate, sender=self, dispatch_uid="sanxiang_append_only")
