"""The 事前公开 lists (118号; RULES.md §3.1): where each list's rows come from, and its columns.

A list is published as a snapshot: the publicity officer prepares a new
version from the internal data (``rows``), a leader approves it, and the
public sees the published snapshot only, never the live tables. Sources whose
app holds no data yet give no rows (the page then says nothing is published).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanxiang.org.certificate_queries import certificate_badge
from sanxiang.org.models import Agency, Certificate, CertificateStatus, Unit

Row = dict[str, Any]


def officer_public_id(cert: Certificate) -> str:
    """A stable, unguessable id for an officer's public page (no name or number in the URL)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"officer:{cert.pk}".encode(), hashlib.sha256)
    return mac.hexdigest()[:20]


def _bodies() -> list[Row]:
    rows: list[Row] = []
    for agency in Agency.objects.all():
        rows.append({"name": agency.name, "kind": str(_("Enforcement body")), "basis": agency.legal_basis,
                     "duties": agency.duties, "address": agency.address, "phone": agency.phone})  # fmt: skip
        for unit in Unit.objects.filter(agency=agency):
            rows.append({"name": unit.name, "kind": unit.get_kind_display(), "basis": "", "duties": "",
                         "address": agency.address, "phone": agency.phone})  # fmt: skip
    return rows


def _roster() -> list[Row]:
    today = timezone.localdate()
    certs = (
        Certificate.objects.exclude(status=CertificateStatus.REVOKED)
        .filter(valid_to__gte=today)
        .select_related("holder", "holder__unit")
        .prefetch_related("categories", "regions")
    )
    return [
        {
            "id": officer_public_id(c),
            "name": c.holder.full_name,
            "unit": c.holder.unit.name if c.holder.unit else "",
            "post": c.holder.position,
            "number": c.number,
            "categories": "、".join(cat.name for cat in c.categories.all()),
            "regions": "、".join(r.name for r in c.regions.all()),
            "valid_from": c.valid_from.isoformat(),
            "valid_to": c.valid_to.isoformat(),
            "issuer": c.issuing_authority,
            "status": str(certificate_badge(c, today).label),
            "photo": bool(c.photo),
        }
        for c in certs
    ]


def _items() -> list[Row]:
    from sanxiang.catalog.models import Violation

    return [
        {
            "code": v.code,
            "title": v.title,
            "category": v.category.name,
            "violated": v.violated_provisions,
            "penalty": v.penalty_provisions,
        }  # fmt: skip
        for v in Violation.objects.filter(active=True).select_related("category").order_by("code")
    ]


def _channels() -> list[Row]:
    return [
        {
            "name": a.name,
            "supervision": a.supervision_channels,
            "remedy": a.remedy_channels,
            "review_body": a.review_body,
            "phone": a.phone,
        }  # fmt: skip
        for a in Agency.objects.all()
    ]


def _av_list() -> list[Row]:
    from sanxiang.catalog.models import AVList

    current = AVList.objects.filter(approved_at__isnull=False).order_by("-effective_from").first()
    if current is None:
        return []
    return [
        {
            "version": current.version,
            "procedure": i.procedure,
            "step": i.transition,
            "level": i.get_level_display(),
            "basis": i.basis,
        }  # fmt: skip
        for i in current.items.all()
    ]


def _review_catalogue() -> list[Row]:
    from sanxiang.catalog.models import ReviewCatalogue

    current = ReviewCatalogue.objects.filter(approval__isnull=False).order_by("-effective_from").first()
    if current is None:
        return []
    return [
        {"version": current.version, "rule": r.label, "ground": r.get_ground_display(), "basis": r.basis}
        for r in current.rules.all()
    ]


def _baselines() -> list[Row]:
    from sanxiang.discretion.models import Baseline

    current = Baseline.objects.filter(approval__isnull=False).order_by("-effective_from").first()
    if current is None:
        return []
    return [
        {
            "version": current.version,
            "violation": i.violation.title,
            "violated": i.violated_provisions,
            "penalty": i.penalty_provisions,
            "note": i.note,
        }  # fmt: skip
        for i in current.items.select_related("violation")
    ]


@dataclass(frozen=True)
class ListSource:
    code: str
    title: Promise
    columns: tuple[tuple[str, Promise], ...]
    rows: Callable[[], list[Row]]
    #: Edited in Excel and imported (``guides``), not snapshotted from internal tables; shown as cards.
    imported: bool = False


def _no_rows() -> list[Row]:
    return []


GUIDE_COLUMNS = (
    ("name", _("Item")),
    ("basis", _("Legal basis")),
    ("accepting_body", _("Accepting body")),
    ("approving_body", _("Approving body")),
    ("conditions", _("Conditions")),
    ("preferential", _("Preferential policies")),
    ("materials", _("Application materials")),
    ("process", _("Process")),
    ("time_limit", _("Time limit")),
    ("supervision", _("Supervision")),
    ("accountability", _("Accountability")),
    ("hours", _("Office hours")),
    ("address", _("Address")),
    ("phone", _("Phone")),
)


SOURCES: dict[str, ListSource] = {
    s.code: s
    for s in (
        ListSource(
            "bodies",
            _("Enforcement bodies"),
            (
                ("name", _("Name")),
                ("kind", _("Kind")),
                ("basis", _("Legal basis")),
                ("duties", _("Duties and powers")),
                ("address", _("Address")),
                ("phone", _("Phone")),
            ),
            _bodies,
        ),  # fmt: skip
        ListSource(
            "roster",
            _("Roster of enforcement officers"),
            (
                ("name", _("Name")),
                ("unit", _("Unit")),
                ("post", _("Post")),
                ("number", _("Certificate number")),
                ("categories", _("Categories")),
                ("regions", _("Regions")),
                ("valid_to", _("Valid until")),
            ),
            _roster,
        ),  # fmt: skip
        ListSource(
            "items",
            _("List of enforcement items"),
            (
                ("code", _("Code")),
                ("title", _("Item")),
                ("category", _("Category")),
                ("violated", _("Provisions violated")),
                ("penalty", _("Penalty provisions")),
            ),
            _items,
        ),  # fmt: skip
        ListSource(
            "review_catalogue",
            _("Legal review catalogue"),
            (("version", _("Version")), ("rule", _("Rule")), ("ground", _("Ground")), ("basis", _("Basis"))),
            _review_catalogue,
        ),  # fmt: skip
        ListSource(
            "av_list",
            _("Audio/video recording list"),
            (
                ("version", _("Version")),
                ("procedure", _("Procedure")),
                ("step", _("Step")),
                ("level", _("Requirement")),
                ("basis", _("Basis")),
            ),
            _av_list,
        ),  # fmt: skip
        ListSource(
            "baselines",
            _("Discretion baselines"),
            (
                ("version", _("Version")),
                ("violation", _("Violation")),
                ("violated", _("Provisions violated")),
                ("penalty", _("Penalty provisions")),
                ("note", _("Note")),
            ),
            _baselines,
        ),  # fmt: skip
        ListSource(
            "channels",
            _("Supervision and remedy channels"),
            (
                ("name", _("Body")),
                ("supervision", _("Supervision and complaints")),
                ("remedy", _("Remedies")),
                ("review_body", _("Reconsideration body")),
                ("phone", _("Phone")),
            ),
            _channels,
        ),  # fmt: skip
    )
}
SOURCES["guides"] = ListSource("guides", _("Service guides"), GUIDE_COLUMNS, _no_rows, imported=True)
