"""The case-page form that records a 行政复议 or 行政诉讼 outcome (``actions_remedy``; APL Art. 48)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.actions_remedy import case_record_remedy_outcome
from sanxiang.cases.forms.base import ActionForm, ActionSpec, date, text


class RemedyOutcomeForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("Remedy"),
        choices=[("reconsideration", _("Administrative reconsideration")), ("litigation", _("Court"))],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("upheld", _("Upheld")),
            ("revoked", _("Revoked")),
            ("changed", _("Changed")),
            ("confirmed_illegal", _("Confirmed illegal")),
            ("confirmed_void", _("Confirmed void")),
        ],
        help_text=_("A revoked, changed, illegal or void decision is withdrawn from publication at once."),
    )
    decided_on = date(_("Date of the outcome"))
    organ = text(_("Reconsideration body or court"))
    document_no = text(_("Document number"), required=False)


FORMS = {"record_remedy_outcome": ActionSpec(RemedyOutcomeForm, case_record_remedy_outcome)}
