"""HTTP byte ranges (RFC 9110 §14): parsing one ``Range: bytes=…`` header against a representation's size.

Only a single range is served: media players ask for one range at a time,
and a multipart/byteranges reply buys nothing for replaying a recording.
A header that is not a bytes range, or that asks for several ranges, is
ignored (the whole representation is served, as RFC 9110 §14.2 allows); a
range that starts past the end is unsatisfiable (416).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ByteRange:
    """An inclusive range ``first``–``last`` of a representation of ``size`` bytes."""

    first: int
    last: int
    size: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.size}"


class Unsatisfiable(Exception):
    """The range lies wholly outside the representation: answer 416 with ``Content-Range: bytes */size``."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range ``header`` asks for, clipped to ``size``; None to serve everything; ``Unsatisfiable`` for 416.

    1. Anything but ``bytes=<one spec>`` (another unit, a list, garbage) → None.
    2. ``first-last`` / ``first-``: ``first`` past the end → Unsatisfiable; ``last`` clipped to size-1.
    3. ``-n`` (the last n bytes): n = 0 → Unsatisfiable; n > size → the whole representation.
    """
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash or not (first_text + last_text).isdigit() or not (first_text or last_text):
        return None
    if not first_text:
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1, size)
    first = int(first_text)
    last = int(last_text) if last_text else max(first, size - 1)
    if last < first:
        return None
    if first >= size:
        raise Unsatisfiable
    return ByteRange(first, min(last, size - 1), size)
