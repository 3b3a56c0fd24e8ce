"""Forms of the publicity pages (public search, 纠错, and the internal edit/withdraw/reply forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import EnforcementCategory, Unit
from sanxiang.publicity.models import CorrectionOutcome, PublicationKind
from sanxiang.publicity.selectors import DECISION_KINDS, DecisionFilters


class DecisionSearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    date_from = forms.DateField(label=_("Decided from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Decided until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=EnforcementCategory.objects.all())
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.all())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("All"))] + [(k.value, k.label) for k in DECISION_KINDS]
        self.fields["q"].widget.attrs["type"] = "search"

    def filters(self) -> DecisionFilters:
        if not self.is_bound or not self.is_valid():
            return DecisionFilters()
        data = self.cleaned_data
        return DecisionFilters(
            q=data["q"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            category_id=data["category"].pk if data["category"] else None,
            unit_id=data["unit"].pk if data["unit"] else None,
            kind=data["kind"] or "",
        )


class RosterSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or certificate number"), required=False, max_length=40)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=100)
    category = forms.CharField(label=_("Category"), required=False, max_length=100)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    contact = forms.CharField(
        label=_("Contact (optional)"),
        required=False,
        max_length=100,
        help_text=_("Only the publicity officer sees it; it is never published."),
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)


class EditForm(forms.Form):
    body = forms.CharField(label=_("Text (redacted)"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    change_note = forms.CharField(label=_("Change note (published with a correction)"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (published)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CorrectionOutcome.choices)
    reply = forms.CharField(label=_("Reply to the reporter"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


KIND_LABELS = dict(PublicationKind.choices)
