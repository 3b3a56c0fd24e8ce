"""The 归档 gate (RULES.md §13.18): the dossier must hold an issued document for every checklist item."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanxiang.procedures.guards import GuardContext, guard


@guard("dossier_complete")
def dossier_complete(ctx: GuardContext) -> list[str]:
    from django.conf import settings

    from sanxiang.documents.dossier import missing_documents

    if not settings.DOSSIER_ARCHIVE_GATE:
        return []
    missing = missing_documents(ctx.case)
    if missing:
        return [_("The dossier lacks these issued documents: %(items)s.") % {"items": "、".join(missing)}]
    return []
