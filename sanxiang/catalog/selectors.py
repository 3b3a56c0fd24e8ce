"""Reads of the catalogues: which legal-review catalogue is in force, and each version's status."""

from __future__ import annotations

import datetime as dt
import enum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from sanxiang.catalog.models import AVList, ReviewCatalogue, ReviewRule


class VersionStatus(enum.StrEnum):
    """Where a list version stands on a given day."""

    DRAFT = "draft"
    PENDING = "pending"  # approved, its date has not come
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"


STATUS_LABELS = {
    VersionStatus.DRAFT: gettext_lazy("Draft"),
    VersionStatus.PENDING: gettext_lazy("Approved, not yet in force"),
    VersionStatus.IN_FORCE: gettext_lazy("In force"),
    VersionStatus.SUPERSEDED: gettext_lazy("Superseded"),
}


def review_catalogue_list() -> QuerySet[ReviewCatalogue]:
    """Every version, newest date first, with its approval."""
    return ReviewCatalogue.objects.select_related("approval", "approval__approved_by", "created_by")


def review_catalogue_in_force(on: dt.date) -> ReviewCatalogue | None:
    """The latest approved catalogue whose ``effective_from`` is on or before ``on``."""
    return (
        ReviewCatalogue.objects.filter(approval__isnull=False, effective_from__lte=on)
        .order_by("-effective_from", "-approval__at", "-id")
        .first()
    )


def review_catalogue_status(catalogue: ReviewCatalogue, on: dt.date) -> VersionStatus:
    """Draft, approved but pending, in force, or superseded on ``on``."""
    if catalogue.approval_row is None:
        return VersionStatus.DRAFT
    if catalogue.effective_from > on:
        return VersionStatus.PENDING
    current = review_catalogue_in_force(on)
    return VersionStatus.IN_FORCE if current is not None and current.pk == catalogue.pk else VersionStatus.SUPERSEDED


def review_rules(catalogue: ReviewCatalogue) -> QuerySet[ReviewRule]:
    return catalogue.rules.select_related("violation").order_by("ground", "code")


def av_list_status(av_list: AVList, on: dt.date) -> VersionStatus:
    """The same statuses for a version of the 音像记录事项清单."""
    from sanxiang.catalog.av import av_list_in_force

    if av_list.approved_at is None:
        return VersionStatus.DRAFT
    if av_list.effective_from > on:
        return VersionStatus.PENDING
    current = av_list_in_force(on)
    return VersionStatus.IN_FORCE if current is not None and current.pk == av_list.pk else VersionStatus.SUPERSEDED
