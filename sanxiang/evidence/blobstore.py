"""The content-addressed evidence store (RECORD-LOG.md §3, §7): one object per distinct file, named by its SHA-256.

Why it is built this way:

- **Content address.** The name is ``objects/<h[0:2]>/<h[2:4]>/<sha256hex>``: the
  name proves the content, a second copy of the same file is the same object
  (dedup), and nothing is ever overwritten or deleted here (disposal is a
  separate, logged act with a legal basis).
- **One streaming pass.** Bytes are hashed (SHA-256, plus SM3 when
  ``SANXIANG_EVIDENCE_SM3`` is on) per 1 MiB chunk while they are written to a
  staging file, so memory stays constant for a multi-gigabyte body-cam video.
- **Durable before visible.** Locally the staged file is fsynced, made
  read-only, then linked into place with a no-clobber ``link`` (an existing
  object is never replaced, even by a concurrent put) and the directory is
  fsynced. On S3 the staged file is uploaded (multipart for large files) with
  object-lock retention when configured, then the staged copy is removed.
- **Django's storage API.** ``storages["evidence"]`` is the store, so the same
  code runs on the local folder and on any S3 server; storage URLs are never
  handed out (evidence is served only through the access-checked views).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext as _

from sanxiang.evidence.storage import EvidenceS3Storage
from sanxiang.lib.exceptions import DomainError, ValidationFailed

CHUNK = 1 << 20  # 1 MiB: large enough for full hashing speed, small enough for constant memory
STORAGE_ALIAS = "evidence"
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
#: Names of the staging files of a put (``put-<random>.part`` in ``staging_dir()``); ``uploads_prune`` removes
#: old ones left by a killed process.
STAGING_PREFIX = "put-"
STAGING_SUFFIX = ".part"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredBlob:
    """What a put returns: the content address and what was measured in the same pass."""

    sha256: str  # lowercase hex
    size: int
    sm3: str = ""  # lowercase hex, "" when SM3 is off
    created: bool = True  # False when the object was already stored (dedup)


class BlobMismatch(DomainError):
    """The bytes received do not have the SHA-256 the sender announced; nothing was stored."""


class BlobCorrupt(DomainError):
    """A stored object does not match its content address (wrong size); it is never repaired in place."""


class StoreUnavailable(DomainError):
    """The store could not be written (network, S3 or disk error); the caller's file is kept, try again later."""


def _storage_errors() -> tuple[type[BaseException], ...]:
    """The exceptions of a store that is briefly unavailable: OS/network errors, and botocore's when installed."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - boto3 is an optional dependency
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


# --- names and settings ---------------------------------------------------------------


def _check_sha256(value: object, field: str = "sha256") -> str:
    if not isinstance(value, str) or not _HEX64.match(value):
        raise ValidationFailed(
            _("Not a SHA-256 hash: 64 lowercase hexadecimal characters are expected."),
            {field: [_("Not a SHA-256 hash: 64 lowercase hexadecimal characters are expected.")]},
        )
    return value


def object_name(sha256: str) -> str:
    """The storage name of an object: ``objects/ab/cd/<sha256>`` (refuses anything but 64 lowercase hex)."""
    h = _check_sha256(sha256)
    return f"objects/{h[0:2]}/{h[2:4]}/{h}"


def sm3_enabled() -> bool:
    """True when every object also gets an SM3 hash (``SANXIANG_EVIDENCE_SM3``)."""
    return bool(getattr(settings, "EVIDENCE_SM3", False))


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _local_root(storage: Storage) -> Path | None:
    """The folder of a local store, or None for a remote (S3) one."""
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def staging_dir() -> Path:
    """The folder where incoming bytes are staged; it exists after the call.

    It should be on the same filesystem as the local store (the default,
    ``DATA_DIR/evidence-staging``, is), so that a finished upload becomes an
    object by a link instead of a copy; a different filesystem still works.
    """
    path = Path(getattr(settings, "EVIDENCE_STAGING_DIR", Path(settings.DATA_DIR) / "evidence-staging"))
    path.mkdir(parents=True, exist_ok=True, mode=0o750)
    return path


# --- hashing ---------------------------------------------------------------------------


class _Hasher:
    """SHA-256 and (optionally) SM3 fed from the same chunks."""

    def __init__(self, with_sm3: bool) -> None:
        self.sha256 = hashlib.sha256()
        self.sm3 = hashes.Hash(hashes.SM3()) if with_sm3 else None
        self.size = 0

    def update(self, chunk: bytes | memoryview) -> None:
        self.sha256.update(chunk)
        if self.sm3 is not None:
            self.sm3.update(chunk)
        self.size += len(chunk)

    def result(self) -> tuple[str, str]:
        return self.sha256.hexdigest(), self.sm3.finalize().hex() if self.sm3 is not None else ""


def _copy_hashing(src: Any, dst: BinaryIO | None, hasher: _Hasher | None) -> int:
    """Copy ``src`` to ``dst`` (if any) in 1 MiB chunks, feeding ``hasher``; return the byte count."""
    size = 0
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            return size
        if isinstance(chunk, str):
            raise TypeError("evidence streams must be opened in binary mode")
        if hasher is not None:
            hasher.update(chunk)
        if dst is not None:
            dst.write(chunk)
        size += len(chunk)


def _hash_file(path: Path, with_sm3: bool) -> tuple[str, str, int]:
    """Hash a file in one pass with a reused buffer (the fastest pure-Python read loop)."""
    hasher = _Hasher(with_sm3)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        with contextlib.suppress(AttributeError, OSError):
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while n := fh.readinto(buf):
            hasher.update(view[:n])
    sha, sm3 = hasher.result()
    return sha, sm3, hasher.size


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems refuse fsync on a directory
        _fsync_path(path)


def _stage_copy(src: Any, hasher: _Hasher | None) -> tuple[Path, int]:
    """Copy a stream into a new fsynced staging file; return its path and size."""
    fd, name = tempfile.mkstemp(dir=staging_dir(), prefix=STAGING_PREFIX, suffix=STAGING_SUFFIX)
    path = Path(name)
    try:
        with open(fd, "wb") as out:
            size = _copy_hashing(src, out, hasher)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


# --- finalising: local and remote ---------------------------------------------------------


def _makedirs(target_dir: Path, root: Path, mode: int) -> None:
    """Create the missing folders of ``target_dir`` below ``root`` with ``mode``, fsyncing each parent."""
    missing: list[Path] = []
    current = target_dir
    while not current.exists() and current != root and current != current.parent:
        missing.append(current)
        current = current.parent
    root.mkdir(parents=True, exist_ok=True)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
            folder.chmod(mode)
        _fsync_dir(folder.parent)


def _check_stored_size(storage: Storage, name: str, size: int) -> None:
    stored = storage.size(name)
    if stored != size:
        raise BlobCorrupt(
            _("The stored object %(name)s has %(stored)d bytes instead of %(size)d: the store needs inspection.")
            % {"name": name, "stored": stored, "size": size}
        )


def _link_no_clobber(source: Path, target: Path) -> bool:
    """Make ``source`` visible as ``target`` without ever replacing it; False when ``target`` already exists."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}:
            raise
    # No hard links on this filesystem: rename (the existence check above narrows the race).
    if target.exists():
        return False
    os.rename(source, target)
    return True


def _finalize_local(storage: FileSystemStorage, root: Path, staged: Path, name: str, size: int, owned: bool) -> bool:
    """Put a fsynced file in place under ``root``; ``owned`` = the staged file may be consumed. True if new."""
    target = root / name
    if target.exists():
        _check_stored_size(storage, name, size)
        if owned:
            staged.unlink(missing_ok=True)
        return False
    _makedirs(target.parent, root, storage.directory_permissions_mode or 0o750)
    file_mode = storage.file_permissions_mode or 0o444
    temp: Path | None = None
    try:
        try:
            os.chmod(staged, file_mode)
            created = _link_no_clobber(staged, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            # Staging on another filesystem: copy next to the target first, then link.
            fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".in-", suffix=".part")
            temp = Path(temp_name)
            with open(fd, "wb") as out, open(staged, "rb") as src:
                _copy_hashing(src, out, None)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, file_mode)
            created = _link_no_clobber(temp, target)
        if not created:
            _check_stored_size(storage, name, size)
        _fsync_dir(target.parent)
        if owned:
            staged.unlink(missing_ok=True)
        return created
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _finalize_remote(storage: Storage, staged: Path, name: str, size: int, owned: bool) -> bool:
    """Upload a staged file to a remote store unless the object is already there. True if new.

    The staged file is removed (when ``owned``) only once the object is stored with the right size: after a
    failure it stays, so the caller can retry without the bytes being sent again.
    """
    if storage.exists(name):
        _check_stored_size(storage, name, size)
        created = False
    else:
        if isinstance(storage, EvidenceS3Storage):
            storage.put_file(name, staged)
        else:
            with open(staged, "rb") as fh:
                saved = storage.save(name, File(fh, name=name))
            if saved != name:
                raise BlobCorrupt(_("The store saved %(saved)s instead of %(name)s.") % {"saved": saved, "name": name})
        _check_stored_size(storage, name, size)
        created = True
    if owned:
        staged.unlink(missing_ok=True)
    return created


def _finalize(staged: Path, sha256: str, size: int, sm3: str, owned: bool) -> StoredBlob:
    storage = _storage()
    name = object_name(sha256)
    root = _local_root(storage)
    try:
        if root is not None:
            assert isinstance(storage, FileSystemStorage)
            created = _finalize_local(storage, root, staged, name, size, owned)
        else:
            created = _finalize_remote(storage, staged, name, size, owned)
    except _storage_errors() as exc:
        logger.warning("evidence store unavailable while storing %s: %r", name, exc)
        raise StoreUnavailable(
            _("The evidence store cannot be written right now; nothing was stored. Try again later.")
        ) from exc
    return StoredBlob(sha256=sha256, size=size, sm3=sm3, created=created)


def _mismatch(expected: str, actual: str) -> BlobMismatch:
    return BlobMismatch(
        _("The file received has SHA-256 %(actual)s, not the announced %(expected)s: it was not stored.")
        % {"actual": actual, "expected": expected}
    )


# --- public API ------------------------------------------------------------------------------


def blob_put_stream(stream: BinaryIO, *, expected_sha256: str | None = None) -> StoredBlob:
    """Store the bytes of ``stream`` (read to its end) and return their content address.

    ``expected_sha256`` is the sender's own hash: a different result raises
    ``BlobMismatch`` and nothing is stored.
    """
    if expected_sha256 is not None:
        _check_sha256(expected_sha256, "expected_sha256")
    hasher = _Hasher(sm3_enabled())
    staged, size = _stage_copy(stream, hasher)
    try:
        sha256, sm3 = hasher.result()
        if expected_sha256 is not None and sha256 != expected_sha256:
            raise _mismatch(expected_sha256, sha256)
        return _finalize(staged, sha256, size, sm3, owned=True)
    finally:
        staged.unlink(missing_ok=True)


def blob_put_path(
    path: Path,
    *,
    sha256: str | None = None,
    sm3: str | None = None,
    move: bool = False,
    expected_sha256: str | None = None,
) -> StoredBlob:
    """Store the file at ``path``.

    - ``sha256``/``sm3``: hashes the caller already computed while receiving
      the bytes (the tus endpoint does); they are trusted and the file is not
      read again to hash it (SM3 is computed here only when required and not given);
    - ``move=True``: the file is consumed (locally fsynced and linked into the
      store; remotely uploaded then removed). It is left in place on a mismatch;
    - ``expected_sha256``: the sender's hash; a difference raises ``BlobMismatch``.
    """
    path = Path(path)
    if sha256 is not None:
        _check_sha256(sha256)
    if expected_sha256 is not None:
        _check_sha256(expected_sha256, "expected_sha256")
    if sm3 is not None and not re.fullmatch(r"[0-9a-f]{64}", sm3):
        raise ValidationFailed(_("Not an SM3 hash."), {"sm3": [_("Not an SM3 hash.")]})
    want_sm3 = sm3_enabled()
    local = _local_root(_storage()) is not None
    must_hash = sha256 is None or (want_sm3 and sm3 is None)
    if local and not move:
        # A copy has to be made anyway: hash it on the way (one read, one write, like a stream).
        hasher = _Hasher(want_sm3) if must_hash else None
        with open(path, "rb") as fh:
            staged, size = _stage_copy(fh, hasher)
        try:
            if hasher is not None:
                computed_sha, computed_sm3 = hasher.result()
                if sha256 is not None and computed_sha != sha256:
                    raise _mismatch(sha256, computed_sha)
                sha256, sm3 = computed_sha, computed_sm3
            assert sha256 is not None
            if expected_sha256 is not None and sha256 != expected_sha256:
                raise _mismatch(expected_sha256, sha256)
            return _finalize(staged, sha256, size, (sm3 or "") if want_sm3 else "", owned=True)
        finally:
            staged.unlink(missing_ok=True)
    size = path.stat().st_size
    if must_hash:
        computed_sha, computed_sm3, size = _hash_file(path, want_sm3)
        if sha256 is not None and computed_sha != sha256:
            raise _mismatch(sha256, computed_sha)
        sha256, sm3 = computed_sha, computed_sm3
    assert sha256 is not None
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise _mismatch(expected_sha256, sha256)
    sm3 = (sm3 or "") if want_sm3 else ""
    if move and local:
        _fsync_path(path)
    return _finalize(path, sha256, size, sm3, owned=move)


def blob_exists(sha256: str) -> bool:
    """True when the object is stored."""
    return _storage().exists(object_name(sha256))


def blob_size(sha256: str) -> int:
    """The stored size in bytes; ``FileNotFoundError`` if absent."""
    storage, name = _storage(), object_name(sha256)
    if _local_root(storage) is None and not storage.exists(name):
        raise FileNotFoundError(name)
    return int(storage.size(name))


def blob_open(sha256: str) -> File:  # type: ignore[type-arg]
    """Open the object for reading (streaming; never a URL); ``FileNotFoundError`` if absent."""
    storage, name = _storage(), object_name(sha256)
    if isinstance(storage, EvidenceS3Storage):
        body, length = storage.open_stream(name)
        handle = File(body, name=sha256)
        handle.size = length
        return handle
    if _local_root(storage) is None and not storage.exists(name):
        raise FileNotFoundError(name)
    return storage.open(name, "rb")


def blob_read_range(sha256: str, first: int, last: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """Stream bytes ``first``–``last`` (inclusive) of the object: what a media player seeking in a recording asks for.

    Local files are read after a seek; S3 objects with a ranged GET, so a seek
    never downloads what comes before it. ``FileNotFoundError`` if absent.
    """
    storage, name = _storage(), object_name(sha256)
    if isinstance(storage, EvidenceS3Storage):
        body, _length = storage.open_stream(name, (first, last))
        return _chunks(body, last - first + 1, chunk)
    handle = blob_open(sha256)
    handle.seek(first)
    return _chunks(handle, last - first + 1, chunk)


def _chunks(handle: Any, remaining: int, chunk: int) -> Iterator[bytes]:
    try:
        while remaining > 0:
            data = handle.read(min(chunk, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def blob_rehash(sha256: str) -> tuple[str, int]:
    """Stream the stored bytes and return ``(sha256hex, size)``: what ``verify --deep`` and the scrub compare."""
    storage, name = _storage(), object_name(sha256)
    root = _local_root(storage)
    if root is not None:
        path = root / name
        if not path.exists():
            raise FileNotFoundError(name)
        actual, _sm3, size = _hash_file(path, with_sm3=False)
        return actual, size
    hasher = _Hasher(with_sm3=False)
    with blob_open(sha256) as handle:
        _copy_hashing(handle, None, hasher)
    return hasher.sha256.hexdigest(), hasher.size


def _walk_local(root: Path) -> Iterator[str]:
    objects = root / "objects"
    if not objects.is_dir():
        return
    for first in sorted(p for p in objects.iterdir() if p.is_dir()):
        for second in sorted(p for p in first.iterdir() if p.is_dir()):
            for entry in sorted(os.listdir(second)):
                if _HEX64.match(entry) and entry[0:2] == first.name and entry[2:4] == second.name:
                    yield entry


def _walk_storage(storage: Storage, folder: str) -> Iterator[str]:
    dirs, files = storage.listdir(folder)
    for file_name in sorted(files):
        yield f"{folder}/{file_name}"
    for sub in sorted(dirs):
        yield from _walk_storage(storage, f"{folder}/{sub}")


def blob_iter_names() -> Iterator[str]:
    """Every stored SHA-256 (for ``verify``: objects without an ingest entry), skipping anything not an object."""
    storage = _storage()
    root = _local_root(storage)
    if root is not None:
        yield from _walk_local(root)
        return
    names = (
        storage.iter_names("objects/") if isinstance(storage, EvidenceS3Storage) else _walk_storage(storage, "objects")
    )
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if _HEX64.match(base) and name == f"objects/{base[0:2]}/{base[2:4]}/{base}":
            yield base
