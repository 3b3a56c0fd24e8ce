"""Forms of the baseline pages: import a file, copy a version, search the items of a version."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.discretion.actions import MAX_VERSION
from sanxiang.discretion.excel import MAX_UPLOAD_BYTES

_ZIP_MAGIC = b"PK\x03\x04"  # every .xlsx file is a zip archive


class VersionForm(forms.Form):
    version = forms.CharField(
        label=gettext_lazy("Version"),
        max_length=MAX_VERSION,
        help_text=gettext_lazy("A name of your choice, e.g. 2027版; it cannot be reused."),
    )
    effective_from = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The version takes effect on this day once a leader has approved it."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class BaselineImportForm(VersionForm):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("Fill in the template, or edit an exported version; one row per tier."),
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


class ItemSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(),
        help_text=gettext_lazy("Violation code or title"),
    )
