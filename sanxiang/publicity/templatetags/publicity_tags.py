"""``{% publicity_panel case %}``: this app's panel on the case page (``cases/case_detail.html`` includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case

register = template.Library()


@register.inclusion_tag("publicity/_case_panel.html", takes_context=True)
def publicity_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """What of ``case`` is published or due to be (事后公开)."""
    return {"case": case, "user": context.get("user"), "writable": context.get("writable", False)}
