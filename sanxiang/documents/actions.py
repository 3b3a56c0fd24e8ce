"""Issuing, voiding, electronic service and archiving of documents: every write of this app.

``document_issue`` is the one way a document comes to exist: it takes the
next number of the type's series (gapless: inside this transaction, the
counter row locked), fills the form from the case, renders the PDF, signs
it, stores the signed bytes as a blob and logs their hash — all or
nothing. Rendering happens only here, on demand, never in ``case_transition``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.access import may_write_case
from sanxiang.cases.models import Case, CaseEvent, Party
from sanxiang.cases.numbering import next_number
from sanxiang.documents import rendering, review_sources, signing
from sanxiang.documents.context import build_data
from sanxiang.documents.doctypes import DOC_TYPES, doc_type, number_pattern
from sanxiang.documents.dossier import dossier_documents, render_index, retention
from sanxiang.documents.formatting import date_cn
from sanxiang.documents.models import (
    DossierArchive,
    ElectronicConsent,
    ElectronicService,
    IssuedDocument,
    ServiceOpening,
    VoidedNumber,
)
from sanxiang.evidence.blobstore import blob_put_stream
from sanxiang.lib.exceptions import AccessDenied, GateRefused, ValidationFailed
from sanxiang.lib.validation import field_error
from sanxiang.org.models import User
from sanxiang.org.permissions import is_system
from sanxiang.procedures import definitions
from sanxiang.record.logged import log_insert

#: A definition's document code that an event of another kind resolves to (a transcript is a 询问笔录
#: or a 现场检查笔录 by the event's ``kind``).
ALIASES = {"inspection_record": "transcript"}


def _check_writer(actor: User, case: Case) -> None:
    if not is_system(actor) and not may_write_case(actor, case):
        raise AccessDenied(_("You may not issue documents for this case."))


def _check_event(case: Case, code: str, event: CaseEvent | None) -> None:
    """The document must be one its event's transition produces, or one issuable in the case's state."""
    if doc_type(code).source is not None:
        if event is not None:
            raise field_error("event", _("This document is issued for a review record, not a case step."))
        return
    if event is None:
        states = doc_type(code).states
        if states is None or case.state not in states:
            raise field_error("event", _("This document is issued from the case step that produces it."))
        return
    if event.case_id != case.pk:
        raise field_error("event", _("The event belongs to another case."))
    produced = definitions.get(case.procedure).transition(event.transition).documents
    if code not in produced and ALIASES.get(code) not in produced:
        raise field_error("doc_type", _("This step does not produce this document."))


def _check_related(case: Case, code: str, refers_to: IssuedDocument | None, corrects: IssuedDocument | None) -> None:
    if code == "service_receipt" and (refers_to is None or not doc_type(refers_to.doc_type).to_party):
        raise field_error("refers_to", _("Choose the document served on the party."))
    for other in (refers_to, corrects):
        if other is not None and other.case_id != case.pk:
            raise field_error("refers_to", _("The document belongs to another case."))
    if corrects is not None and corrects.doc_type != code:
        raise field_error("corrects", _("A correction is a document of the same type."))


def _with_source(
    case: Case, code: str, source: int | None, corrects: IssuedDocument | None, extra: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """``extra`` with the id of the row a source type records (checked to be the case's); others unchanged."""
    if doc_type(code).source is None:
        return extra
    if source is None and corrects is not None:
        source = review_sources.source_of(corrects)
    return {**dict(extra or {}), "source": review_sources.resolve(case, code, source)}


def _number(code: str, year: int) -> tuple[str, str, int | None]:
    """(number, series, serial) of the next document of ``code``; ("", "", None) when unnumbered."""
    pattern = number_pattern(code)
    if not pattern:
        return "", "", None
    series = f"doc|{pattern}|{year}"
    serial = next_number(series)
    return pattern.format(year=year, n=serial), series, serial


def _ref(doc: IssuedDocument | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {"title": doc.title, "number": doc.number, "issued_on": date_cn(doc.issued_on)}


def _related(case: Case, refers_to: IssuedDocument | None, corrects: IssuedDocument | None) -> dict[str, Any]:
    decision = (
        IssuedDocument.objects.filter(case=case).filter(doc_type__in=("penalty_decision", "on_the_spot_decision"))
        .order_by("-issued_at").first()
    )  # fmt: skip
    related = {"served": _ref(refers_to), "corrects": _ref(corrects), "decision": _ref(decision)}
    if decision is not None and related["decision"] is not None:
        related["decision"]["issued_cn"] = date_cn(decision.issued_on)
    return related


def _store(pdf: bytes) -> tuple[str, int]:
    blob = blob_put_stream(io.BytesIO(pdf))
    return blob.sha256, blob.size


@transaction.atomic
def document_issue(
    *,
    actor: User,
    case: Case,
    doc_type: str,
    event: CaseEvent | None = None,
    refers_to: IssuedDocument | None = None,
    corrects: IssuedDocument | None = None,
    extra: Mapping[str, Any] | None = None,
    source: int | None = None,
    allow_archived: bool = False,
) -> IssuedDocument:
    """Issue document ``doc_type`` of ``case``: numbered, rendered, signed, stored and logged; the row is locked.

    ``event`` is the case step the document records (required unless the type
    may be issued on its own in the case's state); ``refers_to`` is the
    document a 送达回证 is for; ``corrects`` an earlier document this one
    corrects (it stays in the record; the new one says what it replaces).
    An archived dossier is locked: nothing more is issued for it.
    """
    code = doc_type
    if code not in DOC_TYPES:
        raise field_error("doc_type", _("Unknown document type."))
    case = Case.objects.select_related("unit__agency", "violation").get(pk=case.pk)
    _check_writer(actor, case)
    if case.state == "archived" and not allow_archived:
        raise GateRefused(_("The dossier is archived and locked."), [_("The dossier is archived and locked.")])
    _check_event(case, code, event)
    _check_related(case, code, refers_to, corrects)
    extra = _with_source(case, code, source, corrects, extra)
    now = timezone.now()
    today = timezone.localdate(now)
    number, series, serial = _number(code, today.year)
    public_id = secrets.token_urlsafe(16)
    data = build_data(case, code, event=event, on=today, related=_related(case, refers_to, corrects), extra=extra)
    meta = {"title": DOC_TYPES[code].title, "number": number, "verify_url": verify_url(public_id)}
    rendered = _render(case, code, data, meta)
    signed = signing.sign_pdf(rendered.pdf, location=case.unit.agency.name)
    sha256, size = _store(signed)
    row = IssuedDocument(
        case=case, doc_type=code, title=DOC_TYPES[code].title, number=number, series=series, serial=serial,
        event=event, refers_to=refers_to, corrects=corrects, public_id=public_id, sha256=sha256, size=size,
        page_count=rendered.page_count, issuer_name=case.unit.agency.name, issued_on=today, issued_at=now,
        issued_by=actor, data=data,
    )  # fmt: skip
    log_insert(row, actor=actor, at=now)
    return row


def _render(case: Case, code: str, data: dict[str, Any], meta: dict[str, Any]) -> rendering.Rendered:
    if code == "dossier_index":
        return render_index(case, data, meta)  # type: ignore[no-any-return]
    return rendering.render_document(code, data, meta)


@transaction.atomic
def dossier_archive(*, actor: User, case: Case) -> DossierArchive:
    """归档: the archive move (refused while the dossier lacks documents), the 卷内目录, the retention; then locked."""
    from sanxiang.cases.actions import case_archive

    case = case_archive(actor=actor, case=case)
    event = case.events.order_by("-seq").first()
    index = document_issue(actor=actor, case=case, doc_type="dossier_index", event=event, allow_archived=True)
    docs = [
        {"id": d.pk, "type": d.doc_type, "number": d.number, "sha256": d.sha256, "pages": d.page_count}
        for d in dossier_documents(case)
    ]
    row = DossierArchive(case=case, index=index, retention=retention(case), documents=docs, archived_by=actor)
    log_insert(row, actor=actor)
    return row


def dossier_archive_case(*, actor: User, case: Case) -> Case:
    """``dossier_archive`` with the signature of a case step (for the case page's archive form): the case."""
    return dossier_archive(actor=actor, case=case).case


def verify_url(public_id: str) -> str:
    """The short public URL printed as the QR code: ``PUBLIC_BASE_URL/d/<id>/``."""
    return f"{settings.PUBLIC_BASE_URL}/d/{public_id}/"


@transaction.atomic
def document_void(*, actor: User, document: IssuedDocument, reason: str) -> VoidedNumber:
    """Declare ``document`` (and its number) void: recorded, and the number is never issued again."""
    _check_writer(actor, document.case)
    if not reason.strip():
        raise field_error("reason", _("Give a reason."))
    if VoidedNumber.objects.filter(document=document).exists():
        raise field_error("reason", _("This document is already void."))
    if document.case.state == "archived":
        raise GateRefused(_("The dossier is archived and locked."), [_("The dossier is archived and locked.")])
    row = VoidedNumber(
        case=document.case, document=document, number=document.number or document.public_id,
        reason=reason.strip(), voided_by=actor,
    )  # fmt: skip
    log_insert(row, actor=actor)
    return row


# --- Electronic service (APL Art. 61 para 2; CPL Art. 90) -------------------------------------------

CONSENT_CHANNELS = frozenset({"email", "sms", "platform"})


@transaction.atomic
def consent_record(
    *, actor: User, case: Case, party: Party, channel: str, address: str, signed_on: dt.date, signed_copy_sha256: str
) -> ElectronicConsent:
    """Record the party's signed 电子送达确认书: the channel, the address, and the hash of the signed copy."""
    _check_writer(actor, case)
    if not case.parties.filter(pk=party.pk).exists():
        raise field_error("party", _("The party is not a party to this case."))
    if channel not in CONSENT_CHANNELS:
        raise field_error("channel", _("Choose e-mail, SMS or the government service platform."))
    if not address.strip():
        raise field_error("address", _("Enter the address for service."))
    sha = signed_copy_sha256.strip().lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise field_error("signed_copy_sha256", _("The file hash must be 64 lower-case hexadecimal characters."))
    if signed_on > timezone.localdate():
        raise field_error("signed_on", _("The date cannot be in the future."))
    row = ElectronicConsent(
        case=case, party=party, channel=channel, address=address.strip(), signed_on=signed_on,
        signed_copy_sha256=sha, recorded_by=actor,
    )  # fmt: skip
    log_insert(row, actor=actor)
    return row


def _code_hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


@transaction.atomic
def eservice_create(*, actor: User, document: IssuedDocument) -> tuple[ElectronicService, str]:
    """Offer ``document`` through an unguessable link; returns the service and its access code (shown once).

    Refused without a recorded consent of a party of the case (APL Art. 61 para 2).
    """
    _check_writer(actor, document.case)
    consent = ElectronicConsent.objects.filter(case=document.case).order_by("-recorded_at").first()
    if consent is None:
        reason = _("Electronic service needs the party's signed consent (APL Art. 61).")
        raise GateRefused(reason, [reason])
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    now = timezone.now()
    service = ElectronicService(
        case=document.case, document=document, consent=consent, token=secrets.token_urlsafe(24),
        code_hash=_code_hash(salt, code), code_salt=salt, created_at=now,
        expires_at=now + dt.timedelta(days=settings.DOCUMENT_SERVICE_LINK_DAYS), created_by=actor,
    )  # fmt: skip
    log_insert(service, actor=actor, at=now)
    return service, code


def eservice_code_ok(service: ElectronicService, code: str) -> bool:
    return secrets.compare_digest(_code_hash(service.code_salt, code.strip()), service.code_hash)


@transaction.atomic
def eservice_open(*, service: ElectronicService, code: str, client: str = "") -> ServiceOpening:
    """The party opens the link with the access code: the opening (the first is the service time) is logged."""
    if timezone.now() > service.expires_at:
        raise ValidationFailed(_("This link has expired."))
    if not eservice_code_ok(service, code):
        raise field_error("code", _("The access code is wrong."))
    row = ServiceOpening(case=service.case, service=service, client=client[:200])
    log_insert(row, actor=None)
    return row


def eservice_served_at(service: ElectronicService) -> dt.datetime | None:
    """The service time: the first opening with the right code (CPL Art. 90: arrival in the party's hands)."""
    first = service.openings.order_by("opened_at", "id").first()
    return first.opened_at if first else None


def _producing_event(case: Case, code: str) -> CaseEvent | None:
    proc = definitions.get(case.procedure)
    for event in case.events.order_by("-seq"):
        produced = proc.transition(event.transition).documents
        if code in produced or ALIASES.get(code) in produced:
            return event
    return None


def dossier_issue_missing(*, actor: User, case: Case) -> list[IssuedDocument]:
    """Issue, from their case steps, every checklist document the dossier still lacks (before 归档; demo data).

    A 送达回证 is issued for the case's latest decision; a 法制审核意见书 and a
    集体讨论记录 for each review opinion and signed discussion without one.
    Items whose step the case never took stay missing (the archive gate names them).
    """
    from sanxiang.cases.checklist import required_items
    from sanxiang.documents.dossier import missing_documents

    issued: list[IssuedDocument] = []
    labels = set(missing_documents(case))
    for item in required_items(case):
        if str(item.label) not in labels:
            continue
        event = _producing_event(case, item.code)
        if event is None:
            continue
        refers_to = None
        if item.code == "service_receipt":
            refers_to = (
                IssuedDocument.objects.filter(case=case)
                .filter(doc_type__in=("penalty_decision", "no_penalty_decision"), voided__isnull=True)
                .order_by("-issued_at")
                .first()
            )
            if refers_to is None:
                continue
        issued.append(document_issue(actor=actor, case=case, doc_type=item.code, event=event, refers_to=refers_to))
    for code, source in review_sources.missing(case, dossier_documents(case)):
        issued.append(document_issue(actor=actor, case=case, doc_type=code, source=source))
    return issued
