"""Evidence store throughput: ``blob_put_path`` and ``blob_rehash`` against the plain loops they cannot beat.

Run from the repository root: ``python -m bench blobs [--size MiB] [--repeat R] [--dir PATH] [--warm]``.

Two comparisons, each measured in the same run and interleaved round by round so that a
change in machine load hits both alike (best wall time of ``--repeat`` rounds; I/O is timed,
so wall time, not CPU time):

1. **Ingest.** The reference is the straightforward pipeline of RECORD-LOG.md §9:
   read → SHA-256 → write → fsync → rename, in 1 MiB chunks (``reference_pipeline``).
   Against it: ``blob_put_path(path)`` (copy into the store, hashing on the way),
   ``blob_put_path(path, sha256=…, move=True)`` (what the tus endpoint does once it has
   hashed the chunks as they arrived: fsync and link), and the copy with SM3 as well.
2. **Re-hash** (what ``verify --deep`` and the scrub do): ``blob_rehash`` against
   ``hashlib.sha256`` fed by a plain 1 MiB read loop over the same file. Target ratio ≥ 0.7.

Each input is a fresh file of distinct pseudo-random bytes (so nothing is deduplicated),
fsynced and, unless ``--warm``, dropped from the page cache (``POSIX_FADV_DONTNEED``) before
it is read, so reads come from the disk as they would for an upload or a scrub.
The files live under ``--dir`` (default ``var/bench-blobs``: the real disk, not a tmpfs),
removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MiB = 1 << 20
CHUNK = MiB
ROOT = Path(__file__).resolve().parent.parent


def make_file(path: Path, size: int, *, seed: int = 0, sync: bool = True) -> None:
    """Write ``size`` pseudo-random bytes to ``path`` quickly; a different ``seed`` gives different bytes.

    One 1 MiB block of ``os.urandom`` is repeated with the seed and a counter in its first
    16 bytes, so every chunk (and every file) differs while generation costs no more than a memcpy.
    ``sync=False`` leaves the pages dirty (as a receiver that has not fsynced yet would).
    """
    block = bytearray(os.urandom(CHUNK))
    with open(path, "wb") as out:
        written, counter = 0, 0
        while written < size:
            block[0:16] = seed.to_bytes(8, "little") + counter.to_bytes(8, "little")
            piece = memoryview(block)[: min(CHUNK, size - written)]
            out.write(piece)
            written += len(piece)
            counter += 1
        out.flush()
        if sync:
            os.fsync(out.fileno())


def reference_pipeline(path: Path, out_dir: Path) -> str:
    """Read ``path`` → SHA-256 → write → fsync → rename into ``out_dir``, in 1 MiB chunks; return the hex hash.

    The simplest correct ingest loop (RECORD-LOG.md §9), what any evidence store has to do
    at least; the output file is ``out_dir/<sha256>``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    fd, temp_name = tempfile.mkstemp(dir=out_dir, prefix="ref-", suffix=".part")
    try:
        with open(path, "rb", buffering=0) as src, open(fd, "wb", buffering=0) as out:
            while n := src.readinto(buf):
                digest.update(view[:n])
                out.write(view[:n])
            os.fsync(out.fileno())
        hexdigest = digest.hexdigest()
        os.rename(temp_name, out_dir / hexdigest)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(out_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return hexdigest


def plain_sha256(path: Path) -> tuple[str, int]:
    """The fastest plain loop: ``readinto`` a reused 1 MiB buffer, ``hashlib.sha256.update``."""
    digest = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    with open(path, "rb", buffering=0) as src:
        while n := src.readinto(buf):
            digest.update(view[:n])
            size += n
    return digest.hexdigest(), size


def evict(path: Path) -> None:
    """Drop a (clean, fsynced) file from the page cache so the next read comes from the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        with contextlib.suppress(AttributeError, OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _setup_django(store: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    os.environ["SANXIANG_EVIDENCE_DIR"] = str(store / "evidence")
    os.environ["SANXIANG_EVIDENCE_STAGING_DIR"] = str(store / "evidence-staging")
    os.environ.pop("SANXIANG_EVIDENCE_S3_BUCKET", None)
    import django

    django.setup()


def _rate(size: int, seconds: float) -> str:
    return f"{size / seconds / 1e9:6.3f} GB/s {seconds:7.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="file size in MiB (default 256)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench-blobs")
    parser.add_argument("--warm", action="store_true", help="read inputs from the page cache")
    args = parser.parse_args()
    size = args.size * MiB
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.dir))
    try:
        _run(work, size, args.repeat, cold=not args.warm)
    finally:
        for folder, _dirs, files in os.walk(work):
            os.chmod(folder, 0o700)
            for name in files:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(folder, name), 0o600)
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, size: int, repeat: int, *, cold: bool) -> None:
    _setup_django(work)
    from django.test import override_settings

    from sanxiang.evidence import blobstore

    seeds = iter(range(1, 1_000_000))
    inputs = work / "inputs"
    inputs.mkdir()

    def fresh_input(folder: Path) -> Path:
        path = folder / f"in-{next(seeds)}.bin"
        make_file(path, size, seed=next(seeds))
        if cold:
            evict(path)
        return path

    def put_copy_sm3(path: Path) -> None:
        with override_settings(EVIDENCE_SM3=True):
            blobstore.blob_put_path(path)

    def put_move_known(path: Path, known: str) -> None:
        blobstore.blob_put_path(path, sha256=known, move=True)

    reference = "reference: read→sha256→write→fsync→rename"
    ingest: list[tuple[str, Callable[[Path], object]]] = [
        (reference, lambda path: reference_pipeline(path, work / "ref-out")),
        ("blob_put_path(path)            [copy]", blobstore.blob_put_path),
        ("blob_put_path(path)            [copy, +SM3]", put_copy_sm3),
    ]
    moved = "blob_put_path(sha256=…, move=True) [tus: fsync+link]"
    timings: dict[str, list[float]] = {label: [] for label, _call in ingest}
    timings[moved] = []
    mode = "cold (page cache dropped)" if cold else "warm (page cache)"
    print(f"evidence store bench: {size / MiB:.0f} MiB files, best wall time of {repeat} rounds, inputs {mode}")
    print(f"  folder {work}")
    for round_no in range(repeat):
        shift = round_no % len(ingest)  # rotate the order: no case always follows the same one
        for label, call in ingest[shift:] + ingest[:shift]:
            path = fresh_input(inputs)  # building the input is not timed
            os.sync()  # start from clean pages: no timed call pays for an earlier one's writeback
            started = time.perf_counter()
            call(path)
            timings[label].append(time.perf_counter() - started)
            path.unlink()
        # The tus endpoint hashed the chunks as they arrived (not timed) and has not fsynced them:
        # the fsync of the whole file, the link and the directory fsync remain.
        path = blobstore.staging_dir() / f"tus-{next(seeds)}.bin"
        make_file(path, size, seed=next(seeds), sync=False)
        known, _size = plain_sha256(path)
        started = time.perf_counter()
        put_move_known(path, known)
        timings[moved].append(time.perf_counter() - started)
    base = min(timings[reference])
    print("ingest (ratio = reference time / this time; > 1 is faster than the reference)")
    for label, seconds in timings.items():
        best = min(seconds)
        print(f"  {label:<44} {_rate(size, best)}  ratio {base / best:5.2f}")

    # Re-hash: every stored object against the plain loop over the same file.
    names = list(blobstore.blob_iter_names())
    root = work / "evidence"
    plain = "reference: hashlib.sha256, 1 MiB reads"
    rehash: dict[str, list[float]] = {plain: [], "blob_rehash(sha256)": []}
    readers: list[tuple[str, Callable[[str, Path], tuple[str, int]]]] = [
        (plain, lambda _sha, path: plain_sha256(path)),
        ("blob_rehash(sha256)", lambda sha, _path: blobstore.blob_rehash(sha)),
    ]
    for sha in names:
        path = root / blobstore.object_name(sha)
        for label, read in readers:
            if cold:
                evict(path)
            started = time.perf_counter()
            result = read(sha, path)
            rehash[label].append(time.perf_counter() - started)
            assert result == (sha, size), label
    base = min(rehash[plain])
    print(f"re-hash ({len(names)} stored objects; target ratio >= 0.7)")
    for label, seconds in rehash.items():
        best = min(seconds)
        print(f"  {label:<44} {_rate(size, best)}  ratio {base / best:5.2f}")


if __name__ == "__main__":
    main()
