"""The ``verify`` checks of the outbox mode (RECORD-LOG.md §4 "Scaled", §8): rows ↔ entries by ``ref``.

An entry sequenced from the outbox carries its outbox id (``ob``) and names
its source row by ``ref`` (``"<app_label.model>:<pk>"``); the row itself keeps
an empty ``log_seq`` (it is inserted once, before its entry exists). So
``verify`` finds the row of such an entry by the ref in the entry's body, and
a row that no entry names is either still waiting in the outbox (reported
with its age; a warning past ``SANXIANG_LOG_OUTBOX_MAX_AGE_SECONDS``) or was
never recorded — e.g. its outbox row was deleted before the sequencer saw it.
The entries' ``outbox`` and ``ref`` columns serve the lookups; each is checked
against the body, and a ref or outbox id named by two entries is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from sanxiang.record.models import LogEntry, LogHead, LogOutbox
from sanxiang.record.sequencer import pending
from sanxiang.record.sources import Source, sources

if TYPE_CHECKING:
    from sanxiang.record.verify import Report

ID_BATCH = 500


def _by_model() -> dict[str, list[tuple[str, Source]]]:
    """Source kinds by model label (lower case): one model may vouch for several kinds (view, download…)."""
    out: dict[str, list[tuple[str, Source]]] = {}
    for kind, source in sources().items():
        out.setdefault(source.model._meta.label_lower, []).append((kind, source))
    return out


def rows_by_ref(
    report: Report, entries: Iterable[tuple[int, dict[str, Any]]], rows: dict[int, tuple[str, Any]]
) -> None:
    """Add to ``rows`` (seq → (kind, row)) the rows that the outbox entries among ``entries`` name by ref."""
    models_by_label = _by_model()
    wanted: dict[str, dict[str, list[tuple[int, str]]]] = {}  # label → pk → [(seq, entry kind)]
    for seq, entry in entries:
        ref = entry.get("ref")
        if "ob" not in entry or not isinstance(ref, str):
            continue
        label, _sep, pk = ref.partition(":")
        if label in models_by_label:
            wanted.setdefault(label, {}).setdefault(pk, []).append((seq, str(entry.get("kind"))))
    for label, by_pk in wanted.items():
        kinds = models_by_label[label]
        model: type[models.Model] = kinds[0][1].model
        keys = list(by_pk)
        for i in range(0, len(keys), ID_BATCH):
            ids = [model._meta.pk.to_python(key) for key in keys[i : i + ID_BATCH]]
            for row in model._default_manager.filter(pk__in=ids).order_by():
                for seq, entry_kind in by_pk.get(str(row.pk), []):
                    kind = entry_kind if entry_kind in {k for k, _s in kinds} else kinds[0][0]
                    _claim(report, rows, seq, kind, row)


def _claim(report: Report, rows: dict[int, tuple[str, Any]], seq: int, kind: str, row: Any) -> None:
    where = _("entry %(seq)d") % {"seq": seq}
    log_seq = getattr(row, "log_seq", None)
    if log_seq is not None:
        report.add(
            "rows",
            where,
            _("names %(kind)s record %(pk)s, which claims entry %(other)d by its log_seq")
            % {"kind": kind, "pk": row.pk, "other": log_seq},
        )
        return
    if seq in rows:
        other_kind, other = rows[seq]
        describe = sources()
        report.add(
            "rows",
            where,
            _("claimed by two records: %(a)s and %(b)s")
            % {
                "a": f"{other_kind} {describe[other_kind].describe(other)}",
                "b": f"{kind} {describe[kind].describe(row)}",
            },
        )
        return
    rows[seq] = (kind, row)


def check_columns(report: Report, where: str, entry: dict[str, Any], outbox: int | None, ref: str | None) -> None:
    """The lookup columns of one entry say what its body says (both empty for a directly appended entry)."""
    ob = entry.get("ob")
    expected_ref = entry.get("ref") if ob is not None else None
    if ob != outbox or expected_ref != ref:
        report.add("entries", where, _("its outbox or ref column differs from its body"))


def _ref_expression(label: str) -> Concat:
    return Concat(Value(label + ":"), Cast("pk", CharField()), output_field=CharField())


def check_unsequenced(report: Report, head: LogHead) -> None:
    """Rows no entry vouches for, entries naming one row twice, and what still waits in the outbox."""
    for label, kinds in _by_model().items():
        kind, source = kinds[0]
        model = source.model
        named = LogEntry.objects.filter(log_id=head.pk, ref__startswith=label + ":").values("ref")
        waiting = LogOutbox.objects.filter(origin=head.origin, ref__startswith=label + ":").values("ref")
        stray = (
            model._default_manager.filter(log_seq__isnull=True)
            .annotate(sx_ref=_ref_expression(label))
            .exclude(sx_ref__in=named)
            .exclude(sx_ref__in=waiting)
            .order_by()
        )
        for row in stray[:50]:
            report.add(
                "rows",
                _("%(kind)s record %(pk)s (%(what)s)") % {"kind": kind, "pk": row.pk, "what": source.describe(row)},
                _("not in the log: no entry names it and none waits in the outbox"),
            )
    for column, message in (
        ("ref", _("named by %(n)d entries: one record sequenced twice, or a forged entry")),
        ("outbox", _("outbox row sequenced %(n)d times")),
    ):
        duplicates = (
            LogEntry.objects.filter(log_id=head.pk, **{f"{column}__isnull": False})
            .values(column)
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .order_by(column)
        )
        for item in duplicates[:50]:
            report.add("rows", f"{column} {item[column]}", message % {"n": item["n"]})
    _report_pending(report, head.origin)


def _report_pending(report: Report, origin: str) -> None:
    waiting = pending(origin)
    if not waiting.count:
        return
    age = waiting.age_seconds()
    report.pending = waiting.count
    report.pending_oldest_seconds = round(age, 1)
    text = _("%(n)d entries wait in the outbox to be sequenced, the oldest for %(age)d s") % {
        "n": waiting.count,
        "age": age,
    }
    if age > settings.RECORD_OUTBOX_MAX_AGE_SECONDS:
        report.warnings.append(
            text
            + _(" (more than %(max)d s: is the sequencer running? The outbox is not tamper-evident.)")
            % {"max": settings.RECORD_OUTBOX_MAX_AGE_SECONDS}
        )
    else:
        report.notes.append(text)
