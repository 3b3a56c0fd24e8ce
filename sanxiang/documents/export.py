"""Archive export (RULES.md §9): one ZIP per case that verifies offline with ``standalone.py archive``.

Contents (format ``sanxiang-dossier/1``):

- ``manifest.json``: metadata after DA/T 46-2009 (聚合层次, 来源, 档号, 题名, 责任者, 日期, 保管期限…),
  every file's path, SHA-256 and size, the documents with their log entries, the evidence
  (files up to ``EXPORT_EVIDENCE_MAX_BYTES`` included, larger audio/video by hash only);
- ``documents/NN-<type>.pdf``: the signed PDFs as issued;
- ``evidence/<sha256>``: the evidence files included;
- ``log/<seq>.json``: inclusion bundles (with entry bodies) of the documents', evidence and case-event entries;
- ``log/export.json``: the bundle of the export's own entry, which states the manifest's SHA-256;
- ``checkpoint.txt``: the signed checkpoint every bundle leads to.

The manifest lists every other file by hash and the log vouches for the manifest, so a
changed byte anywhere fails the check. Members carry a fixed timestamp, so the same
export of the same records gives the same file contents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.documents.dossier import RETENTION_TEXT, dossier_documents, retention
from sanxiang.documents.models import DossierExport, IssuedDocument
from sanxiang.evidence.blobstore import blob_open
from sanxiang.evidence.models import Evidence
from sanxiang.org.models import User
from sanxiang.record.bundles import inclusion_bundle
from sanxiang.record.checkpoints import checkpoint_make, cosigned_note
from sanxiang.record.log import entry_seq
from sanxiang.record.logged import log_insert
from sanxiang.record.merkle import canonical_json
from sanxiang.record.sequencer import sequence_pending

FORMAT = "sanxiang-dossier/1"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stored_bytes(doc: IssuedDocument) -> bytes:
    with blob_open(doc.sha256) as handle:
        return bytes(handle.read())


def export_name(case: Case) -> str:
    return f"dossier-{case.pk}.zip"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _documents(case: Case) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    rows, files = [], {}
    docs = list(dossier_documents(case))
    index = getattr(case, "dossier_archive", None) if hasattr(case, "dossier_archive") else None
    if index is not None:
        docs.insert(0, index.index)
    for n, doc in enumerate(docs, start=1):
        path = f"documents/{n:02d}-{doc.doc_type}.pdf"
        files[path] = stored_bytes(doc)
        rows.append({
            "path": path, "电子文件号": doc.public_id, "题名": doc.title, "文件编号": doc.number, "文种": doc.doc_type,
            "责任者": doc.issuer_name, "日期": doc.issued_on.isoformat(), "页数": doc.page_count,
            "sha256": doc.sha256, "log_seq": entry_seq(doc),
        })  # fmt: skip
    return rows, files


def _evidence(case: Case) -> tuple[list[dict[str, Any]], dict[str, bytes], list[int]]:
    rows, files, seqs = [], {}, []
    for item in Evidence.objects.filter(case=case).select_related("object").order_by("pk"):
        obj = item.object
        included = obj.size <= settings.EXPORT_EVIDENCE_MAX_BYTES
        row = {"sha256": obj.sha256, "size": obj.size, "kind": item.kind, "step": item.step,
               "captured_at": item.captured_at.isoformat(), "description": item.description, "included": included,
               "log_seq": entry_seq(item)}  # fmt: skip
        if included:
            with blob_open(obj.sha256) as handle:
                files[f"evidence/{obj.sha256}"] = bytes(handle.read())
            row["path"] = f"evidence/{obj.sha256}"
        seqs += [s for s in (entry_seq(item), entry_seq(obj)) if s is not None]
        rows.append(row)
    return rows, files, seqs


def _metadata(case: Case) -> dict[str, Any]:
    agency = case.unit.agency
    code = retention(case)
    year = (case.registered_on or case.discovered_on).year
    return {
        "聚合层次": "案卷",
        "来源": {"立档单位名称": agency.name, "全宗名称": agency.name},
        "档号": {"年度": year, "保管期限": RETENTION_TEXT[code], "机构或问题": case.unit.name, "案卷号": case.number or case.lead_number},
        "题名": f"{case.violation.title if case.violation else case.summary[:40]}案",
        "责任者": agency.name,
        "日期": {"立案": case.registered_on.isoformat() if case.registered_on else None},
        "案件状态": case.state,
        "程序": case.procedure,
    }  # fmt: skip


def _manifest(case: Case) -> tuple[dict[str, Any], dict[str, bytes], list[int]]:
    doc_rows, files = _documents(case)
    ev_rows, ev_files, ev_seqs = _evidence(case)
    files.update(ev_files)
    event_seqs = [s for s in (entry_seq(e) for e in case.events.order_by("seq")) if s is not None]
    seqs = sorted({*(r["log_seq"] for r in doc_rows if r["log_seq"] is not None), *ev_seqs, *event_seqs})
    manifest = {
        "format": FORMAT, "case_id": case.pk, "metadata": _metadata(case), "documents": doc_rows,
        "evidence": ev_rows, "log_entries": seqs,
        "files": [{"path": p, "sha256": _sha(b), "size": len(b)} for p, b in sorted(files.items())],
    }  # fmt: skip
    return manifest, files, seqs


@transaction.atomic
def _log_export(actor: User, case: Case, manifest_sha256: str) -> DossierExport:
    row = DossierExport(case=case, manifest_sha256=manifest_sha256, exported_by=actor)
    log_insert(row, actor=actor)
    return row


def _zip(members: Iterator[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def case_export(*, actor: User, case: Case) -> bytes:
    """The archive ZIP of ``case``: log the manifest's hash, sign a checkpoint over it, bundle the proofs.

    Not atomic as a whole on purpose: the export entry must be committed before
    a checkpoint can cover it.
    """
    sequence_pending()  # outbox mode: every entry of the case gets its place in the log first
    manifest, files, seqs = _manifest(case)
    manifest_bytes = canonical_json(manifest)
    export_row = _log_export(actor, case, _sha(manifest_bytes))
    checkpoint = checkpoint_make().checkpoint
    export_seq = entry_seq(export_row)
    if checkpoint is None or export_seq is None or checkpoint.size <= export_seq:
        raise RuntimeError("no signed checkpoint covers the export entry")
    bundles = {f"log/{seq}.json": _bundle(seq, checkpoint) for seq in seqs}
    bundles["log/export.json"] = _bundle(export_seq, checkpoint)
    members = [("manifest.json", manifest_bytes), *sorted(files.items()), *sorted(bundles.items()),
               ("checkpoint.txt", cosigned_note(checkpoint).encode())]  # fmt: skip
    return _zip(iter(members))


def _bundle(seq: int, checkpoint: Any) -> bytes:
    return json.dumps(inclusion_bundle(seq, checkpoint, with_body=True), ensure_ascii=False, indent=1).encode()


def cases_in_range(start: dt.date, end: dt.date) -> list[Case]:
    """Cases archived (or closed) between ``start`` and ``end`` (both included), for the batch export."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    return list(
        Case.objects.filter(state__in=("archived", "closed"), updated_at__gte=since, updated_at__lte=until)
        .select_related("unit__agency", "violation").order_by("pk")
    )  # fmt: skip
