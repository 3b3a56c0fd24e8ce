"""The upload form of the roster import page."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.org.roster_excel import MAX_UPLOAD_BYTES

# Every .xlsx file is a zip archive, which starts with these bytes.
_ZIP_MAGIC = b"PK\x03\x04"


class RosterImportForm(forms.Form):
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
