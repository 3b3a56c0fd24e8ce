"""``{% publicity_panel case %}``: this app's panel on the case page (``cases/case_detail.html`` includes it)."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case
from sanxiang.org.permissions import Perm, has_perm
from sanxiang.publicity.content import decision_kind
from sanxiang.publicity.models import Publication

register = template.Library()


@register.inclusion_tag("publicity/_case_panel.html", takes_context=True)
def publicity_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """What of ``case`` is published or due to be (事后公开)."""
    user = context.get("user")
    return {
        "case": case,
        "user": user,
        "publications": list(Publication.objects.filter(case=case).order_by("created_at")),
        "publishable": decision_kind(case) is not None,
        "minor": case.parties.filter(is_minor=True).exists(),
        "may_edit": has_perm(user, Perm.PUBLICITY_EDIT),
        "may_view": has_perm(user, Perm.PUBLICITY_EDIT) or has_perm(user, Perm.PUBLICITY_APPROVE),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(row: dict[str, Any], key: str) -> Any:
    """``row|get_item:key`` for the list tables."""
    return row.get(key, "")
