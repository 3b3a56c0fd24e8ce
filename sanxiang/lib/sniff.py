"""What a file's first bytes say it is: enough to refuse a photo, a PDF or a text posing as a recording.

An audio/video recording satisfies the recording gate (RULES.md §13.17), so
the evidence store checks that a file declared as one does not begin like
something else. Known recording containers are recognised; files no rule
recognises are let through (body cameras write proprietary containers, e.g.
Dahua ``.dav``; MPEG-TS has no signature in its first bytes), except text,
which is never a recording.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How many leading bytes ``sniff`` looks at.
HEAD_BYTES = 64


@dataclass(frozen=True)
class Sniffed:
    name: str
    #: "av" (audio or video), "image", "document", "archive", "text", or "" when not recognised.
    family: str


_AV = "av"
# (offset, magic, name, family): checked in order; RIFF and ISO-BMFF are refined below.
_SIGNATURES: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM", _AV),
    (0, b"OggS", "Ogg", _AV),
    (0, b"fLaC", "FLAC", _AV),
    (0, b"ID3", "MP3", _AV),
    (0, b"#!AMR", "AMR", _AV),
    (0, b"FLV", "FLV", _AV),
    (0, b"\x00\x00\x01\xba", "MPEG-PS", _AV),
    (0, b"\x00\x00\x01\xb3", "MPEG video", _AV),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "ASF/WMV", _AV),
    (0, b"\x89PNG\r\n\x1a\n", "PNG image", "image"),
    (0, b"\xff\xd8\xff", "JPEG image", "image"),
    (0, b"GIF87a", "GIF image", "image"),
    (0, b"GIF89a", "GIF image", "image"),
    (0, b"BM", "BMP image", "image"),
    (0, b"%PDF-", "PDF document", "document"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document", "document"),
    (0, b"PK\x03\x04", "ZIP archive", "archive"),
    (0, b"Rar!", "RAR archive", "archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z archive", "archive"),
    (0, b"\x1f\x8b", "gzip archive", "archive"),
)
_RIFF = {b"WAVE": ("WAV", _AV), b"AVI ": ("AVI", _AV), b"WEBP": ("WebP image", "image")}
_ISO_IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif"}


def sniff(head: bytes) -> Sniffed:
    """Recognise ``head`` (the first ``HEAD_BYTES`` bytes of a file).

    Text is tested first: every recording format has binary bytes (sizes,
    versions, NULs) within its first 64 bytes, so a head that decodes as
    printable text is text whatever it starts with.
    """
    if head and _is_text(head):
        return Sniffed("text", "text")
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return Sniffed(*_RIFF[head[8:12]])
    if head[4:8] == b"ftyp":  # ISO base media (MP4, MOV, 3GP, M4A…), unless an image brand
        brand = head[8:12]
        return Sniffed("HEIF image", "image") if brand in _ISO_IMAGE_BRANDS else Sniffed("MP4/QuickTime", _AV)
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return Sniffed("MPEG audio", _AV)
    for offset, magic, name, family in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return Sniffed(name, family)
    return Sniffed("", "")


def _is_text(head: bytes) -> bool:
    """UTF-8 without control characters other than whitespace (a cut multibyte tail is allowed)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason != "unexpected end of data":  # only a multibyte character cut by the 64-byte window
            return False
        text = head[: err.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
