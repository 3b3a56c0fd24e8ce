"""Forms of the catalogue pages: they parse input; the actions decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import (
    CaseFlag,
    MajorGround,
    ReviewCatalogue,
    RuleKind,
    Violation,
    penalty_type_choices,
)
from sanxiang.lib.exceptions import DomainError

MAX_YUAN = 10**10


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal on ``form``: field messages on their fields where the names match, the rest on top."""
    errors: dict[str, list[str]] = getattr(exc, "errors", {})
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not errors:
        form.add_error(None, exc.message)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CatalogueForm(forms.Form):
    """A new draft version, copied from an existing version (by default the one in force)."""

    version = forms.CharField(label=_("Version"), max_length=40, help_text=_("For example 2027 edition."))
    effective_from = forms.DateField(label=_("In force from"), widget=_date_widget())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    copy_from = forms.ModelChoiceField(
        label=_("Copy the rules of"),
        queryset=ReviewCatalogue.objects.none(),
        required=False,
        empty_label=_("(start empty)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[ReviewCatalogue]", self.fields["copy_from"])
        field.queryset = ReviewCatalogue.objects.all()


class RuleForm(forms.Form):
    """One rule: the kind decides which parameter is used (amounts in yuan)."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    label = forms.CharField(label=_("Rule"), max_length=200)
    ground = forms.ChoiceField(label=_("Ground"), choices=MajorGround.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    amount_yuan = forms.IntegerField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=1,
        max_value=MAX_YUAN,
        help_text=_("For the fine and confiscation kinds."),
    )
    penalty_type = forms.ChoiceField(label=_("Penalty type"), required=False)
    violation = forms.ModelChoiceField(label=_("Violation"), queryset=Violation.objects.none(), required=False)
    flag = forms.ChoiceField(label=_("Case flag"), required=False, choices=[("", "---------"), *CaseFlag.choices])
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False)
    collective = forms.BooleanField(
        label=_("Also requires a collective discussion"),
        required=False,
        help_text=_("APL Art. 57 para 2: complex or major violations are decided by the heads collectively."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["penalty_type"]).choices = [("", "---------"), *penalty_type_choices()]
        field = cast("forms.ModelChoiceField[Violation]", self.fields["violation"])
        field.queryset = Violation.objects.filter(active=True)


class GroundForm(forms.Form):
    """A ground added by hand to a case, with the reason."""

    ground = forms.ChoiceField(label=_("Ground"), choices=MajorGround.choices)
    flag = forms.ChoiceField(
        label=_("Case flag"),
        required=False,
        choices=[("", _("(none)")), *CaseFlag.choices],
        help_text=_("Flags are read by the catalogue's flag rules."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    collective = forms.BooleanField(label=_("Also requires a collective discussion"), required=False)


class AVListForm(forms.Form):
    """A new draft of the 音像记录事项清单, copied from an existing version; items are edited as lines."""

    version = forms.CharField(label=_("Version"), max_length=40)
    effective_from = forms.DateField(label=_("In force from"), widget=_date_widget())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(
        label=_("Items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One step a line: procedure code, step code, required or recommended, basis — separated by |."),
    )

    def parsed_items(self) -> list[tuple[str, str, str, str]]:
        """The lines as (procedure, transition, level, basis); a malformed line is a form error."""
        out = []
        for n, line in enumerate(self.cleaned_data.get("items", "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 3:
                self.add_error("items", _("Line %(n)s needs at least procedure | step | level.") % {"n": n})
                continue
            out.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
        return out
