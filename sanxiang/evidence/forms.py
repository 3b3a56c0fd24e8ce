"""Forms of the evidence pages: adding a small file to a case step, and the reason asked before opening one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanxiang.evidence.actions import REASON_MAX, step_choices
from sanxiang.evidence.models import AccessAction, EvidenceKind


class EvidenceAddForm(forms.Form):
    """One file at a time through the browser; large recordings go through the resumable (tus) upload."""

    step = forms.ChoiceField(label=_("Step of the procedure"))
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    captured_at = forms.DateTimeField(
        label=_("Captured at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    device_serial = forms.CharField(
        label=_("Device serial number"),
        max_length=64,
        required=False,
        help_text=_("The recorder or camera, if the file comes from one."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File"), allow_empty_file=False, max_length=255)
    sha256 = forms.RegexField(
        label=_("SHA-256 announced by the sender"),
        regex=r"^[0-9a-fA-F]{64}$",
        required=False,
        help_text=_("Optional: if given, the file is stored only if its hash matches."),
        error_messages={"invalid": _("64 hexadecimal characters are expected.")},
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = step_choices(case)  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = int(settings.EVIDENCE_FORM_MAX_BYTES)
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                gettext("The file is larger than %(limit)s: use the resumable upload for large recordings.")
                % {"limit": filesizeformat(limit)}
            )
        return upload

    def clean_sha256(self) -> str:
        return str(self.cleaned_data.get("sha256") or "").lower()


class AccessForm(forms.Form):
    """The reason asked before any byte of evidence is shown or handed out (chain of custody)."""

    action = forms.ChoiceField(
        label=_("Open as"),
        choices=[(AccessAction.VIEW, _("View in the browser")), (AccessAction.DOWNLOAD, _("Download a copy"))],
        initial=AccessAction.DOWNLOAD,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("Recorded in the chain of custody, e.g. “legal review of the case file”."),
    )
