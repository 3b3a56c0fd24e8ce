"""The demo bureau's discretion baseline: an approved version in force covering the demo violations.

These tiers are the demo bureau's own illustration, built from the
statutory ranges as commonly cited; they are NOT Siping's or Jilin's real
baseline tables, which are unconfirmed (RULES.md §15.7) and must be loaded
as data by the bureau. 违法建设 (城乡规划法 Art. 64) is left out: its fine is a
share of the construction cost, which a fixed range cannot express.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.penalties import PenaltyType
from sanxiang.catalog.models import Violation
from sanxiang.discretion.actions import ItemSpec, TierSpec, baseline_approve, baseline_create
from sanxiang.discretion.models import Baseline, BaselineApproval, Level
from sanxiang.org.models import User

VERSION = "演示-2026"
NOTE = (
    "演示用裁量基准：由演示执法局依据有关法律法规的罚款幅度编制，仅供演示，"
    "并非四平市或吉林省正式发布的裁量基准（见 RULES.md §15.7）。"
)
W, F = PenaltyType.WARNING, PenaltyType.FINE
CI, CP = PenaltyType.CONFISCATE_INCOME, PenaltyType.CONFISCATE_PROPERTY

#: code → (person range in yuan or None, organisation range in yuan or None, extra types beside the fine)
RANGES: dict[str, tuple[tuple[int, int] | None, tuple[int, int] | None, frozenset[PenaltyType]]] = {
    "txcg-srhw-01": ((50, 500), (500, 5000), frozenset({W})),
    "txcg-srhw-02": ((50, 500), (500, 5000), frozenset({W})),
    "txcg-srhw-03": ((500, 5000), (1000, 10000), frozenset({W})),
    "txcg-srhw-04": ((20, 200), (100, 1000), frozenset({W})),
    "txcg-srhw-05": ((200, 1000), (1000, 10000), frozenset({W})),
    "txcg-jzlj-01": ((500, 5000), (10000, 100000), frozenset({W})),
    "txcg-jzlj-02": ((0, 200), (5000, 50000), frozenset({W})),
    "txcg-hjbh-01": ((500, 2000), (10000, 100000), frozenset()),
    "txcg-hjbh-02": ((5000, 50000), (5000, 50000), frozenset()),
    "txcg-ylhl-01": ((100, 1000), (1000, 10000), frozenset()),
    "txcg-szgy-01": ((0, 20000), (0, 20000), frozenset()),
    "txcg-gsxz-01": ((0, 10000), (0, 10000), frozenset({CI, CP})),
    "txcg-gajt-01": ((200, 2000), (2000, 20000), frozenset()),
}


def _cut(low: int, high: int, share: float) -> int:
    """The point ``share`` of the way from ``low`` to ``high``, to whole tens of yuan."""
    return int(round((low + (high - low) * share) / 10) * 10)


def _fen(pair: tuple[int, int] | None) -> tuple[int | None, int | None]:
    return (pair[0] * 100, pair[1] * 100) if pair is not None else (None, None)


def _part(pair: tuple[int, int] | None, start: float, end: float) -> tuple[int, int] | None:
    return (_cut(*pair, start), _cut(*pair, end)) if pair is not None else None


def _fine_tier(circ: str, level: Level, types: frozenset[PenaltyType], person: tuple[int, int] | None,
               org: tuple[int, int] | None, description: str) -> TierSpec:  # fmt: skip
    (pmin, pmax), (omin, omax) = _fen(person), _fen(org)
    return TierSpec(circ, level, types | {F}, pmin, pmax, omin, omax, description)


def demo_tiers(code: str) -> list[TierSpec]:
    """不予处罚, (减轻 where the range has a minimum), 从轻, 一般, 从重 for one demo violation."""
    person, org, extra = RANGES[code]
    tiers = [
        TierSpec(
            "轻微",
            Level.NO_PENALTY,
            description="初次违法且危害后果轻微并及时改正，或者违法行为轻微并及时改正、没有造成危害后果",
        )
    ]
    mins = [p[0] for p in (person, org) if p is not None]
    if all(m > 0 for m in mins):
        below = tuple((0, p[0]) if p is not None else None for p in (person, org))
        tiers.append(_fine_tier("减轻", Level.MITIGATED, frozenset({W}), below[0], below[1],
                                "具有《行政处罚法》第三十条、第三十二条规定的法定减轻情节"))  # fmt: skip
    tiers += [
        _fine_tier("较轻", Level.LIGHTER, extra, _part(person, 0, 0.3), _part(org, 0, 0.3),
                   "经责令改正后及时改正，危害后果较小，或者具有法定从轻情节"),
        _fine_tier("一般", Level.ORDINARY, extra, _part(person, 0.3, 0.7), _part(org, 0.3, 0.7),
                   "违法行为持续时间较短，影响范围一般"),
        _fine_tier("严重", Level.HEAVIER, extra, _part(person, 0.7, 1), _part(org, 0.7, 1),
                   "拒不改正、多次违法、造成较大社会影响或者危害后果"),
    ]  # fmt: skip
    return tiers


@transaction.atomic
def demo_baseline_build(*, actor: User, violations: dict[str, Violation]) -> Baseline:
    """Return the demo version, drafting and approving it (in force from today) when missing; idempotent.

    ``violations`` is what ``sanxiang.catalog.demo.demo_catalog_build`` returned;
    ``actor`` is the system user (it holds both the drafting and the approving permission).
    """
    baseline = Baseline.objects.filter(version=VERSION).first()
    if baseline is None:
        items = [ItemSpec(violations[code], demo_tiers(code)) for code in RANGES if code in violations]
        baseline = baseline_create(
            actor=actor, version=VERSION, effective_from=timezone.localdate(), items=items, note=NOTE
        )
    if not BaselineApproval.objects.filter(baseline=baseline).exists():
        baseline_approve(actor=actor, baseline=baseline)
    return baseline
