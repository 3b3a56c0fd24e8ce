"""``{% review_panel case %}``: this app's panel on the case page (``cases/case_detail.html`` includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case
from sanxiang.org.models import User

register = template.Library()


@register.inclusion_tag("review/_case_panel.html", takes_context=True)
def review_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """The legal review of ``case``: whether the catalogue marks it major (and why), drafts, reviews, collective discussion."""
    from sanxiang.review.panel import panel_context

    request = context.get("request")
    bound = getattr(request, "review_forms", {}) if request is not None else {}
    user = context.get("user")
    if not isinstance(user, User):
        return {"applies": False}
    panel = panel_context(case, user, bool(context.get("writable", False)), bound)
    return {**panel, "user": user, "csrf_token": context.get("csrf_token"), "request": request}
