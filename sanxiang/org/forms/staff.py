"""Forms of the staff pages: they parse and check input; the actions decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.org.models import Role, StaffKind, TrainingKind, Unit, User

# A mainland mobile number (11 digits) or a landline with its area code, e.g. 0434-1234567.
PHONE_RE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"

_NON_FIELD_KEYS = frozenset({"", "__all__"})


def add_domain_errors(form: forms.Form, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a refusal on ``form``: field messages on their fields (or ``aliases``), the rest as non-field errors.

    Guarantees that at least one error is added, so a refused form is never shown as if it had passed.
    """
    errors = exc.errors if isinstance(exc, ValidationFailed) else {}
    added = False
    for key, messages in errors.items():
        target = (aliases or {}).get(key, key)
        field = target if target in form.fields and target not in _NON_FIELD_KEYS else None
        for message in messages:
            form.add_error(field, message)
            added = True
    if not added:
        form.add_error(None, exc.message)


class StaffFilterForm(forms.Form):
    """The list filters; an invalid value drops only that filter (see ``filters``)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.SearchInput)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Staff kind"), required=False, choices=[("", _("All")), *StaffKind.choices])
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Account"), required=False, choices=[("", _("All")), ("1", _("Enabled")), ("0", _("Disabled"))]
    )
    # A select, not a checkbox: a checkbox reads any value but "false", even "0", as ticked.
    locked = forms.ChoiceField(label=_("Lockout"), required=False, choices=[("", _("All")), ("1", _("Locked only"))])

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        unit_field.empty_label = str(_("All"))

    def filters(self) -> dict[str, Any]:
        """Return the valid, non-empty filter values (junk values are ignored, never an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in (None, "", False)}


class StaffForm(forms.Form):
    """Profile fields of a staff member (create and edit)."""

    full_name = forms.CharField(label=_("Full name"), max_length=50)
    employee_no = forms.CharField(label=_("Employee number"), max_length=32, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.all(), required=False, empty_label=_("(no unit)")
    )
    position = forms.CharField(label=_("Position"), max_length=50, required=False)
    staff_kind = forms.ChoiceField(label=_("Staff kind"), choices=StaffKind.choices)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[
            RegexValidator(PHONE_RE, _("Enter a mobile number such as 13912345678 or a landline such as 0434-1234567."))
        ],
        widget=forms.TelInput(attrs={"autocomplete": "off"}),
    )
    has_legal_qualification = forms.BooleanField(label=_("Holds the national legal qualification"), required=False)
    legal_qualification_no = forms.CharField(
        label=_("Legal qualification certificate number"), max_length=40, required=False
    )

    def __init__(self, *args: Any, staff: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff

    def clean_employee_no(self) -> str:
        # The database constraint is conditional (blank numbers repeat), so model
        # validation reports a clash without naming the field; say it here.
        value: str = self.cleaned_data["employee_no"].strip()
        others = User.objects.filter(employee_no=value)
        if self.staff is not None:
            others = others.exclude(pk=self.staff.pk)
        if value and others.exists():
            raise forms.ValidationError(_("Another staff member has this employee number."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_legal_qualification") and not str(data.get("legal_qualification_no", "")).strip():
            self.add_error("legal_qualification_no", _("Enter the number of the legal qualification certificate."))
        if not data.get("has_legal_qualification") and "legal_qualification_no" in data:
            data["legal_qualification_no"] = ""
        return data


class StaffCreateForm(StaffForm):
    """A new account: the profile, a login name, and an optional initial password."""

    username = forms.CharField(
        label=_("Login name"),
        max_length=64,
        help_text=_("Letters, digits and . _ - only."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        help_text=_("Optional: without one the account cannot log in until a password is reset."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Initial password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", *StaffForm.base_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("password") or data.get("password2")) and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class SetActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        label=_("Account"), choices=[("1", _("Enable")), ("0", _("Disable"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Temporary password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class RoleChangeForm(forms.Form):
    action = forms.ChoiceField(choices=[("grant", _("Grant")), ("revoke", _("Revoke"))])
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, held: frozenset[Role] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        # The grant select offers only roles not held; a posted form (held empty) accepts any role.
        role_field.choices = [(value, label) for value, label in Role.choices if value not in held]


class TrainingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("200"))],
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.1", "max": "200"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices, initial=TrainingKind.ENFORCEMENT)
    organizer = forms.CharField(label=_("Organizer"), max_length=100, required=False)
