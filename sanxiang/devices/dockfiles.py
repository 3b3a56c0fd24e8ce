"""What a camera dock leaves in its folder, read without touching the database: media files, names, sidecars.

A dock (执法记录仪采集站) copies each recording into a folder. For every file
``sanxiang ingest`` needs the device, the person and the capture time; it
takes them, in this order, from:

1. a **sidecar** ``<file>.json`` next to the file (``VID_0001.MP4.json``), a
   JSON object whose keys are all optional (other keys are ignored)::

       {
         "device_serial": "DSJ-0001",            // the recording device's serial number
         "officer_cert_no": "22030001",          // the wearer's enforcement certificate number
         "captured_at": "2026-06-01T09:15:00+08:00",  // ISO 8601; without an offset: local time
         "location": "站前街道中央路",             // free text, at most 200 characters
         "sha256": "…64 hex digits…"             // the dock's own hash: a different file is refused
       }

2. the **file name**: ``<SERIAL>_<YYYYMMDDhhmmss>[_<anything>].<ext>`` (the
   usual body-camera pattern, e.g. ``DSJ-0001_20260601091500_0001.MP4``) or
   the same with the wearer's certificate number in place of the serial
   (``22030001_20260601091500.mp4``); the time is local time;
3. the file's **modification time**, for the time only (a copy may have
   changed it: the report says which source gave the time).

Media files are recognised by extension (and ``mimetypes`` for others):
video, audio and photos. Everything else, hidden and partial files included,
is listed as ignored. Files are only ever read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.evidence.actions import CAPTURED_AT_MIN
from sanxiang.evidence.models import EvidenceKind

CHUNK = 1 << 20  # 1 MiB, as the evidence store reads
SIDECAR_SUFFIX = ".json"
LOCATION_MAX = 200
#: A sidecar is a few lines of JSON; a larger one is refused unread (reported as a bad sidecar).
SIDECAR_MAX_BYTES = 64 * 1024

#: Extension -> (evidence kind, media type) for what body cameras, cameras and recorders write.
MEDIA_EXTENSIONS: dict[str, tuple[EvidenceKind, str]] = {
    "mp4": (EvidenceKind.VIDEO, "video/mp4"),
    "m4v": (EvidenceKind.VIDEO, "video/mp4"),
    "mov": (EvidenceKind.VIDEO, "video/quicktime"),
    "avi": (EvidenceKind.VIDEO, "video/x-msvideo"),
    "mkv": (EvidenceKind.VIDEO, "video/x-matroska"),
    "3gp": (EvidenceKind.VIDEO, "video/3gpp"),
    "ts": (EvidenceKind.VIDEO, "video/mp2t"),
    "mts": (EvidenceKind.VIDEO, "video/mp2t"),
    "m2ts": (EvidenceKind.VIDEO, "video/mp2t"),
    "wmv": (EvidenceKind.VIDEO, "video/x-ms-wmv"),
    "asf": (EvidenceKind.VIDEO, "video/x-ms-asf"),
    "flv": (EvidenceKind.VIDEO, "video/x-flv"),
    "wav": (EvidenceKind.AUDIO, "audio/wav"),
    "mp3": (EvidenceKind.AUDIO, "audio/mpeg"),
    "aac": (EvidenceKind.AUDIO, "audio/aac"),
    "m4a": (EvidenceKind.AUDIO, "audio/mp4"),
    "amr": (EvidenceKind.AUDIO, "audio/amr"),
    "wma": (EvidenceKind.AUDIO, "audio/x-ms-wma"),
    "ogg": (EvidenceKind.AUDIO, "audio/ogg"),
    "opus": (EvidenceKind.AUDIO, "audio/opus"),
    "flac": (EvidenceKind.AUDIO, "audio/flac"),
    "jpg": (EvidenceKind.PHOTO, "image/jpeg"),
    "jpeg": (EvidenceKind.PHOTO, "image/jpeg"),
    "png": (EvidenceKind.PHOTO, "image/png"),
    "heic": (EvidenceKind.PHOTO, "image/heic"),
    "heif": (EvidenceKind.PHOTO, "image/heif"),
    "bmp": (EvidenceKind.PHOTO, "image/bmp"),
    "tif": (EvidenceKind.PHOTO, "image/tiff"),
    "tiff": (EvidenceKind.PHOTO, "image/tiff"),
}
_KIND_OF_TYPE = {"video": EvidenceKind.VIDEO, "audio": EvidenceKind.AUDIO, "image": EvidenceKind.PHOTO}
_NAME = re.compile(r"^(?P<ident>[A-Za-z0-9][A-Za-z0-9._-]*?)_(?P<ts>\d{14})(?:_.*)?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def media_kind(path: Path) -> tuple[EvidenceKind, str] | None:
    """The evidence kind and media type of a media file, or None for anything else (hidden files included)."""
    if path.name.startswith("."):
        return None
    extension = path.suffix.lower().lstrip(".")
    if extension in MEDIA_EXTENSIONS:
        return MEDIA_EXTENSIONS[extension]
    guessed, _encoding = mimetypes.guess_type(path.name, strict=False)
    if guessed and guessed.split("/", 1)[0] in _KIND_OF_TYPE:
        return _KIND_OF_TYPE[guessed.split("/", 1)[0]], guessed
    return None


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _is_sidecar(path: Path) -> bool:
    return (
        path.name.endswith(SIDECAR_SUFFIX) and media_kind(path.with_name(path.name[: -len(SIDECAR_SUFFIX)])) is not None
    )


def walk(root: Path) -> tuple[list[Path], list[Path]]:
    """The media files under ``root`` (a file or a folder, recursively, in name order) and the other files.

    Sidecars are neither: they belong to their media file. Symbolic links to
    folders are not followed (a dock folder linking elsewhere is not walked twice).
    """
    media: list[Path] = []
    ignored: list[Path] = []
    for path in _files(root):
        if media_kind(path) is not None:
            media.append(path)
        elif not _is_sidecar(path):
            ignored.append(path)
    return media, ignored


def _files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


@dataclass(frozen=True)
class NameInfo:
    """What a file name says: the leading identifier (device serial or certificate number) and the local time.

    ``captured_at`` is None when the time is before ``CAPTURED_AT_MIN`` (a camera whose clock was reset).
    """

    ident: str
    captured_at: dt.datetime | None


def parse_name(name: str) -> NameInfo | None:
    """Read ``<IDENT>_<YYYYMMDDhhmmss>[_<anything>].<ext>``; None when the name does not follow it.

    The time is local (``TIME_ZONE``): cameras keep the wall-clock time.
    """
    stem = name.rsplit(".", 1)[0] if "." in name else name
    match = _NAME.match(stem)
    if match is None:
        return None
    try:
        naive = dt.datetime.strptime(match["ts"], "%Y%m%d%H%M%S")  # noqa: DTZ007 (made aware just below)
    except ValueError:
        return None
    if naive.year < CAPTURED_AT_MIN.year:  # a camera clock reset (or year 1, which would overflow): no time
        return NameInfo(match["ident"], None)
    return NameInfo(match["ident"], timezone.make_aware(naive, timezone.get_default_timezone()))


class SidecarError(ValueError):
    """The sidecar cannot be used; the message says why (already translated)."""


@dataclass(frozen=True)
class Sidecar:
    device_serial: str = ""
    officer_cert_no: str = ""
    captured_at: dt.datetime | None = None
    location: str = ""
    sha256: str = ""


def _text(data: dict[str, object], key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SidecarError(_("The sidecar's %(k)s must be a string.") % {"k": key})
    return value.strip()


def _time(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise SidecarError(_("The sidecar's captured_at is not an ISO 8601 time: %(v)s.") % {"v": value}) from None
    if parsed.year < CAPTURED_AT_MIN.year:
        raise SidecarError(
            _("The sidecar's captured_at is before %(day)s: %(v)s.")
            % {"day": CAPTURED_AT_MIN.date().isoformat(), "v": value}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def read_sidecar(path: Path) -> Sidecar | None:
    """The sidecar of the media file at ``path``, None when there is none; ``SidecarError`` when it is unusable."""
    side = sidecar_path(path)
    if not side.is_file():
        return None
    try:
        with open(side, "rb") as handle:
            raw = handle.read(SIDECAR_MAX_BYTES + 1)
    except OSError as exc:
        raise SidecarError(_("The sidecar %(f)s cannot be read: %(e)s.") % {"f": side.name, "e": exc}) from None
    if len(raw) > SIDECAR_MAX_BYTES:
        raise SidecarError(
            _("The sidecar %(f)s is larger than %(n)d bytes.") % {"f": side.name, "n": SIDECAR_MAX_BYTES}
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON (both ValueErrors), or nested too deeply
        raise SidecarError(_("The sidecar %(f)s cannot be read: %(e)s.") % {"f": side.name, "e": exc}) from None
    if not isinstance(data, dict):
        raise SidecarError(_("The sidecar %(f)s must hold a JSON object.") % {"f": side.name})
    sha256 = _text(data, "sha256").lower()
    if sha256 and not _HEX64.match(sha256):
        raise SidecarError(_("The sidecar's sha256 is not 64 hexadecimal digits."))
    location = _text(data, "location")
    if len(location) > LOCATION_MAX:
        raise SidecarError(_("The sidecar's location has more than %(n)d characters.") % {"n": LOCATION_MAX})
    return Sidecar(
        device_serial=_text(data, "device_serial"),
        officer_cert_no=_text(data, "officer_cert_no"),
        captured_at=_time(_text(data, "captured_at")),
        location=location,
        sha256=sha256,
    )


def file_sha256(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """Hash the file in one streaming pass (constant memory), reporting each chunk's size to ``progress``."""
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            digest.update(view[:count])
            if progress is not None:
                progress(count)
    return digest.hexdigest()


def modified_at(path: Path) -> dt.datetime:
    """The file's modification time, aware."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
