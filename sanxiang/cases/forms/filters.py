"""The case list's filters: an invalid value drops only that filter, never an error page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanxiang.cases import selectors
from sanxiang.org.models import Unit, User
from sanxiang.procedures import definitions


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.SearchInput)
    # Step labels can be long: the select may shrink below its widest option on a phone.
    state = forms.ChoiceField(label=_("State"), required=False, widget=forms.Select(attrs={"style": "max-width:100%"}))
    procedure = forms.ChoiceField(
        label=_("Procedure"), required=False, widget=forms.Select(attrs={"style": "max-width:100%"})
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none(), required=False)
    # A select, not a checkbox: a checkbox reads any value but "false", even "0", as ticked.
    overdue = forms.ChoiceField(
        label=_("Deadlines"), required=False, choices=[("", _("All")), ("1", _("Overdue only"))]
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_label = _("All")
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", all_label), *selectors.state_choices()]
        procedures = [(code, proc.label) for code, proc in definitions.all_procedures().items()]
        cast(forms.ChoiceField, self.fields["procedure"]).choices = [("", all_label), *procedures]
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        unit_field.empty_label = str(all_label)
        handler_field = self.fields["handler"]
        assert isinstance(handler_field, forms.ModelChoiceField)
        handler_field.queryset = selectors.officers_in(units)
        handler_field.empty_label = str(all_label)

    def filters(self) -> dict[str, Any]:
        """Return the valid, non-empty filter values."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in (None, "", False)}
