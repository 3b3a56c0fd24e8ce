"""What ``sanxiang verify`` checks of evidence (RECORD-LOG.md §8.6), registered in ``EvidenceConfig.ready``.

- rows against their log entries: an object's hash and size, an item's
  commitment, case, hash, kind and step, an access's commitment, case and item;
- the store against the rows, in one merge of two sorted streams (constant
  memory): every object row has its file of the recorded size (``--deep``:
  and of the recorded SHA-256); files that no row knows are listed as notes —
  an upload never added as evidence, or a file placed by hand — not as
  problems, since nothing in the record refers to them and a WORM store could
  never remove them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanxiang.evidence import blobstore
from sanxiang.evidence.models import EvidenceAccess, EvidenceObject, access_commit_content, evidence_commit_content
from sanxiang.record.log import commitment

NOTE_SAMPLE = 20


def _data_problems(entry: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    data = entry.get("data") or {}
    return [
        _("the log has %(key)s=%(logged)r, the record %(value)r")
        % {"key": key, "logged": data.get(key), "value": value}
        for key, value in expected.items()
        if data.get(key) != value
    ]


def _digest_problems(row: Any, content: Mapping[str, Any], entry: Mapping[str, Any]) -> list[str]:
    if commitment(bytes(row.log_salt), content) != entry.get("digest"):
        return [_("the record differs from what the log committed to")]
    return []


def _case_problems(case_id: int, entry: Mapping[str, Any]) -> list[str]:
    if entry.get("case") != case_id:
        return [
            _("the log names case id %(logged)s, the record case id %(case)s")
            % {"logged": entry.get("case"), "case": case_id}
        ]
    return []


def ingest_row_check(row: EvidenceObject, entry: Mapping[str, Any]) -> list[str]:
    expected: dict[str, Any] = {"sha256": row.sha256, "size": row.size, "media_type": row.media_type}
    if row.sm3:
        expected["sm3"] = row.sm3
    return _data_problems(entry, expected)


def add_row_check(row: Any, entry: Mapping[str, Any]) -> list[str]:
    return (
        _digest_problems(row, evidence_commit_content(row), entry)
        + _case_problems(row.case_id, entry)
        + _data_problems(entry, {"sha256": row.object_id, "kind": row.kind, "step": row.step})
    )


def access_row_check(row: EvidenceAccess, entry: Mapping[str, Any]) -> list[str]:
    return (
        _digest_problems(row, access_commit_content(row), entry)
        + _case_problems(row.evidence.case_id, entry)
        + _data_problems(entry, {"sha256": row.evidence.object_id, "evidence": row.evidence_id})
    )


def _sorted_names() -> Iterator[str]:
    """The store's names, checked to come in ascending order (the merge below relies on it)."""
    previous = ""
    for name in blobstore.blob_iter_names():
        if name <= previous:
            raise RuntimeError("the evidence store did not list its objects in order")
        previous = name
        yield name


def blob_check(report: Any, options: Any) -> None:
    """Every object row against the store (sizes; hashes with ``options.deep``), and files without a row."""
    rows = EvidenceObject.objects.order_by("sha256").values_list("sha256", "size").iterator(chunk_size=2000)
    names = _sorted_names()
    row = next(rows, None)
    name = next(names, None)
    orphans: list[str] = []
    orphan_count = 0
    while row is not None or name is not None:
        if name is None or (row is not None and row[0] < name):
            assert row is not None
            report.blobs += 1
            report.add(
                "blobs", _("blob %(sha256)s") % {"sha256": row[0]}, _("the file is missing from the evidence store")
            )
            row = next(rows, None)
            continue
        if row is None or name < row[0]:
            orphan_count += 1
            if len(orphans) < NOTE_SAMPLE:
                orphans.append(name)
            name = next(names, None)
            continue
        sha256, size = row
        report.blobs += 1
        stored = blobstore.blob_size(sha256)
        if stored != size:
            report.add(
                "blobs",
                _("blob %(sha256)s") % {"sha256": sha256},
                _("the file has %(stored)d bytes, the record %(size)d") % {"stored": stored, "size": size},
            )
        elif getattr(options, "deep", False):
            actual, _read = blobstore.blob_rehash(sha256)
            if actual != sha256:
                report.add(
                    "blobs",
                    _("blob %(sha256)s") % {"sha256": sha256},
                    _("the file's SHA-256 is now %(actual)s") % {"actual": actual},
                )
        row = next(rows, None)
        name = next(names, None)
    if orphan_count:
        report.notes.append(
            ngettext(
                "%(n)d stored evidence file is not in the record (never added as evidence): ",
                "%(n)d stored evidence files are not in the record (never added as evidence): ",
                orphan_count,
            )
            % {"n": orphan_count}
            + ", ".join(orphans)
            + (" …" if orphan_count > len(orphans) else "")
        )
