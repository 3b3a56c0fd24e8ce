"""Reads of the discretion baselines: the version in force on a day, the versions with their status, items."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sanxiang.discretion.models import Baseline, BaselineItem


def baseline_in_force(on: dt.date) -> Baseline | None:
    """The latest approved version with ``effective_from`` on or before ``on`` (a later approval wins a tie)."""
    return (
        Baseline.objects.filter(approval__isnull=False, effective_from__lte=on)
        .order_by("-effective_from", "-approval__approved_at", "-id")
        .first()
    )


class Status:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"


STATUS_LABELS = {
    Status.DRAFT: _("Draft, awaiting approval"),
    Status.SCHEDULED: _("Approved, not yet in force"),
    Status.IN_FORCE: _("In force"),
    Status.SUPERSEDED: _("Superseded"),
}


@dataclass(frozen=True)
class VersionRow:
    baseline: Baseline
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def baseline_status(baseline: Baseline, *, today: dt.date, current: Baseline | None) -> str:
    """Draft, approved but not yet in force, in force (``current``), or superseded."""
    if not hasattr(baseline, "approval"):
        return Status.DRAFT
    if current is not None and baseline.pk == current.pk:
        return Status.IN_FORCE
    if baseline.effective_from > today:
        return Status.SCHEDULED
    return Status.SUPERSEDED


def baseline_list(*, today: dt.date) -> list[VersionRow]:
    """Every version, newest first, with its status and counts (``n_items``)."""
    current = baseline_in_force(today)
    versions = Baseline.objects.select_related("approval", "created_by").annotate(n_items=Count("items"))
    return [VersionRow(b, baseline_status(b, today=today, current=current)) for b in versions]


def baseline_items(baseline: Baseline, *, q: str = "") -> QuerySet[BaselineItem]:
    """The items of ``baseline`` with their tiers, by violation code; ``q`` searches the code and the title."""
    items = baseline.items.select_related("violation", "baseline").prefetch_related("tiers").order_by("violation__code")
    if q:
        items = items.filter(Q(violation__code__icontains=q) | Q(violation__title__icontains=q))
    return items


def baseline_content(baseline: Baseline) -> list[dict[str, Any]]:
    """The version's items and tiers as plain data (what an approval commits to)."""
    content = []
    for item in baseline_items(baseline):
        tiers = [
            {
                "order": t.order, "circumstance": t.circumstance, "level": t.level, "types": sorted(t.types),
                "person": [t.person_min_fen, t.person_max_fen], "org": [t.org_min_fen, t.org_max_fen],
                "description": t.description,
            }
            for t in item.tiers.all()
        ]  # fmt: skip
        content.append(
            {
                "violation": item.violation.code,
                "violated_provisions": item.violated_provisions,
                "penalty_provisions": item.penalty_provisions,
                "note": item.note,
                "tiers": tiers,
            }
        )
    return content


def baseline_digest(baseline: Baseline) -> str:
    """SHA-256 of the canonical JSON of ``baseline_content`` and the version's date."""
    data = {"effective_from": baseline.effective_from.isoformat(), "items": baseline_content(baseline)}
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def baseline_unchanged(baseline: Baseline) -> bool | None:
    """None for a draft; else whether the content still has the digest the leader approved."""
    if not hasattr(baseline, "approval"):
        return None
    return baseline_digest(baseline) == baseline.approval.content_digest


@dataclass(frozen=True)
class Changes:
    """Violation codes added, removed and changed (provisions, note or tiers) from one version to another."""

    against: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def baseline_changes(baseline: Baseline, against: Baseline) -> Changes:
    """What ``baseline`` changes from ``against`` (e.g. a draft from the version in force), by violation code."""
    new = {item["violation"]: item for item in baseline_content(baseline)}
    old = {item["violation"]: item for item in baseline_content(against)}
    return Changes(
        against=against.version,
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=tuple(sorted(code for code in new.keys() & old.keys() if new[code] != old[code])),
    )
