"""Forms of the administrative inspection's transitions (行政检查), each mapped to its action in ``FORMS``.

Starting an inspection creates the case, so it has no form here: the start
page (``forms.start.InspectionStartForm``) takes it. Closing and archiving
use the general procedure's forms and actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanxiang.cases import actions_inspection
from sanxiang.cases.forms import general
from sanxiang.cases.forms.base import ActionForm, ActionSpec, choice, date, long_text, text
from sanxiang.catalog.models import Violation
from sanxiang.procedures.definitions.inspection import (
    RESULT_COMPLIANT,
    RESULT_RECTIFICATION_ORDERED,
    RESULT_VIOLATION_FOUND,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: What an inspection concludes; the keys are ``definitions.inspection.RESULTS``.
RESULTS: dict[str, Promise] = {
    RESULT_COMPLIANT: _("The party complies"),
    RESULT_VIOLATION_FOUND: _("A violation was found: open a lead in the general procedure"),
    RESULT_RECTIFICATION_ORDERED: _("Rectification ordered"),
}


def moment(label: StrOrPromise) -> forms.DateTimeField:
    """A local date and time typed in a ``datetime-local`` input (made aware in the current time zone)."""
    return forms.DateTimeField(
        label=label,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RecordInspectionForm(ActionForm):
    """现场检查笔录: what was inspected, what was found, when and where (APL Art. 55)."""

    inspected = text(_("Person questioned or object inspected"))
    content = long_text(_("Content"))
    recorded_at = moment(_("Recorded at"))
    place = text(_("Place"))
    submit_label = _("Record the on-site inspection")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorded_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ConcludeInspectionForm(ActionForm):
    """The result; a violation found opens a general-procedure lead with the violation and the date of the act."""

    result = choice(_("Result"), RESULTS)
    findings = long_text(_("Findings"))
    violation = forms.ModelChoiceField(
        label=_("Violation"),
        queryset=Violation.objects.none(),
        required=False,
        help_text=_("For a violation found: the lead opened in the general procedure records it."),
    )
    act_date = date(_("Date of the act (or its end)"), required=False)
    rectify_by = date(_("Rectify by"), required=False, help_text=_("For rectification ordered."))
    submit_label = _("Conclude the inspection")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        violations = Violation.objects.filter(active=True, category_id=self.case.category_id).order_by("code")
        cast("forms.ModelChoiceField[Violation]", self.fields["violation"]).queryset = violations


FORMS: dict[str, ActionSpec] = {
    "record_inspection": ActionSpec(RecordInspectionForm, actions_inspection.case_record_inspection),
    "conclude_inspection": ActionSpec(ConcludeInspectionForm, actions_inspection.case_conclude_inspection),
    "close": general.FORMS["close"],
    "archive": general.FORMS["archive"],
}
