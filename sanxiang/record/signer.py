"""The checkpoint signer (RECORD-LOG.md §5): an Ed25519 key outside the database, and its own memory.

The signer keeps, in a state file beside its key (never in the database), the
last (size, root) it signed for each origin, and signs a new checkpoint only
when a consistency proof shows the new tree extends that one (C2SP
tlog-checkpoint: "MUST NOT sign any checkpoint which is inconsistent with any
checkpoint it previously signed"). So someone who can write the database but
cannot read the key file cannot get a rewritten history signed.

In the embedded mode the key lives in the data folder and is made on first
use; in production ``SANXIANG_LOG_SIGNING_KEY_FILE`` names a file that only the
signer's Unix user can read (``sanxiang log_keygen`` makes one), and the
signer runs as its own process (``sanxiang signer``).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sanxiang.lib.exceptions import DomainError
from sanxiang.record import merkle, note


class SignerRefused(DomainError):
    """The signer will not sign: the checkpoint does not extend the last one it signed."""


def write_key_file(path: Path, signer: note.Signer) -> None:
    """Write a new private key file readable by its owner only; never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(signer.skey() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass
class LogSigner:
    key_path: Path
    state_path: Path

    @classmethod
    def from_settings(cls) -> LogSigner:
        key_path = Path(settings.RECORD_SIGNING_KEY_FILE)
        if not key_path.exists():
            if settings.PRODUCTION:
                raise ImproperlyConfigured(
                    f"The log signing key {key_path} does not exist: make one with `sanxiang log_keygen` "
                    "and set SANXIANG_LOG_SIGNING_KEY_FILE."
                )
            write_key_file(key_path, note.Signer.generate(settings.RECORD_LOG_ORIGIN))
        return cls(key_path, Path(settings.RECORD_SIGNER_STATE_FILE))

    def _signer(self) -> note.Signer:
        try:
            return note.Signer.parse(self.key_path.read_text(encoding="utf-8"))
        except (OSError, note.NoteError) as exc:
            raise ImproperlyConfigured(f"cannot read the log signing key {self.key_path}: {exc}") from exc

    def vkey(self) -> str:
        return self._signer().vkey()

    @contextmanager
    def _locked_state(self) -> Iterator[dict[str, dict[str, object]]]:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.state_path.with_name(self.state_path.name + ".lock")
        with open(lock_path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = json.loads(self.state_path.read_text(encoding="utf-8")) if self.state_path.exists() else {}
                yield state
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def last_signed(self, origin: str) -> tuple[int, bytes] | None:
        with self._locked_state() as state:
            entry = state.get(origin)
        if not entry:
            return None
        return int(str(entry["size"])), base64.b64decode(str(entry["root"]))

    def last_signed_sm3(self, origin: str) -> bytes | None:
        """The SM3 root of the last checkpoint signed for ``origin``, if it carried one."""
        with self._locked_state() as state:
            entry = state.get(origin) or {}
        value = entry.get("root_sm3")
        return base64.b64decode(str(value)) if value else None

    def sign(
        self,
        checkpoint: note.Checkpoint,
        proof: Sequence[bytes],
        *,
        root_sm3: bytes | None = None,
        proof_sm3: Sequence[bytes] = (),
    ) -> str:
        """Sign ``checkpoint`` if ``proof`` shows it extends the last one signed for its origin; the note.

        With the parallel SM3 tree, ``root_sm3`` (which ``checkpoint`` must carry as its ``sm3`` line) must
        extend the last signed SM3 root by ``proof_sm3``, and once signed an SM3 root is never dropped.
        """
        signer = self._signer()
        if root_sm3 is not None and f"sm3 {base64.b64encode(root_sm3).decode()}" not in checkpoint.extensions:
            raise SignerRefused("the checkpoint text does not carry the SM3 root it is signed for")
        with self._locked_state() as state:
            last = state.get(checkpoint.origin)
            if last:
                old_size, old_root = int(str(last["size"])), base64.b64decode(str(last["root"]))
                if checkpoint.size < old_size:
                    raise SignerRefused(
                        f"the log shrank: {checkpoint.size} entries now, {old_size} at the last signed checkpoint"
                    )
                if not merkle.verify_consistency(old_size, checkpoint.size, old_root, checkpoint.root, proof):
                    raise SignerRefused(
                        f"the tree of {checkpoint.size} entries is not consistent with the signed tree of {old_size}"
                    )
                old_sm3 = base64.b64decode(str(last["root_sm3"])) if last.get("root_sm3") else None
                if old_sm3 is not None:
                    if root_sm3 is None:
                        raise SignerRefused("the log signed an SM3 root before and offers none now")
                    if not merkle.verify_consistency(
                        old_size, checkpoint.size, old_sm3, root_sm3, proof_sm3, algorithm=merkle.SM3
                    ):
                        raise SignerRefused(
                            f"the SM3 tree of {checkpoint.size} entries is not consistent with the signed one"
                        )
            signed = note.sign_note(checkpoint.text(), signer)
            state[checkpoint.origin] = {
                "size": checkpoint.size,
                "root": base64.b64encode(checkpoint.root).decode(),
                "note": signed,
            }
            if root_sm3 is not None:
                state[checkpoint.origin]["root_sm3"] = base64.b64encode(root_sm3).decode()
            _write_atomic(self.state_path, json.dumps(state, sort_keys=True, indent=1).encode())
        return signed
