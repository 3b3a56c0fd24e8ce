"""``assess.check`` under random tiers and penalties (pure, no database).

- a penalty whose discretionary types are allowed by a tier and whose fine lies in [min, max] is within;
- a fine outside the range of every tier, or a type no tier allows, is never within;
- ``within`` holds exactly when some tier has no problem, and then ``tier`` is that tier.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.discretion.assess import NON_DISCRETIONARY, Applicable, TierRange, check, fit_problems
from sanxiang.discretion.models import Level

DISCRETIONARY = sorted(set(PenaltyType) - NON_DISCRETIONARY)
MAX = 10**9


@st.composite
def tiers(draw: st.DrawFn, code: str = "1-1") -> TierRange:
    level = draw(st.sampled_from([lv for lv in Level if lv != Level.NO_PENALTY]))
    types = frozenset(draw(st.sets(st.sampled_from(DISCRETIONARY), min_size=1)))
    low = draw(st.integers(0, MAX))
    high = draw(st.integers(low, MAX))
    fine = PenaltyType.FINE in types
    return TierRange(code, "情节" + code, level, types, low if fine else None, high if fine else None, "")


def found(*ranges: TierRange) -> Applicable:
    return Applicable("v1", 1, "srhw-001", "", tuple(ranges), ())


@given(tiers(), st.data())
def test_a_penalty_inside_a_tier_is_within(tier: TierRange, data: st.DataObject) -> None:
    chosen = data.draw(st.sets(st.sampled_from(sorted(tier.types)), min_size=1))
    income = data.draw(st.booleans())
    amount = data.draw(st.integers(tier.fine_min_fen, tier.fine_max_fen)) if tier.fine_min_fen is not None else 0
    types = frozenset(chosen) | ({PenaltyType.CONFISCATE_INCOME} if income else set())
    penalty = Penalty(types, fine_fen=amount if PenaltyType.FINE in types else 0)
    assert fit_problems(tier, penalty) == []
    for code in (None, tier.code):
        result = check(found(tier), penalty, tier_code=code)
        assert result.within and result.tier == tier and result.problems == ()


@given(st.lists(tiers(), min_size=1, max_size=4), st.integers(0, 2 * MAX), st.data())
def test_a_fine_outside_every_range_is_never_within(ranges: list[TierRange], amount: int, data: st.DataObject) -> None:
    ranges = [TierRange(f"1-{n}", t.circumstance, t.level, t.types | {PenaltyType.FINE},
                        t.fine_min_fen or 0, t.fine_max_fen or 0, "") for n, t in enumerate(ranges)]  # fmt: skip
    inside = any(t.fine_min_fen is not None and t.fine_max_fen is not None
                 and t.fine_min_fen <= amount <= t.fine_max_fen for t in ranges)  # fmt: skip
    penalty = Penalty(frozenset({PenaltyType.FINE}), fine_fen=amount)
    result = check(found(*ranges), penalty)
    assert result.within is inside
    if not inside:
        assert result.tier is None and result.problems
    tier = data.draw(st.sampled_from(ranges))
    chosen = check(found(*ranges), penalty, tier_code=tier.code)
    assert chosen.within is (tier.fine_min_fen <= amount <= tier.fine_max_fen)  # type: ignore[operator]


@given(st.lists(tiers(), min_size=1, max_size=4), st.sets(st.sampled_from(DISCRETIONARY), min_size=1))
def test_a_type_no_tier_allows_is_never_within(ranges: list[TierRange], types: set[PenaltyType]) -> None:
    ranges = [TierRange(f"1-{n}", t.circumstance, t.level, t.types, t.fine_min_fen, t.fine_max_fen, "")
              for n, t in enumerate(ranges)]  # fmt: skip
    allowed = frozenset().union(*(t.types for t in ranges))
    penalty = Penalty(frozenset(types), fine_fen=0)
    result = check(found(*ranges), penalty)
    if not types <= allowed:
        assert not result.within
    assert result.within is any(fit_problems(t, penalty) == [] for t in ranges)
    assert (result.tier is not None) is result.within


@given(st.sets(st.sampled_from(list(PenaltyType))), st.integers(0, MAX))
def test_a_no_penalty_tier_fits_only_no_penalty(types: set[PenaltyType], amount: int) -> None:
    tier = TierRange("1-1", "轻微", Level.NO_PENALTY, frozenset(), None, None, "")
    result = check(found(tier), Penalty(frozenset(types), fine_fen=amount))
    assert result.within is (not types)
