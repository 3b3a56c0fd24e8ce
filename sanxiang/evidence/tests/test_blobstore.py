"""The content-addressed store, the same tests on the local folder and on a real S3 server (SeaweedFS)."""

from __future__ import annotations

import gc
import hashlib
import io
import os
import random
import stat
import tracemalloc
from pathlib import Path

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import hashes
from django.core.files.storage import Storage
from django.http import FileResponse

from sanxiang.evidence import blobstore
from sanxiang.evidence.blobstore import (
    BlobCorrupt,
    BlobMismatch,
    StoredBlob,
    StoreUnavailable,
    blob_exists,
    blob_iter_names,
    blob_open,
    blob_put_path,
    blob_put_stream,
    blob_read_range,
    blob_rehash,
    blob_size,
    object_name,
    staging_dir,
)
from sanxiang.evidence.tests.conftest import Store
from sanxiang.lib.exceptions import ValidationFailed

MiB = 1 << 20


def data_of(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_all(sha256: str):
    with blob_open(sha256) as handle:
        return handle.read()


def plant(store: Store, sha256: str, data: bytes) -> None:
    """Put ``data`` under the name of ``sha256`` behind the store's back (corruption or tampering)."""
    name = object_name(sha256)
    if store.root is not None:
        path = store.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o644)
        path.write_bytes(data)
        return
    assert store.server is not None
    store.server.client().put_object(Bucket=store.bucket, Key=name, Body=data)


def staged_files(store: Store) -> list[Path]:
    return list(store.staging.iterdir()) if store.staging.exists() else []


def test_a_stream_is_stored_under_its_hash_and_reads_back(store):
    data = data_of(300_000)
    blob = blob_put_stream(io.BytesIO(data))
    assert blob == StoredBlob(sha256=sha(data), size=len(data), sm3="", created=True)
    assert blob_exists(blob.sha256)
    assert blob_size(blob.sha256) == len(data)
    assert read_all(blob.sha256) == data
    assert list(blob_iter_names()) == [blob.sha256]
    assert staged_files(store) == []
    if store.root is not None:
        path = store.root / "objects" / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750


def test_an_opened_object_streams_through_a_file_response(store):
    data = data_of(3 * MiB + 5)
    blob = blob_put_stream(io.BytesIO(data))
    handle = blob_open(blob.sha256)
    assert handle.size == len(data)
    response = FileResponse(handle, as_attachment=True, filename="clip.mp4")
    assert b"".join(response.streaming_content) == data  # type: ignore[arg-type]
    handle.close()  # (response.close() would signal request_finished, which touches the database)


def test_a_byte_range_is_read_without_the_bytes_before_it(store):
    data = data_of(3 * MiB + 5)
    blob = blob_put_stream(io.BytesIO(data))
    for first, last in ((0, 0), (10, 1_000_009), (2 * MiB, 3 * MiB + 4), (len(data) - 1, len(data) - 1)):
        assert b"".join(blob_read_range(blob.sha256, first, last, chunk=65536)) == data[first : last + 1]
    with pytest.raises(FileNotFoundError):
        blob_read_range(sha(b"never stored"), 0, 1)


def test_the_same_bytes_are_stored_once(store):
    data = data_of(50_000)
    first = blob_put_stream(io.BytesIO(data))
    second = blob_put_stream(io.BytesIO(data))
    assert first.created is True
    assert second == StoredBlob(sha256=first.sha256, size=len(data), created=False)
    assert list(blob_iter_names()) == [first.sha256]
    assert staged_files(store) == []


def test_an_existing_object_is_never_replaced(store):
    data = data_of(40_000)
    planted = data_of(40_000, seed=2)  # same size, other bytes: the put must not "repair" it
    plant(store, sha(data), planted)
    blob = blob_put_stream(io.BytesIO(data))
    assert blob.created is False
    assert read_all(sha(data)) == planted
    # ...and the re-hash is what exposes it.
    assert blob_rehash(sha(data)) == (sha(planted), len(planted))


def test_a_stored_object_of_the_wrong_size_is_reported(store):
    data = data_of(40_000)
    plant(store, sha(data), data[:1000])
    with pytest.raises(BlobCorrupt):
        blob_put_stream(io.BytesIO(data))
    assert read_all(sha(data)) == data[:1000]


def test_a_hash_mismatch_stores_nothing(store):
    data = data_of(70_000)
    with pytest.raises(BlobMismatch):
        blob_put_stream(io.BytesIO(data), expected_sha256=sha(b"something else"))
    assert not blob_exists(sha(data))
    assert list(blob_iter_names()) == []
    assert staged_files(store) == []


def test_the_expected_hash_accepts_the_right_bytes(store):
    data = data_of(10_000)
    assert blob_put_stream(io.BytesIO(data), expected_sha256=sha(data)).sha256 == sha(data)


def test_a_path_with_its_hash_is_moved_without_being_read_again(store, monkeypatch):
    data = data_of(123_456)
    source = staging_dir() / "upload-1.bin"
    source.write_bytes(data)

    def no_rehash(*args, **kwargs):
        raise AssertionError("the file was read again to hash it")

    monkeypatch.setattr(blobstore, "_hash_file", no_rehash)
    blob = blob_put_path(source, sha256=sha(data), move=True)
    assert blob == StoredBlob(sha256=sha(data), size=len(data), created=True)
    assert not source.exists()
    assert read_all(sha(data)) == data


def test_a_path_without_hash_is_hashed_and_kept(store, tmp_path):
    data = data_of(99_999)
    source = tmp_path / "photo.jpg"
    source.write_bytes(data)
    blob = blob_put_path(source)
    assert (blob.sha256, blob.size, blob.created) == (sha(data), len(data), True)
    assert source.read_bytes() == data
    assert read_all(sha(data)) == data
    # Moving a file that is already stored consumes it and changes nothing.
    again = tmp_path / "copy.jpg"
    again.write_bytes(data)
    assert blob_put_path(again, move=True).created is False
    assert not again.exists()


def test_a_path_whose_hash_differs_from_the_announced_one_is_left_alone(store, tmp_path):
    data = data_of(5_000)
    source = tmp_path / "clip.mp4"
    source.write_bytes(data)
    with pytest.raises(BlobMismatch):
        blob_put_path(source, sha256=sha(data), expected_sha256=sha(b"other"), move=True)
    with pytest.raises(BlobMismatch):
        blob_put_path(source, move=True, expected_sha256=sha(b"other"))
    assert source.read_bytes() == data
    assert not blob_exists(sha(data))


def test_a_missing_object_is_file_not_found(store):
    absent = sha(b"never stored")
    assert not blob_exists(absent)
    for read in (blob_open, blob_size, blob_rehash):
        with pytest.raises(FileNotFoundError):
            read(absent)


def test_the_rehash_detects_a_changed_object(store):
    data = data_of(30_000)
    blob = blob_put_stream(io.BytesIO(data))
    assert blob_rehash(blob.sha256) == (blob.sha256, len(data))
    plant(store, blob.sha256, data[:-1] + bytes([data[-1] ^ 1]))
    actual, size = blob_rehash(blob.sha256)
    assert size == len(data)
    assert actual != blob.sha256


def test_only_content_addresses_are_listed(store):
    blob = blob_put_stream(io.BytesIO(b"evidence"))
    stray = "objects/ab/cd/not-a-hash"
    if store.root is not None:
        (store.root / "objects/ab/cd").mkdir(parents=True)
        (store.root / stray).write_bytes(b"x")
        misplaced = store.root / "objects/00/00" / blob.sha256
        misplaced.parent.mkdir(parents=True)
        misplaced.write_bytes(b"x")
    else:
        assert store.server is not None
        store.server.client().put_object(Bucket=store.bucket, Key=stray, Body=b"x")
        store.server.client().put_object(Bucket=store.bucket, Key=f"objects/00/00/{blob.sha256}", Body=b"x")
    assert list(blob_iter_names()) == [blob.sha256]


@pytest.mark.parametrize(
    "bad", ["../../../etc/passwd", "A" * 64, "a" * 63, "a" * 65, "g" * 64, "", "a" * 62 + "/.", "0" * 63 + "\n"]
)
def test_a_malformed_hash_is_refused_before_any_path_is_built(settings, tmp_path, bad):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    for call in (blob_exists, blob_open, blob_size, blob_rehash, object_name):
        with pytest.raises(ValidationFailed):
            call(bad)
    with pytest.raises(ValidationFailed):
        blob_put_stream(io.BytesIO(b"x"), expected_sha256=bad)
    with pytest.raises(ValidationFailed):
        blob_put_path(tmp_path / "nothing", sha256=bad)


def sm3_of(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def test_sm3_is_computed_in_the_same_pass_when_enabled(store, settings, tmp_path):
    # GB/T 32905-2016 appendix A.1: SM3("abc").
    assert sm3_of(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    settings.EVIDENCE_SM3 = True
    data = data_of(3 * MiB + 17)
    blob = blob_put_stream(io.BytesIO(data))
    assert (blob.sha256, blob.sm3) == (sha(data), sm3_of(data))
    source = tmp_path / "given.bin"
    source.write_bytes(data[:1000])
    # Only the SHA-256 given: the SM3 still has to be computed (one pass).
    assert blob_put_path(source, sha256=sha(data[:1000])).sm3 == sm3_of(data[:1000])
    settings.EVIDENCE_SM3 = False
    assert blob_put_stream(io.BytesIO(b"off")).sm3 == ""


def make_big_file(path: Path, size: int) -> None:
    block = os.urandom(MiB)
    with open(path, "wb") as out:
        for i in range(size // MiB):
            out.write(i.to_bytes(8, "little") + block[8:])


def peak_allocated(call) -> tuple[object, int]:
    gc.collect()
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_for_a_large_file(store, tmp_path):
    size = 64 * MiB
    source = tmp_path / "bodycam.mp4"
    make_big_file(source, size)
    # Locally: one 1 MiB buffer. On S3 boto3 keeps a few 8 MiB parts in flight (measured 12-26 MiB for
    # 32, 64 and 128 MiB files alike): bounded by its transfer settings, far below the file's size.
    limit = 4 * MiB if store.kind == "local" else 40 * MiB
    blob, peak = peak_allocated(lambda: blob_put_path(source))
    assert isinstance(blob, StoredBlob) and blob.size == size
    assert peak < limit, f"put_path peak {peak / MiB:.1f} MiB"
    other = tmp_path / "bodycam2.mp4"
    make_big_file(other, size)
    with open(other, "rb") as stream:
        blob2, peak = peak_allocated(lambda: blob_put_stream(stream))
    assert peak < limit, f"put_stream peak {peak / MiB:.1f} MiB"
    result, peak = peak_allocated(lambda: blob_rehash(blob.sha256))
    assert result == (blob.sha256, size)
    assert peak < limit, f"rehash peak {peak / MiB:.1f} MiB"


def test_locked_objects_cannot_be_deleted(store):
    if store.kind != "s3":
        pytest.skip("object lock is an S3 feature")
    assert store.server is not None
    blob = blob_put_stream(io.BytesIO(data_of(10_000)))
    client = store.server.client()
    name = object_name(blob.sha256)
    head = client.head_object(Bucket=store.bucket, Key=name)
    retention = client.get_object_retention(Bucket=store.bucket, Key=name)["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=store.bucket, Key=name, VersionId=head["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert blob_rehash(blob.sha256) == (blob.sha256, 10_000)


@pytest.mark.django_db
def test_verify_merges_the_object_rows_with_the_store_listing(store):
    from sanxiang.evidence import checks
    from sanxiang.evidence.models import EvidenceObject
    from sanxiang.record.verify import Options, Report

    blobs = [blob_put_stream(io.BytesIO(data_of(1000 + i, seed=i))) for i in range(6)]
    kept, wrong_size, changed, *orphans = sorted(blobs, key=lambda b: b.sha256)
    absent = sha(b"recorded but never stored")
    for blob in (kept, wrong_size, changed):
        EvidenceObject.objects.create(sha256=blob.sha256, size=blob.size + (blob is wrong_size))
    EvidenceObject.objects.create(sha256=absent, size=3)
    plant(store, changed.sha256, data_of(changed.size, seed=99))
    report = Report(origin="test")
    checks.blob_check(report, Options(deep=True))
    found = {p.where: p.message for p in report.problems}
    assert set(found) == {f"blob {wrong_size.sha256}", f"blob {changed.sha256}", f"blob {absent}"}
    assert f"the record {wrong_size.size + 1}" in found[f"blob {wrong_size.sha256}"]
    assert "SHA-256 is now" in found[f"blob {changed.sha256}"]
    assert "missing" in found[f"blob {absent}"]
    assert report.blobs == 4
    assert len(report.notes) == 1
    assert all(o.sha256 in report.notes[0] for o in orphans)


class _UnreachableStorage(Storage):
    """A remote store during a network blip: every write fails with a connection error."""

    def exists(self, name):
        return False

    def _save(self, name, content):
        raise ConnectionError("S3 endpoint unreachable")

    def size(self, name):
        raise FileNotFoundError(name)


def test_a_failed_remote_put_keeps_the_moved_file_and_says_the_store_is_unavailable(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "evidence": {"BACKEND": f"{__name__}._UnreachableStorage"}}
    settings.EVIDENCE_STAGING_DIR = tmp_path / "staging"
    path = tmp_path / "upload.part"
    path.write_bytes(b"hello")
    with pytest.raises(StoreUnavailable):
        blob_put_path(path, sha256=sha(b"hello"), move=True)
    assert path.read_bytes() == b"hello"  # still there for a retry
    with pytest.raises(StoreUnavailable):
        blob_put_stream(io.BytesIO(b"hello"))
    assert list((tmp_path / "staging").iterdir()) == []  # the put's own staging copy is cleaned up
