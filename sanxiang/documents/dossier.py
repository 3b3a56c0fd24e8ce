"""The dossier (案卷): assembled from the procedure's checklist and the issued documents (RULES.md §8.2).

Order: 正卷 (卷内目录 → 立案审批表 → decision → other documents to the party
with their 送达回证 → records and evidence → enforcement), then 副卷 (source,
reports and approvals, hearing, closing report), as ``doctypes.sort_key``
gives. Page numbers run through the whole dossier after the index.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from pypdf import PdfReader, PdfWriter

from sanxiang.cases.checklist import required_items
from sanxiang.cases.models import Case
from sanxiang.documents import review_sources
from sanxiang.documents.doctypes import DOC_TYPES, MAIN, sort_key
from sanxiang.documents.formatting import date_cn
from sanxiang.documents.models import IssuedDocument
from sanxiang.evidence.blobstore import blob_open

RETENTION_TEXT = {"permanent": "永久", "30y": "30年", "10y": "10年"}


def dossier_documents(case: Case) -> list[IssuedDocument]:
    """The case's issued documents that count (not voided, not corrected by a later one), in dossier order."""
    docs = IssuedDocument.objects.filter(case=case, voided__isnull=True).exclude(doc_type="dossier_index")
    corrected = set(docs.filter(corrects__isnull=False).values_list("corrects_id", flat=True))
    kept = [d for d in docs.order_by("issued_at", "id") if d.pk not in corrected]
    return sorted(kept, key=lambda d: (*sort_key(d.doc_type), d.issued_at, d.pk))


def missing_documents(case: Case) -> list[str]:
    """Labels of the checklist items that have no issued document yet (what 归档 waits for).

    A case that had a legal review or a signed collective discussion also needs
    its 法制审核意见书 / 集体讨论记录, one for each opinion / discussion (副卷,
    RULES.md §8.2); a case that had none does not.
    """
    docs = dossier_documents(case)
    present = {d.doc_type for d in docs}
    present |= {"transcript" for code in present if code == "inspection_record"}
    labels = [str(item.label) for item in required_items(case) if item.code not in present]
    for code in dict.fromkeys(code for code, _source in review_sources.missing(case, docs)):
        labels.append(str(review_sources.LABELS[code]))
    return labels


def retention(case: Case) -> str:
    """永久 / 30 years / 10 years by the rule in settings (国家档案局令第8号 Art. 6; classification UNCONFIRMED)."""
    penalty = case.facts.get("decided_penalty") or {}
    types = set(penalty.get("types", []))
    if types & {"revoke_licence", "restrict_activity"}:
        return "permanent"
    if int(penalty.get("fine_fen", 0)) >= settings.DOSSIER_PERMANENT_FINE_YUAN * 100:
        return "permanent"
    if case.procedure == "general" and penalty:
        return "30y"
    return "10y"


@dataclass(frozen=True)
class IndexRow:
    seq: int
    number: str
    title: str
    date: str
    pages: str
    note: str


def index_data(case: Case, docs: list[IssuedDocument], first_page: int) -> dict[str, Any]:
    """The 卷内目录's rows, page numbers starting at ``first_page`` (the page after the index itself)."""
    volumes: dict[str, list[dict[str, Any]]] = {"正卷": [], "副卷": []}
    page = first_page
    for seq, doc in enumerate(docs, start=1):
        last = page + doc.page_count - 1
        pages = str(page) if last == page else f"{page}-{last}"
        note = "更正件" if doc.corrects_id else ""
        row = IndexRow(seq, doc.number, doc.title, date_cn(doc.issued_on), pages, note)
        volumes["正卷" if DOC_TYPES[doc.doc_type].volume == MAIN else "副卷"].append(row.__dict__)
        page = last + 1
    code = retention(case)
    return {
        "retention": code,
        "retention_text": RETENTION_TEXT[code],
        "volumes": [{"name": name, "rows": rows} for name, rows in volumes.items() if rows],
        "total_pages": page - 1,
    }


def render_index(case: Case, data: dict[str, Any], meta: dict[str, Any]) -> Any:
    """Render the 卷内目录, again until its page numbers account for its own length (it comes first)."""
    from sanxiang.documents import rendering

    docs = dossier_documents(case)
    first = 2
    for _attempt in range(3):
        data["dossier"] = index_data(case, docs, first)
        rendered = rendering.render_document("dossier_index", data, meta)
        if rendered.page_count + 1 == first:
            break
        first = rendered.page_count + 1
    return rendered


def preview_index_pdf(case: Case) -> bytes:
    """An unsigned, unnumbered 卷内目录 of the dossier as it stands (for printing before 归档)."""
    from django.utils import timezone

    from sanxiang.documents.context import build_data

    data = build_data(case, "dossier_index", event=None, on=timezone.localdate())
    meta = {"title": DOC_TYPES["dossier_index"].title, "number": "", "verify_url": "PREVIEW"}
    return bytes(render_index(case, data, meta).pdf)


def _pdf_bytes(doc: IssuedDocument) -> bytes:
    with blob_open(doc.sha256) as handle:
        return bytes(handle.read())


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of ``parts`` in order (for printing; the signatures stay on the separate issued files)."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def dossier_pdf(case: Case, index_pdf: bytes) -> bytes:
    """The whole dossier as one PDF: the index, then every document in order."""
    return merge_pdfs([index_pdf, *(_pdf_bytes(d) for d in dossier_documents(case))])
