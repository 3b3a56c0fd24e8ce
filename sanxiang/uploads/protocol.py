"""The tus 1.0.0 vocabulary: header names, the refusal type, and parsers of the request headers.

Pure functions, no Django models: the views turn a ``TusError`` into a plain
text response with its status, and the parsers follow the protocol text
(https://tus.io/protocols/resumable-upload) where clients are known to differ,
e.g. ``Upload-Metadata`` pairs that carry a key and no value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "expiration", "checksum", "termination")
#: ``Upload-Checksum`` algorithms, named as the tus checksum extension names them (hashlib names).
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
PATCH_CONTENT_TYPE = "application/offset+octet-stream"

#: Status codes the tus protocol defines beyond plain HTTP.
CHECKSUM_MISMATCH = 460

_KEY_RE = re.compile(r"^[\x21-\x2b\x2d-\x7e]+$")  # printable ASCII without space and comma
_INT_RE = re.compile(r"^[0-9]{1,19}$")


class TusError(Exception):
    """A refused tus request: ``status`` and a sentence for the client (already translated)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def parse_length(value: str | None, header: str) -> int:
    """A non-negative integer header (``Upload-Length``, ``Upload-Offset``); 400 when absent or malformed."""
    if value is None:
        raise TusError(400, _("The %(header)s header is required.") % {"header": header})
    if not _INT_RE.match(value.strip()):
        raise TusError(400, _("The %(header)s header must be a non-negative integer.") % {"header": header})
    return int(value.strip())


def parse_metadata(value: str | None) -> dict[str, str | None]:
    """Decode ``Upload-Metadata``: comma-separated ``key base64(value)`` pairs, or a key alone (value None).

    Keys are unique, non-empty ASCII without spaces or commas; values must
    decode (strict base64) to UTF-8 text, since every value this platform
    reads is text (a case id, a step code, a file name).
    """
    result: dict[str, str | None] = {}
    if value is None or not value.strip():
        return result
    for pair in value.split(","):
        # "key" alone has no value; "key " has the empty value (base64 of nothing).
        key, separator, encoded = pair.lstrip().partition(" ")
        encoded = encoded.rstrip()
        if not _KEY_RE.match(key) or " " in encoded:
            raise TusError(400, _("Upload-Metadata is malformed: each pair is a key and a base64 value."))
        if key in result:
            raise TusError(400, _("Upload-Metadata names the key %(key)s twice.") % {"key": key})
        result[key] = _decode_value(key, encoded) if separator else None
    return result


def _decode_value(key: str, encoded: str) -> str:
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise TusError(
            400, _("The Upload-Metadata value of %(key)s is not base64-encoded UTF-8 text.") % {"key": key}
        ) from None


def encode_metadata(metadata: dict[str, str | None]) -> str:
    """The ``Upload-Metadata`` header for ``metadata`` (the inverse of ``parse_metadata``)."""
    pairs = []
    for key, text in metadata.items():
        pairs.append(key if text is None else f"{key} {base64.b64encode(text.encode()).decode('ascii')}")
    return ",".join(pairs)


@dataclass(frozen=True)
class Checksum:
    """An ``Upload-Checksum``: the algorithm and the digest the client computed over the PATCH body."""

    algorithm: str
    digest: bytes

    def new_hasher(self) -> Any:
        """A fresh ``hashlib`` object of the algorithm (md5 and sha1 serve integrity, not security)."""
        return hashlib.new(self.algorithm, usedforsecurity=False)


def parse_checksum(value: str | None) -> Checksum | None:
    """Decode ``Upload-Checksum: <algorithm> <base64 digest>``; 400 for an unsupported algorithm or bad digest."""
    if value is None:
        return None
    parts = value.strip().split(" ")
    if len(parts) != 2:
        raise TusError(400, _("Upload-Checksum must be an algorithm name and a base64 digest."))
    algorithm = parts[0].lower()
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise TusError(
            400,
            _("The checksum algorithm %(name)s is not supported; use one of: %(names)s.")
            % {"name": parts[0], "names": ", ".join(CHECKSUM_ALGORITHMS)},
        )
    try:
        digest = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != hashlib.new(algorithm, usedforsecurity=False).digest_size:
        raise TusError(400, _("The Upload-Checksum digest is not a base64 %(name)s digest.") % {"name": algorithm})
    return Checksum(algorithm, digest)
