"""Forms of the compulsory measure's transitions (查封/扣押), each mapped to its action in ``FORMS``.

Approving a measure beforehand and taking one in an emergency both create the
case, so they have no form here: the start page
(``forms.start.CompulsoryStartForm``) takes them. Closing and archiving use
the general procedure's forms and actions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanxiang.cases import actions_compulsory
from sanxiang.cases.access import case_list_for_user
from sanxiang.cases.forms import general
from sanxiang.cases.forms.base import ActionForm, ActionSpec, choice, date, lines, long_text, text
from sanxiang.cases.models import Case
from sanxiang.org.models import User

#: 查封 and 扣押 (AEL Art. 9 (二)(三)); the keys are ``actions_compulsory.MEASURE_KINDS``.
MEASURE_KINDS: dict[str, Promise] = {
    "seal": _("Sealing up"),
    "seize": _("Seizure"),
}

#: Why a measure is released (AEL Art. 28 (一)-(五)); the keys are ``actions_compulsory.RELEASE_GROUNDS``.
RELEASE_GROUNDS: dict[str, Promise] = {
    "no_violation": _("The party committed no violation (AEL Art. 28 (一))"),
    "unrelated": _("The place, facilities or property are unrelated to the violation (AEL Art. 28 (二))"),
    "decided": _("The violation is decided on and the measure is no longer needed (AEL Art. 28 (三))"),
    "period_expired": _("The period of the measure has expired (AEL Art. 28 (四))"),
    "not_needed": _("The measure is no longer needed for another reason (AEL Art. 28 (五))"),
}

#: What becomes of the items (AEL Art. 27); the keys are ``actions_compulsory.DISPOSALS``.
DISPOSALS: dict[str, Promise] = {
    "confiscate": _("Confiscation by a penalty decision"),
    "destroy": _("Destruction as the law requires"),
    "transfer": _("Transfer to the competent organ"),
}

#: The largest extension the form accepts; the gate refuses anything above 30 days with the statute's words.
MAX_EXTENSION_INPUT = 366


def case_by_number(actor: User, number: str) -> Case | None:
    """The case ``actor`` may read whose case or lead number is ``number``; None when there is none."""
    return case_list_for_user(actor).filter(Q(number=number) | Q(lead_number=number)).first()


class ApproveEmergencyForm(ActionForm):
    opinion = long_text(_("Opinion"), required=False)
    submit_label = _("Approve the emergency measure afterwards")


class ApplyMeasureForm(ActionForm):
    """The decision and the list handed over on site (AEL Art. 18, 24); at night or on a holiday only in emergencies."""

    items = long_text(_("Items sealed up or seized"), max_length=5000, help_text=_("One item per line."))
    party_present = forms.BooleanField(label=_("The party is present"), required=False, initial=True)
    witness = text(
        _("Witness"),
        required=False,
        max_length=100,
        help_text=_("When the party is absent, a witness signs the on-site record (AEL Art. 18)."),
    )
    emergency_reason = long_text(
        _("Emergency"),
        required=False,
        max_length=2000,
        help_text=_("At night or on a statutory holiday: why the measure cannot wait (AEL Art. 43)."),
    )
    place = text(_("Place"), required=False)
    submit_label = _("Apply the measure on site")

    def action_kwargs(self) -> dict[str, Any]:
        return {**self.cleaned_data, "items": lines(self.cleaned_data["items"])}


class ExtendMeasureForm(ActionForm):
    days = forms.IntegerField(
        label=_("Days of extension"),
        min_value=1,
        max_value=MAX_EXTENSION_INPUT,
        help_text=_("At most 30 days, once, before the period ends (AEL Art. 25)."),
    )
    reasons = long_text(_("Reasons"))
    notice_served_on = date(_("Written notice served on"))
    submit_label = _("Extend the measure (approval)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notice_served_on"].initial = timezone.localdate()


class ReleaseMeasureForm(ActionForm):
    ground = choice(_("Ground"), RELEASE_GROUNDS)
    note = long_text(_("Note"), required=False, max_length=2000)
    submit_label = _("Release the measure")


class DecideDisposalForm(ActionForm):
    """处理决定 on the items; confiscation names the penalty case that decides it."""

    disposal = choice(_("What becomes of the items"), DISPOSALS)
    decision = long_text(_("Decision"))
    penalty_case = text(
        _("Penalty case number"),
        required=False,
        max_length=64,
        help_text=_("The case or lead number of the penalty case, if there is one."),
    )
    submit_label = _("Decide what becomes of the items")

    def clean_penalty_case(self) -> Case | None:
        number = str(self.cleaned_data["penalty_case"]).strip()
        if not number:
            return None
        case = case_by_number(self.actor, number)
        if case is None:
            raise forms.ValidationError(_("No case you may read has this number."), code="unknown_case")
        return case


FORMS: dict[str, ActionSpec] = {
    "approve_emergency": ActionSpec(ApproveEmergencyForm, actions_compulsory.case_approve_emergency),
    "apply_measure": ActionSpec(
        ApplyMeasureForm, actions_compulsory.case_apply_measure, frozenset({"enforcement_hours_allowed"})
    ),
    "extend_measure": ActionSpec(
        ExtendMeasureForm, actions_compulsory.case_extend_measure, frozenset({"extension_allowed"})
    ),
    "release_measure": ActionSpec(ReleaseMeasureForm, actions_compulsory.case_release_measure),
    "decide_disposal": ActionSpec(DecideDisposalForm, actions_compulsory.case_decide_disposal),
    "close": general.FORMS["close"],
    "archive": general.FORMS["archive"],
}
