"""Which baseline range applies to a case, and whether a penalty fits it (the discretion point of the review).

``applicable`` and ``assess`` read the database; the decision itself is the
pure function ``check`` (data in, ``Assessment`` out), which the property
tests drive directly.

When a penalty "fits a tier":

1. a tier of level ``no_penalty`` fits only a penalty with no type at all;
2. any other tier needs at least one discretionary type, and every
   discretionary type must be one of the tier's types. Confiscation of
   illegal income is not discretionary (APL Art. 28 para. 2: it "shall" be
   confiscated), so it is allowed beside any tier that imposes a penalty;
   a tier lists the types that *may* be imposed, it does not force each one;
3. a fine needs the tier to allow a fine for the case's party type, and the
   amount must lie within [min, max] for that party type (the organisation
   range when any party is an organisation). Confiscated amounts are facts,
   not discretion, and are not bounded;
4. a factor the case data establishes and the law makes binding (a minor
   party, APL Art. 30) allows only the levels the law allows.

With no ``tier_code`` the penalty is within when it fits any tier of the
item; with one, it must fit that tier. No baseline in force for the case's
violation means there is nothing to check: within.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case, PartyKind
from sanxiang.cases.penalties import LABELS, Penalty, PenaltyType
from sanxiang.discretion import factors as statute
from sanxiang.discretion.models import BaselineItem, Level, Tier
from sanxiang.discretion.selectors import baseline_in_force
from sanxiang.lib.validation import field_error

#: Not a matter of discretion (APL Art. 28 para. 2).
NON_DISCRETIONARY = frozenset({PenaltyType.CONFISCATE_INCOME})
TYPE_ORDER = tuple(PenaltyType)


@dataclass(frozen=True)
class TierRange:
    code: str
    circumstance: str
    level: str
    types: frozenset[PenaltyType]
    fine_min_fen: int | None
    fine_max_fen: int | None
    text: str

    @property
    def level_label(self) -> str:
        """The 裁量阶次 in the UI language."""
        return str(Level(self.level).label)


@dataclass(frozen=True)
class Applicable:
    baseline_version: str
    item_id: int
    violation_code: str
    provisions: str
    tiers: tuple[TierRange, ...]
    factors: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    applicable: Applicable | None
    tier: TierRange | None
    within: bool
    problems: tuple[str, ...]


def yuan(fen: int) -> str:
    """An amount in fen as yuan with thousands separators: 100000 → "1,000.00"."""
    return f"{Decimal(fen) / 100:,.2f}"


def types_text(types: frozenset[PenaltyType]) -> str:
    return "、".join(str(LABELS[t]) for t in TYPE_ORDER if t in types)


def range_text(level: str, types: frozenset[PenaltyType], low: int | None, high: int | None) -> str:
    """The tier for people: "Warning、Fine 1,000.00–5,000.00 yuan" (labels in the UI language)."""
    if level == Level.NO_PENALTY:
        return _("No penalty")
    if not types:
        return _("No penalty set for this party type")
    parts = [str(LABELS[t]) for t in TYPE_ORDER if t in types and t != PenaltyType.FINE]
    if PenaltyType.FINE in types and low is not None and high is not None:
        parts.append(_("fine of %(min)s–%(max)s yuan") % {"min": yuan(low), "max": yuan(high)})
    return "、".join(parts)


def tier_range(tier: Tier, *, organisation: bool) -> TierRange:
    """The tier as the case's party type sees it: no fine range for that type means no fine."""
    low, high = (tier.org_min_fen, tier.org_max_fen) if organisation else (tier.person_min_fen, tier.person_max_fen)
    types = frozenset(PenaltyType(t) for t in tier.types)
    if low is None or high is None:
        types, low, high = types - {PenaltyType.FINE}, None, None
    if PenaltyType.FINE not in types:
        low = high = None
    return TierRange(
        tier.code, tier.circumstance, tier.level, types, low, high, range_text(tier.level, types, low, high)
    )


def fit_problems(tier: TierRange, penalty: Penalty) -> list[str]:
    """Why ``penalty`` does not fit ``tier`` (empty: it fits); rules 1–3 of the module docstring."""
    if tier.level == Level.NO_PENALTY:
        if penalty.types:
            return [_("this tier imposes no penalty, but the penalty has: %(t)s") % {"t": types_text(penalty.types)}]
        return []
    chosen = penalty.types - NON_DISCRETIONARY
    if not chosen:
        return [_("this tier requires a penalty of: %(t)s") % {"t": tier.text}]
    problems = []
    extra = chosen - tier.types
    if extra:
        problems.append(_("%(t)s is not a penalty type of this tier") % {"t": types_text(frozenset(extra))})
    if PenaltyType.FINE in chosen and tier.fine_min_fen is not None and tier.fine_max_fen is not None:
        amount = {"amount": yuan(penalty.fine_fen), "min": yuan(tier.fine_min_fen), "max": yuan(tier.fine_max_fen)}
        if penalty.fine_fen < tier.fine_min_fen:
            problems.append(_("the fine of %(amount)s yuan is below the minimum of %(min)s yuan") % amount)
        elif penalty.fine_fen > tier.fine_max_fen:
            problems.append(_("the fine of %(amount)s yuan is above the maximum of %(max)s yuan") % amount)
    return problems


def _level_problems(tier: TierRange, binding: tuple[statute.Factor, ...]) -> list[str]:
    """Rule 4: a binding factor allows only some levels."""
    return [
        _("%(factor)s, but this tier is “%(level)s”") % {"factor": f.text(), "level": Level(tier.level).label}
        for f in binding
        if tier.level not in f.levels
    ]


def _tier_problems(tier: TierRange, penalty: Penalty, binding: tuple[statute.Factor, ...]) -> list[str]:
    return fit_problems(tier, penalty) + _level_problems(tier, binding)


def check(
    found: Applicable | None,
    penalty: Penalty,
    *,
    tier_code: str | None = None,
    binding: tuple[statute.Factor, ...] = (),
) -> Assessment:
    """Decide whether ``penalty`` is within ``found`` (see the module docstring); pure.

    Raises ``ValidationFailed`` on field "tier" for a ``tier_code`` that is not a tier of ``found``.
    """
    if found is None:
        return Assessment(None, None, True, ())
    if tier_code is not None:
        tier = next((t for t in found.tiers if t.code == tier_code), None)
        if tier is None:
            raise field_error(
                "tier", _("Choose one of the tiers of the baseline %(v)s.") % {"v": found.baseline_version}
            )
        problems = _tier_problems(tier, penalty, binding)
        return Assessment(found, tier, not problems, tuple(f"{tier.circumstance}: {p}" for p in problems))
    all_problems: list[str] = []
    for tier in found.tiers:
        problems = _tier_problems(tier, penalty, binding)
        if not problems:
            return Assessment(found, tier, True, ())
        all_problems += [f"{tier.circumstance}: {p}" for p in problems]
    return Assessment(found, None, False, tuple(all_problems))


def is_organisation_case(case: Case) -> bool:
    """The organisation ranges apply when any party is an organisation."""
    return any(p.kind == PartyKind.ORGANISATION for p in case.parties.all())


def applicable_item(item: BaselineItem, *, organisation: bool, factors: tuple[str, ...] = ()) -> Applicable:
    """An item of a baseline with its tiers' ranges for the party type."""
    provisions = _("Violated: %(v)s; penalty: %(p)s") % {"v": item.violated_provisions, "p": item.penalty_provisions}
    return Applicable(
        baseline_version=item.baseline.version,
        item_id=item.pk,
        violation_code=item.violation.code,
        provisions=provisions,
        tiers=tuple(tier_range(t, organisation=organisation) for t in item.tiers.all()),
        factors=factors,
    )


def applicable(case: Case, *, on: dt.date | None = None) -> Applicable | None:
    """The baseline item in force on ``on`` (default today) for the case's violation, or None."""
    if case.violation_id is None:
        return None
    baseline = baseline_in_force(on or timezone.localdate())
    if baseline is None:
        return None
    item = (
        BaselineItem.objects.filter(baseline=baseline, violation_id=case.violation_id)
        .select_related("baseline", "violation")
        .prefetch_related("tiers")
        .first()
    )
    if item is None:
        return None
    labels = tuple(f.text() for f in statute.suggested_factors(case))
    return applicable_item(item, organisation=is_organisation_case(case), factors=labels)


def assess(case: Case, penalty: Penalty, *, tier_code: str | None = None, on: dt.date | None = None) -> Assessment:
    """Is ``penalty`` within the baseline in force for ``case``? (See the module docstring.)"""
    found = applicable(case, on=on)
    binding = statute.established_factors(case) if found is not None else ()
    return check(found, penalty, tier_code=tier_code, binding=binding)


def require_reason(assessment: Assessment, reason: str) -> None:
    """Refuse (``ValidationFailed`` on "discretion_reason") a penalty outside the baseline given without a reason."""
    if assessment.within or reason.strip():
        return
    found = assessment.applicable
    assert found is not None  # outside implies a baseline applies
    ranges = "；".join(f"{t.circumstance}（{Level(t.level).label}）: {t.text}" for t in found.tiers)
    message = _(
        "The penalty is outside the discretion baseline %(version)s for %(violation)s (%(ranges)s): %(problems)s. "
        "Give the reason for departing from it."
    ) % {
        "version": found.baseline_version,
        "violation": found.violation_code,
        "ranges": ranges,
        "problems": "；".join(assessment.problems),
    }
    raise field_error("discretion_reason", message)


def assessment_json(assessment: Assessment) -> dict[str, object]:
    """What to keep with a decision or a review opinion (JSON values): which range was applied and the outcome."""
    found, tier = assessment.applicable, assessment.tier
    return {
        "baseline_version": found.baseline_version if found else None,
        "violation_code": found.violation_code if found else None,
        "tier_code": tier.code if tier else None,
        "tier": f"{tier.circumstance}（{tier.level_label}）: {tier.text}" if tier else None,
        "within": assessment.within,
        "problems": list(assessment.problems),
    }
