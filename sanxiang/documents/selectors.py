"""Reads of this app: a case's documents, what may be issued next, and the public verification facts."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from sanxiang.cases.models import Case, CaseEvent
from sanxiang.documents import review_sources
from sanxiang.documents.doctypes import DOC_TYPES
from sanxiang.documents.models import IssuedDocument
from sanxiang.procedures import definitions
from sanxiang.record import standalone
from sanxiang.record.bundles import checkpoint_at_or_after, inclusion_bundle
from sanxiang.record.log import entry_seq


@dataclass(frozen=True)
class Issuable:
    doc_type: str
    title: str
    event: CaseEvent | None
    #: The review row a source type is issued for (``review_sources``), and how the panel names it.
    source: int | None = None
    source_label: str = ""


def documents_of_case(case: Case) -> list[IssuedDocument]:
    return list(
        IssuedDocument.objects.filter(case=case).select_related("voided", "corrects").order_by("issued_at", "id")
    )


def _event_codes(case: Case, event: CaseEvent) -> list[str]:
    codes = [c for c in definitions.get(case.procedure).transition(event.transition).documents if c in DOC_TYPES]
    if "transcript" in codes and event.payload.get("kind") == "inspection":
        codes[codes.index("transcript")] = "inspection_record"
    return [c for c in codes if c != "dossier_index"]


def issuable_documents(case: Case) -> list[Issuable]:
    """Documents the case's steps produced that are not issued yet, then the forms issuable in its state."""
    issued = {(d.doc_type, d.event_id) for d in IssuedDocument.objects.filter(case=case, voided__isnull=True)}
    rows: list[Issuable] = []
    for event in case.events.order_by("seq"):
        for code in _event_codes(case, event):
            if (code, event.pk) not in issued or code == "service_receipt":
                rows.append(Issuable(code, DOC_TYPES[code].title, event))
    for code, doc_type in DOC_TYPES.items():
        if doc_type.states is not None and case.state in doc_type.states:
            rows.append(Issuable(code, doc_type.title, None))
    rows.extend(_source_rows(case))
    return rows


def _source_rows(case: Case) -> list[Issuable]:
    """法制审核意见书 / 集体讨论记录 for each review opinion / signed discussion that has no document yet."""
    docs = list(IssuedDocument.objects.filter(case=case, voided__isnull=True, doc_type__in=review_sources.LABELS))
    rows = []
    for code, source in review_sources.missing(case, docs):
        label = next(s.label for s in review_sources.sources(case, code) if s.pk == source)
        rows.append(Issuable(code, DOC_TYPES[code].title, None, source, label))
    return rows


def document_by_public_id(public_id: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("case").filter(public_id=public_id).first()


def log_vkey() -> str:
    """The record log's verifier key as text (configured, or the embedded signer's public half)."""
    if settings.RECORD_LOG_PUBLIC_KEY:
        return str(settings.RECORD_LOG_PUBLIC_KEY)
    from sanxiang.record.signer import LogSigner

    return LogSigner.from_settings().vkey()


def inclusion_for(doc: IssuedDocument) -> dict[str, Any] | None:
    """The document's log entry (with its body), its inclusion proof and the latest signed checkpoint covering it.

    None while no signed checkpoint covers the entry yet. The proof is checked
    here with the standalone verifier's own code before it is shown.
    """
    seq = entry_seq(doc)
    if seq is None:
        return None
    checkpoint = checkpoint_at_or_after(seq + 1)
    if checkpoint is None:
        return None
    bundle = inclusion_bundle(seq, checkpoint, with_body=True)
    report = standalone.verify_inclusion_bundle(bundle, standalone.Verifier.parse(log_vkey()))
    body = json.loads(base64.b64decode(bundle["body"]))
    states_hash = body.get("data", {}).get("sha256") == doc.sha256
    return {"bundle": bundle, "ok": report.ok and states_hash, "problems": [p.message for p in report.problems],
            "size": checkpoint.size, "seq": seq, "json": json.dumps(bundle, ensure_ascii=False, indent=1)}  # fmt: skip
