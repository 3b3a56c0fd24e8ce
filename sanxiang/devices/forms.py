"""Forms of the device pages: list filters, register/edit, issue, return, status change, Excel import."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.devices.excel import MAX_UPLOAD_BYTES
from sanxiang.devices.models import STATUS_TRANSITIONS, DeviceStatus, DeviceType, RecordingDevice
from sanxiang.devices.selectors import DeviceFilters
from sanxiang.lib.exceptions import DomainError
from sanxiang.org.models import Unit, User

_ZIP_MAGIC = b"PK\x03\x04"  # every .xlsx file is a zip archive


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal on ``form``: field messages on their fields where the names match, the rest on top."""
    errors: dict[str, list[str]] = getattr(exc, "errors", {})
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not errors:
        form.add_error(None, exc.message)


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DeviceFilterForm(forms.Form):
    """The list's GET filters; a value that does not parse is reported and ignored, never a 500."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(),
        help_text=gettext_lazy("Serial number, make, model, or the holder's name or login name"),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False, empty_label=gettext_lazy("Any")
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("Any")), *DeviceStatus.choices]
    )
    device_type = forms.ChoiceField(
        label=gettext_lazy("Type"), required=False, choices=[("", gettext_lazy("Any")), *DeviceType.choices]
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = units

    def filters(self) -> DeviceFilters:
        """The filters that parsed; call after ``is_valid()``."""
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return DeviceFilters(
            q=(data.get("q") or "").strip(),
            unit=data.get("unit"),
            status=data.get("status") or "",
            device_type=data.get("device_type") or "",
        )


class DeviceForm(forms.Form):
    """Register a device (with its serial number) or edit one (without)."""

    serial = forms.CharField(
        label=gettext_lazy("Serial number"),
        max_length=64,
        help_text=gettext_lazy("As printed on the device; letters, digits and . _ - (stored upper-case)."),
    )
    device_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=DeviceType.choices)
    make = forms.CharField(label=gettext_lazy("Make"), max_length=50, required=False)
    model = forms.CharField(label=gettext_lazy("Model"), max_length=50, required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: QuerySet[Unit], with_serial: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).queryset = units
        if not with_serial:
            del self.fields["serial"]


class AssignForm(forms.Form):
    holder = forms.ModelChoiceField(label=gettext_lazy("Issue to"), queryset=User.objects.none())
    at = forms.DateTimeField(
        label=gettext_lazy("Issued at"),
        required=False,
        widget=_datetime_widget(),
        help_text=gettext_lazy("Leave empty for now."),
    )

    def __init__(self, *args: Any, holders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["holder"]).queryset = holders


class ReturnForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("Returned at"),
        required=False,
        widget=_datetime_widget(),
        help_text=gettext_lazy("Leave empty for now."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def __init__(self, *args: Any, device: RecordingDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS[DeviceStatus(device.status)]
        choices = [(s.value, s.label) for s in DeviceStatus if s in allowed]
        cast("forms.ChoiceField", self.fields["status"]).choices = choices


class DeviceImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("Fill in the template; the first row holds the column headers."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> UploadedFile:
        """Accept only an .xlsx file of at most ``MAX_UPLOAD_BYTES`` that starts like a zip archive."""
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook ending in .xlsx (not .xls or .csv)."))
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s.") % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        head = upload.read(len(_ZIP_MAGIC))
        upload.seek(0)
        if head != _ZIP_MAGIC:
            raise forms.ValidationError(_("The file is not an Excel workbook (.xlsx) or it is damaged."))
        return upload
