"""``{% major_determination case %}`` and ``{% major_ground_form case %}``: the catalogue's parts of the case page."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case
from sanxiang.catalog.actions_review import may_add_ground
from sanxiang.catalog.forms import GroundForm
from sanxiang.catalog.major import Determination, determine

register = template.Library()


@register.inclusion_tag("catalog/_determination.html")
def major_determination(case: Case, determination: Determination | None = None) -> dict[str, Any]:
    """Render ``determination`` (computed for ``case`` now when not given): major or not, and why."""
    return {"determination": determination if determination is not None else determine(case)}


@register.inclusion_tag("catalog/_ground_form.html", takes_context=True)
def major_ground_form(context: template.Context, case: Case) -> dict[str, Any]:
    """The form that adds a ground, for a user who may (nothing otherwise)."""
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False) or not may_add_ground(user, case):
        return {"case": case, "form": None}
    return {"case": case, "form": GroundForm(prefix="major"), "csrf_token": context.get("csrf_token")}
