"""The case endpoints of the JSON API (mounted at /api/v1/cases/ by ``sanxiang.api``).

``reads``: the list, one case, its events. ``steps``: a new lead and one
POST per step of the general procedure. ``schemas``: what they answer.
Every endpoint is thin: parse the input, get the case through
``case_get_for_user`` (missing and not allowed are both 404), call the typed
action, answer the case detail.
"""

from __future__ import annotations

from sanxiang.cases.api import reads, steps
from sanxiang.cases.api.router import router

__all__ = ["reads", "router", "steps"]
