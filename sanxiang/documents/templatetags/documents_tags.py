"""``{% documents_panel case %}``: this app's panel on the case page (``cases/case_detail.html`` includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case
from sanxiang.documents import selectors
from sanxiang.documents.doctypes import DOC_TYPES
from sanxiang.documents.dossier import RETENTION_TEXT, missing_documents, retention
from sanxiang.documents.models import ElectronicConsent

register = template.Library()


@register.inclusion_tag("documents/_case_panel.html", takes_context=True)
def documents_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """The documents of ``case``: issued and issuable, with print, verify, void and serve links; the dossier."""
    docs = selectors.documents_of_case(case)
    archived = getattr(case, "dossier_archive", None) if hasattr(case, "dossier_archive") else None
    return {
        "case": case,
        "user": context.get("user"),
        "writable": context.get("writable", False) and archived is None,
        "documents": docs,
        "to_party": [d for d in docs if DOC_TYPES[d.doc_type].to_party and not hasattr(d, "voided")],
        "issuable": selectors.issuable_documents(case) if archived is None else [],
        "missing": missing_documents(case),
        "archived": archived,
        "retention": RETENTION_TEXT[archived.retention if archived else retention(case)],
        "parties": list(case.parties.all()),
        "has_consent": ElectronicConsent.objects.filter(case=case).exists(),
        "csrf_token": context.get("csrf_token"),
    }
