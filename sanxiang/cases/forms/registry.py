"""Which form and action perform each transition, per procedure.

The case page looks a transition up here by its procedure and code; a
transition without an entry is shown as "no form yet", never as an error.
Another procedure's forms live in their own module (``forms/simple.py`` …)
and are added to ``ACTION_FORMS`` with one line.
"""

from __future__ import annotations

from sanxiang.cases.forms import compulsory, general, inspection, remedy, simple
from sanxiang.cases.forms.base import ActionSpec

ACTION_FORMS: dict[str, dict[str, ActionSpec]] = {
    "general": {**general.FORMS, **remedy.FORMS},
    "simple": simple.FORMS,
    "inspection": inspection.FORMS,
    "compulsory": compulsory.FORMS,
}


def action_spec(procedure: str, code: str) -> ActionSpec | None:
    """The form and action of transition ``code`` of ``procedure``, or None when none is written yet."""
    return ACTION_FORMS.get(procedure, {}).get(code)
