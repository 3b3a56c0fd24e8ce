"""A large chunk is streamed through in 1 MiB pieces: the memory a PATCH needs does not grow with its body."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

from sanxiang.evidence.models import Evidence
from sanxiang.uploads.tests.base import TusTestCase

SIZE = 64 * 1024 * 1024
BLOCK = os.urandom(1024 * 1024 - 7)  # not a multiple of the server's read size


class GeneratedBody(io.RawIOBase):
    """``size`` bytes made by repeating ``BLOCK``, produced as they are read (never held whole)."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.position = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        out = bytearray()
        while len(out) < n:
            start = self.position % len(BLOCK)
            piece = BLOCK[start : start + n - len(out)]
            out += piece
            self.position += len(piece)
        self.left -= n
        return bytes(out)


def expected_sha256(size: int) -> str:
    hasher, body = hashlib.sha256(), GeneratedBody(size)
    while piece := body.read(4 * 1024 * 1024):
        hasher.update(piece)
    return hasher.hexdigest()


class PatchMemoryTests(TusTestCase):
    def test_a_64_mib_chunk_is_received_with_a_small_peak(self):
        location = self.created(SIZE)
        tracemalloc.start()
        try:
            response = self.patch(
                location, 0, b"", CONTENT_LENGTH=str(SIZE), environ={"wsgi.input": GeneratedBody(SIZE)}
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(Evidence.objects.get().object_id, expected_sha256(SIZE))
        self.assertLess(peak, 16 * 1024 * 1024, f"peak {peak} bytes for a {SIZE}-byte body")
