"""Writes to the discretion baselines: draft a version, copy one, approve it (a leader), discard a draft.

A version is written whole (``baseline_create``) and never edited; approval is
a record-log row committing to the content digest. Drafting belongs to the
legal section (``Perm.CATALOG_MANAGE``), approval to a leader (``Perm.CATALOG_APPROVE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.discretion.models import Baseline, BaselineApproval, BaselineItem, Level, Tier
from sanxiang.discretion.selectors import baseline_digest
from sanxiang.lib.exceptions import DomainError, ValidationFailed
from sanxiang.lib.validation import field_error
from sanxiang.org.models import User
from sanxiang.org.permissions import Perm, require_perm
from sanxiang.record.actions import audit_record
from sanxiang.record.logged import log_insert
from sanxiang.record.models import AuditCategory

MAX_CIRCUMSTANCE = 40
MAX_VERSION = 40
#: Fine bounds in fen; 10^13 fen (10^11 yuan) is beyond any statutory fine and fits a 64-bit column.
MAX_FEN = 10**13


@dataclass(frozen=True)
class TierSpec:
    circumstance: str
    level: Level
    types: frozenset[PenaltyType] = frozenset()
    person_min_fen: int | None = None
    person_max_fen: int | None = None
    org_min_fen: int | None = None
    org_max_fen: int | None = None
    description: str = ""


@dataclass(frozen=True)
class ItemSpec:
    violation: Violation
    tiers: Sequence[TierSpec]
    violated_provisions: str = ""  # blank: the catalogue's
    penalty_provisions: str = ""
    note: str = ""


def _pair_errors(low: int | None, high: int | None, low_field: str, high_field: str) -> list[tuple[str, str]]:
    if (low is None) != (high is None):
        missing = high_field if high is None else low_field
        return [(missing, _("Give both the minimum and the maximum, or neither."))]
    if low is None or high is None:
        return []
    errors = [(f, _("Enter an amount from 0 to 100,000,000,000 yuan.")) for f, v in ((low_field, low), (high_field, high))
              if not 0 <= v <= MAX_FEN]  # fmt: skip
    if not errors and low > high:
        errors.append((high_field, _("The maximum is below the minimum.")))
    return errors


def tier_errors(spec: TierSpec) -> list[tuple[str, str]]:
    """Every problem of one tier as (field name, message); empty when the tier is valid."""
    errors: list[tuple[str, str]] = []
    if not spec.circumstance.strip():
        errors.append(("circumstance", _("Name the circumstance (e.g. 轻微, 一般, 较重, 严重).")))
    elif len(spec.circumstance.strip()) > MAX_CIRCUMSTANCE:
        errors.append(("circumstance", _("At most %(n)s characters.") % {"n": MAX_CIRCUMSTANCE}))
    bounds = (spec.person_min_fen, spec.person_max_fen, spec.org_min_fen, spec.org_max_fen)
    if spec.level == Level.NO_PENALTY and spec.types:
        errors.append(("types", _("A tier of no penalty has no penalty type.")))
    elif spec.level != Level.NO_PENALTY and not spec.types:
        errors.append(("types", _("Give the penalty types of this tier.")))
    if PenaltyType.FINE not in spec.types:
        if any(b is not None for b in bounds):
            errors.append(("types", _("Fine amounts are given but the penalty types have no fine.")))
        return errors
    errors += _pair_errors(spec.person_min_fen, spec.person_max_fen, "person_min_fen", "person_max_fen")
    errors += _pair_errors(spec.org_min_fen, spec.org_max_fen, "org_min_fen", "org_max_fen")
    if all(b is None for b in bounds):
        errors.append(("person_min_fen", _("A fine needs its range for natural persons, organisations or both.")))
    return errors


def item_errors(spec: ItemSpec) -> list[tuple[int | None, str, str]]:
    """Every problem of one item as (tier index or None, field name, message)."""
    errors: list[tuple[int | None, str, str]] = []
    if not spec.tiers:
        errors.append((None, "tiers", _("Give at least one tier.")))
    seen: set[str] = set()
    for index, tier in enumerate(spec.tiers):
        errors += [(index, name, message) for name, message in tier_errors(tier)]
        key = tier.circumstance.strip()
        if key in seen:
            errors.append((index, "circumstance", _("This circumstance is listed twice for the violation.")))
        seen.add(key)
    return errors


def _check(version: str, items: Sequence[ItemSpec]) -> None:
    errors: dict[str, list[str]] = {}
    if not version:
        errors["version"] = [_("Name the version.")]
    elif len(version) > MAX_VERSION:
        errors["version"] = [_("At most %(n)s characters.") % {"n": MAX_VERSION}]
    elif Baseline.objects.filter(version=version).exists():
        errors["version"] = [_("This version exists already.")]
    if not items:
        errors.setdefault("items", []).append(_("The baseline has no item."))
    violations = [i.violation.pk for i in items]
    if len(set(violations)) != len(violations):
        errors.setdefault("items", []).append(_("A violation is listed in two items."))
    for n, item in enumerate(items, 1):
        for tier, name, message in item_errors(item):
            key = f"items.{n}.{name}" if tier is None else f"items.{n}.tiers.{tier + 1}.{name}"
            errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationFailed(_("The baseline cannot be saved."), errors)


def _write_item(baseline: Baseline, spec: ItemSpec) -> None:
    item = BaselineItem.objects.create(
        baseline=baseline,
        violation=spec.violation,
        violated_provisions=spec.violated_provisions.strip() or spec.violation.violated_provisions,
        penalty_provisions=spec.penalty_provisions.strip() or spec.violation.penalty_provisions,
        note=spec.note.strip(),
    )
    Tier.objects.bulk_create(
        Tier(
            item=item, order=order, circumstance=t.circumstance.strip(), level=t.level,
            types=[p.value for p in PenaltyType if p in t.types],
            person_min_fen=t.person_min_fen, person_max_fen=t.person_max_fen,
            org_min_fen=t.org_min_fen, org_max_fen=t.org_max_fen, description=t.description.strip(),
        )
        for order, t in enumerate(spec.tiers, 1)
    )  # fmt: skip


@transaction.atomic
def baseline_create(
    *, actor: User, version: str, effective_from: dt.date, items: Sequence[ItemSpec], note: str = ""
) -> Baseline:
    """Draft a new version from ``items`` (all or nothing); it takes effect once a leader approves it."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    version = version.strip()
    _check(version, items)
    baseline = Baseline.objects.create(
        version=version, effective_from=effective_from, note=note.strip(), created_by=actor
    )
    for spec in items:
        _write_item(baseline, spec)
    detail = {"version": version, "items": len(items), "tiers": sum(len(i.tiers) for i in items)}
    audit_record(actor=actor, action="baseline.create", category=AuditCategory.DATA, obj=baseline, detail=detail)
    return baseline


def item_specs(baseline: Baseline) -> list[ItemSpec]:
    """The items of a stored version as specs (to copy it)."""
    specs = []
    for item in baseline.items.select_related("violation").prefetch_related("tiers"):
        tiers = [
            TierSpec(
                t.circumstance, Level(t.level), frozenset(PenaltyType(p) for p in t.types),
                t.person_min_fen, t.person_max_fen, t.org_min_fen, t.org_max_fen, t.description,
            )
            for t in item.tiers.all()
        ]  # fmt: skip
        specs.append(ItemSpec(item.violation, tiers, item.violated_provisions, item.penalty_provisions, item.note))
    return specs


@transaction.atomic
def baseline_copy(*, actor: User, source: Baseline, version: str, effective_from: dt.date, note: str = "") -> Baseline:
    """Draft a new version with the content of ``source`` (e.g. to change the date it takes effect)."""
    return baseline_create(
        actor=actor, version=version, effective_from=effective_from, items=item_specs(source), note=note
    )


@transaction.atomic
def baseline_approve(*, actor: User, baseline: Baseline) -> BaselineApproval:
    """A leader approves a draft; it is in force from ``effective_from`` until a later approved version.

    Refused when already approved, or when ``effective_from`` is before today:
    a baseline must be approved (and published, APL Art. 34) before it is applied.
    """
    require_perm(actor, Perm.CATALOG_APPROVE)
    baseline = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if BaselineApproval.objects.filter(baseline=baseline).exists():
        raise DomainError(_("This version is approved already."))
    if baseline.effective_from < timezone.localdate():
        raise field_error(
            "effective_from",
            _("This version would take effect before its approval: draft a copy with a later date."),
        )
    approval = BaselineApproval(
        baseline=baseline,
        approved_by=actor,
        approved_by_label=f"{actor.full_name}（{actor.username}）",
        approved_at=timezone.now(),
        content_digest=baseline_digest(baseline),
    )
    log_insert(approval, actor=actor, at=approval.approved_at)
    return approval


@transaction.atomic
def baseline_discard(*, actor: User, baseline: Baseline) -> None:
    """Delete a draft (never an approved version: cases and the log cite those)."""
    require_perm(actor, Perm.CATALOG_MANAGE)
    baseline = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if BaselineApproval.objects.filter(baseline=baseline).exists():
        raise DomainError(_("An approved version is never deleted."))
    audit_record(
        actor=actor, action="baseline.discard", category=AuditCategory.DATA, obj=baseline,
        detail={"version": baseline.version},
    )  # fmt: skip
    Tier.objects.filter(item__baseline=baseline).delete()
    baseline.items.all().delete()
    baseline.delete()
