"""The S3 backend of the evidence store: django-storages' ``S3Storage`` with object lock and streaming reads.

Why a subclass: object-lock retention must be computed when each object is
written (now + N days), not once when the settings load; a content address
must never be renamed to an "available" alternative name (identical bytes
under the same key are the same evidence); and reading a multi-gigabyte
video must stream the GET body instead of spooling it to a temporary file as
``S3File`` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]
from storages.utils import clean_name  # type: ignore[import-untyped]


class EvidenceS3Storage(S3Storage):  # type: ignore[misc]
    """``S3Storage`` plus ``object_lock_days`` (0 = off; > 0 = COMPLIANCE retention on every put)."""

    def get_default_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().get_default_settings()
        settings["object_lock_days"] = 0
        return settings

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = super().get_object_parameters(name)
        params.setdefault("ChecksumAlgorithm", "SHA256")  # the server checks every part's SHA-256 on arrival
        days = int(self.object_lock_days or 0)
        if days > 0:
            params["ObjectLockMode"] = "COMPLIANCE"
            params["ObjectLockRetainUntilDate"] = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
        return params

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        # Content-addressed: the same key always holds the same bytes, so never invent another name.
        return str(clean_name(name))

    def key(self, name: str) -> str:
        """The bucket key of a storage name (the storage's ``location`` prefix applied)."""
        return str(self._normalize_name(clean_name(name)))

    def put_file(self, name: str, path: Path) -> None:
        """Upload a local file to ``name`` (multipart when large), reading it part by part from disk.

        ``upload_file`` with a path keeps memory flat; ``upload_fileobj`` (what
        ``save`` uses) holds whole parts in memory, several at a time.
        """
        params = self._get_write_parameters(name)
        self.bucket.Object(self.key(name)).upload_file(str(path), ExtraArgs=params, Config=self.transfer_config)

    def open_stream(self, name: str, byte_range: tuple[int, int] | None = None) -> tuple[Any, int]:
        """The object's streaming body (botocore ``StreamingBody``) and length; ``FileNotFoundError`` if absent.

        ``byte_range`` (first, last), inclusive: only those bytes are fetched (an S3 ranged GET), and the
        length returned is the range's.
        """
        extra = {"Range": f"bytes={byte_range[0]}-{byte_range[1]}"} if byte_range else {}
        try:
            response = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=self.key(name), **extra)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                raise FileNotFoundError(name) from None
            raise
        return response["Body"], int(response["ContentLength"])

    def iter_names(self, prefix: str) -> Iterator[str]:
        """Every storage name under ``prefix``, in key order, with one paginated listing (no per-level calls)."""
        root = self.key("")
        root = root + "/" if root and not root.endswith("/") else root
        paginator = self.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=self.key(prefix)):
            for entry in page.get("Contents", ()):
                key = str(entry["Key"])
                yield key[len(root) :] if root and key.startswith(root) else key
