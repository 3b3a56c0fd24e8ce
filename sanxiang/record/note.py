"""Signed notes, checkpoints and witness cosignatures (C2SP signed-note, tlog-checkpoint, tlog-cosignature).

Written from the specifications (https://c2sp.org/signed-note, /tlog-checkpoint,
/tlog-cosignature) and tested against the Go reference implementation's
published vectors, so that any Go-ecosystem verifier or witness accepts our
checkpoints and we accept theirs. Only the standard library and
``cryptography`` are imported: the witness and the standalone verifier use it
outside the platform.

* A note is UTF-8 text ending in a newline, a blank line, then one line per
  signature: ``— <name> <base64(key id ‖ signature)>``.
* Ed25519 keys (type 0x01): key id = SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)[:4];
  verifier key ``<name>+<hex id>+<base64(0x01 ‖ public key)>``, signer key
  ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>``.
* Cosignatures (type 0x04, timestamped Ed25519): the signature covers
  ``cosignature/v1\\ntime <t>\\n`` ‖ checkpoint text and carries
  key id ‖ t (8 bytes, big-endian) ‖ signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100
EM_DASH = "\u2014"


class NoteError(ValueError):
    """A malformed note or key, or a signature that does not verify."""


def _key_id(name: str, alg: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(ch.isspace() for ch in name) or "+" in name:
        raise NoteError(f"invalid key name {name!r}")
    return name


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _b64decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("invalid base64") from exc
    if base64.b64encode(raw).decode() != text:  # one encoding per value, as Go's decoder insists
        raise NoteError("non-canonical base64")
    return raw


@dataclass(frozen=True)
class Verifier:
    """A public key that checks signature lines of one name and key id."""

    name: str
    key_id: bytes
    alg: int
    public_key: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Read ``<name>+<hex id>+<base64(type ‖ key)>`` (type 0x01 Ed25519 or 0x04 cosignature)."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key is <name>+<hex key id>+<base64 key>")
        name, hex_id, b64 = parts
        _check_name(name)
        if len(hex_id) != 8:
            raise NoteError("the key id is 8 hex digits")
        try:
            key_id = bytes.fromhex(hex_id)
        except ValueError as exc:
            raise NoteError("the key id is 8 hex digits") from exc
        raw = _b64decode(b64)
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("only Ed25519 (0x01) and cosignature (0x04) keys are supported")
        if _key_id(name, raw[0], raw[1:]) != key_id:
            raise NoteError("the key id does not match the key")
        return cls(name, key_id, raw[0], Ed25519PublicKey.from_public_bytes(raw[1:]))

    def vkey(self) -> str:
        raw = bytes([self.alg]) + _raw_public(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode()}"


@dataclass(frozen=True)
class Signer:
    """A private Ed25519 key with its name; ``alg`` 0x01 signs notes, 0x04 cosigns checkpoints."""

    name: str
    private_key: Ed25519PrivateKey
    alg: int = ALG_ED25519

    @classmethod
    def generate(cls, name: str, alg: int = ALG_ED25519) -> Signer:
        return cls(_check_name(name), Ed25519PrivateKey.generate(), alg)

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """Read ``PRIVATE+KEY+<name>+<hex id>+<base64(type ‖ seed)>``."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is PRIVATE+KEY+<name>+<hex key id>+<base64 key>")
        name, hex_id, b64 = parts[2:]
        raw = _b64decode(b64)
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("only Ed25519 (0x01) and cosignature (0x04) keys are supported")
        signer = cls(_check_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]), raw[0])
        if signer.key_id.hex() != hex_id.lower():
            raise NoteError("the key id does not match the key")
        return signer

    @property
    def public_raw(self) -> bytes:
        return _raw_public(self.private_key.public_key())

    @property
    def key_id(self) -> bytes:
        return _key_id(self.name, self.alg, self.public_raw)

    def skey(self) -> str:
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([self.alg]) + seed).decode()}"

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_id, self.alg, self.private_key.public_key())

    def vkey(self) -> str:
        return self.verifier().vkey()


@dataclass(frozen=True)
class Signature:
    """One signature line: the signer's name, key id and the signature bytes after it."""

    name: str
    key_id: bytes
    blob: bytes  # the signature (for 0x04: timestamp ‖ signature)

    def line(self) -> str:
        return f"{EM_DASH} {self.name} {base64.b64encode(self.key_id + self.blob).decode()}\n"

    @property
    def timestamp(self) -> int | None:
        """The cosignature time (seconds since the epoch) when this is a 0x04 signature, else None."""
        return struct.unpack(">Q", self.blob[:8])[0] if len(self.blob) == 72 else None


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if "\n\n" in text:
        raise NoteError("a note's text has no blank line")
    if "\r" in text or any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise NoteError("a note's text has no control characters")


def sign_note(text: str, *signers: Signer) -> str:
    """The signed note: ``text``, a blank line, one Ed25519 signature line per signer."""
    _check_text(text)
    lines = []
    for signer in signers:
        if signer.alg != ALG_ED25519:
            raise NoteError("sign notes with an Ed25519 (0x01) key; cosign checkpoints with cosign()")
        lines.append(Signature(signer.name, signer.key_id, signer.private_key.sign(text.encode())).line())
    return text + "\n" + "".join(lines)


def parse_note(note: str) -> tuple[str, list[Signature]]:
    """Split a note into its text and its signature lines (nothing verified yet)."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("a note is text, a blank line and signature lines")
    text, block = note[: split + 1], note[split + 2 :]
    _check_text(text)
    signatures = []
    for line in block.splitlines():
        prefix = EM_DASH + " "
        if not line.startswith(prefix):
            raise NoteError("a signature line starts with an em dash and a space")
        fields = line[len(prefix) :].split(" ")
        if len(fields) != 2:
            raise NoteError("a signature line is “— <name> <base64>”")
        name, b64 = fields
        raw = _b64decode(b64)
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append(Signature(_check_name(name), raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("a note has at least one signature")
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError("too many signatures")
    return text, signatures


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


def _verifies(verifier: Verifier, sig: Signature, text: str) -> bool:
    try:
        if verifier.alg == ALG_ED25519:
            if len(sig.blob) != 64:
                return False
            verifier.public_key.verify(sig.blob, text.encode())
        else:
            if len(sig.blob) != 72:
                return False
            timestamp = struct.unpack(">Q", sig.blob[:8])[0]
            verifier.public_key.verify(sig.blob[8:], cosignature_message(text, timestamp))
    except InvalidSignature:
        return False
    return True


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[tuple[Verifier, Signature]]]:
    """Verify ``note`` against known keys: the text and the (verifier, signature) pairs that verified.

    As the reference implementation does: signatures by unknown keys are
    ignored; a signature by a known name and key id that does not verify is an
    error; a note with no verified signature is an error.
    """
    text, signatures = parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[tuple[Verifier, Signature]] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not _verifies(verifier, sig, text):
            raise NoteError(f"the signature of {sig.name} does not verify")
        verified.append((verifier, sig))
    if not verified:
        raise NoteError("no signature by a known key")
    return text, verified


def cosign(signer: Signer, text: str, timestamp: int) -> Signature:
    """A witness's timestamped cosignature (tlog-cosignature, type 0x04) over a checkpoint's text."""
    if signer.alg != ALG_COSIGNATURE_V1:
        raise NoteError("cosign with a cosignature (0x04) key")
    _check_text(text)
    blob = struct.pack(">Q", timestamp) + signer.private_key.sign(cosignature_message(text, timestamp))
    return Signature(signer.name, signer.key_id, blob)


# --- Checkpoints (C2SP tlog-checkpoint) -------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint body: origin, decimal size, base64 root hash, then optional extension lines."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint is origin, size and root hash, one per line")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin:
        raise NoteError("a checkpoint names its origin")
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")) or not size_text.isascii():
        raise NoteError("a checkpoint's size is a decimal number without leading zeros")
    root = _b64decode(root_text)
    if len(root) != 32:
        raise NoteError("a checkpoint's root hash has 32 bytes")
    return Checkpoint(origin, int(size_text), root, tuple(lines[3:-1]))


def open_checkpoint(note: str, verifier: Verifier) -> tuple[Checkpoint, list[tuple[Verifier, Signature]]]:
    """Verify a signed checkpoint by the log's key; the checkpoint and the verified signatures."""
    text, verified = open_note(note, [verifier])
    return parse_checkpoint(text), verified


def add_signature_lines(note: str, signatures: list[Signature]) -> str:
    """The note with more signature lines (cosignatures) appended, skipping ones already present."""
    _, present = parse_note(note)
    lines = [s.line() for s in signatures if s not in present]
    return note + "".join(lines)
