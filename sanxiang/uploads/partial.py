"""The partial file of an upload: its place, its lock, the chunked write, and the running hash.

Why each piece:

- **Place.** ``staging_dir()`` of the evidence store, so that completion is a
  link/rename into the store, never a copy of gigabytes.
- **Lock.** ``fcntl.flock`` on the open file while a PATCH writes: a second
  PATCH of the same upload is refused at once instead of interleaving bytes.
  Locking comes before reading the row, so that a writer that waited behind
  a termination sees the row's new status and stops.
- **Running hash.** The SHA-256 (and SM3 when the store wants it) of the whole
  file is fed as the chunks arrive, so completion never re-reads the file.
  The hash state lives in a small per-process cache keyed by
  ``(upload id, offset)``; a PATCH that lands on another process, or after a
  restart, re-hashes the prefix once.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import queue
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from django.utils.translation import gettext as _

from sanxiang.evidence.blobstore import sm3_enabled, staging_dir
from sanxiang.uploads.protocol import TusError

CHUNK = 1 << 20  # 1 MiB: full hashing speed, constant memory
QUEUE_DEPTH = 3  # pieces read but not yet written
WRITEBACK_STEP = 8 * CHUNK
CACHE_SIZE = 64


class Sink(Protocol):
    def update(self, data: bytes, /) -> None: ...


class RunningHash:
    """SHA-256 plus optional SM3 over the bytes so far; copyable, so a refused chunk can be rolled back."""

    def __init__(self, sha256: Any = None, sm3: hashes.Hash | None = None, *, with_sm3: bool = False) -> None:
        self.sha256 = sha256 if sha256 is not None else hashlib.sha256()
        self.sm3 = sm3 if sm3 is not None or not with_sm3 else hashes.Hash(hashes.SM3())

    def update(self, data: bytes, /) -> None:
        self.sha256.update(data)
        if self.sm3 is not None:
            self.sm3.update(data)

    def copy(self) -> RunningHash:
        return RunningHash(self.sha256.copy(), self.sm3.copy() if self.sm3 is not None else None)

    def hexdigests(self) -> tuple[str, str | None]:
        """``(sha256, sm3 or None)`` without consuming the state."""
        sm3 = self.sm3.copy().finalize().hex() if self.sm3 is not None else None
        return self.sha256.hexdigest(), sm3


_cache: OrderedDict[tuple[uuid.UUID, int], RunningHash] = OrderedDict()
_cache_lock = threading.Lock()


def hash_take(upload_id: uuid.UUID, offset: int) -> RunningHash | None:
    """Remove and return the cached hash of the first ``offset`` bytes, if this process has it."""
    with _cache_lock:
        return _cache.pop((upload_id, offset), None)


def hash_keep(upload_id: uuid.UUID, offset: int, state: RunningHash) -> None:
    """Cache the hash of the first ``offset`` bytes (the oldest entries make room)."""
    with _cache_lock:
        for key in [k for k in _cache if k[0] == upload_id]:
            del _cache[key]
        _cache[(upload_id, offset)] = state
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def hash_forget(upload_id: uuid.UUID) -> None:
    with _cache_lock:
        for key in [k for k in _cache if k[0] == upload_id]:
            del _cache[key]


def hash_prefix(fd: int, offset: int) -> RunningHash:
    """Hash the first ``offset`` bytes of the open partial file (when the cache does not have them)."""
    state = RunningHash(with_sm3=sm3_enabled())
    position = 0
    while position < offset:
        piece = os.pread(fd, min(CHUNK, offset - position), position)
        if not piece:
            raise OSError(errno.EIO, f"the partial file ends at {position}, before {offset}")
        state.update(piece)
        position += len(piece)
    return state


def running_hash(upload_id: uuid.UUID, fd: int, offset: int) -> RunningHash:
    """The hash of the first ``offset`` bytes: from the cache, else by re-reading them once."""
    cached = hash_take(upload_id, offset)
    return cached if cached is not None else hash_prefix(fd, offset)


# --- the file ---------------------------------------------------------------------------


def partial_path(upload_id: uuid.UUID) -> Path:
    """Where the bytes of ``upload_id`` accumulate (named by the upload's uuid, never by the client's file name)."""
    return staging_dir() / f"upload-{upload_id}.part"


def partial_create(upload_id: uuid.UUID) -> Path:
    """Create the empty partial file (refuses to reuse an existing one)."""
    path = partial_path(upload_id)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    os.close(fd)
    return path


@contextlib.contextmanager
def partial_locked(upload_id: uuid.UUID) -> Iterator[int]:
    """Open the partial file and hold its exclusive lock; 423 when another request holds it, 410 if it is gone."""
    try:
        fd = os.open(partial_path(upload_id), os.O_RDWR)
    except FileNotFoundError:
        raise TusError(410, _("The bytes of this upload are gone; start a new upload.")) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TusError(
                423, _("Another request is writing to this upload; wait for it to finish, then ask for the offset.")
            ) from None
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _write_all(fd: int, data: bytes, position: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, position)
        view = view[written:]
        position += written


def _start_writeback(fd: int, start: int, length: int) -> None:
    """Ask the kernel to start writing a range to disk now, without waiting (Linux: fadvise DONTNEED does).

    Without it, the dirty pages of a large chunk stay in memory until the
    fsync at the end of the PATCH, and the disk idles while the network
    delivers; with it, the final fsync finds little left to write.
    """
    with contextlib.suppress(AttributeError, OSError):
        os.posix_fadvise(fd, start, length, os.POSIX_FADV_DONTNEED)


class _Writer(threading.Thread):
    """Hashes and writes the pieces the request thread reads, so that network, CPU and disk overlap.

    ``hashlib`` and ``pwrite`` release the GIL on large buffers, so on two
    cores the request thread keeps reading the socket meanwhile. The queue
    is short: at most ``QUEUE_DEPTH`` pieces (1 MiB each) wait in memory.
    """

    def __init__(self, fd: int, position: int, sinks: list[Sink]) -> None:
        super().__init__(name="tus-writer", daemon=True)
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUE_DEPTH)
        self.fd, self.position, self.sinks = fd, position, sinks
        self.written = 0
        self.error: OSError | None = None

    def run(self) -> None:
        advised = 0
        while (piece := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain, so that the reader never blocks on a full queue
            try:
                _write_all(self.fd, piece, self.position + self.written)
            except OSError as exc:
                self.error = exc
                continue
            for sink in self.sinks:
                sink.update(piece)
            self.written += len(piece)
            if self.written - advised >= WRITEBACK_STEP:
                _start_writeback(self.fd, self.position + advised, self.written - advised)
                advised = self.written


def _disk_error(exc: OSError) -> Exception:
    if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        return TusError(507, _("The server has no space left for this upload; try again later."))
    return exc


def receive(read: Callable[[int], bytes], fd: int, position: int, count: int, sinks: list[Sink]) -> tuple[int, bool]:
    """Copy up to ``count`` bytes from ``read`` into the file at ``position`` in 1 MiB pieces, feeding ``sinks``.

    Returns ``(bytes written, complete)``; ``complete`` is False when the body
    ended early or the connection failed (what arrived is written, not lost).
    A write error (e.g. a full disk: 507) is raised after the writer stopped.
    """
    writer = _Writer(fd, position, sinks)
    writer.start()
    received, complete = 0, True
    try:
        while received < count and writer.error is None:
            try:
                piece = read(min(CHUNK, count - received))
            except OSError:  # includes Django's UnreadablePostError: the client went away
                piece = b""
            if not piece:
                complete = False
                break
            writer.queue.put(piece)
            received += len(piece)
    finally:
        writer.queue.put(None)
        writer.join()
    if writer.error is not None:
        raise _disk_error(writer.error)
    return writer.written, complete
