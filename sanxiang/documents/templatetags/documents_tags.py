"""``{% documents_panel case %}``: this app's panel on the case page (``cases/case_detail.html`` includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case

register = template.Library()


@register.inclusion_tag("documents/_case_panel.html", takes_context=True)
def documents_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """The documents of ``case``: issued and issuable, with print and verify links."""
    return {"case": case, "user": context.get("user"), "writable": context.get("writable", False)}
