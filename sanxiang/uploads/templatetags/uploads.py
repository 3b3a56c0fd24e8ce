"""``{% uploader case %}``: the resumable uploader of a case, with its steps and kinds filled in.

The case page can include ``uploads/_uploader.html`` itself (passing
``case``, ``steps`` and ``kinds``); this tag saves it from computing them.
"""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.cases.models import Case
from sanxiang.evidence.actions import step_choices
from sanxiang.evidence.models import EvidenceKind

register = template.Library()


@register.inclusion_tag("uploads/_uploader.html", takes_context=True)
def uploader(context: template.Context, case: Case, step: str = "") -> dict[str, Any]:
    """The uploader of ``case``; ``step`` preselects a step (a transition code of its procedure)."""
    return {
        "case": case,
        "steps": step_choices(case),
        "kinds": EvidenceKind.choices,
        "step": step,
        "csrf_token": context.get("csrf_token", ""),
    }
