"""Forms of the certificate pages: list filters, create/edit, status change, qualification check."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms
from django.core.files import File
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.lib.exceptions import DomainError
from sanxiang.org.certificate_queries import CertificateFilters
from sanxiang.org.models import CertificateStatus, EnforcementCategory, Region, Unit, User
from sanxiang.org.selectors import EnforcementAct

DEFAULT_ISSUING_AUTHORITY = "吉林省人民政府"
PHOTO_MAX_BYTES = 2 * 1024 * 1024
#: Pillow format name -> the extension the stored file gets.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}

ACT_LABELS = {
    EnforcementAct.INVESTIGATE: gettext_lazy("Investigation and evidence collection"),
    EnforcementAct.INSPECT: gettext_lazy("Administrative inspection"),
    EnforcementAct.COMPULSORY_MEASURE: gettext_lazy("Sealing or seizure"),
    EnforcementAct.ON_THE_SPOT_PENALTY: gettext_lazy("On-the-spot penalty"),
    EnforcementAct.HEARING: gettext_lazy("Hearing"),
    EnforcementAct.SERVE: gettext_lazy("Service of documents"),
    EnforcementAct.EXECUTE: gettext_lazy("Enforcement of a decision"),
}

STATUS_CHOICES = [
    (CertificateStatus.WITHHELD.value, gettext_lazy("Withhold")),
    (CertificateStatus.REVOKED.value, gettext_lazy("Revoke the certificate")),
    (CertificateStatus.VALID.value, gettext_lazy("Reinstate (valid)")),
    (CertificateStatus.EXPIRED.value, gettext_lazy("Mark as expired")),
]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal on ``form``: field messages on their fields where the names match, the rest on top."""
    errors: dict[str, list[str]] = getattr(exc, "errors", {})
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not errors:
        form.add_error(None, exc.message)


class CertificateFilterForm(forms.Form):
    """The list's GET filters; a value that does not parse is reported and ignored, never a 500."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(),
        help_text=gettext_lazy("Certificate number, holder name or login name"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any")), *CertificateStatus.choices],
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=EnforcementCategory.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any"),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.all(), required=False, empty_label=gettext_lazy("Any")
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False, empty_label=gettext_lazy("Any")
    )
    expiring = forms.IntegerField(
        label=gettext_lazy("Expiring within (days)"), required=False, min_value=1, max_value=3650
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = units

    def filters(self) -> CertificateFilters:
        """The filters that parsed; call after ``is_valid()``."""
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return CertificateFilters(
            q=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            category=data.get("category"),
            region=data.get("region"),
            unit=data.get("unit"),
            expiring=data.get("expiring"),
        )


class PhotoField(forms.ImageField):
    """A JPEG or PNG photo of at most 2 MB, checked by Pillow, stored under a random name."""

    default_error_messages = {
        "invalid_image": gettext_lazy("Upload a JPEG or PNG photo: this file is not an image or is damaged."),
    }

    def to_python(self, data: Any) -> Any:
        # Check the size before Pillow reads the file.
        if data is not None and getattr(data, "size", 0) > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo must not be larger than 2 MB."), code="too_large")
        photo: File[Any] | None = super().to_python(data)
        if photo is None:
            return None
        image_format = getattr(getattr(photo, "image", None), "format", None)
        if image_format not in PHOTO_FORMATS:
            raise forms.ValidationError(_("Upload a JPEG or PNG photo."), code="format")
        # A random name: the uploader's file name may carry personal data or a misleading extension.
        photo.name = f"{secrets.token_hex(12)}.{PHOTO_FORMATS[image_format]}"
        return photo


class CertificateEditForm(forms.Form):
    """The fields of a certificate that may change after it is recorded."""

    issuing_authority = forms.CharField(
        label=gettext_lazy("Issuing authority"), max_length=100, initial=DEFAULT_ISSUING_AUTHORITY
    )
    categories = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Enforcement categories"), queryset=EnforcementCategory.objects.all()
    )
    regions = forms.ModelMultipleChoiceField(label=gettext_lazy("Enforcement regions"), queryset=Region.objects.all())
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=_date_widget())
    valid_to = forms.DateField(label=gettext_lazy("Valid to"), widget=_date_widget())
    annual_inspection_year = forms.IntegerField(
        label=gettext_lazy("Last annual inspection (year)"), required=False, min_value=1990, max_value=2100
    )
    photo = PhotoField(
        label=gettext_lazy("Photo"),
        required=False,
        help_text=gettext_lazy("JPEG or PNG, at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end of validity must not be before its start."))
        return data


class CertificateCreateForm(CertificateEditForm):
    """A new certificate: the edit fields plus the holder (established staff only) and the number."""

    holder = forms.ModelChoiceField(
        label=gettext_lazy("Holder"),
        queryset=User.objects.none(),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose an established staff member: only established staff may hold a certificate."
            )
        },
    )
    number = forms.CharField(label=gettext_lazy("Certificate number"), max_length=32)

    field_order = ["holder", "number"]

    def __init__(self, *args: Any, holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["holder"]).queryset = holders


class CertificateStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=STATUS_CHOICES)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["status"])
        field.choices = [(value, label) for value, label in STATUS_CHOICES if value != current]


class QualificationCheckForm(forms.Form):
    """Which act, category, region and date to check the holder's qualification for."""

    act = forms.ChoiceField(label=gettext_lazy("Act"), choices=list(ACT_LABELS.items()))
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=EnforcementCategory.objects.all())
    region = forms.ModelChoiceField(label=gettext_lazy("Region"), queryset=Region.objects.all())
    date = forms.DateField(label=gettext_lazy("Date"), widget=_date_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
