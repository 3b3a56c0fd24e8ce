"""The new-lead form (案源登记): one party and the lead's facts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.forms.base import date, long_text, text
from sanxiang.cases.models import CaseSource, IdType, PartyKind
from sanxiang.catalog.models import Violation
from sanxiang.org.forms.staff import PHONE_RE
from sanxiang.org.models import EnforcementCategory, Region, Unit

#: ``party_build`` reports errors by the party's field names; the form prefixes them with ``party_``.
PARTY_ALIASES = {
    "kind": "party_kind",
    "name": "party_name",
    "id_type": "party_id_type",
    "id_number": "party_id_number",
    "address": "party_address",
    "phone": "party_phone",
    "legal_representative": "party_legal_representative",
}


class LeadForm(forms.Form):
    party_kind = forms.ChoiceField(label=_("Kind of party"), choices=PartyKind.choices)
    party_name = text(_("Name of the party"), max_length=100)
    party_id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    party_id_number = text(
        _("ID number"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    party_address = text(_("Address"), required=False)
    party_phone = text(
        _("Phone"),
        required=False,
        max_length=20,
        validators=[
            RegexValidator(PHONE_RE, _("Enter a mobile number such as 13912345678 or a landline such as 0434-1234567."))
        ],
        widget=forms.TelInput(attrs={"autocomplete": "off"}),
    )
    party_legal_representative = text(
        _("Legal representative"), required=False, max_length=50, help_text=_("For an organisation.")
    )
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    source_detail = text(_("Source detail"), required=False, help_text=_("E.g. the hotline ticket number."))
    unit = forms.ModelChoiceField(label=_("Handling unit"), queryset=Unit.objects.none())
    category = forms.ModelChoiceField(label=_("Enforcement category"), queryset=EnforcementCategory.objects.all())
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    violation = forms.ModelChoiceField(
        label=_("Violation"),
        queryset=Violation.objects.filter(active=True).order_by("category_id", "code"),
        required=False,
        empty_label=_("(not yet known)"),
    )
    location = text(_("Location"))
    summary = long_text(_("Summary of facts"), max_length=5000)
    discovered_on = date(_("Date discovered"))
    act_date = date(_("Date of the act (or its end)"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        self.fields["discovered_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        violation, category = data.get("violation"), data.get("category")
        if violation is not None and category is not None and violation.category_id != category.pk:
            self.add_error("violation", _("The violation belongs to another enforcement category."))
        return data

    def party_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``actions.party_build``."""
        data = self.cleaned_data
        return {
            "kind": PartyKind(data["party_kind"]),
            "name": data["party_name"],
            "id_type": IdType(data["party_id_type"]),
            "id_number": data["party_id_number"],
            "address": data["party_address"],
            "phone": data["party_phone"],
            "legal_representative": data["party_legal_representative"],
        }

    def lead_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``actions.case_register_lead`` besides the actor and the parties."""
        data = self.cleaned_data
        names = ("unit", "category", "region", "violation", "location", "summary", "discovered_on", "act_date")
        return {"source": CaseSource(data["source"]), "source_detail": data["source_detail"]} | {
            name: data[name] for name in names
        }
