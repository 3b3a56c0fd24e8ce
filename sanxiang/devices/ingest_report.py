"""The outcome of ``sanxiang ingest``: one ``FileResult`` per media file and the run's ``Report``.

Outcomes: *linked* (stored and added to a case step), *unlinked* (stored,
not linked: the reason says why), *skipped* (already stored and attached),
*failed* (not stored). The exit status follows: 0 when every file was linked
or skipped, 2 when some are stored but not linked, 1 when some failed.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanxiang.cases.models import Case
from sanxiang.devices.models import RecordingDevice
from sanxiang.org.models import User


class Outcome(enum.StrEnum):
    LINKED = "linked"
    UNLINKED = "unlinked"  # stored, not linked
    SKIPPED = "skipped"  # already stored and attached
    FAILED = "failed"  # not stored


class Reason(enum.StrEnum):
    UNKNOWN_DEVICE = "unknown_device"
    NO_OFFICER = "no_officer"
    NO_CASE = "no_case"
    AMBIGUOUS = "ambiguous"
    REFUSED = "refused"  # evidence_add refused the item
    ALREADY = "already_ingested"
    SHA256_MISMATCH = "sha256_mismatch"
    BAD_SIDECAR = "bad_sidecar"
    UNREADABLE = "unreadable"
    CHANGED = "changed"  # the file changed between the hash and the copy


@dataclass(frozen=True)
class Options:
    window: dt.timedelta
    dry_run: bool = False
    officer: User | None = None
    device: RecordingDevice | None = None
    case: Case | None = None
    step: str = ""


class Progress:
    """Receives byte counts; the command draws them as a bar. The default draws nothing."""

    def add_total(self, n: int) -> None:
        """More bytes are to be read than announced (a file is being stored)."""

    def advance(self, n: int) -> None:
        """``n`` more bytes were read."""


@dataclass
class FileResult:
    """What happened to one file (or, in a dry run, what would)."""

    path: Path
    size: int = 0
    sha256: str = ""
    kind: str = ""
    media_type: str = ""
    captured_at: dt.datetime | None = None
    time_source: str = ""  # sidecar, name, mtime
    device_serial: str = ""
    officer: User | None = None
    officer_source: str = ""  # option, sidecar, name, device_holder
    location: str = ""
    case: Case | None = None
    step: str = ""
    outcome: Outcome = Outcome.FAILED
    reason: Reason | None = None
    message: str = ""
    evidence_id: int | None = None
    stored: bool = False  # newly stored by this run

    def settle(self, outcome: Outcome, reason: Reason | None = None, message: str = "") -> FileResult:
        self.outcome, self.reason, self.message = outcome, reason, message
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "sha256": self.sha256,
            "kind": self.kind,
            "media_type": self.media_type,
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
            "time_source": self.time_source,
            "device_serial": self.device_serial,
            "officer": self.officer.username if self.officer else None,
            "officer_name": self.officer.full_name if self.officer else None,
            "officer_source": self.officer_source,
            "case_id": self.case.pk if self.case else None,
            "case_number": str(self.case) if self.case else None,
            "step": self.step,
            "outcome": self.outcome.value,
            "reason": self.reason.value if self.reason else None,
            "message": self.message,
            "evidence_id": self.evidence_id,
            "stored": self.stored,
        }


@dataclass
class Report:
    root: Path
    dry_run: bool
    window_hours: float
    files: list[FileResult] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)

    def of(self, outcome: Outcome) -> list[FileResult]:
        return [f for f in self.files if f.outcome == outcome]

    @property
    def exit_code(self) -> int:
        """0: every file linked or skipped; 2: some stored but not linked; 1: some failed."""
        if self.of(Outcome.FAILED):
            return 1
        return 2 if self.of(Outcome.UNLINKED) else 0

    def counts(self) -> dict[str, int]:
        counts = {outcome.value: len(self.of(outcome)) for outcome in Outcome}
        return {"files": len(self.files), **counts, "ignored": len(self.ignored)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.root),
            "dry_run": self.dry_run,
            "window_hours": self.window_hours,
            "summary": self.counts(),
            "exit_code": self.exit_code,
            "files": [f.as_dict() for f in self.files],
            "ignored": [str(p) for p in self.ignored],
        }
