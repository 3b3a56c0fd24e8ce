"""``verify``: recompute everything the record log vouches for and report each discrepancy (RECORD-LOG.md §8).

What is checked, in one streaming pass over the entries (memory independent of
the log's length: entries, rows and nodes are read in seq-range chunks):

1. trust anchors come from configuration (``trust.log_verifier``), never from the database;
2. entries: seq 0..N−1 without gaps, ``leaf_hash == H(0x00‖body)``, the body parses, names its
   place (``seq``, ``log``), its time does not run backwards;
3. the tree: leaves streamed through a fresh frontier; the stored interior nodes equal the recomputed
   ones (proofs are built from them); the root at every checkpoint's size equals the signed root; the
   final root and size equal the head's;
4. checkpoints: each note verifies with the trusted key and says what its row says; cosignatures verify
   with the configured witness keys; a checkpoint larger than the log means entries were deleted;
5. external anchors — the signer's own record of what it signed (a file outside the database), the
   witnesses' latest checkpoints, and any ``--anchor`` notes — must match the recomputed root at their
   size: this is what catches a rewritten history, even one re-signed with a stolen key;
6. every row the log vouches for (audit events, case events, evidence…; ``record.sources``) has its entry
   and matches its commitment, every such entry has its row, and no row is missing from the log;
7. every case's stored state equals the replay of its events;
8. registered extra checks (evidence blobs against their hashes, etc.; ``register_check``).

Problems are reported with what and where (entry seq, case, blob hash), never fixed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from sanxiang.record import appendonly, merkle, note, verify_outbox
from sanxiang.record.checkpoints import sm3_root_of
from sanxiang.record.log import log_origin
from sanxiang.record.models import Checkpoint, Cosignature, LogEntry, LogHead, LogNode
from sanxiang.record.sources import sources

CHUNK = 20000
MAX_PER_CHECK = 1000
TS_SKEW_MS = 5000


@dataclass(frozen=True)
class Problem:
    check: str  # entries, tree, checkpoint, anchor, rows, cases, blobs, triggers, config
    where: str  # "entry 17", "case 2026-001", "blob ab12…"
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.where}: {self.message}"


@dataclass
class Report:
    origin: str
    size: int = 0
    checkpoints: int = 0
    latest_checkpoint: int = 0
    unsigned_tail: int = 0
    cosignatures: int = 0
    anchors: int = 0
    rows: int = 0
    cases: int = 0
    blobs: int = 0
    trust_anchor: str = ""
    seconds: float = 0.0
    pending: int = 0  # entries waiting in the outbox (outbox mode)
    pending_oldest_seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not failures, but to act on (a stalled sequencer)
    suppressed: dict[str, int] = field(default_factory=dict)  # problems past the cap, by check
    _kept: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, check: str, where: str, message: str) -> None:
        """Record a problem; past ``MAX_PER_CHECK`` of one check they are counted, not kept (memory stays bounded)."""
        kept = self._kept.get(check, 0)
        if kept >= MAX_PER_CHECK:
            self.suppressed[check] = self.suppressed.get(check, 0) + 1
            return
        self._kept[check] = kept + 1
        self.problems.append(Problem(check, where, message))

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_kept", None)
        data["ok"] = self.ok
        return data


ExtraCheck = Callable[[Report, "Options"], None]
_EXTRA_CHECKS: list[tuple[str, ExtraCheck]] = []


def register_check(name: str, check: ExtraCheck) -> None:
    """Add a check that other apps own (e.g. evidence blobs); it appends ``Problem``s to the report."""
    if name not in {n for n, _ in _EXTRA_CHECKS}:
        _EXTRA_CHECKS.append((name, check))


@dataclass(frozen=True)
class Options:
    deep: bool = False  # re-hash every blob
    anchors: tuple[str, ...] = ()  # signed checkpoint notes held outside (witness copies, paper register)
    fetch_witnesses: bool = True
    cases: bool = True
    drain: bool = True  # sequence what waits in the outbox first (RECORD-LOG.md §4 "Scaled")
    progress: Callable[[int, int], None] | None = None  # (entries done, total)


# --- Checkpoints and anchors -------------------------------------------------------------


@dataclass
class _Target:
    """A (size, root) the recomputed tree must match, and where it came from."""

    size: int
    root: bytes
    where: str
    root_sm3: bytes | None = None


def _open_checkpoint(
    report: Report, check: str, where: str, text: str, verifier: note.Verifier
) -> note.Checkpoint | None:
    try:
        checkpoint, _signatures = note.open_checkpoint(text, verifier)
    except note.NoteError as exc:
        report.add(check, where, _("the signed note does not verify with the trusted key: %(error)s") % {"error": exc})
        return None
    if checkpoint.origin != report.origin:
        report.add(
            check,
            where,
            _("the note is for the log %(other)s, not %(origin)s")
            % {"other": checkpoint.origin, "origin": report.origin},
        )
        return None
    return checkpoint


def _checkpoint_targets(
    report: Report, head: LogHead, verifier: note.Verifier, witnesses: list[note.Verifier]
) -> list[_Target]:
    targets: list[_Target] = []
    previous: Checkpoint | None = None
    for cp in Checkpoint.objects.filter(log=head).order_by("created_at", "id").prefetch_related("cosignatures"):
        report.checkpoints += 1
        where = _("checkpoint %(size)d") % {"size": cp.size}
        opened = _open_checkpoint(report, "checkpoint", where, cp.note, verifier)
        if opened is None:
            continue
        if opened.size != cp.size or opened.root != bytes(cp.root):
            report.add("checkpoint", where, _("the signed note and the stored size or root differ"))
        if previous is not None and cp.size < previous.size:
            report.add("checkpoint", where, _("made after checkpoint %(size)d but smaller") % {"size": previous.size})
        previous = cp
        report.latest_checkpoint = max(report.latest_checkpoint, opened.size)
        targets.append(_Target(opened.size, opened.root, where, sm3_root_of(opened)))
        known = {w.name: w for w in witnesses}
        text = cp.note[: cp.note.rfind("\n\n") + 1]
        for cosig in cp.cosignatures.all():
            witness = known.get(cosig.witness)
            if witness is None:
                report.notes.append(
                    _("%(where)s: cosignature by %(witness)s, not a configured witness (ignored)")
                    % {"where": where, "witness": cosig.witness}
                )
                continue
            try:
                note.open_note(text + "\n" + cosig.line, [witness])
            except note.NoteError as exc:
                report.add(
                    "checkpoint",
                    where,
                    _("the cosignature of %(witness)s does not verify: %(error)s")
                    % {"witness": cosig.witness, "error": exc},
                )
            else:
                report.cosignatures += 1
    return targets


def _anchor_targets(report: Report, verifier: note.Verifier, options: Options) -> list[_Target]:
    from django.conf import settings

    from sanxiang.record.checkpoints import configured_witnesses

    targets: list[_Target] = []
    # The signer's memory of what it signed lives beside its key, outside the database.
    state_path = Path(settings.RECORD_SIGNER_STATE_FILE)
    if state_path.exists():
        try:
            state = json.loads(state_path.read_text(encoding="utf-8")).get(report.origin)
        except (OSError, ValueError) as exc:
            report.add("anchor", str(state_path), _("unreadable: %(error)s") % {"error": exc})
            state = None
        if state and state.get("note"):
            opened = _open_checkpoint(report, "anchor", _("the signer's last checkpoint"), str(state["note"]), verifier)
            if opened is not None:
                targets.append(
                    _Target(opened.size, opened.root, _("the signer's last checkpoint"), sm3_root_of(opened))
                )
    for i, text in enumerate(options.anchors, 1):
        opened = _open_checkpoint(report, "anchor", _("anchor %(n)d") % {"n": i}, text, verifier)
        if opened is not None:
            targets.append(_Target(opened.size, opened.root, _("anchor %(n)d") % {"n": i}, sm3_root_of(opened)))
    if options.fetch_witnesses:
        from sanxiang.record.witness_client import fetch_checkpoint

        for witness in configured_witnesses():
            try:
                fetched = fetch_checkpoint(witness.url, report.origin)
            except Exception as exc:
                report.add(
                    "anchor",
                    _("witness %(name)s") % {"name": witness.name},
                    _("could not fetch its checkpoint: %(error)s") % {"error": exc},
                )
                continue
            where = _("witness %(name)s") % {"name": witness.name}
            if fetched is None:
                if Cosignature.objects.filter(checkpoint__log__origin=report.origin, witness=witness.name).exists():
                    report.add("anchor", where, _("it holds no checkpoint, yet it cosigned this log before"))
                else:
                    report.notes.append(_("witness %(name)s holds no checkpoint yet") % {"name": witness.name})
                continue
            opened = _open_checkpoint(report, "anchor", where, fetched, verifier)
            if opened is None:
                continue
            # The copy counts only if the witness itself vouches for it: a log-signed note served from the
            # witness's address proves nothing when the signing key may be in the wrong hands.
            try:
                note.open_note(fetched, [witness.verifier])
            except note.NoteError:
                report.add("anchor", where, _("its checkpoint does not carry its own valid cosignature"))
                continue
            targets.append(_Target(opened.size, opened.root, where, sm3_root_of(opened)))
    report.anchors = len(targets)
    return targets


# --- Entries, tree, rows -----------------------------------------------------------------


def _stored_nodes(head: LogHead, lo: int, hi: int) -> dict[tuple[int, int], tuple[bytes, bytes | None]]:
    """Stored nodes completed by leaves lo..hi-1: level l ≥ 1 with ((idx + 1) << l) in (lo, hi].

    One indexed range query per level: an OR of the levels makes SQLite scan the
    whole node table for every chunk.
    """
    nodes: dict[tuple[int, int], tuple[bytes, bytes | None]] = {}
    level = 1
    while (1 << level) <= hi:
        first = max(0, -(-(lo + 1) // (1 << level)) - 1)  # smallest idx with (idx + 1) << level > lo
        last = (hi >> level) - 1
        if first <= last:
            rows = LogNode.objects.filter(log=head, level=level, idx__gte=first, idx__lte=last)
            for idx, digest, digest_sm3 in rows.values_list("idx", "hash", "hash_sm3"):
                nodes[(level, idx)] = (bytes(digest), bytes(digest_sm3) if digest_sm3 is not None else None)
        level += 1
    return nodes


def _rows_by_seq(report: Report, lo: int, hi: int) -> dict[int, tuple[str, Any]]:
    """The rows that claim entries lo..hi-1, by entry; two rows claiming one entry is itself a problem."""
    rows: dict[int, tuple[str, Any]] = {}
    for kind, source in sources().items():
        # .order_by(): no default ordering, whose joins would hide rows whose parent row is gone.
        for row in source.model._default_manager.filter(log_seq__gte=lo, log_seq__lt=hi).order_by():
            seq = getattr(row, "log_seq")  # noqa: B009 — every source model has log_seq
            if seq in rows:
                other_kind, other = rows[seq]
                report.add(
                    "rows",
                    _("entry %(seq)d") % {"seq": seq},
                    _("claimed by two records: %(a)s and %(b)s")
                    % {
                        "a": f"{other_kind} {sources()[other_kind].describe(other)}",
                        "b": f"{kind} {source.describe(row)}",
                    },
                )
                continue
            rows[seq] = (kind, row)
    return rows


def _check_entries(report: Report, head: LogHead, targets: list[_Target], options: Options) -> None:
    gap = False
    frontier = merkle.Frontier()
    tree_sm3 = merkle.Frontier(algorithm=merkle.SM3) if head.sm3 else None
    pending = sorted(targets, key=lambda t: t.size)
    known_sources = sources()
    expected = 0
    last_ts = -1
    size = head.size
    report.size = size

    def settle(at_size: int) -> None:
        while pending and pending[0].size <= at_size:
            target = pending.pop(0)
            if target.size == at_size and frontier.root() != target.root:
                report.add(
                    "tree",
                    target.where,
                    _("the recomputed root of the first %(size)d entries differs") % {"size": target.size},
                )
            if target.size == at_size and tree_sm3 is not None and target.root_sm3 != tree_sm3.root():
                report.add(
                    "tree",
                    target.where,
                    _("the SM3 root of the first %(size)d entries differs or is not signed") % {"size": target.size},
                )

    settle(0)
    for lo in range(0, size, CHUNK):
        hi = min(lo + CHUNK, size)
        stored_nodes = _stored_nodes(head, lo, hi)
        chunk = [
            (seq, bytes(body), bytes(leaf), leaf_sm3, outbox, ref, _parse(bytes(body)))
            for seq, body, leaf, leaf_sm3, outbox, ref in LogEntry.objects.filter(log=head, seq__gte=lo, seq__lt=hi)
            .order_by("seq")
            .values_list("seq", "body", "leaf_hash", "leaf_sm3", "outbox", "ref")
        ]
        rows = _rows_by_seq(report, lo, hi)
        verify_outbox.rows_by_ref(report, ((seq, parsed[0]) for seq, *_rest, parsed in chunk), rows)
        for seq, body, leaf, leaf_sm3, outbox, ref, (entry, parse_error) in chunk:
            where = _("entry %(seq)d") % {"seq": seq}
            if seq != expected:
                report.add(
                    "entries",
                    _("entry %(seq)d") % {"seq": expected},
                    _("missing: the next stored entry is %(seq)d") % {"seq": seq},
                )
                # The tree cannot be recomputed past a gap; report once and stop the tree checks.
                pending.clear()
                expected = seq
                gap = True
            computed = merkle.leaf_hash(body)
            if computed != leaf:
                report.add("entries", where, _("the stored leaf hash is not the hash of the stored body"))
            if parse_error:
                report.add("entries", where, parse_error)
            verify_outbox.check_columns(report, where, entry, outbox, ref)
            if entry.get("seq") != seq or entry.get("log") != report.origin:
                report.add("entries", where, _("the body does not name its own place (log, seq)"))
            ts = entry.get("ts")
            if isinstance(ts, int):
                if ts < last_ts - TS_SKEW_MS:
                    report.add("entries", where, _("its time is earlier than the entry before it"))
                last_ts = max(last_ts, ts)
            completed_sm3: list[merkle.Subtree] = []
            if tree_sm3 is not None:
                computed_sm3 = merkle.leaf_hash(body, algorithm=merkle.SM3)
                if leaf_sm3 is None or bytes(leaf_sm3) != computed_sm3:
                    report.add("entries", where, _("the stored SM3 leaf hash is not the SM3 hash of the stored body"))
                completed_sm3 = tree_sm3.append(computed_sm3)
            for n, node in enumerate(frontier.append(computed)):
                if gap:
                    break  # past a gap the recomputed tree is misaligned with the stored one
                stored = stored_nodes.get((node.level, node.idx))
                if (
                    stored is None
                    or stored[0] != node.hash
                    or (tree_sm3 is not None and stored[1] != completed_sm3[n].hash)
                ):
                    report.add(
                        "tree",
                        where,
                        _("stored node level %(level)d index %(idx)d is missing or differs")
                        % {"level": node.level, "idx": node.idx},
                    )
            expected = seq + 1
            settle(expected)
            kind = entry.get("kind")
            if isinstance(kind, str) and kind in known_sources:
                row_kind, row = rows.pop(seq, (None, None))
                if row is None:
                    report.add(
                        "rows",
                        where,
                        _("the %(kind)s record it vouches for is missing%(case)s")
                        % {"kind": kind, "case": _case_suffix(entry)},
                    )
                elif row_kind != kind:
                    report.add(
                        "rows",
                        where,
                        _("a %(row_kind)s record claims this %(kind)s entry") % {"row_kind": row_kind, "kind": kind},
                    )
                else:
                    report.rows += 1
                    for message in known_sources[kind].check(row, entry):
                        report.add("rows", f"{where} ({known_sources[kind].describe(row)})", message)
        for seq, (kind, row) in rows.items():
            report.add(
                "rows",
                _("%(kind)s record %(pk)s") % {"kind": kind, "pk": row.pk},
                _("claims entry %(seq)d, which is not a %(kind)s entry") % {"seq": seq, "kind": kind},
            )
        if options.progress is not None:
            options.progress(hi, size)
    beyond = LogEntry.objects.filter(log=head, seq__gte=size).order_by("seq").values_list("seq", flat=True).first()
    if beyond is not None:
        report.add(
            "entries",
            _("entry %(seq)d") % {"seq": beyond},
            _("stored beyond the head's size %(size)d") % {"size": size},
        )
    if expected != size:
        report.add(
            "entries",
            _("entry %(seq)d") % {"seq": expected},
            _("the head says %(size)d entries, %(stored)d are stored") % {"size": size, "stored": expected},
        )
    if expected == size and frontier.root() != merkle.Frontier.from_bytes(size, bytes(head.frontier)).root():
        report.add("tree", _("head"), _("the stored head's root differs from the recomputed root"))
    if (
        expected == size
        and tree_sm3 is not None
        and tree_sm3.root() != merkle.Frontier.from_bytes(size, bytes(head.frontier_sm3), algorithm=merkle.SM3).root()
    ):
        report.add("tree", _("head"), _("the stored head's SM3 root differs from the recomputed root"))
    for target in pending:
        if target.size > size:
            report.add(
                "tree",
                target.where,
                _("signed at %(signed)d entries but the log holds %(size)d: entries were deleted")
                % {"signed": target.size, "size": size},
            )
    # Rows that never entered the log: claiming an entry past the end, or named by no entry (outbox mode).
    for kind, source in known_sources.items():
        stray = source.model._default_manager.filter(log_seq__gte=size + _grace(head))
        for row in stray[:50]:
            report.add(
                "rows",
                _("%(kind)s record %(pk)s (%(what)s)") % {"kind": kind, "pk": row.pk, "what": source.describe(row)},
                _("not in the log"),
            )
    verify_outbox.check_unsequenced(report, head)


def _parse(body: bytes) -> tuple[dict[str, Any], str]:
    """The entry of a body, or {} and what is wrong with it."""
    try:
        entry = json.loads(body.decode())
    except ValueError:
        return {}, _("the body is not JSON")
    if not isinstance(entry, dict):
        return {}, _("the body is not a JSON object")
    return entry, ""


def _grace(head: LogHead) -> int:
    # Rows appended after the head was read are not strays; re-read the head to know how far it got.
    return max(0, LogHead.objects.get(pk=head.pk).size - head.size)


def _case_suffix(entry: dict[str, Any]) -> str:
    return _(" (case id %(id)s)") % {"id": entry["case"]} if "case" in entry else ""


def _check_cases(report: Report) -> None:
    """Every case's stored state against the replay of its events: 500 cases, their events in one query."""
    from sanxiang.cases.engine import case_replay, case_snapshot
    from sanxiang.cases.models import Case, CaseEvent

    last_pk = 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last_pk).order_by("pk")[:500])
        if not cases:
            return
        last_pk = cases[-1].pk
        events: dict[int, list[CaseEvent]] = {case.pk: [] for case in cases}
        for event in CaseEvent.objects.filter(case_id__in=events).order_by("case_id", "seq"):
            events[event.case_id].append(event)
        for case in cases:
            report.cases += 1
            label = case.number or case.lead_number
            seqs = [event.seq for event in events[case.pk]]
            if seqs != list(range(1, case.event_count + 1)):
                report.add(
                    "cases",
                    _("case %(number)s") % {"number": label},
                    _("its events %(seqs)s… do not run 1..%(count)d") % {"seqs": seqs[:5], "count": case.event_count},
                )
            replay = case_replay(case, events[case.pk])
            if case_snapshot(case, replay) != replay:
                report.add(
                    "cases",
                    _("case %(number)s") % {"number": label},
                    _("the stored state differs from the replay of its events"),
                )


def verify(options: Options | None = None) -> Report:
    """Run every check; the report lists the problems (empty when the record is intact).

    On PostgreSQL every check reads one snapshot (REPEATABLE READ), so appends made while it runs
    cannot show as false discrepancies. (SQLite's write-locking transactions would block the
    platform for the whole run, so there each query reads the latest committed state.)

    First (``Options.drain``) the outbox is sequenced, so that every committed row can be checked
    against its entry; what still waits (committed meanwhile) is reported with its age.
    """
    if options is None or options.drain:
        from sanxiang.record.sequencer import sequence_pending

        sequence_pending()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return _verify(options)
    return _verify(options)


def _verify(options: Options | None = None) -> Report:
    from sanxiang.record.trust import log_verifier, log_verifier_source

    options = options or Options()
    started = time.monotonic()
    report = Report(origin=log_origin())
    for name in appendonly.missing():
        report.add("triggers", name, _("the append-only trigger is missing"))
    try:
        verifier = log_verifier()
        report.trust_anchor = f"{verifier.vkey()} ({log_verifier_source()})"
    except Exception as exc:
        report.add("config", _("trust anchor"), str(exc))
        return report
    from sanxiang.record.checkpoints import configured_witnesses

    witnesses = [w.verifier for w in configured_witnesses()]
    head = LogHead.objects.filter(origin=report.origin).first()
    if head is None:
        head = LogHead(origin=report.origin)
    if head.pk and not head.sm3 and LogEntry.objects.filter(log=head, leaf_sm3__isnull=False).exists():
        report.add("tree", _("head"), _("the log keeps SM3 hashes but its head says it has no SM3 tree"))
    elif settings.RECORD_LOG_SM3 and head.pk and not head.sm3:
        report.notes.append(_("SANXIANG_LOG_SM3 is on, but this log was begun without the SM3 tree."))
    targets = _checkpoint_targets(report, head, verifier, witnesses) if head.pk else []
    targets += _anchor_targets(report, verifier, options)
    if head.pk:
        _check_entries(report, head, targets, options)
    else:
        verify_outbox.check_unsequenced(report, head)
        for target in targets:
            report.add(
                "tree", target.where, _("signed at %(signed)d entries but the log is empty") % {"signed": target.size}
            )
    report.unsigned_tail = max(0, report.size - report.latest_checkpoint)
    if options.cases:
        _check_cases(report)
    for _name, check in _EXTRA_CHECKS:
        check(report, options)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def inclusion_for_entry(seq: int) -> dict[str, Any]:
    """``verify --entry``: the entry's body, its inclusion proof and the latest checkpoint, as one bundle."""
    from sanxiang.record.bundles import checkpoint_at_or_after, inclusion_bundle

    checkpoint = checkpoint_at_or_after(seq + 1)
    if checkpoint is None:
        raise LookupError(f"no signed checkpoint covers entry {seq} yet (run `sanxiang checkpoint`)")
    return inclusion_bundle(seq, checkpoint, with_body=True)
