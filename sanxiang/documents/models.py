"""Issued documents, voided numbers, electronic service and archived dossiers: append-only rows tied to the log.

An issued document is locked: its signed PDF bytes are a blob in the
content-addressed store and their SHA-256 is stated in clear in the
``documents.issue`` log entry. Nothing here is ever updated: a correction is
a new document whose ``corrects`` names the old one; a spoiled number is a
``VoidedNumber`` row and its series counter never goes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.models import Case, CaseEvent, Party
from sanxiang.record.logged import LoggedRow


class IssuedDocument(LoggedRow):
    """执法文书 as issued: number, signed PDF (by hash), who issued it and from which case event."""

    LOG_KIND = "documents.issue"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="issued_documents")
    doc_type = models.CharField(_("document type"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("document number"), max_length=80, blank=True)
    series = models.CharField(_("number series"), max_length=160, blank=True)
    serial = models.PositiveIntegerField(_("serial"), null=True, blank=True)
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("case event"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refers_to = models.ForeignKey(
        "self", verbose_name=_("document served"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    #: The unguessable id of the public verification page (/d/<public_id>/) printed as a QR code.
    public_id = models.CharField(_("verification id"), max_length=32, unique=True)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    page_count = models.PositiveIntegerField(_("pages"))
    issuer_name = models.CharField(_("issuing body"), max_length=100)
    issued_on = models.DateField(_("date of the document"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The data the PDF was rendered from (the form's fields), kept with the row.
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["case", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "serial"],
                name="issueddocument_number_unique",
                condition=models.Q(serial__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "type": self.doc_type, "title": self.title, "number": self.number,
            "series": self.series, "serial": self.serial, "event": self.event_id, "refers_to": self.refers_to_id,
            "corrects": self.corrects_id, "public_id": self.public_id, "sha256": self.sha256, "size": self.size,
            "pages": self.page_count, "issuer": self.issuer_name, "issued_on": self.issued_on.isoformat(),
            "issued_at": self.issued_at.isoformat(), "issued_by": self.issued_by_id, "data": self.data,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"type": self.doc_type, "number": self.number, "sha256": self.sha256, "size": self.size}


class VoidedNumber(LoggedRow):
    """A document number declared void (spoiled form, wrong document): recorded, and never issued again."""

    LOG_KIND = "documents.void"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="voided_numbers")
    document = models.OneToOneField(IssuedDocument, on_delete=models.PROTECT, related_name="voided")
    number = models.CharField(_("document number"), max_length=80)
    reason = models.CharField(_("reason"), max_length=200)
    voided_at = models.DateTimeField(_("voided"), default=timezone.now)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("voided number")
        verbose_name_plural = _("voided numbers")

    def __str__(self) -> str:
        return self.number

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "document": self.document_id, "number": self.number, "reason": self.reason,
            "voided_at": self.voided_at.isoformat(), "voided_by": self.voided_by_id,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"number": self.number, "document": self.document_id}


class ElectronicConsent(LoggedRow):
    """The party's signed 电子送达确认书 (APL Art. 61 para 2; CPL Art. 90): the address and the signed copy's hash."""

    LOG_KIND = "documents.consent"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="electronic_consents")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=16)
    address = models.CharField(_("address for service"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    signed_copy_sha256 = models.CharField(_("SHA-256 of the signed copy"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("electronic service consent")
        verbose_name_plural = _("electronic service consents")

    def __str__(self) -> str:
        return f"{self.party_id} {self.channel}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "party": self.party_id, "channel": self.channel, "address": self.address,
            "signed_on": self.signed_on.isoformat(), "signed_copy_sha256": self.signed_copy_sha256,
            "recorded_at": self.recorded_at.isoformat(), "recorded_by": self.recorded_by_id,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"channel": self.channel, "signed_copy_sha256": self.signed_copy_sha256}


class ElectronicService(LoggedRow):
    """A document offered through an unguessable link; the access code goes to the party separately."""

    LOG_KIND = "documents.eservice"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="electronic_services")
    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="electronic_services")
    consent = models.ForeignKey(ElectronicConsent, on_delete=models.PROTECT, related_name="services")
    token = models.CharField(max_length=64, unique=True)
    #: sha256(salt || code) in hex; the code itself is shown once, to be sent by another channel.
    code_hash = models.CharField(max_length=64)
    code_salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("electronic service")
        verbose_name_plural = _("electronic services")

    def __str__(self) -> str:
        return f"{self.document_id} {self.created_at:%Y-%m-%d}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "document": self.document_id, "consent": self.consent_id,
            "token_sha256": _sha(self.token), "code_hash": self.code_hash, "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(), "created_by": self.created_by_id,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"document": self.document_id}


class ServiceOpening(LoggedRow):
    """The party opened an electronic service link with the right code: the first opening is the service time."""

    LOG_KIND = "documents.eservice_open"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(ElectronicService, on_delete=models.PROTECT, related_name="openings")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    client = models.CharField(_("client"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("electronic service opening")
        verbose_name_plural = _("electronic service openings")
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.opened_at:%Y-%m-%d %H:%M}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "service": self.service_id, "opened_at": self.opened_at.isoformat(),
            "client": self.client,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"service": self.service_id, "document": self.service.document_id}


class DossierArchive(LoggedRow):
    """归档: the locked dossier, its index document and its retention period (国家档案局令第8号 Art. 6)."""

    LOG_KIND = "documents.archive"

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="dossier_archive")
    index = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="+")
    retention = models.CharField(_("retention period"), max_length=16)
    documents = models.JSONField(_("documents"), default=list)
    archived_at = models.DateTimeField(_("archived"), default=timezone.now)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("archived dossier")
        verbose_name_plural = _("archived dossiers")

    def __str__(self) -> str:
        return f"{self.case_id} {self.retention}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "index": self.index_id, "retention": self.retention, "documents": self.documents,
            "archived_at": self.archived_at.isoformat(), "archived_by": self.archived_by_id,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"retention": self.retention, "documents": len(self.documents)}


class DossierExport(LoggedRow):
    """An archive export (ZIP) was made: the SHA-256 of its manifest is logged so the ZIP verifies offline."""

    LOG_KIND = "documents.export"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    manifest_sha256 = models.CharField(max_length=64)
    exported_at = models.DateTimeField(default=timezone.now)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.case_id} {self.manifest_sha256[:12]}"

    def log_content(self) -> Mapping[str, Any]:
        return {
            "case": self.case_id, "manifest_sha256": self.manifest_sha256,
            "exported_at": self.exported_at.isoformat(), "exported_by": self.exported_by_id,
        }  # fmt: skip

    def log_data(self) -> Mapping[str, Any]:
        return {"manifest_sha256": self.manifest_sha256}


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
