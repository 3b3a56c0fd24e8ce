#!/usr/bin/env python3
"""Standalone verifier of a sanxiang record log: ONE file, standard library and ``cryptography`` only.

This module deliberately imports nothing from Django or the rest of sanxiang, so
that it can be copied alone onto a court expert's or an auditor's laptop and
run there (``pip install cryptography`` is the only requirement). It therefore
duplicates, on purpose, the RFC 9162 Merkle-tree and C2SP signed-note
verification code of ``sanxiang/record/merkle.py`` and ``note.py``: a verifier
that can be read in one sitting is the point. Keep the two in step.

Usage::

    python standalone.py log EXPORT.jsonl --key VKEY [--witness-key VKEY ...] [--min-witnesses K]
                         [--anchor NOTE_FILE ...] [--origin ORIGIN] [--json]
    python standalone.py inclusion BUNDLE.json --key VKEY [--json]
    python standalone.py consistency BUNDLE.json --key VKEY [--json]
    python standalone.py archive DOSSIER.zip --key VKEY [--json]   (a case's archive export)

Exit status: 0 everything verified; 1 a problem was found (each is printed with
where it is: entry seq, checkpoint size, anchor file); 2 the command itself
could not run (unreadable file, malformed key). Trust comes only from the keys on
the command line, never from the files checked.

Formats:

* log export (``sanxiang log_export``), JSON Lines: a header
  ``{"type":"header","format":"sanxiang-log-export/1","origin":O,"size":N,...}``
  (a claim, checked, never trusted), then ``{"type":"entry","seq":i,"body":"<base64>"}``
  in seq order and ``{"type":"checkpoint","note":"<signed note + cosignatures>"}``,
  each checkpoint right after the entry that brings the count to its size (size 0:
  right after the header). A checkpoint met before the count reaches its size is
  held until then (memory grows only with such held checkpoints, never with the
  entries); one met after its size has passed cannot be checked in one pass and
  is reported as a problem.
* inclusion bundle: ``{"format":"sanxiang-inclusion/1","origin":O,"seq":i,
  "leaf_hash":"<b64>","body":"<b64, optional>","size":n,"proof":["<b64>",...],
  "checkpoint":"<signed note>"}``.
* consistency bundle: ``{"format":"sanxiang-consistency/1","old":"<signed note>",
  "new":"<signed note>","proof":["<b64>",...]}``.

Hashing is RFC 9162 §2.1 with SHA-256: leaf = H(0x00 ‖ body), node = H(0x01 ‖ L ‖ R),
empty tree = H(""). Signed notes, checkpoints and cosignatures follow C2SP
signed-note, tlog-checkpoint and tlog-cosignature (Ed25519 types 0x01 and 0x04).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import json
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EXPORT_FORMAT = "sanxiang-log-export/1"
INCLUSION_FORMAT = "sanxiang-inclusion/1"
CONSISTENCY_FORMAT = "sanxiang-consistency/1"
MAX_SKEW_MS = 5000
MAX_PROBLEMS_KEPT = 1000
ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014"


class VerifyError(ValueError):
    """Input that cannot be verified: malformed, or a signature that fails."""


# --- RFC 9162 Merkle tree ------------------------------------------------------------------

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The roots of the perfect subtrees on the right edge (at most 64): constant memory, any size."""

    def __init__(self) -> None:
        self.size = 0
        self._hashes: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        """Add a leaf: merge equal-sized subtrees while the old size's low bits are set (binary carry)."""
        position, current = self.size, leaf
        while position & 1:
            current = node_hash(self._hashes.pop(), current)
            position >>= 1
        self._hashes.append(current)
        self.size += 1

    def root(self) -> bytes:
        """The root of the tree so far: fold the subtrees from the right."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            result = node_hash(left, result)
        return result


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` put ``leaf`` at ``index`` in the tree (size, root)?"""
    if not 0 <= index < size:
        return False
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (old_size, old_root) a prefix of (new_size, new_root)?

    Size 0 needs an empty proof and the empty tree's root; equal sizes need an
    empty proof and equal roots.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- C2SP signed notes and checkpoints ---------------------------------------------------------


def b64decode(text: object, what: str, length: int | None = None) -> bytes:
    """Strict, canonical base64 (one encoding per value), optionally of an exact length."""
    if not isinstance(text, str):
        raise VerifyError(f"{what} is not a base64 string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VerifyError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode() != text:
        raise VerifyError(f"{what} is not canonical base64")
    if length is not None and len(raw) != length:
        raise VerifyError(f"{what} has {len(raw)} bytes, not {length}")
    return raw


def _key_id(name: str, alg: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A verifier key ``<name>+<hex key id>+<base64(type ‖ Ed25519 public key)>``."""

    name: str
    key_id: bytes
    alg: int
    public_key: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not parts[0] or any(ch.isspace() for ch in parts[0]):
            raise VerifyError("a verifier key is <name>+<hex key id>+<base64 key>")
        name, hex_id, b64 = parts
        raw = b64decode(b64, "the key", 33)
        if raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise VerifyError("only Ed25519 (0x01) and cosignature (0x04) keys are supported")
        if _key_id(name, raw[0], raw[1:]).hex() != hex_id.lower():
            raise VerifyError("the key id does not match the key")
        return cls(name, bytes.fromhex(hex_id), raw[0], Ed25519PublicKey.from_public_bytes(raw[1:]))

    def verifies(self, blob: bytes, text: str) -> bool:
        """Does ``blob`` (a signature line's bytes after the key id) sign ``text`` with this key?"""
        if self.alg == ALG_ED25519:
            message, signature = text.encode(), blob
            if len(blob) != 64:
                return False
        else:
            if len(blob) != 72:
                return False
            timestamp = struct.unpack(">Q", blob[:8])[0]
            message, signature = f"cosignature/v1\ntime {timestamp}\n{text}".encode(), blob[8:]
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class SignatureLine(NamedTuple):
    name: str
    key_id: bytes
    blob: bytes


class Checkpoint(NamedTuple):
    origin: str
    size: int
    root: bytes


def parse_note(note: str) -> tuple[str, list[SignatureLine]]:
    """Split a signed note into its text and signature lines; nothing is verified yet."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise VerifyError("a signed note is text, a blank line and signature lines")
    text, block = note[: split + 1], note[split + 2 :]
    if "\n\n" in text or "\r" in text or any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise VerifyError("the note's text has a blank line or a control character")
    signatures = []
    for line in block.splitlines():
        fields = line.removeprefix(EM_DASH + " ").split(" ")
        if not line.startswith(EM_DASH + " ") or len(fields) != 2:
            raise VerifyError("a signature line is '— <name> <base64>'")
        raw = b64decode(fields[1], "a signature")
        if len(raw) < 5:
            raise VerifyError("a signature is too short")
        signatures.append(SignatureLine(fields[0], raw[:4], raw[4:]))
    if not signatures:
        raise VerifyError("the note has no signature")
    return text, signatures


def parse_checkpoint(text: str) -> Checkpoint:
    """Origin, decimal size (no leading zeros) and base64 root, one per line (extension lines allowed)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise VerifyError("a checkpoint is origin, size and root hash, one per line")
    size = lines[1]
    if not (size.isascii() and size.isdigit()) or (size != "0" and size.startswith("0")):
        raise VerifyError("a checkpoint's size is a decimal number without leading zeros")
    return Checkpoint(lines[0], int(size), b64decode(lines[2], "the root hash", 32))


@dataclass
class SignedCheckpoint:
    """A checkpoint whose log signature verified, and the witnesses whose cosignatures verified."""

    checkpoint: Checkpoint
    witnesses: dict[str, int | None] = field(default_factory=dict)  # witness name -> cosignature time
    bad_cosignatures: list[str] = field(default_factory=list)


def open_checkpoint(note: str, key: Verifier, witness_keys: Sequence[Verifier] = ()) -> SignedCheckpoint:
    """Verify a checkpoint note: it must carry a valid signature by ``key``; count valid cosignatures.

    Signatures by unknown keys are ignored; a signature that names ``key`` and
    does not verify is an error (``VerifyError``), as is a note without one.
    """
    text, signatures = parse_note(note)
    checkpoint = parse_checkpoint(text)
    result = SignedCheckpoint(checkpoint)
    signed = False
    for sig in signatures:
        if (sig.name, sig.key_id) == (key.name, key.key_id):
            if not key.verifies(sig.blob, text):
                raise VerifyError(f"the signature of {key.name} does not verify")
            signed = True
        for witness in witness_keys:
            if (sig.name, sig.key_id) != (witness.name, witness.key_id):
                continue
            if witness.verifies(sig.blob, text):
                result.witnesses[witness.name] = struct.unpack(">Q", sig.blob[:8])[0] if len(sig.blob) == 72 else None
            else:
                result.bad_cosignatures.append(f"the cosignature of witness {witness.name} does not verify")
    if not signed:
        raise VerifyError(f"the note has no signature by {key.name}")
    return result


# --- Reports -----------------------------------------------------------------------------------


class Problem(NamedTuple):
    where: str
    message: str


@dataclass
class Report:
    """What a check found: problems (exit 1), warnings (reported, exit 0) and facts for the JSON report."""

    command: str
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    warnings: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    def problem(self, where: str, message: str) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:  # a ruined log must not exhaust memory with messages
            self.problems.append(Problem(where, message))

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "ok": self.ok,
            **self.facts,
            "problems": [p._asdict() for p in self.problems],
            "problems_total": self.problems_total,
            "warnings": self.warnings,
        }

    def write_text(self, out: IO[str]) -> None:
        for problem in self.problems:
            out.write(f"FAIL {problem.where}: {problem.message}\n")
        if self.problems_total > len(self.problems):
            out.write(f"FAIL ... and {self.problems_total - len(self.problems)} more problems\n")
        for warning in self.warnings:
            out.write(f"WARN {warning}\n")
        summary = ", ".join(f"{k} {v}" for k, v in self.facts.items() if not isinstance(v, dict | list))
        verdict = "OK" if self.ok else f"FAILED with {self.problems_total} problem(s)"
        out.write(f"{self.command}: {verdict}" + (f" ({summary})" if summary else "") + "\n")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- The log export ------------------------------------------------------------------------------


class _Claim(NamedTuple):
    """A signed (size, root) to compare with the recomputed tree when the count reaches ``size``."""

    where: str
    size: int
    root: bytes
    witnesses: int
    is_anchor: bool


class _LogCheck:
    """One streaming pass over an export: a frontier, a few counters and the claims not yet reached."""

    def __init__(self, key: Verifier, witness_keys: Sequence[Verifier], origin: str | None, report: Report) -> None:
        self.key, self.witness_keys, self.origin, self.report = key, witness_keys, origin, report
        self.frontier = Frontier()
        self.expected_seq = 0
        self.max_ts: int | None = None
        self.pending: dict[int, list[_Claim]] = {}
        self.header_size: int | None = None
        self.verified_checkpoints = 0
        self.latest: tuple[int, bytes, dict[str, int | None]] | None = None
        self.covered = 0  # leaves vouched for by a checkpoint whose root matched
        self.tail_first_ts: int | None = None

    # Header ------------------------------------------------------------------

    def header(self, obj: dict[str, Any]) -> bool:
        if obj.get("type") != "header" or obj.get("format") != EXPORT_FORMAT:
            self.report.problem("line 1", f"not a {EXPORT_FORMAT} header; nothing else is checked")
            return False
        origin, size = obj.get("origin"), obj.get("size")
        if self.origin is None:
            if not isinstance(origin, str) or not origin:
                self.report.problem("line 1", "the header names no origin (pass --origin)")
                return False
            self.origin = origin
        elif origin != self.origin:
            self.report.problem("export", f"the header's origin {origin!r} is not {self.origin!r}")
        self.header_size = size if type(size) is int else None
        return True

    # Entries -----------------------------------------------------------------

    def entry(self, line_no: int, obj: dict[str, Any]) -> None:
        seq = obj.get("seq")
        if type(seq) is not int:
            self.report.problem(f"line {line_no}", "an entry without an integer seq; the tree breaks here")
            return
        self._check_seq(seq)
        try:
            body = b64decode(obj.get("body"), "the body")
        except VerifyError as exc:
            self.report.problem(f"entry {seq}", f"{exc}; the tree breaks here")
            return
        if self.frontier.size == self.covered:
            self.tail_first_ts = None
        self._check_body(seq, body)
        self.frontier.append(leaf_hash(body))
        self._reach(self.frontier.size)

    def _check_seq(self, seq: int) -> None:
        if seq > self.expected_seq:
            missing = f"{self.expected_seq}" if seq == self.expected_seq + 1 else f"{self.expected_seq}..{seq - 1}"
            self.report.problem(f"entry {self.expected_seq}", f"gap: entry {missing} missing before entry {seq}")
        elif seq < self.expected_seq:
            self.report.problem(f"entry {seq}", f"duplicate or out of order (entry {self.expected_seq} expected)")
        self.expected_seq = max(self.expected_seq, seq + 1)

    def _check_body(self, seq: int, body: bytes) -> None:
        where = f"entry {seq}"
        try:
            value = json.loads(body)
        except ValueError:
            self.report.problem(where, "the body is not JSON")
            return
        if not isinstance(value, dict):
            self.report.problem(where, "the body is not a JSON object")
            return
        if type(value.get("seq")) is not int or value["seq"] != seq:
            self.report.problem(where, f"the body's seq is {value.get('seq')!r}, not {seq}")
        if value.get("log") != self.origin:
            self.report.problem(where, f"the body's log is {value.get('log')!r}, not {self.origin!r}")
        self._check_ts(where, value.get("ts"))

    def _check_ts(self, where: str, ts: object) -> None:
        if type(ts) is not int:
            self.report.problem(where, "the body has no integer ts")
            return
        if self.max_ts is not None and ts < self.max_ts - MAX_SKEW_MS:
            self.report.problem(where, f"ts {ts} is {self.max_ts - ts} ms before an earlier entry's")
        self.max_ts = ts if self.max_ts is None else max(self.max_ts, ts)
        if self.tail_first_ts is None:
            self.tail_first_ts = ts

    # Checkpoints and anchors -------------------------------------------------------

    def checkpoint(self, line_no: int, obj: dict[str, Any]) -> None:
        note = obj.get("note")
        where = f"checkpoint at line {line_no}"
        try:
            if not isinstance(note, str):
                raise VerifyError("a checkpoint line without a note")
            where = f"checkpoint {parse_checkpoint(parse_note(note)[0]).size}"
            signed = open_checkpoint(note, self.key, self.witness_keys)
        except VerifyError as exc:
            self.report.problem(where, str(exc))
            return
        for message in signed.bad_cosignatures:
            self.report.problem(where, message)
        checkpoint = signed.checkpoint
        if checkpoint.origin != self.origin:
            self.report.problem(where, f"origin {checkpoint.origin!r}, not {self.origin!r}")
            return
        self.verified_checkpoints += 1
        self._note_latest(checkpoint, signed.witnesses)
        self._claim(_Claim(where, checkpoint.size, checkpoint.root, len(signed.witnesses), False))

    def _note_latest(self, checkpoint: Checkpoint, witnesses: dict[str, int | None]) -> None:
        if self.latest is None or (checkpoint.size, len(witnesses)) > (self.latest[0], len(self.latest[2])):
            self.latest = (checkpoint.size, checkpoint.root, witnesses)

    def anchor(self, label: str, note: str) -> None:
        """An external checkpoint (witness, WORM, paper register): signed by the log key, compared like the others."""
        try:
            signed = open_checkpoint(note, self.key, self.witness_keys)
        except VerifyError as exc:
            self.report.problem(f"anchor {label}", str(exc))
            return
        checkpoint = signed.checkpoint
        where = f"anchor {label} (checkpoint {checkpoint.size})"
        if self.origin is not None and checkpoint.origin != self.origin:
            self.report.problem(where, f"origin {checkpoint.origin!r}, not {self.origin!r}")
            return
        self._claim(_Claim(where, checkpoint.size, checkpoint.root, len(signed.witnesses), True))

    def _claim(self, claim: _Claim) -> None:
        if claim.size > self.frontier.size:
            self.pending.setdefault(claim.size, []).append(claim)
        elif claim.size == self.frontier.size:
            self._compare(claim, self.frontier.root())
        else:
            self.report.problem(
                claim.where,
                f"appears after entry {self.frontier.size - 1}: the export format puts each checkpoint right after "
                "the entry that completes its size, so this one cannot be checked in one pass",
            )

    def _reach(self, size: int) -> None:
        for claim in self.pending.pop(size, []):
            self._compare(claim, self.frontier.root())

    def _compare(self, claim: _Claim, root: bytes) -> None:
        if claim.root != root:
            what = "history differs from this externally held checkpoint" if claim.is_anchor else "root differs"
            since = ""
            if not claim.is_anchor and self.covered < claim.size:  # the earlier checkpoints vouch for the rest
                since = f"; a change among entries {self.covered}..{claim.size - 1}"
            self.report.problem(claim.where, f"{what}: signed {_b64(claim.root)}, recomputed {_b64(root)}{since}")
        elif not claim.is_anchor:
            self.covered = max(self.covered, claim.size)

    # End ---------------------------------------------------------------------------

    def finish(self, min_witnesses: int) -> None:
        size, report = self.frontier.size, self.report
        for claim_size in sorted(self.pending):
            for claim in self.pending[claim_size]:
                kind = "the log was truncated" if claim.is_anchor else "entries are missing (truncated)"
                report.problem(claim.where, f"size {claim_size} but the export has {size} entries: {kind}")
        if self.header_size is not None and self.header_size != size:
            report.problem("export", f"the header says {self.header_size} entries, the file has {size}")
        if size and not self.verified_checkpoints:
            report.problem("export", "no checkpoint signed by the key: nothing in this export is vouched for")
        self._check_witnesses(min_witnesses)
        if self.covered < size:
            since = _iso_ms(self.tail_first_ts)
            report.warnings.append(f"entries {self.covered}..{size - 1} are in no checkpoint yet (first at {since})")
        self._facts()

    def _check_witnesses(self, min_witnesses: int) -> None:
        if min_witnesses and self.latest is None:
            self.report.problem("export", f"no checkpoint, so not the {min_witnesses} witness(es) required")
        elif self.latest is not None and len(self.latest[2]) < min_witnesses:
            have = len(self.latest[2])
            self.report.problem(
                f"checkpoint {self.latest[0]}", f"{have} witness cosignature(s), {min_witnesses} needed"
            )

    def _facts(self) -> None:
        latest = None
        if self.latest is not None:
            latest = {"size": self.latest[0], "root": _b64(self.latest[1]), "witnesses": self.latest[2]}
        self.report.facts.update(
            origin=self.origin,
            entries=self.frontier.size,
            root=_b64(self.frontier.root()),
            checkpoints=self.verified_checkpoints,
            covered=self.covered,
            latest_checkpoint=latest,
        )


def _iso_ms(ms: int | None) -> str:
    if ms is None:
        return "unknown time"
    try:
        return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).isoformat(timespec="seconds")
    except (OverflowError, ValueError, OSError):
        return f"ts {ms}"


def verify_log(
    lines: Iterable[bytes | str],
    key: Verifier,
    *,
    witness_keys: Sequence[Verifier] = (),
    min_witnesses: int = 0,
    anchors: Sequence[tuple[str, str]] = (),
    origin: str | None = None,
) -> Report:
    """Check a log export streamed line by line; ``anchors`` are (label, signed note) pairs.

    Memory is constant in the number of entries: a frontier of at most 64
    hashes plus the claims (checkpoints, anchors) whose size is not reached yet.
    """
    report = Report("log")
    check = _LogCheck(key, witness_keys, origin, report)
    started = False
    for line_no, raw in enumerate(lines, start=1):
        obj = _json_line(report, line_no, raw)
        if obj is None:
            if line_no == 1:
                break
            continue
        if line_no == 1:
            if not check.header(obj):
                break
            started = True
            for label, note in anchors:
                check.anchor(label, note)
        elif obj.get("type") == "entry":
            check.entry(line_no, obj)
        elif obj.get("type") == "checkpoint":
            check.checkpoint(line_no, obj)
        else:
            report.problem(f"line {line_no}", f"unknown line type {obj.get('type')!r}")
    if not started:
        if report.problems_total == 0:
            report.problem("export", "the export is empty")
        return report
    check.finish(min_witnesses)
    return report


def _json_line(report: Report, line_no: int, raw: bytes | str) -> dict[str, Any] | None:
    try:
        obj = json.loads(raw)
    except ValueError:
        report.problem(f"line {line_no}", "not a JSON line")
        return None
    if not isinstance(obj, dict):
        report.problem(f"line {line_no}", "not a JSON object")
        return None
    return obj


# --- Bundles -------------------------------------------------------------------------------------


def _proof(value: object) -> list[bytes]:
    if not isinstance(value, list) or len(value) > 128:
        raise VerifyError("the proof is a list of base64 hashes")
    return [b64decode(item, f"proof[{i}]", 32) for i, item in enumerate(value)]


def _integer(bundle: dict[str, Any], name: str) -> int:
    value = bundle.get(name)
    if type(value) is not int or value < 0:
        raise VerifyError(f"{name} is not a non-negative integer")
    return value


def verify_inclusion_bundle(bundle: object, key: Verifier) -> Report:
    """Check that entry ``seq`` (its leaf hash, and its body if given) is in the signed checkpoint."""
    report = Report("inclusion")
    try:
        _inclusion(bundle, key, report)
    except VerifyError as exc:
        report.problem("bundle", str(exc))
    return report


def _inclusion(bundle: object, key: Verifier, report: Report) -> None:
    if not isinstance(bundle, dict) or bundle.get("format") != INCLUSION_FORMAT:
        raise VerifyError(f"not a {INCLUSION_FORMAT} bundle")
    seq, size = _integer(bundle, "seq"), _integer(bundle, "size")
    leaf = b64decode(bundle.get("leaf_hash"), "leaf_hash", 32)
    proof = _proof(bundle.get("proof"))
    where = f"entry {seq}"
    report.facts.update(origin=bundle.get("origin"), seq=seq, size=size, leaf_hash=_b64(leaf))
    if bundle.get("body") is not None:
        _check_bundle_body(report, where, b64decode(bundle["body"], "body"), leaf, seq, bundle.get("origin"))
    note = bundle.get("checkpoint")
    if not isinstance(note, str):
        raise VerifyError("the bundle has no checkpoint note")
    checkpoint = open_checkpoint(note, key).checkpoint
    if checkpoint.origin != bundle.get("origin"):
        report.problem(f"checkpoint {checkpoint.size}", f"origin {checkpoint.origin!r}, not {bundle.get('origin')!r}")
    if checkpoint.size != size:
        report.problem(f"checkpoint {checkpoint.size}", f"the bundle says size {size}")
    elif not verify_inclusion(leaf, seq, size, proof, checkpoint.root):
        report.problem(where, f"the inclusion proof does not lead to the root of checkpoint {size}")


def _check_bundle_body(report: Report, where: str, body: bytes, leaf: bytes, seq: int, origin: object) -> None:
    if leaf_hash(body) != leaf:
        report.problem(where, "the body's leaf hash is not leaf_hash")
    try:
        value = json.loads(body)
    except ValueError:
        value = None
    if isinstance(value, dict) and (value.get("seq") != seq or value.get("log") != origin):
        report.problem(where, f"the body names log {value.get('log')!r} seq {value.get('seq')!r}")


def verify_consistency_bundle(bundle: object, key: Verifier) -> Report:
    """Check that the old signed checkpoint's tree is a prefix of the new one's."""
    report = Report("consistency")
    try:
        _consistency(bundle, key, report)
    except VerifyError as exc:
        report.problem("bundle", str(exc))
    return report


def _consistency(bundle: object, key: Verifier, report: Report) -> None:
    if not isinstance(bundle, dict) or bundle.get("format") != CONSISTENCY_FORMAT:
        raise VerifyError(f"not a {CONSISTENCY_FORMAT} bundle")
    notes = {name: bundle.get(name) for name in ("old", "new")}
    checkpoints: dict[str, Checkpoint] = {}
    for name, note in notes.items():
        if not isinstance(note, str):
            raise VerifyError(f"the bundle has no {name} checkpoint note")
        try:
            checkpoints[name] = open_checkpoint(note, key).checkpoint
        except VerifyError as exc:
            raise VerifyError(f"{name} checkpoint: {exc}") from None
    old, new = checkpoints["old"], checkpoints["new"]
    proof = _proof(bundle.get("proof"))
    report.facts.update(origin=new.origin, old_size=old.size, new_size=new.size)
    where = f"checkpoints {old.size} -> {new.size}"
    if old.origin != new.origin:
        report.problem(where, f"different origins {old.origin!r} and {new.origin!r}")
    elif old.size > new.size:
        report.problem(where, "the old checkpoint is larger than the new one")
    elif not verify_consistency(old.size, new.size, old.root, new.root, proof):
        report.problem(where, "the consistency proof does not verify: the new tree does not extend the old one")


# --- Archive export (sanxiang-dossier/1, written by sanxiang.documents.export) ---------------------

DOSSIER_FORMAT = "sanxiang-dossier/1"
DOSSIER_FIXED = ("manifest.json", "checkpoint.txt", "log/export.json")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _zip_members(archive: Any, report: Report) -> dict[str, bytes]:
    """Every member's bytes (CRC-checked by zipfile); fixed timestamps and no duplicate names."""
    members: dict[str, bytes] = {}
    for info in archive.infolist():
        if info.filename in members:
            report.problem(info.filename, "appears twice in the ZIP")
        if info.date_time != ZIP_TIME or info.comment or info.extra:
            report.problem(info.filename, "member header changed (timestamp, comment or extra field)")
        try:
            members[info.filename] = archive.read(info)
        except Exception as exc:  # zipfile.BadZipFile on a CRC mismatch, zlib.error on broken data
            report.problem(info.filename, f"unreadable: {exc}")
    if archive.comment:
        report.problem("zip", "the archive has a comment")
    return members


def _archive_bundle(members: dict[str, bytes], name: str, key: Verifier, note: str, report: Report) -> dict[str, Any]:
    """Verify the inclusion bundle ``name`` against ``checkpoint.txt``; return its entry body (or {})."""
    try:
        bundle = json.loads(members[name])
    except (KeyError, ValueError):
        report.problem(name, "missing or not JSON")
        return {}
    sub = verify_inclusion_bundle(bundle, key)
    for problem in sub.problems:
        report.problem(f"{name} {problem.where}", problem.message)
    if bundle.get("checkpoint") != note:
        report.problem(name, "leads to another checkpoint than checkpoint.txt")
    try:
        body = json.loads(b64decode(bundle.get("body"), "body"))
    except (VerifyError, ValueError):
        report.problem(name, "has no entry body")
        return {}
    return body if isinstance(body, dict) else {}


def _archive_files(manifest: dict[str, Any], members: dict[str, bytes], report: Report) -> None:
    listed = set()
    for item in manifest.get("files", []):
        path = item.get("path")
        listed.add(path)
        data = members.get(path)
        if data is None:
            report.problem(str(path), "listed in the manifest but missing")
        elif hashlib.sha256(data).hexdigest() != item.get("sha256") or len(data) != item.get("size"):
            report.problem(str(path), "its SHA-256 or size differs from the manifest")
    bundles = {f"log/{seq}.json" for seq in manifest.get("log_entries", [])}
    for name in members:
        if name not in listed and name not in bundles and name not in DOSSIER_FIXED:
            report.problem(name, "not listed in the manifest")


def _archive_documents(
    manifest: dict[str, Any], members: dict[str, bytes], key: Verifier, note: str, report: Report
) -> None:
    for seq in manifest.get("log_entries", []):
        _archive_bundle(members, f"log/{seq}.json", key, note, report)
    for doc in manifest.get("documents", []):
        body = _archive_bundle(members, f"log/{doc.get('log_seq')}.json", key, note, report)
        if body.get("kind") != "documents.issue" or body.get("data", {}).get("sha256") != doc.get("sha256"):
            report.problem(str(doc.get("path")), "the log entry does not state this document's SHA-256")


def verify_archive(path: str, key: Verifier) -> Report:
    """Check a dossier export: checkpoint signature, every proof, the manifest against the log, every file."""
    import zipfile

    report = Report("archive")
    try:
        with zipfile.ZipFile(path) as archive:
            members = _zip_members(archive, report)
    except (OSError, zipfile.BadZipFile) as exc:
        report.problem("zip", f"not a readable ZIP: {exc}")
        return report
    try:
        note = members["checkpoint.txt"].decode("utf-8")
        checkpoint = open_checkpoint(note, key).checkpoint
        manifest = json.loads(members["manifest.json"])
    except (KeyError, UnicodeDecodeError, ValueError) as exc:
        report.problem("archive", f"checkpoint or manifest missing or invalid: {exc}")
        return report
    if not isinstance(manifest, dict) or manifest.get("format") != DOSSIER_FORMAT:
        report.problem("manifest.json", f"not a {DOSSIER_FORMAT} manifest")
        return report
    export = _archive_bundle(members, "log/export.json", key, note, report)
    if (
        export.get("kind") != "documents.export"
        or export.get("data", {}).get("manifest_sha256") != hashlib.sha256(members["manifest.json"]).hexdigest()
    ):
        report.problem("manifest.json", "its SHA-256 is not the one the log's export entry states")
    _archive_files(manifest, members, report)
    _archive_documents(manifest, members, key, note, report)
    report.facts.update(origin=checkpoint.origin, size=checkpoint.size, case=manifest.get("case_id"),
                        documents=len(manifest.get("documents", [])), files=len(manifest.get("files", [])))  # fmt: skip
    return report


# --- Command line ---------------------------------------------------------------------------------


class UsageError(Exception):
    """The command cannot run (exit 2): a key or a file given on the command line is unusable."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="standalone.py", description="Verify a sanxiang record log export, inclusion or consistency bundle."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="Check a whole log export (JSON Lines, '-' for stdin)")
    log.add_argument("export")
    log.add_argument("--witness-key", action="append", default=[], help="A witness's verifier key (repeat)")
    log.add_argument("--min-witnesses", type=int, default=0, help="Cosignatures required on the latest checkpoint")
    log.add_argument("--anchor", action="append", default=[], help="A checkpoint note held outside the platform")
    log.add_argument(
        "--origin", help="The log's origin (default: the export header's, checked against the checkpoints)"
    )
    commands.add_parser("archive", help="Check a dossier export ZIP (sanxiang-dossier/1)").add_argument("export")
    for name in ("inclusion", "consistency"):
        commands.add_parser(name, help=f"Check a sanxiang-{name}/1 bundle").add_argument("bundle")
    for sub in commands.choices.values():
        sub.add_argument("--key", required=True, help="The log's verifier key (vkey)")
        sub.add_argument("--json", action="store_true", help="Print a JSON report")
    return parser


def _verifier(vkey: str, option: str) -> Verifier:
    try:
        return Verifier.parse(vkey)
    except VerifyError as exc:
        raise UsageError(f"{option} {vkey!r}: {exc}") from None


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


def _run_log(args: argparse.Namespace, key: Verifier) -> Report:
    witnesses = [_verifier(v, "--witness-key") for v in args.witness_key]
    anchors = [(path, _read_text(path)) for path in args.anchor]
    options: dict[str, Any] = {"witness_keys": witnesses, "min_witnesses": args.min_witnesses}
    if args.export == "-":
        return verify_log(sys.stdin.buffer, key, anchors=anchors, origin=args.origin, **options)
    try:
        with open(args.export, "rb") as handle:
            return verify_log(handle, key, anchors=anchors, origin=args.origin, **options)
    except OSError as exc:
        raise UsageError(f"cannot read {args.export}: {exc}") from None


def _run_bundle(args: argparse.Namespace, key: Verifier) -> Report:
    check = verify_inclusion_bundle if args.command == "inclusion" else verify_consistency_bundle
    try:
        bundle = json.loads(_read_text(args.bundle))
    except ValueError:
        report = Report(args.command)
        report.problem("bundle", "not a JSON file")
        return report
    return check(bundle, key)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status (0 verified, 1 problems, 2 usage error)."""
    args = _parser().parse_args(argv)
    try:
        key = _verifier(args.key, "--key")
        if key.alg != ALG_ED25519:
            raise UsageError("--key is a log key (Ed25519, type 0x01), not a witness key")
        if args.command == "archive":
            report = verify_archive(args.export, key)
        else:
            report = _run_log(args, key) if args.command == "log" else _run_bundle(args, key)
    except UsageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        report.write_text(sys.stdout)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
