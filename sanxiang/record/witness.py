"""A checkpoint witness (C2SP tlog-witness v1, RECORD-LOG.md §6) that another unit runs on its own machine.

Why it exists: a key-holding insider can rewrite the log and re-sign every
checkpoint. A witness outside their control remembers the last (size, root) it
cosigned for each log and cosigns a new checkpoint only if an RFC 9162
consistency proof shows that the old tree is a prefix of the new one, so a
rewritten or forked history can no longer collect the witness's cosignature,
and the witness's stored checkpoint is an external anchor for ``verify``.

No database and no Django: the state is one JSON file in the witness directory,
the key another file, and the HTTP server is the standard library's. Only the
standard library, ``cryptography`` (through ``note``) and ``merkle`` are used.

Directory layout (``--dir``):

* ``witness.key``: the cosignature (0x04) signer key, mode 0600, written once;
* ``state.json``: ``{"format": "sanxiang-witness-state/1", "logs": {origin: {"size",
  "root" (base64), "note" (as received), "cosignature" (the line returned),
  "accepted_at" (seconds)}}}``, replaced atomically (tmp + fsync + rename);
* ``state.lock``: the ``flock`` that serialises check-and-persist across threads and processes.

Protocol (``POST /add-checkpoint``): the body is ``old <size>\\n``, one base64
consistency-proof hash per line, a blank line, then the signed checkpoint note.
Answers, in the order the specification checks them: 400 malformed, 404 unknown
origin, 403 no valid signature by a configured log key, 400 old size larger than
the checkpoint's, 409 (body ``<recorded size>\\n``, ``text/x.tlog.size``) when the
old size is not the recorded one, 422 when the proof does not verify (also a
same-size checkpoint with another root, and a size-0 checkpoint whose root is not
the empty tree's, as the current editor's draft says), else the new state is
persisted and 200 carries the cosignature line. ``GET /checkpoint?origin=O`` returns
the last accepted note with the witness's cosignature appended, or 404.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from sanxiang.record import merkle, note

KEY_FILE = "witness.key"
STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
STATE_FORMAT = "sanxiang-witness-state/1"
MAX_BODY_BYTES = 64 * 1024
MAX_PROOF_LINES = 63  # the Go reference witness's limit; real proofs have about log2(size) hashes
SIZE_CONTENT_TYPE = "text/x.tlog.size"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")


class WitnessSetupError(Exception):
    """The witness directory or its key cannot be used (operator error, not a client's request)."""


class WitnessResponse(NamedTuple):
    """What the HTTP layer sends: status, Content-Type and body."""

    status: int
    content_type: str
    body: bytes


class _Refusal(Exception):
    """A request the witness refuses; carries the response."""

    def __init__(self, status: int, message: str, content_type: str = TEXT_CONTENT_TYPE) -> None:
        super().__init__(message)
        self.response = WitnessResponse(status, content_type, message.encode() + b"\n")


@dataclass(frozen=True)
class Accepted:
    """The last checkpoint the witness cosigned for one origin."""

    origin: str
    size: int
    root: bytes
    note: str
    cosignature: str
    accepted_at: int

    def cosigned_note(self) -> str:
        """The note as the log signed it, with this witness's cosignature line appended."""
        return self.note if self.cosignature in self.note else self.note + self.cosignature


# --- Key and state files ------------------------------------------------------------------


def witness_init(state_dir: Path, name: str) -> note.Signer:
    """Create the witness directory (0700) and a new cosignature key in it; never overwrite one.

    Raises ``WitnessSetupError`` if a key already exists or the name is invalid.
    """
    try:
        signer = note.Signer.generate(name, note.ALG_COSIGNATURE_V1)
    except note.NoteError as exc:
        raise WitnessSetupError(str(exc)) from None
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = state_dir / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise WitnessSetupError(f"{path} exists already; a witness key is never overwritten") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signer.skey() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return signer


def load_signer(state_dir: Path) -> note.Signer:
    """Read the witness's cosignature key; ``WitnessSetupError`` if it is missing or not a 0x04 key."""
    path = state_dir / KEY_FILE
    try:
        signer = note.Signer.parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WitnessSetupError(f"cannot read {path}: {exc.strerror}") from None
    except note.NoteError as exc:
        raise WitnessSetupError(f"{path} is not a signer key: {exc}") from None
    if signer.alg != note.ALG_COSIGNATURE_V1:
        raise WitnessSetupError(f"{path} is not a cosignature (0x04) key")
    return signer


def parse_log_keys(specs: Iterable[str]) -> dict[str, list[note.Verifier]]:
    """Map origin -> log verifiers from ``[ORIGIN=]VKEY`` strings.

    C2SP logs conventionally name their key after their origin, so a bare vkey
    witnesses the origin equal to its name; ``ORIGIN=VKEY`` says otherwise.
    Raises ``WitnessSetupError`` for a key that does not parse or is not Ed25519.
    """
    logs: dict[str, list[note.Verifier]] = {}
    for spec in specs:
        origin, verifier = _parse_log_key(spec.strip())
        logs.setdefault(origin, []).append(verifier)
    return logs


def _parse_log_key(spec: str) -> tuple[str, note.Verifier]:
    try:
        verifier = note.Verifier.parse(spec)
        origin = verifier.name
    except note.NoteError as whole_error:
        origin, sep, vkey = spec.partition("=")
        if not sep or not origin:
            raise WitnessSetupError(f"--log-key {spec!r}: {whole_error}") from None
        try:
            verifier = note.Verifier.parse(vkey)
        except note.NoteError as exc:
            raise WitnessSetupError(f"--log-key {spec!r}: {exc}") from None
    if verifier.alg != note.ALG_ED25519:
        raise WitnessSetupError(f"--log-key {spec!r} is not a log (Ed25519, 0x01) key")
    return origin, verifier


def read_state(state_dir: Path) -> dict[str, Accepted]:
    """The accepted checkpoints by origin (empty for a new witness)."""
    path = state_dir / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise WitnessSetupError(f"cannot read {path}: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != STATE_FORMAT or not isinstance(raw.get("logs"), dict):
        raise WitnessSetupError(f"{path} is not a {STATE_FORMAT} file")
    try:
        return {origin: _accepted(origin, item) for origin, item in raw["logs"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise WitnessSetupError(f"{path} has a malformed entry: {exc}") from None


def _accepted(origin: str, item: Mapping[str, Any]) -> Accepted:
    return Accepted(
        origin=origin,
        size=int(item["size"]),
        root=base64.b64decode(item["root"], validate=True),
        note=str(item["note"]),
        cosignature=str(item["cosignature"]),
        accepted_at=int(item["accepted_at"]),
    )


def _write_state(state_dir: Path, state: Mapping[str, Accepted]) -> None:
    """Replace the state file atomically and durably: tmp, fsync, rename, fsync the directory."""
    logs = {
        a.origin: {
            "size": a.size,
            "root": base64.b64encode(a.root).decode(),
            "note": a.note,
            "cosignature": a.cosignature,
            "accepted_at": a.accepted_at,
        }
        for a in state.values()
    }
    data = json.dumps({"format": STATE_FORMAT, "logs": logs}, ensure_ascii=False, indent=1, sort_keys=True)
    tmp = state_dir / (STATE_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, state_dir / STATE_FILE)
    dir_fd = os.open(state_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def _locked(state_dir: Path) -> Iterator[None]:
    """Hold the witness's exclusive lock: read-check-persist must not interleave.

    ``flock`` locks belong to the open file description, so two threads of one
    server that each open the file exclude each other as two processes do.
    """
    fd = os.open(state_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


# --- add-checkpoint ---------------------------------------------------------------------


class _Request(NamedTuple):
    old_size: int
    proof: list[bytes]
    note: str


def witness_add_checkpoint(
    state_dir: Path,
    log_verifiers: Mapping[str, Sequence[note.Verifier]],
    body: bytes,
    *,
    signer: note.Signer | None = None,
    clock: Callable[[], float] = time.time,
) -> WitnessResponse:
    """Handle one ``add-checkpoint`` request body; the answer the HTTP layer sends as it is.

    Steps:
    1. Parse the body and the checkpoint (400), find the origin (404), verify a log signature (403).
    2. Refuse an old size larger than the checkpoint's (400).
    3. Under the lock: compare the old size with the recorded one (409), verify the
       consistency proof from the recorded (size, root) to the new one (422).
    4. Cosign, persist the new state, release the lock, answer 200 with the cosignature line.
    """
    try:
        request = _parse_request(body)
        checkpoint, text = _verified_checkpoint(request.note, log_verifiers)
        if request.old_size > checkpoint.size:
            raise _Refusal(HTTPStatus.BAD_REQUEST, "the old size is larger than the checkpoint's size")
        signer = signer or load_signer(state_dir)
        with _locked(state_dir):
            state = read_state(state_dir)
            _check_extends(state.get(checkpoint.origin), request, checkpoint)
            now = int(clock())
            line = note.cosign(signer, text, now).line()
            state[checkpoint.origin] = Accepted(
                checkpoint.origin, checkpoint.size, checkpoint.root, request.note, line, now
            )
            _write_state(state_dir, state)
    except _Refusal as refusal:
        return refusal.response
    return WitnessResponse(HTTPStatus.OK, TEXT_CONTENT_TYPE, line.encode())


def _parse_request(body: bytes) -> _Request:
    if len(body) > MAX_BODY_BYTES:
        raise _Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refusal(HTTPStatus.BAD_REQUEST, "the body is not UTF-8") from None
    head, sep, note_text = text.partition("\n\n")
    if not sep:
        raise _Refusal(HTTPStatus.BAD_REQUEST, "the body is old size, proof lines, a blank line and a checkpoint")
    lines = head.split("\n")
    old = lines[0].removeprefix("old ")
    if old == lines[0] or not _DECIMAL.fullmatch(old):
        raise _Refusal(HTTPStatus.BAD_REQUEST, "the first line is 'old <size>' in decimal")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise _Refusal(HTTPStatus.BAD_REQUEST, f"a consistency proof has at most {MAX_PROOF_LINES} hashes")
    return _Request(int(old), [_proof_hash(line) for line in lines[1:]], note_text)


def _proof_hash(line: str) -> bytes:
    try:
        raw = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or base64.b64encode(raw).decode() != line:
        raise _Refusal(HTTPStatus.BAD_REQUEST, "a proof line is the canonical base64 of a 32-byte hash")
    return raw


def _verified_checkpoint(
    note_text: str, log_verifiers: Mapping[str, Sequence[note.Verifier]]
) -> tuple[note.Checkpoint, str]:
    try:
        text, _ = note.parse_note(note_text)
        checkpoint = note.parse_checkpoint(text)
    except note.NoteError as exc:
        raise _Refusal(HTTPStatus.BAD_REQUEST, f"malformed checkpoint: {exc}") from None
    verifiers = log_verifiers.get(checkpoint.origin)
    if not verifiers:
        raise _Refusal(HTTPStatus.NOT_FOUND, f"unknown log origin {checkpoint.origin!r}")
    try:
        note.open_note(note_text, list(verifiers))
    except note.NoteError as exc:
        raise _Refusal(HTTPStatus.FORBIDDEN, f"the checkpoint is not signed by the log: {exc}") from None
    return checkpoint, text


def _check_extends(previous: Accepted | None, request: _Request, checkpoint: note.Checkpoint) -> None:
    recorded = previous.size if previous else 0
    if request.old_size != recorded:
        raise _Refusal(HTTPStatus.CONFLICT, str(recorded), SIZE_CONTENT_TYPE)
    empty = merkle.SHA256.empty_root
    if checkpoint.size == 0 and checkpoint.root != empty:
        raise _Refusal(HTTPStatus.UNPROCESSABLE_ENTITY, "a checkpoint of size 0 has the empty tree's root")
    old_root = previous.root if previous else empty
    if not merkle.verify_consistency(recorded, checkpoint.size, old_root, checkpoint.root, request.proof):
        raise _Refusal(HTTPStatus.UNPROCESSABLE_ENTITY, f"the checkpoint is not consistent with size {recorded}")


def witness_get_checkpoint(state_dir: Path, origin: str) -> WitnessResponse:
    """The last accepted checkpoint of ``origin`` with this witness's cosignature (404 if none)."""
    accepted = read_state(state_dir).get(origin)  # the rename is atomic: no lock needed to read
    if accepted is None:
        return WitnessResponse(HTTPStatus.NOT_FOUND, TEXT_CONTENT_TYPE, b"no checkpoint for this origin\n")
    return WitnessResponse(HTTPStatus.OK, TEXT_CONTENT_TYPE, accepted.cosigned_note().encode())


# --- HTTP ---------------------------------------------------------------------------------


class WitnessServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the witness's configuration for its handlers."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        state_dir: Path,
        log_verifiers: Mapping[str, Sequence[note.Verifier]],
        signer: note.Signer,
    ) -> None:
        self.state_dir = state_dir
        self.log_verifiers = log_verifiers
        self.signer = signer
        super().__init__(address, WitnessHandler)


class WitnessHandler(BaseHTTPRequestHandler):
    """Thin HTTP layer: read the body, call the plain functions above, send their answer."""

    server: WitnessServer
    server_version = "sanxiang-witness/1"
    timeout = 30  # a client that stalls mid-request does not hold a thread forever

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/add-checkpoint":
            self._send(WitnessResponse(HTTPStatus.NOT_FOUND, TEXT_CONTENT_TYPE, b"not found\n"))
            return
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self._send(WitnessResponse(HTTPStatus.LENGTH_REQUIRED, TEXT_CONTENT_TYPE, b"Content-Length needed\n"))
            return
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True  # do not read the oversized body
            self._send(WitnessResponse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, TEXT_CONTENT_TYPE, b"body too large\n"))
            return
        body = self.rfile.read(int(length))
        server = self.server
        self._answer(lambda: witness_add_checkpoint(server.state_dir, server.log_verifiers, body, signer=server.signer))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        origins = parse_qs(url.query).get("origin", [])
        if url.path != "/checkpoint" or len(origins) != 1:
            self._send(WitnessResponse(HTTPStatus.NOT_FOUND, TEXT_CONTENT_TYPE, b"not found\n"))
            return
        self._answer(lambda: witness_get_checkpoint(self.server.state_dir, origins[0]))

    def _answer(self, handle: Callable[[], WitnessResponse]) -> None:
        """Send what ``handle`` answers; a broken state directory is the operator's 500, never a traceback."""
        try:
            response = handle()
        except (WitnessSetupError, OSError) as exc:
            self.log_error("witness state error: %s", exc)
            response = WitnessResponse(HTTPStatus.INTERNAL_SERVER_ERROR, TEXT_CONTENT_TYPE, b"witness state error\n")
        self._send(response)

    def _send(self, response: WitnessResponse) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)
