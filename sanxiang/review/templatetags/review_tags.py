"""``{% review_panel case %}``: this app's panel on the case page (``cases/case_detail.html`` includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case

register = template.Library()


@register.inclusion_tag("review/_case_panel.html", takes_context=True)
def review_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """The legal review of ``case``: whether the catalogue marks it major (and why), drafts, reviews, collective discussion."""
    return {"case": case, "user": context.get("user"), "writable": context.get("writable", False)}
