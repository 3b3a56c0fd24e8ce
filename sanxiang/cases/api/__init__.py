"""The case endpoints of the JSON API (mounted at /api/v1/cases/ by ``sanxiang.api``).

``reads``: the list, one case, its events. ``steps``: a new lead and one
POST per step of the general procedure (``close``, ``archive`` and
``record_payment`` serve every procedure). ``steps_simple``,
``steps_inspection``, ``steps_compulsory``: the start and the steps of the
other procedures. ``schemas``: what they answer.

Every endpoint is thin: parse the input, get the case through
``case_get_for_user`` (missing and not allowed are both 404), call the typed
action, answer the case detail.
"""

from __future__ import annotations

from sanxiang.cases.api import reads, steps, steps_compulsory, steps_inspection, steps_simple
from sanxiang.cases.api.router import router

__all__ = ["reads", "router", "steps", "steps_compulsory", "steps_inspection", "steps_simple"]
